import Testing
@testable import TriageFormats

// MARK: - Helpers

private func parse(_ text: String, limits: JSONLimits = .default) throws(JSONError) -> JSONValue {
    try JSONParser(limits: limits).parse(text)
}

/// The error parsing `bytes` gives, or nil when it parses.
private func parseError(_ bytes: [UInt8], limits: JSONLimits = .default) -> JSONError? {
    do throws(JSONError) {
        _ = try JSONParser(limits: limits).parse(bytes)
        return nil
    } catch {
        return error
    }
}

private func parseError(_ text: String, limits: JSONLimits = .default) -> JSONError? {
    parseError(Array(text.utf8), limits: limits)
}

/// A small deterministic random generator (SplitMix64) so failures reproduce.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// MARK: - Valid documents

@Suite("JSON parser: valid documents")
struct JSONValidTests {
    @Test func scalars() throws {
        #expect(try parse("null") == .null)
        #expect(try parse("true") == .bool(true))
        #expect(try parse("false") == .bool(false))
        #expect(try parse("\"hi\"") == .string("hi"))
        #expect(try parse(" \t\r\n 42 \n") == .number(42))
    }

    @Test(arguments: [
        ("0", 0.0), ("-0.5", -0.5), ("1e-7", 1e-7), ("1E-7", 1e-7), ("123456789012", 123_456_789_012),
        ("1.5e+3", 1500), ("0.1", 0.1), ("0.088", 0.088), ("2.61", 2.61), ("-1.5", -1.5),
        ("3.141592653589793", 3.141592653589793), ("0.30000000000000004", 0.30000000000000004),
        ("1e308", 1e308), ("1.7976931348623157e308", 1.7976931348623157e308),
        ("2.2250738585072014e-308", 2.2250738585072014e-308), ("5e-324", .leastNonzeroMagnitude), ("1e-400", 0),
        ("9007199254740993", 9_007_199_254_740_992), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("0.000001", 0.000001), ("100000000000000000000000", 1e23), ("1e22", 1e22), ("1e23", 1e23),
        ("12345678901234567890e-10", 1_234_567_890.1234567), ("0e999999999999", 0),
        ("0.0000000000000000000000000001", 1e-28), ("-9.87654321e-5", -9.87654321e-5),
    ])
    func numbers(text: String, expected: Double) throws {
        let v = try parse(text)
        #expect(v.doubleValue?.bitPattern == expected.bitPattern, "\(text) gave \(v)")
    }

    @Test func negativeZeroKeepsItsSign() throws {
        #expect(try parse("-0").doubleValue?.sign == .minus)
        #expect(try parse("-0.0").doubleValue?.sign == .minus)
        #expect(try parse("-0e5").doubleValue?.sign == .minus)
        #expect(try parse("0.0").doubleValue?.sign == .plus)
    }

