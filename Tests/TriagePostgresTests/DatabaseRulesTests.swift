import Foundation
import Testing
@testable import TriagePostgres
import TriageStore
import TriageTestSupport

/// The database itself enforces the product's rules: someone who connects with `psql` instead of
/// triage still cannot forge, change or delete a label, or edit what their role may not.
@Suite(.serialized) struct DatabaseRulesTests {
    /// An initialised database with one case, a labeler `lou`, an analyst `ann` and a lead `lee`
    /// (login roles in triage's group roles).
    func prepared() throws -> (PostgresCluster, String) {
        let a = try PG.emptyDatabase()
        _ = try PostgresStore.initialize(a, password: PG.password)
        let c = try PG.cluster
        for (who, group) in [("lou", "triage_labeler"), ("ann", "triage_analyst"), ("lee", "triage_lead")] {
            try c.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(who)') THEN CREATE ROLE \(who) LOGIN; END IF; END $$")
            try c.psql("GRANT \(group) TO \(who)")
        }
        try c.psql("""
            INSERT INTO import_batch(id, file_name, sha256, format, started_at, imported_by) VALUES (1, 'f', 'x', 'jsonl', 0, 'postgres');
            INSERT INTO cases(id, case_id, policy, merchant_name, score, margin, batch_id, updated_at)
                VALUES (1, 'c1', 'gambling', 'Casino', 0.9, 0.1, 1, 0);
            """, database: a.database)
        return (c, a.database)
    }

    /// Runs `sql` as `user`; returns the error text, or nil when it succeeded.
    func attempt(_ c: PostgresCluster, _ db: String, as user: String, _ sql: String) -> String? {
        do { try c.psql(sql, database: db, user: user); return nil } catch { return "\(error)" }
    }

    /// An event on case `caseRow` as psql would insert it, made now (the server's clock) unless
    /// `createdAt` is given.
    func label(analyst: String, role: String = "labeler", kind: String = "label", project: String? = nil,
               decision: String? = "violation", reasons: String = "[]", supersedes: Int? = nil, caseRow: Int = 1,
               createdAt: String = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint") -> String {
        """
        INSERT INTO label_event(case_row, kind, decision, reason_codes, analyst, os_user, role, created_at, app_version,
                                project, supersedes)
        VALUES (\(caseRow), '\(kind)', \(decision.map { "'\($0)'" } ?? "NULL"), '\(reasons)', '\(analyst)', 'os', '\(role)',
                \(createdAt), 'psql', \(project.map { "'\($0)'" } ?? "NULL"), \(supersedes.map(String.init) ?? "NULL"))
        """
    }

