import Foundation

/// A prompt template for asking an LLM to write a rationale: a version, a system message and a
/// user message with `{{placeholders}}` filled from the case.
///
/// The file format (see `Sources/TriageCore/Prompts/rationale-v1.prompt`, compiled in as
/// ``builtin``): `#` comment lines, a `version: NAME` line, then `=== system ===` and
/// `=== user ===` sections.
public struct PromptTemplate: Sendable, Equatable {
    /// Stored with every rationale the template produces (`prompt_version`).
    public var version: String
    public var system: String
    public var user: String

    public init(version: String, system: String, user: String) {
        self.version = version
        self.system = system
        self.user = user
    }

    /// The placeholders a template may use.
    public static let placeholders = ["policy", "policy_name", "policy_summary", "merchant", "scores", "attributions", "evidence"]

    /// The template that ships with triage.
    public static let builtin: PromptTemplate = {
        let text = String(decoding: PackageResources.rationale_v1_prompt, as: UTF8.self)
        do { return try parse(text, fileName: "rationale-v1.prompt") } catch { fatalError("the built-in prompt does not parse: \(error)") }
    }()

    /// A template file's problem, with its line.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public var fileName: String
        public var line: Int
        public var message: String
        public var description: String { "\(fileName):\(line): \(message)" }
    }

    /// Parses a template file.
    public static func parse(_ text: String, fileName: String) throws(ParseError) -> PromptTemplate {
        var version: String?
        var section: String?
        var sections: [String: [String]] = [:]
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        for (i, line) in lines.enumerated() {
            let n = i + 1
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("===") && t.hasSuffix("===") && t.count > 6 {
                let name = t.dropFirst(3).dropLast(3).trimmingCharacters(in: .whitespaces)
                guard name == "system" || name == "user" else {
                    throw ParseError(fileName: fileName, line: n, message: "unknown section '\(name)' (known: system, user)")
                }
                guard sections[name] == nil else { throw ParseError(fileName: fileName, line: n, message: "section '\(name)' given twice") }
                section = name
                sections[name] = []
                continue
            }
            if let s = section {
                sections[s, default: []].append(line)
                continue
            }
            if t.isEmpty || t.hasPrefix("#") { continue }
            if t.hasPrefix("version:") {
                let v = t.dropFirst("version:".count).trimmingCharacters(in: .whitespaces)
                guard !v.isEmpty, v.count <= 64, v.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                    throw ParseError(fileName: fileName, line: n, message: "version must be 1-64 letters, digits, '-', '_' or '.'")
                }
                version = v
                continue
            }
            throw ParseError(fileName: fileName, line: n, message: "expected 'version: NAME' or a '=== system ===' section")
        }
        guard let version else { throw ParseError(fileName: fileName, line: 1, message: "no 'version: NAME' line") }
        func body(_ name: String) throws(ParseError) -> String {
            guard let l = sections[name] else { throw ParseError(fileName: fileName, line: lines.count, message: "no '=== \(name) ===' section") }
            let text = l.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw ParseError(fileName: fileName, line: lines.count, message: "the \(name) section is empty") }
            return text
        }
        let template = PromptTemplate(version: version, system: try body("system"), user: try body("user"))
        for (name, where_) in [(template.system, "system"), (template.user, "user")] {
            for p in Self.names(in: name) where !placeholders.contains(p) {
                let line = (lines.firstIndex { $0.contains("{{\(p)}}") } ?? 0) + 1
                throw ParseError(fileName: fileName, line: line,
                                 message: "unknown placeholder {{\(p)}} in the \(where_) section (known: \(placeholders.joined(separator: ", ")))")
            }
        }
        return template
    }

    /// The `{{name}}` placeholders in a text.
    static func names(in text: String) -> [String] {
        text.matches(of: /\{\{([a-z_]+)\}\}/).map { String($0.output.1) }
    }

    /// The two messages for one case.
    public func messages(for context: RationaleContext) -> [ChatMessage] {
        let values = context.values
        func fill(_ s: String) -> String {
            s.replacing(/\{\{([a-z_]+)\}\}/) { m in values[String(m.output.1)] ?? "" }
        }
        return [ChatMessage(role: "system", content: fill(system)), ChatMessage(role: "user", content: fill(user))]
    }
}

