import TriageCore
import TriageStore
import Testing
@testable import TriageUI

/// `Workbench.update` for each action, on plain values (80×24: a window of 8 queue rows).
@Suite struct UpdateTests {
    static let window = WorkbenchLayout(size: TerminalSize(width: 80, height: 24)).queueRows

    /// A full window of 8 rows with more below, its detail loaded for the selection; `above`
    /// rows of the queue precede it.
    func fullWindow(selection: Int = 0, above: Int = 0, more: Bool = true) -> WorkbenchState {
        let rows = (0..<Int64(Self.window)).map { Fixtures.row(200 + $0, "Merchant \($0)", score: 0.9 - Double($0) / 100) }
        var s = Fixtures.state(width: 80, height: 24, rows: rows, selection: selection,
                               detail: Fixtures.detail(for: rows[selection]), hasMoreBelow: more)
        s.hasMoreAbove = above > 0
        s.offset = above
        return s
    }

    func cursor(_ s: WorkbenchState, _ i: Int) -> QueueCursor { s.rows[i].cursor(for: .score) }

    func request(_ s: WorkbenchState, _ anchor: PageAnchor, _ select: SelectionTarget, above: Int?) -> Effect {
        .loadPage(PageRequest(query: s.query, anchor: anchor, windowSize: 8, select: select, generation: s.generation,
                              rowsAbove: above))
    }

