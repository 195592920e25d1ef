/// A problem with one field of one case record, e.g. `scores[0].score: 1.3 is outside [0, 1]`.
public struct FieldIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where in the record: a JSON path such as `scores[0].score` or a CSV column name.
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { field.isEmpty ? reason : "\(field): \(reason)" }
}

/// The rules a case record must satisfy before it is stored, beyond its shape.
public struct CaseRules: Sendable {
    /// Known policy areas; nil accepts any.
    public var policies: Set<String>?
    /// Known decisions, for `gold_label`; nil accepts any.
    public var decisions: Set<String>?
    /// How far base + Σ contributions may be from the score (in the attribution's space).
    public var additivityTolerance: Double
    /// The policy for records that name none.
    public var defaultPolicy: String?

    public static let defaultTolerance = 0.01

    public init(policies: Set<String>? = nil, decisions: Set<String>? = nil,
                additivityTolerance: Double = CaseRules.defaultTolerance, defaultPolicy: String? = nil) {
        self.policies = policies
        self.decisions = decisions
        self.additivityTolerance = additivityTolerance
        self.defaultPolicy = defaultPolicy
    }

    /// Rules from a taxonomy: its policy areas and decisions.
    public init(taxonomy: Taxonomy, additivityTolerance: Double = CaseRules.defaultTolerance,
                defaultPolicy: String? = nil) {
        self.init(policies: taxonomy.policyKeys, decisions: Set(taxonomy.decisions.map(\.key)),
                  additivityTolerance: additivityTolerance, defaultPolicy: defaultPolicy)
    }

