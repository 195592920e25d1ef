import Foundation
import PostgresNIO
import TriageStore

/// Full-text search on PostgreSQL, made to find what SQLite's index finds. PostgreSQL's own
/// parser keeps a URL or a host name (`vegas-casino.example`) as one token and keeps accents,
/// where SQLite's `unicode61 remove_diacritics 2` cuts at every non-word character and folds
/// accents. So triage cuts the text into words itself (``SearchWords``), lower-cases them and
/// removes their diacritics, and hands PostgreSQL only those words, with the `simple`
/// configuration (no stemming, no stop words); a query's words get the same treatment.
enum PGSearch {
    /// The words to index for a case, as one space-separated text for `to_tsvector('simple', …)`.
    static func text(name: String, description: String?, rationales: [String], evidence: [String?]) -> String {
        var parts = [name]
        if let description { parts.append(description) }
        parts += rationales
        parts += evidence.compactMap { $0 }
        return parts.flatMap { SearchWords.words($0).map(fold) }.joined(separator: " ")
    }

    /// A word as indexed: lower case, without diacritics.
    static func fold(_ word: String) -> String {
        word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }

    /// The `tsquery` text for what an analyst typed: its words folded, each a quoted lexeme,
    /// ANDed, the last one a prefix; nil when it has no word.
    static func query(_ typed: String) -> String? {
        let words = SearchWords.words(typed).map(fold)
        guard !words.isEmpty else { return nil }
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'" }
        return quoted.joined(separator: " & ") + ":*"
    }

    /// Recomputes case `row`'s search vector from its stored text (after an import changed it,
    /// or a rationale was added).
    static func rewrite(row: Int64, _ c: PGConnection) throws {
        var b = PostgresBindings()
        b.append(row)
        guard let head = try c.query("SELECT merchant_name, merchant_description FROM cases WHERE id = $1", b).first else { return }
        let (name, description) = try head.decode((String, String?).self)
        let rationales = try c.query("SELECT text FROM rationale WHERE case_row = $1 ORDER BY id", b).map { try $0.decode(String.self) }
        let evidence = try c.query("SELECT text FROM evidence WHERE case_row = $1 ORDER BY id", b).map { try $0.decode(String?.self) }
        var u = PostgresBindings()
        u.append(text(name: name, description: description, rationales: rationales, evidence: evidence))
        u.append(row)
        try c.query("UPDATE cases SET search = to_tsvector('simple', $1) WHERE id = $2", u)
    }
}
