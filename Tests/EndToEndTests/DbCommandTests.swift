import Foundation
import Testing
import TriageStore
import TriageTestSupport

/// `triage db init|migrate|status` on a real PostgreSQL server and on a SQLite file, through the
/// built binary: what a team's administrator runs first.
@Suite(.serialized) struct DbCommandTests {
    static func server() throws -> PostgresCluster { try PostgresCluster.shared() }

    @Test func initMigrateAndStatusOnPostgreSQL() throws {
        let c = try Self.server()
        let url = c.url(database: try c.createDatabase())
        let env = ["PGPASSWORD": PostgresCluster.superPassword]

        let before = try Harness.run(["db", "status", "--db", url], env: env)
        #expect(before.status == 69 && before.stdout.contains("schema: none") && before.stderr.contains("triage db init"))
        // Before init, every command and migrate say so with exit 69 (as documented) and a
        // command that can be pasted (the URL quoted: it holds `?` and `&`).
        for args in [["stats"], ["db", "migrate"]] {
            let r = try Harness.run(args + ["--db", url], env: env)
            #expect(r.status == 69 && r.stderr.contains("triage db init --db '\(url)'"), "\(args): \(r.status) \(r.stderr)")
        }
        // A database the server does not have: how to create it, not "triage import".
        let missing = c.url(database: "nosuchdb")
        let none = try Harness.run(["stats", "--db", missing], env: env)
        #expect(none.status == 66 && none.stderr.contains("no database 'nosuchdb'") && none.stderr.contains("createdb nosuchdb")
                && none.stderr.contains("triage db init") && !none.stderr.contains("triage import"), "\(missing): \(none.stderr)")

        let first = try Harness.run(["db", "init", "--db", url], env: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("created schema v\(SchemaVersion.current)"))
        let again = try Harness.run(["db", "init", "--db", url], env: env)
        #expect(again.status == 0 && again.stdout.contains("already at schema v\(SchemaVersion.current); nothing to do"))
        let migrate = try Harness.run(["db", "migrate", "--db", url], env: env)
        #expect(migrate.status == 0 && migrate.stdout.contains("already at schema v\(SchemaVersion.current)"))
        // $TRIAGE_DB names it as well as --db does.
        let status = try Harness.run(["db", "status"], env: env.merging(["TRIAGE_DB": url]) { a, _ in a })
        #expect(status.status == 0 && status.stdout.contains("(PostgreSQL)") && status.stdout.contains("schema: v\(SchemaVersion.current)"))

