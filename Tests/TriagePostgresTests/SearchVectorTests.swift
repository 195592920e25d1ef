import Foundation
import Testing
@testable import TriagePostgres
import TriageStore

/// The search vector written with every imported case is built byte by byte for speed (issue 11's
/// import target); it must hold exactly the words the plain definition gives: each word of the
/// text cut as SQLite's `unicode61` cuts it, folded (lower case, no diacritics), quoted.
@Suite struct SearchVectorTests {
    /// The plain definition, word by word through Foundation (what the fast path replaced).
    func reference(_ texts: [String]) -> Set<String> {
        var out = Set<String>()
        for t in texts {
            var word = ""
            func end() {
                if !word.isEmpty {
                    let f = word.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                    if f.utf8.count <= 2046 { out.insert("'" + f.replacingOccurrences(of: "'", with: "''") + "'") }
                }
                word = ""
            }
            for u in t.unicodeScalars {
                let p = u.properties
                if p.isAlphabetic || p.numericType != nil || [.nonspacingMark, .spacingMark, .enclosingMark].contains(p.generalCategory) {
                    word.unicodeScalars.append(u)
                } else {
                    end()
                }
            }
            end()
        }
        return out
    }

    /// The lexemes of a vector literal (PostgreSQL folds repeats; the fast path writes each once).
    func lexemes(_ vector: String) -> [String] { vector.split(separator: " ").map(String.init) }

    @Test(arguments: [
        ["Vegas Casino LLC", "Online CASINO and sports-betting: vegas-casino.example", "It sells casino chips.", "casino"],
        ["Café Crème Brûlée", "ÉLÈVE naïve façade", "Ünïcödé ﬁ ligature", "Straße"],
        ["東京カジノ 株式会社", "Продажа оружия", "مرحبا بالعالم", "๑๒๓ ४२ numbers 42x"],
        ["tabs\tand\nnewlines\u{1B}[31mred", "quote's \\back\\slash \"dq\"", "e\u{301}clair (combining)", "🎰 slots 🎰🎰"],
        ["", " ", "---", String(repeating: "a", count: 3000) + " short"],
    ])
    func theFastVectorHoldsTheSameWords(_ texts: [String]) {
        let v = PGSearch.vector(name: texts[0], description: texts[1], rationales: [texts[2]], evidence: [texts[3], nil])
        let words = lexemes(v)
        #expect(Set(words) == reference(texts), "\(v)")
        #expect(Set(words).count == words.count, "a word written twice: \(v)")
    }

    @Test func wordsAreCutAsBefore() {
        #expect(SearchWords.words("vegas-casino.example, 2024!") == ["vegas", "casino", "example", "2024"])
        #expect(SearchWords.words("Ünï—cödé") == ["Ünï", "cödé"])
        #expect(SearchWords.words("e\u{301}t\u{E9}") == ["e\u{301}t\u{E9}"])
        #expect(SearchWords.words("") == [])
        #expect(PGSearch.query("Casino VEG") == "'casino' & 'veg':*")
    }
}
