import Foundation

/// Turns the bytes of one chat-completions response (streamed SSE or a plain JSON body) into a
/// `ChatCompletion`, enforcing the size limits. Pure: no I/O.
struct ResponseDecoder {
    /// The largest single SSE event or non-streamed body accepted (4 MiB).
    static let maxBodyBytes = 4 * 1024 * 1024
    /// The largest assistant text accepted (1 MiB of UTF-8).
    static let maxTextBytes = 1024 * 1024
    /// How much of an error body is read to find its message.
    static let maxErrorBytes = 64 * 1024

    enum Mode { case undecided, sse, json }

    let requestedModel: String
    private(set) var mode: Mode
    private var sse = SSEParser(maxEventBytes: ResponseDecoder.maxBodyBytes)
    private var jsonBody: [UInt8] = []
    private var text = ""
    private var textBytes = 0
    private var model: String?
    private var promptTokens: Int?
    private var completionTokens: Int?
    private var finishReason: String?
    private var sawChoices = false
    private(set) var done = false

    /// `contentType` decides the mode (`text/event-stream` or `…json`); anything else is sniffed from the first byte.
    init(requestedModel: String, contentType: String) {
        self.requestedModel = requestedModel
        let ct = contentType.lowercased()
        if ct.contains("event-stream") {
            mode = .sse
        } else if ct.contains("json") {
            mode = .json
        } else {
            mode = .undecided
        }
    }

    /// Consumes the next body bytes; calls `onDelta` for each new piece of text. Sets `done` at `data: [DONE]`.
    mutating func feed(_ bytes: some Collection<UInt8>, onDelta: (String) -> Void) throws(LLMError) {
        if done || bytes.isEmpty { return }
        if mode == .undecided {
            guard let first = bytes.first(where: { !Self.isSpace($0) }) else { return }
            switch first {
            case UInt8(ascii: "{"): mode = .json
            case UInt8(ascii: "d"), UInt8(ascii: ":"), UInt8(ascii: "e"), UInt8(ascii: "i"), UInt8(ascii: "r"):
                mode = .sse
            default: throw LLMError.malformed("the body is neither JSON nor an event stream")
            }
        }
        switch mode {
        case .json:
            if jsonBody.count + bytes.count > Self.maxBodyBytes {
                throw LLMError.malformed("the response body is larger than 4 MiB")
            }
            jsonBody.append(contentsOf: bytes)
        case .sse:
            for event in try sse.feed(bytes) {
                try handle(event: event, onDelta: onDelta)
                if done { return }
            }
        case .undecided:
            break
        }
    }

    /// Ends the body and returns the completion (or throws `.malformed`).
    mutating func finish(latencyMs: Int, onDelta: (String) -> Void) throws(LLMError) -> ChatCompletion {
        switch mode {
        case .undecided:
            throw LLMError.malformed("the response body is empty")
        case .sse:
            if !done {
                for event in sse.finish() {
                    try handle(event: event, onDelta: onDelta)
                    if done { break }
                }
            }
            guard sawChoices else { throw LLMError.malformed("the event stream carried no choices") }
        case .json:
            try decodeJSONBody(onDelta: onDelta)
        }
        return ChatCompletion(
            text: text, model: model ?? requestedModel, promptTokens: promptTokens,
            completionTokens: completionTokens, latencyMs: latencyMs, finishReason: finishReason)
    }

    private mutating func handle(event: String, onDelta: (String) -> Void) throws(LLMError) {
        let trimmed = event.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed == "[DONE]" { done = true; return }
        if trimmed.isEmpty { return }
        guard let object = Self.jsonObject(Data(event.utf8)) else {
            throw LLMError.malformed("a streamed event is not a JSON object: \(LLMError.clean(event, limit: 80))")
        }
        if let error = object["error"] {
            throw LLMError.malformed("the stream reported an error: \(Self.message(of: error) ?? "(no message)")")
        }
        takeMetadata(object)
        guard let choices = object["choices"] else { return }
        guard let list = choices as? [Any] else { throw LLMError.malformed("\"choices\" is not an array") }
        sawChoices = true
        guard let first = list.first as? [String: Any] else { return }
        if let delta = first["delta"] as? [String: Any], let piece = delta["content"] as? String, !piece.isEmpty {
            try append(piece, onDelta: onDelta)
        }
        if let reason = first["finish_reason"] as? String { finishReason = reason }
    }

