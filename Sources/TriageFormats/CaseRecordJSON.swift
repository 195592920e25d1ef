import TriageCore

/// Decodes and encodes case records in the JSON Lines import format: one JSON object per line.
///
/// ```json
/// {"case_id": "c_1", "policy": "gambling", "flagged_at": "2026-11-20T14:03:00Z",
///  "merchant": {"id": "acct_9f", "name": "Lucky Spins", "country": "CA", "mcc": "7995",
///               "url": "https://…", "description": "…"},
///  "scores": [{"model": "supportability-xgb", "version": "2026-11-01", "score": 0.93, "threshold": 0.5}],
///  "attributions": {"model": "supportability-xgb", "base_value": -1.5, "space": "logit",
///                   "items": [{"feature": "chargeback_rate_90d", "value": 0.088, "contribution": 2.61}]},
///  "rationales": [{"model": "policy-llm", "prompt_version": "v7", "text": "…", "evidence": ["e1"]}],
///  "evidence": [{"id": "e1", "kind": "website", "source": "https://…", "text": "…"}],
///  "features": {"chargeback_rate_90d": 0.088, "account_age_days": 136},
///  "gold_label": "violation"}
/// ```
///
/// ## Fields
///
/// **Required**: `case_id` (a string, or an integer, which becomes its decimal string),
/// `merchant` with its `name`, and `scores` (an array of `{model, version, score}` with an optional
/// `threshold`). Everything else is optional, and `null` is the same as absent — except where
/// `null` is itself a legal value: a `features` value and an attribution item's `value`, where it
/// is ``FeatureValue/null`` (a missing feature value).
///
/// - `policy`, `gold_label`: strings.
/// - `flagged_at` (and a rationale's `created_at`): an RFC 3339 date-time string
///   (``Timestamp/parse(_:)``: `2026-11-20T14:03:00Z`, `2026-11-20`…) or a number of seconds
///   since 1970-01-01T00:00:00Z.
/// - `merchant`: `id`, `country`, `mcc`, `url`, `description` are optional strings.
/// - `attributions`: one object or an array of them, each `{model, version, base_value, space, items}`.
///   `version` may be left out when the record has exactly one score for that model: it is
///   that score's version. `space` is `logit` (the default; `log_odds` and `margin` mean the same)
///   or `probability` (`proba`), in any letter case. `items` is an array of `{feature, value, contribution}` where
///   `value` is optional.
/// - `rationales`: an array of `{model, prompt_version, text, evidence, created_at}`; `evidence`
///   is an array of evidence ids (strings).
/// - `evidence`: an array of `{id, kind, source, text}`.
/// - `features`: an object of feature name → number, string, boolean or null, kept in file order.
///
/// **Non-finite numbers.** With a parser that accepts Python's `NaN`, `Infinity` and `-Infinity`
/// (``JSONLimits/allowsNonFiniteNumbers``, which the importer turns on), they mean:
/// - in a `features` value or an attribution item's `value`: a missing value, i.e.
///   ``FeatureValue/null`` (NaN is how gradient-boosted models' feature snapshots say "missing");
/// - in `score`, `threshold`, `base_value` and `contribution`: they decode as they are, and
///   ``CaseRules/issues(in:)`` reports them (`scores[0].score: NaN is not a score…`), along with
///   the record's other problems;
/// - in `flagged_at`, `created_at` and an integer `case_id`: a shape error here.
///
/// **Unknown keys are ignored**, at the top level and inside nested objects, so that files from
/// newer scoring jobs still import (forward compatibility).
///
/// Decoding checks the shape only (presence and JSON types) and stops at the first problem,
/// reported as a ``FieldIssue`` whose `field` is a JSON path such as `scores[0].score` and whose
/// reason is e.g. `missing` or `must be a number, got string`. The rules across fields (an empty
/// `scores` array, scores within [0, 1], known policy, attributions that add up…) are
/// ``CaseRules/issues(in:)``'s business: run it on the decoded record.
public enum CaseRecordJSON {
    // MARK: Decoding

