/// What an analyst typed into the search box, cut into words the way the search indexes cut
/// text (runs of letters, digits and marks, as SQLite's `unicode61` tokenizer does): each backend
/// builds its own query from the words, never from the raw text, so no search syntax typed by
/// anyone reaches the database.
public enum SearchWords {
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        var word = ""
        for u in text.unicodeScalars {
            let p = u.properties
            if p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
                || p.generalCategory == .spacingMark || p.generalCategory == .enclosingMark {
                word.unicodeScalars.append(u)
            } else if !word.isEmpty {
                words.append(word)
                word = ""
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}
