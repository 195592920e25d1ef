import Foundation
import Crypto

/// Reads a file (or standard input) in large chunks, hashing every byte with SHA-256 as it goes,
/// so an import reads its input exactly once in constant memory.
public final class ByteSource {
    private let fd: Int32
    private let closeOnDeinit: Bool
    private var hasher = SHA256()
    /// Bytes read so far.
    public private(set) var bytesRead: Int64 = 0
    /// The file's size when known (nil for pipes).
    public let totalBytes: Int64?
    public let name: String
    public static let chunkSize = 1 << 20
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: ByteSource.chunkSize, alignment: 16)

    /// Opens `path` for reading; `-` is standard input.
    public init(path: String) throws {
        if path == "-" {
            fd = 0
            closeOnDeinit = false
            name = "<stdin>"
        } else {
            fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw ImportError.cannotRead(path: path, reason: String(cString: strerror(errno)))
            }
            closeOnDeinit = true
            name = path
        }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG { totalBytes = Int64(st.st_size) } else { totalBytes = nil }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            // Fully initialised: deinit closes the descriptor and frees the scratch buffer.
            throw ImportError.cannotRead(path: path, reason: "is a directory")
        }
    }

    deinit {
        if closeOnDeinit { close(fd) }
        scratch.deallocate()
    }

    /// Appends the next chunk to `buffer`; returns false at end of file.
    public func read(into buffer: inout [UInt8]) throws -> Bool {
        var n = 0
        repeat {
            n = Foundation.read(fd, scratch.baseAddress!, Self.chunkSize)
        } while n < 0 && errno == EINTR
        if n < 0 { throw ImportError.cannotRead(path: name, reason: String(cString: strerror(errno))) }
        guard n > 0 else { return false }
        let chunk = UnsafeRawBufferPointer(start: scratch.baseAddress!, count: n)
        hasher.update(bufferPointer: chunk)
        buffer.append(contentsOf: chunk)
        bytesRead += Int64(n)
        return true
    }

    /// The SHA-256 of everything read, as lowercase hex.
    public func sha256Hex() -> String {
        hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

/// Splits a byte stream into lines (LF or CRLF), with 1-based line numbers, in constant memory:
/// a line longer than `maxLineBytes` is reported as too long and skipped, never buffered whole.
public struct LineReader {
    private let source: ByteSource
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    public private(set) var lineNumber = 0
    public let maxLineBytes: Int

    public enum Line {
        case line(ArraySlice<UInt8>)
        /// A line over the limit: its length so far is at least `bytes`.
        case tooLong(bytes: Int)
    }

    public init(source: ByteSource, maxLineBytes: Int = 16 << 20) {
        self.source = source
        self.maxLineBytes = maxLineBytes
    }

    /// The next line without its terminator, or nil at end of input.
    public mutating func next() throws -> Line? {
        var searchFrom = start
        while true {
            if let nl = Self.newline(in: buffer, from: searchFrom) {
                var end = nl
                if end > start, buffer[end - 1] == 13 { end -= 1 }
                let line = buffer[start..<end]
                start = nl + 1
                lineNumber += 1
                return .line(line)
            }
            if buffer.count - start > maxLineBytes {
                let seen = buffer.count - start
                try skipRestOfLine()
                lineNumber += 1
                return .tooLong(bytes: seen)
            }
            if eof {
                guard start < buffer.count else { return nil }
                var end = buffer.count
                if buffer[end - 1] == 13 { end -= 1 }
                let line = buffer[start..<end]
                start = buffer.count
                lineNumber += 1
                return .line(line)
            }
            compact()
            searchFrom = buffer.count
            if try !source.read(into: &buffer) { eof = true }
        }
    }

    /// The index of the first LF at or after `from` (memchr: this is the import's inner loop).
    private static func newline(in buffer: [UInt8], from: Int) -> Int? {
        guard from < buffer.count else { return nil }
        return buffer.withUnsafeBytes { b in
            guard let p = memchr(b.baseAddress! + from, 10, b.count - from) else { return nil }
            return b.baseAddress!.distance(to: UnsafeRawPointer(p))
        }
    }

    private mutating func compact() {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    private mutating func skipRestOfLine() throws {
        buffer.removeAll(keepingCapacity: true)
        start = 0
        while true {
            if eof { return }
            if try !source.read(into: &buffer) { eof = true; return }
            if let nl = Self.newline(in: buffer, from: 0) {
                start = nl + 1
                return
            }
            buffer.removeAll(keepingCapacity: true)
        }
    }
}
