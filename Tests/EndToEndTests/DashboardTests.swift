import Foundation
import Testing

/// The dashboard screen (`D`) in the real binary, in tmux: it opens on the imported data, closes
/// back to the queue, and shows a label made in between.
@Suite(.serialized) struct DashboardTests {
    /// A database of 200 sample cases (seed 2), imported through the CLI.
    func sampleDatabase(_ dir: String) throws -> String {
        let db = dir + "/db.sqlite"
        let sample = try Harness.run(["sample", "--n", "200", "--seed", "2", "--out", dir + "/f.jsonl"])
        #expect(sample.status == 0, "\(sample.stderr)")
        let imp = try Harness.run(["import", dir + "/f.jsonl", "--db", db])
        #expect(imp.status == 0, "\(imp.stderr)")
        return db
    }

    /// The words of the screen line starting with `prefix` (after the margin).
    func row(_ screen: String, _ prefix: String) -> [String] {
        let line = screen.split(separator: "\n").first { $0.drop { $0 == " " }.hasPrefix(prefix) } ?? ""
        return line.split(separator: " ").map(String.init)
    }

    @Test func dashboardOpensClosesAndFollowsALabel() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try sampleDatabase(dir)
        let tmux = try TmuxSession(command: [Harness.binary, "--db", db, "--analyst", "ana"],
                                   env: ["LANG": "C.UTF-8", "TERM": "xterm-256color"])
        try tmux.waitFor(text: "200 cases", timeout: 30)

        try tmux.send("D")
        let first = try tmux.waitFor("the queue section") { $0.contains("Queue") && $0.contains("total") && $0.contains("Outflow") }
        #expect(first.contains("1 Queue") && first.contains("4 Models"))
        #expect(row(first, "policy").starts(with: ["policy", "open", "claimed", "decided"]))
        let decidedBefore = try #require(Int(row(first, "total").dropFirst(3).first ?? ""))
        #expect(row(first, "Outflow").contains("today"))
        #expect(first.contains("▁") || first.contains("█")) // a UTF-8 locale: block elements

        // D closes it (and q would not quit from here; see below).
        try tmux.send("D")
        try tmux.waitFor("the queue again") { $0.contains("200 cases") && !$0.contains("Outflow") }

        // Label the selected case: v, Enter (no reason needed past the picker), Enter (no note).
        try tmux.send("v")
        try tmux.waitFor(text: "Violation ·")
        try tmux.send("Enter")
        try tmux.send("Enter")
        let saved = try tmux.waitFor(text: "saved: violation ")
        let caseID = try #require(saved.firstMatch(of: /saved: violation (\S+)/)).output.1

        try tmux.send("D")
        let after = try tmux.waitFor("the dashboard with the new label") {
            Int(self.row($0, "total").dropFirst(3).first ?? "") == decidedBefore + 1
        }
        let outflow = row(after, "Outflow")
        let today = outflow.firstIndex(of: "today").map { outflow[$0 + 1] }
        #expect(today.flatMap { Int($0) } ?? 0 >= 1)
        #expect(after.contains("People"))

        // q closes the dashboard without quitting; q on the queue then quits.
        try tmux.send("q")
        try tmux.waitFor("the queue after q") { $0.contains("199 cases") && !$0.contains("Outflow") }
        try tmux.send("q")
        try tmux.waitFor(text: "[exited 0]")

        #expect(try Harness.sql(db, "SELECT status FROM cases WHERE case_id = '\(caseID)'") == "decided")
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases WHERE status = 'decided'") == "\(decidedBefore + 1)")
        #expect(try Harness.sql(db, "SELECT e.decision, e.analyst FROM label_event e JOIN cases c ON c.id = e.case_row WHERE c.case_id = '\(caseID)'") == "violation|ana")
    }

    @Test func asciiChartsOutsideAUTF8Locale() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = try sampleDatabase(dir)
        for env in [["LANG": "C.UTF-8", "TRIAGE_ASCII": "1"], ["LANG": "C", "LC_ALL": "C"]] {
            let tmux = try TmuxSession(command: [Harness.binary, "--db", db], env: env.merging(["TERM": "xterm-256color"]) { a, _ in a })
            try tmux.waitFor(text: "200 cases", timeout: 30)
            try tmux.send("D")
            let screen = try tmux.waitFor("the flow charts") { $0.contains("Outflow") && $0.contains("Backlog") }
            let charts = screen.split(separator: "\n").filter { $0.contains("Inflow") || $0.contains("Outflow") }
            #expect(charts.count == 2, "\(env)")
            #expect(!charts.contains { $0.contains { "▁▂▃▄▅▆▇█".contains($0) } }, "\(env): \(charts)")
            try tmux.send("q")
            try tmux.send("q")
            try tmux.waitFor(text: "[exited 0]")
        }
    }
}
