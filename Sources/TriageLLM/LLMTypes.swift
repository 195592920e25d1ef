import Foundation
import TriageCore

/// Where and how to reach an OpenAI-compatible chat-completions server
/// (vLLM, the llama.cpp server, Ollama's `/v1`, hosted APIs).
public struct LLMEndpoint: Sendable, Equatable {
    /// The API root, e.g. `http://127.0.0.1:8000/v1`; the client POSTs to `baseURL + "/chat/completions"`
    /// (a trailing slash is tolerated).
    public var baseURL: String
    /// The model name sent as `"model"`.
    public var model: String
    /// Sent as `Authorization: Bearer <key>` when non-nil and non-empty.
    public var apiKey: String?
    /// The whole request deadline in seconds: connecting, sending, and receiving the full (streamed) body.
    public var timeout: Double
    /// Sent as `"max_tokens"` when set.
    public var maxTokens: Int?
    /// Sent as `"temperature"` when set.
    public var temperature: Double?

    /// Creates an endpoint description.
    public init(
        baseURL: String, model: String, apiKey: String? = nil, timeout: Double = 60,
        maxTokens: Int? = nil, temperature: Double? = nil
    ) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxTokens = maxTokens
        self.temperature = temperature
    }

    /// The full chat-completions URL (`baseURL` without trailing slashes, plus `/chat/completions`),
    /// or `LLMError.badURL` when `baseURL` is not an absolute http(s) URL with a host.
    public func completionsURL() throws(LLMError) -> String {
        var base = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
              url.query == nil, url.fragment == nil
        else { throw LLMError.badURL(LLMError.clean(baseURL, limit: 200)) }
        return base + "/chat/completions"
    }
}

/// One finished assistant reply.
public struct ChatCompletion: Sendable, Equatable {
    /// The whole assistant message (untrusted: callers sanitise it before display).
    public var text: String
    /// The model the server reported, else the requested one.
    public var model: String
    /// Prompt tokens from `"usage"`, when the server sent it.
    public var promptTokens: Int?
    /// Completion tokens from `"usage"`, when the server sent it.
    public var completionTokens: Int?
    /// Milliseconds from the start of the request to its last byte.
    public var latencyMs: Int
    /// `choices[0].finish_reason` (`stop`, `length`, …) when the server sent one.
    public var finishReason: String?

    /// Creates a completion value.
    public init(
        text: String, model: String, promptTokens: Int? = nil, completionTokens: Int? = nil,
        latencyMs: Int, finishReason: String? = nil
    ) {
        self.text = text
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.latencyMs = latencyMs
        self.finishReason = finishReason
    }
}

