import Foundation
import PostgresNIO
import TriageCore
import TriageStore

/// Claims on PostgreSQL: leases in `assignment`, as on SQLite, taken with
/// `SELECT … FOR UPDATE OF c SKIP LOCKED`. Many analysts asking at once each lock a different
/// free case and never wait for one another; the upsert that records the lease takes it only
/// when it is free, lapsed or already the caller's, so a case is never handed to two people
/// even when one's snapshot is older than the other's commit (the loser simply tries the next).
/// Row-level security lets a person write only their own lease (``PGSchema``).
extension PostgresStore {
    public func claimNext(_ query: QueueQuery, analyst: String, lease: TimeInterval) throws -> QueueRow? {
        let now = Timestamp.now()
        let until = try Lease.end(now, lease)
        var open = query
        open.status = .open
        return try transaction { c in
            // Never more than a few rounds: each lost race means someone else took a case.
            for _ in 0..<20 {
                if let own = try Self.ownLiveClaim(c, open, analyst: analyst, now: now) {
                    if try Self.takeLease(c, row: own.rowID, analyst: analyst, now: now, until: until) {
                        var row = own
                        row.assignee = analyst
                        return row
                    }
                    continue
                }
                guard var free = try Self.firstFreeCase(c, open, now: now) else { return nil }
                if try Self.takeLease(c, row: free.rowID, analyst: analyst, now: now, until: until) {
                    free.assignee = analyst
                    return free
                }
            }
            throw StoreError.locked(path: location) // twenty lost races in a row: a stampede; the caller retries
        }
    }

    /// The caller's own live lease on a case matching `query`, first in queue order.
    private static func ownLiveClaim(_ c: PGConnection, _ query: QueueQuery, analyst: String, now: Timestamp) throws -> QueueRow? {
        var args = PGArguments()
        var conditions = ["a.analyst = " + args.add(analyst), "a.lease_until > " + args.add(now.milliseconds)]
        conditions += filters(query, &args)
        let (key, descending) = sortKey(query.sort)
        let order = descending ? "DESC" : "ASC"
        let sql = "SELECT \(queueColumns), NULL::text FROM assignment a JOIN cases c ON c.id = a.case_row"
            + whereClause(conditions) + "\nORDER BY \(key) \(order), c.id \(order) LIMIT 1"
        return try c.query(sql, args.binds).first.map(queueRow)
    }

    /// The first open case in queue order that nobody holds a live lease on and nobody else is
    /// claiming this instant (their row lock is skipped, not waited for).
    private static func firstFreeCase(_ c: PGConnection, _ query: QueueQuery, now: Timestamp) throws -> QueueRow? {
        var args = PGArguments()
        let at = args.add(now.milliseconds)
        let conditions = filters(query, &args) + ["a.case_row IS NULL"]
        let (key, descending) = sortKey(query.sort)
        let order = descending ? "DESC" : "ASC"
        let sql = "SELECT \(queueColumns), NULL::text FROM cases c LEFT JOIN assignment a ON a.case_row = c.id AND a.lease_until > \(at)"
            + whereClause(conditions) + "\nORDER BY \(key) \(order), c.id \(order) LIMIT 1 FOR UPDATE OF c SKIP LOCKED"
        return try c.query(sql, args.binds).first.map(queueRow)
    }

    /// Records `analyst`'s lease on case `row` until `until` if the case is free, lapsed or
    /// already theirs (a live claim of theirs keeps when it began); false, changing nothing, when
    /// someone else holds a live lease (taken since the caller looked).
    private static func takeLease(_ c: PGConnection, row: Int64, analyst: String, now: Timestamp, until: Int64) throws -> Bool {
        var b = PostgresBindings()
        b.append(row); b.append(analyst); b.append(now.milliseconds); b.append(until)
        return try !c.query("""
            INSERT INTO assignment AS a (case_row, analyst, claimed_at, lease_until) VALUES ($1, $2, $3, $4)
            ON CONFLICT (case_row) DO UPDATE SET
                claimed_at = CASE WHEN a.analyst = excluded.analyst AND a.lease_until > $3 THEN a.claimed_at ELSE excluded.claimed_at END,
                analyst = excluded.analyst,
                lease_until = excluded.lease_until
            WHERE a.analyst = excluded.analyst OR a.lease_until <= $3
            RETURNING case_row
            """, b).isEmpty
    }

    @discardableResult
    public func claim(caseID: String, analyst: String, lease: TimeInterval) throws -> String? {
        let now = Timestamp.now()
        let until = try Lease.end(now, lease)
        return try transaction { c -> String? in
            // The case's row lock orders this claim with a label being recorded on it.
            var key = PostgresBindings()
            key.append(caseID)
            guard let found = try c.query("SELECT id, status FROM cases WHERE case_id = $1 FOR UPDATE", key).first else {
                throw StoreError.caseNotFound(caseID)
            }
            let (row, status) = try found.decode((Int64, String).self)
            guard status == CaseStatus.open.rawValue else { return nil }
            if try Self.takeLease(c, row: row, analyst: analyst, now: now, until: until) { return analyst }
            var b = PostgresBindings()
            b.append(row)
            return try c.query("SELECT analyst FROM assignment WHERE case_row = $1", b).first?.decode(String.self)
        }
    }

    @discardableResult
    public func renewLease(caseID: String, analyst: String, lease: TimeInterval) throws -> Bool {
        let until = try Lease.end(.now(), lease)
        return try pool.with { c in
            let row = try Self.caseRow(c, caseID)
            var b = PostgresBindings()
            b.append(until); b.append(row); b.append(analyst)
            // Still the caller's only if nobody claimed it since and nobody labelled it.
            return try !c.query("""
                UPDATE assignment SET lease_until = $1
                WHERE case_row = $2 AND analyst = $3 AND (SELECT status FROM cases WHERE id = $2) = 'open'
                RETURNING case_row
                """, b).isEmpty
        }
    }

    public func releaseClaim(caseID: String, analyst: String) throws {
        try pool.with { c in
            let row = try Self.caseRow(c, caseID)
            var b = PostgresBindings()
            b.append(row); b.append(analyst)
            try c.query("DELETE FROM assignment WHERE case_row = $1 AND analyst = $2", b)
        }
    }

    /// The store's row id of a case, or ``StoreError/caseNotFound(_:)``.
    static func caseRow(_ c: PGConnection, _ caseID: String) throws -> Int64 {
        var key = PostgresBindings()
        key.append(caseID)
        guard let row = try c.query("SELECT id FROM cases WHERE case_id = $1", key).first?.decode(Int64.self) else {
            throw StoreError.caseNotFound(caseID)
        }
        return row
    }

    /// Runs `body` in one transaction on a pooled connection: committed when it returns, rolled
    /// back when it throws.
    @discardableResult
    func transaction<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try pool.with { c in
            try c.query("BEGIN")
            do {
                let result = try body(c)
                try c.query("COMMIT")
                return result
            } catch {
                _ = try? c.query("ROLLBACK")
                throw error
            }
        }
    }
}
