// A strict, byte-level JSON reader (RFC 8259), written by hand so that it gives precise errors,
// enforces limits, and can be fuzzed with libFuzzer (which only instruments code compiled in).
//
// It works on raw bytes, never on Swift `Character`s: strings are validated as UTF-8 in place and
// built from byte slices in one go. Containers are parsed with an explicit stack, not recursion,
// so hostile nesting gives a depth error rather than a stack overflow.

// MARK: - Values

/// A parsed JSON value.
///
/// Objects keep their members in document order (a parsed object never has two equal keys: the
/// parser rejects duplicates). Numbers are `Double`s; the parser produces NaN or infinities only
/// when ``JSONLimits/allowsNonFiniteNumbers`` is on (for Python's `NaN`, `Infinity`, `-Infinity`).
///
/// Equality is structural and order-sensitive: two objects are equal when they have the same
/// members in the same order; numbers compare with `Double`'s `==` (so `-0.0 == 0.0`, and a NaN
/// is equal to nothing, not even itself).
///
/// Values are compared, copied and destroyed recursively, so keep ``JSONLimits/maxDepth`` modest
/// (the default, 64, is plenty) when parsing untrusted input.
public enum JSONValue: Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number (finite when parsed, unless ``JSONLimits/allowsNonFiniteNumbers`` is on).
    case number(Double)
    /// A string; it may contain U+0000 (from `\u0000`), so sanitise before display.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object's members in document order.
    case object([(key: String, value: JSONValue)])
}

extension JSONValue: Equatable {
    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            guard x.count == y.count else { return false }
            for k in x.indices where x[k].key != y[k].key || x[k].value != y[k].value { return false }
            return true
        default: return false
        }
    }
}

extension JSONValue {
    /// The member named `key` when this is an object that has it; nil otherwise.
    /// (An explicit `null` member gives `.null`, not nil.)
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for m in members where m.key == key { return m.value }
        return nil
    }

    /// The element at `index` when this is an array and the index is in range; nil otherwise.
    public subscript(index: Int) -> JSONValue? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }

    /// Whether this is `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The boolean, when this is one.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }

    /// The number, when this is one.
    public var doubleValue: Double? { if case .number(let d) = self { return d } else { return nil } }

    /// The string, when this is one.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }

    /// The members in document order, when this is an object.
    public var objectValue: [(key: String, value: JSONValue)]? {
        if case .object(let o) = self { return o } else { return nil }
    }

    /// The JSON type's name for messages: `null`, `boolean`, `number`, `string`, `array` or `object`.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object with the members in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(elements.map { (key: $0.0, value: $0.1) })
    }
}

// MARK: - Limits

/// Bounds the parser enforces, so that a hostile or broken line cannot exhaust memory or stack,
/// and how lenient it is about non-finite numbers.
public struct JSONLimits: Sendable, Equatable {
    /// The deepest nesting of arrays and objects allowed; a top-level array is depth 1.
    public var maxDepth: Int
    /// The longest string (or object key) allowed, in bytes of its decoded UTF-8.
    public var maxStringBytes: Int
    /// The most elements one array, or members one object, may have.
    public var maxMembers: Int
    /// The largest document allowed, in bytes.
    public var maxDocumentBytes: Int
    /// Whether the bare tokens `NaN`, `Infinity` and `-Infinity` — exactly so spelled, as Python's
    /// `json.dumps` writes non-finite floats — are accepted as numbers (`.nan`, `.infinity`,
    /// `-.infinity`). They are not JSON, so this is off by default. Other spellings (`nan`, `inf`,
    /// `-NaN`, `+Infinity`…) are rejected either way.
    public var allowsNonFiniteNumbers: Bool

    /// Limits with the given bounds; each defaults to its value in ``default``.
    public init(maxDepth: Int = 64, maxStringBytes: Int = 1 << 20, maxMembers: Int = 10_000,
                maxDocumentBytes: Int = 16 << 20, allowsNonFiniteNumbers: Bool = false) {
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
        self.maxMembers = maxMembers
        self.maxDocumentBytes = maxDocumentBytes
        self.allowsNonFiniteNumbers = allowsNonFiniteNumbers
    }

    /// Depth 64, strings up to 1 MiB, 10,000 members per container, documents up to 16 MiB;
    /// strict about NaN and infinities.
    public static let `default` = JSONLimits()
}

// MARK: - Errors

