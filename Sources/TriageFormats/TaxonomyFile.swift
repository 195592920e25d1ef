import Foundation
import TOMLKit
import TriageCore

/// Problems in a taxonomy file, each naming the file, the line and the key.
public typealias TaxonomyFileError = TOMLFileError

/// The taxonomy file: decisions, global reason codes and policy areas with their own reason
/// codes, in TOML.
///
/// ```toml
/// # decisions apply to every policy area
/// [[decision]]
/// key = "violation"
/// label = "Violation"
/// hotkey = "v"
/// final = true              # true closes the case; false (unsure, escalate) sends it to a lead
/// outcome = "positive"      # optional: "positive" confirms the model's flag, "negative" refutes it
///
/// [[reason]]                # global reason codes, offered in every policy area
/// code = "false_positive"
/// label = "Model false positive"
/// hotkey = "f"
/// decisions = ["no_violation"]   # optional; absent = any decision
///
/// [[policy]]
/// key = "gambling"
/// name = "Gambling"
/// summary = "Games of chance for money without a licence"   # optional
/// sla_hours = 72            # optional: hours an open case may wait (default 72)
///
///   [[policy.reason]]       # reason codes offered in this policy area only
///   code = "unlicensed_gambling"
///   label = "Unlicensed online gambling"
///   hotkey = "1"
///   decisions = ["violation"]
/// ```
///
/// Keys (`decision.key`, `reason.code`, `policy.key`) may contain letters, digits, `_`, `-` and
/// `.`. A hotkey is one character. Decision keys and hotkeys must be unique; reason codes and
/// hotkeys must be unique within each policy area, counting the global reasons. Unknown keys are
/// errors (they are usually typos).
public enum TaxonomyFile {
    /// Parses a taxonomy file. Throws ``TaxonomyFileError`` listing every problem found: TOML
    /// syntax (with line and column), missing or mistyped keys, unknown keys, duplicate keys or
    /// hotkeys, reasons naming unknown decisions.
    public static func parse(text: String, fileName: String = "taxonomy.toml") throws(TaxonomyFileError) -> Taxonomy {
        func fail(_ p: [TaxonomyFileError.Problem]) -> TaxonomyFileError { TaxonomyFileError(fileName: fileName, problems: p) }
        let root = try TOMLFileError.table(text: text, fileName: fileName)
        var reader = Reader(lines: LineIndex(text: text))
        let taxonomy = reader.read(root)
        if !reader.problems.isEmpty { throw fail(reader.problems) }
        // Belt and braces: anything the core rules object to that the checks above missed.
        let rest = taxonomy.problems()
        if !rest.isEmpty { throw fail(rest.map { .init(line: nil, key: nil, message: $0) }) }
        return taxonomy
    }

    /// Reads and parses the file at `path` (named by its last path component in errors).
    public static func load(path: String) throws -> Taxonomy {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try parse(text: text, fileName: (path as NSString).lastPathComponent)
    }

    /// The taxonomy as a TOML file in the format ``parse(text:fileName:)`` reads.
    public static func render(_ taxonomy: Taxonomy) -> String {
        var out = ""
        func line(_ indent: String, _ key: String, _ value: String) { out += "\(indent)\(key) = \(value)\n" }
        func reason(_ r: ReasonCode, table: String, indent: String) {
            out += "\(indent)[[\(table)]]\n"
            line(indent, "code", quoted(r.code))
            line(indent, "label", quoted(r.label))
            line(indent, "hotkey", quoted(String(r.hotkey)))
            if let ds = r.decisions { line(indent, "decisions", "[" + ds.map(quoted).joined(separator: ", ") + "]") }
        }
        out += "# Decisions apply to every policy area. final = true closes the case;\n"
        out += "# final = false (unsure, escalate) sends it to a lead.\n"
        out += "# outcome = \"positive\" confirms the model's flag (a violation), \"negative\" refutes it;\n"
        out += "# leave it out for decisions that say neither. Consensus and suspect labels use it.\n"
        for d in taxonomy.decisions {
            out += "[[decision]]\n"
            line("", "key", quoted(d.key))
            line("", "label", quoted(d.label))
            line("", "hotkey", quoted(String(d.hotkey)))
            line("", "final", d.isFinal ? "true" : "false")
            if let o = d.outcome { line("", "outcome", quoted(o.rawValue)) }
            out += "\n"
        }
        if !taxonomy.globalReasons.isEmpty {
            out += "# Global reason codes, offered in every policy area.\n"
            out += "# decisions = [...] limits a reason to those decisions; absent = any decision.\n"
            for r in taxonomy.globalReasons {
                reason(r, table: "reason", indent: "")
                out += "\n"
            }
        }
        if !taxonomy.policies.isEmpty {
            out += "# Policy areas (queues), each with its own reason codes.\n"
        }
        for p in taxonomy.policies {
            out += "[[policy]]\n"
            line("", "key", quoted(p.key))
            line("", "name", quoted(p.name))
            if let s = p.summary { line("", "summary", quoted(s)) }
            if let h = p.slaHours { line("", "sla_hours", h == h.rounded() && abs(h) < 1e15 ? String(Int64(h)) : String(h)) }
            for r in p.reasons {
                out += "\n"
                reason(r, table: "policy.reason", indent: "  ")
            }
            out += "\n"
        }
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }

