/// Where a team's data lives: a SQLite file (the embedded default) or a PostgreSQL server
/// (team mode, for analysts on many hosts).
///
/// `--db`, `$TRIAGE_DB` and the `[database] url` of the settings file all take the same text:
/// a bare path means SQLite; `postgres://USER@HOST:PORT/DBNAME?sslmode=…` (or `postgresql://`)
/// means PostgreSQL. A password never goes in that text: it comes from `$PGPASSWORD`, the
/// password file (`~/.pgpass`) or the settings file (``PostgresPassword``).
public enum DatabaseLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresAddress)

    /// Reads `text`. `environment` supplies the defaults PostgreSQL's own tools use (`PGUSER`,
    /// `PGPORT`, `PGHOST`, `PGDATABASE`, `PGSSLMODE`) and `osUser` the last resort for the user.
    public static func parse(_ text: String, environment: [String: String] = [:],
                             osUser: String) throws(DatabaseLocationError) -> DatabaseLocation {
        let lower = text.lowercased()
        for scheme in ["postgres://", "postgresql://"] where lower.hasPrefix(scheme) {
            return .postgres(try PostgresAddress.parse(String(text.dropFirst(scheme.count)), original: text,
                                                       environment: environment, osUser: osUser))
        }
        if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy({ $0.isLetter || $0 == "+" }),
           text[colon...].hasPrefix("://") {
            throw DatabaseLocationError(text: text, message: "unknown kind of database '\(text[..<colon])': give a file path (SQLite) or postgres://USER@HOST:PORT/DBNAME")
        }
        guard !text.isEmpty else { throw DatabaseLocationError(text: text, message: "the database is empty: give a file path or a postgres:// URL") }
        return .sqlite(path: text)
    }

    /// The location for messages and the workbench's header: a path, or the URL without any
    /// secret.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let a): return a.description
        }
    }
}

/// A `--db` text that does not name a database, with the reason.
public struct DatabaseLocationError: Error, Sendable, Equatable, CustomStringConvertible {
    public var text: String
    public var message: String

    public var description: String { "--db \(Self.redacted(text)): \(message)" }

    /// `text` with any password in it replaced by `***`, so that an error never repeats it.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let auth = text[scheme.upperBound..<at]
        guard let colon = auth.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

/// A PostgreSQL server, database and user: what a `postgres://` URL names.
public struct PostgresAddress: Sendable, Equatable, CustomStringConvertible {
    /// How much the connection insists on TLS (the meanings of libpq's `sslmode`).
    public enum SSLMode: String, Sendable, CaseIterable {
        /// No TLS.
        case disable
        /// TLS when the server offers it, unverified; else plain (libpq's default).
        case prefer
        /// TLS or no connection; the certificate is not checked.
        case require
        /// TLS, with a certificate signed by a trusted authority (any host name).
        case verifyCA = "verify-ca"
        /// TLS, with a trusted certificate for this host name.
        case verifyFull = "verify-full"
    }

    public var user: String
    /// A host name or address; nil for the server's Unix socket in ``socketDirectory``.
    public var host: String?
    /// The directory of the server's Unix socket (when ``host`` is nil).
    public var socketDirectory: String
    public var port: Int
    public var database: String
    public var sslMode: SSLMode
    /// Seconds to wait for a connection (`connect_timeout`, default 10).
    public var connectTimeout: Int
    /// What the server shows in `pg_stat_activity` (`application_name`, default "triage").
    public var applicationName: String
    /// The CA certificates (PEM) that verify-ca and verify-full check the server against
    /// (`sslrootcert`, else `$PGSSLROOTCERT`); nil: `~/.postgresql/root.crt` when it exists,
    /// else the system's trusted CAs. `system` asks for the system's CAs outright.
    public var sslRootCert: String?
    /// Every transaction read-only (`default_transaction_read_only`), for commands that only
    /// read (``StoreAccess/readOnly``). Not part of the URL.
    public var readOnly = false

    public init(user: String, host: String?, socketDirectory: String = "/var/run/postgresql", port: Int = 5432,
                database: String, sslMode: SSLMode = .prefer, connectTimeout: Int = 10, applicationName: String = "triage") {
        self.user = user
        self.host = host
        self.socketDirectory = socketDirectory
        self.port = port
        self.database = database
        self.sslMode = sslMode
        self.connectTimeout = connectTimeout
        self.applicationName = applicationName
    }

    /// The URL, without a password (there never is one), in a canonical form.
    public var description: String {
        var s = "postgres://" + Self.escape(user) + "@"
        if let host { s += host.contains(":") ? "[\(host)]" : host }
        s += ":\(port)/" + Self.escape(database)
        var query: [String] = []
        if host == nil { query.append("host=" + Self.escape(socketDirectory)) }
        if sslMode != .prefer { query.append("sslmode=" + sslMode.rawValue) }
        if let sslRootCert { query.append("sslrootcert=" + Self.escape(sslRootCert)) }
        return query.isEmpty ? s : s + "?" + query.joined(separator: "&")
    }

    /// The query parameters a URL may carry.
    public static let knownParameters = ["sslmode", "sslrootcert", "host", "port", "user", "dbname", "connect_timeout",
                                         "application_name"]

