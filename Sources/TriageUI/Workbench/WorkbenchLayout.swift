/// Where each part of the workbench goes at a terminal size.
///
/// - At least ``sideBySideWidth`` columns: queue on the left, detail on the right.
/// - Narrower: queue on top, detail below.
/// - Smaller than ``minimumWidth`` × ``minimumHeight``: only a "terminal too small" message.
///
/// Row 0 is the header and the last row the status bar in both arrangements.
public struct WorkbenchLayout: Sendable, Equatable {
    /// How the panes are placed.
    public enum Arrangement: Sendable, Equatable {
        case sideBySide, stacked, tooSmall
    }

    /// The smallest usable size.
    public static let minimumWidth = 60
    public static let minimumHeight = 16
    /// From this width on, queue and detail sit side by side.
    public static let sideBySideWidth = 120

    /// Side by side, stacked, or too small.
    public var arrangement: Arrangement
    /// The top line.
    public var header: Rect
    /// The queue pane: its first row holds the column titles, the rest the list.
    public var queue: Rect
    /// The line between queue and detail (a column side by side, a row stacked).
    public var divider: Rect
    /// The detail pane.
    public var detail: Rect
    /// The bottom line.
    public var statusBar: Rect

    /// The layout for a terminal of `size`.
    public init(size: TerminalSize) {
        let w = size.width, h = size.height
        guard w >= Self.minimumWidth, h >= Self.minimumHeight else {
            arrangement = .tooSmall
            header = .zero; queue = .zero; divider = .zero; detail = .zero; statusBar = .zero
            return
        }
        header = Rect(x: 0, y: 0, width: w, height: 1)
        statusBar = Rect(x: 0, y: h - 1, width: w, height: 1)
        let bodyHeight = h - 2
        if w >= Self.sideBySideWidth {
            arrangement = .sideBySide
            let qw = min(80, max(54, w * 45 / 100))
            queue = Rect(x: 0, y: 1, width: qw, height: bodyHeight)
            divider = Rect(x: qw, y: 1, width: 1, height: bodyHeight)
            detail = Rect(x: qw + 1, y: 1, width: w - qw - 1, height: bodyHeight)
        } else {
            arrangement = .stacked
            let qh = bodyHeight * 2 / 5 + 1
            queue = Rect(x: 0, y: 1, width: w, height: qh)
            divider = Rect(x: 0, y: 1 + qh, width: w, height: 1)
            detail = Rect(x: 0, y: 2 + qh, width: w, height: bodyHeight - qh - 1)
        }
    }

    /// How many queue rows fit in the window (0 when the terminal is too small).
    public var queueRows: Int { max(0, queue.height - 1) }

    /// The width detail text is laid out in (one column of margin on each side).
    public var detailTextWidth: Int { max(0, detail.width - 2) }
}