    /// Random doubles written in several forms read back bit for bit (checks the fast and slow paths).
    @Test func numbersRoundTrip() throws {
        var rng = SplitMix64(state: 20261120)
        for k in 0..<20_000 {
            let d: Double
            switch k % 4 {
            case 0: d = Double(bitPattern: rng.next())
            case 1: d = Double.random(in: -1...1, using: &rng)
            case 2: d = (Double.random(in: 0...1_000_000, using: &rng) * 1000).rounded() / 1000
            default: d = Double(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng))
            }
            guard d.isFinite else { continue }
            for text in [d.description, String(d.description.map { $0 == "e" ? "E" : $0 })] {
                let v = try parse(text)
                #expect(v.doubleValue?.bitPattern == d.bitPattern, "\(text)")
            }
        }
    }

    @Test func escapes() throws {
        #expect(try parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try parse(#""caf\u00e9 \u00E9""#) == .string("café é"))
        #expect(try parse(#""\u65e5\u672c""#) == .string("日本"))
        #expect(try parse(#""a\u0000b""#) == .string("a\u{0}b"))
        #expect(try parse(#""x\u0041y""#) == .string("xAy"))
    }

    @Test func surrogatePairs() throws {
        #expect(try parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try parse(#""\ud83d\ude00 ok""#) == .string("😀 ok"))
        #expect(try parse(#""\uDBFF\uDFFF""#) == .string("\u{10FFFF}"))
    }

    @Test func rawUnicode() throws {
        let text = "héllo 日本 😀 \u{7F} \u{10FFFF}"
        #expect(try parse("\"\(text)\"") == .string(text))
        #expect(try parse("{\"ключ\": \"значение\"}") == ["ключ": "значение"])
    }

    @Test func containersKeepOrder() throws {
        let v = try parse(#" { "z" : [1, "two", null, true, {"a": []}], "a" : {}, "m": -2 } "#)
        let expected: JSONValue = ["z": [1, "two", .null, true, ["a": []]], "a": [:], "m": -2]
        #expect(v == expected)
        #expect(v.objectValue?.map(\.key) == ["z", "a", "m"])
        #expect(v["z"]?[1] == "two")
        #expect(v["z"]?[4]?["a"] == .array([]))
        #expect(v["missing"] == nil)
        #expect(v["z"]?[9] == nil)
        #expect(v["m"]?.doubleValue == -2)
        #expect(v["z"]?[2]?.isNull == true)
        #expect(v["z"]?.typeName == "array")
        #expect(try parse("[]") == .array([]))
        #expect(try parse("{}") == .object([]))
        #expect(try parse("[[[]]]") == [[[]]])
    }

    @Test func equalityIsOrderSensitiveForObjects() {
        let a: JSONValue = ["a": 1, "b": 2]
        let b: JSONValue = ["b": 2, "a": 1]
        #expect(a != b)
        #expect(a == ["a": 1, "b": 2])
        #expect(JSONValue.number(1) != .string("1"))
    }

    @Test func byteOrderMarkAtTheStartIsSkipped() throws {
        #expect(try JSONParser().parse([0xEF, 0xBB, 0xBF] + Array("{\"a\":1}".utf8)) == ["a": 1])
        // Anywhere else it is not whitespace.
        let e = parseError([0x20, 0xEF, 0xBB, 0xBF, 0x31])
        #expect(e?.message == "expected a value, found U+FEFF")
        #expect(e?.offset == 1)
        // Only a BOM is an empty line.
        #expect(parseError([0xEF, 0xBB, 0xBF])?.kind == .empty)
    }

    @Test func sliceAndRawBufferEntryPoints() throws {
        let bytes = Array("xx[1,2]yy".utf8)
        #expect(try JSONParser().parse(bytes[2..<7]) == [1, 2])
        let v = try bytes[2..<7].withUnsafeBytes { raw in try JSONParser().parse(raw) }
        #expect(v == [1, 2])
        // Offsets count from the slice's start.
        do throws(JSONError) {
            _ = try JSONParser().parse(bytes[2..<8])
            Issue.record("expected an error")
        } catch {
            #expect(error.offset == 5)
            #expect(error.kind == .trailingData)
        }
    }

    /// The string scanner skips plain ASCII 8 bytes at a time: put special bytes at every position.
    @Test func stringScanningAtEveryAlignment() throws {
        for length in 0..<40 {
            let plain = String(repeating: "a", count: length)
            #expect(try parse("\"\(plain)\"") == .string(plain))
            #expect(parseError("\"\(plain)")?.kind == .unterminatedString)
            for p in 0...length {
                let before = String(repeating: "a", count: p), after = String(repeating: "b", count: length - p)
                #expect(try parse("\"\(before)\\n\(after)\"") == .string(before + "\n" + after))
                #expect(try parse("\"\(before)é\u{7F}\(after)\"") == .string(before + "é\u{7F}" + after))
                #expect(try parse("\"\(before)\\\"\(after)\\\\\"") == .string(before + "\"" + after + "\\"))
                let control = parseError(Array("\"\(before)".utf8) + [0x1F] + Array("\(after)\"".utf8))
                #expect(control?.kind == .controlCharacter(0x1F))
                #expect(control?.offset == 1 + p)
                let invalid = parseError(Array("\"\(before)".utf8) + [0xFF] + Array("\(after)\"".utf8))
                #expect(invalid?.kind == .invalidUTF8)
                #expect(invalid?.offset == 1 + p)
                let quoteEarly = parseError("\"\(before)\"\(after)\"")
                #expect(quoteEarly?.kind == .trailingData)
                #expect(quoteEarly?.offset == p + 2)
            }
        }
    }

    @Test func sameKeyInDifferentObjectsIsFine() throws {
        let v = try parse(#"{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}"#)
        #expect(v["b"]?[1]?["a"] == 3)
    }
}

// MARK: - Errors

struct ErrorCase: Sendable, CustomTestStringConvertible {
    var input: [UInt8]
    var message: String
    var offset: Int
    var limits: JSONLimits = .default

    init(_ text: String, _ message: String, at offset: Int, limits: JSONLimits = .default) {
        self.input = Array(text.utf8)
        self.message = message
        self.offset = offset
        self.limits = limits
    }

    init(bytes: [UInt8], _ message: String, at offset: Int) {
        self.input = bytes
        self.message = message
        self.offset = offset
    }

    var testDescription: String { String(decoding: input.prefix(40), as: UTF8.self) }
}

private let q: UInt8 = 0x22 // "

@Suite("JSON parser: errors")
struct JSONErrorTests {
    static let cases: [ErrorCase] = [
        ErrorCase("", "empty line", at: 0),
        ErrorCase("  \t ", "empty line", at: 4),
        // Structure
        ErrorCase("[1,]", "trailing comma before ']'", at: 3),
        ErrorCase("{\"a\":1 , }", "trailing comma before '}'", at: 9),
        ErrorCase("{\"a\":1 \"b\":2}", "expected ',' or '}', found '\"'", at: 7),
        ErrorCase("[1 2]", "expected ',' or ']', found '2'", at: 3),
        ErrorCase("{\"a\" 1}", "expected ':', found '1'", at: 5),
        ErrorCase("{1:2}", "expected a string key or '}', found '1'", at: 1),
        ErrorCase("{\"a\":1,2:3}", "expected a string key, found '2'", at: 7),
        ErrorCase("[", "expected a value, found end of input", at: 1),
        ErrorCase("{", "expected a string key or '}', found end of input", at: 1),
        ErrorCase("[1", "expected ',' or ']', found end of input", at: 2),
        ErrorCase("{\"a\":", "expected a value, found end of input", at: 5),
        ErrorCase("{\"a\":1", "expected ',' or '}', found end of input", at: 6),
        ErrorCase("[,1]", "expected a value, found ','", at: 1),
        ErrorCase("[1,,2]", "expected a value, found ','", at: 3),
        ErrorCase(".5", "expected a value, found '.'", at: 0),
        ErrorCase("+1", "expected a value, found '+'", at: 0),
        ErrorCase("[\u{1}]", "expected a value, found U+0001", at: 1),
        ErrorCase("“quoted”", "expected a value, found U+201C", at: 0),
        ErrorCase("{'a': 1}", "strings must be in double quotes, not single quotes", at: 1),
        ErrorCase("['a']", "strings must be in double quotes, not single quotes", at: 1),
        ErrorCase("// note\n1", "comments are not JSON", at: 0),
        ErrorCase("[1, /* two */ 2]", "comments are not JSON", at: 4),
        ErrorCase("1 // note", "comments are not JSON", at: 2),
        ErrorCase("1 2", "trailing data after the value", at: 2),
        ErrorCase("{} x", "trailing data after the value", at: 3),
        ErrorCase("tru", "invalid literal 'tru' (JSON has only true, false and null)", at: 0),
        ErrorCase("[True]", "invalid literal 'True' (JSON has only true, false and null)", at: 1),
        ErrorCase("nulls", "invalid literal 'nulls' (JSON has only true, false and null)", at: 0),
        ErrorCase("undefined", "invalid literal 'undefined' (JSON has only true, false and null)", at: 0),
        // Numbers
        ErrorCase("NaN", "NaN/Infinity are not JSON", at: 0),
        ErrorCase("[nan]", "NaN/Infinity are not JSON", at: 1),
        ErrorCase("Infinity", "NaN/Infinity are not JSON", at: 0),
        ErrorCase("{\"x\": -Infinity}", "NaN/Infinity are not JSON", at: 6),
        ErrorCase("-inf", "NaN/Infinity are not JSON", at: 0),
        ErrorCase("01", "numbers must not have leading zeros", at: 0),
        ErrorCase("-007", "numbers must not have leading zeros", at: 0),
        ErrorCase("1.", "invalid number: expected a digit after '.'", at: 2),
        ErrorCase("1.e5", "invalid number: expected a digit after '.'", at: 2),
        ErrorCase("1e", "invalid number: expected a digit in the exponent", at: 2),
        ErrorCase("1e+", "invalid number: expected a digit in the exponent", at: 3),
        ErrorCase("-", "invalid number: expected a digit after '-'", at: 1),
        ErrorCase("-x", "invalid number: expected a digit after '-'", at: 1),
        ErrorCase("1e400", "number out of range", at: 0),
        ErrorCase("[-1.5e99999999999999999999]", "number out of range", at: 1),
        ErrorCase("1" + String(repeating: "0", count: 400), "number out of range", at: 0),
        // Strings
        ErrorCase("\"abc", "unterminated string", at: 0),
        ErrorCase("[\"abc\\\"]", "unterminated string", at: 1),
        ErrorCase("\"abc\\", "unterminated string", at: 0),
        ErrorCase("\"a\u{1}b\"", "control character U+0001 in string must be escaped", at: 2),
        ErrorCase("\"line\nbreak\"", "control character U+000A in string must be escaped", at: 5),
        ErrorCase("\"tab\there\"", "control character U+0009 in string must be escaped", at: 4),
        ErrorCase("\"a\\x\"", "invalid escape '\\x' in string", at: 2),
        ErrorCase("\"a\\'\"", "invalid escape '\\'' in string", at: 2),
        ErrorCase("\"\\u12G4\"", "\\u must be followed by four hexadecimal digits", at: 1),
        ErrorCase("\"\\u12\"", "\\u must be followed by four hexadecimal digits", at: 1),
        ErrorCase("\"\\uD800\"", "lone surrogate \\uD800 in string", at: 1),
        ErrorCase("\"x\\uDC00\"", "lone surrogate \\uDC00 in string", at: 2),
        ErrorCase("\"\\uD800\\u0041\"", "lone surrogate \\uD800 in string", at: 1),
        ErrorCase("\"\\uD800\\uD800\"", "lone surrogate \\uD800 in string", at: 1),
        ErrorCase("\"\\ud83dx\"", "lone surrogate \\uD83D in string", at: 1),
        // Duplicate keys
        ErrorCase("{\"score\":1,\"score\":2}", "duplicate key \"score\"", at: 11),
        ErrorCase("{\"a\":{\"b\":1,\"b\":1}}", "duplicate key \"b\"", at: 12),
        ErrorCase("{\"\\u0041\":1,\"A\":2}", "duplicate key \"A\"", at: 12),
        ErrorCase("{\"\\u001b[31m\":1,\"\\u001b[31m\":2}", "duplicate key \"\\u001B[31m\"", at: 16),
        // Limits
        ErrorCase(String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000),
                  "nesting deeper than 64", at: 64),
        ErrorCase(String(repeating: "{\"a\":", count: 65) + "1" + String(repeating: "}", count: 65),
                  "nesting deeper than 64", at: 320),
        ErrorCase("\"abcde\"", "string longer than 4 bytes", at: 0, limits: JSONLimits(maxStringBytes: 4)),
        ErrorCase("\"ab\\nde\"", "string longer than 4 bytes", at: 0, limits: JSONLimits(maxStringBytes: 4)),
        ErrorCase("{\"abcde\":1}", "string longer than 4 bytes", at: 1, limits: JSONLimits(maxStringBytes: 4)),
        ErrorCase("[1,2,3,4]", "more than 3 elements in an array", at: 7, limits: JSONLimits(maxMembers: 3)),
        ErrorCase("{\"a\":1,\"b\":2,\"c\":3,\"d\":4}", "more than 3 members in an object", at: 19,
                  limits: JSONLimits(maxMembers: 3)),
        ErrorCase("[1]", "more than 0 elements in an array", at: 1, limits: JSONLimits(maxMembers: 0)),
        ErrorCase("[1, 2, 3, 4, 5]", "document larger than 10 bytes", at: 10, limits: JSONLimits(maxDocumentBytes: 10)),
        // Invalid UTF-8 in strings
        ErrorCase(bytes: [q, 0xC0, 0xAF, q], "invalid UTF-8", at: 1),              // overlong '/'
        ErrorCase(bytes: [q, 0xC1, 0xBF, q], "invalid UTF-8", at: 1),              // overlong
        ErrorCase(bytes: [q, 0xE0, 0x80, 0xAF, q], "invalid UTF-8", at: 1),        // overlong 3-byte
        ErrorCase(bytes: [q, 0xF0, 0x80, 0x80, 0xAF, q], "invalid UTF-8", at: 1),  // overlong 4-byte
        ErrorCase(bytes: [q, 0xED, 0xA0, 0x80, q], "invalid UTF-8", at: 1),        // encoded surrogate U+D800
        ErrorCase(bytes: [q, 0xED, 0xBF, 0xBF, q], "invalid UTF-8", at: 1),        // encoded surrogate U+DFFF
        ErrorCase(bytes: [q, 0xF4, 0x90, 0x80, 0x80, q], "invalid UTF-8", at: 1),  // U+110000
        ErrorCase(bytes: [q, 0xF5, 0x80, 0x80, 0x80, q], "invalid UTF-8", at: 1),
        ErrorCase(bytes: [q, 0x61, 0x80, q], "invalid UTF-8", at: 2),              // stray continuation
        ErrorCase(bytes: [q, 0xE2, 0x82, q], "invalid UTF-8", at: 1),              // truncated
        ErrorCase(bytes: [q, 0xE2, 0x82], "invalid UTF-8", at: 1),                 // truncated at the end
        ErrorCase(bytes: [q, 0xC3, 0x41, q], "invalid UTF-8", at: 1),              // bad continuation
        ErrorCase(bytes: [q, 0xFF, q], "invalid UTF-8", at: 1),
        ErrorCase(bytes: [q, 0x5C, 0x6E, 0xFE, q], "invalid UTF-8", at: 3),        // after an escape
        ErrorCase(bytes: [q, 0x5C, 0xC3, 0x28, q], "invalid UTF-8", at: 2),        // as an escape
        ErrorCase(bytes: [0x5B, 0xFF, 0x5D], "invalid UTF-8", at: 1),              // outside a string
    ]

    @Test(arguments: cases)
    func error(_ c: ErrorCase) {
        let e = parseError(c.input, limits: c.limits)
        #expect(e?.message == c.message)
        #expect(e?.offset == c.offset)
    }

    @Test func descriptionGivesByteAndColumn() {
        // {"name": "Lucky <FF>"}: the bad byte is at offset 16.
        let bytes = Array("{\"name\": \"Lucky ".utf8) + [0xFF] + Array("\"}".utf8)
        let e = parseError(bytes)
        #expect(e?.kind == .invalidUTF8)
        #expect(e?.offset == 16)
        #expect(e?.column == 17)
        #expect(e?.description == "invalid UTF-8 at byte 16 (column 17)")
        #expect(parseError("")?.description == "empty line")
    }

    @Test func linesAndColumnsInMultiLineDocuments() {
        let e = parseError("[1,\n 2,\n x]")
        #expect(e?.line == 3)
        #expect(e?.column == 2)
        #expect(e?.offset == 9)
        #expect(e?.description == "invalid literal 'x' (JSON has only true, false and null) at byte 9 (line 3, column 2)")
    }

    @Test func kinds() {
        #expect(parseError("NaN")?.kind == .nonFiniteNumber)
        #expect(parseError("{\"k\":1,\"k\":1}")?.kind == .duplicateKey("k"))
        #expect(parseError("\"\\uDC00\"")?.kind == .loneSurrogate(0xDC00))
        #expect(parseError("\"\u{1F}\"")?.kind == .controlCharacter(0x1F))
        #expect(parseError("[1,]")?.kind == .trailingComma("]"))
        #expect(parseError("1e999")?.kind == .numberOutOfRange)
        #expect(parseError("[[1]]", limits: JSONLimits(maxDepth: 1))?.kind == .tooDeep(limit: 1))
    }

    @Test func duplicateKeysInBigObjects() {
        // Past eight keys the parser switches from a linear scan to a set.
        let members = (0..<50).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        #expect(parseError("{\(members)}") == nil)
        for dup in [0, 7, 8, 9, 49] {
            let e = parseError("{\(members),\"k\(dup)\":0}")
            #expect(e?.kind == .duplicateKey("k\(dup)"))
        }
        // Keys that differ only in Unicode normalisation count as the same key.
        #expect(parseError("{\"\u{E9}\":1,\"e\u{301}\":2}")?.kind == .duplicateKey("e\u{301}"))
    }

    @Test func duplicateKeyMessageIsSanitised() {
        let long = String(repeating: "x", count: 100)
        let e = parseError("{\"\(long)\":1,\"\(long)\":2}")
        #expect(e?.message == "duplicate key \"\(String(repeating: "x", count: 64))…\"")
        let bidi = parseError("{\"a\u{202E}b\":1,\"a\u{202E}b\":2}")
        #expect(bidi?.message == "duplicate key \"a\\u202Eb\"")
    }
}

