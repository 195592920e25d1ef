import TriageCore

/// Decodes case records from flat CSV rows, as scoring jobs typically write them: one row per
/// case, one model score per row, a header row naming the columns.
///
/// ## Columns
///
/// Column order does not matter. **Required** columns: `case_id`, `merchant_name`, `model`,
/// `model_version`, `score`. Every other column is optional; an empty cell means "not given".
///
/// | Column | Meaning |
/// |---|---|
/// | `case_id` | **required** — the case's unique id, e.g. `c_0000001` |
/// | `policy` | the policy area (queue), e.g. `gambling`; empty = the importer's `--policy` |
/// | `flagged_at` | when the model flagged the merchant: RFC 3339 (`2026-11-20T14:03:00Z`, `2026-11-20`) or Unix epoch seconds (`1795183380`, `1795183380.5`) |
/// | `merchant_id` | the merchant's account id |
/// | `merchant_name` | **required** — the merchant's name |
/// | `merchant_country` | ISO 3166-1 alpha-2 country code, e.g. `CA` |
/// | `merchant_mcc` | merchant category code, e.g. `7995` (`7995.0`, as pandas writes a column with gaps, is read as `7995`) |
/// | `merchant_url` | the merchant's website |
/// | `merchant_description` | what the merchant says it sells |
/// | `model` | **required** — the model that scored the case, e.g. `supportability-xgb` |
/// | `model_version` | **required** — its version, e.g. `2026-11-01` |
/// | `score` | **required** — the model's probability of a violation, a number in [0, 1] |
/// | `threshold` | the score at and above which the model flags, in [0, 1] |
/// | `base_value` | the attributions' base value (required when any `shap__` cell has a value) |
/// | `attribution_space` | `logit` (default: base + Σ contributions = logit(score)) or `probability` |
/// | `shap__<feature>` | the signed contribution of `<feature>` to the score; the feature's value is taken from `feature__<feature>` when that column exists |
/// | `feature__<name>` | the feature snapshot: a number, `true`/`false` (any case, so pandas' `True`/`False` work), anything else a string; an empty cell is a missing value (null) |
/// | `rationale` | LLM-written text explaining the flag |
/// | `rationale_model` | the LLM that wrote it (required when `rationale` has text) |
/// | `prompt_version` | the prompt template version, e.g. `v7` |
/// | `evidence_id` | the id of the row's evidence item (default `e1`); at most one evidence item per row |
/// | `evidence_kind` | `website`, `transactions`, `documents`, `reviews`… |
/// | `evidence_source` | where the evidence came from, usually a URL |
/// | `evidence_text` | the evidence itself |
/// | `gold_label` | the decision the case is known to deserve (gold cases check labelers) |
///
/// When a row has both a rationale and an evidence item, the rationale cites the evidence.
/// Numbers may have surrounding spaces; they use `.` as decimal point and may have an exponent
/// (`1e-05`); `nan` and `inf` are not numbers.
///
/// Columns with other names are ignored and listed in ``unknownColumns`` so the caller can warn.
/// A missing required column or a column named twice is a header error (``HeaderError``),
/// reported once for the file; problems in a row are a ``RowError`` listing every bad cell as a
/// ``FieldIssue`` whose `field` is the column name, e.g. `score: not a number: 'abc'`.
///
/// This decoder checks the shape of each cell; the rules that span fields (known policy,
/// additivity of attributions, duplicate scores…) are ``CaseRules``' business.
public struct CaseRecordCSV: Sendable {
    /// The columns whose absence makes the file unusable.
    public static let requiredColumns = ["case_id", "merchant_name", "model", "model_version", "score"]
    /// Every plain column name this decoder knows (besides the `shap__` and `feature__` prefixes).
    public static let knownColumns = [
        "case_id", "policy", "flagged_at", "merchant_id", "merchant_name", "merchant_country", "merchant_mcc",
        "merchant_url", "merchant_description", "model", "model_version", "score", "threshold", "base_value",
        "attribution_space", "rationale_model", "prompt_version", "rationale", "evidence_id", "evidence_kind",
        "evidence_source", "evidence_text", "gold_label",
    ]
    /// The prefix of attribution (contribution) columns.
    public static let shapPrefix = "shap__"
    /// The prefix of feature snapshot columns.
    public static let featurePrefix = "feature__"

