/// A line of text in several roles, e.g. a label and its value. Detail and help content is built
/// as lines first (so it can be measured and scrolled), then drawn.
public struct StyledLine: Sendable, Equatable {
    /// One run of text in one role.
    public struct Span: Sendable, Equatable {
        /// The text (sanitised before it is measured, when it is case text).
        public var text: String
        /// How the text is drawn.
        public var role: StyleRole

        /// A span of `text` in `role`.
        public init(_ text: String, _ role: StyleRole = .normal) {
            self.text = text
            self.role = role
        }
    }

    /// The runs of text, left to right.
    public var spans: [Span]

    /// A line of these spans.
    public init(_ spans: [Span] = []) { self.spans = spans }

    /// A line of one span.
    public init(_ text: String, _ role: StyleRole = .normal) { spans = [Span(text, role)] }

    /// An empty line.
    public static let blank = StyledLine()

    /// The line's text without roles.
    public var text: String { spans.map(\.text).joined() }

    /// Columns the line takes.
    public var width: Int { spans.reduce(0) { $0 + $1.text.displayWidth } }

    /// Appends a span.
    public mutating func append(_ text: String, _ role: StyleRole = .normal) {
        spans.append(Span(text, role))
    }
}

extension Grid {
    /// Draws `line` from (x, y) in at most `width` columns; the span that overflows is cut with
    /// an ellipsis. Returns the columns drawn.
    @discardableResult
    public mutating func draw(_ line: StyledLine, x: Int, y: Int, width: Int) -> Int {
        var col = x
        for span in line.spans {
            let room = x + width - col
            guard room > 0 else { break }
            col += put(span.text, x: col, y: y, maxWidth: room, role: span.role)
        }
        return col - x
    }
}

extension StyledLine {
    /// The line broken at spaces into lines of at most `width` columns, keeping each piece's role.
    /// The first line keeps its leading spaces; the others start with `indent` spaces. A word too
    /// wide for a line of its own is broken between characters (never inside a wide one).
    public func wrapped(toWidth width: Int, indent: Int) -> [StyledLine] {
        guard self.width > width, width > 0 else { return [self] }
        // Words: runs of non-spaces (possibly in several roles), each with the spaces before it.
        var words: [(gap: String, pieces: [Span])] = []
        var gap = ""
        var current: [Span] = []
        var leading = ""
        var atStart = true
        for span in spans {
            for c in span.text {
                if c == " " {
                    if atStart { leading.append(c); continue }
                    if !current.isEmpty { words.append((gap, current)); current = []; gap = "" }
                    gap.append(c)
                } else {
                    atStart = false
                    if let last = current.last, last.role == span.role {
                        current[current.count - 1].text.append(c)
                    } else {
                        current.append(Span(String(c), span.role))
                    }
                }
            }
        }
        if !current.isEmpty { words.append((gap, current)) }

        let continuation = String(repeating: " ", count: min(indent, max(0, width - 1)))
        var lines: [StyledLine] = []
        var line = StyledLine(leading.isEmpty ? [] : [Span(leading, spans.first?.role ?? .normal)])
        var col = leading.displayWidth
        var lineStart = col
        func newLine() {
            lines.append(line)
            line = StyledLine(continuation.isEmpty ? [] : [Span(continuation)])
            col = continuation.count
            lineStart = col
        }
        for (gap, pieces) in words {
            let w = pieces.reduce(0) { $0 + $1.text.displayWidth }
            if col > lineStart && col + gap.count + w > width { newLine() }
            if col > lineStart { line.append(gap, pieces.first!.role); col += gap.count }
            if col + w <= width {
                line.spans += pieces
                col += w
                continue
            }
            for piece in pieces { // too wide even for a line of its own
                for c in piece.text {
                    let cw = DisplayWidth.of(c)
                    if col > lineStart && col + cw > width { newLine() }
                    if let last = line.spans.last, last.role == piece.role, col > lineStart {
                        line.spans[line.spans.count - 1].text.append(c)
                    } else {
                        line.append(String(c), piece.role)
                    }
                    col += cw
                }
            }
        }
        lines.append(line)
        return lines
    }
}