    private mutating func decodeJSONBody(onDelta: (String) -> Void) throws(LLMError) {
        guard let object = Self.jsonObject(Data(String(decoding: jsonBody, as: UTF8.self).utf8)) else {
            throw LLMError.malformed("the body is not a JSON object: \(LLMError.clean(String(decoding: jsonBody.prefix(400), as: UTF8.self), limit: 80))")
        }
        if let error = object["error"] {
            throw LLMError.malformed("the endpoint reported an error: \(Self.message(of: error) ?? "(no message)")")
        }
        takeMetadata(object)
        guard let list = object["choices"] as? [Any], let first = list.first as? [String: Any] else {
            throw LLMError.malformed("the JSON body has no choices")
        }
        sawChoices = true
        if let reason = first["finish_reason"] as? String { finishReason = reason }
        let message = first["message"] as? [String: Any]
        // Legacy completions put the text in "text"; a null content (e.g. only tool calls) is empty text.
        let content = (message?["content"] as? String) ?? (first["text"] as? String) ?? ""
        guard message != nil || first["text"] != nil else {
            throw LLMError.malformed("the first choice has no message")
        }
        if !content.isEmpty { try append(content, onDelta: onDelta) }
    }

    private mutating func takeMetadata(_ object: [String: Any]) {
        if let m = object["model"] as? String, !m.isEmpty { model = m }
        if let usage = object["usage"] as? [String: Any] {
            if let p = Self.int(usage["prompt_tokens"]) { promptTokens = p }
            if let c = Self.int(usage["completion_tokens"]) { completionTokens = c }
        }
    }

    private mutating func append(_ piece: String, onDelta: (String) -> Void) throws(LLMError) {
        textBytes += piece.utf8.count
        if textBytes > Self.maxTextBytes { throw LLMError.malformed("the assistant text is longer than 1 MiB") }
        text += piece
        onDelta(piece)
    }

    // MARK: - Helpers

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

    static func jsonObject(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data, options: [])) as? [String: Any]
    }

    static func int(_ value: Any?) -> Int? {
        switch value {
        case let i as Int: return i
        case let d as Double where d.isFinite && abs(d) < 1e15: return Int(d)
        case let n as NSNumber: return n.intValue
        default: return nil
        }
    }

    /// The message of an `"error"` value: `{"message": ...}` or a plain string.
    static func message(of error: Any) -> String? {
        if let s = error as? String { return LLMError.clean(s, limit: 500) }
        if let o = error as? [String: Any], let m = o["message"] as? String { return LLMError.clean(m, limit: 500) }
        return nil
    }

    /// The message for `LLMError.http`: the server's `error.message` if the body is OpenAI-style JSON,
    /// else the first 200 characters of the body; control characters removed either way.
    static func errorMessage(body: [UInt8]) -> String {
        let text = String(decoding: body, as: UTF8.self)
        if let object = jsonObject(Data(text.utf8)) {
            if let e = object["error"], let m = message(of: e) { return m }
            for key in ["message", "detail"] {
                if let m = object[key] as? String { return LLMError.clean(m, limit: 500) }
            }
        }
        return LLMError.clean(text, limit: 200)
    }

    /// `Retry-After` as seconds: delta-seconds or an HTTP date.
    static func retryAfter(_ value: String?) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let s = Double(value), s.isFinite { return max(0, s) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        if let date = f.date(from: value) { return max(0, date.timeIntervalSinceNow) }
        return nil
    }
}
