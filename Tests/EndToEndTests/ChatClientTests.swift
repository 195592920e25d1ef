import Foundation
import Testing
import TriageStore
import TriageUI
import TriageCore
import TriageLLM

/// A thread-safe recorder for callbacks (`onDelta`, `onRetry`).
private final class Recorder<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func add(_ item: T) { lock.lock(); items.append(item); lock.unlock() }
    var all: [T] { lock.lock(); defer { lock.unlock() }; return items }
}

private let hello = [ChatMessage(role: "system", content: "You review merchants."), ChatMessage(role: "user", content: "Explain case 42.")]

/// Runs `body` with a client for `server`, shutting the client down afterwards.
private func withClient<T>(
    _ server: FakeChatServer, timeout: Double = 120, apiKey: String? = nil, maxTokens: Int? = nil,
    temperature: Double? = nil, _ body: (ChatCompletionClient) async throws -> T
) async throws -> T {
    let client = ChatCompletionClient(endpoint: LLMEndpoint(
        baseURL: server.baseURL, model: "test-model", apiKey: apiKey, timeout: timeout,
        maxTokens: maxTokens, temperature: temperature))
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}

/// The LLMError `body` throws, or nil (recorded as an issue) when it throws something else or nothing.
private func llmError(_ body: () async throws -> ChatCompletion) async -> LLMError? {
    do {
        let c = try await body()
        Issue.record("expected an error, got \(c)")
        return nil
    } catch let e as LLMError {
        return e
    } catch {
        Issue.record("expected an LLMError, got \(error)")
        return nil
    }
}

private let fastRetries = RetryPolicy(maxAttempts: 4, baseDelay: 0.01, maxDelay: 0.05)

@Suite(.ownExecutor) struct ChatClientTests {
    // MARK: - Against the fake server

    @Test func streamedReplyArrivesInPiecesWithUsageAndModel() async throws {
        let server = try FakeChatServer(replies: [.stream(chunks: ["The mer", "chant ", "looks ", "fine."], delay: 0.02, model: "served-model")])
        defer { server.stop() }
        let deltas = Recorder<String>()
        // A trailing slash on the base URL is tolerated.
        let client = ChatCompletionClient(endpoint: LLMEndpoint(
            baseURL: server.baseURL + "/", model: "test-model", apiKey: "sk-secret", timeout: 120, maxTokens: 256, temperature: 0.2))
        let c = try await client.complete(hello) { deltas.add($0) }
        await client.shutdown()
        await client.shutdown()  // twice is fine

        #expect(deltas.all == ["The mer", "chant ", "looks ", "fine."])
        #expect(c.text == "The merchant looks fine.")
        #expect(c.model == "served-model")
        #expect(c.promptTokens == 12)
        #expect(c.completionTokens == 34)
        #expect(c.finishReason == "stop")
        #expect(c.latencyMs >= 40 && c.latencyMs < 5000)

        let requests = server.requests
        try #require(requests.count == 1)
        let r = requests[0]
        #expect(r.method == "POST")
        #expect(r.path == "/v1/chat/completions")
        #expect(r.headers["authorization"] == "Bearer sk-secret")
        #expect(r.headers["content-type"] == "application/json")
        let json = try #require(r.json)
        #expect(json["model"] as? String == "test-model")
        #expect(json["stream"] as? Bool == true)
        #expect((json["stream_options"] as? [String: Any])?["include_usage"] as? Bool == true)
        #expect(json["max_tokens"] as? Int == 256)
        #expect(json["temperature"] as? Double == 0.2)
        let messages = try #require(json["messages"] as? [[String: String]])
        #expect(messages == [["role": "system", "content": "You review merchants."], ["role": "user", "content": "Explain case 42."]])
    }

    @Test func optionalFieldsAndAuthorizationAreOmittedWhenUnset() async throws {
        let server = try FakeChatServer(replies: [.stream(chunks: ["a", "b"], usage: nil)])
        defer { server.stop() }
        let c = try await withClient(server, apiKey: "") { try await $0.complete(hello) { _ in } }
        #expect(c.text == "ab")
        #expect(c.model == "fake-llm")
        #expect(c.promptTokens == nil && c.completionTokens == nil)
        let r = try #require(server.requests.first)
        #expect(r.headers["authorization"] == nil)
        let json = try #require(r.json)
        #expect(json["max_tokens"] == nil)
        #expect(json["temperature"] == nil)
    }

