import Foundation
import PostgresNIO
import TriageCore
import TriageFormats
import TriageStore

/// Reads a row's columns by position (rows wider than a tuple decode comfortably).
struct PGRowReader {
    let row: PostgresRandomAccessRow
    init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }
    func get<T: PostgresDecodable>(_ i: Int, _ type: T.Type = T.self) throws -> T { try row[i].decode(T.self) }
}

extension PostgresStore {
    public func caseDetail(caseID: String) throws -> CaseDetail? {
        try pool.with { c in try Self.caseDetail(c, caseID: caseID, seesDecisions: seesDecisions) }
    }

    static let caseColumns = """
        id, case_id, policy, flagged_at, merchant_id, merchant_name, merchant_country, merchant_mcc, merchant_url, \
        merchant_description, status, gold_label
        """

    /// ``caseColumns`` for a session that may not read other people's decisions (a labeler): the
    /// status reads `open` and the gold label NULL (the screens do not show either to them).
    static let caseColumnsWithoutDecisions = """
        id, case_id, policy, flagged_at, merchant_id, merchant_name, merchant_country, merchant_mcc, merchant_url, \
        merchant_description, 'open'::text AS status, NULL::text AS gold_label
        """

    /// A case in full. A session that may not read others' decisions or every model output (a
    /// labeler: ``seesDecisions`` false) reads the model output through the database's
    /// `triage_*_of` functions, which hand over what it may see, and only its own label events
    /// (row security).
    static func caseDetail(_ c: PGConnection, caseID: String, seesDecisions: Bool) throws -> CaseDetail? {
        var key = PostgresBindings()
        key.append(caseID)
        let columns = seesDecisions ? caseColumns : caseColumnsWithoutDecisions
        guard let head = try c.query("SELECT \(columns) FROM cases WHERE case_id = $1", key).first else { return nil }
        let h = PGRowReader(head)
        let row: Int64 = try h.get(0)
        let mc = MerchantCase(
            caseID: try h.get(1), policy: try h.get(2), flaggedAt: (try h.get(3, Int64?.self)).map(Timestamp.init(milliseconds:)),
            merchant: Merchant(id: try h.get(4), name: try h.get(5), country: try h.get(6), mcc: try h.get(7),
                               url: try h.get(8), description: try h.get(9)),
            status: CaseStatus(rawValue: try h.get(10)) ?? .open, goldLabel: try h.get(11))
        var b = PostgresBindings()
        b.append(row)
        let scoresSQL = seesDecisions ? "SELECT model, version, score, threshold FROM score WHERE case_row = $1 ORDER BY id"
            : "SELECT model, version, score, threshold FROM triage_scores_of($1)"
        let scores = try c.query(scoresSQL, b).map { r in
            let (model, version, score, threshold) = try r.decode((String, String, Double, Double?).self)
            return ModelScore(model: model, version: version, score: score, threshold: threshold)
        }
        let attributionsSQL = seesDecisions ? "SELECT model, version, base_value, space, items FROM attribution WHERE case_row = $1 ORDER BY id"
            : "SELECT model, version, base_value, space, items FROM triage_attributions_of($1)"
        let attributions = try c.query(attributionsSQL, b)
            .map { r in
                let (model, version, base, space, items) = try r.decode((String, String, Double, String, String).self)
                return Attribution(model: model, version: version, baseValue: base, space: AttributionSpace(rawValue: space) ?? .logit,
                                   items: JSONText.decodeItems(items))
            }
        let rationaleColumns = "id, model, prompt_version, text, evidence_ids, created_at, origin, latency_ms, prompt_tokens, completion_tokens, requested_by"
        let rationales = try c.query(seesDecisions ? "SELECT \(rationaleColumns) FROM rationale WHERE case_row = $1 ORDER BY id"
                                                   : "SELECT \(rationaleColumns) FROM triage_rationales_of($1)", b).map(Self.rationale)
        let evidence = try c.query("SELECT evidence_id, kind, source, text FROM evidence WHERE case_row = $1 ORDER BY id", b).map { r in
            let (id, kind, source, text) = try r.decode((String, String?, String?, String?).self)
            return Evidence(id: id, kind: kind, source: source, text: text)
        }
        let features = try c.query("SELECT features FROM feature_snapshot WHERE case_row = $1 ORDER BY id DESC LIMIT 1", b)
            .first.map { JSONText.decodeFeatures(try $0.decode(String.self)) } ?? []
        let labels = try labelEvents(c, row: row, caseID: mc.caseID)
        return CaseDetail(case: mc, scores: scores, attributions: attributions, rationales: rationales, evidence: evidence,
                          features: features, labels: labels)
    }

