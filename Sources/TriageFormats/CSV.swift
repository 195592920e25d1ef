import Foundation
import TriageCore

// MARK: - Records and errors

/// One record (row) of a CSV file: its fields and the 1-based line on which it starts.
///
/// A record whose quoted fields contain line breaks spans several lines; ``line`` is the first.
public struct CSVRecord: Sendable, Equatable {
    /// The 1-based line number where the record starts.
    public var line: Int
    /// The fields, unquoted and decoded as UTF-8.
    public var fields: [String]

    public init(line: Int, fields: [String]) {
        self.line = line
        self.fields = fields
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// The field at `index`.
    public subscript(index: Int) -> String { fields[index] }
}

/// A problem reading CSV: malformed quoting, invalid UTF-8, an oversized field.
///
/// ``description`` is a complete sentence for the user, e.g.
/// `unterminated quoted field starting at line 12` or
/// `stray quote in unquoted field at line 3, column 18`.
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// A quoted field was still open at the end of the input.
        case unterminatedQuote
        /// A `"` inside a field that did not start with one.
        case strayQuote
        /// Something other than a delimiter or line break after a closing quote.
        case characterAfterClosingQuote
        /// A field's bytes are not valid UTF-8 (the rest of the input can still be read).
        case invalidUTF8
        /// A field is longer than ``CSVReader/maxFieldBytes``: the record is rejected (its bytes
        /// are not kept) and reading goes on with the next one.
        case fieldTooLong(limit: Int)
        /// A record has more fields than ``CSVReader/maxFields`` (the limit); the rest of the
        /// record is skipped and reading goes on with the next one.
        case tooManyFields(limit: Int)
        /// A record's fields add up to more than ``CSVReader/maxRecordBytes`` (the limit): the
        /// record is rejected and reading goes on with the next one.
        case recordTooLong(limit: Int)

        /// Whether this is the limit on one field (as opposed to the whole record).
        var isFieldLimit: Bool {
            if case .fieldTooLong = self { return true }
            return false
        }
    }

    /// What went wrong.
    public var kind: Kind
    /// The 1-based line of the problem (for an unterminated quote, where the quoted field starts).
    public var line: Int
    /// The 1-based column (counted in Unicode scalars) of the problem, when it points at one character.
    public var column: Int?
    /// The 1-based line of the record the problem belongs to.
    public var recordLine: Int

    public init(kind: Kind, line: Int, column: Int?, recordLine: Int) {
        self.kind = kind
        self.line = line
        self.column = column
        self.recordLine = recordLine
    }

    /// Whether reading can go on with the next record after this error. Only invalid UTF-8 and
    /// too many fields are recoverable: quoting and size errors leave the record boundaries unknown.
    public var isRecoverable: Bool {
        switch kind {
        case .invalidUTF8, .tooManyFields, .fieldTooLong, .recordTooLong: return true
        default: return false
        }
    }

    static func size(_ limit: Int) -> String {
        limit > 0 && limit % (1 << 20) == 0 ? "\(limit >> 20) MiB" : "\(limit) bytes"
    }

    /// The message for the user, with line and column.
    public var description: String {
        let at = column.map { "line \(line), column \($0)" } ?? "line \(line)"
        switch kind {
        case .unterminatedQuote: return "unterminated quoted field starting at \(at)"
        case .strayQuote: return "stray quote in unquoted field at \(at) (quote the whole field and double the quote)"
        case .characterAfterClosingQuote: return "unexpected character after closing quote at \(at)"
        case .invalidUTF8: return "invalid UTF-8 in field starting at \(at)"
        case .fieldTooLong(let limit): return "field starting at \(at) is longer than \(Self.size(limit)); not read"
        case .tooManyFields(let limit): return "record starting at line \(recordLine) has more than \(limit) fields"
        case .recordTooLong(let limit): return "record starting at line \(recordLine) is longer than \(Self.size(limit)); not read"
        }
    }
}

// MARK: - Reader