    static func parse(_ rest: String, original: String, environment env: [String: String],
                      osUser: String) throws(DatabaseLocationError) -> PostgresAddress {
        func fail(_ m: String) -> DatabaseLocationError { DatabaseLocationError(text: original, message: m) }
        var main = Substring(rest)
        var queryText: Substring = ""
        if let q = main.firstIndex(of: "?") {
            queryText = main[main.index(after: q)...]
            main = main[..<q]
        }
        if main.contains("#") { throw fail("a URL fragment (#…) means nothing here") }
        var authority = main
        var path: Substring = ""
        if let slash = main.firstIndex(of: "/") {
            authority = main[..<slash]
            path = main[main.index(after: slash)...]
        }
        var userText: String?
        if let at = authority.lastIndex(of: "@") {
            let u = authority[..<at]
            if u.contains(":") {
                throw fail("a password does not belong in the URL (it would show in `ps` and in shell history): put it in $PGPASSWORD, ~/.pgpass, or `password` under [database] in config.toml")
            }
            userText = try decode(u, original: original)
            authority = authority[authority.index(after: at)...]
        }
        var host: String?
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw fail("an IPv6 address needs its closing ]") }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw fail("expected :PORT after the IPv6 address") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.firstIndex(of: ":") {
            host = String(authority[..<colon])
            portText = authority[authority.index(after: colon)...]
        } else if !authority.isEmpty {
            host = String(authority)
        }
        if host?.isEmpty == true { host = nil }
        if let h = host, !h.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-._:".contains($0)) }) {
            throw fail("host '\(h)' is not a host name or address")
        }

        var parameters: [String: String] = [:]
        if !queryText.isEmpty {
            for pair in queryText.split(separator: "&", omittingEmptySubsequences: true) {
                guard let eq = pair.firstIndex(of: "=") else { throw fail("parameter '\(pair)' has no value (write name=value)") }
                let name = String(pair[..<eq])
                guard knownParameters.contains(name) else {
                    throw fail("unknown parameter '\(name)' (known: \(knownParameters.joined(separator: ", ")))")
                }
                guard parameters[name] == nil else { throw fail("parameter '\(name)' is given twice") }
                parameters[name] = try decode(pair[pair.index(after: eq)...], original: original)
            }
        }

        var address = PostgresAddress(user: osUser, host: nil, database: "")
        address.user = parameters["user"] ?? userText ?? env["PGUSER"].nonEmpty ?? osUser
        var socketDirectory: String?
        let hostParameter = parameters["host"] ?? (host == nil ? env["PGHOST"].nonEmpty : nil)
        if let h = hostParameter {
            if h.hasPrefix("/") { socketDirectory = h } else { host = h }
        }
        address.host = host
        if let socketDirectory { address.socketDirectory = socketDirectory }
        let port = parameters["port"] ?? portText.map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? env["PGPORT"].nonEmpty
        if let port {
            guard let p = Int(port), (1...65535).contains(p) else { throw fail("port '\(port)' is not a number from 1 to 65535") }
            address.port = p
        }
        let dbPath = try decode(path, original: original)
        if dbPath.contains("/") { throw fail("the database name '\(dbPath)' has a / in it (the URL's path is one database name)") }
        address.database = parameters["dbname"] ?? (dbPath.isEmpty ? nil : dbPath) ?? env["PGDATABASE"].nonEmpty ?? address.user
        let mode = parameters["sslmode"] ?? env["PGSSLMODE"].nonEmpty
        if let mode {
            if mode == "allow" {
                address.sslMode = .prefer // libpq's "allow" tries plain first; TLS when offered is at least as safe
            } else {
                guard let m = SSLMode(rawValue: mode) else {
                    throw fail("sslmode '\(mode)' is not one of disable, allow, prefer, require, verify-ca, verify-full")
                }
                address.sslMode = m
            }
        }
        if address.host == nil, address.sslMode != .disable, address.sslMode != .prefer {
            throw fail("sslmode=\(address.sslMode.rawValue) needs a host: a Unix socket has no TLS")
        }
        if let t = parameters["connect_timeout"] {
            guard let s = Int(t), (1...3600).contains(s) else { throw fail("connect_timeout '\(t)' is not a number of seconds from 1 to 3600") }
            address.connectTimeout = s
        }
        if let a = parameters["application_name"] { address.applicationName = a }
        if let r = parameters["sslrootcert"] ?? env["PGSSLROOTCERT"].nonEmpty {
            address.sslRootCert = r
        }
        guard !address.user.isEmpty else { throw fail("no user: write postgres://USER@HOST/DBNAME") }
        return address
    }

    /// Percent-decodes a URL part; a malformed escape is an error.
    static func decode(_ s: Substring, original: String) throws(DatabaseLocationError) -> String {
        guard s.contains("%") else { return String(s) }
        var bytes: [UInt8] = []
        var i = s.utf8.startIndex
        let u = s.utf8
        while i < u.endIndex {
            if u[i] == UInt8(ascii: "%") {
                let a = u.index(after: i)
                guard a < u.endIndex, u.index(after: a) < u.endIndex,
                      let hi = hex(u[a]), let lo = hex(u[u.index(after: a)]) else {
                    throw DatabaseLocationError(text: original, message: "'\(s)' has a malformed %-escape")
                }
                bytes.append(hi << 4 | lo)
                i = u.index(a, offsetBy: 2)
            } else {
                bytes.append(u[i])
                i = u.index(after: i)
            }
        }
        guard let out = String(validating: bytes, as: UTF8.self) else {
            throw DatabaseLocationError(text: original, message: "'\(s)' does not decode to UTF-8 text")
        }
        if out.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) {
            throw DatabaseLocationError(text: original, message: "'\(s)' decodes to control characters")
        }
        return out
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for b in s.utf8 {
            let c = Character(Unicode.Scalar(b))
            if b < 0x80, c.isLetter || c.isNumber || "-._~".contains(c) { out.append(c) } else { out += "%" + String(b, radix: 16, uppercase: true).leftPadded }
        }
        return out
    }
}

private extension Optional where Wrapped == String {
    /// The value, or nil when absent or empty (an empty variable means "not set", as in libpq).
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}

private extension String {
    var leftPadded: String { count == 1 ? "0" + self : self }
}
