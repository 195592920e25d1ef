import Foundation
import PostgresNIO
import Synchronization
import TriageStore

/// Live refresh on PostgreSQL: a connection of its own that `LISTEN`s on `triage_changes`, which
/// every committed change notifies (``PGSchema``), and counts what it hears. Nobody polls the
/// tables: asking for the version is reading a counter, unless the connection was lost, when it
/// reconnects (with backoff) and moves the counter on, since anything may have changed meanwhile.
final class PGWatcher: @unchecked Sendable {
    private let address: PostgresAddress
    private let password: String?
    /// Bumped by the event loop on each notification; read by anyone.
    private let heard = Counter()
    private let lock = NSLock()
    private var connection: PGConnection?
    private var reconnects: Int64 = 0
    private let backoff: Backoff

    init(address: PostgresAddress, password: String?, backoff: Backoff) {
        self.address = address
        self.password = password
        self.backoff = backoff
    }

    /// The version: changes whenever someone committed, stays put otherwise. Throws
    /// ``StoreError/unavailable(_:)`` while the server cannot be reached.
    func version() throws -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        if connection == nil || connection?.isClosed == true {
            connection?.close()
            connection = nil
            let c = try backoff.attempt { try PGConnection.connect(address, password: password) }
            c.connection.addListener(channel: "triage_changes") { [heard] _, _ in
                heard.value.wrappingAdd(1, ordering: .relaxed)
            }
            do {
                try c.query("LISTEN triage_changes")
            } catch {
                c.close()
                throw error
            }
            connection = c
            reconnects += 1
        }
        return heard.value.load(ordering: .relaxed) &+ (reconnects << 40)
    }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        connection?.close()
        connection = nil
    }
}

/// A counter the event loop can bump while others read it.
final class Counter: Sendable {
    let value = Atomic<Int64>(0)
}

/// Connecting again after a failure, but not at once: the first retry after 0.25 s, each
/// further one waiting twice as long, up to 5 s; until then the last error is reported again
/// without knocking on the server. A success starts over.
final class Backoff: @unchecked Sendable {
    private let lock = NSLock()
    private var failures = 0
    private var nextTry: Date = .distantPast
    private var lastError: Error?
    static let first: TimeInterval = 0.25
    static let longest: TimeInterval = 5

    func attempt<T>(_ connect: () throws -> T) throws -> T {
        lock.lock()
        if let lastError, Date() < nextTry {
            lock.unlock()
            throw lastError
        }
        lock.unlock()
        do {
            let value = try connect()
            lock.lock()
            failures = 0
            lastError = nil
            lock.unlock()
            return value
        } catch {
            lock.lock()
            failures += 1
            lastError = error
            nextTry = Date().addingTimeInterval(min(Self.longest, Self.first * pow(2, Double(failures - 1))))
            lock.unlock()
            throw error
        }
    }
}
