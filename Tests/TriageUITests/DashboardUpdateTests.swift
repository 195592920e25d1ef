import Testing
import TriageCore
import TriageStore
@testable import TriageUI

/// The dashboard screen in `Workbench.update`: opening, loading, closing, scrolling, sections.
@Suite struct DashboardUpdateTests {
    func state(height: Int = 24) -> WorkbenchState { Fixtures.state(width: 80, height: height) }

    /// Presses `key` the way the runtime does (through ``Workbench/action(for:in:)``).
    @discardableResult
    func press(_ s: inout WorkbenchState, _ key: Key) -> [Effect] {
        guard let action = Workbench.action(for: key, in: s) else { return [] }
        return Workbench.update(&s, action)
    }

    @Test func dOpensTheDashboardAndLoadsIt() {
        var s = state()
        #expect(press(&s, .char("D")) == [.loadDashboard])
        #expect(s.dashboard == DashboardScreen())
        _ = Workbench.update(&s, .dashboardLoaded(DashboardFixtures.dashboard))
        #expect(s.dashboard?.data == DashboardFixtures.dashboard)
        #expect(Workbench.render(s).rowText(2).hasPrefix(" Queue"))
    }

    @Test func escDAndQCloseItWithoutQuitting() {
        for key in [Key.escape, .char("D"), .char("q")] {
            var s = state()
            press(&s, .char("D"))
            #expect(press(&s, key) == [], "\(key)")
            #expect(s.dashboard == nil && !s.quitRequested, "\(key)")
            // Back on the queue, q quits as before.
            #expect(press(&s, .char("q")) == [.quit])
        }
    }

    @Test func queueKeysDoNothingToTheQueueWhileItIsOpen() {
        var s = state()
        press(&s, .char("D"))
        _ = Workbench.update(&s, .dashboardLoaded(DashboardFixtures.dashboard))
        #expect(press(&s, .char("j")) == [])
        #expect(s.selection == 0 && s.dashboard?.scroll == 1)
        #expect(press(&s, .char("v")) == []) // no labelling from the dashboard
        #expect(s.labelFlow == nil)
    }

    @Test func scrollingStaysWithinTheContent() {
        var s = state()
        press(&s, .char("D"))
        _ = Workbench.update(&s, .dashboardLoaded(DashboardFixtures.dashboard))
        let total = DashboardView.content(s).lines.count, body = DashboardView.bodyHeight(s.size)
        press(&s, .char("k"))
        #expect(s.dashboard?.scroll == 0)
        press(&s, .char(" "))
        #expect(s.dashboard?.scroll == body - 1)
        press(&s, .char("b"))
        #expect(s.dashboard?.scroll == 0)
        press(&s, .char("G"))
        #expect(s.dashboard?.scroll == total - body)
        press(&s, .down)
        #expect(s.dashboard?.scroll == total - body)
        press(&s, .char("g"))
        #expect(s.dashboard?.scroll == 0)
    }

    @Test func tabAndDigitsJumpBetweenSections() {
        var s = state(height: 16)
        press(&s, .char("D"))
        _ = Workbench.update(&s, .dashboardLoaded(DashboardFixtures.dashboard))
        let content = DashboardView.content(s)
        press(&s, .tab)
        #expect(s.dashboard?.section == .people && s.dashboard?.scroll == content.start(of: .people))
        #expect(Workbench.render(s).rowText(2).hasPrefix(" People"))
        press(&s, .char("3"))
        #expect(s.dashboard?.section == .labels && s.dashboard?.scroll == content.start(of: .labels))
        press(&s, .char("4"))
        #expect(s.dashboard?.section == .models)
        press(&s, .tab) // wraps around
        #expect(s.dashboard?.section == .queue && s.dashboard?.scroll == 0)
        press(&s, .backTab)
        #expect(s.dashboard?.section == .models)
        press(&s, .char("1"))
        #expect(s.dashboard?.scroll == 0)
    }

    @Test func rReloadsAndANewDataVersionReloadsToo() {
        var s = state()
        s.dataVersion = 5
        press(&s, .char("D"))
        #expect(press(&s, .char("r")) == [.loadDashboard])
        let effects = Workbench.update(&s, .dataVersionRead(6))
        #expect(effects.last == .loadDashboard)
        #expect(Workbench.update(&s, .dataVersionRead(6)) == [])
        _ = press(&s, .escape)
        #expect(!Workbench.update(&s, .dataVersionRead(7)).contains(.loadDashboard))
    }

    @Test func helpOverTheDashboardShowsItsKeysAndEscClosesOnlyTheHelp() {
        var s = state()
        press(&s, .char("D"))
        press(&s, .char("?"))
        #expect(s.helpVisible)
        let text = Workbench.render(s).renderText()
        #expect(text.contains("Close the dashboard"))
        press(&s, .escape)
        #expect(!s.helpVisible && s.dashboard != nil)
    }

    @Test func lateResultsAfterClosingAreDropped() {
        var s = state()
        press(&s, .char("D"))
        press(&s, .escape)
        #expect(Workbench.update(&s, .dashboardLoaded(DashboardFixtures.dashboard)) == [])
        #expect(s.dashboard == nil)
    }

    @Test func keymapListsTheDashboard() {
        let binding = Keymap.standard.bindings.first { $0.keys == [.char("D")] }
        #expect(binding?.help == "Dashboard: queue health, people, labels, model quality")
    }
}
