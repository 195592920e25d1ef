/// What an analyst typed into the search box, cut into words the way the search indexes cut
/// text (runs of letters, digits and marks, as SQLite's `unicode61` tokenizer does): each backend
/// builds its own query from the words, never from the raw text, so no search syntax typed by
/// anyone reaches the database.
public enum SearchWords {
    public static func words(_ text: String) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { words.append(String(decoding: $0, as: UTF8.self)) }
        return words
    }

    /// Calls `body` with the UTF-8 bytes of each word of `text`, in order, without making
    /// strings: ASCII is classified byte by byte (letters and digits are word characters, the
    /// rest separators); other characters by their Unicode properties.
    public static func forEachWord(in text: String, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var start = -1, i = 0
            while i < bytes.count {
                let b = bytes[i]
                let isWord: Bool
                var width = 1
                if b < 0x80 {
                    isWord = (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39)
                } else {
                    width = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
                    width = min(width, bytes.count - i)
                    let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[i..<(i + width)]), as: UTF8.self)
                        .unicodeScalars.first!
                    let p = scalar.properties
                    isWord = p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark
                        || p.generalCategory == .spacingMark || p.generalCategory == .enclosingMark
                }
                if isWord {
                    if start < 0 { start = i }
                } else if start >= 0 {
                    body(UnsafeBufferPointer(rebasing: bytes[start..<i]))
                    start = -1
                }
                i += width
            }
            if start >= 0 { body(UnsafeBufferPointer(rebasing: bytes[start..<bytes.count])) }
        }
    }
}
