import GRDB
import TriageCore
import TriageFormats
import TriageStore

extension SQLiteStore {
    @discardableResult
    public func exportLabels(since: Timestamp?, _ body: (ExportRow) throws -> Void) throws -> Int {
        try guarded {
            // One read transaction: a consistent snapshot even while others keep labelling.
            try pool.read { db in
                try Self.streamWithdrawals(db, project: nil, since: since, body) + Self.streamRows(db, from: """
                    FROM cases c JOIN label_event e ON e.id = c.current_label
                    WHERE c.current_label IS NOT NULL AND (?1 IS NULL OR e.created_at >= ?1)
                    ORDER BY c.current_label
                    """, bind: { $0.bind(1, since?.milliseconds) }, body)
            }
        }
    }

    @discardableResult
    public func exportProjectLabels(_ project: String, since: Timestamp?, _ body: (ExportRow) throws -> Void) throws -> Int {
        try guarded {
            try pool.read { db in
                guard try Self.readProject(db, project) != nil else { throw Self.noProject(project) }
                return try Self.streamWithdrawals(db, project: project, since: since, body) + Self.streamRows(db, from: """
                    FROM label_event e JOIN cases c ON c.id = e.case_row
                    WHERE e.project = ?1 AND e.kind IN ('label', 'adjudication') AND \(Self.liveEvent)
                      AND (?2 IS NULL OR e.created_at >= ?2)
                    ORDER BY e.id
                    """, bind: { $0.bind(1, project); $0.bind(2, since?.milliseconds) }, body)
            }
        }
    }

    /// Streams a withdrawal row for every label or adjudication (of the analyst queue, or of
    /// `project`) undone or superseded at or after `since`, by the superseding event's id; none
    /// without `since`. Returns how many.
    private static func streamWithdrawals(_ db: Database, project: String?, since: Timestamp?,
                                          _ body: (ExportRow) throws -> Void) throws -> Int {
        guard let since else { return 0 }
        let rows = try Row.fetchCursor(db, sql: """
            SELECT e.*, c.case_id AS w_case_id, c.merchant_id AS w_merchant_id, c.policy AS w_policy,
                   s.created_at AS w_at, s.id AS w_by
            FROM label_event s JOIN label_event e ON e.id = s.supersedes JOIN cases c ON c.id = e.case_row
            WHERE s.created_at >= ? AND e.kind IN ('label', 'adjudication') AND e.project IS ?
            ORDER BY s.id
            """, arguments: [since.milliseconds, project])
        var n = 0
        while let r = try rows.next() {
            let caseID: String = try r.checked("w_case_id")
            try body(.withdrawn(caseID: caseID, merchantID: try r.checked("w_merchant_id"), policy: try r.checked("w_policy"),
                                label: try labelEvent(r, caseID: caseID),
                                withdrawal: Withdrawal(at: Timestamp(milliseconds: try r.checked("w_at")), byEvent: try r.checked("w_by"))))
            n += 1
        }
        return n
    }

    /// The export's columns, read by position in ``streamRows(_:from:bind:_:)``: the case,
    /// its latest feature snapshot as the JSON text the importer wrote (copied into a JSON Lines
    /// export as is, parsed only for CSV), then the label event.
    private static let exportSelect = """
        SELECT c.id, c.case_id, c.merchant_id, c.policy,
               (SELECT f.features FROM feature_snapshot f WHERE f.case_row = c.id ORDER BY f.id DESC LIMIT 1),
               e.id, e.kind, e.decision, e.reason_codes, e.note, e.analyst, e.os_user, e.role, e.created_at,
               e.dwell_ms, e.blind, e.model_versions_seen, e.supersedes, e.queue_policy, e.inclusion_probability,
               e.app_version, e.project
        """

    /// Streams the rows of ``exportSelect`` + `from` as export rows, each with every score of its
    /// case; returns how many. `bind` binds `from`'s parameters. One statement for the rows and one
    /// for the scores, both stepped through SQLite's C API (``BoundStatement``) with columns read by
    /// position: GRDB's rows and cursors cost about a fifth of an export of a million labels.
    private static func streamRows(_ db: Database, from: String, bind: (BoundStatement) -> Void,
                                   _ body: (ExportRow) throws -> Void) throws -> Int {
        let scores = try BoundStatement(db, sql: "SELECT model, version, score, threshold FROM score WHERE case_row = ? ORDER BY id")
        let rows = try BoundStatement(db, sql: exportSelect + "\n" + from)
        defer { rows.reset(); scores.reset() }
        bind(rows)
        let decode: @Sendable (String) -> [(name: String, value: FeatureValue)] = JSONText.decodeFeatures
        var n = 0
        while try rows.step() {
            let caseID = rows.text(1)
            let reasons = rows.text(8), seen = rows.text(16)
            let label = LabelEvent(
                id: rows.int64(5), caseID: caseID, kind: LabelEventKind(rawValue: rows.text(6)) ?? .label, decision: rows.textOrNil(7),
                reasonCodes: reasons == "[]" ? [] : JSONText.decodeStrings(reasons) ?? [], note: rows.textOrNil(9),
                analyst: rows.text(10), osUser: rows.text(11), role: Role(rawValue: rows.text(12)) ?? .analyst,
                createdAt: Timestamp(milliseconds: rows.int64(13)), dwellMs: rows.int64OrNil(14), blind: rows.int64(15) != 0,
                modelVersionsSeen: seen == "[]" ? [] : JSONText.decodeStrings(seen) ?? [], supersedes: rows.int64OrNil(17),
                queuePolicy: rows.textOrNil(18), inclusionProbability: rows.doubleOrNil(19), appVersion: rows.text(20),
                project: rows.textOrNil(21))
            var caseScores: [ModelScore] = []
            scores.bind(1, rows.int64(0))
            while try scores.step() {
                caseScores.append(ModelScore(model: scores.text(0), version: scores.text(1), score: scores.double(2),
                                             threshold: scores.doubleOrNil(3)))
            }
            scores.reset()
            let weight = AuditSample.weight(inclusionProbability: label.inclusionProbability)
            let merchantID = rows.textOrNil(2), policy = rows.text(3)
            if let features = rows.textOrNil(4) {
                try body(ExportRow(caseID: caseID, merchantID: merchantID, policy: policy, featuresJSON: features,
                                   decode: decode, scores: caseScores, label: label, samplingWeight: weight))
            } else {
                try body(ExportRow(caseID: caseID, merchantID: merchantID, policy: policy, features: [], scores: caseScores,
                                   label: label, samplingWeight: weight))
            }
            n += 1
        }
        return n
    }

    public func exportColumns() throws -> ExportColumns {
        try guarded {
            try pool.read { db in
                let scores = try Row.fetchAll(db, sql: "SELECT DISTINCT model, version FROM score ORDER BY model, version")
                    .map { ModelVersion(model: try $0.checked("model"), version: try $0.checked("version")) }
                let features = try String.fetchAll(db, sql: "SELECT name FROM feature_name ORDER BY name")
                return ExportColumns(scores: scores, features: features)
            }
        }
    }
}
