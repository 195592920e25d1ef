import Foundation
import Testing
import TriageTestSupport

/// Runs the built `triage` binary and tmux, the way a person would.
enum Harness {
    /// The `triage` executable that `swift build` put next to the test bundle ($TRIAGE_BIN overrides).
    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["TRIAGE_BIN"] { return b }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for dir in [here, here.deletingLastPathComponent()] {
            let p = dir.appendingPathComponent("triage").path
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        // Swift Testing may run from a helper binary: fall back to the package's debug build.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/triage").path
    }

    /// The repository root (for SampleData).
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `triage ARGS` to completion with a clean environment plus `env`.
    @discardableResult
    static func run(_ args: [String], env: [String: String] = [:], stdin: String? = nil, cwd: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        var e = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8"]
        for (k, v) in env { e[k] = v }
        p.environment = e
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        // A process may exit without reading all its input (an error before it reads): the
        // write then fails with EPIPE, which must not kill the test runner.
        signal(SIGPIPE, SIG_IGN)
        if let stdin { try? inp.fileHandleForWriting.write(contentsOf: Data(stdin.utf8)) }
        try? inp.fileHandleForWriting.close()
        // Read both pipes concurrently so a chatty process cannot fill one and block.
        nonisolated(unsafe) var errData = Data()
        let t = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        t.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        while !t.isFinished { usleep(1000) }
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// A fresh temporary directory, removed by the caller's `defer`.
    static func tempDir() throws -> String {
        let d = NSTemporaryDirectory() + "triage-e2e-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    /// The processes whose parent is `pid` (from /proc, which every Linux has).
    static func children(of pid: Int32) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { e -> pid_t? in
            guard let p = Int32(e), let stat = try? String(contentsOfFile: "/proc/\(e)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? p : nil
        }
    }

    /// Runs sqlite3 on a database and returns its output (the CLI a person would check with).
    static func sql(_ db: String, _ query: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [db, query]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A private tmux server with one window running a command: type keys, read the screen.
final class TmuxSession {
    let socket = "triage-test-\(UUID().uuidString.prefix(8))"
    let width: Int
    let height: Int

    init(command: [String], width: Int = 120, height: Int = 40, env: [String: String] = [:]) throws {
        self.width = width
        self.height = height
        var envArgs: [String] = []
        for (k, v) in env.sorted(by: { $0.key < $1.key }) { envArgs += ["-e", "\(k)=\(v)"] }
        let quoted = command.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        // Keep the pane open after the program exits, so the test can read the last screen.
        // The first command starts the tmux server, which would inherit (and hold open) an output
        // pipe: start it with its output going to a file.
        let status = try Spawn.run(["tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(width)",
                                    "-y", "\(height)"] + envArgs + [quoted + "; echo '[exited '$?']'; sleep 30"]).status
        guard status == 0 else { throw TmuxError(message: "tmux new-session failed (is tmux installed?)") }
    }

    deinit { _ = try? tmux(["kill-server"]) }

    @discardableResult
    func tmux(_ args: [String]) throws -> String {
        try Spawn.run(["tmux", "-L", socket] + args).output
    }

    func send(_ keys: String...) throws { try tmux(["send-keys", "-t", "0"] + keys) }

    /// Types text literally (no key-name interpretation).
    func type(_ text: String) throws { try tmux(["send-keys", "-t", "0", "-l", text]) }

    func screen(escapes: Bool = false) throws -> String {
        try tmux(["capture-pane", "-p", "-t", "0"] + (escapes ? ["-e"] : []))
    }

    func title() throws -> String {
        try tmux(["display-message", "-p", "-t", "0", "#{pane_title}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", "0", "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the screen until `predicate` holds or the deadline passes; on failure the screen is
    /// part of the recorded issue, so the test output explains itself.
    @discardableResult
    func waitFor(_ what: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation,
                 _ predicate: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if predicate(last) {
                // A frame can be caught half drawn (the header before the body, on a busy
                // machine): hand it over once two captures agree.
                let settled = try settledScreen(timeout: 2)
                if predicate(settled) { return settled }
                last = settled
                continue
            }
            usleep(50_000)
        }
        Issue.record("timed out waiting for \(what); the screen was:\n\(last)", sourceLocation: sourceLocation)
        return last
    }

    /// The screen once two captures 100 ms apart agree: a frame fully drawn, not one caught
    /// half-way (on a busy machine a capture can fall between the header and the rest).
    func settledScreen(timeout: Double = 5) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = try screen()
        while Date() < deadline {
            usleep(100_000)
            let now = try screen()
            if now == last { return now }
            last = now
        }
        return last
    }

    @discardableResult
    func waitFor(text: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try waitFor("'\(text)'", timeout: timeout, sourceLocation: sourceLocation) { $0.contains(text) }
    }
}

struct TmuxError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs a program with posix_spawn and waits for it with waitpid, its output collected in a
/// temporary file. (Foundation's Process can miss the exit of a tmux client whose server
/// daemonises, leaving the test waiting forever.)
enum Spawn {
    static func run(_ argv: [String]) throws -> (status: Int32, output: String) {
        let outPath = NSTemporaryDirectory() + "triage-spawn-\(UUID().uuidString)"
        defer { unlink(outPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let args = (["/usr/bin/env"] + argv).map { strdup($0) } + [nil]
        defer { for a in args { free(a) } }
        // The test runner blocks some signals on its threads; a child inherits that mask, and a
        // program started under tmux would then never see SIGWINCH. Start children clean.
        var attr = SpawnAttributes.clean()
        defer { posix_spawnattr_destroy(&attr) }
        var pid: pid_t = 0
        // A small, known environment: the test runner's own (NO_COLOR, TERM, locale…) must not
        // leak into the tmux server and from there into the program under test.
        let envStrings: [String] = ["PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + NSTemporaryDirectory(), "LANG=C.UTF-8"]
        let env: [UnsafeMutablePointer<CChar>?] = envStrings.map { strdup($0) } + [nil]
        defer { for e in env { free(e) } }
        let rc = posix_spawn(&pid, "/usr/bin/env", &actions, &attr, args, env)
        guard rc == 0 else { throw TmuxError(message: "cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7f) == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }
}
