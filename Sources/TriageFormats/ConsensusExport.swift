import TriageCore

/// Writes the consensus export: one row per case of a labelling project with its final label,
/// how sure it is, how it was reached, and the inverse-probability weight of a sampled case.
///
/// Columns (JSON Lines keys in the same order; CSV has the same header, lists joined with `|`):
///
/// | column | meaning |
/// |---|---|
/// | `case_id`, `project`, `policy` | the case |
/// | `label` | the final label: the lead's adjudication, else the Dawid–Skene consensus, else the majority (null: a tie nobody settled) |
/// | `confidence` | 1 for an adjudication, else the posterior (Dawid–Skene) or vote share (majority) |
/// | `method` | `adjudication`, `dawid_skene` or `majority` (whichever gave `label`) |
/// | `labels`, `labelers` | how many labels, and by whom |
/// | `adjudicated`, `adjudicated_by` | whether a lead settled the case, and who |
/// | `majority_label`, `majority_share` | the plain majority (null label on a tie) |
/// | `dawid_skene_label`, `dawid_skene_confidence` | the Dawid–Skene consensus |
/// | `gold_label` | the known answer of a gold case, else null |
/// | `score`, `threshold` | the case's headline model score and threshold |
/// | `sampling_weight` | 1/inclusion probability for an audit sample's case, else 1 |
public struct ConsensusExportWriter: Sendable {
    /// The keys of every line (and the CSV header), in order.
    public static let columns = [
        "case_id", "project", "policy", "label", "confidence", "method", "labels", "labelers", "adjudicated",
        "adjudicated_by", "majority_label", "majority_share", "dawid_skene_label", "dawid_skene_confidence",
        "gold_label", "score", "threshold", "sampling_weight",
    ]

    /// Which of the two formats to write.
    public enum Format: Sendable { case jsonl, csv }

    public let format: Format
    public let project: String
    private var json = JSONWriter(reservingCapacity: 1 << 16)
    private var csv = CSVWriter()

    public init(format: Format, project: String) {
        self.format = format
        self.project = project
    }

    /// The bytes written so far.
    public var bytes: [UInt8] { format == .jsonl ? json.bytes : csv.bytes }

    /// Writes the CSV header (nothing for JSON Lines).
    public mutating func writeHeader() {
        if format == .csv { csv.writeRow(Self.columns) }
    }

    /// How the final label of `c` was reached.
    public static func method(_ c: CaseConsensus) -> String? {
        if c.adjudicated { return "adjudication" }
        if c.dawidSkene?.category != nil { return "dawid_skene" }
        if c.majority.category != nil { return "majority" }
        return nil
    }

    /// Writes one case.
    public mutating func write(_ c: CaseConsensus) {
        let labelers = c.labels.map(\.person)
        let weight = AuditSample.weight(inclusionProbability: c.inclusionProbability)
        switch format {
        case .jsonl:
            json.beginObject()
            json.field("case_id", c.caseID)
            json.field("project", project)
            json.field("policy", c.policy)
            json.field("label", c.finalDecision)
            json.field("confidence", c.finalDecision == nil ? nil : c.confidence)
            json.field("method", Self.method(c))
            json.field("labels", Int64(c.labels.count))
            json.key("labelers")
            json.beginArray()
            for p in labelers { json.string(p) }
            json.endArray()
            json.field("adjudicated", c.adjudicated)
            json.field("adjudicated_by", c.adjudication?.person)
            json.field("majority_label", c.majority.category)
            json.field("majority_share", c.labels.isEmpty ? nil : c.majority.confidence)
            json.field("dawid_skene_label", c.dawidSkene?.category)
            json.field("dawid_skene_confidence", c.dawidSkene?.confidence)
            json.field("gold_label", c.goldLabel)
            json.field("score", c.score)
            json.field("threshold", c.threshold)
            json.field("sampling_weight", weight)
            json.endObject()
            json.endLine()
        case .csv:
            csv.writeField(c.caseID)
            csv.writeField(project)
            csv.writeField(c.policy)
            csv.writeField(c.finalDecision)
            if c.finalDecision != nil { csv.writeField(c.confidence) } else { csv.writeEmptyField() }
            csv.writeField(Self.method(c))
            csv.writeField(Int64(c.labels.count))
            csv.writeField(labelers.joined(separator: "|"))
            csv.writeField(c.adjudicated)
            csv.writeField(c.adjudication?.person)
            csv.writeField(c.majority.category)
            if c.labels.isEmpty { csv.writeEmptyField() } else { csv.writeField(c.majority.confidence) }
            csv.writeField(c.dawidSkene?.category)
            if let d = c.dawidSkene { csv.writeField(d.confidence) } else { csv.writeEmptyField() }
            csv.writeField(c.goldLabel)
            csv.writeField(c.score)
            if let t = c.threshold { csv.writeField(t) } else { csv.writeEmptyField() }
            csv.writeField(weight)
            csv.endRow()
        }
    }
}