    /// Decodes one parsed line into a record, or throws the first shape problem.
    public static func decode(_ value: JSONValue) throws(FieldIssue) -> CaseRecord {
        let root = try Fields(value, path: "")

        let caseID: String
        switch root.get("case_id") {
        case nil:
            throw FieldIssue(field: "case_id", reason: "missing")
        case .string(let s)?:
            caseID = s
        case .number(let d)?:
            guard d.isFinite else {
                throw FieldIssue(field: "case_id", reason: "must be a string or an integer, got \(nonFiniteName(d))")
            }
            guard d.rounded(.towardZero) == d else {
                throw FieldIssue(field: "case_id", reason: "must be a string or an integer, got \(d)")
            }
            guard d.magnitude <= 9_007_199_254_740_992 else {
                throw FieldIssue(field: "case_id", reason: "integer \(d) is too large to be exact; write it as a string")
            }
            caseID = String(Int64(d))
        case let other?:
            throw FieldIssue(field: "case_id", reason: "must be a string or an integer, got \(other.typeName)")
        }

        let policy = try root.string("policy")
        let flaggedAt = try root.timestamp("flagged_at")
        guard let m = try root.object("merchant") else { throw FieldIssue(field: "merchant", reason: "missing") }
        let merchant = Merchant(id: try m.string("id"), name: try m.requiredString("name"), country: try m.string("country"),
                                mcc: try m.string("mcc"), url: try m.string("url"),
                                description: try m.string("description"))

        guard let scoreValues = try root.array("scores") else { throw FieldIssue(field: "scores", reason: "missing") }
        var scores: [ModelScore] = []
        scores.reserveCapacity(scoreValues.count)
        for (k, v) in scoreValues.enumerated() {
            let s = try Fields(v, path: "scores[\(k)]")
            scores.append(ModelScore(model: try s.requiredString("model"), version: try s.requiredString("version"),
                                     score: try s.requiredNumber("score"), threshold: try s.number("threshold")))
        }

        var attributions: [Attribution] = []
        switch root.get("attributions") {
        case nil: break
        case .object(let members)?:
            attributions.append(try decodeAttribution(.object(members), path: "attributions", scores: scores))
        case .array(let elements)?:
            for (k, v) in elements.enumerated() {
                attributions.append(try decodeAttribution(v, path: "attributions[\(k)]", scores: scores))
            }
        case let other?:
            throw FieldIssue(field: "attributions", reason: "must be an object or an array of objects, got \(other.typeName)")
        }

        var rationales: [Rationale] = []
        for (k, v) in (try root.array("rationales") ?? []).enumerated() {
            let r = try Fields(v, path: "rationales[\(k)]")
            var evidenceIDs: [String] = []
            for (j, e) in (try r.array("evidence") ?? []).enumerated() {
                guard case .string(let id) = e else {
                    throw FieldIssue(field: "\(r.path(for: "evidence"))[\(j)]", reason: "must be a string, got \(e.typeName)")
                }
                evidenceIDs.append(id)
            }
            rationales.append(Rationale(model: try r.requiredString("model"), promptVersion: try r.string("prompt_version"),
                                        text: try r.requiredString("text"), evidenceIDs: evidenceIDs,
                                        createdAt: try r.timestamp("created_at")))
        }

        var evidence: [Evidence] = []
        for (k, v) in (try root.array("evidence") ?? []).enumerated() {
            let e = try Fields(v, path: "evidence[\(k)]")
            evidence.append(Evidence(id: try e.requiredString("id"), kind: try e.string("kind"),
                                     source: try e.string("source"), text: try e.string("text")))
        }

        var features: [(name: String, value: FeatureValue)] = []
        if let f = try root.object("features") {
            features.reserveCapacity(f.members.count)
            for member in f.members {
                guard let value = featureValue(member.value) else {
                    throw FieldIssue(field: f.path(for: member.key),
                                     reason: "must be a number, string, boolean or null, got \(member.value.typeName)")
                }
                features.append((name: member.key, value: value))
            }
        }

        return CaseRecord(caseID: caseID, policy: policy, flaggedAt: flaggedAt, merchant: merchant, scores: scores,
                          attributions: attributions, rationales: rationales, evidence: evidence, features: features,
                          goldLabel: try root.string("gold_label"))
    }