// MARK: - Non-finite numbers (Python's json.dumps)

@Suite("JSON parser: NaN and Infinity when allowed")
struct JSONNonFiniteTests {
    static let python = JSONLimits(allowsNonFiniteNumbers: true)

    @Test func offByDefault() {
        #expect(JSONLimits.default.allowsNonFiniteNumbers == false)
        for text in ["NaN", "Infinity", "-Infinity", "[1, NaN]", "{\"x\": -Infinity}"] {
            let e = parseError(text)
            #expect(e?.kind == .nonFiniteNumber, "\(text)")
            #expect(e?.message == "NaN/Infinity are not JSON", "\(text)")
        }
    }

    @Test func pythonTokensAreNumbersWhenAllowed() throws {
        #expect(try parse("NaN", limits: Self.python).doubleValue?.isNaN == true)
        #expect(try parse("Infinity", limits: Self.python) == .number(.infinity))
        #expect(try parse("-Infinity", limits: Self.python) == .number(-.infinity))
        let v = try parse(#"{"a": NaN, "b": [Infinity, -Infinity, 1], "c": null, "d":NaN}"#, limits: Self.python)
        #expect(v["a"]?.doubleValue?.isNaN == true)
        #expect(v["b"] == [.number(.infinity), .number(-.infinity), 1])
        #expect(v["c"] == .null)
        #expect(v["d"]?.doubleValue?.isNaN == true)
        #expect(v.objectValue?.map(\.key) == ["a", "b", "c", "d"])
        // Everything else is as strict as before.
        #expect(try parse("[true, false, null, -0.5]", limits: Self.python) == [true, false, .null, -0.5])
        #expect(parseError("[1,]", limits: Self.python)?.kind == .trailingComma("]"))
    }

    @Test(arguments: [
        ("-NaN", "invalid number '-NaN' (only NaN, Infinity and -Infinity are accepted)", 0),
        ("nan", "invalid number 'nan' (only NaN, Infinity and -Infinity are accepted)", 0),
        ("[NAN]", "invalid number 'NAN' (only NaN, Infinity and -Infinity are accepted)", 1),
        ("infinity", "invalid number 'infinity' (only NaN, Infinity and -Infinity are accepted)", 0),
        ("inf", "invalid number 'inf' (only NaN, Infinity and -Infinity are accepted)", 0),
        ("-inf", "invalid number '-inf' (only NaN, Infinity and -Infinity are accepted)", 0),
        ("{\"x\": -nan}", "invalid number '-nan' (only NaN, Infinity and -Infinity are accepted)", 6),
        ("Infinityx", "invalid literal 'Infinityx' (JSON has only true, false and null)", 0),
        ("NaNa", "invalid literal 'NaNa' (JSON has only true, false and null)", 0),
        ("-Infinityx", "invalid number: expected a digit after '-'", 1),
        ("+Infinity", "expected a value, found '+'", 0),
        ("[+NaN]", "expected a value, found '+'", 1),
        ("NaN1", "trailing data after the value", 3),
        ("[Infinity Infinity]", "expected ',' or ']', found 'I'", 10),
        ("- Infinity", "invalid number: expected a digit after '-'", 1),
        ("\"NaN\" NaN", "trailing data after the value", 6),
    ])
    func otherSpellingsAreStillRejected(text: String, message: String, offset: Int) {
        let e = parseError(text, limits: Self.python)
        #expect(e?.message == message, "\(text)")
        #expect(e?.offset == offset, "\(text)")
    }

    @Test func flagIsPartOfTheLimits() {
        var limits = JSONLimits(maxDepth: 3)
        #expect(limits != JSONLimits(maxDepth: 3, allowsNonFiniteNumbers: true))
        limits.allowsNonFiniteNumbers = true
        #expect(limits == JSONLimits(maxDepth: 3, allowsNonFiniteNumbers: true))
        #expect(parseError("[[[[NaN]]]]", limits: limits)?.kind == .tooDeep(limit: 3))
        #expect(JSONParser(limits: limits).limits.allowsNonFiniteNumbers)
    }
}

// MARK: - Limits

@Suite("JSON parser: limits")
struct JSONLimitTests {
    @Test func depthLimitIsExact() {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(parseError(ok) == nil)
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(parseError(deep)?.kind == .tooDeep(limit: 64))
    }

