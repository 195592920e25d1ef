/// The decisions people can make and the reason codes they can give, per policy area.
///
/// Decisions are shared by every policy area; reason codes are either global or belong to one
/// policy area. Every decision and reason has a single-key hotkey for the workbench.
public struct Taxonomy: Sendable, Equatable {
    public var decisions: [Decision]
    public var policies: [PolicyArea]
    /// Reason codes offered in every policy area.
    public var globalReasons: [ReasonCode]

    public init(decisions: [Decision], policies: [PolicyArea], globalReasons: [ReasonCode] = []) {
        self.decisions = decisions
        self.policies = policies
        self.globalReasons = globalReasons
    }

    public func decision(_ key: String) -> Decision? { decisions.first { $0.key == key } }
    public func decision(hotkey: Character) -> Decision? { decisions.first { $0.hotkey == hotkey } }
    public func policy(_ key: String) -> PolicyArea? { policies.first { $0.key == key } }
    public var policyKeys: Set<String> { Set(policies.map(\.key)) }

    /// The reason codes offered for `decision` in `policy`: the policy's own, then the global ones.
    public func reasons(policy: String, decision: String? = nil) -> [ReasonCode] {
        let own = self.policy(policy)?.reasons ?? []
        return (own + globalReasons).filter { r in
            guard let decision, let only = r.decisions else { return true }
            return only.contains(decision)
        }
    }

    /// Problems that make a taxonomy unusable: duplicate keys or hotkeys, empty names.
    public func problems() -> [String] {
        var out: [String] = []
        if decisions.isEmpty { out.append("no decisions") }
        func dupes<T: Hashable>(_ xs: [T]) -> [T] {
            var seen = Set<T>(), d: [T] = []
            for x in xs where !seen.insert(x).inserted { d.append(x) }
            return d
        }
        for k in dupes(decisions.map(\.key)) { out.append("decision '\(k)' is defined twice") }
        for h in dupes(decisions.map(\.hotkey)) { out.append("decision hotkey '\(h)' is used twice") }
        for k in dupes(policies.map(\.key)) { out.append("policy '\(k)' is defined twice") }
        let keys = Set(decisions.map(\.key))
        for p in policies {
            let rs = p.reasons + globalReasons
            for c in dupes(rs.map(\.code)) { out.append("reason '\(c)' is defined twice in policy '\(p.key)'") }
            for h in dupes(rs.map(\.hotkey)) { out.append("reason hotkey '\(h)' is used twice in policy '\(p.key)'") }
            for r in rs { for d in r.decisions ?? [] where !keys.contains(d) {
                out.append("reason '\(r.code)' names unknown decision '\(d)'")
            } }
        }
        return out
    }
}

/// One decision a person can record, e.g. violation (`v`).
public struct Decision: Sendable, Equatable {
    public var key: String
    public var label: String
    public var hotkey: Character
    /// A final decision closes the case (status `decided`); a non-final one (unsure, escalate)
    /// sends it to a lead (status `escalated`).
    public var isFinal: Bool
    /// What the decision says about the model's flag, for consensus-based model quality and
    /// suspect labels: `positive` confirms it (a violation), `negative` refutes it; nil (unsure,
    /// escalate) says neither.
    public var outcome: Outcome?

    public init(key: String, label: String, hotkey: Character, isFinal: Bool, outcome: Outcome? = nil) {
        self.key = key
        self.label = label
        self.hotkey = hotkey
        self.isFinal = isFinal
        self.outcome = outcome
    }

    /// The case status a label with this decision leads to.
    public var resultingStatus: CaseStatus { isFinal ? .decided : .escalated }
}

/// What a decision says about the merchant the model flagged.
public enum Outcome: String, Sendable, CaseIterable, Codable {
    /// The flag was right: the merchant violates the policy (the model's positive class).
    case positive
    /// The flag was wrong: no violation.
    case negative
}

/// A reason code that explains a decision, e.g. `unlicensed_gambling` (`1`).
public struct ReasonCode: Sendable, Equatable {
    public var code: String
    public var label: String
    public var hotkey: Character
    /// The decisions this reason applies to; nil means any.
    public var decisions: [String]?

    public init(code: String, label: String, hotkey: Character, decisions: [String]? = nil) {
        self.code = code
        self.label = label
        self.hotkey = hotkey
        self.decisions = decisions
    }
}

/// A policy area: the queue a case belongs to, with its own reason codes.
public struct PolicyArea: Sendable, Equatable {
    public var key: String
    public var name: String
    /// What the policy covers, for help screens.
    public var summary: String?
    public var reasons: [ReasonCode]
    /// How long an open case may wait, in hours since it was flagged, before it breaches the
    /// service level; nil: ``PolicyArea/defaultSLAHours``.
    public var slaHours: Double?

    public init(key: String, name: String, summary: String? = nil, slaHours: Double? = nil, reasons: [ReasonCode] = []) {
        self.key = key
        self.name = name
        self.summary = summary
        self.reasons = reasons
        self.slaHours = slaHours
    }

    /// The service level of a policy area that sets none: three days.
    public static let defaultSLAHours: Double = 72
}
