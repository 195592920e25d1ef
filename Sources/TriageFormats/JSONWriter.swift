/// A streaming JSON writer that appends UTF-8 to ``bytes``.
///
/// Call the methods in document order; the writer puts in the commas. Inside an object, write
/// ``key(_:)`` before each value (or use the `field` conveniences). Several top-level values can
/// follow each other as JSON Lines by calling ``endLine()`` after each.
///
/// ```swift
/// var w = JSONWriter()
/// w.beginObject()
/// w.field("case_id", "c_1")
/// w.key("scores"); w.beginArray(); w.number(0.93); w.endArray()
/// w.endObject()
/// w.endLine()        // {"case_id":"c_1","scores":[0.93]}\n
/// ```
///
/// - Strings are escaped as RFC 8259 requires (`"`, `\`, control characters) and U+2028/U+2029
///   are escaped too, so the output is also valid JavaScript. Everything else is written as UTF-8.
/// - Numbers use the shortest text that reads back as the same `Double`; integral values within
///   ±2^53 are written without a fraction (`136`, not `136.0`); `-0.0` keeps its sign.
/// - **NaN and ±infinity are written as `null`** (JSON has no such numbers); the writer never throws.
///
/// The writer does not check that calls nest properly: a mismatched `end…` or a value without a
/// key inside an object gives malformed output.
public struct JSONWriter: Sendable {
    /// The output so far.
    public var bytes: [UInt8]
    /// Whether the next value, key or container needs a comma before it.
    private var needsComma = false

    /// A writer with an empty buffer that has room for `capacity` bytes.
    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// The output as a string.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Empties the buffer (keeping its memory by default), e.g. after flushing it to a file.
    public mutating func removeAll(keepingCapacity: Bool = true) {
        bytes.removeAll(keepingCapacity: keepingCapacity)
        needsComma = false
    }

    @inline(__always)
    private mutating func separate() {
        if needsComma { bytes.append(0x2C) }
    }

    // MARK: Values

