import Foundation
import PostgresNIO
import TriageCore
import TriageFormats
import TriageStore

/// The store on a PostgreSQL server (team mode): analysts on many hosts share one queue, and the
/// server itself enforces who may write what (``PGSchema``).
///
/// Open it on a database that `triage db init` prepared (``initialize(_:password:actor:)``);
/// it refuses an uninitialised database, one that needs `triage db migrate`, and one written by
/// a newer triage. Connections come from a small pool and are used synchronously (``PGConnection``).
public final class PostgresStore: CaseStore, @unchecked Sendable {
    public let address: PostgresAddress
    let password: String?
    let pool: PGPool
    let watcher: PGWatcher
    /// Each labelling project's label analysis, kept until its labels change (as SQLite keeps it).
    let labelQualityCache = LabelQualityCache()

    /// Whether this session may read other people's decisions: the cases' gold labels, status
    /// and current labels, every label event (false for a login that is only a labeler: the
    /// database refuses those to it, see ``PGSchema``). Queries that a labeler also runs leave
    /// those columns out when it is false.
    let seesDecisions: Bool

    /// Opens the store on `address`; checks the schema version first.
    public init(address: PostgresAddress, password: String?, maxConnections: Int = 4) throws {
        self.address = address
        self.password = password
        let backoff = Backoff()
        pool = PGPool(address: address, password: password, maxConnections: maxConnections, backoff: backoff)
        watcher = PGWatcher(address: address, password: password, backoff: backoff)
        let version = try pool.with { try Self.schemaVersion($0) }
        seesDecisions = try pool.with { c in
            try c.query("SELECT to_regclass('public.cases') IS NULL OR has_column_privilege('public.cases', 'gold_label', 'SELECT')")
                .first?.decode(Bool.self) ?? true
        }
        guard let version else {
            throw StoreError.unavailable("\(address) has no triage schema: run `triage db init --db '\(address)'` first (as a user who may create roles)")
        }
        if version > SchemaVersion.current {
            throw StoreError.newerSchema(path: address.description, found: "v\(version)", known: "v\(SchemaVersion.current)")
        }
        if version < SchemaVersion.current {
            throw StoreError.unavailable("\(address) is at schema v\(version), this triage needs v\(SchemaVersion.current): run `triage db migrate --db '\(address)'`")
        }
    }

    /// Closes every connection.
    public func close() {
        pool.close()
        watcher.close()
    }

    deinit { close() }

    /// Changes whenever anyone commits (``PGWatcher``: `LISTEN`/`NOTIFY`, no polling).
    public func dataVersion() throws -> Int64 { try watcher.version() }

    /// Where the data is, for messages and the workbench's header.
    public var location: String { address.description }

    // MARK: - Schema

    /// The highest schema version applied to the database `c` is on, or nil when it has none.
    static func schemaVersion(_ c: PGConnection) throws -> Int? {
        let exists = try c.query("SELECT to_regclass('public.triage_schema') IS NOT NULL").first?.decode(Bool.self) ?? false
        guard exists else { return nil }
        return try c.query("SELECT max(version) FROM triage_schema").first?.decode(Int?.self) ?? nil
    }

    /// What `triage db init` or `triage db migrate` did.
    public struct SchemaReport: Sendable, Equatable {
        /// The version before (nil: the database had no triage schema).
        public var from: Int?
        /// The version now.
        public var to: Int
        /// The group roles created (those that already existed are not listed).
        public var rolesCreated: [String]
    }

