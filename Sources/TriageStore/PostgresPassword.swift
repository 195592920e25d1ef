import Foundation

/// Where the password for a PostgreSQL connection comes from, in the order PostgreSQL's own tools
/// use: `$PGPASSWORD`, then the password file (`$PGPASSFILE`, else `~/.pgpass`), then the
/// `password` under `[database]` in the settings file. Never a flag or the URL: those show in
/// `ps` and in shell history.
public enum PostgresPassword {
    /// A file as read: its text and its permission bits.
    public typealias ReadFile = (_ path: String) -> (text: String, mode: Int)?

    /// The password for `address`, or nil when none is given (the server may not ask: `trust` or
    /// `peer` authentication). A password file that others may read is refused, as libpq ignores
    /// it, but with the command that fixes it.
    public static func resolve(for address: PostgresAddress, environment: [String: String], home: String,
                               configured: String?, readFile: ReadFile = PostgresPassword.readFile) throws -> String? {
        if let p = environment["PGPASSWORD"], !p.isEmpty { return p }
        let path = environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.pgpass"
        if let file = readFile(path) {
            if file.mode & 0o077 != 0 {
                throw StoreError.notAllowed("\(path) may be read by others (mode \(String(file.mode & 0o777, radix: 8))): run `chmod 600 \(path)`; until then it is not used")
            }
            if let p = match(file.text, address) { return p }
        }
        return configured.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The password of the first line of a password file that matches `address`
    /// (`hostname:port:database:username:password`, `*` matching anything, `\:` and `\\`
    /// escaped; `localhost` matches a Unix-socket connection, as in libpq).
    public static func match(_ text: String, _ address: PostgresAddress) -> String? {
        let host = address.host ?? "localhost"
        let wanted = [host, String(address.port), address.database, address.user]
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            if line.hasPrefix("#") { continue }
            let fields = split(line)
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }

    /// A password-file line's fields: split at unescaped colons, escapes removed.
    static func split(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for c in line {
            if escaped {
                current.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(c)
            }
        }
        fields.append(current)
        return fields
    }

    /// Reads `path` with its permission bits; nil when it does not exist or cannot be read.
    public static func readFile(_ path: String) -> (text: String, mode: Int)? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let mode = attributes[.posixPermissions] as? Int,
              let data = FileManager.default.contents(atPath: path) else { return nil }
        return (String(decoding: data, as: UTF8.self), mode)
    }
}
