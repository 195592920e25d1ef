import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO
import TriageStore

/// One PostgreSQL connection used synchronously: the store's interface is synchronous (the
/// workbench and the commands call it from their own threads), so each call waits on
/// PostgresNIO's event-loop futures, never on Swift concurrency's shared thread pool (a wait
/// there could starve the very tasks it waits for).
final class PGConnection: @unchecked Sendable {
    let connection: PostgresConnection
    let address: PostgresAddress
    static let logger: Logger = {
        var l = Logger(label: "triage.postgres")
        l.logLevel = .critical // nothing on the terminal the workbench draws on
        return l
    }()

    private init(connection: PostgresConnection, address: PostgresAddress) {
        self.connection = connection
        self.address = address
    }

    /// Connects to `address` with `password`; errors say what failed in words a user can act on.
    static func connect(_ address: PostgresAddress, password: String?) throws -> PGConnection {
        var configuration: PostgresConnection.Configuration
        if let host = address.host {
            configuration = PostgresConnection.Configuration(host: host, port: address.port, username: address.user,
                                                             password: password, database: address.database,
                                                             tls: try tls(address))
        } else {
            configuration = PostgresConnection.Configuration(
                unixSocketPath: address.socketDirectory + "/.s.PGSQL.\(address.port)", username: address.user,
                password: password, database: address.database)
        }
        configuration.options.connectTimeout = .seconds(Int64(address.connectTimeout))
        // No JIT: triage's queries are indexed lookups of milliseconds, and a plan whose cost the
        // planner overestimates (the dashboard's count per policy area: 60 ms of work) spent
        // 155 ms compiling itself first.
        configuration.options.additionalStartupParameters = [("application_name", address.applicationName), ("jit", "off")]
        // A command that only reads cannot write, whatever it runs.
        if address.readOnly { configuration.options.additionalStartupParameters.append(("default_transaction_read_only", "on")) }
        do {
            let c = try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration,
                                                   id: 1, logger: logger).wait()
            return PGConnection(connection: c, address: address)
        } catch {
            throw PGError.translate(error, address: address, connecting: true)
        }
    }

    /// The TLS settings for libpq's `sslmode` meanings.
    static func tls(_ address: PostgresAddress) throws -> PostgresConnection.Configuration.TLS {
        var config = TLSConfiguration.makeClientConfiguration()
        switch address.sslMode {
        case .disable: return .disable
        case .prefer, .require: config.certificateVerification = .none
        case .verifyCA: config.certificateVerification = .noHostnameVerification
        case .verifyFull: config.certificateVerification = .fullVerification
        }
        if address.sslMode == .verifyCA || address.sslMode == .verifyFull, let roots = rootCertificates(address) {
            guard FileManager.default.isReadableFile(atPath: roots) else {
                throw StoreError.unavailable("cannot read sslrootcert \(roots): name a readable PEM file of the CA that signed "
                                             + "the server's certificate (or sslrootcert=system for the system's CAs)")
            }
            config.trustRoots = .file(roots)
        }
        let context = try NIOSSLContext(configuration: config)
        return address.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    /// The CA file verify-ca/verify-full trust, as libpq finds it: `sslrootcert` (or
    /// `$PGSSLROOTCERT`), else `~/.postgresql/root.crt` when it exists; nil: the system's CAs.
    static func rootCertificates(_ address: PostgresAddress) -> String? {
        if let r = address.sslRootCert { return r == "system" ? nil : r }
        let home = ProcessInfo.processInfo.environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        let path = home + "/.postgresql/root.crt"
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Runs `query` and returns every row.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> [PostgresRow] {
        do {
            return try Array(wait(connection.query(query, logger: Self.logger)).rows)
        } catch {
            throw PGError.translate(error, address: address, connecting: false)
        }
    }

    /// Waits for `future`, or gives up once the connection is closed: PostgresNIO may leave a
    /// query sent just as the server went away waiting forever (seen here when the server
    /// crashed under a `triage label`; vapor/postgres-nio#487 fixed it and #501 reverted the
    /// fix). The connection is looked at every 250 ms while a query runs; a result that has
    /// arrived is always taken, even from a connection closed since.
    func wait<T: Sendable>(_ future: EventLoopFuture<T>) throws -> T {
        let done = DispatchSemaphore(value: 0)
        future.whenComplete { _ in done.signal() }
        while done.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
            if connection.isClosed, done.wait(timeout: .now() + .milliseconds(250)) == .timedOut {
                throw StoreError.unavailable("the connection to PostgreSQL at \(PGError.place(address)) was lost")
            }
        }
        return try future.wait()
    }

    /// Runs `sql` with `binds` (`$1`, `$2`, …).
    @discardableResult
    func query(_ sql: String, _ binds: PostgresBindings = PostgresBindings()) throws -> [PostgresRow] {
        try query(PostgresQuery(unsafeSQL: sql, binds: binds))
    }

    /// Runs statements separated by semicolons (no binds), one after the other: the extended
    /// protocol PostgresNIO speaks takes one statement per query.
    func execute(script: String) throws {
        for statement in Self.statements(script) {
            do {
                _ = try wait(connection.query(PostgresQuery(unsafeSQL: statement), logger: Self.logger))
            } catch {
                throw PGError.translate(error, address: address, connecting: false)
            }
        }
    }

    /// The statements of `script`: split at semicolons outside quotes, dollar-quoted bodies and
    /// comments; empty ones dropped.
    static func statements(_ script: String) -> [String] {
        var out: [String] = []
        var current = ""
        let chars = Array(script.unicodeScalars)
        var i = 0
        func flush() {
            let t = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !t.isEmpty { out.append(t) }
            current = ""
        }
        while i < chars.count {
            let c = chars[i]
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                while i < chars.count, chars[i] != "\n" { i += 1 } // a comment, dropped
                continue
            }
            if c == "'" || c == "\"" {
                current.unicodeScalars.append(c)
                i += 1
                while i < chars.count {
                    current.unicodeScalars.append(chars[i])
                    if chars[i] == c {
                        if i + 1 < chars.count, chars[i + 1] == c { i += 1; current.unicodeScalars.append(chars[i]) } else { break }
                    }
                    i += 1
                }
                i += 1
                continue
            }
            if c == "$" {
                // A dollar quote: $tag$ … $tag$ (tag may be empty).
                var j = i + 1
                while j < chars.count, chars[j] == "_" || chars[j].properties.isAlphabetic || ("0"..."9").contains(chars[j]) { j += 1 }
                if j < chars.count, chars[j] == "$" {
                    let tag = String(String.UnicodeScalarView(chars[i...j]))
                    let rest = String(String.UnicodeScalarView(chars[(j + 1)...]))
                    if let end = rest.range(of: tag) {
                        let body = tag + rest[..<end.upperBound]
                        current += body
                        i = j + 1 + rest[..<end.upperBound].unicodeScalars.count
                        continue
                    }
                }
            }
            if c == ";" { flush() } else { current.unicodeScalars.append(c) }
            i += 1
        }
        flush()
        return out
    }

    /// Streams `data` into `table`'s `columns` with `COPY … FROM STDIN` (text format). PostgresNIO
    /// offers COPY only as an async function: it runs as a task on an executor of its own while
    /// this thread waits for it, as every other call here waits on a future.
    func copy(_ table: String, _ columns: [String], _ data: PGCopyText) throws {
        guard !data.isEmpty else { return }
        let connection = self.connection
        let buffer = ByteBuffer(bytes: data.bytes)
        let promise = connection.eventLoop.makePromise(of: Void.self)
        // On an executor of its own: the caller may be a thread of the cooperative pool that
        // this wait blocks (a two-core host has two), and the task must still run.
        Task(executorPreference: Self.copyExecutor) {
            do {
                try await connection.copyFrom(table: table, columns: columns, logger: Self.logger) { writer in
                    try await writer.write(buffer)
                }
                promise.succeed()
            } catch {
                promise.fail(error)
            }
        }
        do {
            try wait(promise.futureResult)
        } catch {
            throw PGError.translate(error, address: address, connecting: false)
        }
    }

    static let copyExecutor = SerialTaskExecutor(label: "triage.postgres.copy")

    var isClosed: Bool { connection.isClosed }

    func close() { try? connection.close().wait() }
}