    /// The header problems that make a file unreadable (missing required columns, duplicate names).
    public struct HeaderError: Error, Sendable, Equatable, CustomStringConvertible {
        /// One issue per bad column, `field` naming the column.
        public var issues: [FieldIssue]
        public init(issues: [FieldIssue]) { self.issues = issues }
        /// `CSV header: ` and the issues, separated by `; `.
        public var description: String { "CSV header: " + issues.map(\.description).joined(separator: "; ") }
    }

    /// Every problem found in one row; `line` is where the row starts in the file, when known.
    public struct RowError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line where the row starts in the file, when known.
        public var line: Int?
        /// Every problem in the row; `field` is the column name (empty for the row as a whole).
        public var issues: [FieldIssue]
        public init(line: Int?, issues: [FieldIssue]) {
            self.line = line
            self.issues = issues
        }
        /// `line N: ` and the issues, separated by `; `.
        public var description: String {
            let what = issues.map(\.description).joined(separator: "; ")
            return line.map { "line \($0): \(what)" } ?? what
        }
    }

    /// The header, as given (names trimmed of surrounding whitespace).
    public let header: [String]
    /// Header names this decoder does not know, in file order; they are ignored.
    public let unknownColumns: [String]

    private struct Known: Sendable {
        var caseID = -1, policy = -1, flaggedAt = -1
        var merchantID = -1, merchantName = -1, merchantCountry = -1, merchantMCC = -1, merchantURL = -1,
            merchantDescription = -1
        var model = -1, modelVersion = -1, score = -1, threshold = -1, baseValue = -1, attributionSpace = -1
        var rationaleModel = -1, promptVersion = -1, rationale = -1
        var evidenceID = -1, evidenceKind = -1, evidenceSource = -1, evidenceText = -1
        var goldLabel = -1
    }

    private let known: Known
    /// (feature, column of the contribution, column of the feature's value or -1).
    private let shap: [(feature: String, column: Int, valueColumn: Int)]
    /// (feature, column).
    private let features: [(name: String, column: Int)]

    /// Reads the header row. Throws ``HeaderError`` when a required column is missing, a column
    /// is named twice, or a `shap__`/`feature__` column has no feature name.
    public init(header rawHeader: [String]) throws(HeaderError) {
        let header = rawHeader.map { CaseRecordCSV.trimmed($0) }
        self.header = header
        var issues: [FieldIssue] = []
        var index: [String: Int] = [:]
        for (i, name) in header.enumerated() {
            if index[name] != nil {
                if !name.isEmpty { issues.append(FieldIssue(field: CaseRecordCSV.shown(name), reason: "column appears twice in the header")) }
            } else {
                index[name] = i
            }
        }
        for r in CaseRecordCSV.requiredColumns where index[r] == nil {
            issues.append(FieldIssue(field: r, reason: "required column is missing from the header"))
        }
        var k = Known()
        func col(_ name: String) -> Int { index[name] ?? -1 }
        k.caseID = col("case_id"); k.policy = col("policy"); k.flaggedAt = col("flagged_at")
        k.merchantID = col("merchant_id"); k.merchantName = col("merchant_name")
        k.merchantCountry = col("merchant_country"); k.merchantMCC = col("merchant_mcc")
        k.merchantURL = col("merchant_url"); k.merchantDescription = col("merchant_description")
        k.model = col("model"); k.modelVersion = col("model_version"); k.score = col("score")
        k.threshold = col("threshold"); k.baseValue = col("base_value"); k.attributionSpace = col("attribution_space")
        k.rationaleModel = col("rationale_model"); k.promptVersion = col("prompt_version"); k.rationale = col("rationale")
        k.evidenceID = col("evidence_id"); k.evidenceKind = col("evidence_kind")
        k.evidenceSource = col("evidence_source"); k.evidenceText = col("evidence_text")
        k.goldLabel = col("gold_label")
        self.known = k

        let knownSet = Set(CaseRecordCSV.knownColumns)
        var unknown: [String] = []
        var shap: [(String, Int, Int)] = []
        var features: [(String, Int)] = []
        for (i, name) in header.enumerated() where index[name] == i {
            if knownSet.contains(name) { continue }
            if name.hasPrefix(CaseRecordCSV.shapPrefix) {
                let feature = String(name.dropFirst(CaseRecordCSV.shapPrefix.count))
                if feature.isEmpty {
                    issues.append(FieldIssue(field: CaseRecordCSV.shown(name), reason: "column names no feature (expected shap__<feature>)"))
                } else {
                    shap.append((feature, i, index[CaseRecordCSV.featurePrefix + feature] ?? -1))
                }
            } else if name.hasPrefix(CaseRecordCSV.featurePrefix) {
                let feature = String(name.dropFirst(CaseRecordCSV.featurePrefix.count))
                if feature.isEmpty {
                    issues.append(FieldIssue(field: CaseRecordCSV.shown(name), reason: "column names no feature (expected feature__<name>)"))
                } else {
                    features.append((feature, i))
                }
            } else {
                unknown.append(name)
            }
        }
        self.shap = shap
        self.features = features
        self.unknownColumns = unknown
        if !issues.isEmpty { throw HeaderError(issues: issues) }
    }

    /// Reads the header from a CSV record.
    public init(header: CSVRecord) throws(HeaderError) {
        try self.init(header: header.fields)
    }

    /// Decodes one row. Throws ``RowError`` listing every problem in it.
    public func record(from row: CSVRecord) throws(RowError) -> CaseRecord {
        try record(from: row.fields, line: row.line)
    }

    /// Decodes one row given as its fields (in header order). Throws ``RowError`` listing every
    /// problem in it.
    public func record(from fields: [String], line: Int? = nil) throws(RowError) -> CaseRecord {
        guard fields.count == header.count else {
            throw RowError(line: line, issues: [FieldIssue(
                field: "", reason: "row has \(fields.count) field\(fields.count == 1 ? "" : "s") but the header has \(header.count)")])
        }
        var issues: [FieldIssue] = []
        let k = known
        func cell(_ i: Int) -> String? {
            guard i >= 0 else { return nil }
            let s = fields[i]
            return s.isEmpty ? nil : s
        }
        func required(_ i: Int) -> String {
            if let s = cell(i), !CaseRecordCSV.isBlank(s) { return s }
            issues.append(FieldIssue(field: CaseRecordCSV.shown(header[i]), reason: "is empty"))
            return ""
        }
        func number(_ i: Int, unit: Bool = false, required: Bool = false) -> Double? {
            guard let s = cell(i), !CaseRecordCSV.isBlank(s) else {
                if required { issues.append(FieldIssue(field: CaseRecordCSV.shown(header[i]), reason: "is empty")) }
                return nil
            }
            guard let x = CaseRecordCSV.parseNumber(s) else {
                issues.append(FieldIssue(field: CaseRecordCSV.shown(header[i]), reason: "not a number: \(CaseRecordCSV.excerpt(s))"))
                return nil
            }
            if unit && !(0...1).contains(x) {
                issues.append(FieldIssue(field: CaseRecordCSV.shown(header[i]), reason: "\(s.trimmedASCII) is outside [0, 1]"))
                return nil
            }
            return x
        }

        let caseID = required(k.caseID)
        let name = required(k.merchantName)
        let model = required(k.model)
        let version = required(k.modelVersion)
        let score = number(k.score, unit: true, required: true)
        let threshold = number(k.threshold, unit: true)

        var flaggedAt: Timestamp?
        if let s = cell(k.flaggedAt), !CaseRecordCSV.isBlank(s) {
            flaggedAt = CaseRecordCSV.parseTimestamp(s)
            if flaggedAt == nil {
                issues.append(FieldIssue(field: "flagged_at",
                    reason: "not an RFC 3339 timestamp (2026-11-20T14:03:00Z) or epoch seconds: \(CaseRecordCSV.excerpt(s))"
                        + (CaseRecordCSV.timestampHint(s).map { ": " + $0 } ?? "")))
            }
        }

        var mcc = cell(k.merchantMCC)
        if let m = mcc, m.hasSuffix(".0"), m.utf8.dropLast(2).allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), m.utf8.count > 2 {
            mcc = String(m.dropLast(2))
        }
        let merchant = Merchant(id: cell(k.merchantID), name: name, country: cell(k.merchantCountry), mcc: mcc,
                                url: cell(k.merchantURL), description: cell(k.merchantDescription))

        // Feature snapshot.
        var snapshot: [(name: String, value: FeatureValue)] = []
        snapshot.reserveCapacity(features.count)
        for f in features {
            snapshot.append((f.name, CaseRecordCSV.featureValue(fields[f.column])))
        }

        // Attributions.
        var attributions: [Attribution] = []
        var items: [AttributionItem] = []
        for s in shap {
            guard let text = cell(s.column), !CaseRecordCSV.isBlank(text) else { continue }
            guard let c = CaseRecordCSV.parseNumber(text) else {
                issues.append(FieldIssue(field: CaseRecordCSV.shown(header[s.column]), reason: "not a number: \(CaseRecordCSV.excerpt(text))"))
                continue
            }
            let value: FeatureValue? = s.valueColumn >= 0 ? CaseRecordCSV.featureValue(fields[s.valueColumn]) : nil
            items.append(AttributionItem(feature: s.feature, value: value, contribution: c))
        }
        if !items.isEmpty {
            var space = AttributionSpace.logit
            if let s = cell(k.attributionSpace), !CaseRecordCSV.isBlank(s) {
                if let sp = AttributionSpace(rawValue: s.trimmedASCII.lowercased()) {
                    space = sp
                } else {
                    issues.append(FieldIssue(field: "attribution_space",
                        reason: "must be 'logit' or 'probability', not \(CaseRecordCSV.excerpt(s))"))
                }
            }
            if k.baseValue < 0 {
                issues.append(FieldIssue(field: "base_value", reason: "column is needed when shap__ columns have values"))
            } else if let base = number(k.baseValue, required: true) {
                attributions.append(Attribution(model: model, version: version, baseValue: base, space: space, items: items))
            }
        }

        // Evidence and rationale.
        var evidence: [Evidence] = []
        let eID = cell(k.evidenceID), eKind = cell(k.evidenceKind), eSource = cell(k.evidenceSource),
            eText = cell(k.evidenceText)
        if eID != nil || eKind != nil || eSource != nil || eText != nil {
            evidence.append(Evidence(id: eID ?? "e1", kind: eKind, source: eSource, text: eText))
        }
        var rationales: [Rationale] = []
        if let text = cell(k.rationale), !CaseRecordCSV.isBlank(text) {
            if let rm = cell(k.rationaleModel), !CaseRecordCSV.isBlank(rm) {
                rationales.append(Rationale(model: rm, promptVersion: cell(k.promptVersion), text: text,
                                            evidenceIDs: evidence.map(\.id)))
            } else {
                issues.append(FieldIssue(field: "rationale_model", reason: "is empty but the row has a rationale"))
            }
        }

        if !issues.isEmpty { throw RowError(line: line, issues: issues) }
        return CaseRecord(
            caseID: caseID, policy: cell(k.policy), flaggedAt: flaggedAt, merchant: merchant,
            scores: [ModelScore(model: model, version: version, score: score!, threshold: threshold)],
            attributions: attributions, rationales: rationales, evidence: evidence, features: snapshot,
            goldLabel: cell(k.goldLabel))
    }

    // MARK: Cell parsing

    /// A feature cell's value: a number, `true`/`false` (any case), null when empty or blank,
    /// otherwise the text as a string.
    public static func featureValue(_ text: String) -> FeatureValue {
        if text.isEmpty || isBlank(text) { return .null }
        if let x = parseNumber(text) { return .number(x) }
        let t = text.trimmedASCII
        if t.utf8.count == 4 || t.utf8.count == 5 {
            switch t.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: break
            }
        }
        return .string(text)
    }

    /// Parses a finite decimal number (`-1`, `0.25`, `.5`, `1e-05`), allowing surrounding spaces.
    /// Rejects `nan`, `inf`, hexadecimal and anything else `Double(_:)` would take beyond that.
    public static func parseNumber(_ text: String) -> Double? {
        var utf8 = Substring(text).utf8
        while let f = utf8.first, f == 0x20 || f == 0x09 { utf8 = utf8.dropFirst() }
        while let l = utf8.last, l == 0x20 || l == 0x09 { utf8 = utf8.dropLast() }
        var i = utf8.startIndex
        let end = utf8.endIndex
        guard i < end else { return nil }
        if utf8[i] == 0x2B || utf8[i] == 0x2D { utf8.formIndex(after: &i) }
        var digits = 0
        while i < end, utf8[i] >= 0x30, utf8[i] <= 0x39 { digits += 1; utf8.formIndex(after: &i) }
        if i < end, utf8[i] == 0x2E {
            utf8.formIndex(after: &i)
            while i < end, utf8[i] >= 0x30, utf8[i] <= 0x39 { digits += 1; utf8.formIndex(after: &i) }
        }
        guard digits > 0 else { return nil }
        if i < end, utf8[i] == 0x65 || utf8[i] == 0x45 {
            utf8.formIndex(after: &i)
            if i < end, utf8[i] == 0x2B || utf8[i] == 0x2D { utf8.formIndex(after: &i) }
            var expDigits = 0
            while i < end, utf8[i] >= 0x30, utf8[i] <= 0x39 { expDigits += 1; utf8.formIndex(after: &i) }
            guard expDigits > 0 else { return nil }
        }
        guard i == end, let x = Double(Substring(utf8)), x.isFinite else { return nil }
        return x
    }

    /// Parses `flagged_at`: RFC 3339 via ``Timestamp/parse(_:)``, or Unix epoch seconds (years
    /// 0000 to 9999; a larger number is probably milliseconds and is rejected).
    public static func parseTimestamp(_ text: String) -> Timestamp? {
        let t = text.trimmedASCII
        if let ts = Timestamp.parse(t) { return ts }
        guard let secs = parseNumber(t), abs(secs) <= 253_402_300_799,
              case let ms = Int64((secs * 1000).rounded()), Timestamp.rfc3339Range.contains(ms) else { return nil }
        return Timestamp(milliseconds: ms)
    }

    static func isBlank(_ s: String) -> Bool {
        s.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    static func trimmed(_ s: String) -> String { s.trimmedASCII }

    /// `s` for an error message: in double quotes, at most 60 characters, with control, C1 and
    /// bidirectional characters escaped, so a cell cannot write to the terminal.
    static func excerpt(_ s: String) -> String {
        JSONWriter.quotedForMessage(s, limit: 60)
    }

    /// A column name for an error message: as it is when plain, else quoted and escaped like
    /// ``excerpt(_:)`` (an empty name, or one with control characters, cannot pass as text).
    public static func shown(_ name: String) -> String {
        let plain = !name.isEmpty && name.unicodeScalars.allSatisfy { v in
            v.value >= 0x20 && v.value != 0x7F && !(0x80...0x9F).contains(v.value) && v.value != 0x22
                && !(0x200E...0x200F).contains(v.value) && !(0x2028...0x202E).contains(v.value)
                && !(0x2066...0x2069).contains(v.value) && v.value != 0xFEFF
        }
        return plain ? name : JSONWriter.quotedForMessage(name, limit: 60)
    }

    /// What is wrong with a `flagged_at` cell that did not parse, when something specific can be
    /// said (no UTC offset; milliseconds given as seconds).
    static func timestampHint(_ text: String) -> String? {
        let t = text.trimmedASCII
        if let h = Timestamp.hint(forUnparsable: t) { return h }
        if let secs = parseNumber(t) { return Timestamp.hint(forOutOfRangeSeconds: secs) }
        return nil
    }
}

