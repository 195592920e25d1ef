import Foundation
import GRDB
import TriageCore
import TriageStore

/// People and their roles (`person`), and the role checks every write that needs one makes.
extension SQLiteStore {
    public func people() throws -> [Person] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT p.name, p.role, p.created_at, p.added_by, rc.changed_by, rc.changed_at FROM person p
                    LEFT JOIN role_change rc ON rc.id = (SELECT max(id) FROM role_change WHERE name = p.name)
                    ORDER BY p.name
                    """).map { r in
                    Person(name: try r.checked("name"), role: Role(rawValue: try r.checked("role")) ?? .analyst,
                           addedAt: Timestamp(milliseconds: try r.checked("created_at")), addedBy: try r.checked("added_by"),
                           roleSetBy: try r.checked("changed_by"),
                           roleSetAt: (try r.checked("changed_at") as Int64?).map(Timestamp.init(milliseconds:)))
                }
            }
        }
    }

    public func role(of name: String) throws -> Role? {
        try guarded { try pool.read { db in try Self.storedRole(db, name) } }
    }

    @discardableResult
    public func addPerson(_ name: String, role: Role, actor: String) throws -> PersonChange {
        guard Person.isValidName(name) else { throw StoreError.refused(Person.invalidNameMessage(name)) }
        let now = Timestamp.now()
        return try guarded {
            try write { db in
                try Self.requireLead(db, actor, to: "add people or change their roles", unlessNoLead: true)
                let held = try Self.storedRole(db, name)
                if held == role { return .unchanged }
                if held == .lead, role != .lead,
                   try Int.fetchOne(db, sql: "SELECT count(*) FROM person WHERE role = 'lead'") == 1 {
                    throw StoreError.refused("\(name) is the only lead: add another lead first")
                }
                try db.execute(sql: """
                    INSERT INTO person(name, role, created_at, added_by) VALUES (?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET role = excluded.role
                    """, arguments: [name, role.rawValue, now.milliseconds, actor])
                try db.execute(sql: """
                    INSERT INTO role_change(name, role, previous_role, changed_at, changed_by) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [name, role.rawValue, held?.rawValue, now.milliseconds, actor])
                return held.map { .changed(from: $0) } ?? .added
            }
        }
    }

    /// A person's stored role, or nil.
    static func storedRole(_ db: Database, _ name: String) throws -> Role? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT role FROM person WHERE name = ?"), arguments: [name])
            .flatMap(Role.init(rawValue:))
    }

    /// Refuses unless `actor` is a registered lead (or, with `unlessNoLead`, nobody is a lead yet).
    static func requireLead(_ db: Database, _ actor: String, to what: String, unlessNoLead: Bool = false) throws {
        if try storedRole(db, actor) == .lead { return }
        if unlessNoLead, try Int.fetchOne(db, sql: "SELECT count(*) FROM person WHERE role = 'lead'") == 0 { return }
        throw StoreError.notAllowed("only a lead may \(what), and \(actor) is not one (see `triage users list`)")
    }

    /// Refuses unless the person may work in `role`.
    static func requireRole(_ db: Database, _ person: String, _ role: Role) throws {
        if let why = Role.refusal(person: person, holds: try storedRole(db, person), actingAs: role) {
            throw StoreError.notAllowed(why)
        }
    }
}
