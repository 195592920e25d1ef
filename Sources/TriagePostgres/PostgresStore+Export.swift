import Foundation
import PostgresNIO
import TriageCore
import TriageFormats
import TriageStore

extension PostgresStore {
    /// How many labelled cases an export reads per query: PostgresNIO's synchronous use hands
    /// over a query's rows all at once, so an export reads keyset pages (by label id) to keep its
    /// memory flat however many labels there are.
    static let exportPageSize = 2_000

    /// Streams one row per labelled case in the analyst queue (its current label made at or
    /// after `since`), in label order, from one snapshot (a REPEATABLE READ READ ONLY
    /// transaction) even while others keep labelling; pages of ``exportPageSize`` cases, each
    /// with their scores in one more query. Returns the count.
    @discardableResult
    public func exportLabels(since: Timestamp?, _ body: (ExportRow) throws -> Void) throws -> Int {
        try exportLabels(since: since, pageSize: Self.exportPageSize, body)
    }

    /// ``exportLabels(since:_:)`` in pages of `pageSize` cases (tests page in a few).
    @discardableResult
    func exportLabels(since: Timestamp?, pageSize: Int, _ body: (ExportRow) throws -> Void) throws -> Int {
        let pageSize = max(1, pageSize)
        return try pool.with { c in
            try Self.readOnlySnapshot(c) {
                var n = try Self.exportWithdrawals(c, project: nil, since: since, pageSize: pageSize, body)
                var after: Int64 = 0 // label ids start at 1
                while true {
                    var args = PGArguments()
                    // The bound on both sides of the join: each page then starts at its first
                    // label in both indexes (with it on one side only, the merge join read every
                    // label before the page).
                    let from = args.add(after)
                    var conditions = ["c.current_label IS NOT NULL", "c.current_label > " + from, "e.id > " + from]
                    if let since { conditions.append("e.created_at >= " + args.add(since.milliseconds)) }
                    let sql = """
                        SELECT \(Self.exportLabelColumns), c.id, c.case_id, c.merchant_id, c.policy,
                               (SELECT f.features FROM feature_snapshot f WHERE f.case_row = c.id ORDER BY f.id DESC LIMIT 1)
                        FROM cases c JOIN label_event e ON e.id = c.current_label
                        """ + Self.whereClause(conditions) + """

                        ORDER BY c.current_label
                        LIMIT \(args.add(pageSize))
                        """
                    let page = try c.query(sql, args.binds)
                    guard !page.isEmpty else { return n }
                    n += try Self.exportPage(c, page, body)
                    guard page.count == pageSize,
                          let last = try page.last.map({ try PGRowReader($0).get(0, Int64.self) }) else { return n }
                    after = last
                }
            }
        }
    }

    /// Streams a withdrawal row for every label or adjudication (of the analyst queue, or of
    /// `project`) undone or superseded at or after `since`, in pages of `pageSize` by the
    /// superseding event's id; none without `since`. Returns how many.
    static func exportWithdrawals(_ c: PGConnection, project: String?, since: Timestamp?, pageSize: Int,
                                  _ body: (ExportRow) throws -> Void) throws -> Int {
        guard let since else { return 0 }
        let width = labelColumns.split(separator: ",").count
        var n = 0
        var after: Int64 = 0
        while true {
            var args = PGArguments()
            let projectCondition = project.map { "e.project = " + args.add($0) } ?? "e.project IS NULL"
            let page = try c.query("""
                SELECT \(exportLabelColumns), c.case_id, c.merchant_id, c.policy, s.created_at, s.id
                FROM label_event s JOIN label_event e ON e.id = s.supersedes JOIN cases c ON c.id = e.case_row
                WHERE s.created_at >= \(args.add(since.milliseconds)) AND s.id > \(args.add(after))
                  AND e.kind IN ('label', 'adjudication') AND \(projectCondition)
                ORDER BY s.id LIMIT \(args.add(pageSize))
                """, args.binds)
            for row in page {
                let r = PGRowReader(row)
                let caseID: String = try r.get(width)
                try body(.withdrawn(caseID: caseID, merchantID: try r.get(width + 1), policy: try r.get(width + 2),
                                    label: try labelEvent(row, caseID: caseID),
                                    withdrawal: Withdrawal(at: Timestamp(milliseconds: try r.get(width + 3)), byEvent: try r.get(width + 4))))
                after = try r.get(width + 4)
                n += 1
            }
            if page.count < pageSize { return n }
        }
    }

    /// ``labelColumns`` of the label event `e`, in the same order (read by ``labelEvent(_:caseID:)``).
    static let exportLabelColumns = labelColumns.split(separator: ",")
        .map { "e." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

    /// Hands a page of export rows (``exportLabelColumns``, then the case's row id, case id, merchant id,
    /// policy and latest feature snapshot) to `body`, each with every score of its case, oldest
    /// first; returns how many.
    private static func exportPage(_ c: PGConnection, _ page: [PostgresRow], _ body: (ExportRow) throws -> Void) throws -> Int {
        let width = labelColumns.split(separator: ",").count
        var caseRows: [Int64] = []
        caseRows.reserveCapacity(page.count)
        for row in page { caseRows.append(try PGRowReader(row).get(width, Int64.self)) }
        var b = PostgresBindings()
        b.append(caseRows)
        var scores: [Int64: [ModelScore]] = [:]
        for r in try c.query("SELECT case_row, model, version, score, threshold FROM score WHERE case_row = ANY($1) ORDER BY case_row, id", b) {
            let (row, model, version, score, threshold) = try r.decode((Int64, String, String, Double, Double?).self)
            scores[row, default: []].append(ModelScore(model: model, version: version, score: score, threshold: threshold))
        }
        let decode: @Sendable (String) -> [(name: String, value: FeatureValue)] = JSONText.decodeFeatures
        for row in page {
            let r = PGRowReader(row)
            let caseID: String = try r.get(width + 1)
            let label = try labelEvent(row, caseID: caseID)
            let caseScores = scores[try r.get(width, Int64.self)] ?? []
            let merchantID = try r.get(width + 2, String?.self), policy = try r.get(width + 3, String.self)
            let weight = AuditSample.weight(inclusionProbability: label.inclusionProbability)
            if let features = try r.get(width + 4, String?.self) {
                try body(ExportRow(caseID: caseID, merchantID: merchantID, policy: policy, featuresJSON: features,
                                   decode: decode, scores: caseScores, label: label, samplingWeight: weight))
            } else {
                try body(ExportRow(caseID: caseID, merchantID: merchantID, policy: policy, features: [], scores: caseScores,
                                   label: label, samplingWeight: weight))
            }
        }
        return page.count
    }

    /// The column vocabulary of an export, from one snapshot: every (model, version) scored and
    /// every feature name, in byte order as on SQLite.
    public func exportColumns() throws -> ExportColumns {
        try pool.with { c in
            try Self.readOnlySnapshot(c) {
                let scores = try c.query("""
                    SELECT model, version FROM score GROUP BY model, version ORDER BY model COLLATE "C", version COLLATE "C"
                    """).map { r in
                    let (model, version) = try r.decode((String, String).self)
                    return ModelVersion(model: model, version: version)
                }
                let features = try c.query("SELECT name FROM feature_name ORDER BY name COLLATE \"C\"").map { try $0.decode(String.self) }
                return ExportColumns(scores: scores, features: features)
            }
        }
    }
}
