import ArgumentParser
import Foundation
import TriageCore
import TriageFormats
import TriageStore

struct Sample: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write synthetic flagged-merchant cases in the import format (JSON Lines).",
        discussion: """
        The cases are realistic and rich: seven policy areas, one or two models (some rescored by a \
        newer version), 10-14 SHAP-style attributions in logit space that add up to the score, \
        evidence items and an LLM rationale that cites them, a feature snapshot, non-ASCII \
        merchant names and about 3% gold cases. The same --seed always gives the same file.

        Examples:
          triage sample --n 1000 --out cases.jsonl
          triage sample --n 1000000 --seed 7 --out big.jsonl     (for benchmarks)
        """
    )

    @Option(help: "How many cases.")
    var n: Int = 1000

    @Option(help: ArgumentHelp("Where to write (default: standard output).", valueName: "file"))
    var out: String?

    @Option(help: "Seed for the generator: the same seed gives the same cases.")
    var seed: UInt64 = 1

    func validate() throws {
        if n < 0 { throw ValidationError("--n must be zero or more") }
    }

    func run() throws {
        try runReporting {
            let output = try OutputFile(path: out, protecting: ProtectedFiles())
            let generator = SampleGenerator(seed: seed)
            let chunk = 2048
            let showProgress = out != nil && Console.stderrIsTerminal && n >= 100_000
            var start = 0
            while start < n {
                let end = min(n, start + chunk)
                // Generate two halves in parallel (records are independent per index), write in order.
                let parts = 2
                let per = (end - start + parts - 1) / parts
                let base = start
                let buffers = ChunkBuffers(count: parts)
                DispatchQueue.concurrentPerform(iterations: parts) { p in
                    var w = JSONWriter(reservingCapacity: per * 2600)
                    let lo = base + p * per
                    let hi = min(end, lo + per)
                    if lo < hi {
                        for i in lo..<hi {
                            CaseRecordJSON.encode(generator.record(at: i), into: &w)
                            w.endLine()
                        }
                    }
                    buffers.set(p, w.bytes)
                }
                for p in 0..<parts { try output.write(buffers.get(p)) }
                start = end
                if showProgress { Console.progress(control: "\r\u{1B}[K", "sample: \(start)/\(n) cases") }
            }
            if showProgress { Console.progress(control: "\r\u{1B}[K", "") }
            try output.close()
            if let out { Console.info("wrote \(n) cases to \(out)") }
        }
    }
}

/// One output buffer per parallel worker; each worker writes only its own slot.
final class ChunkBuffers: @unchecked Sendable {
    private var slots: [[UInt8]]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: [], count: count) }

    func set(_ i: Int, _ bytes: [UInt8]) { lock.withLock { slots[i] = bytes } }
    func get(_ i: Int) -> [UInt8] { lock.withLock { slots[i] } }
}