    private static func decodeAttribution(_ value: JSONValue, path: String, scores: [ModelScore]) throws(FieldIssue)
        -> Attribution
    {
        let a = try Fields(value, path: path)
        let model = try a.requiredString("model")
        let version: String
        if let v = try a.string("version") {
            version = v
        } else {
            let candidates = scores.filter { $0.model == model }
            switch candidates.count {
            case 1:
                version = candidates[0].version
            case 0:
                throw FieldIssue(field: a.path(for: "version"),
                                 reason: "missing, and there is no score for model \(quoted(model)) to take it from")
            default:
                let versions = candidates.map { quoted($0.version) }.joined(separator: ", ")
                throw FieldIssue(field: a.path(for: "version"),
                                 reason: "missing, and model \(quoted(model)) has \(candidates.count) scores "
                                     + "(versions \(versions)): say which one these attributions explain")
            }
        }
        let space: AttributionSpace
        if let s = try a.string("space") {
            switch s.lowercased() {
            case "logit", "log_odds", "margin": space = .logit
            case "probability", "proba": space = .probability
            default:
                throw FieldIssue(field: a.path(for: "space"),
                                 reason: "must be \"logit\" or \"probability\", got \(quoted(s))")
            }
        } else {
            space = .logit
        }
        let baseValue = try a.requiredNumber("base_value")
        guard let itemValues = try a.array("items") else { throw FieldIssue(field: a.path(for: "items"), reason: "missing") }
        var items: [AttributionItem] = []
        items.reserveCapacity(itemValues.count)
        for (k, v) in itemValues.enumerated() {
            let item = try Fields(v, path: "\(a.path(for: "items"))[\(k)]")
            let feature = try item.requiredString("feature")
            var featureValue: FeatureValue?
            if let raw = item.member("value") {
                guard let fv = Self.featureValue(raw) else {
                    throw FieldIssue(field: item.path(for: "value"),
                                     reason: "must be a number, string, boolean or null, got \(raw.typeName)")
                }
                featureValue = fv
            }
            items.append(AttributionItem(feature: feature, value: featureValue,
                                         contribution: try item.requiredNumber("contribution")))
        }
        return Attribution(model: model, version: version, baseValue: baseValue, space: space, items: items)
    }