        // Every other command works on it too (TeamModeTests goes further).
        let stats = try Harness.run(["stats", "--db", url], env: env)
        #expect(stats.status == 0, "\(stats.stderr)")
    }

    /// A server whose certificate a private CA signed (as most teams' are): verify-ca and
    /// verify-full trust the CA named by sslrootcert or found at ~/.postgresql/root.crt, as
    /// libpq does; a failed check says which check failed and where the CA goes, without the
    /// TLS library's source paths.
    @Test func tlsWithAPrivateCertificateAuthority() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func openssl(_ args: String) throws {
            let r = try Spawn.run(["sh", "-c", "cd '\(dir)' && openssl " + args])
            #expect(r.status == 0, "openssl \(args): \(r.output)")
        }
        try openssl("req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 -subj /CN=triage-test-ca")
        try openssl("req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj /CN=db.example")
        try "subjectAltName=DNS:localhost\n".write(toFile: dir + "/ext.cnf", atomically: true, encoding: .utf8)
        try openssl("x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 -extfile ext.cnf")
        chmod(dir + "/server.key", 0o600)
        if geteuid() == 0 { _ = try Spawn.run(["chown", "postgres", dir + "/server.key", dir + "/server.crt"]) }
        let c = try PostgresCluster(settings: ["ssl": "on", "ssl_cert_file": "'\(dir)/server.crt'", "ssl_key_file": "'\(dir)/server.key'"])
        defer { c.stop() }
        let db = try c.createDatabase()
        let home = dir + "/home"
        try FileManager.default.createDirectory(atPath: home + "/.postgresql", withIntermediateDirectories: true)
        let env = ["PGPASSWORD": PostgresCluster.superPassword, "HOME": home]
        func url(_ mode: String, _ extra: String = "") -> String {
            "postgres://postgres@127.0.0.1:\(c.port)/\(db)?sslmode=\(mode)" + extra
        }
        func expectClean(_ r: Harness.Result, _ what: String) {
            #expect(r.status == 69, "\(what): \(r.status) \(r.stderr)")
            #expect(!r.stderr.contains(".build") && !r.stderr.contains(".cc:") && r.stderr.split(separator: "\n").count == 1,
                    "\(what): \(r.stderr)")
        }

        let ca = try Harness.run(["db", "init", "--db", url("verify-ca", "&sslrootcert=\(dir)/ca.crt")], env: env)
        #expect(ca.status == 0, "\(ca.stderr)")
        // verify-full also checks the name: the certificate names localhost.
        let byName = try Harness.run(["db", "status", "--db", url("verify-full", "&sslrootcert=\(dir)/ca.crt")
            .replacingOccurrences(of: "@127.0.0.1:", with: "@localhost:")], env: env)
        #expect(byName.status == 0, "\(byName.stderr)")
        let full = try Harness.run(["db", "status", "--db", url("verify-full", "&sslrootcert=\(dir)/ca.crt")], env: env)
        expectClean(full, "verify-full")
        #expect(full.stderr.contains("not an IP address (127.0.0.1)") && full.stderr.contains("verify-ca"), "\(full.stderr)")
        // Without the CA: which check failed, and where the CA goes.
        let untrusted = try Harness.run(["db", "status", "--db", url("verify-ca")], env: env)
        expectClean(untrusted, "no CA")
        #expect(untrusted.stderr.contains("not signed by a CA") && untrusted.stderr.contains("sslrootcert"), "\(untrusted.stderr)")
        let missing = try Harness.run(["db", "status", "--db", url("verify-ca", "&sslrootcert=\(dir)/nope.crt")], env: env)
        expectClean(missing, "missing file")
        #expect(missing.stderr.contains("cannot read sslrootcert"), "\(missing.stderr)")
        // ~/.postgresql/root.crt, as libpq reads it; and $PGSSLROOTCERT.
        try FileManager.default.copyItem(atPath: dir + "/ca.crt", toPath: home + "/.postgresql/root.crt")
        let found = try Harness.run(["db", "status", "--db", url("verify-ca")], env: env)
        #expect(found.status == 0, "\(found.stderr)")
        try FileManager.default.removeItem(atPath: home + "/.postgresql/root.crt")
        let fromEnv = try Harness.run(["db", "status", "--db", url("verify-ca")], env: env.merging(["PGSSLROOTCERT": dir + "/ca.crt"]) { a, _ in a })
        #expect(fromEnv.status == 0, "\(fromEnv.stderr)")
        // require encrypts without checking: it works with no CA at all.
        #expect(try Harness.run(["db", "status", "--db", url("require")], env: env).status == 0)
    }

    @Test func passwordsNeverOnTheCommandLineAndAlwaysExplained() throws {
        let c = try Self.server()
        let db = try c.createDatabase()
        let withPassword = "postgres://postgres:\(PostgresCluster.superPassword)@127.0.0.1:\(c.port)/\(db)"
        let r = try Harness.run(["db", "status", "--db", withPassword])
        #expect(r.status == 64 && r.stderr.contains("a password does not belong in the URL"))
        #expect(!r.stderr.contains(PostgresCluster.superPassword))

        // No password anywhere: the server asks, triage says where to put one.
        let home = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let url = c.url(database: db)
        let none = try Harness.run(["db", "status", "--db", url], env: ["HOME": home])
        #expect(none.status == 69 && none.stderr.contains("PGPASSWORD"))

        // ~/.pgpass works, but only when it is private.
        let pgpass = home + "/.pgpass"
        try "127.0.0.1:\(c.port):\(db):postgres:\(PostgresCluster.superPassword)\n".write(toFile: pgpass, atomically: true, encoding: .utf8)
        chmod(pgpass, 0o644)
        let open = try Harness.run(["db", "status", "--db", url], env: ["HOME": home])
        #expect(open.status == 77 && open.stderr.contains("chmod 600"))
        chmod(pgpass, 0o600)
        let fine = try Harness.run(["db", "init", "--db", url], env: ["HOME": home])
        #expect(fine.status == 0, "\(fine.stderr)")

        // So does the settings file, with the URL in it too.
        try FileManager.default.removeItem(atPath: pgpass)
        let config = home + "/cfg/triage"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        try "[database]\nurl = \"\(url)\"\npassword = \"\(PostgresCluster.superPassword)\"\n"
            .write(toFile: config + "/config.toml", atomically: true, encoding: .utf8)
        chmod(config + "/config.toml", 0o600)
        let viaConfig = try Harness.run(["db", "status"], env: ["HOME": home, "XDG_CONFIG_HOME": home + "/cfg"])
        #expect(viaConfig.status == 0 && viaConfig.stdout.contains("schema: v\(SchemaVersion.current)"), "\(viaConfig.stderr)")
        chmod(config + "/config.toml", 0o644)
        let leaky = try Harness.run(["db", "status"], env: ["HOME": home, "XDG_CONFIG_HOME": home + "/cfg"])
        #expect(leaky.status == 77 && leaky.stderr.contains("chmod 600"))
    }

    @Test func theSameCommandsOnSQLite() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/new/t.sqlite"
        let missing = try Harness.run(["db", "status", "--db", path])
        #expect(missing.status == 66)
        let created = try Harness.run(["db", "init", "--db", path])
        #expect(created.status == 0 && created.stdout.contains("created (schema v\(SchemaVersion.current))"))
        let status = try Harness.run(["db", "status", "--db", path])
        #expect(status.status == 0 && status.stdout.contains("(SQLite)") && status.stdout.contains("schema: v\(SchemaVersion.current)"))
        let migrate = try Harness.run(["db", "migrate", "--db", path])
        #expect(migrate.status == 0 && migrate.stdout.contains("already at schema v\(SchemaVersion.current)"))
        #expect(try Harness.sql(path, "SELECT count(*) FROM decision") != "0")
    }
}