    /// Prepares an empty database: the group roles (server-wide, created when missing), every
    /// table of the current schema, its grants and row-level security, and the standard
    /// taxonomy; `actor` (the connecting user) becomes a triage admin. Idempotent: on a database
    /// already at the current version it changes nothing. Refuses a database at a newer version,
    /// and an older one (that is `migrate`'s work).
    public static func initialize(_ address: PostgresAddress, password: String?) throws -> SchemaReport {
        let c = try PGConnection.connect(address, password: password)
        defer { c.close() }
        // One initialisation at a time, even from several hosts.
        try c.query("SELECT pg_advisory_lock(7324, 101)")
        defer { _ = try? c.query("SELECT pg_advisory_unlock(7324, 101)") }
        let version = try schemaVersion(c)
        if let version {
            if version > SchemaVersion.current {
                throw StoreError.newerSchema(path: address.description, found: "v\(version)", known: "v\(SchemaVersion.current)")
            }
            if version < SchemaVersion.current {
                throw StoreError.unavailable("\(address) is at schema v\(version): run `triage db migrate --db '\(address)'` to upgrade it (init only prepares an empty database)")
            }
            return SchemaReport(from: version, to: version, rolesCreated: [])
        }
        let existing = Set(try c.query("SELECT rolname FROM pg_roles WHERE rolname LIKE 'triage\\_%'").map { try $0.decode(String.self) })
        let others = try c.query("""
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v', 'm', 'p')
            """).first?.decode(Int.self) ?? 0
        guard others == 0 else {
            throw StoreError.refused("\(address) already has \(others) tables that are not triage's: give `triage db init` an empty database (CREATE DATABASE …)")
        }
        do {
            try c.execute(script: PGSchema.roles)
        } catch StoreError.notAllowed(let m) {
            throw StoreError.notAllowed("\(m): `triage db init` creates the roles triage_analyst, triage_labeler, triage_lead and triage_admin; run it as a user with CREATEROLE (or have a DBA create them first)")
        }
        try c.execute(script: "BEGIN")
        do {
            try c.execute(script: PGSchema.tables)
            try c.execute(script: PGSchema.aggregates)
            try c.execute(script: PGSchema.grants)
            try c.execute(script: PGSchema.v8)
            try writeTaxonomy(Taxonomy.standard, c)
            let now = Timestamp.now().milliseconds
            for (i, name) in SchemaVersion.names.enumerated() {
                var b = PostgresBindings()
                b.append(i + 1)
                b.append(name)
                b.append(now)
                try c.query("INSERT INTO triage_schema(version, name, applied_at) VALUES ($1, $2, $3)", b)
            }
            // The user who prepared the database administers it.
            if !(try c.query("SELECT pg_has_role(session_user, 'triage_admin', 'MEMBER')").first?.decode(Bool.self) ?? false) {
                try c.execute(script: "GRANT triage_admin TO \(quoteIdentifier(address.user))")
            }
            try c.execute(script: "COMMIT")
        } catch {
            try? c.execute(script: "ROLLBACK")
            throw error
        }
        return SchemaReport(from: nil, to: SchemaVersion.current,
                            rolesCreated: PGSchema.groupRoles.filter { !existing.contains($0) })
    }

    /// Upgrades the database to the current schema version, one step per version in one
    /// transaction; changes nothing when it is current. Refuses a newer schema, and a database
    /// with none (`init`'s work).
    public static func migrate(_ address: PostgresAddress, password: String?) throws -> SchemaReport {
        let c = try PGConnection.connect(address, password: password)
        defer { c.close() }
        try c.query("SELECT pg_advisory_lock(7324, 101)")
        defer { _ = try? c.query("SELECT pg_advisory_unlock(7324, 101)") }
        guard let version = try schemaVersion(c) else {
            throw StoreError.unavailable("\(address) has no triage schema: run `triage db init --db '\(address)'` first (migrate only upgrades one that has)")
        }
        if version > SchemaVersion.current {
            throw StoreError.newerSchema(path: address.description, found: "v\(version)", known: "v\(SchemaVersion.current)")
        }
        // Version 7 is the first PostgreSQL schema; each later one is a step here, in one
        // transaction with its row in triage_schema.
        if version < 7 {
            throw StoreError.unavailable("\(address) is at schema v\(version), older than any PostgreSQL schema this triage can upgrade (v7 is the first): copy the team to a fresh database with the triage that wrote it")
        }
        let steps: [Int: String] = [8: PGSchema.v8]
        for target in stride(from: version + 1, through: SchemaVersion.current, by: 1) {
            guard let script = steps[target] else { continue }
            try c.execute(script: "BEGIN")
            do {
                try c.execute(script: script)
                var b = PostgresBindings()
                b.append(target)
                b.append(SchemaVersion.names[target - 1])
                b.append(Timestamp.now().milliseconds)
                try c.query("INSERT INTO triage_schema(version, name, applied_at) VALUES ($1, $2, $3)", b)
                try c.execute(script: "COMMIT")
            } catch {
                _ = try? c.execute(script: "ROLLBACK")
                if case StoreError.notAllowed(let m) = error {
                    throw StoreError.notAllowed("\(m): `triage db migrate` changes tables, grants and policies: run it as the user who ran `triage db init` (the tables' owner)")
                }
                throw error
            }
        }
        return SchemaReport(from: version, to: SchemaVersion.current, rolesCreated: [])
    }

