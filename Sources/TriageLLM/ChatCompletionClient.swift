import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TriageCore

/// A client for one OpenAI-compatible chat-completions endpoint, streaming replies over SSE.
///
/// It owns an `HTTPClient` on the shared event loop group; call `shutdown()` once when done.
public final class ChatCompletionClient: Sendable {
    /// The endpoint every request goes to.
    public let endpoint: LLMEndpoint
    private let http: HTTPClient
    private let shutDown = OnceFlag()

    /// Creates a client for `endpoint`. Nothing is connected until the first request.
    public init(endpoint: LLMEndpoint) {
        self.endpoint = endpoint
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        // Fail fast on a refused connection (our own retry policy decides whether to try again) instead
        // of letting the pool retry silently until the deadline.
        configuration.connectionPool.retryConnectionEstablishment = false
        let connect = endpoint.timeout.isFinite && endpoint.timeout > 0 ? min(endpoint.timeout, 3600) : 60
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .nanoseconds(Int64(connect * 1e9)))
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    deinit {
        if shutDown.set() {
            http.shutdown(queue: .global()) { _ in }
        }
    }

    /// Shuts the HTTP client down (call once when done; safe to call twice).
    public func shutdown() async {
        guard shutDown.set() else { return }
        try? await http.shutdown()
    }

    /// One request with `"stream": true` and `"stream_options": {"include_usage": true}`.
    ///
    /// Calls `onDelta` with each piece of assistant text as it arrives (SSE `data:` lines,
    /// `choices[0].delta.content`), in order. If the server answers with a plain JSON body (it ignored
    /// `"stream"`), that body is parsed as a non-streamed completion and `onDelta` is called once with the
    /// whole text. Ends at `data: [DONE]` or at the end of the body. Task cancellation aborts the request
    /// promptly and throws `LLMError.cancelled`; exceeding `endpoint.timeout` throws `LLMError.timeout`.
    /// Every error thrown is an `LLMError`.
    public func complete(_ messages: [ChatMessage], onDelta: @Sendable (String) -> Void) async throws -> ChatCompletion {
        do {
            if Task.isCancelled { throw LLMError.cancelled }
            return try await run(messages, onDelta: onDelta)
        } catch {
            throw Self.llmError(from: error, timeout: endpoint.timeout, server: endpoint.serverName)
        }
    }

    /// `complete`, retried on retryable errors per `policy` (sleeping with `Task.sleep`, so cancellation stops
    /// it); `onRetry(attempt, error, delay)` is called before each sleep (attempt 1 = the first retry).
    /// A retry restarts the text: `onDelta` is called with the new attempt's pieces (callers reset their
    /// buffer in `onRetry`). Throws the last attempt's `LLMError`.
    public func completeWithRetry(
        _ messages: [ChatMessage], policy: RetryPolicy = RetryPolicy(),
        onRetry: @Sendable (Int, LLMError, Double) -> Void = { _, _, _ in },
        onDelta: @Sendable (String) -> Void
    ) async throws -> ChatCompletion {
        let attempts = max(1, policy.maxAttempts)
        var attempt = 1
        while true {
            do {
                return try await complete(messages, onDelta: onDelta)
            } catch {
                let failure = Self.llmError(from: error, timeout: endpoint.timeout)
                guard failure.isRetryable, attempt < attempts else { throw failure }
                var retryAfter: Double?
                if case .http(_, _, let after) = failure { retryAfter = after }
                let delay = policy.delay(attempt: attempt, retryAfter: retryAfter, random: Double.random(in: 0..<1))
                onRetry(attempt, failure, delay)
                do {
                    try await Task.sleep(nanoseconds: UInt64(max(0, delay) * 1e9))
                } catch {
                    throw LLMError.cancelled
                }
                attempt += 1
            }
        }
    }

    // MARK: - One request

    private enum Piece: Sendable {
        case head(status: Int, contentType: String, retryAfter: String?)
        case bytes(ByteBuffer)
    }

    private struct RequestBody: Encodable {
        struct StreamOptions: Encodable {
            var includeUsage = true
            enum CodingKeys: String, CodingKey { case includeUsage = "include_usage" }
        }
        var model: String
        var messages: [ChatMessage]
        var stream = true
        var streamOptions = StreamOptions()
        var maxTokens: Int?
        var temperature: Double?
        enum CodingKeys: String, CodingKey {
            case model, messages, stream, temperature
            case streamOptions = "stream_options"
            case maxTokens = "max_tokens"
        }
    }