    static func rationale(_ row: PostgresRow) throws -> Rationale {
        let r = PGRowReader(row)
        let origin = RationaleOrigin(rawValue: try r.get(6)) ?? .imported
        var generation: RationaleGeneration?
        if origin == .generated {
            generation = RationaleGeneration(latencyMs: Int(try r.get(7, Int64?.self) ?? 0), promptTokens: (try r.get(8, Int64?.self)).map(Int.init),
                                             completionTokens: (try r.get(9, Int64?.self)).map(Int.init),
                                             requestedBy: try r.get(10, String?.self) ?? "")
        }
        return Rationale(id: try r.get(0), model: try r.get(1), promptVersion: try r.get(2), text: try r.get(3),
                         evidenceIDs: JSONText.decodeStrings(try r.get(4)) ?? [],
                         createdAt: (try r.get(5, Int64?.self)).map(Timestamp.init(milliseconds:)), origin: origin, generation: generation)
    }

    public func labelEvents(caseID: String) throws -> [LabelEvent] {
        try pool.with { c in
            var key = PostgresBindings()
            key.append(caseID)
            guard let row = try c.query("SELECT id FROM cases WHERE case_id = $1", key).first?.decode(Int64.self) else {
                throw StoreError.caseNotFound(caseID)
            }
            return try Self.labelEvents(c, row: row, caseID: caseID)
        }
    }

    static let labelColumns = """
        id, kind, decision, reason_codes, note, analyst, os_user, role, created_at, dwell_ms, blind, model_versions_seen, \
        supersedes, queue_policy, inclusion_probability, app_version, project
        """

    static func labelEvents(_ c: PGConnection, row: Int64, caseID: String) throws -> [LabelEvent] {
        var b = PostgresBindings()
        b.append(row)
        return try c.query("SELECT \(labelColumns) FROM label_event WHERE case_row = $1 ORDER BY id", b).map { try labelEvent($0, caseID: caseID) }
    }

    /// A label event read with ``labelColumns``.
    static func labelEvent(_ row: PostgresRow, caseID: String) throws -> LabelEvent {
        let r = PGRowReader(row)
        return LabelEvent(
            id: try r.get(0), caseID: caseID, kind: LabelEventKind(rawValue: try r.get(1)) ?? .label, decision: try r.get(2),
            reasonCodes: JSONText.decodeStrings(try r.get(3)) ?? [], note: try r.get(4), analyst: try r.get(5), osUser: try r.get(6),
            role: Role(rawValue: try r.get(7)) ?? .analyst, createdAt: Timestamp(milliseconds: try r.get(8)), dwellMs: try r.get(9),
            blind: try r.get(10), modelVersionsSeen: JSONText.decodeStrings(try r.get(11)) ?? [], supersedes: try r.get(12),
            queuePolicy: try r.get(13), inclusionProbability: try r.get(14), appVersion: try r.get(15), project: try r.get(16))
    }

    public func analystCounts(analyst: String, since: Timestamp) throws -> AnalystCounts {
        try pool.with { c in
            var b = PostgresBindings()
            b.append(analyst); b.append(Timestamp.now().milliseconds); b.append(since.milliseconds)
            let (held, labelled) = try c.query("""
                SELECT (SELECT count(*) FROM assignment WHERE analyst = $1 AND lease_until > $2),
                       (SELECT count(*) FROM label_event WHERE analyst = $1 AND created_at >= $3 AND kind = 'label')
                """, b).first?.decode((Int, Int).self) ?? (0, 0)
            return AnalystCounts(held: held, labelled: labelled)
        }
    }

    public func stats() throws -> StoreStats {
        try pool.with { c in
            let cases = try c.query("""
                SELECT policy, status, count(*) FROM cases GROUP BY policy, status ORDER BY policy COLLATE "C", status COLLATE "C"
                """).map { r in
                let (policy, status, n) = try r.decode((String, String, Int).self)
                return PolicyStatusCount(policy: policy, status: CaseStatus(rawValue: status) ?? .open, count: n)
            }
            let labels = try c.query("SELECT count(*) FROM label_event").first?.decode(Int.self) ?? 0
            let (imports, last) = try c.query("SELECT count(*), max(finished_at) FROM import_batch WHERE finished_at IS NOT NULL")
                .first?.decode((Int, Int64?).self) ?? (0, nil)
            let unfinished = try c.query("SELECT \(Self.importBatchColumns) FROM import_batch WHERE finished_at IS NULL ORDER BY id")
                .map(Self.importBatch)
            return StoreStats(cases: cases, labelEvents: labels, imports: imports, lastImport: last.map(Timestamp.init(milliseconds:)),
                              unfinishedImports: unfinished)
        }
    }
}