    /// A feature value; a non-finite number (Python's NaN, ±Infinity) is a missing value, `.null`;
    /// nil for arrays and objects, which are not feature values.
    public static func featureValue(_ value: JSONValue) -> FeatureValue? {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .number(let d): return d.isFinite ? .number(d) : .null
        case .string(let s): return .string(s)
        case .array, .object: return nil
        }
    }

    /// `text` quoted and escaped for a message, cut to 64 characters.
    static func quoted(_ text: String) -> String { JSONWriter.quotedForMessage(text) }

    /// A non-finite number as Python writes it: `NaN`, `Infinity` or `-Infinity`.
    static func nonFiniteName(_ d: Double) -> String {
        d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity"
    }

    // MARK: Encoding

    /// Writes `record` as one JSON object in the import format (without a newline; call
    /// ``JSONWriter/endLine()`` for JSON Lines), so that `decode` gives the record back.
    ///
    /// Absent optional fields and empty lists are left out; `flagged_at` is written as RFC 3339
    /// with milliseconds; a single attribution is written as an object, several as an array;
    /// every attribution names its `version`.
    public static func encode(_ record: CaseRecord, into w: inout JSONWriter) {
        w.beginObject()
        w.field("case_id", record.caseID)
        if let p = record.policy { w.field("policy", p) }
        if let t = record.flaggedAt { w.field("flagged_at", t.iso8601) }

        w.key("merchant")
        w.beginObject()
        let m = record.merchant
        if let id = m.id { w.field("id", id) }
        w.field("name", m.name)
        if let c = m.country { w.field("country", c) }
        if let mcc = m.mcc { w.field("mcc", mcc) }
        if let url = m.url { w.field("url", url) }
        if let d = m.description { w.field("description", d) }
        w.endObject()

        w.key("scores")
        w.beginArray()
        for s in record.scores {
            w.beginObject()
            w.field("model", s.model)
            w.field("version", s.version)
            w.field("score", s.score)
            if let t = s.threshold { w.field("threshold", t) }
            w.endObject()
        }
        w.endArray()

        if !record.attributions.isEmpty {
            w.key("attributions")
            let many = record.attributions.count > 1
            if many { w.beginArray() }
            for a in record.attributions {
                w.beginObject()
                w.field("model", a.model)
                w.field("version", a.version)
                w.field("base_value", a.baseValue)
                w.field("space", a.space.rawValue)
                w.key("items")
                writeItems(a.items, into: &w)
                w.endObject()
            }
            if many { w.endArray() }
        }

        if !record.rationales.isEmpty {
            w.key("rationales")
            w.beginArray()
            for r in record.rationales {
                w.beginObject()
                w.field("model", r.model)
                if let p = r.promptVersion { w.field("prompt_version", p) }
                w.field("text", r.text)
                w.key("evidence")
                w.beginArray()
                for id in r.evidenceIDs { w.string(id) }
                w.endArray()
                if let t = r.createdAt { w.field("created_at", t.iso8601) }
                w.endObject()
            }
            w.endArray()
        }

        if !record.evidence.isEmpty {
            w.key("evidence")
            w.beginArray()
            for e in record.evidence {
                w.beginObject()
                w.field("id", e.id)
                if let k = e.kind { w.field("kind", k) }
                if let s = e.source { w.field("source", s) }
                if let t = e.text { w.field("text", t) }
                w.endObject()
            }
            w.endArray()
        }

        if !record.features.isEmpty {
            w.key("features")
            writeFeatures(record.features, into: &w)
        }

        if let g = record.goldLabel { w.field("gold_label", g) }
        w.endObject()
    }

    /// `record` as one line of JSON text (without the newline).
    public static func encode(_ record: CaseRecord) -> String {
        var w = JSONWriter(reservingCapacity: 2048)
        encode(record, into: &w)
        return w.text
    }

    /// Writes attribution items as `[{"feature", "value", "contribution"}, …]` (`value` left out
    /// when unknown).
    public static func writeItems(_ items: [AttributionItem], into w: inout JSONWriter) {
        w.beginArray()
        for item in items {
            w.beginObject()
            w.field("feature", item.feature)
            if let v = item.value {
                w.key("value")
                writeFeatureValue(v, into: &w)
            }
            w.field("contribution", item.contribution)
            w.endObject()
        }
        w.endArray()
    }

    /// Writes a feature value: a number, string, boolean or null.
    public static func writeFeatureValue(_ value: FeatureValue, into w: inout JSONWriter) {
        switch value {
        case .number(let d): w.number(d)
        case .string(let s): w.string(s)
        case .bool(let b): w.bool(b)
        case .null: w.null()
        }
    }

    /// Writes a feature snapshot as an object, in order.
    public static func writeFeatures(_ features: [(name: String, value: FeatureValue)], into w: inout JSONWriter) {
        w.beginObject()
        for f in features {
            w.key(f.name)
            writeFeatureValue(f.value, into: &w)
        }
        w.endObject()
    }
}

