import Foundation
import GRDB
import TriageCore
import TriageStore

/// Claims: leases on cases in the `assignment` table, one row per claimed case.
///
/// Choosing a case and claiming it happen in one IMMEDIATE write transaction (GRDB opens every
/// write that way), so two store instances, in one process or several, cannot both see a case as
/// free and both take it: the second waits for the first's commit (busy timeout) and then sees
/// the claim. The transaction is two index walks and one upsert, well under a millisecond.
extension SQLiteStore {
    public func claimNext(_ query: QueueQuery, analyst: String, lease: TimeInterval) throws -> QueueRow? {
        try claimNext(query, analyst: analyst, lease: lease, now: .now())
    }

    /// ``claimNext(_:analyst:lease:)`` at a given time (tests pass a clock).
    func claimNext(_ query: QueueQuery, analyst: String, lease: TimeInterval, now: Timestamp) throws -> QueueRow? {
        let until = try Self.leaseEnd(now, lease)
        var open = query
        open.status = .open
        let (key, descending) = Self.sortKey(open.sort)
        let order = descending ? "DESC" : "ASC"
        let orderBy = "\nORDER BY \(key) \(order), c.id \(order)\nLIMIT 1"
        let (conditions, filterArgs) = Self.filters(open)
        // The caller's own live lease on a matching case first. CROSS JOIN makes SQLite start from
        // the caller's few assignments (assignment_by_analyst) rather than walk the whole queue
        // in order probing each case for one: this runs inside the write transaction.
        let ownSQL = "SELECT \(Self.queueColumns), a.analyst AS assignee FROM assignment a CROSS JOIN cases c ON c.id = a.case_row"
            + Self.whereClause(["a.analyst = ?", "a.lease_until > ?"] + conditions) + orderBy
        let ownArgs: [any DatabaseValueConvertible] = [analyst, now.milliseconds] + filterArgs
        // Else the first case in queue order that nobody holds a live lease on.
        let freeSQL = """
            SELECT \(Self.queueColumns), NULL AS assignee
            FROM cases c LEFT JOIN assignment a ON a.case_row = c.id AND a.lease_until > ?
            """ + Self.whereClause(conditions + ["a.case_row IS NULL"]) + orderBy
        let freeArgs: [any DatabaseValueConvertible] = [now.milliseconds] + filterArgs
        return try guarded {
            try write { db in
                let found = try Row.fetchOne(db.cachedStatement(sql: ownSQL), arguments: StatementArguments(ownArgs))
                    ?? Row.fetchOne(db.cachedStatement(sql: freeSQL), arguments: StatementArguments(freeArgs))
                guard let found else { return nil }
                var row = try Self.queueRow(found)
                // A re-returned claim keeps when it was first claimed; a new one starts now.
                try db.cachedStatement(sql: """
                    INSERT INTO assignment(case_row, analyst, claimed_at, lease_until) VALUES (?, ?, ?, ?)
                    ON CONFLICT(case_row) DO UPDATE SET
                        claimed_at = CASE WHEN assignment.analyst = excluded.analyst AND assignment.lease_until > ?
                                          THEN assignment.claimed_at ELSE excluded.claimed_at END,
                        analyst = excluded.analyst,
                        lease_until = excluded.lease_until
                    """).execute(arguments: [row.rowID, analyst, now.milliseconds, until, now.milliseconds])
                row.assignee = analyst
                return row
            }
        }
    }

    @discardableResult
    public func claim(caseID: String, analyst: String, lease: TimeInterval) throws -> String? {
        try claim(caseID: caseID, analyst: analyst, lease: lease, now: .now())
    }

    /// ``claim(caseID:analyst:lease:)`` at a given time (tests pass a clock).
    func claim(caseID: String, analyst: String, lease: TimeInterval, now: Timestamp) throws -> String? {
        let until = try Self.leaseEnd(now, lease)
        return try guarded {
            try write { db -> String? in
                let row = try Self.caseRow(db, caseID)
                let status = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM cases WHERE id = ?"),
                                                  arguments: [row])
                guard status == CaseStatus.open.rawValue else { return nil }
                if let holder = try String.fetchOne(db.cachedStatement(sql: """
                    SELECT analyst FROM assignment WHERE case_row = ? AND lease_until > ? AND analyst <> ?
                    """), arguments: [row, now.milliseconds, analyst]) {
                    return holder
                }
                // Free, lapsed, or ours: take it (a claim of ours, live, keeps when it began).
                try db.cachedStatement(sql: """
                    INSERT INTO assignment(case_row, analyst, claimed_at, lease_until) VALUES (?, ?, ?, ?)
                    ON CONFLICT(case_row) DO UPDATE SET
                        claimed_at = CASE WHEN assignment.analyst = excluded.analyst AND assignment.lease_until > ?
                                          THEN assignment.claimed_at ELSE excluded.claimed_at END,
                        analyst = excluded.analyst,
                        lease_until = excluded.lease_until
                    """).execute(arguments: [row, analyst, now.milliseconds, until, now.milliseconds])
                return analyst
            }
        }
    }

    @discardableResult
    public func renewLease(caseID: String, analyst: String, lease: TimeInterval) throws -> Bool {
        try renewLease(caseID: caseID, analyst: analyst, lease: lease, now: .now())
    }

    /// ``renewLease(caseID:analyst:lease:)`` at a given time (tests pass a clock).
    func renewLease(caseID: String, analyst: String, lease: TimeInterval, now: Timestamp) throws -> Bool {
        let until = try Self.leaseEnd(now, lease)
        return try guarded {
            try write { db in
                let row = try Self.caseRow(db, caseID)
                // The row is still the caller's only if nobody claimed the case since (a claim
                // by someone else overwrites it) and nobody labelled it (a label deletes it).
                try db.cachedStatement(sql: """
                    UPDATE assignment SET lease_until = ?
                    WHERE case_row = ? AND analyst = ? AND (SELECT status FROM cases WHERE id = ?) = 'open'
                    """).execute(arguments: [until, row, analyst, row])
                return db.changesCount > 0
            }
        }
    }

    public func releaseClaim(caseID: String, analyst: String) throws {
        try guarded {
            try write { db in
                let row = try Self.caseRow(db, caseID)
                try db.cachedStatement(sql: "DELETE FROM assignment WHERE case_row = ? AND analyst = ?")
                    .execute(arguments: [row, analyst])
            }
        }
    }

    /// The store's row id of a case, or ``StoreError/caseNotFound(_:)``.
    private static func caseRow(_ db: Database, _ caseID: String) throws -> Int64 {
        guard let row = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM cases WHERE case_id = ?"),
                                           arguments: [caseID]) else {
            throw StoreError.caseNotFound(caseID)
        }
        return row
    }

    /// When a lease of `seconds` taken at `now` ends, in milliseconds (``Lease/end(_:_:)``).
    static func leaseEnd(_ now: Timestamp, _ seconds: TimeInterval) throws -> Int64 {
        try Lease.end(now, seconds)
    }
}