    @Test func nonStreamedJSONReplyIsAccepted() async throws {
        let server = try FakeChatServer(replies: [.json(text: "Whole answer at once.", model: "json-model")])
        defer { server.stop() }
        let deltas = Recorder<String>()
        let c = try await withClient(server) { try await $0.complete(hello) { deltas.add($0) } }
        #expect(deltas.all == ["Whole answer at once."])
        #expect(c.text == "Whole answer at once.")
        #expect(c.model == "json-model")
        #expect(c.promptTokens == 12 && c.completionTokens == 34)
        #expect(c.finishReason == "stop")
    }

    @Test func serverErrorsAreRetriedUntilSuccess() async throws {
        let server = try FakeChatServer(replies: [
            .status(500, body: "boom"),
            .status(503, body: #"{"error":{"message":"overloaded","type":"server_error"}}"#),
            .stream(chunks: ["fi", "nally"]),
        ])
        defer { server.stop() }
        let retries = Recorder<(Int, LLMError, Double)>()
        let deltas = Recorder<String>()
        let c = try await withClient(server) {
            try await $0.completeWithRetry(hello, policy: fastRetries, onRetry: { retries.add(($0, $1, $2)) }) { deltas.add($0) }
        }
        #expect(c.text == "finally")
        #expect(deltas.all == ["fi", "nally"])
        #expect(server.requests.count == 3)
        let r = retries.all
        try #require(r.count == 2)
        #expect(r[0].0 == 1 && r[1].0 == 2)
        #expect(r[0].1 == .http(status: 500, message: "boom", retryAfter: nil))
        #expect(r[1].1 == .http(status: 503, message: "overloaded", retryAfter: nil))
        #expect(r[1].1.description == "the LLM endpoint answered 503 Service Unavailable: overloaded")
        #expect(r.allSatisfy { $0.2 >= 0 && $0.2 <= 0.05 })
    }

    @Test func retriesStopAfterMaxAttempts() async throws {
        let server = try FakeChatServer(replies: [], fallback: .status(502, body: "bad gateway"))
        defer { server.stop() }
        let retries = Recorder<Int>()
        let e = await llmError {
            try await withClient(server) {
                try await $0.completeWithRetry(hello, policy: RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.01), onRetry: { a, _, _ in retries.add(a) }) { _ in }
            }
        }
        #expect(e == .http(status: 502, message: "bad gateway", retryAfter: nil))
        #expect(retries.all == [1, 2])
        #expect(server.requests.count == 3)
    }