/// Why a document is not acceptable JSON, and where: ``offset`` (0-based byte offset into the
/// bytes given to the parser), ``line`` and ``column`` (both 1-based; the column counts bytes).
///
/// ``message`` is plain English without the position, e.g. `duplicate key "score"`;
/// ``description`` adds it: `invalid UTF-8 at byte 17 (column 18)`.
public struct JSONError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// Nothing but whitespace (or a byte-order mark).
        case empty
        /// Something other than what the grammar allows here; `found` describes it
        /// (`'x'`, `U+201C`, `end of input`).
        case unexpected(expected: String, found: String)
        /// A bare word that is not `true`, `false` or `null`, e.g. `True` or `undefined`.
        case invalidLiteral(String)
        /// `NaN`, `Infinity`, `-Infinity` (or `nan`, `inf`…) when non-finite numbers are not allowed.
        case nonFiniteNumber
        /// A spelling of NaN or infinity other than `NaN`, `Infinity`, `-Infinity` (e.g. `nan`,
        /// `-NaN`, `inf`) when ``JSONLimits/allowsNonFiniteNumbers`` is on; the associated value is
        /// the text as written.
        case unsupportedNonFiniteNumber(String)
        /// A number with a leading zero, such as `012`.
        case leadingZero
        /// A malformed number; the text says what is missing.
        case invalidNumber(String)
        /// A number too large for a `Double`.
        case numberOutOfRange
        /// A comma right before `]` or `}`; the associated value is that closing bracket.
        case trailingComma(Character)
        /// `//` or `/*`.
        case comment
        /// A string in single quotes.
        case singleQuote
        /// A string with no closing quote; the offset is its opening quote.
        case unterminatedString
        /// A raw control character (U+0000…U+001F) inside a string.
        case controlCharacter(UInt8)
        /// A backslash followed by something other than `"\/bfnrtu`; the associated value is the byte after it.
        case invalidEscape(UInt8)
        /// `\u` not followed by four hexadecimal digits.
        case invalidUnicodeEscape
        /// A `\uD800`…`\uDFFF` escape that is not half of a surrogate pair.
        case loneSurrogate(UInt16)
        /// Bytes that are not well-formed UTF-8 (overlong forms, encoded surrogates, > U+10FFFF,
        /// stray or missing continuation bytes).
        case invalidUTF8
        /// An object key that appears twice in the same object.
        case duplicateKey(String)
        /// Arrays and objects nested deeper than the limit.
        case tooDeep(limit: Int)
        /// A string (or key) longer than the limit, in bytes.
        case stringTooLong(limit: Int)
        /// An array with more elements (`inObject` false) or object with more members than the limit.
        case tooManyMembers(limit: Int, inObject: Bool)
        /// A document larger than the limit, in bytes.
        case documentTooLarge(limit: Int)
        /// Something other than whitespace after the top-level value.
        case trailingData
    }

    /// What went wrong.
    public var kind: Kind
    /// 0-based byte offset of the problem.
    public var offset: Int
    /// 1-based line of the problem.
    public var line: Int
    /// 1-based column of the problem, in bytes from the start of its line.
    public var column: Int

    /// An error at `offset`; the column defaults to `offset + 1` (right for a one-line document).
    public init(_ kind: Kind, offset: Int, line: Int = 1, column: Int? = nil) {
        self.kind = kind
        self.offset = offset
        self.line = line
        self.column = column ?? offset + 1
    }

    /// What went wrong, in plain English, without the position.
    public var message: String {
        switch kind {
        case .empty: return "empty line"
        case let .unexpected(expected, found): return "expected \(expected), found \(found)"
        case let .invalidLiteral(word): return "invalid literal '\(word)' (JSON has only true, false and null)"
        case .nonFiniteNumber: return "NaN/Infinity are not JSON"
        case let .unsupportedNonFiniteNumber(text):
            return "invalid number '\(text)' (only NaN, Infinity and -Infinity are accepted)"
        case .leadingZero: return "numbers must not have leading zeros"
        case let .invalidNumber(why): return "invalid number: \(why)"
        case .numberOutOfRange: return "number out of range"
        case let .trailingComma(c): return "trailing comma before '\(c)'"
        case .comment: return "comments are not JSON"
        case .singleQuote: return "strings must be in double quotes, not single quotes"
        case .unterminatedString: return "unterminated string"
        case let .controlCharacter(c): return "control character \(Self.codePoint(UInt32(c))) in string must be escaped"
        case let .invalidEscape(c):
            let shown = c >= 0x21 && c <= 0x7E ? "'\\\(Character(Unicode.Scalar(c)))'" : "'\\' followed by \(Self.codePoint(UInt32(c)))"
            return "invalid escape \(shown) in string"
        case .invalidUnicodeEscape: return "\\u must be followed by four hexadecimal digits"
        case let .loneSurrogate(u): return "lone surrogate \\u\(Self.hex4(UInt32(u))) in string"
        case .invalidUTF8: return "invalid UTF-8"
        case let .duplicateKey(key): return "duplicate key \(JSONWriter.quotedForMessage(key))"
        case let .tooDeep(limit): return "nesting deeper than \(limit)"
        case let .stringTooLong(limit): return "string longer than \(Self.byteCount(limit))"
        case let .tooManyMembers(limit, inObject):
            return inObject ? "more than \(limit) members in an object" : "more than \(limit) elements in an array"
        case let .documentTooLarge(limit): return "document larger than \(Self.byteCount(limit))"
        case .trailingData: return "trailing data after the value"
        }
    }

    /// The message with its position, e.g. `invalid UTF-8 at byte 17 (column 18)`.
    public var description: String {
        if kind == .empty { return message }
        let position = line == 1 ? "column \(column)" : "line \(line), column \(column)"
        return "\(message) at byte \(offset) (\(position))"
    }

    static func hex4(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - s.count)) + s
    }

    static func codePoint(_ v: UInt32) -> String { "U+" + hex4(v) }

    static func byteCount(_ n: Int) -> String {
        if n > 0 && n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n > 0 && n % (1 << 10) == 0 { return "\(n >> 10) KiB" }
        return n == 1 ? "1 byte" : "\(n) bytes"
    }
}