extension String {
    /// The string without leading and trailing ASCII spaces and tabs.
    var trimmedASCII: String {
        let u = utf8
        guard let f = u.first, let l = u.last, f == 0x20 || f == 0x09 || l == 0x20 || l == 0x09 else { return self }
        var s = Substring(self)
        while let c = s.utf8.first, c == 0x20 || c == 0x09 { s = s.dropFirst() }
        while let c = s.utf8.last, c == 0x20 || c == 0x09 { s = s.dropLast() }
        return String(s)
    }
}

// MARK: - Export

/// Writes the retraining export as CSV: one row per labelled case, loadable with pandas
/// `read_csv` as is.
///
/// The header is `case_id,merchant_id,policy,decision,reason_codes,note,labelled_by,os_user,role,
/// labelled_at,dwell_ms,blind,model_versions_seen,label_event_id,kind,project,queue_policy,sampling_weight`, then
/// `score__<model>__<version>`
/// for each (model, version) in ``ExportColumns/scores``, then `feature__<name>` for each feature
/// in ``ExportColumns/features``.
///
/// Values: `reason_codes` and `model_versions_seen` joined with `|`; booleans `true`/`false`; timestamps RFC 3339 UTC with
/// milliseconds; numbers in shortest round-trip form, integral ones without `.0`; a missing value
/// (no score for that model version, no such feature, a null feature, no dwell time) is an empty
/// cell, which pandas reads as NaN. Text is quoted only when needed. A row's features or scores
/// that the columns do not name are left out.
///
/// Write the header, then rows; call ``takeBytes()`` to flush to a file whenever convenient.
public struct CSVExportWriter: Sendable {
    /// The fixed leading columns.
    public static let fixedColumns = [
        "case_id", "merchant_id", "policy", "decision", "reason_codes", "note", "labelled_by", "os_user", "role",
        "labelled_at", "dwell_ms", "blind", "model_versions_seen", "label_event_id", "kind", "project", "queue_policy",
        "sampling_weight", "withdrawn", "withdrawn_at", "withdrawn_by_event",
    ]

