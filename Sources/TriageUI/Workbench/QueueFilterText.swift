import TriageCore
import TriageStore

/// The filter prompt's language: space-separated `country=CA`, `score>=0.8`, `score<=0.95`,
/// `status=open|decided|escalated|all`, `policy=NAME|all`, `model=NAME@VERSION`. The empty text clears every filter.
public enum QueueFilterText {
    /// The usage shown with an error.
    public static let usage = "country=CA score>=0.8 score<=0.95 status=open|decided|escalated|all policy=NAME model=NAME@VERSION"

    /// `query` with its filters (policy, status, country, score bounds) replaced by those `text`
    /// names (filters not named are cleared: status back to open); sort and search are kept.
    /// `policies` are the valid policy keys (nil: any). Fails with a message on bad input.
    public static func apply(_ text: String, to query: QueueQuery,
                             policies: Set<String>?) -> Result<QueueQuery, FilterError> {
        var q = QueueQuery(sort: query.sort, search: query.search)
        var model: String?
        for token in text.split(whereSeparator: \.isWhitespace).map(String.init) {
            if let v = value(token, "score>=") {
                guard let x = score(v) else { return .failure(FilterError("bad score '\(v)': use a number from 0 to 1")) }
                q.minScore = x
            } else if let v = value(token, "score<=") {
                guard let x = score(v) else { return .failure(FilterError("bad score '\(v)': use a number from 0 to 1")) }
                q.maxScore = x
            } else if let v = value(token, "country=") {
                guard v.count == 2, v.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                    return .failure(FilterError("bad country '\(v)': use a two-letter code like CA"))
                }
                q.country = v.uppercased()
            } else if let v = value(token, "status=") {
                if v == "all" { q.status = nil } else if let s = CaseStatus(rawValue: v) { q.status = s } else {
                    return .failure(FilterError("bad status '\(v)': use open, decided, escalated or all"))
                }
            } else if let v = value(token, "policy=") {
                if v == "all" { q.policy = nil } else if policies == nil || policies!.contains(v) { q.policy = v } else {
                    let known = (policies ?? []).sorted().joined(separator: ", ")
                    return .failure(FilterError("unknown policy '\(v)': use one of \(known) or all"))
                }
            } else if let v = value(token, "model=") {
                let at = v.lastIndex(of: "@")
                guard let at, at != v.startIndex, v.index(after: at) != v.endIndex else {
                    return .failure(FilterError("bad model '\(v)': use model=NAME@VERSION"))
                }
                model = v
            } else {
                return .failure(FilterError("unknown filter '\(token)': use \(usage)"))
            }
        }
        if let lo = q.minScore, let hi = q.maxScore, lo > hi {
            return .failure(FilterError("score>= is above score<=: nothing would match"))
        }
        q.modelVersion = model
        return .success(q)
    }

    /// `query`'s filters in the prompt's language (what the prompt starts with).
    public static func text(of query: QueueQuery) -> String {
        var parts: [String] = []
        if let p = query.policy { parts.append("policy=" + p) }
        if query.status != .open { parts.append("status=" + (query.status?.rawValue ?? "all")) }
        if let c = query.country { parts.append("country=" + c) }
        if let lo = query.minScore { parts.append("score>=" + trimmed(lo)) }
        if let hi = query.maxScore { parts.append("score<=" + trimmed(hi)) }
        if let m = query.modelVersion { parts.append("model=" + m) }
        return parts.joined(separator: " ")
    }

    /// Why a filter text was refused.
    public struct FilterError: Error, Sendable, Equatable {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    private static func value(_ token: String, _ prefix: String) -> String? {
        token.lowercased().hasPrefix(prefix) ? String(token.dropFirst(prefix.count)) : nil
    }

    private static func score(_ s: String) -> Double? {
        guard let x = Double(s), x.isFinite, (0...1).contains(x) else { return nil }
        return x
    }

    private static func trimmed(_ x: Double) -> String {
        var s = String(x)
        if s.hasSuffix(".0") { s.removeLast(2) }
        return s
    }
}
