import Foundation
import TriageCore
import TriageStore

/// Writes rationales with an OpenAI-compatible chat-completions endpoint and a prompt template.
public final class LLMRationaleGenerator: RationaleGenerator {
    public let endpoint: LLMEndpoint
    public let template: PromptTemplate
    public let retry: RetryPolicy
    private let client: ChatCompletionClient

    public init(endpoint: LLMEndpoint, template: PromptTemplate, retry: RetryPolicy = RetryPolicy()) {
        self.endpoint = endpoint
        self.template = template
        self.retry = retry
        client = ChatCompletionClient(endpoint: endpoint)
    }

    public var summary: String { "\(endpoint.model) at \(endpoint.baseURL)" }

    public func generate(for detail: CaseDetail, policy: PolicyArea?, requestedBy: String,
                         onEvent: @escaping @Sendable (RationaleStreamEvent) -> Void) async throws -> Rationale {
        let completion = try await client.completeWithRetry(
            template.messages(for: detail, policy: policy), policy: retry,
            onRetry: { attempt, error, delay in onEvent(.retrying(attempt: attempt, reason: error.description, delay: delay)) },
            onDelta: { onEvent(.text($0)) })
        let text = completion.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw LLMError.malformed("the reply had no text") }
        return Rationale(model: completion.model, promptVersion: template.version, text: text,
                         evidenceIDs: CitationCheck.citations(in: text), createdAt: .now(), origin: .generated,
                         generation: RationaleGeneration(latencyMs: completion.latencyMs, promptTokens: completion.promptTokens,
                                                         completionTokens: completion.completionTokens, requestedBy: requestedBy))
    }

    /// Closes the HTTP client.
    public func shutdown() async { await client.shutdown() }
}
