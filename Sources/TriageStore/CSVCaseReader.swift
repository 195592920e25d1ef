import TriageCore
import TriageFormats

/// Reads CSV case files for the importer: header first, then one decoded row at a time, in
/// constant memory.
struct CSVCaseReader {
    private let source: ByteSource
    private var reader = CSVReader()
    private let decoder: CaseRecordCSV
    private var chunk: [UInt8] = []
    private var eof = false
    let fileName: String
    /// Header columns that were not understood (ignored).
    let ignoredColumns: [String]
    /// The header row, re-encoded, for the rejects file.
    let headerBytes: [UInt8]?

    init(source: ByteSource, fileName: String) throws {
        self.source = source
        self.fileName = fileName
        var header: CSVRecord?
        while header == nil {
            do throws(CSVError) {
                header = try reader.next()
            } catch {
                throw ImportError.badHeader(path: fileName, reason: error.description)
            }
            if header != nil { break }
            if eof { throw ImportError.badHeader(path: fileName, reason: "the file is empty: a CSV import needs a header row") }
            try Self.pump(source, &reader, &chunk, &eof)
        }
        do throws(CaseRecordCSV.HeaderError) {
            decoder = try CaseRecordCSV(header: header!.fields)
        } catch {
            throw ImportError.badHeader(path: fileName, reason: error.description)
        }
        ignoredColumns = decoder.unknownColumns
        var w = CSVWriter()
        w.writeRow(header!.fields)
        var bytes = w.takeBytes()
        if bytes.last == 10 { bytes.removeLast() }
        headerBytes = bytes
    }

    private static func pump(_ source: ByteSource, _ reader: inout CSVReader, _ chunk: inout [UInt8], _ eof: inout Bool) throws {
        chunk.removeAll(keepingCapacity: true)
        if try source.read(into: &chunk) {
            reader.feed(chunk)
        } else {
            eof = true
            reader.finish()
        }
    }

    /// The next row: its line number, the decoded record or its problems, and the row's bytes for
    /// the rejects file. Nil at end of file.
    mutating func next() throws -> (Int, DecodedLine, ArraySlice<UInt8>)? {
        while true {
            let record: CSVRecord?
            do throws(CSVError) {
                record = try reader.next()
            } catch {
                // A broken row (bad quoting, invalid UTF-8): report it at its line and go on when
                // the reader can; otherwise the rest of the file cannot be split into rows.
                guard error.isRecoverable else { throw ImportError.malformed(path: fileName, reason: error.description) }
                return (error.recordLine, .issues([FieldIssue(field: "", reason: error.description)]), [])
            }
            if let record {
                var w = CSVWriter()
                w.writeRow(record.fields)
                var raw = w.takeBytes()
                if raw.last == 10 { raw.removeLast() }
                do throws(CaseRecordCSV.RowError) {
                    return (record.line, .record(try decoder.record(from: record)), raw[...])
                } catch {
                    return (record.line, .issues(error.issues), raw[...])
                }
            }
            if eof { return nil }
            try Self.pump(source, &reader, &chunk, &eof)
        }
    }
}
