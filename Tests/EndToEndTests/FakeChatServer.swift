import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// One request the fake server received.
struct RecordedRequest: Sendable {
    /// `GET`, `POST`, …
    var method: String
    /// The request target, e.g. `/v1/chat/completions`.
    var path: String
    /// Header names lowercased; repeated headers joined with ", ".
    var headers: [String: String]
    /// The body, decoded as UTF-8 (lossily).
    var body: String

    /// The body as a JSON object, when it is one.
    var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}

/// A real HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that speaks just enough of the OpenAI
/// chat-completions API for tests: each request to any path gets the next scripted `Reply`.
///
/// `init` starts listening synchronously, so it works from plain (non-async) tests too. Thread-safe.
final class FakeChatServer: @unchecked Sendable {
    /// What to answer one request with.
    enum Reply: Sendable {
        /// SSE: one `data: {"choices":[{"delta":{"content":CHUNK}}]}` per chunk, `delay` seconds apart (each
        /// flushed), then a usage chunk (when `usage` is set), then `data: [DONE]`.
        case stream(chunks: [String], delay: Double = 0, usage: (prompt: Int, completion: Int)? = (12, 34), model: String = "fake-llm")
        /// A normal non-streamed completion body (`application/json`).
        case json(text: String, model: String = "fake-llm")
        /// An error response with `body` (JSON content type when it starts with `{`) and optional `Retry-After`.
        case status(Int, body: String, retryAfter: Int? = nil)
        /// A 200 with any content type and body (for malformed replies).
        case raw(contentType: String, body: String)
        /// Like `raw`, but with arbitrary bytes (invalid UTF-8, NULs…).
        case rawBytes(contentType: String, body: [UInt8])
        /// Accept and read the request, never answer (for timeouts).
        case hang
        /// Close the connection without any response.
        case dropConnection
    }

    /// The port the server listens on.
    let port: Int
    private let state: ServerState
    private let serverChannel: Channel

