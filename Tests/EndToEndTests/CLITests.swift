import Foundation
import Testing

/// The command-line interface, run as a separate process, checked through its output, exit codes
/// and the database it wrote.
@Suite struct CLITests {
    @Test func sampleImportStatsExportRoundTrip() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        let sample = try Harness.run(["sample", "--n", "200", "--seed", "5", "--out", cases])
        #expect(sample.status == 0, "\(sample.stderr)")
        // Deterministic for a seed.
        let again = try Harness.run(["sample", "--n", "200", "--seed", "5"])
        #expect(again.stdout == (try String(contentsOfFile: cases, encoding: .utf8)))

        let imp = try Harness.run(["import", cases, "--db", db])
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(imp.stdout.contains("read 200, accepted 200 (new 200, updated 0, unchanged 0), rejected 0"))
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "200")
        #expect(try Harness.sql(db, "SELECT read_count, inserted_count, rejected_count FROM import_batch") == "200|200|0")
        #expect(try Harness.sql(db, "SELECT sha256 FROM import_batch").count == 64)

        let reimp = try Harness.run(["import", cases, "--db", db])
        #expect(reimp.stdout.contains("unchanged 200"))

        let stats = try Harness.run(["stats", "--db", db])
        #expect(stats.status == 0)
        #expect(stats.stdout.contains("imports: 2"))
        #expect(stats.stdout.contains("all"))

        // Label two cases through SQL? No: through the store's own path is the TUI/CLI's job; the
        // export of an unlabelled database is empty but well-formed.
        let empty = try Harness.run(["export", "--db", db, "--format", "csv"])
        #expect(empty.status == 0)
        #expect(empty.stdout.hasPrefix("case_id,merchant_id,policy,decision"))
        #expect(empty.stdout.split(separator: "\n").count == 1)
    }

    @Test func badLinesExit65AndNameFileLineAndField() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite", cases = dir + "/cases.jsonl"
        try Harness.run(["sample", "--n", "3", "--out", cases])
        var lines = try String(contentsOfFile: cases, encoding: .utf8).split(separator: "\n").map(String.init)
        lines[1] = lines[1].replacingOccurrences(of: "\"score\":", with: "\"score\":7, \"x\":")
        lines.append("{oops")
        try (lines.joined(separator: "\n") + "\n").write(toFile: cases, atomically: true, encoding: .utf8)

        let r = try Harness.run(["import", cases, "--db", db])
        #expect(r.status == 65)
        #expect(r.stderr.contains("\(cases):2: scores[0].score"), "\(r.stderr)")
        #expect(r.stderr.contains("\(cases):4: not JSON"), "\(r.stderr)")
        #expect(r.stdout.contains("nothing stored"))
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "0")

        let skip = try Harness.run(["import", cases, "--db", db, "--skip-invalid"])
        #expect(skip.status == 0, "\(skip.stderr)")
        #expect(skip.stdout.contains("rejected 2"))
        #expect(try Harness.sql(db, "SELECT count(*) FROM cases") == "2")
        let rejects = try String(contentsOfFile: cases + ".rejects", encoding: .utf8)
        #expect(rejects == lines[1] + "\n" + lines[3] + "\n")
    }

    @Test func databaseProblemsAreOneClearLine() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let missing = try Harness.run(["stats", "--db", dir + "/none.sqlite"])
        #expect(missing.status == 66)
        #expect(missing.stderr.hasPrefix("triage: no database at"))
        #expect(missing.stderr.split(separator: "\n").count == 1)

        let junk = dir + "/junk.sqlite"
        try "hello".write(toFile: junk, atomically: true, encoding: .utf8)
        let notDB = try Harness.run(["stats", "--db", junk])
        #expect(notDB.status == 69)
        #expect(notDB.stderr.contains("is not a triage database"))
        #expect(try String(contentsOfFile: junk, encoding: .utf8) == "hello")

        let noFile = try Harness.run(["import", dir + "/absent.jsonl", "--db", dir + "/t.sqlite"])
        #expect(noFile.status == 66)
        #expect(noFile.stderr.contains("absent.jsonl"))
    }

    @Test func databaseComesFromTheEnvironmentThenXDG() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases = dir + "/c.jsonl"
        try Harness.run(["sample", "--n", "2", "--out", cases])
        let viaEnv = try Harness.run(["import", cases], env: ["TRIAGE_DB": dir + "/env.sqlite"])
        #expect(viaEnv.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/env.sqlite"))
        let viaXDG = try Harness.run(["import", cases], env: ["XDG_DATA_HOME": dir + "/xdg"])
        #expect(viaXDG.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir + "/xdg/triage/triage.sqlite"))
    }

    @Test func taxonomyRoundTripsThroughTOML() throws {
        let dir = try Harness.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let db = dir + "/t.sqlite"
        try Harness.run(["sample", "--n", "2", "--out", dir + "/c.jsonl"])
        try Harness.run(["import", dir + "/c.jsonl", "--db", db])
        let exported = try Harness.run(["taxonomy", "export", "--db", db])
        #expect(exported.status == 0)
        let edited = exported.stdout.replacingOccurrences(of: "label = \"Escalate\"", with: "label = \"Send to a lead\"")
        try edited.write(toFile: dir + "/t.toml", atomically: true, encoding: .utf8)
        let imp = try Harness.run(["taxonomy", "import", dir + "/t.toml", "--db", db])
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(try Harness.sql(db, "SELECT label FROM decision WHERE key = 'escalate'") == "Send to a lead")

        try "[[decision]]\nkey = \"x\"\nhotkey = \"xy\"\n".write(toFile: dir + "/bad.toml", atomically: true, encoding: .utf8)
        let bad = try Harness.run(["taxonomy", "import", dir + "/bad.toml", "--db", db])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("bad.toml"))
        #expect(bad.stderr.contains("line"))
    }

    @Test func helpTeachesAndUsageErrorsExit64() throws {
        let help = try Harness.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("triage demo"))
        #expect(help.stdout.contains("Exit codes"))
        let importHelp = try Harness.run(["import", "--help"])
        #expect(importHelp.stdout.contains("--skip-invalid"))
        #expect(try Harness.run(["import", "--frobnicate"]).status == 64)
        #expect(try Harness.run(["export", "--since", "last tuesday"]).status == 64)
    }
}
