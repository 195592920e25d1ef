import Foundation
import Testing
import TriageCore
@testable import TriagePostgres
import TriageStore
import TriageTestSupport
import TriageSQLite

/// `triage db init` and `migrate` against a real server: idempotent, refusing what they should,
/// and leaving the rules to the database.
@Suite(.serialized) struct SchemaTests {
    @Test func initCreatesTheSchemaOnceAndTheStoreOpensOnIt() throws {
        let a = try PG.emptyDatabase()
        // Not initialised: the store says what to run.
        #expect(throws: StoreError.self) { _ = try PostgresStore(address: a, password: PG.password) }
        do { _ = try PostgresStore(address: a, password: PG.password) } catch {
            #expect("\(error)".contains("triage db init"))
        }
        let first = try PostgresStore.initialize(a, password: PG.password)
        #expect(first.from == nil && first.to == SchemaVersion.current)
        let again = try PostgresStore.initialize(a, password: PG.password)
        #expect(again.from == SchemaVersion.current && again.to == SchemaVersion.current && again.rolesCreated.isEmpty)
        #expect(try PostgresStore.migrate(a, password: PG.password).to == SchemaVersion.current)
        #expect(try PostgresStore.status(a, password: PG.password) == SchemaVersion.current)

        let store = try PostgresStore(address: a, password: PG.password)
        defer { store.close() }
        #expect(try store.taxonomy() == Taxonomy.standard)
        let versions = try PG.cluster.psql("SELECT version || ':' || name FROM triage_schema ORDER BY version", database: a.database)
        #expect(versions.split(separator: "\n").map(String.init) == SchemaVersion.names.enumerated().map { "\($0.offset + 1):\($0.element)" })
    }

    @Test func aNewerSchemaIsRefusedByEveryone() throws {
        let a = try PG.emptyDatabase()
        _ = try PostgresStore.initialize(a, password: PG.password)
        try PG.cluster.psql("INSERT INTO triage_schema(version, name, applied_at) VALUES (\(SchemaVersion.current + 1), 'v-next', 0)",
                            database: a.database)
        for attempt in [{ _ = try PostgresStore(address: a, password: PG.password) },
                        { _ = try PostgresStore.initialize(a, password: PG.password) },
                        { _ = try PostgresStore.migrate(a, password: PG.password) }] as [() throws -> Void] {
            do {
                try attempt()
                Issue.record("a newer schema was accepted")
            } catch let e as StoreError {
                guard case .newerSchema = e else { Issue.record("unexpected \(e)"); continue }
                #expect(e.description.contains("upgrade triage"))
            }
        }
    }

    @Test func initRefusesADatabaseWithOtherTables() throws {
        let a = try PG.emptyDatabase()
        try PG.cluster.psql("CREATE TABLE payroll (id int)", database: a.database)
        do {
            _ = try PostgresStore.initialize(a, password: PG.password)
            Issue.record("init took a database with other tables")
        } catch {
            #expect("\(error)".contains("not triage's"))
        }
        // Nothing of triage's was created.
        #expect(try PG.cluster.psql("SELECT to_regclass('public.cases') IS NULL", database: a.database).hasPrefix("t"))
    }

    @Test func wrongPasswordsAndMissingDatabasesSayWhatToDo() throws {
        let a = try PG.emptyDatabase()
        do {
            _ = try PostgresStore.status(a, password: "not-it")
            Issue.record("a wrong password connected")
        } catch let e as StoreError {
            #expect(e.description.contains("refused user postgres") && e.description.contains("PGPASSWORD"))
            #expect(!e.description.contains("not-it"))
        }
        var missing = a
        missing.database = "no_such_db"
        do {
            _ = try PostgresStore.status(missing, password: PG.password)
            Issue.record("a missing database connected")
        } catch let e as StoreError {
            guard case .serverDatabaseMissing(let name, _, _) = e, name == "no_such_db" else { Issue.record("unexpected \(e)"); return }
            #expect(e.description.contains("createdb no_such_db") && e.description.contains("triage db init"))
        }
        var closed = a
        closed.port = Int(PostgresCluster.freePort())
        do {
            _ = try PostgresStore.status(closed, password: PG.password)
            Issue.record("a closed port connected")
        } catch let e as StoreError {
            guard case .unavailable = e else { Issue.record("unexpected \(e)"); return }
            #expect(e.description.contains("cannot reach PostgreSQL at 127.0.0.1:\(closed.port)"))
        }
    }
}

/// Both backends know the same schema versions, by the same names.
@Suite struct SchemaVersionTests {
    @Test func sqliteAndPostgresLineUp() {
        #expect(SQLiteStore.knownMigrations == SchemaVersion.names)
    }
}
