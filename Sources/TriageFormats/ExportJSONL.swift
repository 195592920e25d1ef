import TriageCore

/// Writes the retraining export as JSON Lines: one ``ExportRow`` per line.
///
/// Every line has the same keys in the same order, and absent optional values are written as
/// `null`, so that pandas (`read_json(lines=True)`) and Spark see one stable schema:
///
/// ```json
/// {"case_id":"c_1","merchant_id":"acct_9f","policy":"gambling","decision":"violation",
///  "reason_codes":["unlicensed_gambling"],"note":null,"labelled_by":"ana","os_user":"ana",
///  "role":"analyst","labelled_at":"2026-11-20T14:05:12.345Z","dwell_ms":8200,"blind":false,
///  "model_versions_seen":["supportability-xgb@2026-11-01"],"label_event_id":42,"kind":"label",
///  "project":null,"queue_policy":"score","sampling_weight":1,
///  "scores":[{"model":"supportability-xgb","version":"2026-11-01","score":0.93,"threshold":0.5}],
///  "features":{"chargeback_rate_90d":0.088,"account_age_days":136}}
/// ```
///
/// (shown wrapped; each row is one line; `withdrawn`, `withdrawn_at` and `withdrawn_by_event`
/// come after `sampling_weight`: false and null but on an increment's withdrawal rows). `labelled_at` is RFC 3339 UTC with milliseconds, as
/// ``Timestamp/iso8601`` writes it; `kind` is `label` or (in a project) `adjudication`;
/// `project` is null for the analyst queue's labels; `decision` is null only for an undo; a score's `threshold` is
/// null when the job gave none. Numbers follow ``JSONWriter`` (integral values without `.0`).
///
/// Append rows with ``write(_:)`` and flush ``bytes`` to the file now and then, followed by
/// ``removeAll()``, to keep memory flat on big exports.
public struct JSONLExportWriter: Sendable {
    /// The keys of every line, in order.
    public static let keys = [
        "case_id", "merchant_id", "policy", "decision", "reason_codes", "note", "labelled_by", "os_user", "role",
        "labelled_at", "dwell_ms", "blind", "model_versions_seen", "label_event_id", "kind", "project", "queue_policy",
        "sampling_weight", "withdrawn", "withdrawn_at", "withdrawn_by_event", "scores", "features",
    ]

    private var writer: JSONWriter

    /// A writer whose buffer has room for `capacity` bytes before it grows.
    public init(reservingCapacity capacity: Int = 1 << 16) {
        writer = JSONWriter(reservingCapacity: capacity)
    }

    /// The lines written since the last ``removeAll()``, as UTF-8.
    public var bytes: [UInt8] { writer.bytes }

    /// Empties the buffer (keeping its memory), after its bytes have been written out.
    public mutating func removeAll() {
        writer.removeAll(keepingCapacity: true)
    }

    /// Returns the lines written so far and empties the buffer.
    public mutating func takeBytes() -> [UInt8] {
        let out = writer.bytes
        writer.removeAll(keepingCapacity: true)
        return out
    }

    /// Appends `row` as one line, newline included.
    public mutating func write(_ row: ExportRow) {
        Self.encode(row, into: &writer)
        writer.endLine()
    }

    /// Writes `row` as one JSON object (without a newline) into `w`.
    public static func encode(_ row: ExportRow, into w: inout JSONWriter) {
        let label = row.label
        w.beginObject()
        w.field("case_id", row.caseID)
        w.field("merchant_id", row.merchantID)
        w.field("policy", row.policy)
        w.field("decision", label.decision)
        w.key("reason_codes")
        w.beginArray()
        for code in label.reasonCodes { w.string(code) }
        w.endArray()
        w.field("note", label.note)
        w.field("labelled_by", label.analyst)
        w.field("os_user", label.osUser)
        w.field("role", label.role.rawValue)
        w.key("labelled_at")
        w.string(label.createdAt.iso8601)
        w.field("dwell_ms", label.dwellMs)
        w.field("blind", label.blind)
        w.key("model_versions_seen")
        w.beginArray()
        for v in label.modelVersionsSeen { w.string(v) }
        w.endArray()
        w.field("label_event_id", label.id)
        w.field("kind", label.kind.rawValue)
        w.field("project", label.project)
        w.field("queue_policy", label.queuePolicy)
        w.field("sampling_weight", row.samplingWeight)
        w.field("withdrawn", row.withdrawal != nil)
        w.field("withdrawn_at", row.withdrawal?.at.iso8601)
        w.field("withdrawn_by_event", row.withdrawal?.byEvent)
        w.key("scores")
        w.beginArray()
        for s in row.scores {
            w.beginObject()
            w.field("model", s.model)
            w.field("version", s.version)
            w.field("score", s.score)
            w.field("threshold", s.threshold)
            w.endObject()
        }
        w.endArray()
        w.key("features")
        // The snapshot text the store keeps is this writer's own output: copy it, don't reparse it.
        if let stored = row.featuresJSON, w.verbatim(object: stored) {} else {
            CaseRecordJSON.writeFeatures(row.features, into: &w)
        }
        w.endObject()
    }
}
