import Foundation
import TriageStore

/// The database file and its write-ahead log as a store opened them, by device and inode, to
/// notice when either is removed or replaced under an open store (see
/// ``SQLiteStore/verifyFiles()``). The log's identity is taken at the first check after it
/// exists; SQLite keeps the file (truncating, never deleting it) while any connection is open.
final class FileIdentity: @unchecked Sendable {
    let path: String
    private let main: FileID?
    private var wal: FileID?
    private let lock = NSLock()

    init(path: String) {
        self.path = path
        main = FileID.of(path)
        wal = FileID.of(path + "-wal")
    }

    /// What changed, in words, or nil when both files are still the ones opened.
    func problem() -> String? {
        guard let main else { return nil }
        switch FileID.of(path) {
        case nil: return "the database file \(path) was removed while triage had it open"
        case let now? where now != main: return "the database file \(path) was replaced while triage had it open"
        default: break
        }
        return lock.withLock {
            let now = FileID.of(path + "-wal")
            guard let wal else {
                wal = now
                return nil
            }
            switch now {
            case nil: return "the database's write-ahead log \(path)-wal was removed while triage had it open"
            case let now? where now != wal: return "the database's write-ahead log \(path)-wal was replaced while triage had it open"
            default: return nil
            }
        }
    }
}