    /// `s` as a TOML basic string: quoted, with `"`, `\` and control characters escaped.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

    // MARK: - Reading

    /// Where keys and tables are in the text: TOMLKit does not report positions of parsed values,
    /// so a light line scan maps key paths (`decision[2].hotkey`) to lines. It understands the
    /// layout this format uses (`[[table]]` headers, `key = value` lines); values written some
    /// other way (inline tables, dotted keys) are reported at their table's line or without one.
    struct LineIndex {
        private(set) var lines: [String: Int] = [:]

        init(text: String) {
            var counts: [String: Int] = [:]
            var policy = -1
            var policyReason = -1
            var path = ""
            var inMultiline = false
            var n = 0
            for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
                n += 1
                let l = raw.drop { $0 == " " || $0 == "\t" }
                let triples = l.components(separatedBy: "\"\"\"").count - 1 + l.components(separatedBy: "'''").count - 1
                if inMultiline {
                    if triples % 2 == 1 { inMultiline = false }
                    continue
                }
                if l.hasPrefix("[[") {
                    guard let close = l.range(of: "]]") else { continue }
                    let name = l[l.index(l.startIndex, offsetBy: 2)..<close.lowerBound]
                        .trimmingCharacters(in: .whitespaces)
                    switch name {
                    case "policy":
                        policy += 1
                        policyReason = -1
                        path = "policy[\(policy)]"
                    case "policy.reason":
                        policyReason += 1
                        path = "policy[\(max(policy, 0))].reason[\(policyReason)]"
                    default:
                        let i = counts[name, default: -1] + 1
                        counts[name] = i
                        path = "\(name)[\(i)]"
                    }
                    if lines[path] == nil { lines[path] = n }
                    continue
                }
                if l.hasPrefix("[") {
                    if let close = l.firstIndex(of: "]") {
                        path = l[l.index(after: l.startIndex)..<close].trimmingCharacters(in: .whitespaces)
                        if lines[path] == nil { lines[path] = n }
                    }
                    continue
                }
                guard let eq = l.firstIndex(of: "=") else { continue }
                var key = l[..<eq].trimmingCharacters(in: .whitespaces)
                if key.count >= 2, let f = key.first, f == "\"" || f == "'", key.last == f {
                    key = String(key.dropFirst().dropLast())
                }
                guard !key.isEmpty, !key.hasPrefix("#") else { continue }
                let full = path.isEmpty ? key : "\(path).\(key)"
                if lines[full] == nil { lines[full] = n }
                if triples % 2 == 1 { inMultiline = true }
            }
        }

