import Testing
import TriageStore

/// `--db` text: a path is SQLite, a postgres:// URL is PostgreSQL, with libpq's defaults and
/// never a password.
@Suite struct DatabaseLocationTests {
    func parse(_ s: String, env: [String: String] = [:]) throws -> DatabaseLocation {
        try DatabaseLocation.parse(s, environment: env, osUser: "osu")
    }
    func pg(_ s: String, env: [String: String] = [:]) throws -> PostgresAddress {
        guard case .postgres(let a) = try parse(s, env: env) else { Issue.record("not postgres: \(s)"); throw CancellationError() }
        return a
    }
    func error(_ s: String) -> String {
        do { _ = try parse(s); return "" } catch { return "\(error)" }
    }

    @Test func pathsAreSQLite() throws {
        #expect(try parse("/srv/triage/cases.sqlite") == .sqlite(path: "/srv/triage/cases.sqlite"))
        #expect(try parse("cases.sqlite") == .sqlite(path: "cases.sqlite"))
        #expect(try parse("./postgres") == .sqlite(path: "./postgres"))
        #expect(error("").contains("empty"))
        #expect(error("mysql://h/db").contains("unknown kind of database 'mysql'"))
    }

    @Test func aFullURL() throws {
        let a = try pg("postgres://ana@db.example.com:6543/risk?sslmode=verify-full&application_name=tr&connect_timeout=3")
        #expect(a.user == "ana" && a.host == "db.example.com" && a.port == 6543 && a.database == "risk")
        #expect(a.sslMode == .verifyFull && a.applicationName == "tr" && a.connectTimeout == 3)
        #expect(a.description == "postgres://ana@db.example.com:6543/risk?sslmode=verify-full")
        #expect(try pg("POSTGRESQL://ana@h/risk").host == "h")
    }

    @Test func defaultsComeFromTheEnvironmentThenLibpqsRules() throws {
        let bare = try pg("postgres://")
        #expect(bare.user == "osu" && bare.host == nil && bare.port == 5432 && bare.database == "osu" && bare.sslMode == .prefer)
        #expect(bare.socketDirectory == "/var/run/postgresql")
        let env = ["PGUSER": "bo", "PGHOST": "pg.internal", "PGPORT": "6000", "PGDATABASE": "triage", "PGSSLMODE": "require"]
        let e = try pg("postgres://", env: env)
        #expect(e.user == "bo" && e.host == "pg.internal" && e.port == 6000 && e.database == "triage" && e.sslMode == .require)
        // What the URL says wins over the environment.
        let u = try pg("postgres://cy@h2:7000/other?sslmode=disable", env: env)
        #expect(u.user == "cy" && u.host == "h2" && u.port == 7000 && u.database == "other" && u.sslMode == .disable)
        // An empty variable is unset, as in libpq.
        #expect(try pg("postgres://h/db", env: ["PGUSER": ""]).user == "osu")
    }

    @Test func socketsIPv6AndEscapes() throws {
        let s = try pg("postgres:///risk?host=/tmp/pgsock")
        #expect(s.host == nil && s.socketDirectory == "/tmp/pgsock" && s.database == "risk")
        #expect(s.description == "postgres://osu@:5432/risk?host=%2Ftmp%2Fpgsock")
        let v6 = try pg("postgres://ana@[::1]:5433/risk")
        #expect(v6.host == "::1" && v6.port == 5433)
        #expect(v6.description == "postgres://ana@[::1]:5433/risk")
        let esc = try pg("postgres://ana%40corp@h/risk%20team")
        #expect(esc.user == "ana@corp" && esc.database == "risk team")
    }

    @Test func aPasswordInTheURLIsRefusedAndNeverRepeated() {
        let e = error("postgres://ana:hunter2@h/risk")
        #expect(e.contains("a password does not belong in the URL") && e.contains("PGPASSWORD"))
        #expect(!e.contains("hunter2") && e.contains("ana:***@h"))
    }

    @Test func badPartsAreNamed() {
        #expect(error("postgres://h:99999/db").contains("port '99999'"))
        #expect(error("postgres://h:x/db").contains("port 'x'"))
        #expect(error("postgres://h/db?sslmode=maybe").contains("sslmode 'maybe'"))
        #expect(error("postgres://h/db?pool=3").contains("unknown parameter 'pool'"))
        #expect(error("postgres://h/db?sslmode").contains("has no value"))
        #expect(error("postgres://h/db?sslmode=disable&sslmode=require").contains("given twice"))
        #expect(error("postgres://h/a/b").contains("has a / in it"))
        #expect(error("postgres://h/db%zz").contains("malformed %-escape"))
        #expect(error("postgres://h/db%0A").contains("control characters"))
        #expect(error("postgres://[::1/db").contains("closing ]"))
        #expect(error("postgres:///db?sslmode=require").contains("needs a host"))
        #expect(error("postgres://h%20x/db").contains("not a host name"))
    }

    @Test func passwordsComeFromTheEnvironmentThenThePasswordFileThenTheSettings() throws {
        let a = try pg("postgres://ana@db.example.com:5432/risk")
        let file = """
            # host:port:db:user:password
            other:5432:risk:ana:wrong
            db.example.com:5432:risk:ana:pa\\:ss\\\\word
            *:*:*:*:fallback
            """
        func read(_ mode: Int) -> PostgresPassword.ReadFile { { path in path == "/home/ana/.pgpass" ? (file, mode) : nil } }
        #expect(try PostgresPassword.resolve(for: a, environment: ["PGPASSWORD": "env"], home: "/home/ana", configured: "cfg",
                                             readFile: read(0o600)) == "env")
        #expect(try PostgresPassword.resolve(for: a, environment: [:], home: "/home/ana", configured: "cfg",
                                             readFile: read(0o600)) == "pa:ss\\word")
        let b = try pg("postgres://bo@elsewhere/x")
        #expect(try PostgresPassword.resolve(for: b, environment: [:], home: "/home/ana", configured: "cfg",
                                             readFile: read(0o600)) == "fallback")
        #expect(try PostgresPassword.resolve(for: b, environment: [:], home: "/nobody", configured: "cfg",
                                             readFile: read(0o600)) == "cfg")
        #expect(try PostgresPassword.resolve(for: b, environment: [:], home: "/nobody", configured: nil,
                                             readFile: read(0o600)) == nil)
        // PGPASSFILE names another file.
        #expect(try PostgresPassword.resolve(for: a, environment: ["PGPASSFILE": "/home/ana/.pgpass"], home: "/x",
                                             configured: nil, readFile: read(0o600)) == "pa:ss\\word")
        // A file others may read is refused with the fix.
        #expect(throws: StoreError.self) {
            try PostgresPassword.resolve(for: a, environment: [:], home: "/home/ana", configured: nil, readFile: read(0o644))
        }
        // A Unix-socket connection matches "localhost".
        let s = try pg("postgres://ana@/risk")
        #expect(PostgresPassword.match("localhost:5432:risk:ana:sock", s) == "sock")
    }
}