// MARK: - Parser

/// A strict RFC 8259 JSON parser over bytes.
///
/// - Rejects what JSON does not allow: NaN/Infinity (unless ``JSONLimits/allowsNonFiniteNumbers``
///   is on: then exactly `NaN`, `Infinity` and `-Infinity` are numbers), leading zeros, trailing commas, comments,
///   single quotes, raw control characters in strings, malformed UTF-8 (overlong forms, encoded
///   surrogates, code points above U+10FFFF), lone surrogate `\u` escapes, duplicate object keys,
///   numbers that overflow a `Double`, and anything but whitespace after the value.
/// - Accepts `\u0000` (valid JSON; display code sanitises text later) and one UTF-8 byte-order
///   mark at the very start of the input (i.e. of the line, for JSON Lines).
/// - Numbers are converted to the nearest `Double` (correctly rounded); numbers too small for a
///   `Double` become zero.
/// - Keys are compared as Swift strings, so two keys that differ only in Unicode normalisation
///   count as duplicates.
///
/// Safe on any input: it never traps, recurses or reads outside the buffer, which makes it a
/// good libFuzzer target (`try? JSONParser().parse(UnsafeRawBufferPointer(start: data, count: size))`).
public struct JSONParser: Sendable {
    /// The bounds this parser enforces.
    public var limits: JSONLimits

    /// A parser that enforces `limits`.
    public init(limits: JSONLimits = .default) {
        self.limits = limits
    }

    /// Parses one JSON document (for JSON Lines: one line, without its newline).
    public func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONError) -> JSONValue {
        var state = JSONParserState(buffer: bytes, limits: limits)
        return try state.parseDocument()
    }

    /// Parses one JSON document from bytes.
    public func parse(_ bytes: [UInt8]) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONValue in try parse(raw) }
        }
        return try result.get()
    }

    /// Parses one JSON document from a slice of bytes; offsets in errors count from the slice's start.
    public func parse(_ bytes: ArraySlice<UInt8>) throws(JSONError) -> JSONValue {
        let result = bytes.withUnsafeBytes { raw in
            Result { () throws(JSONError) -> JSONValue in try parse(raw) }
        }
        return try result.get()
    }

    /// Parses one JSON document from the UTF-8 of `text`.
    public func parse(_ text: String) throws(JSONError) -> JSONValue {
        var text = text
        let result = text.withUTF8 { utf8 in
            Result { () throws(JSONError) -> JSONValue in try parse(UnsafeRawBufferPointer(utf8)) }
        }
        return try result.get()
    }
}

