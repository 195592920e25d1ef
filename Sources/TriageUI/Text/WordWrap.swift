extension String {
    /// The string broken into lines of at most `width` columns, at spaces where possible.
    ///
    /// Each `"\n"` starts a new line (an empty line stays empty); runs of spaces between words
    /// collapse to one; a word longer than `width` is broken between characters, never inside a
    /// wide one (a lone wide character in a 1-column width still gets a line of its own).
    /// Wrap *sanitised* text: ``Sanitize/lines(_:)`` gives the lines to wrap.
    ///
    /// ```swift
    /// "the quick brown fox".wrapped(toWidth: 10)  // ["the quick", "brown fox"]
    /// ```
    public func wrapped(toWidth width: Int) -> [String] {
        guard width > 0 else { return [] }
        var out: [String] = []
        for paragraph in split(separator: "\n", omittingEmptySubsequences: false) {
            let before = out.count
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ") {
                let w = DisplayWidth.of(word)
                if lineWidth > 0 && lineWidth + 1 + w <= width {
                    line += " " + word
                    lineWidth += 1 + w
                    continue
                }
                if lineWidth > 0 { out.append(line) }
                line = ""
                lineWidth = 0
                if w <= width {
                    line = String(word)
                    lineWidth = w
                    continue
                }
                // A word wider than the line: hard-break it.
                for c in word {
                    let cw = DisplayWidth.of(c)
                    if lineWidth > 0 && lineWidth + cw > width {
                        out.append(line)
                        line = ""
                        lineWidth = 0
                    }
                    line.append(c)
                    lineWidth += cw
                }
            }
            if lineWidth > 0 || out.count == before { out.append(line) }
        }
        return out
    }
}