    @Test func badRequestIsNotRetried() async throws {
        let server = try FakeChatServer(replies: [
            .status(400, body: #"{"error":{"message":"model \"nope\" does not exist","type":"invalid_request_error"}}"#),
        ])
        defer { server.stop() }
        let retries = Recorder<Int>()
        let e = await llmError {
            try await withClient(server) {
                try await $0.completeWithRetry(hello, policy: fastRetries, onRetry: { a, _, _ in retries.add(a) }) { _ in }
            }
        }
        #expect(e == .http(status: 400, message: #"model "nope" does not exist"#, retryAfter: nil))
        #expect(e?.isRetryable == false)
        #expect(retries.all.isEmpty)
        #expect(server.requests.count == 1)
    }

    @Test func errorBodiesAreCutAndCleaned() async throws {
        let long = "line one\n\u{1B}[31mred\u{7}" + String(repeating: "x", count: 500)
        let server = try FakeChatServer(replies: [.status(401, body: long)])
        defer { server.stop() }
        let e = await llmError { try await withClient(server) { try await $0.complete(hello) { _ in } } }
        guard case .http(401, let message, nil) = e else {
            Issue.record("unexpected \(String(describing: e))")
            return
        }
        #expect(message.count == 200)
        #expect(message.hasPrefix("line one [31mredxxx"))
        #expect(!message.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F })
    }

    @Test func tooManyRequestsHonoursRetryAfter() async throws {
        let server = try FakeChatServer(replies: [.status(429, body: #"{"error":{"message":"slow down"}}"#, retryAfter: 1)])
        defer { server.stop() }
        let retries = Recorder<(LLMError, Double)>()
        let start = Date()
        let c = try await withClient(server) {
            try await $0.completeWithRetry(hello, policy: fastRetries, onRetry: { retries.add(($1, $2)) }) { _ in }
        }
        let elapsed = Date().timeIntervalSince(start)
        #expect(c.text == "ok")
        #expect(elapsed >= 1.0)
        #expect(elapsed < 5)
        try #require(retries.all.count == 1)
        #expect(retries.all[0].0 == .http(status: 429, message: "slow down", retryAfter: 1))
        #expect(retries.all[0].1 >= 1.0)
        #expect(server.requests.count == 2)
    }

    @Test func hangingServerTimesOut() async throws {
        let server = try FakeChatServer(replies: [.hang])
        defer { server.stop() }
        // Timed around the request alone (shutting the client down afterwards is not part of it).
        let took = Recorder<Double>()
        let e = await llmError {
            try await withClient(server, timeout: 1) { c in
                let start = Date()
                defer { took.add(Date().timeIntervalSince(start)) }
                return try await c.complete(hello) { _ in }
            }
        }
        let elapsed = try #require(took.all.first)
        #expect(e == .timeout(seconds: 1))
        #expect(e?.isRetryable == true)
        // Not much later either. The bound is loose because AsyncHTTPClient finishes cancelling the
        // hanging request on the shared thread pool, which the synchronous tests running beside
        // this one may hold for tens of seconds (79 s once in CI, beside the PostgreSQL suites);
        // RationaleCLITests checks, on the real binary in a process of its own, that
        // `--llm-timeout 1` gives up within a few seconds. Here: it gives up at all.
        #expect(elapsed >= 0.9 && elapsed < 180, "\(elapsed) s")
    }

    @Test func slowStreamHitsTheWholeRequestDeadline() async throws {
        // The head arrives at once, but the body takes longer than the timeout.
        let server = try FakeChatServer(replies: [.stream(chunks: Array(repeating: "x", count: 100), delay: 0.2)])
        defer { server.stop() }
        let deltas = Recorder<String>()
        let start = Date()
        let e = await llmError { try await withClient(server, timeout: 1) { try await $0.complete(hello) { deltas.add($0) } } }
        let elapsed = Date().timeIntervalSince(start)
        #expect(e == .timeout(seconds: 1))
        #expect(elapsed >= 0.9 && elapsed < 5)
        #expect(deltas.all.count >= 1 && deltas.all.count < 100)
    }

    @Test func droppedConnectionIsARetryableTransportError() async throws {
        let server = try FakeChatServer(replies: [.dropConnection])
        defer { server.stop() }
        let e = await llmError { try await withClient(server) { try await $0.complete(hello) { _ in } } }
        switch e {
        case .transport, .malformed: break
        default: Issue.record("unexpected \(String(describing: e))")
        }
        #expect(e?.isRetryable == true)
        // And with retries, the next attempt succeeds.
        let server2 = try FakeChatServer(replies: [.dropConnection, .stream(chunks: ["back"])])
        defer { server2.stop() }
        let c = try await withClient(server2) { try await $0.completeWithRetry(hello, policy: fastRetries) { _ in } }
        #expect(c.text == "back")
        #expect(server2.requests.count == 2)
    }

    @Test func refusedConnectionIsATransportError() async throws {
        // A port bound but not listening refuses connections, and nobody else can take it while
        // it is held (a port merely left free was once taken meanwhile by a test's PostgreSQL
        // server starting again, which reset the connection instead).
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        try #require(bound == 0)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        let url = "http://127.0.0.1:\(UInt16(bigEndian: addr.sin_port))/v1"
        let client = ChatCompletionClient(endpoint: LLMEndpoint(baseURL: url, model: "m", timeout: 120))
        let e = await llmError { try await client.complete(hello) { _ in } }
        await client.shutdown()
        guard case .transport(let what) = e else {
            Issue.record("unexpected \(String(describing: e))")
            return
        }
        #expect(what.lowercased().contains("refused"), "\(what)")
        #expect(what.contains("127.0.0.1"))
        #expect(e?.description.hasPrefix("could not talk to the LLM endpoint") == true)
        #expect(e?.isRetryable == true)
    }

    @Test(arguments: [
        FakeChatServer.Reply.raw(contentType: "application/json", body: "this is not json"),
        .raw(contentType: "application/json", body: #"{"id":"x","object":"chat.completion"}"#),
        .raw(contentType: "application/json", body: #"{"choices":"nope"}"#),
        .raw(contentType: "application/json", body: "[1,2,3]"),
        .raw(contentType: "application/json", body: ""),
        .raw(contentType: "text/event-stream", body: "data: {not json\n\ndata: [DONE]\n\n"),
        .raw(contentType: "text/event-stream", body: "data: 42\n\n"),
        .raw(contentType: "text/event-stream", body: ": only a comment\n\nevent: ping\n\n"),
        .raw(contentType: "text/event-stream", body: #"data: {"choices":[{"delta":{"content":"hi"}}]}"# + "\n\ndata: <html>\n\n"),
        .raw(contentType: "text/event-stream", body: #"data: {"error":{"message":"model crashed"}}"# + "\n\n"),
        .raw(contentType: "text/html", body: "<html><body>Gateway login</body></html>"),
        .rawBytes(contentType: "application/json", body: [0xFF, 0xFE, 0x00, 0x7B, 0x80]),
    ])
    func malformedBodiesAreReported(reply: FakeChatServer.Reply) async throws {
        let server = try FakeChatServer(replies: [reply])
        defer { server.stop() }
        let e = await llmError { try await withClient(server) { try await $0.completeWithRetry(hello, policy: fastRetries) { _ in } } }
        guard case .malformed(let what) = e else {
            Issue.record("unexpected \(String(describing: e))")
            return
        }
        #expect(!what.isEmpty)
        #expect(e?.isRetryable == false)
        #expect(server.requests.count == 1)
    }

    @Test func sseWithoutContentTypeOrFinalBlankLineIsAccepted() async throws {
        let body = #"data: {"choices":[{"delta":{"content":"one "}}]}"# + "\r\n\r\n" + #"data: {"choices":[{"delta":{"content":"two"}}],"model":"m2"}"#
        let server = try FakeChatServer(replies: [.raw(contentType: "application/octet-stream", body: body)])
        defer { server.stop() }
        let c = try await withClient(server) { try await $0.complete(hello) { _ in } }
        #expect(c.text == "one two")
        #expect(c.model == "m2")
    }

    @Test func cancellingTheTaskStopsASlowStream() async throws {
        let server = try FakeChatServer(replies: [.stream(chunks: Array(repeating: "tick ", count: 200), delay: 0.5)])
        defer { server.stop() }
        let client = ChatCompletionClient(endpoint: LLMEndpoint(baseURL: server.baseURL, model: "m", timeout: 300))
        let deltas = Recorder<String>()
        let task = Task(executorPreference: SerialTaskExecutor.shared) { try await client.complete(hello) { deltas.add($0) } }
        // Wait for the first piece, so the cancel lands mid-stream.
        let waitStart = Date()
        while deltas.all.isEmpty && Date().timeIntervalSince(waitStart) < 60 { try await Task.sleep(nanoseconds: 10_000_000) }
        #expect(!deltas.all.isEmpty)
        let start = Date()
        task.cancel()
        let result = await task.result
        let elapsed = Date().timeIntervalSince(start)
        await client.shutdown()
        switch result {
        case .success(let c): Issue.record("expected cancellation, got \(c)")
        case .failure(let e): #expect(e as? LLMError == .cancelled)
        }
        #expect(elapsed < 2) // the stream would run 100 s
        #expect(deltas.all.count < 200)
    }

    @Test func cancellingDuringRetrySleepStops() async throws {
        let server = try FakeChatServer(replies: [.status(503, body: "busy", retryAfter: 60)])
        defer { server.stop() }
        let client = ChatCompletionClient(endpoint: LLMEndpoint(baseURL: server.baseURL, model: "m", timeout: 120))
        let retried = Recorder<Int>()
        let task = Task(executorPreference: SerialTaskExecutor.shared) { try await client.completeWithRetry(hello, onRetry: { a, _, _ in retried.add(a) }) { _ in } }
        let waitStart = Date()
        while retried.all.isEmpty && Date().timeIntervalSince(waitStart) < 60 { try await Task.sleep(nanoseconds: 10_000_000) }
        let start = Date()
        task.cancel()
        let result = await task.result
        await client.shutdown()
        #expect(Date().timeIntervalSince(start) < 2) // the retry would sleep 60 s
        if case .failure(let e) = result { #expect(e as? LLMError == .cancelled) } else { Issue.record("expected cancellation") }
        #expect(server.requests.count == 1)
    }

    @Test func hostileContentComesThroughAsAString() async throws {
        // Control characters and escapes inside the JSON strings…
        let server = try FakeChatServer(replies: [.stream(chunks: ["a\u{0}b", "\u{1B}[2J", "\u{7}\u{202E}z"])])
        defer { server.stop() }
        let c = try await withClient(server) { try await $0.complete(hello) { _ in } }
        #expect(c.text == "a\u{0}b\u{1B}[2J\u{7}\u{202E}z")

        // …and raw invalid UTF-8 bytes in the event stream, decoded lossily.
        var bytes = Array(#"data: {"choices":[{"delta":{"content":"ok "#.utf8)
        bytes += [0xFF, 0xC3, 0x28, 0xED, 0xA0, 0x80]
        bytes += Array(#" end"}}]}"#.utf8) + Array("\n\ndata: [DONE]\n\n".utf8)
        let server2 = try FakeChatServer(replies: [.rawBytes(contentType: "text/event-stream", body: bytes)])
        defer { server2.stop() }
        let c2 = try await withClient(server2) { try await $0.complete(hello) { _ in } }
        #expect(c2.text.hasPrefix("ok "))
        #expect(c2.text.hasSuffix(" end"))
        #expect(c2.text.contains("\u{FFFD}"))
    }

    @Test func assistantTextOverOneMiBIsRefused() async throws {
        let piece = String(repeating: "y", count: 100_000)
        let server = try FakeChatServer(replies: [.stream(chunks: Array(repeating: piece, count: 11))])
        defer { server.stop() }
        let e = await llmError { try await withClient(server) { try await $0.complete(hello) { _ in } } }
        guard case .malformed = e else {
            Issue.record("unexpected \(String(describing: e))")
            return
        }
    }

    @Test func oversizedBodiesAndEventsAreRefused() async throws {
        let big = String(repeating: "a", count: 4 * 1024 * 1024 + 10)
        let server = try FakeChatServer(replies: [
            .raw(contentType: "application/json", body: #"{"choices":[{"message":{"content":""# + big + #""}}]}"#),
            .raw(contentType: "text/event-stream", body: "data: " + big + "\n\n"),
        ])
        defer { server.stop() }
        for _ in 0..<2 {
            let e = await llmError { try await withClient(server) { try await $0.complete(hello) { _ in } } }
            guard case .malformed(let what) = e else {
                Issue.record("unexpected \(String(describing: e))")
                continue
            }
            #expect(what.contains("4 MiB"))
        }
    }

    @Test func fakeServerStartsSynchronously() throws {
        let server = try FakeChatServer(replies: [])
        #expect(server.port > 0)
        #expect(server.baseURL == "http://127.0.0.1:\(server.port)/v1")
        #expect(server.requests.isEmpty)
        server.stop()
        server.stop()
    }

    @Test func badURLsAreRejectedWithoutARequest() async throws {
        for url in ["not a url", "ftp://example.com/v1", "", "http://"] {
            let client = ChatCompletionClient(endpoint: LLMEndpoint(baseURL: url, model: "m"))
            let e = await llmError { try await client.complete(hello) { _ in } }
            await client.shutdown()
            guard case .badURL = e else {
                Issue.record("\(url): unexpected \(String(describing: e))")
                continue
            }
            #expect(e?.isRetryable == false)
        }
        #expect(try LLMEndpoint(baseURL: " http://h:1/v1// ", model: "m").completionsURL() == "http://h:1/v1/chat/completions")
    }

    // MARK: - SSEParser

    @Test func sseParserSplitsEventsAcrossArbitraryChunks() throws {
        let stream = ": keep-alive\r\nevent: message\r\nid: 7\r\nretry: 100\r\ndata: {\"a\":1}\r\n\r\ndata: first\ndata: second\n\ndata:no-space\n\ndata\n\n: comment only\n\ndata: é😀\r\rdata: last\n\n"
        let expected = ["{\"a\":1}", "first\nsecond", "no-space", "", "é😀", "last"]
        let bytes = Array(stream.utf8)
        // Every chunk size, so boundaries fall inside lines, \r\n pairs and UTF-8 sequences.
        for size in 1...bytes.count {
            var parser = SSEParser()
            var events: [String] = []
            var i = 0
            while i < bytes.count {
                events += try parser.feed(bytes[i..<min(i + size, bytes.count)])
                i += size
            }
            events += parser.finish()
            #expect(events == expected, "chunk size \(size)")
        }
    }

    @Test func sseParserSplitBetweenCRAndLF() throws {
        var parser = SSEParser()
        #expect(try parser.feed(Array("data: x\r".utf8)).isEmpty)
        #expect(try parser.feed(Array("\n\r".utf8)) == ["x"])
        // The lone \r above already ended the blank line: a following \n must not end another.
        #expect(try parser.feed(Array("\ndata: y\n".utf8)).isEmpty)
        #expect(parser.finish() == ["y"])
        #expect(parser.finish().isEmpty)
    }

    @Test func sseParserDecodesInvalidUTF8Lossily() throws {
        var parser = SSEParser()
        let events = try parser.feed([0x64, 0x61, 0x74, 0x61, 0x3A, 0x20, 0xFF, 0x41, 0xC3, 0x0A, 0x0A])
        #expect(events == ["\u{FFFD}A\u{FFFD}"])
    }

    @Test func sseParserRefusesHugeEvents() throws {
        var parser = SSEParser(maxEventBytes: 64)
        #expect(try parser.feed(Array("data: \(String(repeating: "a", count: 40))\n".utf8)).isEmpty)
        #expect(throws: LLMError.self) { try parser.feed(Array("data: \(String(repeating: "b", count: 40))\n".utf8)) }
        var ok = SSEParser(maxEventBytes: 64)
        for _ in 0..<10 {  // many small events never accumulate
            #expect(try ok.feed(Array("data: \(String(repeating: "c", count: 40))\n\n".utf8)).count == 1)
        }
    }

    // MARK: - RetryPolicy and LLMError

    @Test func retryDelayBounds() {
        let p = RetryPolicy()
        #expect(p.maxAttempts == 4 && p.baseDelay == 0.5 && p.maxDelay == 8)
        #expect(p.delay(attempt: 1, retryAfter: nil, random: 0) == 0.25)
        #expect(p.delay(attempt: 1, retryAfter: nil, random: 0.999) < 0.5)
        #expect(p.delay(attempt: 1, retryAfter: nil, random: 0.999) > 0.49)
        #expect(p.delay(attempt: 2, retryAfter: nil, random: 0) == 0.5)
        #expect(p.delay(attempt: 3, retryAfter: nil, random: 0.5) == 2 * 0.75)
        for attempt in 1...100 {
            for r in [0.0, 0.3, 0.9999] {
                let d = p.delay(attempt: attempt, retryAfter: nil, random: r)
                #expect(d >= 0.25 && d < 8, "attempt \(attempt)")
            }
        }
        #expect(p.delay(attempt: 10, retryAfter: nil, random: 0) == 4)
        #expect(p.delay(attempt: 1, retryAfter: 5, random: 0.5) == 5)
        #expect(p.delay(attempt: 10, retryAfter: 1, random: 0.9) > 7)
        #expect(p.delay(attempt: 1, retryAfter: 3600, random: 0) == 60)
        #expect(p.delay(attempt: 0, retryAfter: nil, random: 0) == 0.25)
        #expect(p.delay(attempt: 1, retryAfter: -3, random: .nan) == 0.25)
    }

    @Test func retryabilityAndDescriptions() {
        for s in [408, 409, 425, 429, 500, 502, 503, 504] {
            #expect(LLMError.http(status: s, message: "", retryAfter: nil).isRetryable)
        }
        for s in [400, 401, 403, 404, 413, 422, 501] {
            #expect(!LLMError.http(status: s, message: "", retryAfter: nil).isRetryable)
        }
        #expect(LLMError.timeout(seconds: 3).isRetryable)
        #expect(LLMError.transport("reset").isRetryable)
        #expect(!LLMError.malformed("x").isRetryable)
        #expect(!LLMError.cancelled.isRetryable)
        #expect(!LLMError.badURL("x").isRetryable)
        #expect(LLMError.http(status: 503, message: "overloaded", retryAfter: nil).description
                == "the LLM endpoint answered 503 Service Unavailable: overloaded")
        #expect(LLMError.http(status: 429, message: "slow", retryAfter: 2).description
                == "the LLM endpoint answered 429 Too Many Requests: slow (retry after 2 s)")
        #expect(LLMError.timeout(seconds: 60).description == "the LLM endpoint did not finish answering within 60 s")
        let all: [LLMError] = [.badURL("u"), .http(status: 599, message: "m", retryAfter: nil), .timeout(seconds: 1.5),
                               .malformed("m"), .transport("t"), .cancelled]
        for e in all { #expect(!e.description.isEmpty && !e.description.contains("\n")) }
    }
}