/// Everything that can go wrong talking to the LLM endpoint.
public enum LLMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The endpoint's base URL is not an absolute http(s) URL.
    case badURL(String)
    /// The server answered with a non-2xx status. `message` is the server's `error.message` when the
    /// body is OpenAI-style JSON, else the first 200 characters of the body, control characters removed.
    /// `retryAfter` is the `Retry-After` header in seconds, when sent.
    case http(status: Int, message: String, retryAfter: Double?)
    /// The request did not finish within `seconds`.
    case timeout(seconds: Double)
    /// The body could not be understood (not JSON, no choices, bad SSE, too large).
    case malformed(String)
    /// The connection failed: refused, reset, closed early, DNS…
    case transport(String)
    /// The calling task was cancelled.
    case cancelled

    /// 408, 409, 425, 429, 500, 502, 503, 504, timeouts and transport errors are worth retrying; the rest are not.
    public var isRetryable: Bool {
        switch self {
        case .http(let status, _, _): return [408, 409, 425, 429, 500, 502, 503, 504].contains(status)
        case .timeout, .transport: return true
        case .badURL, .malformed, .cancelled: return false
        }
    }

    /// One clear line for people, e.g. "the LLM endpoint answered 503 Service Unavailable: overloaded".
    public var description: String {
        switch self {
        case .badURL(let url):
            return "the LLM endpoint URL is not an absolute http(s) URL: \(url)"
        case .http(let status, let message, let retryAfter):
            var s = "the LLM endpoint answered \(status)"
            if let reason = Self.reasonPhrase(status) { s += " \(reason)" }
            if !message.isEmpty { s += ": \(message)" }
            if let retryAfter { s += " (retry after \(Self.seconds(retryAfter)))" }
            return s
        case .timeout(let seconds):
            return "the LLM endpoint did not finish answering within \(Self.seconds(seconds))"
        case .malformed(let what):
            return "the LLM endpoint sent a reply that could not be understood: \(what)"
        case .transport(let what):
            return "could not talk to the LLM endpoint: \(what)"
        case .cancelled:
            return "the LLM request was cancelled"
        }
    }

    static func seconds(_ s: Double) -> String {
        if s.isFinite, s == s.rounded(), abs(s) < 1e9 { return "\(Int(s)) s" }
        return String(format: "%.1f s", s)
    }

    static func reasonPhrase(_ status: Int) -> String? {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 402: return "Payment Required"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 408: return "Request Timeout"
        case 409: return "Conflict"
        case 413: return "Payload Too Large"
        case 415: return "Unsupported Media Type"
        case 422: return "Unprocessable Entity"
        case 425: return "Too Early"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return nil
        }
    }

    /// `text` on one line: control characters (C0, DEL, C1) removed, line breaks and tabs turned into
    /// spaces, runs of spaces collapsed, trimmed, and cut to `limit` characters.
    static func clean(_ text: String, limit: Int) -> String {
        var out = ""
        var count = 0
        var lastWasSpace = true
        for scalar in text.unicodeScalars {
            if count >= limit { break }
            let v = scalar.value
            if v == 0x0A || v == 0x0D || v == 0x09 || v == 0x20 {
                if !lastWasSpace { out.unicodeScalars.append(" "); count += 1; lastWasSpace = true }
                continue
            }
            if v < 0x20 || (v >= 0x7F && v < 0xA0) || v == 0x2028 || v == 0x2029 { continue }
            out.unicodeScalars.append(scalar)
            count += 1
            lastWasSpace = false
        }
        while out.hasSuffix(" ") { out.removeLast() }
        return out
    }
}

/// How often and how patiently to retry a failed request.
public struct RetryPolicy: Sendable, Equatable {
    /// Total attempts, the first try included (default 4: 1 try + 3 retries). Values below 1 mean 1.
    public var maxAttempts: Int
    /// The delay before the first retry, before jitter (default 0.5 s).
    public var baseDelay: Double
    /// The cap on the exponential delay, before jitter (default 8 s).
    public var maxDelay: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 4, baseDelay: Double = 0.5, maxDelay: Double = 8) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// The longest `Retry-After` honoured, in seconds.
    public static let maxRetryAfter: Double = 60

    /// Delay before retry number `attempt` (1 = first retry): exponential (`baseDelay * 2^(attempt-1)`) capped
    /// at `maxDelay`, jittered with `random` in [0,1) as `delay * (0.5 + random/2)`, but never less than the
    /// server's `Retry-After` when given (itself capped at 60 s).
    public func delay(attempt: Int, retryAfter: Double?, random: Double) -> Double {
        let base = baseDelay.isFinite ? max(0, baseDelay) : 0
        let cap = maxDelay.isFinite ? max(0, maxDelay) : 0
        let exponent = Double(min(max(attempt, 1), 64) - 1)
        var d = min(base * pow(2, exponent), cap)
        if !d.isFinite { d = cap }
        let r = random.isFinite ? min(max(random, 0), 1) : 0
        d *= 0.5 + r / 2
        if let retryAfter, retryAfter.isFinite, retryAfter > 0 {
            d = max(d, min(retryAfter, Self.maxRetryAfter))
        }
        return d
    }
}