    /// The schema version of the database at `address` (nil: not initialised), for `triage db status`.
    public static func status(_ address: PostgresAddress, password: String?) throws -> Int? {
        let c = try PGConnection.connect(address, password: password)
        defer { c.close() }
        return try schemaVersion(c)
    }

    /// `name` quoted as an SQL identifier.
    static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: - Taxonomy

    static func writeTaxonomy(_ t: Taxonomy, _ c: PGConnection) throws {
        for (i, d) in t.decisions.enumerated() {
            var b = PostgresBindings()
            b.append(d.key); b.append(d.label); b.append(String(d.hotkey)); b.append(d.isFinal)
            b.append(d.outcome?.rawValue); b.append(i)
            try c.query("INSERT INTO decision(key, label, hotkey, is_final, outcome, position) VALUES ($1, $2, $3, $4, $5, $6)", b)
        }
        func reason(_ policy: String, _ r: ReasonCode, _ i: Int) throws {
            var b = PostgresBindings()
            b.append(policy); b.append(r.code); b.append(r.label); b.append(String(r.hotkey))
            b.append(r.decisions.map(JSONText.encode(strings:))); b.append(i)
            try c.query("INSERT INTO reason_code(policy, code, label, hotkey, decisions, position) VALUES ($1, $2, $3, $4, $5, $6)", b)
        }
        for (i, r) in t.globalReasons.enumerated() { try reason("", r, i) }
        for (i, p) in t.policies.enumerated() {
            var b = PostgresBindings()
            b.append(p.key); b.append(p.name); b.append(p.summary); b.append(p.slaHours); b.append(i)
            try c.query("INSERT INTO policy_area(key, name, summary, sla_hours, position) VALUES ($1, $2, $3, $4, $5)", b)
            for (j, r) in p.reasons.enumerated() { try reason(p.key, r, j) }
        }
    }

    static func readTaxonomy(_ c: PGConnection) throws -> Taxonomy {
        let decisions = try c.query("SELECT key, label, hotkey, is_final, outcome FROM decision ORDER BY position").map { row in
            let (key, label, hotkey, isFinal, outcome) = try row.decode((String, String, String, Bool, String?).self)
            return Decision(key: key, label: label, hotkey: hotkey.first ?? "?", isFinal: isFinal,
                            outcome: outcome.flatMap(Outcome.init(rawValue:)))
        }
        var reasons: [String: [ReasonCode]] = [:]
        for row in try c.query("SELECT policy, code, label, hotkey, decisions FROM reason_code ORDER BY policy, position") {
            let (policy, code, label, hotkey, decisions) = try row.decode((String, String, String, String, String?).self)
            reasons[policy, default: []].append(ReasonCode(code: code, label: label, hotkey: hotkey.first ?? "?",
                                                           decisions: decisions.flatMap(JSONText.decodeStrings)))
        }
        let policies = try c.query("SELECT key, name, summary, sla_hours FROM policy_area ORDER BY position").map { row in
            let (key, name, summary, sla) = try row.decode((String, String, String?, Double?).self)
            return PolicyArea(key: key, name: name, summary: summary, slaHours: sla, reasons: reasons[key] ?? [])
        }
        return Taxonomy(decisions: decisions, policies: policies, globalReasons: reasons[""] ?? [])
    }

