import TriageCore
import TriageStore
import Testing
@testable import TriageUI

/// `Workbench.update` for each action, on plain values (80×24: a window of 8 queue rows).
@Suite struct UpdateTests {
    static let window = WorkbenchLayout(size: TerminalSize(width: 80, height: 24)).queueRows

    /// A full window of 8 rows with more below, its detail loaded for the selection.
    func fullWindow(selection: Int = 0, trail: [QueueCursor] = [], more: Bool = true) -> WorkbenchState {
        let rows = (0..<Int64(Self.window)).map { Fixtures.row(200 + $0, "Merchant \($0)", score: 0.9 - Double($0) / 100) }
        var s = Fixtures.state(width: 80, height: 24, rows: rows, selection: selection,
                               detail: Fixtures.detail(for: rows[selection]), hasMoreBelow: more)
        s.trail = trail
        return s
    }

    func cursors(_ rows: ArraySlice<QueueRow>) -> [QueueCursor] { rows.map { $0.cursor(for: .score) } }

    @Test func windowAt80x24IsEightRows() { #expect(Self.window == 8) }

    @Test func moveDownWithinTheWindowSelectsTheNextCaseAndLoadsIt() {
        var s = fullWindow()
        #expect(Workbench.update(&s, .moveDown) == [.loadDetail(caseID: "c_201")])
        #expect(s.selection == 1)
    }

    @Test func moveDownPastTheWindowScrollsOneRow() {
        var s = fullWindow(selection: 7)
        let effects = Workbench.update(&s, .moveDown)
        let expected = PageRequest(query: s.query, trail: cursors(s.rows.prefix(1)), limit: 9,
                                   select: .index(7), generation: s.generation)
        #expect(effects == [.loadPage(expected)])
        #expect(s.selection == 7) // unchanged until the page arrives
    }

    @Test func moveDownAtTheEndOfTheQueueStays() {
        var s = fullWindow(selection: 7, more: false)
        #expect(Workbench.update(&s, .moveDown) == [])
        #expect(s.selection == 7)
    }

    @Test func moveUpWithinTheWindow() {
        var s = fullWindow(selection: 3)
        #expect(Workbench.update(&s, .moveUp) == [.loadDetail(caseID: "c_202")])
        #expect(s.selection == 2)
    }

    @Test func moveUpAtTheWindowTopDropsOneCursorFromTheTrail() {
        let trail = [QueueCursor(key: 0.99, rowID: 1), QueueCursor(key: 0.98, rowID: 2)]
        var s = fullWindow(selection: 0, trail: trail)
        let effects = Workbench.update(&s, .moveUp)
        #expect(effects == [.loadPage(PageRequest(query: s.query, trail: [trail[0]], limit: 9, select: .index(0),
                                                  generation: s.generation))])
    }

    @Test func moveUpAtTheTopOfTheQueueStays() {
        var s = fullWindow(selection: 0)
        #expect(Workbench.update(&s, .moveUp) == [])
        #expect(s.selection == 0)
    }

    @Test func pageDownAppendsTheWholeWindowToTheTrail() {
        var s = fullWindow(selection: 2)
        let effects = Workbench.update(&s, .pageDown)
        #expect(effects == [.loadPage(PageRequest(query: s.query, trail: cursors(s.rows[...]), limit: 9,
                                                  select: .index(2), generation: s.generation))])
    }

    @Test func pageDownOnTheLastWindowSelectsTheLastRow() {
        var s = fullWindow(selection: 2, more: false)
        #expect(Workbench.update(&s, .pageDown) == [.loadDetail(caseID: "c_207")])
        #expect(s.selection == 7)
    }

    @Test func pageUpDropsAWindowOfCursors() {
        let trail = (0..<10).map { QueueCursor(key: 1 - Double($0) / 100, rowID: Int64($0)) }
        var s = fullWindow(selection: 4, trail: trail)
        let effects = Workbench.update(&s, .pageUp)
        #expect(effects == [.loadPage(PageRequest(query: s.query, trail: Array(trail.prefix(2)), limit: 9,
                                                  select: .index(4), generation: s.generation))])
    }

    @Test func pageUpOnTheFirstWindowSelectsTheFirstRow() {
        var s = fullWindow(selection: 4)
        #expect(Workbench.update(&s, .pageUp) == [.loadDetail(caseID: "c_200")])
        #expect(s.selection == 0)
    }

    @Test func topReloadsFromTheStartOnlyWhenNeeded() {
        var s = fullWindow(selection: 5)
        #expect(Workbench.update(&s, .top) == [.loadDetail(caseID: "c_200")])
        var t = fullWindow(selection: 5, trail: [QueueCursor(key: 0.99, rowID: 1)])
        #expect(Workbench.update(&t, .top) == [.loadPage(PageRequest(query: t.query, trail: [], limit: 9,
                                                                       select: .index(0), generation: t.generation))])
    }

    @Test func bottomAsksForTheLastWindowOrSelectsTheLastRow() {
        var s = fullWindow(selection: 1)
        let effects = Workbench.update(&s, .bottom)
        #expect(effects == [.loadLastPage(EndRequest(query: s.query, trail: [], rows: s.rows, windowSize: 8,
                                                     generation: s.generation))])
        var t = fullWindow(selection: 1, more: false)
        #expect(Workbench.update(&t, .bottom) == [.loadDetail(caseID: "c_207")])
        #expect(t.selection == 7)
    }

    @Test func aLoadedPageReplacesTheWindow() {
        var s = fullWindow(selection: 7)
        guard case .loadPage(let request) = Workbench.update(&s, .moveDown).first else {
            Issue.record("no page requested")
            return
        }
        let next = Array(s.rows.dropFirst()) + [Fixtures.row(208, "Merchant 8", score: 0.82),
                                                Fixtures.row(209, "Merchant 9", score: 0.81)]
        let effects = Workbench.update(&s, .pageLoaded(request, next))
        #expect(s.rows.map(\.caseID) == (201...208).map { "c_\($0)" })
        #expect(s.hasMoreBelow)
        #expect(s.selection == 7 && s.selectedRow?.caseID == "c_208")
        #expect(s.trail.count == 1 && s.position == 9)
        #expect(effects == [.loadDetail(caseID: "c_208")])
    }

    @Test func aStalePageIsIgnored() {
        var s = fullWindow(selection: 7)
        guard case .loadPage(let old) = Workbench.update(&s, .moveDown).first else { return }
        _ = Workbench.update(&s, .pageDown) // a newer request
        #expect(Workbench.update(&s, .pageLoaded(old, [Fixtures.row(1, "x", score: 0.5)])) == [])
        #expect(s.rows.count == 8)
    }

    @Test func inTheDetailPaneMovementScrolls() {
        var s = Fixtures.state(width: 80, height: 24)
        #expect(Workbench.update(&s, .focusDetail) == [])
        #expect(s.focus == .detail)
        #expect(Workbench.update(&s, .moveDown) == [])
        #expect(s.detailScroll == 1 && s.selection == 0)
        _ = Workbench.update(&s, .pageDown)
        #expect(s.detailScroll == 1 + s.layout.detail.height - 1)
        _ = Workbench.update(&s, .bottom)
        let total = DetailView.lines(for: Fixtures.luckyStar, width: s.layout.detailTextWidth, now: Fixtures.now).count
        #expect(s.detailScroll == total - s.layout.detail.height)
        _ = Workbench.update(&s, .moveDown) // no scrolling past the end
        #expect(s.detailScroll == total - s.layout.detail.height)
        _ = Workbench.update(&s, .top)
        #expect(s.detailScroll == 0)
        _ = Workbench.update(&s, .moveUp)
        #expect(s.detailScroll == 0)
        _ = Workbench.update(&s, .focusQueue)
        #expect(s.focus == .queue)
    }

    @Test func scrollDetailWorksFromTheQueueAndResetsOnAnotherCase() {
        var s = Fixtures.state(width: 80, height: 24)
        _ = Workbench.update(&s, .scrollDetail(3))
        #expect(s.detailScroll == 3 && s.focus == .queue)
        _ = Workbench.update(&s, .scrollDetail(-10))
        #expect(s.detailScroll == 0)
        _ = Workbench.update(&s, .scrollDetail(2))
        _ = Workbench.update(&s, .moveDown)
        #expect(s.detailScroll == 0)
    }

    @Test func toggleFocusNeedsASelectedCase() {
        var s = Fixtures.state(width: 80, height: 24)
        _ = Workbench.update(&s, .toggleFocus)
        #expect(s.focus == .detail)
        _ = Workbench.update(&s, .toggleFocus)
        #expect(s.focus == .queue)
        var empty = Fixtures.state(width: 80, height: 24, rows: [], detail: nil)
        _ = Workbench.update(&empty, .toggleFocus)
        #expect(empty.focus == .queue)
    }

    @Test func helpOverlayTakesKeysUntilClosed() {
        var s = Fixtures.state(width: 80, height: 24)
        _ = Workbench.update(&s, .toggleHelp)
        #expect(s.helpVisible)
        #expect(Workbench.update(&s, .moveDown) == [])
        #expect(s.selection == 0 && s.helpVisible)
        #expect(Workbench.update(&s, .quit) == []) // q closes the help first
        #expect(!s.helpVisible && !s.quitRequested)
        _ = Workbench.update(&s, .toggleHelp)
        _ = Workbench.update(&s, .focusQueue) // Esc
        #expect(!s.helpVisible)
    }

    @Test func quitAsksToLeave() {
        var s = Fixtures.state(width: 80, height: 24)
        #expect(Workbench.update(&s, .quit) == [.quit])
        #expect(s.quitRequested)
    }

    @Test func aKeyClearsTheStatusMessage() {
        var s = Fixtures.state(width: 80, height: 24)
        _ = Workbench.update(&s, .showMessage(.error("boom")))
        #expect(s.status == .error("boom"))
        _ = Workbench.update(&s, .moveDown)
        #expect(s.status == nil)
    }

    @Test func resizingToAnotherWindowHeightReloadsKeepingTheSelectedCase() {
        var s = fullWindow(selection: 6)
        let effects = Workbench.update(&s, .resize(width: 120, height: 40)) // 37 rows
        #expect(effects == [.loadPage(PageRequest(query: s.query, trail: [], limit: 38,
                                                  select: .caseID("c_206", fallback: 6), generation: s.generation))])
        var t = fullWindow(selection: 6)
        let shrink = Workbench.update(&t, .resize(width: 80, height: 16)) // 5 rows: c_206 must scroll up
        #expect(shrink == [.loadPage(PageRequest(query: t.query, trail: cursors(t.rows.prefix(2)), limit: 6,
                                                 select: .index(4), generation: t.generation))])
    }

    @Test func resizingTooSmallAndBack() {
        var s = fullWindow(selection: 2)
        #expect(Workbench.update(&s, .resize(width: 40, height: 10)) == [])
        #expect(s.layout.arrangement == .tooSmall)
        #expect(Workbench.update(&s, .resize(width: 80, height: 24)) != [])
    }

    @Test func startLoadsCountsAndTheFirstWindow() {
        var s = WorkbenchState(databaseName: "db", analyst: "a", query: QueueQuery(),
                               size: TerminalSize(width: 80, height: 24), now: Fixtures.now)
        #expect(Workbench.start(&s) == [.loadStats, .loadPage(PageRequest(query: QueueQuery(), trail: [], limit: 9,
                                                                           select: .index(0), generation: 1))])
    }

    @Test func aVanishedCaseIsReported() {
        var s = Fixtures.state(width: 80, height: 24)
        _ = Workbench.update(&s, .detailLoaded(caseID: "c_101", nil))
        #expect(s.status?.kind == .error)
        #expect(s.selectedDetail == nil)
    }

    @Test func keymapResolvesKeys() {
        let k = Keymap.standard
        func name(_ key: Key) -> String { k.action(for: key).map { "\($0)" } ?? "none" }
        #expect(name(.char("j")) == "moveDown" && name(.down) == "moveDown")
        #expect(name(.char("k")) == "moveUp" && name(.up) == "moveUp")
        #expect(name(.pageDown) == "pageDown" && name(.ctrl("f")) == "pageDown" && name(.char(" ")) == "pageDown")
        #expect(name(.pageUp) == "pageUp" && name(.ctrl("b")) == "pageUp")
        #expect(name(.char("g")) == "top" && name(.home) == "top")
        #expect(name(.char("G")) == "bottom" && name(.end) == "bottom")
        #expect(name(.enter) == "focusDetail" && name(.escape) == "focusQueue" && name(.tab) == "toggleFocus")
        #expect(name(.char("?")) == "toggleHelp" && name(.char("q")) == "quit" && name(.char("r")) == "refresh")
        #expect(name(.char("x")) == "none")
        var seen = Set<Key>()
        for b in k.bindings { for key in b.keys { #expect(seen.insert(key).inserted, "\(key) bound twice") } }
    }
}
