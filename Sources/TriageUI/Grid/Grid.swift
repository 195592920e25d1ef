/// An in-memory screen: `width × height` cells that views draw into and a terminal backend copies
/// to the screen. Tests compare ``renderText()`` with the text a person would see.
///
/// Text put into the grid is sanitised again on the way in (``Sanitize/line(_:)``), so nothing
/// that reaches a cell can move a terminal's cursor, whatever a view forgot to do.
///
/// ```swift
/// var g = Grid(width: 20, height: 2)
/// g.put("東京 Tower", x: 0, y: 0, role: .title)
/// g.renderText()  // "東京 Tower\n"
/// ```
public struct Grid: Sendable, Equatable {
    /// Columns.
    public let width: Int
    /// Rows.
    public let height: Int
    /// Row-major cells: the cell at (x, y) is `cells[y * width + x]`.
    public private(set) var cells: [Cell]

    /// A blank grid. Negative sizes count as 0.
    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    /// The cell at column `x`, row `y` (both from 0). Out of range is a programming error.
    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
    }

    /// Draws `text` from column `x` of row `y`, in at most `maxWidth` columns (default: to the
    /// right edge). Text that does not fit is truncated with an ellipsis (`clip: true` cuts it
    /// without one). Returns the number of columns drawn. Nothing is drawn outside the grid (a
    /// negative `x` draws nothing), and a wide character the text overlaps by half is blanked.
    @discardableResult
    public mutating func put(_ text: String, x: Int, y: Int, maxWidth: Int? = nil, role: StyleRole = .normal,
                             clip: Bool = false) -> Int {
        guard y >= 0, y < height, x >= 0, x < width else { return 0 }
        let limit = min(maxWidth ?? width, width - x)
        let start = x
        let safe = Sanitize.line(text)
        guard limit > 0 else { return 0 }
        let fitted = clip ? safe.clipped(toWidth: limit) : safe.truncated(toWidth: limit)
        var col = start
        for c in fitted {
            let w = DisplayWidth.of(c)
            guard w > 0 else { continue }
            guard col + w <= start + limit else { break }
            setCell(col, y, Cell(grapheme: c, width: UInt8(w), role: role))
            if w == 2 { setCell(col + 1, y, Cell(grapheme: " ", width: 0, role: role)) }
            col += w
        }
        return col - start
    }

    /// Fills a rectangle with blank cells in `role` (clipped to the grid).
    public mutating func fill(x: Int, y: Int, width w: Int, height h: Int, role: StyleRole = .normal) {
        let x0 = max(0, x), y0 = max(0, y)
        let x1 = min(width, x + w), y1 = min(height, y + h)
        guard x0 < x1, y0 < y1 else { return }
        for row in y0..<y1 {
            for col in x0..<x1 { setCell(col, row, Cell(grapheme: " ", role: role)) }
        }
    }

    /// Paints `role` behind `w` cells of row `y` from column `x`, keeping their text and role
    /// (the selection bar). The theme merges the two (see ``Theme/style(for:highlight:)``).
    public mutating func highlight(x: Int, y: Int, width w: Int, role: StyleRole) {
        guard y >= 0, y < height else { return }
        for col in max(0, x)..<max(max(0, x), min(width, x + w)) {
            cells[y * width + col].highlight = role
        }
    }

    /// Changes the role of `w` cells of row `y` from column `x`, keeping their text.
    public mutating func setRole(x: Int, y: Int, width w: Int, role: StyleRole) {
        guard y >= 0, y < height else { return }
        for col in max(0, x)..<max(max(0, x), min(width, x + w)) {
            cells[y * width + col].role = role
        }
    }

    /// Copies `other` into this grid with its top-left corner at (x, y), clipped.
    public mutating func blit(_ other: Grid, x: Int, y: Int) {
        for row in 0..<other.height where y + row >= 0 && y + row < height {
            var col = 0
            while col < other.width {
                let c = other[col, row]
                let tx = x + col
                let w = max(1, Int(c.width))
                if tx >= 0 && tx + w <= width && !c.isContinuation {
                    setCell(tx, y + row, c)
                    if c.width == 2 { setCell(tx + 1, y + row, other[col + 1, row]) }
                }
                col += w
            }
        }
    }

    /// The text of row `y` as a person would read it: continuation cells add nothing, trailing
    /// spaces are trimmed.
    public func rowText(_ y: Int) -> String {
        var s = ""
        for x in 0..<width where !self[x, y].isContinuation { s.append(self[x, y].grapheme) }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// The whole grid as text: rows joined by `"\n"`, trailing spaces trimmed. For snapshot tests.
    public func renderText() -> String {
        (0..<height).map(rowText).joined(separator: "\n")
    }

    /// Writes one cell, first blanking the other half of any wide character it cuts into.
    private mutating func setCell(_ x: Int, _ y: Int, _ cell: Cell) {
        let i = y * width + x
        let old = cells[i]
        if old.isContinuation && x > 0 && cell.width != 0 {
            cells[i - 1].grapheme = " "
            cells[i - 1].width = 1
        }
        if old.width == 2 && x + 1 < width && cell.width != 2 {
            cells[i + 1].grapheme = " "
            cells[i + 1].width = 1
        }
        cells[i] = cell
    }
}
