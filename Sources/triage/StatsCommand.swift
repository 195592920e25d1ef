import ArgumentParser
import Foundation
import TriageCore
import TriageStore
import TriageUI

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print counts: cases by policy area and status, labels, imports.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readOnly)
            try global.requireOverview(store, "`triage stats`")
            let s = try store.stats()
            Console.out(Self.render(s, location: store.location))
        }
    }

    /// The plain-text table `triage stats` prints.
    static func render(_ s: StoreStats, location: String) -> String {
        let statuses = CaseStatus.allCases
        var policies: [String] = []
        var counts: [String: [CaseStatus: Int]] = [:]
        for c in s.cases {
            if counts[c.policy] == nil { policies.append(c.policy) }
            counts[c.policy, default: [:]][c.status] = c.count
        }
        let width = max(6, policies.map(\.count).max() ?? 0)
        func pad(_ t: String, _ w: Int, left: Bool = false) -> String {
            let p = String(repeating: " ", count: max(0, w - t.count))
            return left ? t + p : p + t
        }
        var out = ["database: \(location)", ""]
        out.append(pad("policy", width, left: true) + statuses.map { pad($0.rawValue, 10) }.joined() + pad("total", 10))
        var totals: [CaseStatus: Int] = [:]
        for p in policies {
            let row = counts[p] ?? [:]
            for (k, v) in row { totals[k, default: 0] += v }
            out.append(pad(p, width, left: true) + statuses.map { pad(String(row[$0] ?? 0), 10) }.joined()
                       + pad(String(row.values.reduce(0, +)), 10))
        }
        out.append(pad("all", width, left: true) + statuses.map { pad(String(totals[$0] ?? 0), 10) }.joined()
                   + pad(String(s.totalCases), 10))
        out.append("")
        out.append("label events: \(s.labelEvents)")
        out.append("imports: \(s.imports)" + (s.lastImport.map { ", last at \($0.iso8601)" } ?? ""))
        for b in s.unfinishedImports {
            out.append("interrupted import: batch \(b.id), \(Sanitize.line(b.fileName)), started \(b.startedAt.iso8601) by \(Sanitize.line(b.importedBy)), "
                       + "stopped after \(b.read) lines (\(b.inserted) new cases stored); import the same file again to finish it")
        }
        return out.joined(separator: "\n")
    }
}
