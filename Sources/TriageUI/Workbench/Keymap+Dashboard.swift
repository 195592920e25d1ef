extension Keymap {
    /// The keys while the dashboard is open (``WorkbenchState/dashboard``): scrolling, sections,
    /// reload, and `D`, `Esc` or `q` back to the queue (`q` does not quit from here).
    public static let dashboard = Keymap([
        KeyBinding([.char("?"), .function(1)], .toggleHelp, help: "Show or hide this help", section: .general, hint: "? help"),
        KeyBinding([.char("D"), .escape, .char("q")], .closeDashboard, help: "Close the dashboard: back to the queue",
                   section: .dashboard, hint: "D/Esc close"),
        KeyBinding([.char("j"), .down], .dashboardScroll(1), help: "Scroll down a line", section: .dashboard, hint: "j/k scroll"),
        KeyBinding([.char("k"), .up], .dashboardScroll(-1), help: "Scroll up a line", section: .dashboard),
        KeyBinding([.char(" "), .pageDown, .ctrl("f")], .dashboardPage(1), help: "Page down", section: .dashboard,
                   hint: "Space/b page"),
        KeyBinding([.char("b"), .pageUp, .ctrl("b")], .dashboardPage(-1), help: "Page up", section: .dashboard),
        KeyBinding([.char("g"), .home], .dashboardTop, help: "Top", section: .dashboard),
        KeyBinding([.char("G"), .end], .dashboardBottom, help: "End", section: .dashboard),
        KeyBinding([.tab], .dashboardNextSection(1), help: "Next section (Queue, People, Labels, Models)",
                   section: .dashboard, hint: "Tab/1-4 section"),
        KeyBinding([.backTab], .dashboardNextSection(-1), help: "Previous section", section: .dashboard),
        KeyBinding([.char("1")], .dashboardSection(.queue), help: "Queue: backlog, flow, SLA, oldest cases", section: .dashboard),
        KeyBinding([.char("2")], .dashboardSection(.people), help: "People: throughput, dwell, undo rate", section: .dashboard),
        KeyBinding([.char("3")], .dashboardSection(.labels), help: "Labels: agreement per labelling project", section: .dashboard),
        KeyBinding([.char("4")], .dashboardSection(.models), help: "Models: precision, recall, calibration", section: .dashboard),
        KeyBinding([.char("r"), .ctrl("l")], .reloadDashboard, help: "Reload the figures", section: .dashboard, hint: "r reload"),
        KeyBinding([.char("T")], .cycleTheme, help: "Next built-in colour theme (dark, light…)", section: .general),
    ])
}