/// What a rationale prompt says about one case, bounded in size: the merchant profile, the policy
/// area, the headline scores, the strongest attributions and the evidence. Case text is untrusted:
/// control and format characters are removed and every field is cut to a limit, so one hostile
/// field can neither break the prompt's layout nor crowd out the rest.
public struct RationaleContext: Sendable, Equatable {
    /// Limits, in characters.
    public struct Limits: Sendable, Equatable {
        public var field = 200
        public var description = 1_000
        public var evidenceText = 600
        public var evidenceItems = 12
        public var attributions = 8
        /// The whole filled-in user message stays under this.
        public var total = 8_000
        public init() {}
    }

    public var values: [String: String]

    public init(policy: PolicyArea?, policyKey: String, merchant: Merchant, scores: [ModelScore],
                attributions: [Attribution], evidence: [Evidence], limits: Limits = Limits()) {
        func clean(_ s: String?, _ max: Int) -> String {
            guard let s else { return "" }
            var out = String.UnicodeScalarView()
            var lastSpace = false
            for u in s.unicodeScalars {
                let isSpace = u.properties.isWhitespace || u.value < 0x20 || (0x7F...0x9F).contains(u.value)
                let isFormat = u.properties.generalCategory == .format || u.properties.generalCategory == .unassigned
                if isFormat { continue }
                if isSpace {
                    if !lastSpace { out.append(" ") }
                    lastSpace = true
                } else {
                    out.append(u)
                    lastSpace = false
                }
            }
            let t = String(out).trimmingCharacters(in: .whitespaces)
            return t.count <= max ? t : String(t.prefix(max - 1)) + "…"
        }
        var v: [String: String] = [:]
        v["policy"] = clean(policyKey, limits.field)
        v["policy_name"] = clean(policy?.name ?? policyKey, limits.field)
        v["policy_summary"] = clean(policy?.summary, limits.description)
        var m = ["- name: " + clean(merchant.name, limits.field)]
        if let x = merchant.id { m.append("- account: " + clean(x, limits.field)) }
        if let x = merchant.country { m.append("- country: " + clean(x, limits.field)) }
        if let x = merchant.mcc { m.append("- MCC: " + clean(x, limits.field)) }
        if let x = merchant.url { m.append("- website: " + clean(x, limits.field)) }
        if let x = merchant.description { m.append("- description: " + clean(x, limits.description)) }
        v["merchant"] = m.joined(separator: "\n")
        // Each model's latest score.
        var latest: [String: ModelScore] = [:]
        var order: [String] = []
        for s in scores {
            if latest[s.model] == nil { order.append(s.model) }
            latest[s.model] = s
        }
        v["scores"] = order.isEmpty ? "- none" : order.compactMap { latest[$0] }.map { s in
            "- " + clean(s.model, limits.field) + " " + clean(s.version, limits.field) + ": " + String(format: "%.3f", s.score)
                + (s.threshold.map { String(format: " (threshold %.3f)", $0) } ?? "")
        }.joined(separator: "\n")
        // The headline model's latest attribution, strongest first.
        let head = ModelScore.headline(of: scores)
        let attribution = attributions.last { $0.model == head?.model && $0.version == head?.version } ?? attributions.last
        if let a = attribution {
            let top = a.items.sorted { abs($0.contribution) > abs($1.contribution) }.prefix(limits.attributions)
            v["attributions"] = top.map { i in
                var line = "- " + clean(i.feature, limits.field)
                if let value = i.value { line += " = " + clean(Self.text(value), limits.field) }
                return line + String(format: ": %+.3f", i.contribution)
            }.joined(separator: "\n")
        } else {
            v["attributions"] = "- none"
        }
        let shown = evidence.prefix(limits.evidenceItems)
        var ev = shown.map { e in
            var head = "[" + clean(e.id, 64) + "]"
            let about = [e.kind, e.source].compactMap { $0 }.map { clean($0, limits.field) }.filter { !$0.isEmpty }
            if !about.isEmpty { head += " " + about.joined(separator: " · ") }
            let text = clean(e.text, limits.evidenceText)
            return text.isEmpty ? head : head + ": " + text
        }
        if evidence.count > shown.count { ev.append("(\(evidence.count - shown.count) more items not shown)") }
        v["evidence"] = ev.isEmpty ? "- none" : ev.joined(separator: "\n")
        // Keep the whole under the total: evidence goes first, item by item from the end.
        func size() -> Int { v.values.reduce(0) { $0 + $1.count } }
        while size() > limits.total, !ev.isEmpty {
            ev.removeLast()
            v["evidence"] = (ev + ["(more evidence not shown: the prompt's size limit)"]).joined(separator: "\n")
        }
        values = v
    }

    private static func text(_ v: FeatureValue) -> String {
        switch v {
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(format: "%.4g", d)
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }
}