/// An open array or object while parsing.
private struct JSONFrame {
    var isObject: Bool
    /// Where this container's values start on the value stack.
    var valueBase: Int
    /// Where this object's keys start on the key stack.
    var keyBase: Int
    /// The keys seen so far, once the object is big enough for linear duplicate checks to be slow.
    var keySet: Set<String>?
}

private enum ASCII {
    static let quote: UInt8 = 0x22, backslash: UInt8 = 0x5C, slash: UInt8 = 0x2F
    static let comma: UInt8 = 0x2C, colon: UInt8 = 0x3A, minus: UInt8 = 0x2D, plus: UInt8 = 0x2B, dot: UInt8 = 0x2E
    static let openBracket: UInt8 = 0x5B, closeBracket: UInt8 = 0x5D
    static let openBrace: UInt8 = 0x7B, closeBrace: UInt8 = 0x7D
    static let zero: UInt8 = 0x30, nine: UInt8 = 0x39
    static let space: UInt8 = 0x20, tab: UInt8 = 0x09, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
    static let apostrophe: UInt8 = 0x27, star: UInt8 = 0x2A
}

/// Exact powers of ten for the fast path of number conversion.
private let powersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

private struct JSONParserState {
    let buf: UnsafeRawBufferPointer
    let n: Int
    let limits: JSONLimits
    var i = 0

    init(buffer: UnsafeRawBufferPointer, limits: JSONLimits) {
        self.buf = buffer
        self.n = buffer.count
        self.limits = limits
    }

    // MARK: Errors

    /// Builds an error at `offset`, working out its line and column (errors are rare, so the scan is fine).
    @inline(never)
    func error(_ kind: JSONError.Kind, at offset: Int) -> JSONError {
        let end = min(max(offset, 0), n)
        var line = 1
        var lineStart = 0
        var k = 0
        while k < end {
            if buf[k] == ASCII.lf {
                line += 1
                lineStart = k + 1
            }
            k += 1
        }
        return JSONError(kind, offset: offset, line: line, column: offset - lineStart + 1)
    }

    /// The error for finding something other than `expected` at `offset`.
    @inline(never)
    func unexpected(_ expected: String, at offset: Int) -> JSONError {
        guard offset < n else { return error(.unexpected(expected: expected, found: "end of input"), at: offset) }
        let c = buf[offset]
        if c == ASCII.slash, offset + 1 < n, buf[offset + 1] == ASCII.slash || buf[offset + 1] == ASCII.star {
            return error(.comment, at: offset)
        }
        if c == ASCII.apostrophe { return error(.singleQuote, at: offset) }
        if c >= 0x80 {
            let length = utf8SequenceLength(at: offset)
            guard length > 0 else { return error(.invalidUTF8, at: offset) }
            return error(.unexpected(expected: expected, found: JSONError.codePoint(scalarValue(at: offset, length: length))),
                         at: offset)
        }
        if c >= 0x21 && c <= 0x7E {
            return error(.unexpected(expected: expected, found: "'\(Character(Unicode.Scalar(c)))'"), at: offset)
        }
        return error(.unexpected(expected: expected, found: JSONError.codePoint(UInt32(c))), at: offset)
    }

    // MARK: Document and containers