    /// Every rule the record breaks (empty when it is valid).
    public func issues(in r: CaseRecord) -> [FieldIssue] {
        var out: [FieldIssue] = []
        func bad(_ f: String, _ why: String) { out.append(FieldIssue(field: f, reason: why)) }

        // SQLite (and C strings generally) end text at a NUL: refuse it rather than lose the rest.
        // (The field's name is only built when there is a problem: this runs for every field of
        // every imported record.)
        func nul(_ f: @autoclosure () -> String, _ t: String?) {
            if let t, Self.containsNUL(t) { bad(f(), "contains a NUL character (U+0000), which cannot be stored") }
        }
        nul("case_id", r.caseID)
        nul("policy", r.policy)
        nul("merchant.id", r.merchant.id)
        nul("merchant.name", r.merchant.name)
        nul("merchant.country", r.merchant.country)
        nul("merchant.mcc", r.merchant.mcc)
        nul("merchant.url", r.merchant.url)
        nul("merchant.description", r.merchant.description)
        nul("gold_label", r.goldLabel)
        for (i, s) in r.scores.enumerated() { nul("scores[\(i)].model", s.model); nul("scores[\(i)].version", s.version) }
        for (i, ra) in r.rationales.enumerated() {
            nul("rationales[\(i)].text", ra.text)
            nul("rationales[\(i)].model", ra.model)
            nul("rationales[\(i)].prompt_version", ra.promptVersion)
            for id in ra.evidenceIDs { nul("rationales[\(i)].evidence", id) }
        }
        for (i, e) in r.evidence.enumerated() {
            nul("evidence[\(i)].id", e.id); nul("evidence[\(i)].kind", e.kind)
            nul("evidence[\(i)].source", e.source); nul("evidence[\(i)].text", e.text)
        }
        for f in r.features {
            nul("features", f.name)
            if case .string(let v) = f.value { nul("features.\(f.name)", v) }
        }
        for (i, a) in r.attributions.enumerated() {
            for (j, item) in a.items.enumerated() {
                nul("attributions[\(i)].items[\(j)].feature", item.feature)
                if case .string(let v)? = item.value { nul("attributions[\(i)].items[\(j)].value", v) }
            }
        }
        if r.caseID.isEmpty { bad("case_id", "is empty") }
        if r.caseID.utf8.count > 200 { bad("case_id", "is longer than 200 bytes") }
        // A case id is an identifier that commands print and scripts read back (`triage next`):
        // a control character in one is never data, and could act on a terminal.
        if r.caseID.unicodeScalars.contains(where: { (0x01...0x1F).contains($0.value) || (0x7F...0x9F).contains($0.value) }) {
            bad("case_id", "contains a control character (tab, line break, escape…), which an id cannot hold")
        }
        // Scripts pass ids to commands (`triage label "$id" …`): one that starts with '-' would be
        // read as an option (`--help` printed help and exited 0; `next` then served it forever).
        if r.caseID.hasPrefix("-") { bad("case_id", "must not start with '-' (a command would read it as an option)") }
        if r.merchant.name.isEmpty { bad("merchant.name", "is empty") }
        let policy = r.policy ?? defaultPolicy
        if let policy {
            if let known = policies, !known.contains(policy) {
                bad("policy", "unknown policy '\(policy)' (known: \(known.sorted().joined(separator: ", ")))")
            }
        } else {
            bad("policy", "missing (give each line a policy, or import with --policy)")
        }
        if let g = r.goldLabel, let known = decisions, !known.contains(g) {
            bad("gold_label", "unknown decision '\(g)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        if r.scores.isEmpty { bad("scores", "needs at least one {model, version, score}") }
        let repeatedScores = Self.repeats(r.scores.map { "\($0.model)\u{0}\($0.version)" })
        for (i, s) in r.scores.enumerated() {
            let f = "scores[\(i)]"
            if s.model.isEmpty { bad("\(f).model", "is empty") }
            if s.version.isEmpty { bad("\(f).version", "is empty") }
            if !s.score.isFinite {
                bad("\(f).score", "\(nonFiniteName(s.score)) is not a score (must be a number in [0, 1])")
            } else if s.score < 0 || s.score > 1 {
                bad("\(f).score", "\(s.score) is outside [0, 1]")
            }
            if let t = s.threshold {
                if !t.isFinite {
                    bad("\(f).threshold", "\(nonFiniteName(t)) is not a threshold (must be a number in [0, 1])")
                } else if t < 0 || t > 1 {
                    bad("\(f).threshold", "\(t) is outside [0, 1]")
                }
            }
            if repeatedScores.contains(i) {
                bad(f, "model '\(s.model)' version '\(s.version)' is scored twice")
            }
        }
        for (i, a) in r.attributions.enumerated() {
            let f = r.attributions.count == 1 ? "attributions" : "attributions[\(i)]"
            guard let s = r.scores.first(where: { $0.model == a.model && $0.version == a.version }) else {
                bad("\(f).model", "no score for model '\(a.model)' version '\(a.version)' to explain")
                continue
            }
            if !a.baseValue.isFinite { bad("\(f).base_value", "must be a finite number, got \(nonFiniteName(a.baseValue))") }
            let repeatedItems = Self.repeats(a.items.map(\.feature))
            for (j, item) in a.items.enumerated() {
                if !item.contribution.isFinite {
                    bad("\(f).items[\(j)].contribution", "must be a finite number, got \(nonFiniteName(item.contribution))")
                }
                if item.feature.isEmpty { bad("\(f).items[\(j)].feature", "is empty") }
                if repeatedItems.contains(j) {
                    bad("\(f).items[\(j)].feature", "feature '\(item.feature)' appears twice")
                }
            }
            if a.baseValue.isFinite, a.items.allSatisfy({ $0.contribution.isFinite }), s.score.isFinite {
                if !a.addsUp(to: s.score, tolerance: additivityTolerance) {
                    let gap = a.additivityGap(score: s.score)
                    let target = a.space == .logit ? "logit(score)" : "score"
                    bad(f, "contributions do not add up: base_value + Σ contributions = \(rounded(a.total)), "
                        + "\(target) = \(rounded(a.space == .logit ? Logit.logit(s.score) : s.score)) "
                        + "(gap \(rounded(gap)) > tolerance \(additivityTolerance))")
                }
            }
        }
        var reportedFeatures = Set<String>()
        for i in Self.repeats(r.features.map(\.name)) where reportedFeatures.insert(r.features[i].name).inserted {
            bad("features.\(r.features[i].name)", "appears twice")
        }
        let repeatedEvidence = Self.repeats(r.evidence.map(\.id))
        for (i, e) in r.evidence.enumerated() {
            if e.id.isEmpty { bad("evidence[\(i)].id", "is empty") }
            if repeatedEvidence.contains(i) { bad("evidence[\(i)].id", "'\(e.id)' appears twice") }
        }
        for (i, ra) in r.rationales.enumerated() {
            if ra.text.isEmpty { bad("rationales[\(i)].text", "is empty") }
            if ra.model.isEmpty { bad("rationales[\(i)].model", "is empty") }
        }
        return out
    }

    /// Whether `text` contains U+0000 (a scan of its UTF-8 bytes in place).
    static func containsNUL(_ text: String) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { $0.contains(0) } ?? text.utf8.contains(0)
    }

    /// The positions of the names that repeat an earlier one, in order. Records carry a few dozen
    /// names at most, where comparing pairs beats hashing each one; long lists are hashed.
    static func repeats(_ names: [String]) -> [Int] {
        var out: [Int] = []
        if names.count <= 64 {
            for i in names.indices where names[..<i].contains(names[i]) { out.append(i) }
        } else {
            var seen = Set<String>()
            for (i, n) in names.enumerated() where !seen.insert(n).inserted { out.append(i) }
        }
        return out
    }

    /// A non-finite number as Python writes it (`NaN`, `Infinity`, `-Infinity`), as files spell it.
    private func nonFiniteName(_ x: Double) -> String { x.isNaN ? "NaN" : x < 0 ? "-Infinity" : "Infinity" }

    private func rounded(_ x: Double) -> String {
        let s = (x * 10_000).rounded() / 10_000
        return "\(s)"
    }
}
