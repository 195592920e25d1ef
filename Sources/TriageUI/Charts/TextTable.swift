/// A small table of text cells laid out to fit a width without cutting a number.
///
/// Columns are as wide as their widest cell (or title). When the table is too wide, the
/// ``Column/shrinkable`` columns (names, ids) are shortened with an ellipsis first, down to
/// ``Column/minimumWidth``; if it is still too wide, the other columns are split into several
/// blocks, one under the other, each repeating the first column, so every figure stays whole.
///
/// ```swift
/// let t = TextTable(columns: [.init("policy", shrinkable: true), .init("open", alignment: .right)],
///                   rows: [["gambling", "12"]])
/// t.lines(width: 80)  // ["policy    open", "gambling    12"]
/// ```
public struct TextTable: Sendable {
    /// A column: its title, how cells align, and whether cells may be shortened.
    public struct Column: Sendable {
        public var title: String
        public var alignment: TextAlignment
        /// Whether cells may be cut with an ellipsis when the table is too wide (text, never numbers).
        public var shrinkable: Bool
        /// The narrowest a shrinkable column gets.
        public var minimumWidth: Int

        public init(_ title: String, alignment: TextAlignment = .left, shrinkable: Bool = false, minimumWidth: Int = 6) {
            self.title = title
            self.alignment = alignment
            self.shrinkable = shrinkable
            self.minimumWidth = minimumWidth
        }
    }

    public var columns: [Column]
    /// The cells, row by row (a short row is padded with empty cells).
    public var rows: [[String]]
    /// Columns between columns.
    public var gap: Int
    /// The role of each row's cells (default ``StyleRole/normal``); the title row is
    /// ``StyleRole/columnHeader``.
    public var rowRoles: [StyleRole]

    public init(columns: [Column], rows: [[String]], gap: Int = 2, rowRoles: [StyleRole] = []) {
        self.columns = columns
        self.rows = rows
        self.gap = gap
        self.rowRoles = rowRoles
    }

    /// The natural width of each column.
    var naturalWidths: [Int] {
        columns.indices.map { i in
            rows.reduce(columns[i].title.displayWidth) { max($0, i < $1.count ? $1[i].displayWidth : 0) }
        }
    }

    /// The table's lines, title row first, each at most `width` columns.
    public func lines(width: Int) -> [StyledLine] {
        guard !columns.isEmpty else { return [] }
        var widths = naturalWidths
        func total(_ ws: [Int]) -> Int { ws.reduce(0, +) + gap * max(0, ws.count - 1) }
        // Shorten shrinkable columns, widest first, until the table fits (or they are at their minimum).
        var excess = total(widths) - width
        while excess > 0 {
            guard let i = columns.indices.filter({ columns[$0].shrinkable && widths[$0] > columns[$0].minimumWidth })
                .max(by: { widths[$0] < widths[$1] }) else { break }
            let cut = min(excess, widths[i] - columns[i].minimumWidth)
            widths[i] -= cut
            excess -= cut
        }
        // Still too wide: blocks of columns, each after the first column.
        var blocks: [[Int]] = []
        var current = [0]
        for i in columns.indices.dropFirst() {
            if total((current + [i]).map { widths[$0] }) > width && current.count > 1 {
                blocks.append(current)
                current = [0]
            }
            current.append(i)
        }
        blocks.append(current)
        var out: [StyledLine] = []
        for (b, block) in blocks.enumerated() {
            if b > 0 { out.append(.blank) }
            out.append(line(block.map { columns[$0].title }, block, widths, role: .columnHeader, width: width))
            for (r, row) in rows.enumerated() {
                let role = r < rowRoles.count ? rowRoles[r] : .normal
                out.append(line(block.map { $0 < row.count ? row[$0] : "" }, block, widths, role: role, width: width))
            }
        }
        return out
    }

    private func line(_ cells: [String], _ block: [Int], _ widths: [Int], role: StyleRole, width: Int) -> StyledLine {
        var text = ""
        for (k, i) in block.enumerated() {
            if k > 0 { text += String(repeating: " ", count: gap) }
            // Shrinkable cells are cut to the column; the others are never narrower than themselves.
            let w = columns[i].shrinkable ? widths[i] : max(widths[i], cells[k].displayWidth)
            text += cells[k].padded(toWidth: w, alignment: columns[i].alignment)
        }
        while text.hasSuffix(" ") { text.removeLast() }
        return StyledLine(text.truncated(toWidth: max(width, 1)), role)
    }
}