/// A streaming RFC 4180 CSV reader over bytes.
///
/// Feed it byte chunks of any size (a chunk may end anywhere, even inside a UTF-8 sequence or
/// between the CR and LF of a line break) and pull complete records with ``next()``; call
/// ``finish()`` after the last chunk. Memory use is bounded by the chunk size and the longest
/// record, so a file of any size can be read in constant memory.
///
/// ```swift
/// var reader = CSVReader()
/// while let chunk = try handle.read(upToCount: 65536), !chunk.isEmpty {
///     reader.feed(chunk)
///     while let record = try reader.next() { handle(record) }
/// }
/// reader.finish()
/// while let record = try reader.next() { handle(record) }
/// ```
/// (``CSVFileReader`` does exactly this for a file.)
///
/// Accepted syntax:
/// - fields separated by `,` (or ``delimiter``); records end with LF, CRLF or a lone CR;
/// - a field that starts with `"` is quoted: it may contain delimiters, line breaks and doubled
///   quotes (`""` stands for one `"`); it ends at the next single `"`, which must be followed by a
///   delimiter, a line break or the end of the input;
/// - a `"` anywhere else in an unquoted field is an error (``CSVError/Kind/strayQuote``);
/// - a UTF-8 byte-order mark at the very start is skipped;
/// - empty lines (no characters at all between two line breaks) are skipped, as pandas does; a
///   final line break does not start an empty record;
/// - fields must be valid UTF-8; a record with an invalid field yields a recoverable
///   ``CSVError/Kind/invalidUTF8`` error in its place and reading goes on with the next record.
///
/// Records keep the field count they have in the file; checking it against a header is the
/// caller's business. Other errors are fatal: ``next()`` keeps throwing the same error.
public struct CSVReader: Sendable {
    /// The default limit for one field: 1 MiB, as for a JSON string (``JSONLimits/maxStringBytes``).
    public static let defaultMaxFieldBytes = 1 << 20
    /// The default limit for the number of fields in one record: 10,000 (as many as
    /// ``JSONLimits/maxMembers`` allows in one JSON object).
    public static let defaultMaxFields = 10_000
    /// The default limit for the bytes of one record's fields together: 64 MiB.
    public static let defaultMaxRecordBytes = 64 << 20

    /// The field separator, `,` by default.
    public let delimiter: UInt8
    /// The longest field accepted, in bytes; a longer one is a recoverable
    /// ``CSVError/Kind/fieldTooLong(limit:)`` error, and its bytes are not kept (so one huge
    /// field, or a runaway quote, cannot take memory).
    public let maxFieldBytes: Int
    /// The most fields one record may have; a record with more is a recoverable
    /// ``CSVError/Kind/tooManyFields(limit:)`` error (so a row of a million commas cannot take
    /// gigabytes of memory).
    public let maxFields: Int
    /// The most bytes one record's fields may have together.
    public let maxRecordBytes: Int

    private enum State: Sendable {
        /// At the start of a field (nothing of it consumed).
        case fieldStart
        /// Inside an unquoted field.
        case unquoted
        /// Inside a quoted field.
        case quoted
        /// Just saw a `"` inside a quoted field: either the closing quote or the first of a pair.
        case quoteInQuoted
    }

    private var state: State = .fieldStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var inRecord = false
    private var recordLine = 1
    private var recordError: CSVError?
    /// The current record is rejected for its size: its bytes are no longer kept.
    private var discarding = false
    /// Bytes of the current record's completed fields.
    private var recordBytes = 0
    private var fieldLine = 1
    private var fieldColumn = 1
    /// Current position: the line, and the column of the last character consumed.
    private var line = 1
    private var column = 0
    private var lastWasCR = false

    private var bomChecked = false
    private var bomPrefix: [UInt8] = []

    private var ready: [Result<CSVRecord, CSVError>] = []
    private var readyHead = 0
    private var fatal: CSVError?
    private var finished = false

    /// Creates a reader. `delimiter` must be an ASCII byte other than `"`, CR and LF.
    public init(delimiter: UInt8 = UInt8(ascii: ","), maxFieldBytes: Int = CSVReader.defaultMaxFieldBytes,
                maxFields: Int = CSVReader.defaultMaxFields, maxRecordBytes: Int = CSVReader.defaultMaxRecordBytes) {
        precondition(delimiter < 0x80 && delimiter != 0x22 && delimiter != 0x0A && delimiter != 0x0D,
                     "CSV delimiter must be an ASCII byte other than quote, CR and LF")
        self.delimiter = delimiter
        self.maxFieldBytes = maxFieldBytes
        self.maxFields = maxFields
        self.maxRecordBytes = maxRecordBytes
        field.reserveCapacity(256)
    }