    @Test func hugeNestingGivesTheDepthErrorNotAStackOverflow() {
        let bytes = [UInt8](repeating: 0x5B, count: 1_000_000)
        let e = parseError(bytes)
        #expect(e?.message == "nesting deeper than 64")
        #expect(e?.offset == 64)
        // Even with a generous limit the parser itself does not recurse.
        let e2 = parseError(bytes, limits: JSONLimits(maxDepth: 2_000_000, maxDocumentBytes: 2_000_000))
        #expect(e2?.message == "expected a value, found end of input")
    }

    @Test func raisedDepthLimit() throws {
        let text = String(repeating: "[", count: 500) + "1" + String(repeating: "]", count: 500)
        var v = try parse(text, limits: JSONLimits(maxDepth: 500))
        for _ in 0..<500 { v = v[0]! }
        #expect(v == 1)
    }

    @Test func stringLimitCountsDecodedBytes() throws {
        let limits = JSONLimits(maxStringBytes: 4)
        #expect(try parse("\"abcd\"", limits: limits) == "abcd")
        #expect(try parse("\"\\u0041\\u0042\\u0043\\u0044\"", limits: limits) == "ABCD")
        #expect(try parse("\"é日\"", limits: JSONLimits(maxStringBytes: 5)) == "é日")
        #expect(parseError("\"é日\"", limits: limits)?.kind == .stringTooLong(limit: 4))
        #expect(parseError("\"\(String(repeating: "a", count: (1 << 20) + 1))\"")?.message == "string longer than 1 MiB")
        #expect(parseError("\"\(String(repeating: "a", count: 1 << 20))\"") == nil)
    }

