import Crypto
import Foundation

/// One stored value of a row `triage db copy` moves, as both backends hold it (a PostgreSQL
/// boolean is an integer 0 or 1 here, as in SQLite).
public enum CopyValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
}

/// A column's kind, which decides how each backend reads and writes it.
public enum CopyKind: Sendable {
    case integer, real, text
    /// An integer 0/1 in SQLite, a `boolean` in PostgreSQL.
    case boolean
}

/// A table `triage db copy` moves: its columns (the same in both backends' schemas, see
/// ``SchemaVersion``) and the unique key its rows are read in order of (text compared bytewise).
public struct CopyTable: Sendable {
    public let name: String
    public let columns: [(name: String, kind: CopyKind)]
    public let key: [String]

    public var columnNames: [String] { columns.map(\.name) }
    /// Where the key's columns are in a row.
    public var keyIndexes: [Int] { key.map { k in columns.firstIndex { $0.name == k }! } }

    init(_ name: String, key: [String] = ["id"], _ columns: [(String, CopyKind)]) {
        self.name = name
        self.key = key
        self.columns = columns.map { (name: $0.0, kind: $0.1) }
    }
}

/// What `triage db copy` moves, in an order that satisfies every foreign key: the cases with
/// everything imported about them, the taxonomy, people, projects, every label event with its
/// provenance and the feedback on rationales. Not copied: live leases (claims), which lapse
/// within minutes anyway, and what each backend derives from the rest (SQLite's search index
/// and dashboard aggregates, PostgreSQL's search vectors), which the destination rebuilds.
public enum CopyPlan {
    public static let tables: [CopyTable] = [
        CopyTable("import_batch", [("id", .integer), ("file_name", .text), ("sha256", .text), ("format", .text), ("started_at", .integer),
                                   ("finished_at", .integer), ("imported_by", .text), ("read_count", .integer), ("inserted_count", .integer),
                                   ("updated_count", .integer), ("unchanged_count", .integer), ("rejected_count", .integer),
                                   ("host", .text), ("pid", .integer), ("progress_at", .integer)]),
        CopyTable("cases", [("id", .integer), ("case_id", .text), ("policy", .text), ("flagged_at", .integer), ("merchant_id", .text),
                            ("merchant_name", .text), ("merchant_country", .text), ("merchant_mcc", .text), ("merchant_url", .text),
                            ("merchant_description", .text), ("status", .text), ("gold_label", .text), ("score", .real),
                            ("threshold", .real), ("margin", .real), ("current_label", .integer), ("batch_id", .integer),
                            ("updated_at", .integer)]),
        CopyTable("score", [("id", .integer), ("case_row", .integer), ("model", .text), ("version", .text), ("score", .real),
                            ("threshold", .real), ("batch_id", .integer)]),
        CopyTable("attribution", [("id", .integer), ("case_row", .integer), ("model", .text), ("version", .text), ("base_value", .real),
                                  ("space", .text), ("items", .text)]),
        CopyTable("rationale", [("id", .integer), ("case_row", .integer), ("model", .text), ("prompt_version", .text), ("text", .text),
                                ("evidence_ids", .text), ("created_at", .integer), ("origin", .text), ("latency_ms", .integer),
                                ("prompt_tokens", .integer), ("completion_tokens", .integer), ("requested_by", .text)]),
        CopyTable("evidence", [("id", .integer), ("case_row", .integer), ("evidence_id", .text), ("kind", .text), ("source", .text),
                               ("text", .text)]),
        CopyTable("feature_snapshot", [("id", .integer), ("case_row", .integer), ("batch_id", .integer), ("taken_at", .integer),
                                       ("features", .text)]),
        CopyTable("feature_name", key: ["name"], [("name", .text)]),
        CopyTable("person", key: ["name"], [("name", .text), ("role", .text), ("created_at", .integer), ("added_by", .text)]),
        CopyTable("role_change", [("id", .integer), ("name", .text), ("role", .text), ("previous_role", .text),
                                  ("changed_at", .integer), ("changed_by", .text)]),
        CopyTable("decision", key: ["key"], [("key", .text), ("label", .text), ("hotkey", .text), ("is_final", .boolean),
                                             ("position", .integer), ("outcome", .text)]),
        CopyTable("policy_area", key: ["key"], [("key", .text), ("name", .text), ("summary", .text), ("position", .integer),
                                                ("sla_hours", .real)]),
        CopyTable("reason_code", key: ["policy", "code"], [("policy", .text), ("code", .text), ("label", .text), ("hotkey", .text),
                                                           ("decisions", .text), ("position", .integer)]),
        CopyTable("project", key: ["name"], [("name", .text), ("policy", .text), ("overlap", .integer), ("blind", .boolean),
                                             ("gold_rate", .real), ("queue_policy", .text), ("sample_rate", .real), ("seed", .integer),
                                             ("created_by", .text), ("created_at", .integer)]),
        CopyTable("project_case", key: ["project", "case_row"], [("project", .text), ("case_row", .integer), ("position", .integer),
                                                                 ("inclusion_probability", .real), ("label_count", .integer)]),
        CopyTable("label_event", [("id", .integer), ("case_row", .integer), ("kind", .text), ("decision", .text), ("reason_codes", .text),
                                  ("note", .text), ("analyst", .text), ("os_user", .text), ("role", .text), ("created_at", .integer),
                                  ("dwell_ms", .integer), ("blind", .boolean), ("model_versions_seen", .text), ("supersedes", .integer),
                                  ("queue_policy", .text), ("inclusion_probability", .real), ("app_version", .text), ("project", .text)]),
        CopyTable("rationale_feedback", [("id", .integer), ("rationale_id", .integer), ("helpful", .boolean), ("tags", .text),
                                         ("note", .text), ("analyst", .text), ("os_user", .text), ("created_at", .integer)]),
    ]

