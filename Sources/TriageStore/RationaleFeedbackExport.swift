import TriageCore
import TriageFormats

/// Writes `triage export --rationale-feedback`: one row per piece of feedback, with the rationale
/// it judges, so prompt versions and models can be compared.
///
/// Columns (JSON Lines keys in the same order; CSV has the same header, lists joined with `|`):
///
/// | column | meaning |
/// |---|---|
/// | `feedback_id`, `rated_at`, `analyst`, `os_user` | the feedback row, when, and who |
/// | `helpful` | true or false |
/// | `tags` | why: `hallucinated_evidence`, `wrong_policy`, `too_vague`, `wrong_facts`, `missed_evidence`, `well_supported`, `other` |
/// | `note` | free text |
/// | `rationale_id`, `case_id`, `policy` | what was judged |
/// | `model`, `prompt_version`, `origin` | who wrote it and how (`import` or `generated`) |
/// | `latency_ms`, `prompt_tokens`, `completion_tokens`, `requested_by` | a generated rationale's figures |
/// | `cited_evidence`, `invented_evidence` | its citations: all, and those the case has no evidence for |
/// | `text` | the rationale itself |
public struct RationaleFeedbackExportWriter: Sendable {
    public static let columns = [
        "feedback_id", "rated_at", "analyst", "os_user", "helpful", "tags", "note", "rationale_id", "case_id", "policy",
        "model", "prompt_version", "origin", "latency_ms", "prompt_tokens", "completion_tokens", "requested_by",
        "cited_evidence", "invented_evidence", "text",
    ]

    public let format: ExportFormat
    private var json = JSONWriter(reservingCapacity: 1 << 16)
    private var csv = CSVWriter()

    public init(format: ExportFormat) { self.format = format }

    /// How many bytes wait to be drained.
    public var pendingBytes: Int { format == .csv ? csv.bytes.count : json.bytes.count }

    /// The bytes written since the last ``drain()``.
    public mutating func drain() -> [UInt8] {
        if format == .csv { return csv.takeBytes() }
        defer { json.removeAll() }
        return json.bytes
    }

    public mutating func writeHeader() {
        if format == .csv { csv.writeRow(Self.columns) }
    }

    private enum Value {
        case text(String?), int(Int64?), bool(Bool), list([String])
    }

    public mutating func write(_ row: RationaleFeedbackRow) {
        let f = row.feedback, r = row.rationale, g = r.generation
        let values: [Value] = [
            .int(f.id), .text(f.createdAt.iso8601), .text(f.analyst), .text(f.osUser), .bool(f.helpful),
            .list(f.tags.map(\.rawValue)), .text(f.note), .int(r.id), .text(row.caseID), .text(row.policy),
            .text(r.model), .text(r.promptVersion), .text(r.origin.rawValue), .int(g.map { Int64($0.latencyMs) }),
            .int(g?.promptTokens.map(Int64.init)), .int(g?.completionTokens.map(Int64.init)), .text(g?.requestedBy),
            .list(r.evidenceIDs), .list(row.citations.invented), .text(r.text),
        ]
        switch format {
        case .jsonl:
            json.beginObject()
            for (key, v) in zip(Self.columns, values) {
                switch v {
                case .text(let s): json.field(key, s)
                case .int(let i): json.field(key, i)
                case .bool(let b): json.field(key, b)
                case .list(let l):
                    json.key(key)
                    json.beginArray()
                    for s in l { json.string(s) }
                    json.endArray()
                }
            }
            json.endObject()
            json.endLine()
        case .csv:
            for v in values {
                switch v {
                case .text(let s): csv.writeField(s)
                case .int(let i): if let i { csv.writeField(i) } else { csv.writeEmptyField() }
                case .bool(let b): csv.writeField(b)
                case .list(let l): csv.writeField(l.joined(separator: "|"))
                }
            }
            csv.endRow()
        }
    }
}
