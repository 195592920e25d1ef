import GRDB
import TriageCore
import TriageFormats
import TriageStore

extension SQLiteStore {
    public func taxonomy() throws -> Taxonomy {
        try guarded { try pool.read { db in try Self.readTaxonomy(db) } }
    }

    public func replaceTaxonomy(_ taxonomy: Taxonomy, actor: String) throws {
        let problems = taxonomy.problems()
        guard problems.isEmpty else { throw StoreError.refused("taxonomy refused: " + problems.joined(separator: "; ")) }
        try guarded {
            try write { db in
                try Self.requireLead(db, actor, to: "edit the taxonomy", unlessNoLead: true)
                // Cases must keep a policy area that exists.
                let used = try String.fetchAll(db, sql: "SELECT DISTINCT policy FROM cases")
                let missing = Set(used).subtracting(taxonomy.policyKeys).sorted()
                guard missing.isEmpty else {
                    throw StoreError.refused("taxonomy refused: cases still belong to policy areas it drops: "
                                             + missing.joined(separator: ", "))
                }
                try db.execute(sql: "DELETE FROM decision; DELETE FROM policy_area; DELETE FROM reason_code;")
                try Self.writeTaxonomy(taxonomy, db)
            }
        }
    }

    static func writeTaxonomy(_ t: Taxonomy, _ db: Database) throws {
        for (i, d) in t.decisions.enumerated() {
            try db.execute(sql: "INSERT INTO decision(key, label, hotkey, is_final, outcome, position) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [d.key, d.label, String(d.hotkey), d.isFinal, d.outcome?.rawValue, i])
        }
        func reason(_ policy: String, _ r: ReasonCode, _ i: Int) throws {
            try db.execute(sql: "INSERT INTO reason_code(policy, code, label, hotkey, decisions, position) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [policy, r.code, r.label, String(r.hotkey), r.decisions.map(JSONText.encode(strings:)), i])
        }
        for (i, r) in t.globalReasons.enumerated() { try reason("", r, i) }
        for (i, p) in t.policies.enumerated() {
            try db.execute(sql: "INSERT INTO policy_area(key, name, summary, sla_hours, position) VALUES (?, ?, ?, ?, ?)",
                           arguments: [p.key, p.name, p.summary, p.slaHours, i])
            for (j, r) in p.reasons.enumerated() { try reason(p.key, r, j) }
        }
    }

    /// The taxonomy in force. Values are decoded with throwing accessors: a damaged page that
    /// reads as NULL is an error (``StoreError/damaged(path:detail:)``), not a crash.
    static func readTaxonomy(_ db: Database) throws -> Taxonomy {
        func hotkey(_ row: Row) throws -> Character {
            let text: String = try row.checked("hotkey")
            guard let c = text.first else { throw StoreError.refused("a taxonomy entry has an empty hotkey") }
            return c
        }
        let decisions = try Row.fetchAll(db, sql: "SELECT * FROM decision ORDER BY position").map { row in
            Decision(key: try row.checked("key"), label: try row.checked("label"), hotkey: try hotkey(row),
                     isFinal: try row.checked("is_final"),
                     outcome: (try (row.checked("outcome") as String?)).flatMap(Outcome.init(rawValue:)))
        }
        var reasons: [String: [ReasonCode]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM reason_code ORDER BY policy, position") {
            let decisions: String? = try row.checked("decisions")
            reasons[try (row.checked("policy") as String), default: []].append(ReasonCode(
                code: try row.checked("code"), label: try row.checked("label"), hotkey: try hotkey(row),
                decisions: decisions.flatMap(JSONText.decodeStrings)))
        }
        let policies = try Row.fetchAll(db, sql: "SELECT * FROM policy_area ORDER BY position").map { row in
            let key: String = try row.checked("key")
            return PolicyArea(key: key, name: try row.checked("name"), summary: try row.checked("summary"),
                              slaHours: try row.checked("sla_hours"), reasons: reasons[key] ?? [])
        }
        return Taxonomy(decisions: decisions, policies: policies, globalReasons: reasons[""] ?? [])
    }
}
