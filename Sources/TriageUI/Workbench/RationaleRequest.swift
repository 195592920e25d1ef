import TriageCore
import TriageStore

/// A rationale being written by the LLM for one case (`a` asks, `x` cancels): its text so far,
/// shown in the detail pane as it streams. At most one runs at a time; the analyst keeps working
/// meanwhile.
public struct RationaleRequest: Sendable, Equatable {
    public var caseID: String
    /// The model and endpoint, as the generator describes itself.
    public var summary: String
    /// The text received so far (untrusted: sanitised when drawn).
    public var text = ""
    /// Why the last attempt failed, while a retry waits.
    public var retrying: String?

    public init(caseID: String, summary: String) {
        self.caseID = caseID
        self.summary = summary
    }
}

/// Rating the selected case's newest rationale (`R`): helpful or not, then reason tags.
public struct RationaleRating: Sendable, Equatable {
    public enum Stage: Sendable, Equatable {
        /// `y` helpful, `n` not helpful.
        case verdict
        /// Number keys toggle tags; Enter saves.
        case tags
    }
    public var rationaleID: Int64
    public var stage: Stage = .verdict
    public var helpful = false
    public var tags: [RationaleFeedbackTag] = []

    public init(rationaleID: Int64) { self.rationaleID = rationaleID }

    /// The one-line prompt for the status bar.
    public var prompt: String {
        switch stage {
        case .verdict:
            return "rate rationale #\(rationaleID): y helpful · n not helpful · Esc cancel"
        case .tags:
            let list = RationaleFeedbackTag.allCases.enumerated().map { i, t in
                (tags.contains(t) ? "[x]" : "[ ]") + "\(i + 1) \(t.title)"
            }
            return (helpful ? "helpful" : "not helpful") + " · why? " + list.joined(separator: " ") + " · Enter save · Esc cancel"
        }
    }
}