    @Test func aLabelerWithPsqlCannotForgeOrChangeALabel() throws {
        let (c, db) = try prepared()
        // A project with case 1; case 2 is in the analyst queue and ann has decided it.
        try c.psql("""
            INSERT INTO cases(id, case_id, policy, merchant_name, score, margin, batch_id, updated_at)
                VALUES (2, 'c2', 'gambling', 'Casino 2', 0.8, 0.2, 1, 0), (3, 'c3', 'fraud', 'Shop', 0.7, 0.2, 1, 0);
            INSERT INTO project(name, policy, overlap, queue_policy, created_by, created_at) VALUES ('p1', 'gambling', 2, 'score', 'lee', 0);
            INSERT INTO project_case(project, case_row, position) VALUES ('p1', 1, 1);
            """, database: db)
        #expect(attempt(c, db, as: "ann", label(analyst: "ann", role: "analyst", caseRow: 2)) == nil)
        let annsLabel = try c.psql("SELECT max(id) FROM label_event", database: db).trimmingCharacters(in: .whitespacesAndNewlines)
        // Their own label in the project goes in.
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", project: "p1")) == nil)
        // Under someone else's name, in a role they do not hold, or as an adjudication: refused.
        #expect(attempt(c, db, as: "lou", label(analyst: "ann", role: "analyst"))?.contains("row-level security") == true)
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", role: "lead"))?.contains("row-level security") == true)
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", role: "lead", kind: "adjudication", project: "p1"))?
                    .contains("row-level security") == true)
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", kind: "adjudication", project: "p1"))?.contains("only a lead") == true)
        // Deciding, overriding or undoing a case in the analyst queue: labelers label in projects only.
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", caseRow: 3))?.contains("not in the analyst queue") == true)
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", supersedes: Int(annsLabel), caseRow: 2))?
                    .contains("not in the analyst queue") == true)
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", kind: "undo", decision: nil, supersedes: Int(annsLabel), caseRow: 2))?
                    .contains("not in the analyst queue") == true)
        // A second label on the same case, a case outside the project, a decision or reason the
        // taxonomy does not have, a backdated event: refused.
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", project: "p1"))?.contains("changed meanwhile") == true)
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", project: "p1", caseRow: 3))?.contains("not in project") == true)
        #expect(attempt(c, db, as: "ann", label(analyst: "ann", role: "analyst", decision: "bogus", caseRow: 3))?
                    .contains("unknown decision") == true)
        #expect(attempt(c, db, as: "ann", label(analyst: "ann", role: "analyst", reasons: #"["nope"]"#, caseRow: 3))?
                    .contains("is not a reason") == true)
        #expect(attempt(c, db, as: "ann", label(analyst: "ann", role: "analyst", caseRow: 3, createdAt: "0"))?
                    .contains("server's clock") == true)
        // Nor the project's label counts, even for a lead.
        #expect(attempt(c, db, as: "lee", "UPDATE project_case SET label_count = 0")?.contains("permission denied") == true)
        #expect(attempt(c, db, as: "lee", "INSERT INTO project_case(project, case_row, position, label_count) VALUES ('p1', 3, 2, 5)")?
                    .contains("permission denied") == true)
        #expect(try c.psql("SELECT status || ':' || current_label FROM cases WHERE id = 2", database: db) == "decided:\(annsLabel)\n")
        #expect(try c.psql("SELECT label_count FROM project_case WHERE case_row = 1", database: db) == "1\n")
        // Changing, deleting or emptying the log: refused.
        #expect(attempt(c, db, as: "lou", "UPDATE label_event SET decision = 'no_violation'")?.contains("permission denied") == true)
        #expect(attempt(c, db, as: "lou", "DELETE FROM label_event")?.contains("permission denied") == true)
        #expect(attempt(c, db, as: "lou", "TRUNCATE label_event")?.contains("permission denied") == true)
        // Nor the case it decides, the taxonomy, or the people.
        #expect(attempt(c, db, as: "lou", "UPDATE cases SET status = 'decided'")?.contains("permission denied") == true)
        #expect(attempt(c, db, as: "lou", "INSERT INTO decision(key, label, hotkey, is_final, position) VALUES ('x', 'X', 'x', true, 9)")?
                    .contains("permission denied") == true)
        #expect(attempt(c, db, as: "lou", "INSERT INTO person(name, role, created_at) VALUES ('lou', 'lead', 0)")?
                    .contains("permission denied") == true)
        // Even the owner (a superuser here) cannot rewrite the log: the trigger stops everyone.
        #expect(attempt(c, db, as: "postgres", "UPDATE label_event SET decision = 'no_violation'")?.contains("append-only") == true)
        #expect(attempt(c, db, as: "postgres", "DELETE FROM label_event")?.contains("append-only") == true)
        #expect(attempt(c, db, as: "postgres", "TRUNCATE label_event")?.contains("append-only") == true)
        // The two labels are there, as ann and lou made them.
        #expect(try c.psql("SELECT string_agg(analyst || ':' || decision, ',' ORDER BY id) FROM label_event", database: db)
                == "ann:violation,lou:violation\n")
    }

    @Test func leadsAdjudicateAndEditTheTaxonomy() throws {
        let (c, db) = try prepared()
        try c.psql("INSERT INTO project(name, overlap, queue_policy, created_by, created_at) VALUES ('p1', 2, 'score', 'lee', 0)",
                   database: db)
        #expect(attempt(c, db, as: "lee", label(analyst: "lee", role: "lead", kind: "adjudication", project: "p1")) == nil)
        // Outside a project an adjudication means nothing: the database refuses it too.
        #expect(attempt(c, db, as: "lee", label(analyst: "lee", role: "lead", kind: "adjudication"))?
                    .contains("belongs to a labelling project") == true)
        #expect(attempt(c, db, as: "lee", "UPDATE policy_area SET sla_hours = 48 WHERE key = 'gambling'") == nil)
        #expect(attempt(c, db, as: "ann", "UPDATE policy_area SET sla_hours = 1 WHERE key = 'gambling'")?.contains("permission denied") == true)
        // Everyone reads.
        #expect(try c.psql("SELECT count(*) FROM label_event", database: db, user: "ann") == "1\n")
    }

    @Test func leasesAreEachPersonsOwn() throws {
        let (c, db) = try prepared()
        let farFuture = "99999999999999"
        #expect(attempt(c, db, as: "ann", "INSERT INTO assignment VALUES (1, 'ann', 0, \(farFuture))") == nil)
        // Nobody takes or gives back someone else's live lease…
        #expect(attempt(c, db, as: "lou", "INSERT INTO assignment VALUES (1, 'lou', 0, \(farFuture))") != nil)
        try c.psql("DELETE FROM assignment", database: db, user: "lou") // deletes nothing: not lou's
        try c.psql("UPDATE assignment SET analyst = 'lou'", database: db, user: "lou") // updates nothing
        #expect(try c.psql("SELECT analyst FROM assignment", database: db) == "ann\n")
        // …nor shortens it (the update sees no row of theirs).
        #expect(attempt(c, db, as: "lou", "UPDATE assignment SET lease_until = 0 WHERE analyst = 'ann'") == nil)
        #expect(try c.psql("SELECT lease_until FROM assignment", database: db) == "\(farFuture)\n")
        // An expired lease may be taken over.
        try c.psql("UPDATE assignment SET lease_until = 0", database: db, user: "ann")
        #expect(attempt(c, db, as: "lou", "UPDATE assignment SET analyst = 'lou', lease_until = \(farFuture)") == nil)
        #expect(try c.psql("SELECT analyst FROM assignment", database: db) == "lou\n")
    }

    /// A labeler with psql reads what the app shows them and no more: no gold label, status or
    /// score of a case; no one else's label events; no dashboard counters; no model output of a
    /// case in a blind project's area until they have labelled it (then the functions hand it
    /// over). An analyst still reads everything.
    @Test func aLabelerWithPsqlReadsNoGoldLabelsOthersLabelsOrHiddenModelOutput() throws {
        let (c, db) = try prepared()
        try c.psql("""
            INSERT INTO cases(id, case_id, policy, merchant_name, score, margin, batch_id, updated_at, gold_label)
                VALUES (2, 'c2', 'gambling', 'Gold Casino', 0.8, 0.2, 1, 0, 'violation'), (3, 'c3', 'fraud', 'Shop', 0.7, 0.2, 1, 0, NULL);
            INSERT INTO score(case_row, model, version, score, threshold, batch_id)
                VALUES (1, 'm', 'v1', 0.9, 0.5, 1), (2, 'm', 'v1', 0.8, 0.5, 1), (3, 'm', 'v1', 0.7, 0.5, 1);
            INSERT INTO rationale(case_row, model, text, evidence_ids, origin) VALUES (1, 'llm', 'secret rationale', '[]', 'import');
            INSERT INTO project(name, policy, overlap, blind, queue_policy, created_by, created_at)
                VALUES ('p1', 'gambling', 2, true, 'score', 'lee', 0);
            INSERT INTO project_case(project, case_row, position) VALUES ('p1', 1, 1);
            """, database: db)
        #expect(attempt(c, db, as: "ann", label(analyst: "ann", role: "analyst", caseRow: 3)) == nil)
        // What a labeler may read of a case, and what not.
        #expect(try c.psql("SELECT case_id || ':' || merchant_name FROM cases WHERE id = 1", database: db, user: "lou") == "c1:Casino\n")
        for column in ["gold_label", "status", "current_label", "score", "threshold", "margin", "search", "*"] {
            #expect(attempt(c, db, as: "lou", "SELECT \(column) FROM cases")?.contains("permission denied") == true, "\(column)")
        }
        for table in ["score", "attribution", "rationale", "agg_model_version", "agg_person_day", "agg_dwell"] {
            #expect(attempt(c, db, as: "lou", "SELECT count(*) FROM \(table)")?.contains("permission denied") == true, "\(table)")
        }
        // Only their own label events (ann's label on c3 is invisible to lou).
        #expect(try c.psql("SELECT count(*) FROM label_event", database: db, user: "lou") == "0\n")
        // Model output: hidden in the blind project's area (c1, and gold c2) until labelled; shown outside it (c3).
        func scores(_ row: Int) throws -> String { try c.psql("SELECT count(*) FROM triage_scores_of(\(row))", database: db, user: "lou") }
        #expect(try scores(1) == "0\n" && scores(2) == "0\n" && scores(3) == "1\n")
        #expect(try c.psql("SELECT count(*) FROM triage_rationales_of(1)", database: db, user: "lou") == "0\n")
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", project: "p1")) == nil)
        #expect(try scores(1) == "1\n" && scores(2) == "0\n")
        #expect(try c.psql("SELECT text FROM triage_rationales_of(1)", database: db, user: "lou") == "secret rationale\n")
        #expect(try c.psql("SELECT count(*) FROM label_event", database: db, user: "lou") == "1\n")
        // Gold: lou may label the gold case of the area (the rules read it for her), never read its label.
        #expect(try c.psql("SELECT case_id FROM triage_next_gold_case('p1', 'lou', '{}')", database: db, user: "lou") == "c2\n")
        #expect(attempt(c, db, as: "lou", "SELECT case_id FROM triage_next_gold_case('p1', 'ann', '{}')") == nil)
        #expect(try c.psql("SELECT count(*) FROM triage_next_gold_case('p1', 'ann', '{}')", database: db, user: "lou") == "0\n")
        #expect(attempt(c, db, as: "lou", label(analyst: "lou", project: "p1", caseRow: 2)) == nil)
        #expect(attempt(c, db, as: "lou", "SELECT gold_label FROM cases WHERE id = 2")?.contains("permission denied") == true)
        // Whether a case is gold: only of a case she holds or labelled; and at most 50 skips.
        #expect(try c.psql("SELECT coalesce(triage_case_is_gold(2)::text, 'unknown')", database: db, user: "lou") == "true\n")
        #expect(try c.psql("SELECT coalesce(triage_case_is_gold(3)::text, 'unknown')", database: db, user: "lou") == "unknown\n")
        let many = "'{" + (0..<51).map { "x\($0)" }.joined(separator: ",") + "}'"
        #expect(try c.psql("SELECT count(*) FROM triage_next_gold_case('p1', 'kim', \(many))", database: db, user: "lou") == "0\n")
        // A temporary table of hers cannot stand in for triage's in the functions that run as the
        // owner: the model output of c3… (outside the blind area) stays, of a new case in it stays hidden.
        let shadow = """
            CREATE TEMP TABLE project(name text, policy text, blind boolean);
            CREATE TEMP TABLE label_event(case_row bigint, analyst text, kind text, project text, id bigint, supersedes bigint);
            INSERT INTO pg_temp.label_event VALUES (1, 'lou', 'label', 'p1', 1, NULL);
            SELECT count(*) FROM triage_scores_of(4);
            """
        try c.psql("""
            INSERT INTO cases(id, case_id, policy, merchant_name, score, margin, batch_id, updated_at) VALUES (4, 'c4', 'gambling', 'New', 0.6, 0.1, 1, 0);
            INSERT INTO score(case_row, model, version, score, threshold, batch_id) VALUES (4, 'm', 'v1', 0.6, 0.5, 1);
            """, database: db)
        #expect(try c.psql(shadow, database: db, user: "lou").trimmingCharacters(in: .whitespacesAndNewlines).hasSuffix("0"))
        // The project's figures are everyone's to see.
        #expect(try c.psql("SELECT labels || '/' || labelers FROM triage_project_counts('p1')", database: db, user: "lou") == "2/1\n")
        // An analyst (and so a lead) reads everything, as before.
        #expect(try c.psql("SELECT gold_label FROM cases WHERE id = 2", database: db, user: "ann") == "violation\n")
        #expect(try c.psql("SELECT count(*) FROM score", database: db, user: "ann") == "4\n")
        #expect(try c.psql("SELECT count(*) FROM label_event", database: db, user: "lee") == "3\n")
        #expect(try c.psql("SELECT count(*) FROM triage_scores_of(2)", database: db, user: "ann") == "1\n")
    }

    /// A version 7 database (the first PostgreSQL schema) upgrades to version 8 with `triage db
    /// migrate`: every label stays, and the labeler rules apply from then on.
    @Test func aVersion7DatabaseMigratesToVersion8() throws {
        let a = try PG.emptyDatabase()
        let c = try PG.cluster
        // Version 7 as `db init` made it.
        let conn = try PGConnection.connect(a, password: PG.password)
        try conn.execute(script: PGSchema.roles)
        try conn.execute(script: "BEGIN")
        try conn.execute(script: PGSchema.tables)
        try conn.execute(script: PGSchema.aggregates)
        try conn.execute(script: PGSchema.grants)
        try PostgresStore.writeTaxonomy(.standard, conn)
        for v in 1...7 {
            try conn.query("INSERT INTO triage_schema(version, name, applied_at) VALUES (\(v), 'v\(v)', 0)")
        }
        try conn.execute(script: "COMMIT")
        conn.close()
        for (who, group) in [("lou", "triage_labeler"), ("ann", "triage_analyst")] {
            try c.psql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '\(who)') THEN CREATE ROLE \(who) LOGIN; END IF; END $$")
            try c.psql("GRANT \(group) TO \(who)")
        }
        try c.psql("""
            INSERT INTO import_batch(id, file_name, sha256, format, started_at, imported_by) VALUES (1, 'f', 'x', 'jsonl', 0, 'postgres');
            INSERT INTO cases(id, case_id, policy, merchant_name, score, margin, batch_id, updated_at, gold_label)
                VALUES (1, 'c1', 'gambling', 'Casino', 0.9, 0.1, 1, 0, 'violation');
            """, database: a.database)
        #expect(attempt(c, a.database, as: "ann", label(analyst: "ann", role: "analyst")) == nil)
        #expect(try c.psql("SELECT gold_label FROM cases", database: a.database, user: "lou") == "violation\n") // v7: readable
        #expect(throws: StoreError.self) { _ = try PostgresStore(address: a, password: PG.password) } // needs migrate
        let report = try PostgresStore.migrate(a, password: PG.password)
        #expect(report.from == 7 && report.to == SchemaVersion.current)
        #expect(attempt(c, a.database, as: "lou", "SELECT gold_label FROM cases")?.contains("permission denied") == true)
        #expect(try c.psql("SELECT count(*) FROM label_event", database: a.database) == "1\n")
        #expect(try c.psql("SELECT max(version) FROM triage_schema", database: a.database) == "\(SchemaVersion.current)\n")
        // The rules still bind everyone but the owner (now checked by name), and role changes are kept.
        #expect(attempt(c, a.database, as: "ann", label(analyst: "ann", role: "analyst"))?.contains("changed meanwhile") == true)
        let store = try PostgresStore(address: a, password: PG.password)
        defer { store.close() }
        _ = try store.addPerson("lou", role: .labeler, actor: "postgres")
        #expect(try store.people().first { $0.name == "lou" }?.roleSetBy == "postgres")
        // Migrating again changes nothing.
        #expect(try PostgresStore.migrate(a, password: PG.password).from == SchemaVersion.current)
    }
}
