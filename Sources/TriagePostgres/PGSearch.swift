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
    /// The case's words as a `tsvector` literal (`'casino' 'vegas' …`).
    static func vector(name: String, description: String?, rationales: [String], evidence: [String?]) -> String {
        var parts = [name]
        if let description { parts.append(description) }
        parts += rationales
        parts += evidence.compactMap { $0 }
        return vector(words: parts.flatMap(words))
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
        "'" + word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
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