/// Translates PostgresNIO's errors (which describe themselves only as "PSQLError", to avoid
/// leaking data) into the store's errors, with the server's message and what to do.
enum PGError {
    /// The server's SQLSTATE of `error`, if it came from the server.
    static func sqlState(_ error: Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// Where the server is, for messages: `host:port`, or the socket directory and port.
    static func place(_ address: PostgresAddress) -> String {
        address.host.map { "\($0):\(address.port)" } ?? "\(address.socketDirectory) (port \(address.port))"
    }

    /// What went wrong in a TLS handshake, in words, with what to do; nil when `error` is not a
    /// TLS failure. (The TLS library's own text names its source files: never shown.)
    static func tlsFailure(_ error: (any Error)?, address: PostgresAddress) -> String? {
        let whereCA = "name the CA that signed it with sslrootcert=FILE in the URL, $PGSSLROOTCERT, or ~/.postgresql/root.crt"
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            let host = address.host ?? ""
            if host.contains(":") || host.allSatisfy({ $0.isNumber || $0 == "." }) {
                return "sslmode=verify-full checks that the server's certificate names the host, which triage can do for a "
                    + "host name but not an IP address (\(host)): connect by the name in the certificate, or use sslmode=verify-ca"
            }
            return "the server's certificate does not name \(host) (sslmode=verify-full checks the name): connect by a name "
                + "the certificate lists, or use sslmode=verify-ca"
        }
        guard let ssl = error as? NIOSSLError else { return nil }
        let text = "\(ssl)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's certificate is not signed by a CA this client trusts (sslmode=\(address.sslMode.rawValue)): \(whereCA)"
        }
        let reason = text.firstMatch(of: /OPENSSL_internal:([A-Z0-9_]+)/).map { String($0.output.1) } ?? "handshake failed"
        return "\(reason.lowercased().replacingOccurrences(of: "_", with: " ")) (sslmode=\(address.sslMode.rawValue))"
    }

    static func translate(_ error: Error, address: PostgresAddress, connecting: Bool) -> Error {
        if error is StoreError { return error }
        let whereTo = place(address)
        guard let e = error as? PSQLError else {
            return StoreError.unavailable("cannot reach PostgreSQL at \(whereTo): \(error)")
        }
        let message = e.serverInfo?[.message] ?? ""
        let detail = e.serverInfo?[.detail].map { " (\($0))" } ?? ""
        switch (e.code, e.serverInfo?[.sqlState]) {
        case (_, "28P01"?), (_, "28000"?):
            return StoreError.unavailable("PostgreSQL at \(whereTo) refused user \(address.user): \(message). Set the password in $PGPASSWORD, ~/.pgpass or `password` under [database] in config.toml")
        case (_, "3D000"?):
            return StoreError.serverDatabaseMissing(database: address.database, server: whereTo, url: address.description)
        case (_, "42501"?):
            return StoreError.notAllowed("PostgreSQL refused: \(message)\(detail)")
        case (_, "TR001"?):
            // The label rules the database enforces (triage_label_applied).
            return StoreError.refused(message)
        case (_, "40001"?), (_, "40P01"?):
            return StoreError.locked(path: address.description)
        case (_, "25006"?):
            // A hot standby answers reads and refuses every write (triage's own read-only
            // transactions, the dashboard's snapshot, never write, so only a replica says this).
            return StoreError.unavailable("PostgreSQL at \(whereTo) is a read-only replica: labels, claims, imports and edits need the primary server; stats, reports and exports can read a replica")
        case (_, "57P01"?), (_, "57P02"?), (_, "57P03"?):
            return StoreError.unavailable("PostgreSQL at \(whereTo) is shutting down or starting up: \(message); retrying may work")
        case (.server, let state?):
            return StoreError.storage("PostgreSQL: \(message)\(detail) [SQLSTATE \(state)]")
        case (.authMechanismRequiresPassword, _):
            return StoreError.unavailable("PostgreSQL at \(whereTo) wants a password for user \(address.user): set $PGPASSWORD, add it to ~/.pgpass, or set `password` under [database] in config.toml")
        case (.sslUnsupported, _):
            return StoreError.unavailable("PostgreSQL at \(whereTo) does not offer TLS, and sslmode=\(address.sslMode.rawValue) requires it")
        case (.serverClosedConnection, _), (.clientClosedConnection, _), (.uncleanShutdown, _):
            return StoreError.unavailable("the connection to PostgreSQL at \(whereTo) was lost\(connecting ? " while connecting" : "")")
        default:
            if let tls = tlsFailure(e.underlying, address: address) {
                return StoreError.unavailable("TLS with PostgreSQL at \(whereTo) failed: \(tls)")
            }
            let underlying = e.underlying.map { ": \($0)" } ?? ""
            return StoreError.unavailable("cannot reach PostgreSQL at \(whereTo) (\(e.code))\(underlying)")
        }
    }
}