    /// The column vocabulary.
    public let columns: ExportColumns
    /// The header row: fixed columns, score columns, feature columns.
    public let header: [String]

    private var writer: CSVWriter
    private let scoreSlot: [ModelVersion: Int]
    private let featureSlot: [String: Int]
    private var scoreScratch: [Double?]
    private var featureScratch: [FeatureValue?]
    private var reasonScratch: String = ""

    /// - Parameters:
    ///   - columns: which score and feature columns to write.
    ///   - crlf: end rows with CRLF instead of LF.
    public init(columns: ExportColumns, crlf: Bool = false) {
        self.columns = columns
        var header = CSVExportWriter.fixedColumns
        var scoreSlot: [ModelVersion: Int] = [:]
        for (i, mv) in columns.scores.enumerated() {
            header.append("score__\(mv.model)__\(mv.version)")
            if scoreSlot[mv] == nil { scoreSlot[mv] = i }
        }
        var featureSlot: [String: Int] = [:]
        for (i, f) in columns.features.enumerated() {
            header.append("feature__\(f)")
            if featureSlot[f] == nil { featureSlot[f] = i }
        }
        self.header = header
        self.scoreSlot = scoreSlot
        self.featureSlot = featureSlot
        self.scoreScratch = Array(repeating: nil, count: columns.scores.count)
        self.featureScratch = Array(repeating: nil, count: columns.features.count)
        self.writer = CSVWriter(crlf: crlf, reservingCapacity: 1 << 20)
    }