    /// Whether ``finish()`` has been called.
    public var isFinished: Bool { finished }

    /// The line the reader has reached (1-based): useful for progress reports.
    public var currentLine: Int { line }

    /// Feeds the next chunk of input.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        precondition(!finished, "CSVReader.feed after finish")
        guard fatal == nil, !bytes.isEmpty else { return }
        var rest = UnsafeBufferPointer(start: bytes.baseAddress!.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        if !bomChecked {
            let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
            var i = 0
            while bomPrefix.count < 3, i < rest.count {
                if rest[i] != bom[bomPrefix.count] {
                    bomChecked = true
                    break
                }
                bomPrefix.append(rest[i])
                i += 1
            }
            if bomChecked {
                // Not a BOM: what was held back is ordinary input.
                let held = bomPrefix
                bomPrefix = []
                held.withUnsafeBufferPointer { consume($0) }
            } else if bomPrefix.count == 3 {
                bomChecked = true
                bomPrefix = []
            } else {
                return // a partial BOM so far; wait for more bytes
            }
            rest = UnsafeBufferPointer(rebasing: rest[i...])
        }
        consume(rest)
    }

    /// Feeds the next chunk of input.
    public mutating func feed<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { feed(UnsafeRawBufferPointer($0)) }
        if done == nil {
            Array(bytes).withUnsafeBytes { feed($0) }
        }
    }

    /// Feeds the next chunk of input.
    public mutating func feed(_ data: Data) {
        data.withUnsafeBytes { feed($0) }
    }

    /// Marks the end of the input: completes the last record (which need not end with a line
    /// break) and reports an unterminated quoted field.
    public mutating func finish() {
        guard !finished else { return }
        finished = true
        guard fatal == nil else { return }
        if !bomChecked {
            bomChecked = true
            let held = bomPrefix
            bomPrefix = []
            held.withUnsafeBufferPointer { consume($0) }
            guard fatal == nil else { return }
        }
        switch state {
        case .quoted:
            fail(.unterminatedQuote, line: fieldLine, column: fieldColumn)
        case .fieldStart:
            if inRecord { endField(); endRecord() }
        case .unquoted, .quoteInQuoted:
            endField()
            endRecord()
        }
    }

    /// The next complete record; nil when more input is needed (or, after ``finish()``, at the end).
    /// Throws ``CSVError``: a recoverable one (invalid UTF-8) stands for one record, and the next
    /// call goes on; after a fatal one every call throws it again.
    public mutating func next() throws(CSVError) -> CSVRecord? {
        if readyHead < ready.count {
            let r = ready[readyHead]
            readyHead += 1
            if readyHead == ready.count {
                ready.removeAll(keepingCapacity: true)
                readyHead = 0
            }
            switch r {
            case .success(let record): return record
            case .failure(let e): throw e
            }
        }
        if let fatal { throw fatal }
        return nil
    }

    /// Reads every record of a complete input held in memory. Throws the first error.
    public static func records<C: Collection>(in bytes: C, delimiter: UInt8 = UInt8(ascii: ","))
        throws(CSVError) -> [CSVRecord] where C.Element == UInt8 {
        var reader = CSVReader(delimiter: delimiter)
        reader.feed(bytes)
        reader.finish()
        var out: [CSVRecord] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }

    /// Reads every record of a complete input held in memory. Throws the first error.
    public static func records(in text: String, delimiter: UInt8 = UInt8(ascii: ",")) throws(CSVError) -> [CSVRecord] {
        try records(in: Array(text.utf8), delimiter: delimiter)
    }

    // MARK: State machine

    private mutating func fail(_ kind: CSVError.Kind, line l: Int, column c: Int?) {
        let e = CSVError(kind: kind, line: l, column: c, recordLine: recordLine)
        fatal = e
        ready.append(.failure(e))
        field.removeAll(keepingCapacity: true)
        fields.removeAll()
    }

    /// Rejects the current record for its size (``CSVError/Kind/fieldTooLong(limit:)`` or
    /// ``CSVError/Kind/recordTooLong(limit:)``): what it holds is dropped, and the rest of it is
    /// read without being kept, up to its end.
    private mutating func rejectOversized(_ kind: CSVError.Kind) {
        if recordError == nil {
            recordError = CSVError(kind: kind, line: fieldLine, column: kind.isFieldLimit ? fieldColumn : nil, recordLine: recordLine)
        }
        discarding = true
        field.removeAll(keepingCapacity: true)
        fields.removeAll()
    }

    /// After bytes were added to the field: rejects the record if it passed a size limit.
    @inline(__always)
    private mutating func checkSize() {
        if field.count > maxFieldBytes {
            rejectOversized(.fieldTooLong(limit: maxFieldBytes))
        } else if recordBytes + field.count > maxRecordBytes {
            rejectOversized(.recordTooLong(limit: maxRecordBytes))
        }
    }

    private mutating func startRecordIfNeeded() {
        if !inRecord {
            inRecord = true
            recordLine = line
        }
    }

    private mutating func endField() {
        if discarding {
            // The record is rejected already; nothing of it is kept.
        } else if recordError == nil {
            if fields.count >= maxFields {
                recordError = CSVError(kind: .tooManyFields(limit: maxFields), line: fieldLine, column: fieldColumn,
                                       recordLine: recordLine)
                fields.removeAll() // the record is rejected: free its fields now
            } else if let s = String(validating: field, as: UTF8.self) {
                fields.append(s)
                recordBytes += field.count
            } else {
                recordError = CSVError(kind: .invalidUTF8, line: fieldLine, column: fieldColumn, recordLine: recordLine)
            }
        }
        field.removeAll(keepingCapacity: true)
        state = .fieldStart
    }

    private mutating func endRecord() {
        if let e = recordError {
            ready.append(.failure(e))
        } else {
            ready.append(.success(CSVRecord(line: recordLine, fields: fields)))
        }
        let width = fields.count
        fields = []
        fields.reserveCapacity(width)
        recordError = nil
        discarding = false
        recordBytes = 0
        inRecord = false
        state = .fieldStart
    }

    /// Advances the line counter over a line-break byte (CR, LF, or the LF of CRLF).
    @inline(__always)
    private mutating func newlineByte(_ b: UInt8) {
        if b == 0x0A && lastWasCR {
            lastWasCR = false
        } else {
            line += 1
            column = 0
            lastWasCR = b == 0x0D
        }
    }

    private mutating func consume(_ buf: UnsafeBufferPointer<UInt8>) {
        let n = buf.count
        let delim = delimiter
        var i = 0
        while i < n {
            if fatal != nil { return }
            let b = buf[i]
            switch state {
            case .fieldStart:
                if b == 0x0A || b == 0x0D {
                    newlineByte(b)
                    i += 1
                    // A line break ends the record; on an empty line (or the LF of a CRLF) there is none.
                    if inRecord { endField(); endRecord() }
                    continue
                }
                startRecordIfNeeded()
                lastWasCR = false
                column += 1
                fieldLine = line
                fieldColumn = column
                i += 1
                if b == 0x22 {
                    state = .quoted
                } else if b == delim {
                    endField() // an empty field
                } else {
                    field.append(b)
                    state = .unquoted
                }
            case .unquoted:
                // Copy the run of ordinary bytes in one go.
                let start = i
                var cols = 0
                while i < n {
                    let c = buf[i]
                    if c == delim || c == 0x22 || c == 0x0A || c == 0x0D { break }
                    if c & 0xC0 != 0x80 { cols += 1 }
                    i += 1
                }
                if i > start {
                    if !discarding {
                        field.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                        checkSize()
                    }
                    column += cols
                    lastWasCR = false
                }
                guard i < n else { return }
                let c = buf[i]
                i += 1
                if c == delim {
                    column += 1
                    lastWasCR = false
                    endField()
                } else if c == 0x22 {
                    column += 1
                    fail(.strayQuote, line: line, column: column)
                    return
                } else {
                    newlineByte(c)
                    endField()
                    endRecord()
                }
            case .quoted:
                let start = i
                var cols = 0
                while i < n {
                    let c = buf[i]
                    if c == 0x22 || c == 0x0A || c == 0x0D { break }
                    if c & 0xC0 != 0x80 { cols += 1 }
                    i += 1
                }
                if i > start {
                    if !discarding {
                        field.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                        checkSize()
                    }
                    column += cols
                    lastWasCR = false
                }
                guard i < n else { return }
                let c = buf[i]
                i += 1
                if c == 0x22 {
                    column += 1
                    lastWasCR = false
                    state = .quoteInQuoted
                } else {
                    if !discarding { field.append(c) } // line breaks inside quotes are data
                    newlineByte(c)
                }
            case .quoteInQuoted:
                if b == 0x22 {
                    // A doubled quote: one literal quote, still inside the field.
                    if !discarding { field.append(b) }
                    column += 1
                    lastWasCR = false
                    state = .quoted
                    i += 1
                } else if b == delim {
                    column += 1
                    lastWasCR = false
                    endField()
                    i += 1
                } else if b == 0x0A || b == 0x0D {
                    newlineByte(b)
                    endField()
                    endRecord()
                    i += 1
                } else {
                    column += 1
                    fail(.characterAfterClosingQuote, line: line, column: column)
                    return
                }
            }
        }
    }
}

