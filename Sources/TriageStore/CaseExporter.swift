import Foundation
import TriageCore
import TriageFormats

/// The formats `triage export` writes.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// One JSON object per labelled case; every line has the same keys.
    case jsonl
    /// A header row, then one row per labelled case; scores and features as columns.
    case csv

    /// The format a file name suggests (`.csv` is CSV, anything else JSON Lines).
    public static func guess(path: String?) -> ExportFormat {
        (path?.lowercased().hasSuffix(".csv") ?? false) ? .csv : .jsonl
    }
}

/// Streams the retraining export from a store to a byte sink in constant memory.
public struct CaseExporter {
    public let store: any CaseStore

    public init(store: any CaseStore) { self.store = store }

    /// Writes one row per labelled case whose current label was made at or after `since` — or,
    /// with `project`, one row per live label in that project — after, with `since`, a withdrawal
    /// row for every label undone or superseded since then (see ``CaseStore/exportLabels(since:_:)``).
    /// `sink` receives the output in chunks of about 1 MiB. Returns the number of rows, withdrawal
    /// rows included.
    @discardableResult
    public func export(format: ExportFormat, since: Timestamp?, project: String? = nil,
                       to sink: ([UInt8]) throws -> Void) throws -> Int {
        func rows(_ body: (ExportRow) throws -> Void) throws -> Int {
            if let project { return try store.exportProjectLabels(project, since: since, body) }
            return try store.exportLabels(since: since, body)
        }
        let flushAt = 1 << 20
        switch format {
        case .jsonl:
            var w = JSONLExportWriter(reservingCapacity: flushAt + (1 << 16))
            let n = try rows { row in
                w.write(row)
                if w.bytes.count >= flushAt {
                    try sink(w.bytes)
                    w.removeAll()
                }
            }
            try sink(w.bytes)
            return n
        case .csv:
            var w = CSVExportWriter(columns: try store.exportColumns())
            w.writeHeader()
            let n = try rows { row in
                w.write(row)
                if w.bytes.count >= flushAt { try sink(w.takeBytes()) }
            }
            try sink(w.takeBytes())
            return n
        }
    }

    /// Writes the consensus export of `project` (see ``ConsensusExportWriter``): one row per case
    /// with a label. Returns the number of rows.
    @discardableResult
    public func exportConsensus(project: String, format: ExportFormat, to sink: ([UInt8]) throws -> Void) throws -> Int {
        let labels = try store.projectLabels(project)
        let categories = try store.taxonomy().decisions.map(\.key)
        var w = ConsensusExportWriter(format: format == .csv ? .csv : .jsonl, project: project)
        w.writeHeader()
        let cases = ProjectAnalysis.consensus(labels, categories: categories)
        for c in cases { w.write(c) }
        try sink(w.bytes)
        return cases.count
    }
}

extension CaseExporter {
    /// Streams every piece of rationale feedback made at or after `since`; returns the count.
    public func exportRationaleFeedback(format: ExportFormat, since: Timestamp?, to sink: ([UInt8]) throws -> Void) throws -> Int {
        var w = RationaleFeedbackExportWriter(format: format)
        w.writeHeader()
        let n = try store.exportRationaleFeedback(since: since) { row in
            w.write(row)
            if w.pendingBytes > 1 << 16 { try sink(w.drain()) }
        }
        try sink(w.drain())
        return n
    }
}