    @Test func memberLimitIsExact() {
        let limits = JSONLimits(maxMembers: 3)
        #expect(parseError("[1,2,3]", limits: limits) == nil)
        #expect(parseError("{\"a\":1,\"b\":2,\"c\":3}", limits: limits) == nil)
        #expect(parseError("[[1,2,3],[4,5,6],[7,8,9]]", limits: limits) == nil)
        let ten = "[" + (0..<10_001).map(String.init).joined(separator: ",") + "]"
        #expect(parseError(ten)?.message == "more than 10000 elements in an array")
    }

    @Test func documentLimit() {
        #expect(parseError("[1,2]", limits: JSONLimits(maxDocumentBytes: 5)) == nil)
        #expect(parseError("[1,2] ", limits: JSONLimits(maxDocumentBytes: 5))?.kind == .documentTooLarge(limit: 5))
        #expect(JSONError(.documentTooLarge(limit: 16 << 20), offset: 0).message == "document larger than 16 MiB")
    }
}

// MARK: - Writer

@Suite("JSON writer")
struct JSONWriterTests {
    private func written(_ body: (inout JSONWriter) -> Void) -> String {
        var w = JSONWriter()
        body(&w)
        return w.text
    }

    @Test func structureAndCommas() {
        let text = written { w in
            w.beginObject()
            w.field("a", "x")
            w.key("b")
            w.beginArray()
            w.number(1)
            w.beginObject()
            w.endObject()
            w.beginArray()
            w.null()
            w.bool(true)
            w.endArray()
            w.endArray()
            w.field("c", nil as Double?)
            w.field("d", false)
            w.field("e", 7 as Int64?)
            w.endObject()
            w.endLine()
            w.beginArray()
            w.endArray()
            w.endLine()
        }
        #expect(text == "{\"a\":\"x\",\"b\":[1,{},[null,true]],\"c\":null,\"d\":false,\"e\":7}\n[]\n")
    }

