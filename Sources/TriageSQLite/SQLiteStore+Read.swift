import GRDB
import TriageCore
import TriageFormats
import TriageStore

extension SQLiteStore {
    public func caseDetail(caseID: String) throws -> CaseDetail? {
        try guarded {
            try pool.read { db in
                guard let row = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM cases WHERE case_id = ?"),
                                                   arguments: [caseID]) else { return nil }
                return try Self.caseDetail(db, row: row, caseID: caseID)
            }
        }
    }

    /// The detail of the case with store row id `row` (nil when there is none).
    static func caseDetail(_ db: Database, row: Int64, caseID: String) throws -> CaseDetail? {
        guard let c = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM cases WHERE id = ?"),
                                       arguments: [row]) else { return nil }
        let mc = MerchantCase(
            caseID: try c.checked("case_id"), policy: try c.checked("policy"),
            flaggedAt: (try c.checked("flagged_at") as Int64?).map(Timestamp.init(milliseconds:)),
            merchant: Merchant(id: try c.checked("merchant_id"), name: try c.checked("merchant_name"), country: try c.checked("merchant_country"),
                               mcc: try c.checked("merchant_mcc"), url: try c.checked("merchant_url"), description: try c.checked("merchant_description")),
            status: CaseStatus(rawValue: try c.checked("status")) ?? .open, goldLabel: try c.checked("gold_label"))
        let scores = try Self.scores(db, row)
        let attributions = try Row.fetchAll(db.cachedStatement(sql:
            "SELECT * FROM attribution WHERE case_row = ? ORDER BY id"), arguments: [row]).map { r in
            Attribution(model: try r.checked("model"), version: try r.checked("version"), baseValue: try r.checked("base_value"),
                        space: AttributionSpace(rawValue: try r.checked("space")) ?? .logit,
                        items: JSONText.decodeItems(try r.checked("items")))
        }
        let rationales = try Row.fetchAll(db.cachedStatement(sql:
            "SELECT * FROM rationale WHERE case_row = ? ORDER BY id"), arguments: [row]).map(Self.rationale)
        let evidence = try Row.fetchAll(db.cachedStatement(sql:
            "SELECT * FROM evidence WHERE case_row = ? ORDER BY id"), arguments: [row]).map { r in
            Evidence(id: try r.checked("evidence_id"), kind: try r.checked("kind"), source: try r.checked("source"), text: try r.checked("text"))
        }
        let features = try Self.latestFeatures(db, row)
        let labels = try Self.labelEvents(db, row, caseID: mc.caseID)
        return CaseDetail(case: mc, scores: scores, attributions: attributions, rationales: rationales,
                          evidence: evidence, features: features, labels: labels)
    }

    static func scores(_ db: Database, _ row: Int64) throws -> [ModelScore] {
        try Row.fetchAll(db.cachedStatement(sql:
            "SELECT model, version, score, threshold FROM score WHERE case_row = ? ORDER BY id"), arguments: [row])
            .map { ModelScore(model: try $0.checked("model"), version: try $0.checked("version"), score: try $0.checked("score"), threshold: try $0.checked("threshold")) }
    }

    static func latestFeatures(_ db: Database, _ row: Int64) throws -> [(name: String, value: FeatureValue)] {
        let json = try String.fetchOne(db.cachedStatement(sql:
            "SELECT features FROM feature_snapshot WHERE case_row = ? ORDER BY id DESC LIMIT 1"), arguments: [row])
        return json.map(JSONText.decodeFeatures) ?? []
    }

    static func labelEvents(_ db: Database, _ row: Int64, caseID: String) throws -> [LabelEvent] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM label_event WHERE case_row = ? ORDER BY id"),
                         arguments: [row]).map { try labelEvent($0, caseID: caseID) }
    }

    static func labelEvent(_ r: Row, caseID: String) throws -> LabelEvent {
        LabelEvent(id: try r.checked("id"), caseID: caseID, kind: LabelEventKind(rawValue: try r.checked("kind")) ?? .label,
                   decision: try r.checked("decision"), reasonCodes: JSONText.decodeStrings(try r.checked("reason_codes")) ?? [],
                   note: try r.checked("note"), analyst: try r.checked("analyst"), osUser: try r.checked("os_user"), role: Role(rawValue: try r.checked("role")) ?? .analyst,
                   createdAt: Timestamp(milliseconds: try r.checked("created_at")), dwellMs: try r.checked("dwell_ms"), blind: try r.checked("blind"),
                   modelVersionsSeen: JSONText.decodeStrings(try r.checked("model_versions_seen")) ?? [],
                   supersedes: try r.checked("supersedes"), queuePolicy: try r.checked("queue_policy"),
                   inclusionProbability: try r.checked("inclusion_probability"), appVersion: try r.checked("app_version"),
                   project: try r.checked("project"))
    }

    public func analystCounts(analyst: String, since: Timestamp) throws -> AnalystCounts {
        try guarded {
            try pool.read { db in
                let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT (SELECT count(*) FROM assignment WHERE analyst = ?1 AND lease_until > ?2) AS held,
                           (SELECT count(*) FROM label_event WHERE analyst = ?1 AND created_at >= ?3 AND kind = 'label') AS labelled
                    """), arguments: [analyst, Timestamp.now().milliseconds, since.milliseconds])
                return AnalystCounts(held: try row?.checked("held") ?? 0, labelled: try row?.checked("labelled") ?? 0)
            }
        }
    }

    public func stats() throws -> StoreStats {
        try guarded {
            try pool.read { db in
                let cases = try Row.fetchAll(db, sql: "SELECT policy, status, count(*) AS n FROM cases GROUP BY policy, status ORDER BY policy, status")
                    .map { PolicyStatusCount(policy: try $0.checked("policy"), status: CaseStatus(rawValue: try $0.checked("status")) ?? .open, count: try $0.checked("n")) }
                let labels = try Int.fetchOne(db, sql: "SELECT count(*) FROM label_event") ?? 0
                let imports = try Row.fetchOne(db, sql: "SELECT count(*) AS n, max(finished_at) AS last FROM import_batch WHERE finished_at IS NOT NULL")
                let unfinished = try Row.fetchAll(db, sql: "SELECT * FROM import_batch WHERE finished_at IS NULL ORDER BY id")
                    .map(Self.importBatch)
                return StoreStats(cases: cases, labelEvents: labels, imports: try imports?.checked("n") ?? 0,
                                  lastImport: (try imports?.checked("last") as Int64?).map(Timestamp.init(milliseconds:)),
                                  unfinishedImports: unfinished)
            }
        }
    }
}