// MARK: - File reader

/// Reads CSV records from a file (or any `FileHandle`, such as standard input) in fixed-size
/// chunks, in constant memory.
public struct CSVFileReader {
    private let handle: FileHandle
    private let chunkSize: Int
    private var reader: CSVReader
    private var eof = false

    /// Opens the file at `path` for reading.
    public init(path: String, delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int = 1 << 16) throws {
        let h = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        self.init(fileHandle: h, delimiter: delimiter, chunkSize: chunkSize)
    }

    /// Reads from an open handle (which the reader does not close).
    public init(fileHandle: FileHandle, delimiter: UInt8 = UInt8(ascii: ","), chunkSize: Int = 1 << 16) {
        self.handle = fileHandle
        self.chunkSize = max(1, chunkSize)
        self.reader = CSVReader(delimiter: delimiter)
    }

    /// The next record, or nil at the end of the file. Throws ``CSVError`` for malformed CSV
    /// (see ``CSVReader/next()``) and the file handle's errors for I/O failures.
    public mutating func next() throws -> CSVRecord? {
        while true {
            if let r = try reader.next() { return r }
            if eof { return nil }
            if let data = try handle.read(upToCount: chunkSize), !data.isEmpty {
                reader.feed(data)
            } else {
                eof = true
                reader.finish()
            }
        }
    }
}

