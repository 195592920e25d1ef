import Foundation
import TriageStore
import TriageUI

/// Standard output and standard error, the only way commands write to them.
///
/// - Messages on standard error often quote untrusted text (a case id, a CSV header, a policy
///   name from an import file), so every message passes through ``Sanitize``: line breaks stay,
///   any other control character, escape sequence or bidirectional override is shown as a
///   visible placeholder (`␛`, `�`) and never reaches the terminal.
/// - Standard output is written as it is to a file or a pipe (data stays data), and sanitised
///   line by line, as the screens are, when it is a terminal: `triage export` to a terminal
///   cannot retitle it or move its cursor.
/// - A failed write to standard output (a full disk, a closed descriptor) is remembered, and
///   ``finish(_:)`` turns it into exit 74 with one line, so output cut short never exits 0.
/// - A failed write to standard error is ignored: there is nowhere left to say it.
enum Console {
    private static let standardOutput = StandardOutput(fd: 1, sanitizing: isatty(1) == 1)

    /// Writes `text` and a line break to standard output.
    static func out(_ text: String) {
        standardOutput.append(Array((text + "\n").utf8))
    }

    /// Writes `bytes` to standard output (sanitised when it is a terminal).
    static func write(_ bytes: [UInt8]) {
        standardOutput.append(bytes)
    }

    /// Writes `text`, already safe for a terminal (``StreamSanitizer``), to standard output at
    /// once: for text that arrives in pieces, such as a streamed rationale.
    static func stream(_ text: String) {
        standardOutput.appendNow(Array(text.utf8))
    }

    /// Writes a message to standard error as `triage: MESSAGE`.
    static func error(_ message: String) {
        writeAll(2, Array("triage: \(safe(message))\n".utf8))
    }

    /// Writes a message to standard error as it is (sanitised).
    static func info(_ message: String) {
        writeAll(2, Array("\(safe(message))\n".utf8))
    }

    /// Writes a progress line to standard error; `control` (such as `\r\u{1B}[K`) is written as
    /// it is, the text sanitised.
    static func progress(control: String, _ text: String) {
        writeAll(2, Array((control + Sanitize.line(text)).utf8))
    }

    /// `message` with its lines kept and everything else a terminal could act on made visible.
    static func safe(_ message: String) -> String {
        Sanitize.lines(message).joined(separator: "\n")
    }

    /// Why writing standard output failed, if it did.
    static var stdoutFailure: String? { standardOutput.failure.map { String(cString: strerror($0)) } }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
    static var stdoutIsTerminal: Bool { isatty(1) == 1 }

    /// Flushes standard output and ends the process with `code`, or with 74 and a message when
    /// any write to standard output failed.
    static func finish(_ code: Int32) -> Never {
        standardOutput.flush()
        if let errno = standardOutput.failure, code == 0 {
            error("cannot write standard output: \(String(cString: strerror(errno))); the output is incomplete")
            exit(Exit.ioError)
        }
        exit(code)
    }

    /// Flushes standard output now (before a long wait, or before the workbench takes the terminal).
    static func flush() { standardOutput.flush() }

    /// Makes sure descriptors 0, 1 and 2 are open, so that no file triage opens later lands on
    /// one of them (a message for standard error written into a database). A closed one is
    /// filled with `/dev/null` opened read-only, so writes to it still fail (and are reported).
    static func guardStandardDescriptors() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) < 0 && errno == EBADF {
            let n = open("/dev/null", O_RDONLY)
            if n >= 0 && n != fd {
                dup2(n, fd)
                close(n)
            }
        }
    }

    /// Writes all of `bytes` to `fd`; returns the errno of a failure.
    @discardableResult
    fileprivate static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? { FileIO.writeAll(fd, bytes) }
}

/// Standard output behind a buffer: sanitised per line when it is a terminal, with the first
/// write error remembered.
private final class StandardOutput: @unchecked Sendable {
    let fd: Int32
    let sanitizing: Bool
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    /// Bytes after the last line break, held back until the line is complete (when sanitising).
    private var partial: [UInt8] = []
    private var failed: Int32?

    init(fd: Int32, sanitizing: Bool) {
        self.fd = fd
        self.sanitizing = sanitizing
    }

    var failure: Int32? { lock.withLock { failed } }

    func append(_ bytes: [UInt8]) {
        lock.withLock {
            if sanitizing {
                partial.append(contentsOf: bytes)
                guard let last = partial.lastIndex(of: 10) else {
                    // A line longer than 1 MiB is shown in pieces.
                    if partial.count > 1 << 20 { emitPartial(upTo: partial.count) }
                    return
                }
                emitPartial(upTo: last + 1)
            } else {
                buffer.append(contentsOf: bytes)
            }
            if buffer.count >= 1 << 16 || sanitizing { flushLocked() }
        }
    }

    /// Writes `bytes`, which are safe for a terminal, and flushes.
    func appendNow(_ bytes: [UInt8]) {
        lock.withLock {
            if !partial.isEmpty { emitPartial(upTo: partial.count) }
            buffer.append(contentsOf: bytes)
            flushLocked()
        }
    }

    /// Moves `partial[..<end]` into the buffer, sanitised, keeping its line breaks.
    private func emitPartial(upTo end: Int) {
        let text = String(decoding: partial[..<end], as: UTF8.self)
        buffer.append(contentsOf: Sanitize.lines(text).joined(separator: "\n").utf8)
        partial.removeFirst(end)
    }

    func flush() {
        lock.withLock {
            if !partial.isEmpty { emitPartial(upTo: partial.count) }
            flushLocked()
        }
    }

    private func flushLocked() {
        guard !buffer.isEmpty else { return }
        if failed == nil { failed = Console.writeAll(fd, buffer) }
        buffer.removeAll(keepingCapacity: true)
    }
}
