import Foundation
import TriageCore

/// Each labelling project's label analysis as last computed, with the key of what it was
/// computed from, shared by the threads that read a store (the dashboard computes label quality
/// in the background). Both backends key it the same way (``key(top:count:dependsOn:)``): a
/// project's label events are insert-only, so their count and highest id change whenever one is
/// added, and `dependsOn` names the rest (the decisions' outcomes, the last import).
public final class LabelQualityCache: @unchecked Sendable {
    /// One project's analysis and the key it was computed under.
    public struct Entry: Sendable {
        public var key: String
        public var analysis: ProjectLabelAnalysis

        public init(key: String, analysis: ProjectLabelAnalysis) {
            self.key = key
            self.analysis = analysis
        }
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    public init() {}

    /// The kept analysis of `project` when it was computed under `key`; otherwise `compute()`'s,
    /// kept for next time.
    public func analysis(of project: String, key: String, compute: () throws -> ProjectLabelAnalysis) rethrows -> ProjectLabelAnalysis {
        if let kept = lock.withLock({ entries[project] }), kept.key == key { return kept.analysis }
        let analysis = try compute()
        lock.withLock { entries[project] = Entry(key: key, analysis: analysis) }
        return analysis
    }

    /// The key of a project's labels: the highest id and the count of its label events, and what
    /// else the analysis read (`dependsOn`).
    public static func key(top: Int64, count: Int, dependsOn: String) -> String {
        "\(top)/\(count)/\(dependsOn)"
    }

    /// What every project's analysis depends on besides its labels: the decisions and their
    /// outcomes, and the cases' gold labels and scores (which only an import changes: the newest
    /// import batch stands for them).
    public static func dependsOn(lastImport: Int64, taxonomy: Taxonomy) -> String {
        var s = String(lastImport)
        for d in taxonomy.decisions { s += "\u{0}\(d.key)=\(d.outcome?.rawValue ?? "")" }
        return s
    }
}
