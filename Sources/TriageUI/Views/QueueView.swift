import TriageCore
import TriageStore

/// The queue list: a row of column titles, then one line per case in the window:
///
/// ```
///  score     policy      merchant                    cc  age
///  0.97 ▕██▊ gambling    Lucky Star Casino           CA   3d
/// ```
///
/// The policy column shows only when the queue spans policies, the status column only when it
/// spans statuses. The selected row is marked `▸` and highlighted (dimmer when the detail pane
/// has the focus).
enum QueueView {
    /// Drawn in the first column of the selected row, so the selection shows without colour or
    /// reverse video too (and in a plain-text screen capture).
    static let selectionMarker = "▸"

    /// Column widths for a pane `width` columns wide.
    struct Columns: Equatable {
        var showPolicy: Bool
        var showStatus: Bool
        var name: Int

        static let score = 4, bar = 4, policy = 11, country = 2, age = 4, status = 9

        init(width: Int, query: QueueQuery) {
            showPolicy = query.policy == nil
            showStatus = query.status == nil
            // " score bar policy name cc age status"
            var fixed = 1 + Self.score + 1 + Self.bar + 1 + 1 + Self.country + 1 + Self.age
            if showPolicy { fixed += Self.policy + 1 }
            if showStatus { fixed += 1 + Self.status }
            name = max(4, width - fixed - 1)
        }
    }

    static func draw(_ state: WorkbenchState, in rect: Rect, into grid: inout Grid) {
        let cols = Columns(width: rect.width, query: state.query)
        grid.fill(x: rect.x, y: rect.y, width: rect.width, height: 1, role: .columnHeader)
        grid.draw(titleLine(cols), x: rect.x, y: rect.y, width: rect.width)
        let listTop = rect.y + 1
        guard state.loaded else {
            grid.put("Loading…", x: rect.x + 1, y: listTop, maxWidth: rect.width - 1, role: .dim)
            return
        }
        guard !state.rows.isEmpty else {
            grid.put("No cases in this queue.", x: rect.x + 1, y: listTop, maxWidth: rect.width - 1, role: .dim)
            return
        }
        for (i, row) in state.rows.enumerated() where i < rect.height - 1 {
            let y = listTop + i
            // A case someone else holds (a live lease) names its holder at the end of the name.
            let holder = state.lease == nil ? nil : row.assignee.flatMap { $0 == state.analyst ? nil : $0 }
            grid.draw(line(row, cols, now: state.now, holder: holder), x: rect.x, y: y, width: rect.width)
            if i == state.selection {
                grid.put(selectionMarker, x: rect.x, y: y, maxWidth: 1)
                grid.highlight(x: rect.x, y: y, width: rect.width,
                               role: state.focus == .queue ? .selection : .selectionInactive)
            }
        }
    }

    static func titleLine(_ c: Columns) -> StyledLine {
        var t = " " + "score".padded(toWidth: Columns.score + 1 + Columns.bar) + " "
        if c.showPolicy { t += "policy".padded(toWidth: Columns.policy) + " " }
        t += "merchant".padded(toWidth: c.name) + " " + "cc" + " " + "age".padded(toWidth: Columns.age, alignment: .right)
        if c.showStatus { t += " " + "status" }
        return StyledLine(t, .columnHeader)
    }

    /// One case's line (its text is sanitised on the way into the grid).
    static func line(_ row: QueueRow, _ c: Columns, now: Timestamp, holder: String? = nil) -> StyledLine {
        let scoreRole = Format.scoreRole(row.score)
        var l = StyledLine()
        l.append(" ")
        l.append(Format.score(row.score), scoreRole)
        l.append(" ")
        l.append(Format.scoreBar(row.score), scoreRole)
        l.append(" ")
        if c.showPolicy { l.append(Sanitize.line(row.policy).padded(toWidth: Columns.policy) + " ", .dim) }
        let held = holder.map { "held by " + Sanitize.line($0) }?.truncated(toWidth: max(0, c.name / 2))
        if let held, !held.isEmpty {
            l.append(Sanitize.line(row.merchantName).padded(toWidth: c.name - held.displayWidth - 1) + " ")
            l.append(held + " ", .dim)
        } else {
            l.append(Sanitize.line(row.merchantName).padded(toWidth: c.name) + " ")
        }
        l.append(Sanitize.line(row.country ?? "").padded(toWidth: Columns.country) + " ", .dim)
        l.append(Format.age(since: row.flaggedAt, now: now).padded(toWidth: Columns.age, alignment: .right), .dim)
        if c.showStatus {
            l.append(" ")
            l.append(row.status.rawValue.padded(toWidth: Columns.status), row.status == .open ? .normal : .dim)
        }
        return l
    }
}
