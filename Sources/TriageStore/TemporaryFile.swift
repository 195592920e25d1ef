import CTriageSignals
import Foundation

/// A temporary file made with `mkstemp`, removed by ``remove()``, when released, or by the quit
/// signals' handlers if the process is ended meanwhile (see `triage_temp_register`).
public final class TemporaryFile {
    public let path: String
    public let fd: Int32
    private var slot: Int32
    private var gone = false

    /// A new empty file named `prefix` + six random characters in `directory`.
    public init(directory: String, prefix: String) throws(SystemError) {
        var template = Array((directory + "/" + prefix + "XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SystemError(errno: errno) }
        self.fd = fd
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        slot = triage_temp_register(path)
    }

    deinit { remove() }

    /// Closes and deletes the file.
    public func remove() {
        guard !gone else { return }
        gone = true
        close(fd)
        unlink(path)
        triage_temp_unregister(slot)
    }

    /// Keeps the file (it was renamed into place): it is no longer removed on release or signal.
    /// The descriptor stays open for the caller to close.
    public func forget() {
        guard !gone else { return }
        gone = true
        triage_temp_unregister(slot)
    }
}

/// A failed system call's `errno`, with the system's words for it.
public struct SystemError: Error, Sendable, CustomStringConvertible {
    public var errno: Int32
    public init(errno: Int32) { self.errno = errno }
    public var reason: String { String(cString: strerror(errno)) }
    public var description: String { reason }
}