    public func taxonomy() throws -> Taxonomy {
        try pool.with { try Self.readTaxonomy($0) }
    }

    public func replaceTaxonomy(_ taxonomy: Taxonomy, actor: String) throws {
        let problems = taxonomy.problems()
        guard problems.isEmpty else { throw StoreError.refused("taxonomy refused: " + problems.joined(separator: "; ")) }
        try transaction { c in
            // One taxonomy change at a time; labels recorded meanwhile read the old or the new one whole.
            try c.query("LOCK TABLE decision, policy_area, reason_code IN EXCLUSIVE MODE")
            try Self.requireLead(c, actor, to: "edit the taxonomy", unlessNoLead: true)
            let used = try c.query("SELECT DISTINCT policy FROM cases").map { try $0.decode(String.self) }
            let missing = Set(used).subtracting(taxonomy.policyKeys).sorted()
            guard missing.isEmpty else {
                throw StoreError.refused("taxonomy refused: cases still belong to policy areas it drops: " + missing.joined(separator: ", "))
            }
            try c.execute(script: "DELETE FROM decision; DELETE FROM policy_area; DELETE FROM reason_code;")
            try Self.writeTaxonomy(taxonomy, c)
        }
    }
}

/// A few connections, handed out one caller at a time and kept for reuse. A connection that the
/// server closed (a restart, a network fault) is dropped and a new one made on the next call,
/// with backoff while the server stays away (``Backoff``).
final class PGPool: @unchecked Sendable {
    let address: PostgresAddress
    let password: String?
    let maxConnections: Int
    private let lock = NSCondition()
    private var idle: [PGConnection] = []
    private var open = 0
    private var closed = false

    let backoff: Backoff

    init(address: PostgresAddress, password: String?, maxConnections: Int, backoff: Backoff) {
        self.address = address
        self.password = password
        self.maxConnections = max(1, maxConnections)
        self.backoff = backoff
    }

    /// Runs `body` on a connection of the pool (waiting for one when all are busy).
    func with<T>(_ body: (PGConnection) throws -> T) throws -> T {
        guard let c = try checkOut(waiting: true) else { throw StoreError.unavailable("the store is closed") }
        defer { checkIn(c) }
        return try body(c)
    }

    /// Runs `body` with another connection when one is idle or may still be opened, with nil
    /// when every connection is busy (it never waits for one).
    func withSpare<T>(_ body: (PGConnection?) throws -> T) throws -> T {
        guard let c = try checkOut(waiting: false) else { return try body(nil) }
        defer { checkIn(c) }
        return try body(c)
    }

    /// An idle connection, or a new one while fewer than `maxConnections` are open; otherwise
    /// waits for one to come back, or returns nil when not `waiting`.
    private func checkOut(waiting: Bool) throws -> PGConnection? {
        lock.lock()
        while true {
            if closed { lock.unlock(); throw StoreError.unavailable("the store is closed") }
            while let c = idle.popLast() {
                if !c.isClosed { lock.unlock(); return c }
                open -= 1
            }
            if open < maxConnections { break }
            if !waiting { lock.unlock(); return nil }
            lock.wait()
        }
        open += 1
        lock.unlock()
        do {
            return try backoff.attempt { try PGConnection.connect(address, password: password) }
        } catch {
            lock.lock()
            open -= 1
            lock.signal()
            lock.unlock()
            throw error
        }
    }

    private func checkIn(_ c: PGConnection) {
        lock.lock()
        let drop = closed || c.isClosed
        if drop { open -= 1 } else { idle.append(c) }
        lock.signal()
        lock.unlock()
        if drop { c.close() }
    }

    func close() {
        lock.lock()
        closed = true
        let all = idle
        idle = []
        open -= all.count
        lock.broadcast()
        lock.unlock()
        for c in all { c.close() }
    }
}
