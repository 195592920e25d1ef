import Foundation

/// A point in time as milliseconds since the Unix epoch (UTC), the unit triage stores everywhere.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var milliseconds: Int64

    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    /// The times RFC 3339 can write, and so ``parse(_:)`` can read back: years 0000 to 9999
    /// (`0000-01-01T00:00:00.000Z` … `9999-12-31T23:59:59.999Z`), in milliseconds. Importers
    /// reject times outside it, so that every stored time exports as a re-importable string.
    public static let rfc3339Range: ClosedRange<Int64> = -62_167_219_200_000 ... 253_402_300_799_999

    public init(_ date: Date) {
        self.milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The current time.
    public static func now() -> Timestamp { Timestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.milliseconds < b.milliseconds }

    /// RFC 3339 in UTC with millisecond precision, e.g. `2026-11-20T14:03:00.000Z`.
    public var iso8601: String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendISO8601(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends ``iso8601`` as ASCII bytes: the fast path for exports of millions of rows
    /// (no `String(format:)`). Years outside 0…9999 are written with as many digits as they
    /// need and a leading `-` when negative.
    public func appendISO8601(to out: inout [UInt8]) {
        let (days, msOfDay) = milliseconds.floorDivMod(86_400_000)
        let (y, m, d) = Timestamp.civil(fromDays: days)
        func put(_ value: Int64, _ width: Int, _ suffix: UInt8) {
            var n = 1, t = value
            while t >= 10 { t /= 10; n += 1 }
            let start = out.count, w = max(width, n)
            out.append(contentsOf: repeatElement(0x30, count: w))
            var v = value, j = start + w - 1
            while v > 0 { out[j] = 0x30 + UInt8(v % 10); v /= 10; j -= 1 }
            out.append(suffix)
        }
        if y < 0 { out.append(0x2D) }
        put(abs(y), 4, 0x2D)
        put(m, 2, 0x2D)
        put(d, 2, 0x54)
        put(msOfDay / 3_600_000, 2, 0x3A)
        put(msOfDay / 60_000 % 60, 2, 0x3A)
        put(msOfDay / 1000 % 60, 2, 0x2E)
        put(msOfDay % 1000, 3, 0x5A)
    }

    /// `YYYY-MM-DD` of the UTC day that contains this time.
    public var isoDate: String { String(iso8601.prefix(while: { $0 != "T" })) }

    public var description: String { iso8601 }

    /// Parses RFC 3339 / ISO 8601 date-times: `2026-11-20T14:03:00Z`, with optional fractional
    /// seconds and a `Z` or `±HH:MM` offset; a lone date `2026-11-20` means midnight UTC.
    /// Returns nil for anything else (including impossible dates such as February 30).
    public static func parse(_ text: String) -> Timestamp? {
        let b = Array(text.utf8)
        var i = 0
        func digits(_ n: Int) -> Int64? {
            guard i + n <= b.count else { return nil }
            var v: Int64 = 0
            for k in 0..<n {
                let c = b[i + k]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < b.count, b[i] == c else { return false }
            i += 1
            return true
        }
        guard let y = digits(4), expect(45), let mo = digits(2), expect(45), let d = digits(2) else { return nil }
        guard (1...12).contains(mo), d >= 1, d <= daysIn(month: mo, year: y) else { return nil }
        var msOfDay: Int64 = 0
        var offsetMinutes: Int64 = 0
        if i < b.count {
            guard b[i] == 84 || b[i] == 116 || b[i] == 32 else { return nil } // T, t or space
            i += 1
            guard let h = digits(2), expect(58), let mi = digits(2) else { return nil }
            var s: Int64 = 0
            var frac: Int64 = 0
            if expect(58) {
                guard let sec = digits(2) else { return nil }
                s = sec
                if expect(46) {
                    var scale: Int64 = 100
                    var any = false
                    while i < b.count, b[i] >= 48, b[i] <= 57 {
                        frac += Int64(b[i] - 48) * scale
                        scale /= 10
                        i += 1
                        any = true
                    }
                    guard any else { return nil }
                }
            }
            guard h < 24, mi < 60, s < 61 else { return nil }
            msOfDay = ((h * 60 + mi) * 60 + min(s, 59)) * 1000 + frac
            guard i < b.count else { return nil } // a time needs an explicit offset
            if b[i] == 90 || b[i] == 122 { i += 1 } // Z
            else if b[i] == 43 || b[i] == 45 {
                let sign: Int64 = b[i] == 45 ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(58)
                guard let om = digits(2), oh < 24, om < 60 else { return nil }
                offsetMinutes = sign * (oh * 60 + om)
            } else { return nil }
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(y, mo, d)
        let ms = days * 86_400_000 + msOfDay - offsetMinutes * 60_000
        // An offset can move 0000-01-01 or 9999-12-31 out of the four-digit years.
        guard rfc3339Range.contains(ms) else { return nil }
        return Timestamp(milliseconds: ms)
    }

    /// Why `text` is not a time ``parse(_:)`` accepts, in words an importer can add to its error,
    /// for the two mistakes that data tooling makes most: a date-time without an offset (what
    /// pandas writes for a naive `datetime64` column, `2026-11-20 14:03:00`) is ambiguous, so it
    /// is refused with the fix spelled out. Nil when nothing more specific can be said.
    public static func hint(forUnparsable text: String) -> String? {
        guard parse(text) == nil, parse(text + "Z") != nil else { return nil }
        return "it has no UTC offset: add Z if it is UTC (pandas: .dt.tz_localize(\"UTC\"))"
    }

    /// Why a number of seconds since 1970 that is out of range was probably written, when it is
    /// milliseconds (pandas' `to_json` default for dates, JavaScript's `Date.now()`); nil otherwise.
    public static func hint(forOutOfRangeSeconds seconds: Double) -> String? {
        guard seconds.isFinite, seconds.magnitude > 253_402_300_799,
              seconds.magnitude / 1000 <= 253_402_300_799 else { return nil }
        return "it looks like milliseconds: give seconds, or an RFC 3339 string (pandas: to_json(date_format=\"iso\"))"
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    public static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian (year, month, day) of a count of days since 1970-01-01
    /// (Howard Hinnant's civil_from_days).
    public static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

extension Int64 {
    /// Division rounding towards −∞, with a remainder that is never negative.
    func floorDivMod(_ d: Int64) -> (Int64, Int64) {
        var q = self / d
        var r = self % d
        if r < 0 { q -= 1; r += d }
        return (q, r)
    }
}
