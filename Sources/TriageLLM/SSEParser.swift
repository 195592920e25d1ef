/// An incremental parser for `text/event-stream` (server-sent events).
///
/// Feed it the body in chunks of any size (boundaries may fall inside a line, inside a `\r\n`, or inside a
/// multi-byte UTF-8 sequence); it returns the `data` of each event completed so far. Lines may end in `\n`,
/// `\r\n` or `\r`. Several `data:` lines in one event are joined with `"\n"`. Comment lines (starting with `:`)
/// and the `event:`, `id:` and `retry:` fields are ignored. Text is decoded as UTF-8 lossily (invalid bytes
/// become U+FFFD), so any byte sequence is accepted.
public struct SSEParser: Sendable {
    /// The default limit on one event's size in bytes (4 MiB).
    public static let defaultMaxEventBytes = 4 * 1024 * 1024

    /// Events (pending line plus accumulated data) larger than this make `feed` throw.
    public let maxEventBytes: Int

    private var line: [UInt8] = []
    private var data: [UInt8] = []
    private var hasData = false
    private var lastWasCR = false

    /// Creates a parser that refuses events over `maxEventBytes` bytes.
    public init(maxEventBytes: Int = SSEParser.defaultMaxEventBytes) {
        self.maxEventBytes = maxEventBytes
    }

    /// Consumes `bytes` and returns the `data` of every event they complete, in order.
    /// Throws `LLMError.malformed` when one event grows past `maxEventBytes`.
    public mutating func feed<Bytes: Sequence>(_ bytes: Bytes) throws(LLMError) -> [String] where Bytes.Element == UInt8 {
        var events: [String] = []
        let result: Result<Void, LLMError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(LLMError) in try self.feed(buffer: buffer, into: &events) }
        }
        if let result {
            try result.get()
        } else {
            let array = Array(bytes)
            try array.withUnsafeBufferPointer { (buffer) throws(LLMError) in try feed(buffer: buffer, into: &events) }
        }
        return events
    }

    private mutating func feed(buffer: UnsafeBufferPointer<UInt8>, into events: inout [String]) throws(LLMError) {
        guard let base = buffer.baseAddress else { return }
        let count = buffer.count
        var i = 0
        while i < count {
            let byte = base[i]
            if byte == UInt8(ascii: "\r") {
                lastWasCR = true
                if let e = endLine() { events.append(e) }
                i += 1
                continue
            }
            if byte == UInt8(ascii: "\n") {
                if lastWasCR {
                    lastWasCR = false  // the second half of a \r\n
                } else if let e = endLine() {
                    events.append(e)
                }
                i += 1
                continue
            }
            lastWasCR = false
            // Copy the run of ordinary bytes up to the next line break in one go.
            var end = i + 1
            while end < count && base[end] != UInt8(ascii: "\n") && base[end] != UInt8(ascii: "\r") { end += 1 }
            if line.count + data.count + (end - i) > maxEventBytes {
                throw LLMError.malformed("a streamed event is larger than \(Self.sizeText(maxEventBytes))")
            }
            line.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[i..<end]))
            i = end
        }
    }

    static func sizeText(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0 ? "\(bytes / 1024 / 1024) MiB" : "\(bytes) bytes"
    }

    /// Ends the stream: a final event not followed by a blank line is still delivered (servers often
    /// close right after the last `data:` line).
    public mutating func finish() -> [String] {
        var events: [String] = []
        if !line.isEmpty, let e = endLine() { events.append(e) }
        if let e = dispatch() { events.append(e) }
        lastWasCR = false
        return events
    }

    /// Processes the current line; returns an event's data when the line is blank and ends one.
    private mutating func endLine() -> String? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line[0] == UInt8(ascii: ":") { return nil }  // comment
        let name: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            name = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            name = line[...]
            value = []
        }
        if name.elementsEqual("data".utf8) {
            if hasData { data.append(UInt8(ascii: "\n")) }
            data.append(contentsOf: value)
            hasData = true
        }
        return nil  // event:, id:, retry: and unknown fields are ignored
    }

    private mutating func dispatch() -> String? {
        guard hasData else { return nil }
        let s = String(decoding: data, as: UTF8.self)
        data.removeAll(keepingCapacity: true)
        hasData = false
        return s
    }
}