    mutating func parseDocument() throws(JSONError) -> JSONValue {
        if n > limits.maxDocumentBytes {
            throw error(.documentTooLarge(limit: limits.maxDocumentBytes), at: max(limits.maxDocumentBytes, 0))
        }
        if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }
        skipWhitespace()
        if i == n { throw error(.empty, at: i) }
        let value = try parseValue()
        skipWhitespace()
        if i < n {
            if buf[i] == ASCII.slash, i + 1 < n, buf[i + 1] == ASCII.slash || buf[i + 1] == ASCII.star {
                throw error(.comment, at: i)
            }
            throw error(.trailingData, at: i)
        }
        return value
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while i < n {
            let c = buf[i]
            guard c == ASCII.space || c == ASCII.lf || c == ASCII.cr || c == ASCII.tab else { return }
            i += 1
        }
    }

    /// Parses a value, with an explicit stack of open containers instead of recursion.
    mutating func parseValue() throws(JSONError) -> JSONValue {
        var frames: [JSONFrame] = []
        var values: [JSONValue] = []
        var keys: [String] = []

        while true {
            // Parse the start of a value: either a whole scalar or an opening bracket.
            skipWhitespace()
            guard i < n else { throw unexpected("a value", at: i) }
            var value: JSONValue
            switch buf[i] {
            case ASCII.openBrace:
                if frames.count >= limits.maxDepth { throw error(.tooDeep(limit: limits.maxDepth), at: i) }
                i += 1
                skipWhitespace()
                if i < n && buf[i] == ASCII.closeBrace {
                    i += 1
                    value = .object([])
                } else {
                    if limits.maxMembers < 1 { throw error(.tooManyMembers(limit: limits.maxMembers, inObject: true), at: i) }
                    frames.append(JSONFrame(isObject: true, valueBase: values.count, keyBase: keys.count, keySet: nil))
                    try parseKey(frame: frames.count - 1, frames: &frames, keys: &keys)
                    continue
                }
            case ASCII.openBracket:
                if frames.count >= limits.maxDepth { throw error(.tooDeep(limit: limits.maxDepth), at: i) }
                i += 1
                skipWhitespace()
                if i < n && buf[i] == ASCII.closeBracket {
                    i += 1
                    value = .array([])
                } else {
                    if limits.maxMembers < 1 { throw error(.tooManyMembers(limit: limits.maxMembers, inObject: false), at: i) }
                    frames.append(JSONFrame(isObject: false, valueBase: values.count, keyBase: keys.count, keySet: nil))
                    continue
                }
            case ASCII.quote:
                value = .string(try parseString())
            case ASCII.minus, ASCII.zero...ASCII.nine:
                value = .number(try parseNumber())
            case 0x41...0x5A, 0x61...0x7A: // letters: true, false, null, or a mistake
                value = try parseLiteral()
            default:
                throw unexpected("a value", at: i)
            }

            // A value is complete: add it to the open container, closing containers as they end.
            while true {
                guard !frames.isEmpty else { return value }
                let f = frames.count - 1
                values.append(value)
                skipWhitespace()
                guard i < n else { throw unexpected(frames[f].isObject ? "',' or '}'" : "',' or ']'", at: i) }
                let c = buf[i]
                if frames[f].isObject {
                    if c == ASCII.comma {
                        i += 1
                        skipWhitespace()
                        if i < n && buf[i] == ASCII.closeBrace { throw error(.trailingComma("}"), at: i) }
                        if keys.count - frames[f].keyBase >= limits.maxMembers {
                            throw error(.tooManyMembers(limit: limits.maxMembers, inObject: true), at: i)
                        }
                        try parseKey(frame: f, frames: &frames, keys: &keys)
                        break
                    }
                    guard c == ASCII.closeBrace else { throw unexpected("',' or '}'", at: i) }
                    i += 1
                    let keyBase = frames[f].keyBase, valueBase = frames[f].valueBase
                    let count = keys.count - keyBase
                    var members: [(key: String, value: JSONValue)] = []
                    members.reserveCapacity(count)
                    for k in 0..<count { members.append((key: keys[keyBase + k], value: values[valueBase + k])) }
                    keys.removeLast(count)
                    values.removeLast(count)
                    frames.removeLast()
                    value = .object(members)
                } else {
                    if c == ASCII.comma {
                        i += 1
                        skipWhitespace()
                        if i < n && buf[i] == ASCII.closeBracket { throw error(.trailingComma("]"), at: i) }
                        if values.count - frames[f].valueBase >= limits.maxMembers {
                            throw error(.tooManyMembers(limit: limits.maxMembers, inObject: false), at: i)
                        }
                        break
                    }
                    guard c == ASCII.closeBracket else { throw unexpected("',' or ']'", at: i) }
                    i += 1
                    let valueBase = frames[f].valueBase
                    let elements = Array(values[valueBase...])
                    values.removeLast(values.count - valueBase)
                    frames.removeLast()
                    value = .array(elements)
                }
            }
        }
    }

    /// Parses `"key" :` for the object in `frames[frame]`, rejecting a key it already has.
    mutating func parseKey(frame f: Int, frames: inout [JSONFrame], keys: inout [String]) throws(JSONError) {
        guard i < n, buf[i] == ASCII.quote else {
            throw unexpected(keys.count == frames[f].keyBase ? "a string key or '}'" : "a string key", at: i)
        }
        let keyOffset = i
        let key = try parseString()
        let base = frames[f].keyBase
        if keys.count - base < 8 {
            var k = base
            while k < keys.count {
                if keys[k] == key { throw error(.duplicateKey(key), at: keyOffset) }
                k += 1
            }
        } else {
            if frames[f].keySet == nil { frames[f].keySet = Set(keys[base...]) }
            if frames[f].keySet?.insert(key).inserted == false { throw error(.duplicateKey(key), at: keyOffset) }
        }
        keys.append(key)
        skipWhitespace()
        guard i < n, buf[i] == ASCII.colon else { throw unexpected("':'", at: i) }
        i += 1
    }

    // MARK: Literals

    /// The end of the run of ASCII letters at `start` (at most 32 of them).
    func wordEnd(at start: Int) -> Int {
        var end = start
        while end < n, end - start < 32, case let c = buf[end] | 0x20, c >= 0x61 && c <= 0x7A { end += 1 }
        return end
    }

    /// The run of ASCII letters at `start` (at most 32 of them).
    func word(at start: Int) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: buf[start..<wordEnd(at: start)]), as: UTF8.self)
    }

    /// Whether the bytes `start..<end` are exactly `word` (case-sensitive).
    func bytes(_ start: Int, _ end: Int, are word: StaticString) -> Bool {
        let length = end - start
        guard length == word.utf8CodeUnitCount else { return false }
        let p = word.utf8Start
        for k in 0..<length where buf[start + k] != p[k] { return false }
        return true
    }

    /// Whether `word` (already lowercased) is a spelling of NaN or infinity.
    func isNonFiniteSpelling(_ word: String) -> Bool { ["nan", "inf", "infinity"].contains(word) }

    mutating func parseLiteral() throws(JSONError) -> JSONValue {
        let start = i
        let end = wordEnd(at: start)
        if bytes(start, end, are: "true") { i = end; return .bool(true) }
        if bytes(start, end, are: "false") { i = end; return .bool(false) }
        if bytes(start, end, are: "null") { i = end; return .null }
        if limits.allowsNonFiniteNumbers {
            if bytes(start, end, are: "NaN") { i = end; return .number(.nan) }
            if bytes(start, end, are: "Infinity") { i = end; return .number(.infinity) }
        }
        let word = word(at: start)
        guard isNonFiniteSpelling(word.lowercased()) else { throw error(.invalidLiteral(word), at: start) }
        throw error(limits.allowsNonFiniteNumbers ? .unsupportedNonFiniteNumber(word) : .nonFiniteNumber, at: start)
    }

    // MARK: Numbers

    @inline(__always)
    func isDigit(_ c: UInt8) -> Bool { c &- ASCII.zero < 10 }

    mutating func parseNumber() throws(JSONError) -> Double {
        let start = i
        var negative = false
        if buf[i] == ASCII.minus {
            negative = true
            i += 1
        }
        guard i < n, isDigit(buf[i]) else {
            if i < n, case let c = buf[i] | 0x20, c == 0x69 || c == 0x6E { // -Infinity, -NaN
                let end = wordEnd(at: i)
                if limits.allowsNonFiniteNumbers && bytes(i, end, are: "Infinity") {
                    i = end
                    return -.infinity
                }
                let word = word(at: i)
                if isNonFiniteSpelling(word.lowercased()) {
                    throw error(limits.allowsNonFiniteNumbers ? .unsupportedNonFiniteNumber("-" + word) : .nonFiniteNumber,
                                at: start)
                }
            }
            throw error(.invalidNumber("expected a digit after '-'"), at: i)
        }

        // Up to 19 significant digits fit a UInt64; beyond that (or for big exponents) the slow
        // path converts the text.
        var mantissa: UInt64 = 0
        var digits = 0
        var exponent = 0
        var exact = true
        if buf[i] == ASCII.zero {
            i += 1
            if i < n && isDigit(buf[i]) { throw error(.leadingZero, at: start) }
        } else {
            while i < n, case let d = buf[i] &- ASCII.zero, d < 10 {
                if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                } else {
                    exact = false
                }
                i += 1
            }
        }
        if i < n && buf[i] == ASCII.dot {
            i += 1
            guard i < n, isDigit(buf[i]) else { throw error(.invalidNumber("expected a digit after '.'"), at: i) }
            while i < n, case let d = buf[i] &- ASCII.zero, d < 10 {
                if mantissa == 0 && d == 0 {
                    exponent -= 1
                } else if digits < 19 {
                    mantissa = mantissa &* 10 &+ UInt64(d)
                    digits += 1
                    exponent -= 1
                } else {
                    exact = false
                }
                i += 1
            }
        }
        if i < n && (buf[i] | 0x20) == 0x65 { // e or E
            i += 1
            var exponentNegative = false
            if i < n && (buf[i] == ASCII.plus || buf[i] == ASCII.minus) {
                exponentNegative = buf[i] == ASCII.minus
                i += 1
            }
            guard i < n, isDigit(buf[i]) else { throw error(.invalidNumber("expected a digit in the exponent"), at: i) }
            var e = 0
            while i < n, case let d = buf[i] &- ASCII.zero, d < 10 {
                if e < 1_000_000 { e = e * 10 + Int(d) }
                i += 1
            }
            exponent += exponentNegative ? -e : e
        }

        // Fast path (Clinger): the mantissa (at most 2^53) and the power of ten (at most 10^22)
        // are both exact doubles, so one multiplication or division rounds correctly.
        if exact && mantissa <= 1 << 53 {
            if mantissa == 0 { return negative ? -0.0 : 0.0 }
            if exponent >= -22 && exponent <= 22 {
                let m = Double(mantissa)
                let v = exponent >= 0 ? m * powersOfTen[exponent] : m / powersOfTen[-exponent]
                return negative ? -v : v
            }
        }
        // Slow path: Swift's locale-independent, correctly rounded conversion of the (validated) text.
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
        guard let v = Double(text) else { throw error(.invalidNumber("cannot convert"), at: start) }
        guard v.isFinite else { throw error(.numberOutOfRange, at: start) }
        return v
    }

    // MARK: Strings

    /// Skips 8 bytes at a time while none of them is `"`, `\`, a control character or non-ASCII.
    @inline(__always)
    mutating func skipPlainASCII() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = buf.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            let quote = w ^ (ones &* 0x22)
            let backslash = w ^ (ones &* 0x5C)
            // A byte b has its high bit set in (b - k) & ~b when b < k (for b < 0x80); zero is k = 1.
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                | ((w &- ones &* 0x20) & ~w) | w
            if special & highs != 0 { return }
            i += 8
        }
    }

    /// Parses a string starting at its opening quote.
    mutating func parseString() throws(JSONError) -> String {
        let open = i
        i += 1
        let start = i
        while true {
            skipPlainASCII()
            guard i < n else { throw error(.unterminatedString, at: open) }
            let c = buf[i]
            if c == ASCII.quote {
                let length = i - start
                if length > limits.maxStringBytes { throw error(.stringTooLong(limit: limits.maxStringBytes), at: open) }
                i += 1
                return String(decoding: UnsafeRawBufferPointer(rebasing: buf[start..<(start + length)]), as: UTF8.self)
            }
            if c == ASCII.backslash { return try parseEscapedString(open: open, start: start) }
            if c < 0x20 { throw error(.controlCharacter(c), at: i) }
            if c < 0x80 {
                i += 1
            } else {
                let length = utf8SequenceLength(at: i)
                if length == 0 { throw error(.invalidUTF8, at: i) }
                i += length
            }
        }
    }

    /// The rest of a string that has escapes: copies runs of bytes and decoded escapes to a buffer.
    mutating func parseEscapedString(open: Int, start: Int) throws(JSONError) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(i - start + 64)
        var runStart = start
        while true {
            skipPlainASCII()
            guard i < n else { throw error(.unterminatedString, at: open) }
            let c = buf[i]
            if c == ASCII.quote {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[runStart..<i]))
                if out.count > limits.maxStringBytes { throw error(.stringTooLong(limit: limits.maxStringBytes), at: open) }
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == ASCII.backslash {
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[runStart..<i]))
                try parseEscape(into: &out, open: open)
                runStart = i
                if out.count > limits.maxStringBytes { throw error(.stringTooLong(limit: limits.maxStringBytes), at: open) }
                continue
            }
            if c < 0x20 { throw error(.controlCharacter(c), at: i) }
            if c < 0x80 {
                i += 1
            } else {
                let length = utf8SequenceLength(at: i)
                if length == 0 { throw error(.invalidUTF8, at: i) }
                i += length
            }
        }
    }

    /// Decodes the escape at `i` (a backslash) and appends its UTF-8.
    mutating func parseEscape(into out: inout [UInt8], open: Int) throws(JSONError) {
        let escape = i
        guard i + 1 < n else { throw error(.unterminatedString, at: open) }
        let c = buf[i + 1]
        i += 2
        switch c {
        case ASCII.quote, ASCII.backslash, ASCII.slash: out.append(c)
        case 0x62: out.append(0x08) // b
        case 0x66: out.append(0x0C) // f
        case 0x6E: out.append(0x0A) // n
        case 0x72: out.append(0x0D) // r
        case 0x74: out.append(0x09) // t
        case 0x75: // u
            guard let unit = hex4(at: i) else { throw error(.invalidUnicodeEscape, at: escape) }
            i += 4
            var scalar = UInt32(unit)
            if unit >= 0xD800 && unit <= 0xDBFF {
                guard i + 1 < n, buf[i] == ASCII.backslash, buf[i + 1] == 0x75, let low = hex4(at: i + 2),
                      low >= 0xDC00 && low <= 0xDFFF
                else { throw error(.loneSurrogate(unit), at: escape) }
                i += 6
                scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            } else if unit >= 0xDC00 && unit <= 0xDFFF {
                throw error(.loneSurrogate(unit), at: escape)
            }
            appendUTF8(scalar, to: &out)
        default:
            if c >= 0x80 {
                let length = utf8SequenceLength(at: escape + 1)
                if length == 0 { throw error(.invalidUTF8, at: escape + 1) }
            }
            throw error(.invalidEscape(c), at: escape)
        }
    }

    func hex4(at k: Int) -> UInt16? {
        guard k + 4 <= n else { return nil }
        var v: UInt16 = 0
        for j in k..<(k + 4) {
            let c = buf[j]
            let d: UInt8
            switch c {
            case 0x30...0x39: d = c - 0x30
            case 0x41...0x46: d = c - 0x41 + 10
            case 0x61...0x66: d = c - 0x61 + 10
            default: return nil
            }
            v = v << 4 | UInt16(d)
        }
        return v
    }

    func appendUTF8(_ v: UInt32, to out: inout [UInt8]) {
        switch v {
        case 0..<0x80:
            out.append(UInt8(v))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | v >> 6))
            out.append(UInt8(0x80 | v & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | v >> 12))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        default:
            out.append(UInt8(0xF0 | v >> 18))
            out.append(UInt8(0x80 | v >> 12 & 0x3F))
            out.append(UInt8(0x80 | v >> 6 & 0x3F))
            out.append(UInt8(0x80 | v & 0x3F))
        }
    }

    // MARK: UTF-8

    /// The length of the well-formed UTF-8 sequence starting with the non-ASCII byte at `k`,
    /// or 0 when it is not well formed (Unicode Table 3-7: no overlong forms, no surrogates,
    /// nothing above U+10FFFF, no truncated sequences).
    @inline(__always)
    func utf8SequenceLength(at k: Int) -> Int {
        let c0 = buf[k]
        @inline(__always) func continuation(_ j: Int) -> Bool { j < n && buf[j] & 0xC0 == 0x80 }
        @inline(__always) func within(_ j: Int, _ lo: UInt8, _ hi: UInt8) -> Bool { j < n && buf[j] >= lo && buf[j] <= hi }
        switch c0 {
        case 0xC2...0xDF:
            return continuation(k + 1) ? 2 : 0
        case 0xE0...0xEF:
            let lo: UInt8 = c0 == 0xE0 ? 0xA0 : 0x80
            let hi: UInt8 = c0 == 0xED ? 0x9F : 0xBF
            return within(k + 1, lo, hi) && continuation(k + 2) ? 3 : 0
        case 0xF0...0xF4:
            let lo: UInt8 = c0 == 0xF0 ? 0x90 : 0x80
            let hi: UInt8 = c0 == 0xF4 ? 0x8F : 0xBF
            return within(k + 1, lo, hi) && continuation(k + 2) && continuation(k + 3) ? 4 : 0
        default:
            return 0
        }
    }

    /// The scalar value of the well-formed sequence of `length` bytes at `k`.
    func scalarValue(at k: Int, length: Int) -> UInt32 {
        let c0 = UInt32(buf[k])
        switch length {
        case 2: return (c0 & 0x1F) << 6 | UInt32(buf[k + 1] & 0x3F)
        case 3: return (c0 & 0x0F) << 12 | UInt32(buf[k + 1] & 0x3F) << 6 | UInt32(buf[k + 2] & 0x3F)
        default:
            return (c0 & 0x07) << 18 | UInt32(buf[k + 1] & 0x3F) << 12 | UInt32(buf[k + 2] & 0x3F) << 6
                | UInt32(buf[k + 3] & 0x3F)
        }
    }
}