/// An object being decoded, with its JSON path for messages.
private struct Fields {
    let members: [(key: String, value: JSONValue)]
    /// The object's own path: `""` for the record, `merchant`, `scores[0]`…
    let path: String

    init(_ value: JSONValue, path: String) throws(FieldIssue) {
        guard case .object(let members) = value else {
            throw FieldIssue(field: path, reason: "must be an object, got \(value.typeName)")
        }
        self.members = members
        self.path = path
    }

    /// The path of the member `key`, e.g. `scores[0].score`.
    func path(for key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member `key`, including an explicit null; nil when absent.
    func member(_ key: String) -> JSONValue? {
        for m in members where m.key == key { return m.value }
        return nil
    }

    /// The member `key`, or nil when it is absent or null.
    func get(_ key: String) -> JSONValue? {
        guard let v = member(key), !v.isNull else { return nil }
        return v
    }

    private func wrongType(_ key: String, _ expected: String, _ got: JSONValue) -> FieldIssue {
        FieldIssue(field: path(for: key), reason: "must be \(expected), got \(got.typeName)")
    }

    func string(_ key: String) throws(FieldIssue) -> String? {
        guard let v = get(key) else { return nil }
        guard case .string(let s) = v else { throw wrongType(key, "a string", v) }
        return s
    }

    func requiredString(_ key: String) throws(FieldIssue) -> String {
        guard let s = try string(key) else { throw FieldIssue(field: path(for: key), reason: "missing") }
        return s
    }

    func number(_ key: String) throws(FieldIssue) -> Double? {
        guard let v = get(key) else { return nil }
        guard case .number(let d) = v else { throw wrongType(key, "a number", v) }
        return d
    }

    func requiredNumber(_ key: String) throws(FieldIssue) -> Double {
        guard let d = try number(key) else { throw FieldIssue(field: path(for: key), reason: "missing") }
        return d
    }

    func array(_ key: String) throws(FieldIssue) -> [JSONValue]? {
        guard let v = get(key) else { return nil }
        guard case .array(let a) = v else { throw wrongType(key, "an array", v) }
        return a
    }

    func object(_ key: String) throws(FieldIssue) -> Fields? {
        guard let v = get(key) else { return nil }
        guard case .object = v else { throw wrongType(key, "an object", v) }
        return try Fields(v, path: path(for: key))
    }

    /// An RFC 3339 string or a number of seconds since the epoch.
    func timestamp(_ key: String) throws(FieldIssue) -> Timestamp? {
        switch get(key) {
        case nil:
            return nil
        case .string(let s)?:
            guard let t = Timestamp.parse(s) else {
                throw FieldIssue(field: path(for: key),
                                 reason: "must be an RFC 3339 date-time such as 2026-11-20T14:03:00Z, or seconds "
                                     + "since 1970, got \(CaseRecordJSON.quoted(s))"
                                     + (Timestamp.hint(forUnparsable: s).map { ": " + $0 } ?? ""))
            }
            return t
        case .number(let seconds)?:
            guard seconds.isFinite else {
                throw FieldIssue(field: path(for: key), reason: "must be a finite number of seconds since 1970, got "
                                     + CaseRecordJSON.nonFiniteName(seconds))
            }
            // Years 0000…9999 only (what RFC 3339 can write back); the magnitude check first keeps
            // the conversion to Int64 milliseconds safe.
            guard seconds.magnitude <= 1e15,
                  case let ms = Int64((seconds * 1000).rounded()), Timestamp.rfc3339Range.contains(ms) else {
                throw FieldIssue(field: path(for: key),
                                 reason: "\(seconds) seconds since 1970 is out of range"
                                     + (Timestamp.hint(forOutOfRangeSeconds: seconds).map { ": " + $0 } ?? ""))
            }
            return Timestamp(milliseconds: ms)
        case let other?:
            throw wrongType(key, "an RFC 3339 string or a number of seconds", other)
        }
    }
}