    @Test func windowAt80x24IsEightRows() { #expect(Self.window == 8) }

    @Test func moveDownWithinTheWindowSelectsTheNextCaseAndLoadsIt() {
        var s = fullWindow()
        #expect(Workbench.update(&s, .moveDown) == [.loadDetail(caseID: "c_201")])
        #expect(s.selection == 1)
    }

    @Test func moveDownPastTheWindowScrollsOneRow() {
        var s = fullWindow(selection: 7)
        let effects = Workbench.update(&s, .moveDown)
        #expect(effects == [request(s, .after(cursor(s, 0)), .index(7), above: 1)])
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

    @Test func moveUpAtTheWindowTopEndsTheWindowBeforeItsLastRow() {
        var s = fullWindow(selection: 0, above: 2)
        let effects = Workbench.update(&s, .moveUp)
        #expect(effects == [request(s, .before(cursor(s, 7)), .index(0), above: 1)])
    }

    @Test func moveUpAtTheTopOfTheQueueStays() {
        var s = fullWindow(selection: 0)
        #expect(Workbench.update(&s, .moveUp) == [])
        #expect(s.selection == 0)
    }

    @Test func pageDownStartsAfterTheWindow() {
        var s = fullWindow(selection: 2)
        let effects = Workbench.update(&s, .pageDown)
        #expect(effects == [request(s, .after(cursor(s, 7)), .index(2), above: 8)])
    }

    @Test func pageDownOnTheLastWindowSelectsTheLastRow() {
        var s = fullWindow(selection: 2, more: false)
        #expect(Workbench.update(&s, .pageDown) == [.loadDetail(caseID: "c_207")])
        #expect(s.selection == 7)
    }

    @Test func pageUpEndsBeforeTheWindow() {
        var s = fullWindow(selection: 4, above: 10)
        let effects = Workbench.update(&s, .pageUp)
        #expect(effects == [request(s, .before(cursor(s, 0)), .index(4), above: 2)])
    }

    @Test func pageUpOnTheFirstWindowSelectsTheFirstRow() {
        var s = fullWindow(selection: 4)
        #expect(Workbench.update(&s, .pageUp) == [.loadDetail(caseID: "c_200")])
        #expect(s.selection == 0)
    }

    @Test func topReloadsFromTheStartOnlyWhenNeeded() {
        var s = fullWindow(selection: 5)
        #expect(Workbench.update(&s, .top) == [.loadDetail(caseID: "c_200")])
        var t = fullWindow(selection: 5, above: 1)
        #expect(Workbench.update(&t, .top) == [request(t, .top, .index(0), above: 0)])
    }

    @Test func bottomAsksForTheLastWindowOrSelectsTheLastRow() {
        var s = fullWindow(selection: 1)
        let effects = Workbench.update(&s, .bottom)
        #expect(effects == [request(s, .end, .last, above: nil)])
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
        let next = Array(s.rows.dropFirst()) + [Fixtures.row(208, "Merchant 8", score: 0.82)]
        let effects = Workbench.update(&s, .pageLoaded(request, QueueWindow(rows: next, moreAbove: true, moreBelow: true)))
        #expect(s.rows.map(\.caseID) == (201...208).map { "c_\($0)" })
        #expect(s.hasMoreBelow && s.hasMoreAbove)
        #expect(s.selection == 7 && s.selectedRow?.caseID == "c_208")
        #expect(s.offset == 1 && s.position == 9)
        #expect(effects == [.loadDetail(caseID: "c_208")])
    }

    @Test func aStalePageIsIgnored() {
        var s = fullWindow(selection: 7)
        guard case .loadPage(let old) = Workbench.update(&s, .moveDown).first else { return }
        _ = Workbench.update(&s, .pageDown) // a newer request
        let stale = QueueWindow(rows: [Fixtures.row(1, "x", score: 0.5)], moreAbove: false, moreBelow: false)
        #expect(Workbench.update(&s, .pageLoaded(old, stale)) == [])
        #expect(s.rows.count == 8)
    }

    @Test func aShortWindowAfterACursorIsTakenFromTheEndInstead() {
        var s = fullWindow(selection: 7, above: 40)
        guard case .loadPage(let asked) = Workbench.update(&s, .pageDown).first else { return }
        let tail = (0..<3).map { Fixtures.row(300 + Int64($0), "Tail \($0)", score: 0.1) }
        let effects = Workbench.update(&s, .pageLoaded(asked, QueueWindow(rows: tail, moreAbove: true, moreBelow: false)))
        // c_302 was to be selected (row 7, clamped); in the last window it is the last row.
        #expect(effects == [request(s, .end, .caseID("c_302", fallback: 7), above: nil)])
        #expect(s.rows.first?.caseID == "c_200") // the old window stays until the new one arrives
    }

    @Test func aShortWindowBeforeACursorIsTakenFromTheTopInstead() {
        var s = fullWindow(selection: 3, above: 2)
        guard case .loadPage(let asked) = Workbench.update(&s, .pageUp).first else { return }
        let head = (0..<2).map { Fixtures.row(100 + Int64($0), "Head \($0)", score: 0.99) }
        let effects = Workbench.update(&s, .pageLoaded(asked, QueueWindow(rows: head, moreAbove: false, moreBelow: true)))
        #expect(effects == [request(s, .top, .index(3), above: 0)])
    }

    @Test func theLastWindowTakesItsPositionFromTheCount() {
        var s = fullWindow(selection: 5, more: false)
        s.hasMoreAbove = true
        s.offset = nil
        #expect(s.rowsAbove == Fixtures.queueCount - 8 && s.position == Fixtures.queueCount - 2)
        s.queueCount = nil
        #expect(s.position == nil)
        #expect(!Workbench.render(s).rowText(23).contains(" of ")) // no position shown while unknown
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
        #expect(effects == [.loadPage(PageRequest(query: s.query, anchor: .at(cursor(s, 6), row: 6), windowSize: 37,
                                                  select: .caseID("c_206", fallback: 6), generation: s.generation,
                                                  rowsAbove: 0))])
        var t = fullWindow(selection: 6)
        let shrink = Workbench.update(&t, .resize(width: 80, height: 16)) // 5 rows: c_206 must scroll up
        #expect(shrink == [.loadPage(PageRequest(query: t.query, anchor: .after(cursor(t, 1)), windowSize: 5,
                                                 select: .index(4), generation: t.generation, rowsAbove: 2))])
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
        #expect(Workbench.start(&s) == [
            .checkDataVersion, .loadTaxonomy, .loadCount(QueueQuery()),
            .loadPage(PageRequest(query: QueueQuery(), anchor: .top, windowSize: 8, select: .index(0), generation: 1,
                                  rowsAbove: 0)),
        ])
    }

    @Test func aTickChecksTheDataVersionAndAChangeReloadsInPlace() {
        var s = fullWindow(selection: 3, above: 12)
        s.dataVersion = nil
        let later = Timestamp(milliseconds: Fixtures.now.milliseconds + 1000)
        #expect(Workbench.update(&s, .tick(later)) == [.checkDataVersion])
        #expect(s.now == later)
        #expect(Workbench.update(&s, .dataVersionRead(7)) == []) // the first read only sets the mark
        #expect(Workbench.update(&s, .dataVersionRead(7)) == [])
        let effects = Workbench.update(&s, .dataVersionRead(8))
        #expect(effects == [
            .loadCount(s.query),
            request(s, .at(cursor(s, 3), row: 3), .caseID("c_203", fallback: 3), above: 12),
            .loadDetail(caseID: "c_203"),
        ])
        #expect(s.dataVersion == 8)
    }

    @Test func anUnreachableDatabaseSaysOfflineUntilItAnswersAgain() {
        var s = fullWindow(selection: 3, above: 12)
        #expect(Workbench.update(&s, .dataVersionRead(7)) == [])
        #expect(Workbench.update(&s, .databaseUnreachable("cannot reach PostgreSQL at db:5432")) == [])
        #expect(s.status?.kind == .error)
        #expect(s.status?.text.hasPrefix("offline, retrying; nothing is saved until it says saved: cannot reach PostgreSQL at db:5432") == true)
        // Further ticks keep checking; the message stays while the server is away.
        #expect(Workbench.update(&s, .tick(Timestamp(milliseconds: Fixtures.now.milliseconds + 1000))) == [.checkDataVersion])
        #expect(s.status?.kind == .error)
        // Back: the store moved its version on (anything may have changed), so the screen reloads.
        let effects = Workbench.update(&s, .dataVersionRead(7 + (1 << 40)))
        #expect(s.status == .backOnline)
        #expect(!s.databaseUnreachable)
        #expect(effects.contains(.loadDetail(caseID: "c_203")))
        // A later read does not repeat it.
        s.status = nil
        _ = Workbench.update(&s, .dataVersionRead(8 + (1 << 40)))
        #expect(s.status == nil)
    }

    @Test func refreshReloadsInPlaceToo() {
        var s = fullWindow(selection: 3, above: 12)
        #expect(Workbench.update(&s, .refresh) == [
            .loadCount(s.query),
            request(s, .at(cursor(s, 3), row: 3), .caseID("c_203", fallback: 3), above: 12),
            .loadDetail(caseID: "c_203"),
        ])
    }

    @Test func aCountForAnotherQueryIsIgnored() {
        var s = fullWindow()
        _ = Workbench.update(&s, .countLoaded(QueueQuery(policy: "weapons"), 3))
        #expect(s.queueCount == Fixtures.queueCount)
        _ = Workbench.update(&s, .countLoaded(s.query, 41))
        #expect(s.queueCount == 41)
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
        #expect(name(.char("x")) == "cancelRationale" && name(.char("a")) == "askRationale" && name(.char("R")) == "rateRationale")
        #expect(name(.char("X")) == "none")
        var seen = Set<Key>()
        for b in k.bindings { for key in b.keys { #expect(seen.insert(key).inserted, "\(key) bound twice") } }
    }
}
