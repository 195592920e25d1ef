import TriageCore

/// Asks an LLM to write a rationale for a case. `TriageLLM` implements it over an
/// OpenAI-compatible endpoint; the workbench and the commands hold only this protocol.
public protocol RationaleGenerator: Sendable {
    /// The model and where it is asked, for status lines ("qwen2.5 at http://…").
    var summary: String { get }
    /// Writes a rationale for `detail`'s case, reporting the text as it arrives. Returns it
    /// ready to store (``Rationale/origin`` generated, with its ``RationaleGeneration``), not stored.
    /// Throws when the endpoint fails (after its retries) or the task is cancelled.
    func generate(for detail: CaseDetail, policy: PolicyArea?, requestedBy: String,
                  onEvent: @escaping @Sendable (RationaleStreamEvent) -> Void) async throws -> Rationale
}

/// What a rationale being written reports while it streams.
public enum RationaleStreamEvent: Sendable, Equatable {
    /// The next piece of text.
    case text(String)
    /// The attempt failed and another follows after `delay` seconds; the text so far is void.
    case retrying(attempt: Int, reason: String, delay: Double)
}

extension PromptTemplate {
    /// The messages this template asks about `detail`'s case with (what a generator sends, and
    /// what `triage rationale --show-prompt` prints).
    public func messages(for detail: CaseDetail, policy: PolicyArea?) -> [ChatMessage] {
        messages(for: RationaleContext(policy: policy, policyKey: detail.case.policy, merchant: detail.case.merchant,
                                       scores: detail.scores, attributions: detail.attributions, evidence: detail.evidence))
    }
}