        /// The line of `path`, or of the nearest enclosing table that has one.
        func line(of path: String) -> Int? {
            var p = Substring(path)
            while true {
                if let l = lines[String(p)] { return l }
                guard let dot = p.lastIndex(of: ".") else { return nil }
                p = p[..<dot]
            }
        }
    }

    struct Reader {
        let lines: LineIndex
        var problems: [TaxonomyFileError.Problem] = []

        init(lines: LineIndex) { self.lines = lines }

        mutating func problem(_ key: String?, _ message: String) {
            problems.append(.init(line: key.flatMap { lines.line(of: $0) }, key: key, message: message))
        }

        /// The tables of an array of tables, or a problem.
        mutating func tables(_ value: TOMLValueConvertible?, _ key: String) -> [TOMLTable] {
            guard let value else { return [] }
            guard let array = value.array else {
                problem(key, "must be an array of tables, written [[\(key)]]")
                return []
            }
            var out: [TOMLTable] = []
            for (i, v) in array.enumerated() {
                if let t = v.table { out.append(t) } else { problem("\(key)[\(i)]", "must be a table") }
            }
            return out
        }

        mutating func unknownKeys(_ table: TOMLTable, _ path: String, known: [String]) {
            for k in table.keys.sorted() where !known.contains(k) {
                problem(path.isEmpty ? k : "\(path).\(k)",
                        "is not a known key (expected \(known.joined(separator: ", ")))")
            }
        }

        mutating func string(_ table: TOMLTable, _ path: String, _ key: String, required: Bool = true) -> String? {
            let full = "\(path).\(key)"
            guard let v = table[key] else {
                if required { problem(full, "is missing") }
                return nil
            }
            guard let s = v.string else {
                problem(full, "must be a string (in quotes), not \(describe(v))")
                return nil
            }
            if required && s.trimmingCharacters(in: .whitespaces).isEmpty {
                problem(full, "must not be empty")
                return nil
            }
            return s
        }

        mutating func identifier(_ table: TOMLTable, _ path: String, _ key: String) -> String? {
            guard let s = string(table, path, key) else { return nil }
            let ok = s.unicodeScalars.allSatisfy {
                ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9")
                    || $0 == "_" || $0 == "-" || $0 == "."
            }
            if !ok {
                problem("\(path).\(key)", "must contain only letters, digits, '_', '-' or '.', not \(TaxonomyFile.quoted(s))")
                return nil
            }
            return s
        }

        mutating func hotkey(_ table: TOMLTable, _ path: String) -> Character? {
            let full = "\(path).hotkey"
            guard let v = table["hotkey"] else {
                problem(full, "is missing")
                return nil
            }
            guard let s = v.string else {
                let hint = v.int.map { " (put it in quotes: hotkey = \"\($0)\")" } ?? ""
                problem(full, "must be a single character in quotes, not \(describe(v))\(hint)")
                return nil
            }
            guard s.count == 1, let c = s.first, !c.isWhitespace,
                  !c.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                problem(full, "must be a single character, not \(TaxonomyFile.quoted(s))")
                return nil
            }
            return c
        }

        func describe(_ v: TOMLValueConvertible) -> String {
            switch v.type {
            case .string: return "a string"
            case .int: return "the integer \(v.int.map(String.init) ?? "")"
            case .double: return "a number"
            case .bool: return "true/false"
            case .array: return "an array"
            case .table: return "a table"
            default: return "a \(v.type)"
            }
        }

        mutating func reason(_ t: TOMLTable, _ path: String) -> ReasonCode? {
            unknownKeys(t, path, known: ["code", "label", "hotkey", "decisions"])
            let code = identifier(t, path, "code")
            let label = string(t, path, "label")
            let hotkey = hotkey(t, path)
            var decisions: [String]?
            if let v = t["decisions"] {
                let full = "\(path).decisions"
                if let a = v.array {
                    var ds: [String] = []
                    for (i, x) in a.enumerated() {
                        if let s = x.string { ds.append(s) } else { problem(full, "item \(i + 1) must be a string, not \(describe(x))") }
                    }
                    if a.isEmpty { problem(full, "must name at least one decision (leave it out for any decision)") }
                    decisions = ds
                } else {
                    problem(full, "must be an array of decision keys, e.g. [\"violation\"]")
                }
            }
            guard let code, let label, let hotkey else { return nil }
            return ReasonCode(code: code, label: label, hotkey: hotkey, decisions: decisions)
        }

        mutating func read(_ root: TOMLTable) -> Taxonomy {
            unknownKeys(root, "", known: ["decision", "reason", "policy"])
            var decisions: [Decision] = []
            var decisionPaths: [String] = []
            let decisionTables = tables(root["decision"], "decision")
            if root["decision"] == nil { problem(nil, "has no [[decision]] tables (at least one decision is needed)") }
            for (i, t) in decisionTables.enumerated() {
                let path = "decision[\(i)]"
                unknownKeys(t, path, known: ["key", "label", "hotkey", "final", "outcome"])
                let key = identifier(t, path, "key")
                let label = string(t, path, "label")
                let hotkey = hotkey(t, path)
                var isFinal: Bool?
                if let v = t["final"] {
                    isFinal = v.bool
                    if isFinal == nil { problem("\(path).final", "must be true or false, not \(describe(v))") }
                } else {
                    problem("\(path).final", "is missing (true closes the case, false sends it to a lead)")
                }
                var outcome: Outcome?
                var outcomeOK = true
                if t["outcome"] != nil, let text = string(t, path, "outcome") {
                    outcome = Outcome(rawValue: text)
                    if outcome == nil {
                        outcomeOK = false
                        problem("\(path).outcome", "must be \"positive\" or \"negative\" (or left out), not \"\(text)\"")
                    }
                }
                if let key, let label, let hotkey, let isFinal, outcomeOK {
                    decisions.append(Decision(key: key, label: label, hotkey: hotkey, isFinal: isFinal, outcome: outcome))
                    decisionPaths.append(path)
                }
            }
            var globals: [ReasonCode] = []
            var globalPaths: [String] = []
            for (i, t) in tables(root["reason"], "reason").enumerated() {
                if let r = reason(t, "reason[\(i)]") {
                    globals.append(r)
                    globalPaths.append("reason[\(i)]")
                }
            }
            var policies: [PolicyArea] = []
            var policyPaths: [String] = []
            var policyReasonPaths: [[String]] = []
            for (i, t) in tables(root["policy"], "policy").enumerated() {
                let path = "policy[\(i)]"
                unknownKeys(t, path, known: ["key", "name", "summary", "sla_hours", "reason"])
                let key = identifier(t, path, "key")
                let name = string(t, path, "name")
                let summary = string(t, path, "summary", required: false)
                var sla: Double?
                var slaOK = true
                if let v = t["sla_hours"] {
                    sla = v.double ?? v.int.map(Double.init)
                    if sla == nil || !(sla! > 0 && sla! <= 24 * 365) {
                        slaOK = false
                        problem("\(path).sla_hours", "must be a number of hours above 0 and at most 8760 (a year), not \(describe(v))")
                    }
                }
                var reasons: [ReasonCode] = []
                var paths: [String] = []
                for (j, rt) in tables(t["reason"], "\(path).reason").enumerated() {
                    if let r = reason(rt, "\(path).reason[\(j)]") {
                        reasons.append(r)
                        paths.append("\(path).reason[\(j)]")
                    }
                }
                if let key, let name, slaOK {
                    policies.append(PolicyArea(key: key, name: name, summary: summary, slaHours: sla, reasons: reasons))
                    policyPaths.append(path)
                    policyReasonPaths.append(paths)
                }
            }

            // Uniqueness and references, reported at the later of two clashing entries.
            func clashes<T: Hashable>(_ values: [T], _ paths: [String], _ key: String, _ what: (T) -> String) {
                var first: [T: String] = [:]
                for (v, p) in zip(values, paths) {
                    if let earlier = first[v] {
                        problem("\(p).\(key)", "\(what(v)) is already used by \(earlier)")
                    } else {
                        first[v] = p
                    }
                }
            }
            clashes(decisions.map(\.key), decisionPaths, "key") { "'\($0)'" }
            clashes(decisions.map(\.hotkey), decisionPaths, "hotkey") { "'\($0)'" }
            clashes(policies.map(\.key), policyPaths, "key") { "'\($0)'" }
            clashes(globals.map(\.code), globalPaths, "code") { "'\($0)'" }
            clashes(globals.map(\.hotkey), globalPaths, "hotkey") { "'\($0)'" }
            for (p, paths) in zip(policies, policyReasonPaths) {
                // A policy's own reasons against the global ones and each other.
                var codes: [String: String] = [:], hotkeys: [Character: String] = [:]
                for (r, path) in zip(globals, globalPaths) {
                    if codes[r.code] == nil { codes[r.code] = path }
                    if hotkeys[r.hotkey] == nil { hotkeys[r.hotkey] = path }
                }
                for (r, path) in zip(p.reasons, paths) {
                    if let earlier = codes[r.code] {
                        problem("\(path).code", "'\(r.code)' is already used by \(earlier)")
                    } else { codes[r.code] = path }
                    if let earlier = hotkeys[r.hotkey] {
                        problem("\(path).hotkey", "'\(r.hotkey)' is already used by \(earlier)")
                    } else { hotkeys[r.hotkey] = path }
                }
            }
            let keys = decisions.map(\.key)
            let all = zip(globals, globalPaths).map { ($0, $1) }
                + zip(policies, policyReasonPaths).flatMap { p, paths in zip(p.reasons, paths).map { ($0, $1) } }
            for (r, path) in all {
                for d in r.decisions ?? [] where !keys.contains(d) {
                    problem("\(path).decisions", "names unknown decision '\(d)' (known: \(keys.joined(separator: ", ")))")
                }
            }
            return Taxonomy(decisions: decisions, policies: policies, globalReasons: globals)
        }
    }
}
