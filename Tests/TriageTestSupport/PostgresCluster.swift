import Foundation

/// A throwaway PostgreSQL server for tests: `initdb` in a temporary directory, started on a free
/// loopback port as a non-root user (the server refuses root; as root the cluster runs as the
/// `postgres` user), stopped and removed by ``stop()`` or when the value goes away.
///
/// The superuser is `postgres` with password ``superPassword``; TCP connections need a password
/// (scram-sha-256), Unix-socket ones (in ``directory``) are trusted.
public final class PostgresCluster: @unchecked Sendable {
    public let directory: String
    public private(set) var port = 0
    public static let superuser = "postgres"
    public static let superPassword = "triage-test-super"
    let bin: String
    let runAs: String?
    private var running = false
    private var serverOptions = ""

    nonisolated(unsafe) private static var sharedCluster: PostgresCluster?
    private static let sharedLock = NSLock()

    /// The cluster this test process shares (started on first use, stopped at exit); tests
    /// each make a database of their own in it.
    public static func shared() throws -> PostgresCluster {
        try sharedLock.withLock {
            if let sharedCluster { return sharedCluster }
            let c = try PostgresCluster()
            sharedCluster = c
            atexit { PostgresCluster.sharedCluster?.stop() }
            return c
        }
    }

    /// Starts a new cluster; `settings` are extra server settings (`-c name=value`).
    public init(settings: [String: String] = [:]) throws {
        bin = try Self.binDirectory()
        runAs = geteuid() == 0 ? "postgres" : nil
        directory = NSTemporaryDirectory() + "triage-pg-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let runAs { try Self.run("/bin/chown", [runAs, directory]) }
        let pwfile = directory + "/pw"
        try Self.superPassword.write(toFile: pwfile, atomically: true, encoding: .utf8)
        if let runAs { try Self.run("/bin/chown", [runAs, pwfile]) }
        try Self.run(bin + "/initdb", ["-D", directory + "/data", "-U", Self.superuser, "--pwfile", pwfile,
                                       "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
                                       "--no-sync"], as: runAs)
        var lastError: Error?
        for _ in 0..<5 {
            let p = Self.freePort()
            var options = "-p \(p) -k \(directory) -c listen_addresses=127.0.0.1 -c max_connections=100"
            for (k, v) in settings.sorted(by: { $0.key < $1.key }) { options += " -c \(k)=\(v)" }
            do {
                try Self.run(bin + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-o", options,
                                               "-w", "-t", "30", "start"], as: runAs)
                running = true
                port = p
                serverOptions = options
                return
            } catch {
                lastError = error
            }
        }
        throw lastError ?? ClusterError(message: "could not start PostgreSQL")
    }

    /// A streaming replica of `primary` (`pg_basebackup -R` over its trusted socket) started on a
    /// port of its own: a hot standby that answers reads and refuses every write. Stop it
    /// before the primary.
    public init(replicaOf primary: PostgresCluster) throws {
        bin = primary.bin
        runAs = primary.runAs
        directory = NSTemporaryDirectory() + "triage-pg-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let runAs { try Self.run("/bin/chown", [runAs, directory]) }
        try Self.run(bin + "/pg_basebackup", ["-h", primary.directory, "-p", String(primary.port), "-U", Self.superuser,
                                              "-D", directory + "/data", "-R", "-X", "stream", "-c", "fast"], as: runAs)
        let p = Self.freePort()
        let options = "-p \(p) -k \(directory) -c listen_addresses=127.0.0.1 -c max_connections=100"
        try Self.run(bin + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-o", options,
                                       "-w", "-t", "30", "start"], as: runAs)
        running = true
        port = p
        serverOptions = options
    }

    deinit { stop() }

    /// A `postgres://` URL for `database` as `user` (no password: it goes in `PGPASSWORD`).
    public func url(database: String, user: String = PostgresCluster.superuser) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// Runs SQL as the superuser through `psql` (on the trusted Unix socket); returns its output.
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres", user: String = PostgresCluster.superuser) throws -> String {
        try Self.run(bin + "/psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", directory, "-p", String(port),
                                     "-U", user, "-d", database, "-c", sql], as: runAs)
    }

    /// Creates an empty database and returns its name.
    public func createDatabase(_ name: String = "t_" + UUID().uuidString.prefix(8).lowercased()) throws -> String {
        try psql("CREATE DATABASE \"\(name)\"")
        return name
    }

    /// Stops the server at once (as a crash would) and starts it again on the same port.
    public func restart(downFor seconds: Double = 0) throws {
        try Self.run(bin + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], as: runAs)
        if seconds > 0 { Thread.sleep(forTimeInterval: seconds) }
        try Self.run(bin + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log",
                                       "-o", serverOptions, "-w", "-t", "30", "start"],
                     as: runAs)
    }

    /// Stops the server and removes its directory.
    public func stop() {
        if running {
            _ = try? Self.run(bin + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"], as: runAs)
            running = false
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    public struct ClusterError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The newest installed server's programs.
    static func binDirectory() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for v in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") {
            return "\(root)/\(v)/bin"
        }
        throw ClusterError(message: "no PostgreSQL server installed (apt-get install postgresql): the PostgreSQL tests need one")
    }

    /// A TCP port nobody listens on right now.
    public static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Runs a program (as `user` when given, through runuser) and returns its standard output;
    /// throws with its standard error when it fails. posix_spawn and waitpid, output to files:
    /// Foundation's Process can miss the exit of a program whose child daemonises (`pg_ctl
    /// start`), and a pipe held open by the server would never reach its end.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], as user: String? = nil) throws -> String {
        let argv = (user.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + [program] + arguments
        let base = NSTemporaryDirectory() + "triage-pg-run-" + UUID().uuidString
        defer { unlink(base + ".out"); unlink(base + ".err") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, base + ".out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, base + ".err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var attr = SpawnAttributes.clean()
        defer { posix_spawnattr_destroy(&attr) }
        let args: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for a in args { free(a) } }
        let envStrings = ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/tmp"]
        let env: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer { for e in env { free(e) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, argv[0], &actions, &attr, args, env)
        guard rc == 0 else { throw ClusterError(message: "cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let out = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
        guard status == 0 else {
            let err = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
            throw ClusterError(message: "\(argv.joined(separator: " ")) failed (status \(status)): \(err)")
        }
        return out
    }
}

/// posix_spawn attributes shared by the tests that start programs.
public enum SpawnAttributes {
    /// Attributes for a child that starts clean: nothing blocked, every signal at its default
    /// (the test runner blocks some on its threads, and a child inherits that), and with
    /// `newProcessGroup` a process group of its own. The caller destroys them.
    public static func clean(newProcessGroup: Bool = false) -> posix_spawnattr_t {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigdefault(&attr, &all)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            posix_spawnattr_setpgroup(&attr, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attr, Int16(flags))
        return attr
    }
}