// MARK: - Writer

/// Writes CSV into a byte buffer, quoting a field only when it needs it: when it contains a comma,
/// a quote, CR or LF, or starts or ends with a space or tab. Quotes inside quoted fields are
/// doubled. Rows end with LF (or CRLF).
///
/// Call ``takeBytes()`` from time to time to flush what was written to a file; the buffer keeps
/// its capacity.
public struct CSVWriter: Sendable {
    /// The bytes written so far (since the last ``takeBytes()``).
    public private(set) var bytes: [UInt8] = []
    private let crlf: Bool
    private var fieldsInRow = 0

    /// - Parameters:
    ///   - crlf: end rows with CRLF (RFC 4180) instead of LF.
    ///   - reservingCapacity: initial buffer capacity in bytes.
    public init(crlf: Bool = false, reservingCapacity: Int = 1 << 16) {
        self.crlf = crlf
        bytes.reserveCapacity(reservingCapacity)
    }

    /// Whether `field` has to be quoted.
    public static func needsQuoting(_ field: some StringProtocol) -> Bool {
        var first = true
        var last: UInt8 = 0
        for b in field.utf8 {
            if b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D { return true }
            if first {
                if b == 0x20 || b == 0x09 { return true }
                first = false
            }
            last = b
        }
        return last == 0x20 || last == 0x09
    }

