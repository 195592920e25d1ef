import Foundation
import PostgresNIO
import TriageCore
import TriageStore

/// People on PostgreSQL are database users: registering someone creates their login role (when
/// it does not exist) and makes it a member of the group role for their triage role
/// (`triage_analyst`, `triage_labeler`, `triage_lead`), which is what the grants and row-level
/// security check. The `person` table keeps the same rows as on SQLite for everything that reads
/// them. Creating roles takes a triage admin with CREATEROLE (such as whoever ran `triage db init`),
/// who may therefore add people whatever their own triage role; the password, or another way in
/// (certificates, peer), is the DBA's to set.
extension PostgresStore {
    public func people() throws -> [Person] {
        try pool.with { c in
            try c.query("""
                SELECT p.name, p.role, p.created_at, p.added_by, rc.changed_by, rc.changed_at FROM person p
                LEFT JOIN role_change rc ON rc.id = (SELECT max(id) FROM role_change WHERE name = p.name)
                ORDER BY p.name COLLATE "C"
                """).map { r in
                let (name, role, at, by, setBy, setAt) = try r.decode((String, String, Int64, String?, String?, Int64?).self)
                return Person(name: name, role: Role(rawValue: role) ?? .analyst, addedAt: Timestamp(milliseconds: at), addedBy: by,
                              roleSetBy: setBy, roleSetAt: setAt.map(Timestamp.init(milliseconds:)))
            }
        }
    }

    public func role(of name: String) throws -> Role? {
        try pool.with { c in try Self.storedRole(c, name) }
    }

    @discardableResult
    public func addPerson(_ name: String, role: Role, actor: String) throws -> PersonChange {
        guard Person.isValidName(name) else { throw StoreError.refused(Person.invalidNameMessage(name)) }
        guard name.utf8.count <= 63 else {
            throw StoreError.refused("'\(name)' is too long for a PostgreSQL user name (63 bytes at most)")
        }
        let now = Timestamp.now()
        return try transaction { c in
            try c.query("SELECT pg_advisory_xact_lock(7324, 102)") // people change one at a time
            // A triage admin manages people here (creating users takes one), as does a lead, as on SQLite.
            var who = PostgresBindings()
            who.append(actor)
            let isAdmin = try c.query("SELECT pg_has_role(rolname, 'triage_admin', 'MEMBER') FROM pg_roles WHERE rolname = $1", who)
                .first?.decode(Bool.self) ?? false
            if !isAdmin { try Self.requireLead(c, actor, to: "add people or change their roles", unlessNoLead: true) }
            let held = try Self.storedRole(c, name)
            if held == role, try Self.holdsGroup(c, name, role) { return .unchanged }
            if held == .lead, role != .lead,
               try c.query("SELECT count(*) FROM person WHERE role = 'lead'").first?.decode(Int.self) == 1 {
                throw StoreError.refused("\(name) is the only lead: add another lead first")
            }
            do {
                var b = PostgresBindings()
                b.append(name)
                let user = Self.quoteIdentifier(name)
                if try c.query("SELECT 1 FROM pg_roles WHERE rolname = $1", b).isEmpty {
                    try c.execute(script: "CREATE ROLE \(user) LOGIN")
                }
                for other in Role.allCases where other != role {
                    try c.execute(script: "REVOKE \(Self.groupRole(other)) FROM \(user)")
                }
                try c.execute(script: "GRANT \(Self.groupRole(role)) TO \(user)")
            } catch StoreError.notAllowed(let why) {
                throw StoreError.notAllowed("\(why): on PostgreSQL people are database users, so adding one or changing a role takes a triage admin with CREATEROLE (such as the user who ran `triage db init`)")
            }
            var b = PostgresBindings()
            b.append(name); b.append(role.rawValue); b.append(now.milliseconds); b.append(actor)
            try c.query("""
                INSERT INTO person(name, role, created_at, added_by) VALUES ($1, $2, $3, $4)
                ON CONFLICT (name) DO UPDATE SET role = excluded.role
                """, b)
            var change = PostgresBindings()
            change.append(name); change.append(role.rawValue); change.append(held?.rawValue); change.append(now.milliseconds)
            change.append(actor)
            try c.query("""
                INSERT INTO role_change(name, role, previous_role, changed_at, changed_by) VALUES ($1, $2, $3, $4, $5)
                """, change)
            return held.map { $0 == role ? .loginGranted : .changed(from: $0) } ?? .added
        }
    }

    /// The group role that grants `role`'s rights.
    static func groupRole(_ role: Role) -> String { "triage_" + role.rawValue }

    /// Whether database user `name` is directly a member of `role`'s group role.
    static func holdsGroup(_ c: PGConnection, _ name: String, _ role: Role) throws -> Bool {
        var b = PostgresBindings()
        b.append(name); b.append(groupRole(role))
        return try !c.query("""
            SELECT 1 FROM pg_auth_members m JOIN pg_roles u ON u.oid = m.member JOIN pg_roles g ON g.oid = m.roleid
            WHERE u.rolname = $1 AND g.rolname = $2
            """, b).isEmpty
    }

    /// A person's stored role, or nil.
    static func storedRole(_ c: PGConnection, _ name: String) throws -> Role? {
        var b = PostgresBindings()
        b.append(name)
        return try c.query("SELECT role FROM person WHERE name = $1", b).first.flatMap { Role(rawValue: try $0.decode(String.self)) }
    }

    /// Refuses unless `actor` is a registered lead (or, with `unlessNoLead`, nobody is a lead
    /// yet), as on SQLite. The server then applies its own grants on top.
    static func requireLead(_ c: PGConnection, _ actor: String, to what: String, unlessNoLead: Bool = false) throws {
        if try storedRole(c, actor) == .lead { return }
        if unlessNoLead, try c.query("SELECT count(*) FROM person WHERE role = 'lead'").first?.decode(Int.self) == 0 { return }
        throw StoreError.notAllowed("only a lead may \(what), and \(actor) is not one (see `triage users list`)")
    }
}