    @Test(arguments: [
        (136.0, "136"), (0.1, "0.1"), (-2.0, "-2"), (0.0, "0"), (-0.0, "-0.0"), (1e-7, "1e-07"),
        (0.93, "0.93"), (2.61, "2.61"), (123456789012, "123456789012"), (9_007_199_254_740_992, "9007199254740992"),
        (-9_007_199_254_740_992, "-9007199254740992"), (18_014_398_509_481_984, "1.8014398509481984e+16"),
        (1e300, "1e+300"), (.leastNonzeroMagnitude, "5e-324"), (.nan, "null"), (.infinity, "null"), (-.infinity, "null"),
        (0.30000000000000004, "0.30000000000000004"),
    ])
    func numbers(value: Double, text: String) {
        #expect(written { $0.number(value) } == text)
    }

    @Test func integers() {
        #expect(written { $0.number(Int64.min) } == "-9223372036854775808")
        #expect(written { $0.number(Int64.max) } == "9223372036854775807")
        #expect(written { $0.number(0) } == "0")
        #expect(written { $0.number(-7) } == "-7")
        #expect(written { $0.number(1_000_000) } == "1000000")
    }

    @Test func escaping() {
        #expect(written { $0.string("a\"b\\c/d") } == #""a\"b\\c/d""#)
        #expect(written { $0.string("\n\r\t\u{8}\u{C}") } == #""\n\r\t\b\f""#)
        #expect(written { $0.string("\u{0}\u{1}\u{1F}\u{7F}") } == #""\u0000\u0001\u001f\u007f""#)
        #expect(written { $0.string("x\u{2028}y\u{2029}z") } == #""x\u2028y\u2029z""#)
        // C1 controls and bidirectional embeddings, overrides and isolates are escaped so that
        // no JSON triage writes can act on a terminal; their neighbours pass as they are.
        #expect(written { $0.string("\u{7E}\u{80}\u{85}\u{9F}\u{A0}") } == #""~\u0080\u0085\u009f"# + "\u{A0}\"")
        #expect(written { $0.string("€ 日本 😀 \u{2027}\u{202A}\u{202E}\u{202F}") } == #""€ 日本 😀 "# + "\u{2027}" + #"\u202a\u202e"# + "\u{202F}\"")
        #expect(written { $0.string("\u{2065}\u{2066}\u{2069}\u{206A}") } == "\"\u{2065}" + #"\u2066\u2069"# + "\u{206A}\"")
        #expect(written { $0.key("k\"") } == #""k\"":"#)
    }

