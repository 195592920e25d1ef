import Foundation
import PostgresNIO
import TriageStore

/// Full-text search on PostgreSQL, made to find what SQLite's index finds. PostgreSQL's own
/// parser keeps a URL or a host name (`vegas-casino.example`) as one token and keeps accents,
/// where SQLite's `unicode61 remove_diacritics 2` cuts at every non-word character and folds
/// accents. So triage cuts the text into words itself (``SearchWords``), lower-cases them and
/// removes their diacritics, and hands PostgreSQL the words as a `tsvector` literal (lexemes
/// taken as they are, no parser or dictionary in between); a query's words become a `tsquery`
/// literal the same way. The GIN index on the column serves `@@`.
enum PGSearch {
    /// The case's words as a `tsvector` literal (`'casino' 'vegas' …`), each word once. This runs
    /// for every imported case, so ASCII words (most of them) are lower-cased and quoted byte by
    /// byte; only other words go through Foundation's folding.
    static func vector(name: String, description: String?, rationales: [String], evidence: [String?]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        var seen = Set<[UInt8]>()
        var word: [UInt8] = []
        func add(_ text: String) {
            SearchWords.forEachWord(in: text) { bytes in
                word.removeAll(keepingCapacity: true)
                if bytes.allSatisfy({ $0 < 0x80 }) {
                    for b in bytes { word.append(b >= 0x41 && b <= 0x5A ? b + 32 : b) }
                } else {
                    word.append(contentsOf: fold(String(decoding: bytes, as: UTF8.self)).utf8)
                }
                guard word.count <= 2046, seen.insert(word).inserted else { return }
                if !out.isEmpty { out.append(0x20) }
                appendQuoted(word, to: &out)
            }
        }
        add(name)
        if let description { add(description) }
        for r in rationales { add(r) }
        for e in evidence { if let e { add(e) } }
        return String(decoding: out, as: UTF8.self)
    }

    /// `words` as a `tsvector` literal (repeats are folded by PostgreSQL).
    static func vector(words: [String]) -> String {
        words.map(quote).joined(separator: " ")
    }

    /// The words of `text` as indexed: lower case, without diacritics; a word longer than a
    /// lexeme may be (2,046 bytes) is left out, as `to_tsvector` would.
    static func words(_ text: String) -> [String] {
        SearchWords.words(text).map(fold).filter { $0.utf8.count <= 2046 }
    }

    /// A word as indexed: lower case, without diacritics.
    static func fold(_ word: String) -> String {
        word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// One lexeme, quoted for a `tsvector` or `tsquery` literal.
    static func quote(_ word: String) -> String {
        var out: [UInt8] = []
        appendQuoted(Array(word.utf8), to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `word` in quotes, its quotes doubled and its backslashes escaped. (Words are runs
    /// of letters, digits and marks, so neither occurs today; the quoting does not rely on it.)
    static func appendQuoted(_ word: [UInt8], to out: inout [UInt8]) {
        out.append(0x27)
        for b in word {
            if b == 0x27 { out.append(0x27) } else if b == 0x5C { out.append(0x5C) }
            out.append(b)
        }
        out.append(0x27)
    }

    /// The `tsquery` literal for what an analyst typed: its words folded, ANDed, the last one a
    /// prefix; nil when it has no word.
    static func query(_ typed: String) -> String? {
        let words = words(typed)
        guard !words.isEmpty else { return nil }
        return words.map(quote).joined(separator: " & ") + ":*"
    }

    /// Recomputes case `row`'s search vector from its stored text (after an import changed it).
    static func rewrite(row: Int64, _ c: PGConnection) throws {
        var b = PostgresBindings()
        b.append(row)
        guard let head = try c.query("SELECT merchant_name, merchant_description FROM cases WHERE id = $1", b).first else { return }
        let (name, description) = try head.decode((String, String?).self)
        let rationales = try c.query("SELECT text FROM rationale WHERE case_row = $1 ORDER BY id", b).map { try $0.decode(String.self) }
        let evidence = try c.query("SELECT text FROM evidence WHERE case_row = $1 ORDER BY id", b).map { try $0.decode(String?.self) }
        var u = PostgresBindings()
        u.append(vector(name: name, description: description, rationales: rationales, evidence: evidence))
        u.append(row)
        try c.query("UPDATE cases SET search = $1::tsvector WHERE id = $2", u)
    }
}
