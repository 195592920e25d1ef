import TriageCore

/// The dashboard screen: open and close it, scroll it, jump between its sections, load its
/// figures (``Effect/loadDashboard``) and take them in.
extension Workbench {
    static func dashboard(_ state: inout WorkbenchState, _ action: Action) -> [Effect] {
        if case .openDashboard = action {
            state.dashboard = state.dashboard ?? DashboardScreen()
            state.helpVisible = false
            return [.loadDashboard]
        }
        guard var screen = state.dashboard else { return [] } // closed meanwhile: drop late results
        switch action {
        case .closeDashboard:
            state.dashboard = nil
            return []
        case .reloadDashboard:
            return [.loadDashboard]
        case .dashboardLoaded(var data):
            // A reload's label quality follows: until then the screen keeps the last one.
            if data.labelQualityPending, let old = screen.data { data.keepLabelQuality(of: old) }
            screen.data = data
            state.dashboard = screen
            // The new figures may be shorter: keep the last screenful within them.
            screen.scroll = min(screen.scroll, lastScroll(state, DashboardView.content(state)))
            state.dashboard = screen
            return []
        case .labelQualityLoaded(let quality):
            guard var data = screen.data else { return [] }
            data.apply(quality)
            screen.data = data
            state.dashboard = screen
            screen.scroll = min(screen.scroll, lastScroll(state, DashboardView.content(state)))
            state.dashboard = screen
            return []
        default:
            break
        }
        let content = DashboardView.content(state)
        let last = lastScroll(state, content)
        let page = max(1, DashboardView.bodyHeight(state.size) - 1)
        switch action {
        case .dashboardScroll(let n): scroll(&screen, to: screen.scroll + n, last: last, content)
        case .dashboardPage(let n): scroll(&screen, to: screen.scroll + n * page, last: last, content)
        case .dashboardTop: scroll(&screen, to: 0, last: last, content)
        case .dashboardBottom: scroll(&screen, to: last, last: last, content)
        case .dashboardSection(let section):
            screen.section = section
            screen.scroll = min(content.start(of: section), last)
        case .dashboardNextSection(let step):
            let all = DashboardSection.allCases
            let next = all[((screen.section.rawValue + step) % all.count + all.count) % all.count]
            screen.section = next
            screen.scroll = min(content.start(of: next), last)
        default:
            break
        }
        state.dashboard = screen
        return []
    }

    /// The largest useful scroll: the content's last line at the bottom of the screen.
    private static func lastScroll(_ state: WorkbenchState, _ content: DashboardView.Content) -> Int {
        max(0, content.lines.count - DashboardView.bodyHeight(state.size))
    }

    /// Scrolls to `line` (within 0…`last`); the tab line then marks the section at the top.
    private static func scroll(_ screen: inout DashboardScreen, to line: Int, last: Int, _ content: DashboardView.Content) {
        screen.scroll = min(max(0, line), last)
        screen.section = content.section(at: screen.scroll)
    }
}
