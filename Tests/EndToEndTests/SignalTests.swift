import Foundation
import Testing

/// How the workbench ends when it is told to (SIGTERM, SIGHUP) or its terminal goes away: it
/// leaves promptly, gives its claim back and restores the terminal. Worth running against a
/// release binary too (`TRIAGE_BIN=.build/release/triage swift test --filter SignalTests`): the
/// quit flag once lived in a header, existed twice in the optimised build, and Ctrl-C did nothing.
@Suite(.serialized) struct SignalTests {
    /// A database with a few cases, and a workbench on it in tmux holding a claim.
    func workbench(_ dir: String, command: (String) -> [String]) throws -> (db: String, tmux: TmuxSession, pid: pid_t) {
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "5", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        let tmux = try TmuxSession(command: command(db), env: ["LANG": "C.UTF-8"])
        try tmux.waitFor(text: "5 cases")
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "1", "the workbench claims the case it shows")
        let pane = try #require(Int32(try tmux.tmux(["display-message", "-p", "-t", "0", "#{pane_pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)))
        let pid = try #require(Harness.children(of: pane).first, "no triage process under the pane")
        return (db, tmux, pid)
    }

    /// Waits up to `seconds` for `pid` to be gone (a zombie counts as gone).
    func gone(_ pid: pid_t, within seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
            if let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].hasPrefix(" Z") { return true }
            usleep(50_000)
        }
        return false
    }

    @Test func sigtermEndsTheWorkbenchWith143AndGivesTheClaimBack() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, tmux, pid) = try workbench(dir) { [Harness.binary, "--db", $0, "--analyst", "ana"] }
        kill(pid, SIGTERM)
        let end = try tmux.waitFor(text: "[exited 143]", timeout: 5)
        #expect(!end.contains("5 cases"), "the terminal is restored")
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "0")
    }

    @Test func sighupEndsTheWorkbenchAndGivesTheClaimBack() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, tmux, pid) = try workbench(dir) { [Harness.binary, "--db", $0, "--analyst", "ana"] }
        kill(pid, SIGHUP)
        try tmux.waitFor(text: "[exited 129]", timeout: 5)
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "0")
    }

    /// The terminal closes under a workbench that gets no SIGHUP (it runs in a session of its
    /// own, as under `setsid` or some SSH setups): it notices the hang-up, ends instead of
    /// spinning, and gives its claim back.
    @Test func aTerminalThatGoesAwayEndsTheWorkbench() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (db, tmux, pid) = try workbench(dir) { ["setsid", Harness.binary, "--db", $0, "--analyst", "ana"] }
        try tmux.tmux(["kill-server"])
        #expect(gone(pid, within: 5), "triage still runs after its terminal closed")
        #expect(try Harness.sql(db, "SELECT count(*) FROM assignment") == "0")
    }
}
