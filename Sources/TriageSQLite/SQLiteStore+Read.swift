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
            caseID: c["case_id"], policy: c["policy"],
            flaggedAt: (c["flagged_at"] as Int64?).map(Timestamp.init(milliseconds:)),
            merchant: Merchant(id: c["merchant_id"], name: c["merchant_name"], country: c["merchant_country"],
                               mcc: c["merchant_mcc"], url: c["merchant_url"], description: c["merchant_description"]),
            status: CaseStatus(rawValue: c["status"]) ?? .open, goldLabel: c["gold_label"])
        let scores = try Self.scores(db, row)
        let attributions = try Row.fetchAll(db.cachedStatement(sql:
            "SELECT * FROM attribution WHERE case_row = ? ORDER BY id"), arguments: [row]).map { r in
            Attribution(model: r["model"], version: r["version"], baseValue: r["base_value"],
                        space: AttributionSpace(rawValue: r["space"]) ?? .logit,
                        items: JSONText.decodeItems(r["items"]))
        }
        let rationales = try Row.fetchAll(db.cachedStatement(sql:
            "SELECT * FROM rationale WHERE case_row = ? ORDER BY id"), arguments: [row]).map(Self.rationale)
        let evidence = try Row.fetchAll(db.cachedStatement(sql:
            "SELECT * FROM evidence WHERE case_row = ? ORDER BY id"), arguments: [row]).map { r in
            Evidence(id: r["evidence_id"], kind: r["kind"], source: r["source"], text: r["text"])
        }
        let features = try Self.latestFeatures(db, row)
        let labels = try Self.labelEvents(db, row, caseID: mc.caseID)
        return CaseDetail(case: mc, scores: scores, attributions: attributions, rationales: rationales,
                          evidence: evidence, features: features, labels: labels)
    }

    static func scores(_ db: Database, _ row: Int64) throws -> [ModelScore] {
        try Row.fetchAll(db.cachedStatement(sql:
            "SELECT model, version, score, threshold FROM score WHERE case_row = ? ORDER BY id"), arguments: [row])
            .map { ModelScore(model: $0["model"], version: $0["version"], score: $0["score"], threshold: $0["threshold"]) }
    }

    static func latestFeatures(_ db: Database, _ row: Int64) throws -> [(name: String, value: FeatureValue)] {
        let json = try String.fetchOne(db.cachedStatement(sql:
            "SELECT features FROM feature_snapshot WHERE case_row = ? ORDER BY id DESC LIMIT 1"), arguments: [row])
        return json.map(JSONText.decodeFeatures) ?? []
    }

    static func labelEvents(_ db: Database, _ row: Int64, caseID: String) throws -> [LabelEvent] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM label_event WHERE case_row = ? ORDER BY id"),
                         arguments: [row]).map { labelEvent($0, caseID: caseID) }
    }

    static func labelEvent(_ r: Row, caseID: String) -> LabelEvent {
        LabelEvent(id: r["id"], caseID: caseID, kind: LabelEventKind(rawValue: r["kind"]) ?? .label,
                   decision: r["decision"], reasonCodes: JSONText.decodeStrings(r["reason_codes"]) ?? [],
                   note: r["note"], analyst: r["analyst"], osUser: r["os_user"], role: Role(rawValue: r["role"]) ?? .analyst,
                   createdAt: Timestamp(milliseconds: r["created_at"]), dwellMs: r["dwell_ms"], blind: r["blind"],
                   modelVersionsSeen: JSONText.decodeStrings(r["model_versions_seen"]) ?? [],
                   supersedes: r["supersedes"], queuePolicy: r["queue_policy"],
                   inclusionProbability: r["inclusion_probability"], appVersion: r["app_version"],
                   project: r["project"])
    }

    public func analystCounts(analyst: String, since: Timestamp) throws -> AnalystCounts {
        try guarded {
            try pool.read { db in
                let row = try Row.fetchOne(db.cachedStatement(sql: """
                    SELECT (SELECT count(*) FROM assignment WHERE analyst = ?1 AND lease_until > ?2) AS held,
                           (SELECT count(*) FROM label_event WHERE analyst = ?1 AND created_at >= ?3 AND kind = 'label') AS labelled
                    """), arguments: [analyst, Timestamp.now().milliseconds, since.milliseconds])
                return AnalystCounts(held: row?["held"] ?? 0, labelled: row?["labelled"] ?? 0)
            }
        }
    }

    public func stats() throws -> StoreStats {
        try guarded {
            try pool.read { db in
                let cases = try Row.fetchAll(db, sql: "SELECT policy, status, count(*) AS n FROM cases GROUP BY policy, status ORDER BY policy, status")
                    .map { PolicyStatusCount(policy: $0["policy"], status: CaseStatus(rawValue: $0["status"]) ?? .open, count: $0["n"]) }
                let labels = try Int.fetchOne(db, sql: "SELECT count(*) FROM label_event") ?? 0
                let imports = try Row.fetchOne(db, sql: "SELECT count(*) AS n, max(finished_at) AS last FROM import_batch WHERE finished_at IS NOT NULL")
                let unfinished = try Row.fetchAll(db, sql: "SELECT * FROM import_batch WHERE finished_at IS NULL ORDER BY id")
                    .map(Self.importBatch)
                return StoreStats(cases: cases, labelEvents: labels, imports: imports?["n"] ?? 0,
                                  lastImport: (imports?["last"] as Int64?).map(Timestamp.init(milliseconds:)),
                                  unfinishedImports: unfinished)
            }
        }
    }
}