    /// A stored snapshot is written as it is only when it holds nothing the writer would escape;
    /// otherwise it is refused (the caller writes it value by value).
    @Test func verbatimObjectsHoldNoTerminalControls() {
        var w = JSONWriter()
        let taken = [#"{"a":"é日本"}"#, "{\"a\":\"\u{85}\"}", "{\"a\":\"\u{202E}\"}", "{\"a\":\"\u{7F}\"}", "{\"a\":\"\n\"}"]
            .map { w.verbatim(object: $0) }
        #expect(taken == [true, false, false, false, false])
        #expect(w.text == #"{"a":"é日本"}"#)
    }

    @Test func stringsRoundTrip() throws {
        var all = ""
        for v in 0..<0x300 { all.unicodeScalars.append(Unicode.Scalar(v)!) }
        all += "\u{2028}\u{2029}\u{FEFF}\u{10FFFF}😀 \"\\"
        for s in [all, "", "plain", "\u{0}", String(repeating: "\\\"", count: 100)] {
            let text = written { $0.string(s) }
            #expect(try parse(text) == .string(s))
        }
    }

    @Test func valuesRoundTrip() throws {
        let v: JSONValue = [
            "case_id": "c_1", "nested": ["a": [1, 2.5, -0.001, 1e-7, 123456789012], "b": .null],
            "flags": [true, false], "text": "line\nbreak \u{2028} \"quoted\" 😀", "empty": [:], "list": [],
        ]
        let text = v.serialized()
        #expect(try parse(text) == v)
    }

    /// Writing any finite double and reading it back gives the same bits.
    @Test func numbersRoundTripThroughWriterAndParser() throws {
        var rng = SplitMix64(state: 42)
        for k in 0..<20_000 {
            var d = Double(bitPattern: rng.next())
            if k % 3 == 1 { d = Double(Int64.random(in: -(1 << 53)...(1 << 53), using: &rng)) }
            if k % 3 == 2 { d = Double.random(in: 0...1, using: &rng) }
            guard d.isFinite else { continue }
            let text = written { $0.number(d) }
            #expect(try parse(text).doubleValue?.bitPattern == d.bitPattern, "\(text)")
        }
    }

    @Test func removeAllStartsAFreshDocument() {
        var w = JSONWriter()
        w.number(1)
        w.removeAll()
        w.number(2)
        #expect(w.text == "2")
    }
}
