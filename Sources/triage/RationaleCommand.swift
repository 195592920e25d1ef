import ArgumentParser
import Foundation
import TriageCore
import TriageFormats
import TriageLLM
import TriageStore
import TriageUI

struct RationaleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rationale",
        abstract: "Ask an LLM to write a rationale for a case, or for every case that lacks one.",
        discussion: """
        Any OpenAI-compatible chat-completions endpoint works (vLLM, llama.cpp's server, Ollama's \
        /v1, hosted APIs). Configure it once in the [llm] table of $XDG_CONFIG_HOME/triage/config.toml \
        (base_url, model, api_key_env, timeout, max_tokens, temperature, prompt_file, concurrency) or \
        with the flags below; the API key is read from the environment variable api_key_env names \
        (default TRIAGE_LLM_API_KEY), never from a flag.

        The prompt is built from the case's merchant profile, policy area, scores, strongest \
        attributions and evidence, each bounded in size (see --show-prompt). The reply streams to \
        standard output and is stored as a new rationale with the model, prompt version, latency \
        and token counts; the evidence ids it cites ([e1]) are checked against the case's \
        evidence and invented ones are reported. Failed requests (timeouts, 429, 5xx) are retried \
        with exponential backoff.

        Examples:
          triage rationale c_0000042
          triage rationale c_0000042 --show-prompt
          triage rationale --missing --policy gambling --concurrency 4
          triage rationale --missing --llm-url http://127.0.0.1:11434/v1 --llm-model llama3.1

        Exit codes: 0 done; 65 bad prompt template; 66 unknown case; 69 the endpoint failed (after \
        retries); 75 --missing: some cases failed (the rest are stored; run it again); 78 no \
        endpoint configured.
        """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var llm: LLMOptions

    @Argument(help: ArgumentHelp("The case to write a rationale for.", valueName: "case-id"))
    var caseID: String?

    @Flag(help: "Write one for every case that has none (open cases, highest score first).")
    var missing = false

    @Option(help: ArgumentHelp("With --missing: only this policy area.", valueName: "policy"))
    var policy: String?

    @Flag(help: "With --missing: decided cases too, not only open ones.")
    var allStatuses = false

    @Option(help: ArgumentHelp("With --missing: at most this many cases.", valueName: "n"))
    var limit: Int = 1000

    @Option(help: ArgumentHelp("With --missing: requests at once (default [llm] concurrency, else 4).", valueName: "n"))
    var concurrency: Int?

    @Option(help: ArgumentHelp("Retries of a failed request (timeouts, 429, 5xx, dropped connections).", valueName: "n"))
    var retries: Int = 3

    @Flag(help: "Print the messages that would be sent for the case, and send nothing.")
    var showPrompt = false

    @Flag(name: .shortAndLong, help: "Print only problems and the summary.")
    var quiet = false

    func validate() throws {
        if missing == (caseID != nil) { throw ValidationError("name one case id, or use --missing") }
        if !missing && (policy != nil || allStatuses || concurrency != nil) {
            throw ValidationError("--policy, --all-statuses and --concurrency go with --missing")
        }
        if showPrompt && missing { throw ValidationError("--show-prompt takes one case id") }
        if limit < 1 { throw ValidationError("--limit must be at least 1") }
        if !(0...10).contains(retries) { throw ValidationError("--retries must be between 0 and 10") }
    }

    func run() throws {
        try runReporting {
            let settings = try llm.settings(concurrency: concurrency)
            let template = try LLMOptions.template(settings)
            let store = try global.openStore(.readWrite)
            try global.requireOverview(store, "`triage rationale`")
            let taxonomy = try store.taxonomy()
            if showPrompt, let caseID {
                guard let detail = try store.caseDetail(caseID: caseID) else { throw StoreError.caseNotFound(caseID) }
                for m in template.messages(for: detail, policy: taxonomy.policy(detail.case.policy)) {
                    Console.out("=== \(m.role) (prompt \(template.version)) ===")
                    Console.out(Sanitize.lines(m.content).joined(separator: "\n"))
                }
                return
            }
            let endpoint = try LLMOptions.endpoint(settings)
            let generator = LLMRationaleGenerator(endpoint: endpoint, template: template,
                                                  retry: RetryPolicy(maxAttempts: retries + 1))
            defer { _ = try? runBlocking { await generator.shutdown() } }
            if let caseID {
                try one(caseID, store: store, taxonomy: taxonomy, generator: generator)
            } else {
                try bulk(store: store, taxonomy: taxonomy, generator: generator, concurrency: settings.concurrency ?? 4)
            }
        }
    }

    /// One case: stream the reply to stdout, store it, report its citations.
    private func one(_ caseID: String, store: any CaseStore, taxonomy: Taxonomy, generator: LLMRationaleGenerator) throws {
        guard let detail = try store.caseDetail(caseID: caseID) else { throw StoreError.caseNotFound(caseID) }
        let analyst = global.analystName
        let policyArea = taxonomy.policy(detail.case.policy)
        let streaming = !quiet
        let rationale: Rationale
        do {
            rationale = try runBlocking {
                try await generator.generate(for: detail, policy: policyArea, requestedBy: analyst) { event in
                    switch event {
                    case .text(let t) where streaming:
                        Console.stream(StreamSanitizer.clean(t))
                    case .retrying(let attempt, let reason, let delay):
                        if streaming { Console.out("") }
                        Console.info("\(Sanitize.line(reason)); retry \(attempt) in \(String(format: "%.1f", delay)) s")
                    default: break
                    }
                }
            }
        } catch let e as LLMError {
            if streaming { Console.out("") }
            throw CLIError(message: "\(caseID): \(Sanitize.line(e.description)); nothing stored", code: Exit.unavailable)
        }
        if streaming { Console.out("") }
        let stored = try store.addRationale(caseID: caseID, rationale)
        Console.info(Self.summary(stored, evidence: detail.evidence, caseID: caseID))
    }

    /// `stored rationale 7 for c_1 (model m, prompt v1, 1.2 s, 120+80 tokens); cites e1, e2; invented: e9`.
    static func summary(_ r: Rationale, evidence: [Evidence], caseID: String) -> String {
        var s = "stored rationale \(r.id ?? 0) for \(caseID) (model \(Sanitize.line(r.model)), prompt \(r.promptVersion ?? "-")"
        if let g = r.generation {
            s += String(format: ", %.1f s", Double(g.latencyMs) / 1000)
            if let p = g.promptTokens, let c = g.completionTokens { s += ", \(p)+\(c) tokens" }
        }
        s += ")"
        let check = CitationCheck(cited: r.evidenceIDs, evidence: evidence)
        if check.citesNothing { s += "; cites no evidence" }
        if !check.valid.isEmpty { s += "; cites " + check.valid.map(Sanitize.line).joined(separator: ", ") }
        if !check.invented.isEmpty { s += "; invented evidence ids: " + check.invented.map(Sanitize.line).joined(separator: ", ") }
        return s
    }

    /// Every case without a rationale, `concurrency` requests at once.
    private func bulk(store: any CaseStore, taxonomy: Taxonomy, generator: LLMRationaleGenerator, concurrency: Int) throws {
        let ids = try store.casesWithoutRationale(policy: policy, openOnly: !allStatuses, limit: limit)
        guard !ids.isEmpty else {
            Console.out("every \(allStatuses ? "" : "open ")case\(policy.map { " in \($0)" } ?? "") already has a rationale")
            return
        }
        let analyst = global.analystName
        let bar = (!quiet && Console.stderrIsTerminal) ? CountBar(label: "rationales", total: ids.count) : nil
        let tally = Tally()
        let started = Date()
        try runBlocking {
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                func add() {
                    let caseID = ids[next]
                    next += 1
                    group.addTask {
                        do {
                            guard let detail = try store.caseDetail(caseID: caseID) else { throw StoreError.caseNotFound(caseID) }
                            let r = try await generator.generate(for: detail, policy: taxonomy.policy(detail.case.policy),
                                                                 requestedBy: analyst) { event in
                                if case .retrying = event { tally.retried() }
                            }
                            let stored = try store.addRationale(caseID: caseID, r)
                            let check = CitationCheck(cited: stored.evidenceIDs, evidence: detail.evidence)
                            tally.stored(invented: !check.invented.isEmpty, uncited: check.citesNothing)
                        } catch is CancellationError {
                            throw CancellationError()
                        } catch {
                            tally.failed("\(caseID): \(Sanitize.line("\(error)"))")
                        }
                        bar?.update(tally.done)
                    }
                }
                for _ in 0..<min(concurrency, ids.count) { add() }
                while try await group.next() != nil {
                    if next < ids.count { add() }
                }
            }
        }
        bar?.finish()
        let t = tally.snapshot()
        for f in t.failures.prefix(20) { Console.info(f) }
        if t.failures.count > 20 { Console.info("… and \(t.failures.count - 20) more failures") }
        let seconds = Date().timeIntervalSince(started)
        Console.out("rationales: asked \(ids.count), stored \(t.stored), failed \(t.failures.count), retried \(t.retries) times; "
              + "\(t.invented) cite invented evidence ids, \(t.uncited) cite none; \(String(format: "%.1f", seconds)) s")
        if !t.failures.isEmpty { throw ExitCode(Exit.tempFailure) }
    }
}

/// Counts for `--missing`, shared by its tasks.
final class Tally: @unchecked Sendable {
    struct Snapshot {
        var stored = 0, invented = 0, uncited = 0, retries = 0
        var failures: [String] = []
    }
    private let lock = NSLock()
    private var s = Snapshot()

    func stored(invented: Bool, uncited: Bool) {
        lock.withLock {
            s.stored += 1
            if invented { s.invented += 1 }
            if uncited { s.uncited += 1 }
        }
    }
    func failed(_ message: String) { lock.withLock { s.failures.append(message) } }
    func retried() { lock.withLock { s.retries += 1 } }
    var done: Int { lock.withLock { s.stored + s.failures.count } }
    func snapshot() -> Snapshot { lock.withLock { s } }
}

/// Model text printed as it streams: every control character but the line break made visible.
enum StreamSanitizer {
    static func clean(_ piece: String) -> String {
        piece.split(separator: "\n", omittingEmptySubsequences: false).map { Sanitize.line(String($0)) }.joined(separator: "\n")
    }
}
