import GRDB
import TriageCore
import TriageStore

extension SQLiteStore {
    @discardableResult
    public func exportLabels(since: Timestamp?, _ body: (ExportRow) throws -> Void) throws -> Int {
        try guarded {
            // One read transaction: a consistent snapshot even while others keep labelling.
            try pool.read { db in
                try Self.streamRows(db, try Row.fetchCursor(db, sql: """
                    SELECT c.id AS case_row, c.case_id, c.merchant_id, c.policy, e.*
                    FROM cases c JOIN label_event e ON e.id = c.current_label
                    WHERE c.current_label IS NOT NULL AND (?1 IS NULL OR e.created_at >= ?1)
                    ORDER BY c.current_label
                    """, arguments: [since?.milliseconds]), body)
            }
        }
    }

    @discardableResult
    public func exportProjectLabels(_ project: String, since: Timestamp?, _ body: (ExportRow) throws -> Void) throws -> Int {
        try guarded {
            try pool.read { db in
                guard try Self.readProject(db, project) != nil else { throw Self.noProject(project) }
                return try Self.streamRows(db, try Row.fetchCursor(db, sql: """
                    SELECT c.id AS case_row, c.case_id, c.merchant_id, c.policy, e.*
                    FROM label_event e JOIN cases c ON c.id = e.case_row
                    WHERE e.project = ?1 AND e.kind IN ('label', 'adjudication') AND \(Self.liveEvent)
                      AND (?2 IS NULL OR e.created_at >= ?2)
                    ORDER BY e.id
                    """, arguments: [project, since?.milliseconds]), body)
            }
        }
    }

    /// Streams a cursor of (case_row, case_id, merchant_id, policy, label_event.*) rows as export
    /// rows, each with its case's latest features and every score; returns how many.
    private static func streamRows(_ db: Database, _ cursor: RowCursor, _ body: (ExportRow) throws -> Void) throws -> Int {
        var n = 0
        while let r = try cursor.next() {
            let row: Int64 = r["case_row"]
            let caseID: String = r["case_id"]
            let label = labelEvent(r, caseID: caseID)
            try body(ExportRow(caseID: caseID, merchantID: r["merchant_id"], policy: r["policy"],
                               features: try latestFeatures(db, row), scores: try scores(db, row),
                               label: label, samplingWeight: AuditSample.weight(inclusionProbability: label.inclusionProbability)))
            n += 1
        }
        return n
    }

    public func exportColumns() throws -> ExportColumns {
        try guarded {
            try pool.read { db in
                let scores = try Row.fetchAll(db, sql: "SELECT DISTINCT model, version FROM score ORDER BY model, version")
                    .map { ModelVersion(model: $0["model"], version: $0["version"]) }
                let features = try String.fetchAll(db, sql: "SELECT name FROM feature_name ORDER BY name")
                return ExportColumns(scores: scores, features: features)
            }
        }
    }
}