    /// Starts listening on 127.0.0.1, an ephemeral port. `replies` are served in order, one per request;
    /// after them, `fallback` forever.
    init(replies: [Reply], fallback: Reply = .stream(chunks: ["ok"])) throws {
        let state = ServerState(replies: replies, fallback: fallback)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FakeChatHandler(state: state))
                }
            }
        let channel = try bootstrap.bind(host: "127.0.0.1", port: 0).wait()
        guard let port = channel.localAddress?.port else {
            channel.close(promise: nil)
            throw ChannelError.unknownLocalAddress
        }
        self.state = state
        self.serverChannel = channel
        self.port = port
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT/v1`
    var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    /// A snapshot of every request received so far, in order.
    var requests: [RecordedRequest] { state.snapshot() }

    /// Stops listening and closes every open connection. Safe to call more than once.
    func stop() {
        serverChannel.close(promise: nil)
        for channel in state.stop() { channel.close(promise: nil) }
    }
}

/// The server's shared, lock-protected state.
private final class ServerState: @unchecked Sendable {
    private let lock = NSLock()
    private var replies: [FakeChatServer.Reply]
    private let fallback: FakeChatServer.Reply
    private var recorded: [RecordedRequest] = []
    private var open: [ObjectIdentifier: Channel] = [:]
    private var stopped = false

    init(replies: [FakeChatServer.Reply], fallback: FakeChatServer.Reply) {
        self.replies = replies
        self.fallback = fallback
    }

    private func locked<T>(_ body: () -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body()
    }

    /// Records a request and returns the reply for it.
    func record(_ request: RecordedRequest) -> FakeChatServer.Reply {
        locked {
            recorded.append(request)
            return replies.isEmpty ? fallback : replies.removeFirst()
        }
    }

    func snapshot() -> [RecordedRequest] { locked { recorded } }

    /// Tracks an open connection; false (and the caller closes it) once the server is stopped.
    func opened(_ channel: Channel) -> Bool {
        locked {
            if stopped { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func closed(_ channel: Channel) { _ = locked { open.removeValue(forKey: ObjectIdentifier(channel)) } }

    /// Marks the server stopped and returns the connections to close.
    func stop() -> [Channel] {
        locked {
            stopped = true
            defer { open.removeAll() }
            return Array(open.values)
        }
    }
}

/// Handles one connection: collects each request, then plays its scripted reply.
private final class FakeChatHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: ServerState
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var active = true

    init(state: ServerState) { self.state = state }

    func channelActive(context: ChannelHandlerContext) {
        if !state.opened(context.channel) { context.close(promise: nil) }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        state.closed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            var headers: [String: String] = [:]
            for (name, value) in head.headers {
                let key = name.lowercased()
                headers[key] = headers[key].map { $0 + ", " + value } ?? value
            }
            let request = RecordedRequest(
                method: head.method.rawValue, path: head.uri, headers: headers,
                body: String(decoding: body, as: UTF8.self))
            self.head = nil
            body = []
            respond(context: context, with: state.record(request))
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    // MARK: - Replies

    private func respond(context: ChannelHandlerContext, with reply: FakeChatServer.Reply) {
        switch reply {
        case .stream(let chunks, let delay, let usage, let model):
            var events: [String] = []
            for (i, chunk) in chunks.enumerated() {
                let finish = i == chunks.count - 1 ? "\"stop\"" : "null"
                events.append(
                    #"{"id":"chatcmpl-fake","object":"chat.completion.chunk","model":\#(Self.quote(model)),"choices":[{"index":0,"delta":{"content":\#(Self.quote(chunk))},"finish_reason":\#(finish)}]}"#)
            }
            if let usage {
                events.append(
                    #"{"id":"chatcmpl-fake","object":"chat.completion.chunk","model":\#(Self.quote(model)),"choices":[],"usage":{"prompt_tokens":\#(usage.prompt),"completion_tokens":\#(usage.completion),"total_tokens":\#(usage.prompt + usage.completion)}}"#)
            }
            events.append("[DONE]")
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/event-stream")
            headers.add(name: "Cache-Control", value: "no-cache")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil)
            context.flush()
            sendEvents(context: context, events: events.map { Array("data: \($0)\n\n".utf8) }, index: 0, delay: delay)
        case .json(let text, let model):
            let body = #"{"id":"chatcmpl-fake","object":"chat.completion","created":0,"model":\#(Self.quote(model)),"choices":[{"index":0,"message":{"role":"assistant","content":\#(Self.quote(text))},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":34,"total_tokens":46}}"#
            sendWhole(context: context, status: 200, contentType: "application/json", body: Array(body.utf8))
        case .status(let code, let body, let retryAfter):
            let type = body.hasPrefix("{") ? "application/json" : "text/plain; charset=utf-8"
            sendWhole(context: context, status: code, contentType: type, body: Array(body.utf8), retryAfter: retryAfter)
        case .raw(let contentType, let body):
            sendWhole(context: context, status: 200, contentType: contentType, body: Array(body.utf8))
        case .rawBytes(let contentType, let body):
            sendWhole(context: context, status: 200, contentType: contentType, body: body)
        case .hang:
            break
        case .dropConnection:
            context.close(promise: nil)
        }
    }

    private func sendWhole(context: ChannelHandlerContext, status: Int, contentType: String, body: [UInt8], retryAfter: Int? = nil) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        if let retryAfter { headers.add(name: "Retry-After", value: String(retryAfter)) }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    /// Writes `events[index...]`, flushing each, `delay` seconds apart; then ends the response.
    private func sendEvents(context: ChannelHandlerContext, events: [[UInt8]], index: Int, delay: Double) {
        guard active else { return }
        if index >= events.count {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: events[index])))), promise: nil)
        if delay > 0 && index + 1 < events.count {
            context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(delay * 1e9))) {
                self.sendEvents(context: context, events: events, index: index + 1, delay: delay)
            }
        } else {
            sendEvents(context: context, events: events, index: index + 1, delay: delay)
        }
    }

    /// `s` as a JSON string literal.
    static func quote(_ s: String) -> String {
        let data = (try? JSONEncoder().encode(s)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