    /// The bytes written so far (since the last ``takeBytes()``).
    public var bytes: [UInt8] { writer.bytes }

    /// Returns the bytes written so far and empties the buffer.
    public mutating func takeBytes() -> [UInt8] { writer.takeBytes() }

    /// Empties the buffer (after the caller has written ``bytes`` somewhere).
    public mutating func clear() { writer.clear() }

    /// Writes the header row.
    public mutating func writeHeader() {
        writer.writeRow(header)
    }

    /// Writes one row.
    public mutating func write(_ row: ExportRow) {
        let label = row.label
        writer.writeField(row.caseID)
        writer.writeField(row.merchantID)
        writer.writeField(row.policy)
        writer.writeField(label.decision)
        switch label.reasonCodes.count {
        case 0: writer.writeEmptyField()
        case 1: writer.writeField(label.reasonCodes[0])
        default: writer.writeField(label.reasonCodes.joined(separator: "|"))
        }
        writer.writeField(label.note)
        writer.writeField(label.analyst)
        writer.writeField(label.osUser)
        writer.writeField(label.role.rawValue)
        writer.writeField(label.createdAt)
        if let d = label.dwellMs { writer.writeField(d) } else { writer.writeEmptyField() }
        writer.writeField(label.blind)
        switch label.modelVersionsSeen.count {
        case 0: writer.writeEmptyField()
        case 1: writer.writeField(label.modelVersionsSeen[0])
        default: writer.writeField(label.modelVersionsSeen.joined(separator: "|"))
        }
        if let id = label.id { writer.writeField(id) } else { writer.writeEmptyField() }
        writer.writeField(label.kind.rawValue)
        writer.writeField(label.project)
        writer.writeField(label.queuePolicy)
        writer.writeField(row.samplingWeight)
        writer.writeField(row.withdrawal != nil)
        if let w = row.withdrawal {
            writer.writeField(w.at)
            writer.writeField(w.byEvent)
        } else {
            writer.writeEmptyField()
            writer.writeEmptyField()
        }

        if !scoreScratch.isEmpty {
            for i in scoreScratch.indices { scoreScratch[i] = nil }
            for s in row.scores {
                if let slot = scoreSlot[ModelVersion(model: s.model, version: s.version)] { scoreScratch[slot] = s.score }
            }
            for v in scoreScratch {
                if let v { writer.writeField(v) } else { writer.writeEmptyField() }
            }
        }
        if !featureScratch.isEmpty {
            for i in featureScratch.indices { featureScratch[i] = nil }
            for f in row.features {
                if let slot = featureSlot[f.name] { featureScratch[slot] = f.value }
            }
            for v in featureScratch {
                switch v {
                case .number(let x)?: writer.writeField(x)
                case .string(let s)?: writer.writeField(s)
                case .bool(let b)?: writer.writeField(b)
                case .null?, nil: writer.writeEmptyField()
                }
            }
        }
        writer.endRow()
    }
}