    /// Writes `null`.
    public mutating func null() {
        separate()
        append("null")
        needsComma = true
    }

    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        separate()
        append(value ? "true" : "false")
        needsComma = true
    }

    /// Writes a number: the shortest round-trip form, integral values within ±2^53 without a
    /// fraction, and `null` for NaN and ±infinity.
    public mutating func number(_ value: Double) {
        separate()
        appendNumber(value)
        needsComma = true
    }

    /// Writes an integer.
    public mutating func number(_ value: Int64) {
        separate()
        appendInteger(value)
        needsComma = true
    }

    /// Writes an integer.
    public mutating func number(_ value: Int) {
        number(Int64(value))
    }

    /// Writes a string, escaped.
    public mutating func string(_ value: String) {
        separate()
        appendQuoted(value)
        needsComma = true
    }

    /// Writes an object key and its colon; the next call writes the member's value.
    public mutating func key(_ key: String) {
        separate()
        appendQuoted(key)
        bytes.append(0x3A)
        needsComma = false
    }

    /// Writes `{`.
    public mutating func beginObject() {
        separate()
        bytes.append(0x7B)
        needsComma = false
    }

    /// Writes `}`.
    public mutating func endObject() {
        bytes.append(0x7D)
        needsComma = true
    }

    /// Writes `[`.
    public mutating func beginArray() {
        separate()
        bytes.append(0x5B)
        needsComma = false
    }

    /// Writes `]`.
    public mutating func endArray() {
        bytes.append(0x5D)
        needsComma = true
    }

    /// Ends a top-level value with a newline (JSON Lines); the next value starts a new document.
    public mutating func endLine() {
        bytes.append(0x0A)
        needsComma = false
    }

    /// Writes `object`, the text of one JSON object this writer made earlier (a stored feature
    /// snapshot), as it is, without parsing it again. Only a guard is checked, not the grammar:
    /// the text must start with `{`, end with `}` and hold no control character (so no line
    /// break can split a JSON Lines record) and nothing this writer escapes for terminals (text
    /// stored by an older triage). Returns false, writing nothing, when it fails that.
    @discardableResult
    public mutating func verbatim(object: String) -> Bool {
        var object = object
        let ok = object.withUTF8 { p in
            p.count >= 2 && p.first == 0x7B && p.last == 0x7D && !p.contains { $0 < 0x20 } && !Self.holdsTerminalControls(p)
        }
        guard ok else { return false }
        separate()
        bytes.append(contentsOf: object.utf8)
        needsComma = true
        return true
    }

    /// Writes a whole value (objects keep their member order).
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let b): bool(b)
        case .number(let d): number(d)
        case .string(let s): string(s)
        case .array(let elements):
            beginArray()
            for e in elements { self.value(e) }
            endArray()
        case .object(let members):
            beginObject()
            for m in members {
                key(m.key)
                self.value(m.value)
            }
            endObject()
        }
    }

    // MARK: Members

    /// Writes `"key":"value"`, or `"key":null` when `value` is nil.
    public mutating func field(_ key: String, _ value: String?) {
        self.key(key)
        if let value { string(value) } else { null() }
    }

    /// Writes `"key":number`, or `"key":null` when `value` is nil (or not finite).
    public mutating func field(_ key: String, _ value: Double?) {
        self.key(key)
        if let value { number(value) } else { null() }
    }

    /// Writes `"key":integer`, or `"key":null` when `value` is nil.
    public mutating func field(_ key: String, _ value: Int64?) {
        self.key(key)
        if let value { number(value) } else { null() }
    }

    /// Writes `"key":true|false`, or `"key":null` when `value` is nil.
    public mutating func field(_ key: String, _ value: Bool?) {
        self.key(key)
        if let value { bool(value) } else { null() }
    }

    // MARK: Encoding

    @inline(__always)
    private mutating func append(_ s: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    private mutating func appendNumber(_ d: Double) {
        guard d.isFinite else {
            append("null")
            return
        }
        if d.magnitude <= 9_007_199_254_740_992 {
            let i = Int64(d)
            if Double(i) == d && !(i == 0 && d.sign == .minus) {
                appendInteger(i)
                return
            }
        }
        // Swift's description is the shortest text that round-trips (e.g. 0.1, 1e-07, 1.5e+300,
        // -0.0), and all of those are valid JSON numbers.
        bytes.append(contentsOf: d.description.utf8)
    }

    private mutating func appendInteger(_ value: Int64) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(0x2D) }
        if magnitude < 10 {
            bytes.append(0x30 + UInt8(magnitude))
            return
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var k = 20
            while magnitude > 0 {
                k -= 1
                digits[k] = 0x30 + UInt8(magnitude % 10)
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[k..<20]))
        }
    }

    private static let hexDigits: StaticString = "0123456789abcdef"

    /// Appends `s` in double quotes, escaped.
    private mutating func appendQuoted(_ s: String) {
        var s = s
        s.withUTF8 { p in appendQuoted(utf8: p) }
    }

    /// Escapes what JSON requires (`"`, `\\`, C0 controls) and, so that no JSON triage writes can
    /// act on a terminal or reorder text when shown, DEL, the C1 controls U+0080–U+009F, the line
    /// and paragraph separators U+2028/U+2029 (which also break JavaScript) and the bidirectional
    /// embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, as `\\uXXXX`.
    private mutating func appendQuoted(utf8 p: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        let count = p.count
        var runStart = 0
        var k = 0
        while k < count {
            let c = p[k]
            if c >= 0x20 && c != 0x22 && c != 0x5C && c < 0x7F {
                k += 1
                continue
            }
            // Multi-byte sequences: only C2 80–9F (C1), E2 80 A8–AE (U+2028–U+202E) and
            // E2 81 A6–A9 (U+2066–U+2069) are escaped; everything else passes whole.
            var escaped: UInt32?
            var length = 1
            switch c {
            case 0x22, 0x5C, 0..<0x20, 0x7F:
                escaped = UInt32(c)
            case 0xC2 where k + 1 < count && (0x80...0x9F).contains(p[k + 1]):
                escaped = UInt32(p[k + 1])
                length = 2
            case 0xE2 where k + 2 < count && p[k + 1] == 0x80 && (0xA8...0xAE).contains(p[k + 2]):
                escaped = 0x2000 + UInt32(p[k + 2] - 0x80)
                length = 3
            case 0xE2 where k + 2 < count && p[k + 1] == 0x81 && (0xA6...0xA9).contains(p[k + 2]):
                escaped = 0x2040 + UInt32(p[k + 2] - 0x80)
                length = 3
            default:
                break
            }
            guard let scalar = escaped else {
                k += 1
                continue
            }
            if runStart < k { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<k])) }
            switch scalar {
            case 0x22: append("\\\"")
            case 0x5C: append("\\\\")
            case 0x0A: append("\\n")
            case 0x0D: append("\\r")
            case 0x09: append("\\t")
            case 0x08: append("\\b")
            case 0x0C: append("\\f")
            default:
                append("\\u")
                let hex = Self.hexDigits.utf8Start
                for shift in [12, 8, 4, 0] as [UInt32] { bytes.append(hex[Int((scalar >> shift) & 0xF)]) }
            }
            k += length
            runStart = k
        }
        if runStart < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[runStart..<count])) }
        bytes.append(0x22)
    }

    /// Whether `utf8` holds a byte sequence ``appendQuoted(utf8:)`` would escape beyond what JSON
    /// requires of a string's content: DEL, a C1 control, U+2028–U+202E or U+2066–U+2069.
    static func holdsTerminalControls(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = utf8.count
        var k = 0
        while k < n {
            let c = utf8[k]
            if c < 0x7F { k += 1; continue }
            if c == 0x7F { return true }
            if c == 0xC2, k + 1 < n, (0x80...0x9F).contains(utf8[k + 1]) { return true }
            if c == 0xE2, k + 2 < n {
                if utf8[k + 1] == 0x80 && (0xA8...0xAE).contains(utf8[k + 2]) { return true }
                if utf8[k + 1] == 0x81 && (0xA6...0xA9).contains(utf8[k + 2]) { return true }
            }
            k += 1
        }
        return false
    }

    /// `text` in double quotes for an error message: JSON-escaped, with C1 controls, U+2028/U+2029
    /// and bidirectional formatting characters escaped too, and cut to 64 characters, so that
    /// untrusted text cannot mess up a terminal.
    static func quotedForMessage(_ text: String, limit: Int = 64) -> String {
        var out = "\""
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                out += "…"
                break
            }
            count += 1
            let v = scalar.value
            switch v {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0..<0x20, 0x7F...0x9F, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069, 0xFEFF:
                out += "\\u" + JSONError.hex4(v)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

extension JSONValue {
    /// The value as compact JSON text (see ``JSONWriter`` for the number and string forms).
    public func serialized() -> String {
        var w = JSONWriter()
        w.value(self)
        return w.text
    }
}
