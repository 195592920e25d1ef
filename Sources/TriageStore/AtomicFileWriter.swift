import Foundation

/// Why an output file could not be written.
public enum OutputFileError: Error, Sendable, CustomStringConvertible {
    /// The path names the database, one of its companion files or an input (``ProtectedFiles``).
    case protected(path: String, what: String)
    case cannotCreate(path: String, reason: String)
    /// `untouched`: the path still holds what it held (the write went to a temporary file).
    case cannotWrite(path: String, reason: String, untouched: Bool)

    public var description: String {
        switch self {
        case .protected(let p, let what): return "refusing to write \(p): it is \(what); choose another file (nothing was written)"
        case .cannotCreate(let p, let r): return "cannot create \(p): \(r)"
        case .cannotWrite(let p, let r, let untouched): return "cannot write \(p): \(r)" + (untouched ? "; the file was not changed" : "")
        }
    }
}

/// A file written to a temporary file beside it and renamed into place by ``commit()``, so that
/// whoever reads the path sees the old file or the whole new one, never a part: a failed or
/// interrupted write leaves the path as it was (the temporary file is removed on error, on
/// ``discard()``, when the writer is released, and by the signal handlers for SIGINT, SIGTERM and
/// SIGHUP). Devices and pipes (`/dev/null`, `/dev/stdout`, a FIFO) are written in place.
///
/// The path is checked against ``ProtectedFiles`` first. A link is followed: the file it points
/// to is replaced, not the link. A new file gets the mode the shell's `>` would give it (0666
/// less the umask); a replaced file keeps its mode. A file that may be written in a directory
/// that may not (no temporary file can go beside it) is written in place, as `>` would.
public final class AtomicFileWriter {
    /// The path as given (for messages).
    public let path: String
    private let fd: Int32
    /// The temporary file, nil when writing in place.
    private var temporary: TemporaryFile?
    /// Where the temporary file goes on commit.
    private let destination: String
    private var finished = false
    private var committed = false

    public init(path: String, protecting: ProtectedFiles) throws(OutputFileError) {
        self.path = path
        if let what = protecting.conflict(with: path) { throw .protected(path: path, what: what) }
        var st = stat()
        let exists = stat(path, &st) == 0
        if exists && (st.st_mode & S_IFMT) != S_IFREG {
            if (st.st_mode & S_IFMT) == S_IFDIR { throw .cannotCreate(path: path, reason: "it is a directory") }
            // A device or a pipe: written as the shell's `>` would.
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
            destination = path
            return
        }
        let target = exists ? ProtectedFiles.resolved(path) : path
        destination = target
        let dir = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let temp: TemporaryFile
        do { temp = try TemporaryFile(directory: dir.isEmpty ? "." : dir, prefix: "." + name + ".triage-") }
        catch {
            // A file we may write in a directory we may not: written in place, as the shell's `>`
            // would (a failed write can then leave part of it).
            guard exists, access(target, W_OK) == 0 else { throw .cannotCreate(path: path, reason: error.reason) }
            fd = open(target, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard fd >= 0 else { throw .cannotCreate(path: path, reason: String(cString: strerror(errno))) }
            return
        }
        let mode: mode_t
        if exists {
            mode = st.st_mode & 0o7777
        } else {
            let mask = umask(0)
            umask(mask)
            mode = 0o666 & ~mask
        }
        fchmod(temp.fd, mode)
        temporary = temp
        fd = temp.fd
    }

    deinit { discard() }

    /// Writes all of `bytes`. After a failure the write is abandoned (``discard()``): the path
    /// keeps what it had, and ``commit()`` refuses.
    public func write(_ bytes: [UInt8]) throws(OutputFileError) {
        guard !finished else { throw .cannotWrite(path: path, reason: "the write was already abandoned", untouched: temporary != nil) }
        if let e = FileIO.writeAll(fd, bytes) {
            let untouched = temporary != nil
            discard()
            throw .cannotWrite(path: path, reason: String(cString: strerror(e)), untouched: untouched)
        }
    }

    /// Makes the file durable and puts it in place of the path.
    public func commit() throws(OutputFileError) {
        if committed { return }
        guard !finished else { throw .cannotWrite(path: path, reason: "the write was abandoned", untouched: true) }
        guard let temp = temporary else {
            finished = true
            committed = true
            close(fd)
            return
        }
        if fsync(fd) != 0 || rename(temp.path, destination) != 0 {
            let reason = String(cString: strerror(errno))
            discard()
            throw .cannotWrite(path: path, reason: reason, untouched: true)
        }
        temp.forget()
        temporary = nil
        finished = true
        committed = true
        close(fd)
    }

    /// Abandons the write: the temporary file is removed and the path left as it was.
    public func discard() {
        guard !finished else { return }
        finished = true
        if let temporary {
            temporary.remove()
            self.temporary = nil
        } else {
            close(fd)
        }
    }
}