    /// The tables whose rows the destination writes again once every label event is in (a
    /// case's status and current label, a project case's label count), the values the label
    /// events' replay gives, restored exactly.
    public static let settled: Set<String> = ["cases", "project_case"]
}

/// A backend's side of `triage db copy`: reading any table in key order, and writing into an
/// empty database.
public protocol CopyEndpoint: AnyObject {
    /// How many rows `table` holds.
    func copyCount(_ table: CopyTable) throws -> Int
    /// Up to `limit` rows of `table` after the row whose key is `after` (nil: from the first), in
    /// key order, each with ``CopyTable/columns`` in order.
    func copyRows(_ table: CopyTable, after: [CopyValue]?, limit: Int) throws -> [[CopyValue]]
    /// Gets an initialised database ready to receive a copy; refuses one that holds any case,
    /// label, person or project (its standard taxonomy is replaced by the source's).
    func copyPrepare() throws
    /// Writes `rows` of `table` (in one transaction).
    func copyWrite(_ table: CopyTable, _ rows: [[CopyValue]]) throws
    /// Writes again, from the source's rows, the columns of a ``CopyPlan/settled`` table that the
    /// label events' replay decides.
    func copySettle(_ table: CopyTable, _ rows: [[CopyValue]]) throws
    /// Rebuilds what derives from the copied tables (search index, identity sequences).
    func copyFinish() throws
}

/// A table's rows and checksum (SHA-256 over every value in key order).
public struct CopyTableReport: Sendable, Equatable {
    public var table: String
    public var rows: Int
    public var checksum: String
}

/// Moves a whole team from one database to another (`triage db copy`): streams every table of
/// ``CopyPlan`` in pages, settles what the label events decide, rebuilds derived data, then
/// reads the destination back and compares each table's row count and checksum with the source's.
public struct DatabaseCopier {
    public let source: any CopyEndpoint
    public let destination: any CopyEndpoint
    /// Rows per page (per read and per write transaction).
    public var pageSize = 2_000

    public init(source: any CopyEndpoint, destination: any CopyEndpoint) {
        self.source = source
        self.destination = destination
    }

    /// What is happening, for a progress bar: the phase, the table, rows done and the table's total.
    public enum Phase: String, Sendable { case copying = "copying", settling = "settling", verifying = "verifying" }

    /// Runs the copy and its verification; returns each table's report. Throws
    /// ``StoreError/refused(_:)`` when the destination's rows differ from the source's.
    public func run(progress: (Phase, String, Int, Int) -> Void = { _, _, _, _ in }) throws -> [CopyTableReport] {
        try destination.copyPrepare()
        var reports: [CopyTableReport] = []
        for table in CopyPlan.tables {
            let total = try source.copyCount(table)
            var hash = SHA256(), n = 0
            try stream(source, table) { rows in
                for r in rows { Self.digest(r, into: &hash) }
                try destination.copyWrite(table, rows)
                n += rows.count
                progress(.copying, table.name, n, total)
            }
            reports.append(CopyTableReport(table: table.name, rows: n, checksum: Self.hex(hash.finalize())))
        }
        for table in CopyPlan.tables where CopyPlan.settled.contains(table.name) {
            let total = try source.copyCount(table)
            var n = 0
            try stream(source, table) { rows in
                try destination.copySettle(table, rows)
                n += rows.count
                progress(.settling, table.name, n, total)
            }
        }
        try destination.copyFinish()
        for (i, table) in CopyPlan.tables.enumerated() {
            var hash = SHA256(), n = 0
            let expected = reports[i]
            try stream(destination, table) { rows in
                for r in rows { Self.digest(r, into: &hash) }
                n += rows.count
                progress(.verifying, table.name, n, expected.rows)
            }
            let got = CopyTableReport(table: table.name, rows: n, checksum: Self.hex(hash.finalize()))
            guard got == expected else {
                throw StoreError.refused("the copy of \(table.name) differs from the source (\(got.rows) rows, checksum \(got.checksum.prefix(12)); the source has \(expected.rows), \(expected.checksum.prefix(12))): was the source changed during the copy? Copy again into a new empty database")
            }
        }
        return reports
    }

    private func stream(_ endpoint: any CopyEndpoint, _ table: CopyTable, _ page: ([[CopyValue]]) throws -> Void) throws {
        var after: [CopyValue]?
        let keys = table.keyIndexes
        while true {
            let rows = try endpoint.copyRows(table, after: after, limit: pageSize)
            if rows.isEmpty { return }
            try page(rows)
            if rows.count < pageSize { return }
            after = keys.map { rows[rows.count - 1][$0] }
        }
    }

    /// Feeds one row to `hash` unambiguously: a tag per value, lengths before text.
    static func digest(_ row: [CopyValue], into hash: inout SHA256) {
        var bytes: [UInt8] = []
        for v in row {
            switch v {
            case .null: bytes.append(0)
            case .integer(let i):
                bytes.append(1)
                withUnsafeBytes(of: i.littleEndian) { bytes += $0 }
            case .real(let d):
                bytes.append(2)
                withUnsafeBytes(of: d.bitPattern.littleEndian) { bytes += $0 }
            case .text(let s):
                bytes.append(3)
                let utf8 = Array(s.utf8)
                withUnsafeBytes(of: UInt64(utf8.count).littleEndian) { bytes += $0 }
                bytes += utf8
            }
        }
        bytes.append(0xFF)
        hash.update(data: bytes)
    }

    static func hex(_ digest: SHA256.Digest) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
