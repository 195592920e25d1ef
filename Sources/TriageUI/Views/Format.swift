import TriageCore

/// Number, time and bar formatting for the views, without Foundation or the locale (the screen
/// must look the same for everyone, and in snapshot tests).
enum Format {
    /// A size for people: `512 bytes`, `12 KiB`, `19.1 MiB`.
    static func bytes(_ n: Int) -> String {
        if n < 1 << 10 { return "\(n) bytes" }
        if n < 1 << 20 { return "\(n >> 10) KiB" }
        return fixed(Double(n) / Double(1 << 20), 1) + " MiB"
    }

    /// `x` with exactly `decimals` decimals, e.g. `fixed(0.9712, 2) == "0.97"`, `fixed(-2.1, 2) == "-2.10"`.
    static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "∞" : "-∞") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let n = (abs(x) * scale).rounded()
        guard n < 9e15 else { return String(x) }
        let digits = String(Int64(n))
        let padded = String(repeating: "0", count: max(0, decimals + 1 - digits.count)) + digits
        let cut = padded.index(padded.endIndex, offsetBy: -decimals)
        let sign = x < 0 && n > 0 ? "-" : ""
        return decimals == 0 ? sign + padded : sign + padded[..<cut] + "." + padded[cut...]
    }

    /// A signed value with an explicit sign, e.g. `+2.31`, `−0.40` (a real minus sign).
    static func signed(_ x: Double, _ decimals: Int = 2) -> String {
        let s = fixed(abs(x), decimals)
        if s.allSatisfy({ $0 == "0" || $0 == "." }) { return " " + s }
        return (x < 0 ? "−" : "+") + s
    }

    /// A score in [0, 1], e.g. `0.97`.
    static func score(_ x: Double) -> String { fixed(x, 2) }

    /// A count with thousands separators, e.g. `1,234,567`.
    static func count(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// How long ago `then` was, in the largest whole unit: `45m`, `5h`, `3d`, `2y`; `-` when unknown.
    static func age(since then: Timestamp?, now: Timestamp) -> String {
        guard let then else { return "-" }
        let minutes = max(0, (now.milliseconds - then.milliseconds) / 60_000)
        if minutes < 60 { return "\(minutes)m" }
        if minutes < 24 * 60 { return "\(minutes / 60)h" }
        let days = minutes / (24 * 60)
        if days < 365 { return "\(days)d" }
        return "\(days / 365)y"
    }

    /// A date and minute in UTC, e.g. `2026-11-20 14:03`.
    static func minute(_ t: Timestamp) -> String {
        let iso = t.iso8601 // 2026-11-20T14:03:00.000Z
        return String(iso.prefix(10)) + " " + String(iso.dropFirst(11).prefix(5))
    }

    /// A day in UTC, e.g. `2026-11-20`.
    static func day(_ t: Timestamp) -> String { String(t.iso8601.prefix(10)) }

    /// A feature value as text: numbers without needless zeros (`12`, `0.013`), strings as they are.
    static func value(_ v: FeatureValue) -> String {
        switch v {
        case .number(let x):
            if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
            var s = fixed(x, abs(x) >= 100 ? 1 : 4)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s
        case .string(let s): return s
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        }
    }

    static let eighths: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

    /// A bar `cells` wide filled to `fraction` (0…1) in eighths of a cell, padded with spaces.
    static func bar(_ fraction: Double, cells: Int) -> String {
        let f = fraction.isFinite ? min(max(fraction, 0), 1) : 0
        let units = Int((f * Double(cells * 8)).rounded())
        var s = String(repeating: "█", count: units / 8)
        if units % 8 > 0 { s.append(eighths[units % 8]) }
        return s + String(repeating: " ", count: cells - (units + 7) / 8)
    }

    /// The queue list's score bar: a left edge and three cells, e.g. `▕██▊`.
    static func scoreBar(_ score: Double) -> String { "▕" + bar(score, cells: 3) }

    /// The role of a score by value.
    static func scoreRole(_ score: Double) -> StyleRole {
        score >= 0.8 ? .scoreHigh : score >= 0.5 ? .scoreMedium : .scoreLow
    }
}
