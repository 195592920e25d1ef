import ArgumentParser
import Foundation
import TriageCore
import CTriageSignals

/// `triage`: the command-line entry point.
@main
struct Triage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "triage",
        abstract: "A terminal workbench for reviewing merchants that ML models flagged.",
        discussion: """
        Analysts triage a queue of flagged merchants: see why each was flagged (model scores, \
        feature attributions, an LLM rationale and its evidence), decide, give reason codes, move on. \
        Every decision is an append-only label event that can be exported for retraining.

        Start here:
          triage demo                         open the workbench on bundled sample data
          triage import cases.jsonl           load model output (JSON Lines or CSV)
          triage                              open the workbench on your database
          triage export --out labels.jsonl    labels for retraining
          triage report                       queue health and model quality (D in the workbench)

        Ground truth (see triage project --help):
          triage users add NAME --role lead   register people and their roles
          triage project create NAME --policy P --overlap 2 --gold-rate 0.1
          triage --role labeler --project NAME    label blind, one case at a time
          triage --role lead --project NAME       settle disagreements
          triage agreement --project NAME         kappas, alpha, gold accuracy
          triage export --consensus --project NAME

        Rationales from an LLM (any OpenAI-compatible endpoint; see triage rationale --help):
          triage rationale CASE_ID            ask for one (a in the workbench)
          triage rationale --missing          fill in every open case that has none
          triage feedback ID helpful|unhelpful --tag too_vague    (R in the workbench)
          triage export --rationale-feedback  the ratings, for evaluating prompts and models

        The database is --db PATH, else $TRIAGE_DB, else url under [database] in \
        $XDG_CONFIG_HOME/triage/config.toml, else $XDG_DATA_HOME/triage/triage.sqlite \
        (~/.local/share/triage/triage.sqlite). Team mode puts it on PostgreSQL: \
        --db 'postgres://USER@HOST:PORT/DBNAME?sslmode=require', prepared with `triage db init` (see \
        triage db --help). Set NO_COLOR to \
        turn colour off; TRIAGE_BACKTRACE=1 keeps the backtrace if triage ever crashes (by \
        default a crash is one line).

        Exit codes: 0 success; 1 other failure; 3 no open case to claim (triage next); 64 bad usage; 65 bad input data (an import \
        with bad lines); 66 a file or database that does not exist; 69 a database that is not \
        triage's or is newer than this version, a terminal that cannot run the workbench, or a PostgreSQL server that cannot be reached \
        or needs `triage db init`/`migrate`; \
        73 cannot create an output file, or its path names the database or an input (nothing is \
        written); 74 read or write error (disk full…, also on standard output); 75 database locked by another process for too long (try again); \
        77 permission denied (read-only database, or your role does not allow it); 78 not configured \
        (no LLM endpoint).
        """,
        version: TriageVersion.current,
        subcommands: [Open.self, Demo.self, Import.self, Export.self, Sample.self, Stats.self, TaxonomyCommand.self, Next.self,
                      Label.self, Undo.self, Users.self, ProjectCommand.self, AgreementCommand.self, Suspects.self,
                      Report.self, Audit.self, RationaleCommand.self, FeedbackCommand.self, DbCommand.self],
        defaultSubcommand: Open.self
    )

    /// Runs the command line, as `ParsableCommand.main` does, with what every command needs:
    ///
    /// - SIGXFSZ ignored before anything runs: a write past `ulimit -f` then fails with EFBIG,
    ///   which triage reports as a write error (exit 74), instead of killing the process;
    /// - descriptors 0–2 kept open, so no file opened later takes the place of a closed one;
    /// - SIGINT, SIGTERM and SIGHUP remove the temporary files of an import or an output in
    ///   progress before the process ends;
    /// - a crash prints one line, not a backtrace (`TRIAGE_BACKTRACE=1` keeps the backtrace);
    /// - help and errors written through ``Console``: a usage error quoting an option value is
    ///   sanitised, and output that could not be written (a full disk) is exit 74, never 0.
    static func main() {
        triage_ignore_file_size_signal()
        Console.guardStandardDescriptors()
        triage_install_cleanup_handlers()
        if ProcessInfo.processInfo.environment["TRIAGE_BACKTRACE"] != "1" { triage_install_crash_reporter() }
        do {
            var command = try parseAsRoot()
            try command.run()
            Console.finish(0)
        } catch {
            let code = exitCode(for: error).rawValue
            let text = fullMessage(for: error)
            if !text.isEmpty {
                if code == 0 { Console.out(text) } else { Console.info(text) }
            }
            Console.finish(code)
        }
    }
}