/// Rows in `COPY`'s text format: tab-separated fields, `\N` for NULL, backslash escapes for
/// backslash, tab, newline and carriage return, one line per row. Rows are written without their
/// first field (``rowAfterFirst(_:)``), which ``appendRows(of:first:)`` puts in front later.
struct PGCopyText: Sendable {
    /// One field's value.
    enum Field {
        case s(String?)
        case i(Int64?)
        case d(Double?)
    }

    private(set) var bytes: [UInt8] = []
    var isEmpty: Bool { bytes.isEmpty }

    /// A row without its first field, which ``appendRows(of:first:)`` adds: the fields after
    /// it, each after a tab.
    mutating func rowAfterFirst(_ fields: Field...) {
        bytes.append(0x09)
        append(fields)
        bytes.append(0x0A)
    }

    /// The rows of `tails` (made by ``rowAfterFirst(_:)``), each with `first` as its first field.
    mutating func appendRows(of tails: PGCopyText, first: Int64) {
        var start = 0
        let t = tails.bytes
        while start < t.count {
            var end = start
            while t[end] != 0x0A { end += 1 }
            integer(first)
            bytes.append(contentsOf: t[start...end])
            start = end + 1
        }
    }

    private mutating func append(_ fields: [Field]) {
        for (n, f) in fields.enumerated() {
            if n > 0 { bytes.append(0x09) }
            switch f {
            case .s(let v?): text(v)
            case .i(let v?): integer(v)
            // Swift prints the shortest text that reads back as the same double.
            case .d(let v?): bytes.append(contentsOf: v.description.utf8)
            case .s(nil), .i(nil), .d(nil): bytes.append(0x5C); bytes.append(0x4E)
            }
        }
    }

    private mutating func integer(_ v: Int64) {
        if v >= 0 && v < 10 { bytes.append(0x30 + UInt8(v)); return }
        bytes.append(contentsOf: v.description.utf8)
    }

    /// The text with backslash, tab, newline and carriage return escaped; copied as is when it
    /// has none of them (nearly always).
    private mutating func text(_ s: String) {
        var s = s
        s.withUTF8 { utf8 in
            if !utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
                bytes.append(contentsOf: utf8)
                return
            }
            for u in utf8 {
                switch u {
                case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
                case 0x09: bytes.append(0x5C); bytes.append(0x74)
                case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
                case 0x0D: bytes.append(0x5C); bytes.append(0x72)
                default: bytes.append(u)
                }
            }
        }
    }
}
