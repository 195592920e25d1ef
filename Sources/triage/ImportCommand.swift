import ArgumentParser
import Foundation
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load flagged cases from JSON Lines or CSV files.",
        discussion: """
        Each file is read twice. First every line is checked, without touching the database: by \
        default a file with any bad line stores nothing, every problem is listed as \
        FILE:LINE: FIELD: REASON, and the exit code is 65. With --skip-invalid the good lines are \
        stored and the bad ones copied, untouched, to the rejects file (exit code 0; the summary \
        counts them). Then the cases are written in short transactions, so people keep labelling \
        during a long import. If an import is interrupted (killed, power cut, a full disk), run the \
        same command again: it resumes where the last committed chunk ended. Standard input is \
        first copied to a temporary file in TMPDIR (removed however the import ends); a line \
        longer than 16 MiB (1 GiB with --skip-invalid) stops the copy. A case repeated in one \
        file is applied in order; a case id may not start with '-'.

        Re-importing a case with the same model version changes nothing; a new model version adds \
        a score (history is kept). The database is created if it does not exist.

        Examples:
          triage import scores.jsonl
          triage import nightly.csv --policy gambling
          triage import a.jsonl b.jsonl --skip-invalid      (bad lines to a.jsonl.rejects…)
          triage import a.jsonl --skip-invalid --rejects bad.jsonl
          zcat big.jsonl.gz | triage import -
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("Files to import; - reads standard input.", valueName: "file"))
    var files: [String]

    @Option(help: "Input format (default: by extension, .csv is CSV, anything else JSON Lines).")
    var format: ImportFormat?

    @Flag(help: "Store the good lines and write the bad ones to --rejects instead of storing nothing.")
    var skipInvalid = false

    @Option(help: ArgumentHelp("Where --skip-invalid writes bad lines, untouched (default: FILE.rejects).", valueName: "file"))
    var rejects: String?

    @Option(help: ArgumentHelp("Policy area for lines that name none.", valueName: "policy"))
    var policy: String?

    @Option(help: ArgumentHelp("How far base value + contributions may be from the score's logit.", valueName: "x"))
    var tolerance: Double = CaseRules.defaultTolerance

    @Flag(name: .shortAndLong, help: "Print only problems, no summary or progress.")
    var quiet = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to import (or - for standard input)") }
        if rejects != nil && !skipInvalid { throw ValidationError("--rejects only makes sense with --skip-invalid") }
        if rejects != nil && files.count > 1 { throw ValidationError("--rejects takes one file; with several inputs each gets FILE.rejects") }
        if !(tolerance >= 0) { throw ValidationError("--tolerance must be zero or more") }
    }

    func run() throws {
        try runReporting {
            let store = try global.openStore(.create)
            var anyFailed = false
            for file in files {
                let rejectsPath = skipInvalid ? (rejects ?? (file == "-" ? "stdin.rejects" : file + ".rejects")) : nil
                let options = ImportOptions(format: format, skipInvalid: skipInvalid, rejectsPath: rejectsPath,
                                            defaultPolicy: policy, additivityTolerance: tolerance,
                                            importedBy: global.analystName, protectedFiles: global.protectedFiles(inputs: files))
                let bar = (!quiet && Console.stderrIsTerminal) ? ProgressBar(label: file) : nil
                let importer = CaseImporter(store: store, options: options, progress: bar.map { b in { b.update($0) } })
                let report = try importer.importFile(file)
                bar?.finish()
                for p in report.problems { Console.info(p.description) }
                if report.rejected > report.problems.count {
                    Console.info("… and \(report.rejected - report.problems.count) more bad lines")
                }
                if !report.ignoredColumns.isEmpty && !quiet {
                    let names = report.ignoredColumns.map { $0.isEmpty ? "an unnamed column (such as pandas' index)" : CaseRecordCSV.shown($0) }
                    Console.info("\(file): ignored unknown columns: \(names.joined(separator: ", "))")
                }
                if let b = report.batch {
                    if !quiet {
                        if report.resumedAfter > 0 {
                            Console.out("\(report.file): resumed an interrupted import of this file (batch \(b.id)) after \(report.resumedAfter) lines")
                        }
                        Console.out("\(report.file): read \(b.read), accepted \(b.accepted) (new \(b.inserted), updated \(b.updated), unchanged \(b.unchanged)), rejected \(b.rejected)")
                        let total = report.checkSeconds + report.writeSeconds
                        let written = b.read - report.resumedAfter
                        Console.out(String(format: "%@: %d records in %.1f s (checked in %.1f s, written in %.1f s): %.0f records/s",
                                     report.file, written, total, report.checkSeconds, report.writeSeconds,
                                     total > 0 ? Double(written) / total : 0))
                        if b.rejected > 0, let r = rejectsPath { Console.out("\(report.file): rejected lines written to \(r)") }
                    }
                } else {
                    anyFailed = true
                    Console.out("\(report.file): read \(report.read), rejected \(report.rejected): nothing stored (fix the lines above, or use --skip-invalid)")
                }
            }
            // End with a checkpoint so the next process opens the file without replaying the WAL.
            try? (store as? SQLiteStore)?.checkpoint()
            if anyFailed { throw ExitCode(Exit.dataError) }
        }
    }
}

extension ImportFormat: ExpressibleByArgument {}