    @inline(__always)
    private mutating func separate() {
        if fieldsInRow > 0 { bytes.append(0x2C) }
        fieldsInRow += 1
    }

    /// Appends one field to the current row.
    public mutating func writeField(_ field: some StringProtocol) {
        separate()
        appendEscaped(field)
    }

    /// Appends one field to the current row.
    public mutating func writeField(_ field: String) {
        separate()
        appendEscaped(field)
    }

    /// Appends one field that may be missing (nil writes an empty field).
    public mutating func writeField(_ field: String?) {
        if let field { writeField(field) } else { writeEmptyField() }
    }

    /// Appends an empty field.
    public mutating func writeEmptyField() { separate() }

    /// Appends bytes as one field without any quoting. The caller guarantees they need none
    /// (numbers, timestamps, booleans).
    public mutating func writeUnquotedField(_ ascii: UnsafeBufferPointer<UInt8>) {
        separate()
        bytes.append(contentsOf: ascii)
    }

    /// Appends an integer field.
    public mutating func writeField(_ value: Int64) {
        separate()
        CSVWriter.appendInteger(value, to: &bytes)
    }

    /// Appends a number in shortest round-trip form; integral values (below 2^53) without `.0`,
    /// NaN as an empty field, infinities as `inf` / `-inf`.
    public mutating func writeField(_ value: Double) {
        separate()
        CSVWriter.appendNumber(value, to: &bytes)
    }

    /// Appends a timestamp as RFC 3339 UTC with milliseconds (as ``Timestamp/iso8601``).
    public mutating func writeField(_ value: Timestamp) {
        separate()
        value.appendISO8601(to: &bytes)
    }

    /// Appends `true` or `false`.
    public mutating func writeField(_ value: Bool) {
        separate()
        CSVWriter.appendLiteral(value ? "true" : "false", to: &bytes)
    }

    /// Ends the current row.
    public mutating func endRow() {
        if crlf { bytes.append(0x0D) }
        bytes.append(0x0A)
        fieldsInRow = 0
    }

    /// Writes a whole row.
    public mutating func writeRow<S: Sequence>(_ fields: S) where S.Element: StringProtocol {
        for f in fields { writeField(f) }
        endRow()
    }

    /// Returns the bytes written so far and empties the buffer (keeping its capacity).
    public mutating func takeBytes() -> [UInt8] {
        let out = bytes
        bytes.removeAll(keepingCapacity: true)
        return out
    }

    /// Empties the buffer (after the caller has written ``bytes`` somewhere).
    public mutating func clear() { bytes.removeAll(keepingCapacity: true) }

    private mutating func appendEscaped(_ field: some StringProtocol) {
        let quote = CSVWriter.needsQuoting(field)
        if !quote {
            bytes.append(contentsOf: field.utf8)
            return
        }
        bytes.append(0x22)
        for b in field.utf8 {
            if b == 0x22 { bytes.append(0x22) }
            bytes.append(b)
        }
        bytes.append(0x22)
    }

    // MARK: Number formatting

    @inline(__always)
    static func appendLiteral(_ s: StaticString, to out: inout [UInt8]) {
        s.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// Appends the decimal digits of `value`.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value == 0 { out.append(0x30); return }
        var v = value.magnitude
        if value < 0 { out.append(0x2D) }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: enough for 20 digits
        var n = 0
        withUnsafeMutableBytes(of: &tmp) { raw in
            while v > 0 {
                raw[23 - n] = UInt8(truncatingIfNeeded: v % 10) + 0x30
                v /= 10
                n += 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(24 - n)...]))
        }
    }

    /// Appends `value` in shortest round-trip form, integral values without `.0`, NaN as nothing.
    static func appendNumber(_ value: Double, to out: inout [UInt8]) {
        if value.isNaN { return }
        if value.isInfinite {
            appendLiteral(value < 0 ? "-inf" : "inf", to: &out)
            return
        }
        if value == value.rounded(.towardZero), abs(value) < 9_007_199_254_740_992 {
            appendInteger(Int64(value), to: &out)
            return
        }
        out.append(contentsOf: value.description.utf8)
    }

}