    private func run(_ messages: [ChatMessage], onDelta: @Sendable (String) -> Void) async throws -> ChatCompletion {
        let url = try endpoint.completionsURL()
        let timeout = endpoint.timeout.isFinite && endpoint.timeout > 0 ? endpoint.timeout : 60
        let payload = RequestBody(
            model: endpoint.model, messages: messages, maxTokens: endpoint.maxTokens,
            temperature: endpoint.temperature.flatMap { $0.isFinite ? $0 : nil })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let body: Data
        do { body = try encoder.encode(payload) } catch { throw LLMError.badURL("could not encode the request: \(error)") }

        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "text/event-stream, application/json")
        request.headers.add(name: "User-Agent", value: "triage")
        if let key = endpoint.apiKey?.trimmingCharacters(in: .whitespacesAndNewlines), !key.isEmpty {
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let prepared = request

        let clock = ContinuousClock()
        let start = clock.now
        let nanos = Int64(min(timeout, 1e6) * 1e9)
        let deadline = NIODeadline.now() + .nanoseconds(nanos)
        let (pieces, continuation) = AsyncThrowingStream<Piece, any Error>.makeStream()
        let http = self.http
        let requestedModel = endpoint.model

        return try await withThrowingTaskGroup(of: Void.self, returning: ChatCompletion.self) { group in
            // The network: runs the request and forwards the head and body buffers.
            group.addTask {
                do {
                    let response = try await http.execute(prepared, deadline: deadline)
                    continuation.yield(.head(
                        status: Int(response.status.code),
                        contentType: response.headers.first(name: "content-type") ?? "",
                        retryAfter: response.headers.first(name: "retry-after")))
                    for try await buffer in response.body {
                        continuation.yield(.bytes(buffer))
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            // The whole-request deadline (AsyncHTTPClient's deadline only covers the response head).
            group.addTask {
                do {
                    try await Task.sleep(nanoseconds: UInt64(nanos))
                    continuation.finish(throwing: LLMError.timeout(seconds: timeout))
                } catch {}
            }
            defer { group.cancelAll() }

            var decoder: ResponseDecoder?
            var status = 0
            var retryAfter: String?
            var errorBody: [UInt8] = []
            var last = clock.now
            reading: for try await piece in pieces {
                last = clock.now
                switch piece {
                case .head(let s, let contentType, let after):
                    status = s
                    retryAfter = after
                    decoder = ResponseDecoder(requestedModel: requestedModel, contentType: contentType)
                case .bytes(let buffer):
                    if !(200..<300).contains(status) {
                        errorBody.append(contentsOf: buffer.readableBytesView.prefix(ResponseDecoder.maxErrorBytes - errorBody.count))
                        if errorBody.count >= ResponseDecoder.maxErrorBytes { break reading }
                    } else {
                        try decoder?.feed(buffer.readableBytesView, onDelta: onDelta)
                        if decoder?.done == true { break reading }
                    }
                }
            }
            if Task.isCancelled { throw LLMError.cancelled }
            guard var decoder else { throw LLMError.transport("the connection closed before a response arrived") }
            if !(200..<300).contains(status) {
                throw LLMError.http(
                    status: status, message: ResponseDecoder.errorMessage(body: errorBody),
                    retryAfter: ResponseDecoder.retryAfter(retryAfter))
            }
            let elapsed = (last - start).components
            let ms = Int(elapsed.seconds) * 1000 + Int(elapsed.attoseconds / 1_000_000_000_000_000)
            return try decoder.finish(latencyMs: ms, onDelta: onDelta)
        }
    }

    // MARK: - Errors

    /// Maps anything thrown while talking to the endpoint to an `LLMError`.
    static func llmError(from error: any Error, timeout: Double, server: String? = nil) -> LLMError {
        if Task.isCancelled { return .cancelled }
        if let e = error as? LLMError { return e }
        if error is CancellationError { return .cancelled }
        if let e = error as? HTTPClientError {
            switch e {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                 .getConnectionFromPoolTimeout:
                return .timeout(seconds: timeout)
            case .cancelled:
                return .cancelled
            case .remoteConnectionClosed:
                return .transport("the server closed the connection")
            default:
                return .transport(LLMError.clean(e.description, limit: 300))
            }
        }
        var what = readable(error)
        if !(error is NIOConnectionError), let server {
            what = "\(server): \(what)"
        }
        return .transport(LLMError.clean(what, limit: 300))
    }

    /// A short, human description of a connection-level error.
    static func readable(_ error: any Error) -> String {
        if let e = error as? NIOConnectionError {
            let target = "\(e.host):\(e.port)"
            if let dns = e.dnsAError ?? e.dnsAAAAError { return "could not resolve \(e.host): \(readable(dns))" }
            if let first = e.connectionErrors.first { return "could not connect to \(target): \(readable(first.error))" }
            return "could not connect to \(target)"
        }
        if let e = error as? IOError {
            return String(cString: strerror(e.errnoCode))
        }
        if let e = error as? ChannelError {
            switch e {
            case .connectTimeout: return "connecting timed out"
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return "the connection closed unexpectedly"
            default: return String(describing: e)
            }
        }
        return String(describing: error)
    }
}

extension LLMEndpoint {
    /// `host:port` of the base URL, for error messages.
    var serverName: String? {
        guard let url = URL(string: baseURL.trimmingCharacters(in: .whitespacesAndNewlines)), let host = url.host else { return nil }
        return url.port.map { "\(host):\($0)" } ?? host
    }
}

/// A thread-safe flag that can be set once.
private final class OnceFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    /// Sets the flag; true when this call set it.
    func set() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if value { return false }
        value = true
        return true
    }
}
