import Foundation

/// A file's identity: its device and inode, whatever name reaches it (a symbolic or hard link).
public struct FileID: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64

    /// The identity of the file `path` names (following links); nil when there is none.
    public static func of(_ path: String) -> FileID? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }

    /// The identity of the open descriptor `fd`.
    public static func of(descriptor fd: Int32) -> FileID? {
        var st = stat()
        guard fstat(fd, &st) == 0 else { return nil }
        return FileID(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}

/// Small file operations several parts of triage share.
public enum FileIO {
    /// Writes all of `bytes` to `fd`, going on after a signal interrupts a write; returns the
    /// `errno` of a failure (nil: all written).
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n == 0 ? EIO : errno }
            offset += n
        }
        return nil
    }

    /// Writes all of `bytes` to `fd` (as the overload taking a buffer).
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    /// Whether the file at `path` starts with SQLite's 16-byte header (read without changing it).
    public static func hasSQLiteHeader(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: 16)
        return read(fd, &head, 16) == 16 && head == Array("SQLite format 3\u{0}".utf8)
    }
}
