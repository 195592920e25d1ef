import TriageCore
import TriageStore
import Testing
@testable import TriageUI

/// The `/` search, `:` jump and `f` filter prompts, `o` sort and `p` policy, on plain values.
@Suite struct QueryUpdateTests {
    func state() -> WorkbenchState {
        var s = Fixtures.state(width: 80, height: 24)
        s.taxonomy = Taxonomy.standard
        return s
    }

    /// Types `text` key by key through the keymap (as the runtime does).
    func type(_ s: inout WorkbenchState, _ text: String) -> [Effect] {
        var effects: [Effect] = []
        for c in text {
            if let a = Workbench.action(for: .char(c), in: s) { effects += Workbench.update(&s, a) }
        }
        return effects
    }

    func key(_ s: inout WorkbenchState, _ k: Key) -> [Effect] {
        guard let a = Workbench.action(for: k, in: s) else { return [] }
        return Workbench.update(&s, a)
    }

    /// The effects that start `query` from its top.
    func restart(_ s: WorkbenchState, _ query: QueueQuery) -> [Effect] {
        [.loadCount(query), .loadPage(PageRequest(query: query, anchor: .top, windowSize: 8, select: .index(0),
                                                  generation: s.generation, rowsAbove: 0))]
    }

    @Test func searchPromptTypesUTF8BackspacesAndApplies() {
        var s = state()
        #expect(key(&s, .char("/")).isEmpty)
        #expect(s.prompt == Prompt(.search))
        #expect(type(&s, "créme j").isEmpty) // j and other bound keys are text here
        #expect(s.prompt?.text == "créme j")
        _ = key(&s, .backspace)
        _ = key(&s, .backspace)
        _ = key(&s, .backspace)
        _ = type(&s, "e 東")
        #expect(s.prompt?.text == "créme 東")
        #expect(s.rows == Fixtures.rows) // nothing changes until Enter
        let effects = key(&s, .enter)
        #expect(s.prompt == nil)
        #expect(s.query.search == "créme 東")
        #expect(s.queueCount == nil)
        #expect(effects == restart(s, s.query))
        let header = Workbench.render(s).rowText(0)
        #expect(header.contains("search \"créme 東\""))
    }

    @Test func searchPromptShowsAtTheBottom() {
        var s = state()
        _ = key(&s, .char("/"))
        _ = type(&s, "lucky")
        let bottom = Workbench.render(s).rowText(23)
        #expect(bottom.contains("/lucky"))
        #expect(bottom.contains("Esc cancel"))
    }

    @Test func escCancelsAndEmptyEnterClearsTheSearch() {
        var s = state()
        s.query.search = "lucky"
        _ = key(&s, .char("/"))
        #expect(s.prompt?.text == "") // the header shows the search in force
        _ = type(&s, "x")
        #expect(key(&s, .escape).isEmpty)
        #expect(s.prompt == nil && s.query.search == "lucky")
        _ = key(&s, .char("/"))
        _ = key(&s, .backspace) // nothing to delete
        let effects = key(&s, .enter)
        #expect(s.query.search == nil)
        #expect(effects == restart(s, s.query))
        #expect(s.status?.text == "search cleared")
    }

    @Test func jumpToACaseInTheWindowSelectsIt() {
        var s = state()
        _ = key(&s, .char(":"))
        #expect(s.prompt == Prompt(.jump))
        _ = type(&s, Fixtures.rows[2].caseID)
        let effects = key(&s, .enter)
        #expect(s.selection == 2)
        #expect(effects == [.loadDetail(caseID: Fixtures.rows[2].caseID)])
    }

    @Test func jumpOutsideTheWindowAsksTheStoreThenLoadsItsWindow() {
        var s = state()
        _ = key(&s, .char(":"))
        _ = type(&s, "c_999")
        #expect(key(&s, .enter) == [.locateCase(caseID: "c_999", s.query)])
        // Unknown.
        _ = Workbench.update(&s, .caseLocated(caseID: "c_999", s.query, row: nil, exists: false))
        #expect(s.status == .error("no case c_999"))
        // Filtered out.
        _ = Workbench.update(&s, .caseLocated(caseID: "c_999", s.query, row: nil, exists: true))
        #expect(s.status?.text.contains("not in this queue") == true)
        // In the queue, beyond the window: the window at its cursor, it selected.
        let row = Fixtures.row(999, "Far Away", score: 0.1)
        s.selection = 3
        let generation = s.generation
        let effects = Workbench.update(&s, .caseLocated(caseID: row.caseID, s.query, row: row, exists: true))
        #expect(effects == [.loadPage(PageRequest(query: s.query, anchor: .at(row.cursor(for: .score), row: 3),
                                                  windowSize: 8, select: .caseID(row.caseID, fallback: 3),
                                                  generation: generation + 1, rowsAbove: nil))])
        // A result for another query is stale.
        var other = s.query
        other.sort = .age
        #expect(Workbench.update(&s, .caseLocated(caseID: row.caseID, other, row: row, exists: true)).isEmpty)
    }

    @Test func emptyJumpDoesNothing() {
        var s = state()
        _ = key(&s, .char(":"))
        #expect(key(&s, .enter).isEmpty)
        #expect(s.prompt == nil)
    }

    @Test func sortCyclesScoreAgeUncertainty() {
        var s = state()
        #expect(key(&s, .char("o")) == restart(s, s.query))
        #expect(s.query.sort == .age)
        #expect(Workbench.render(s).rowText(0).contains("by age"))
        _ = key(&s, .char("o"))
        #expect(s.query.sort == .uncertainty)
        _ = key(&s, .char("o"))
        #expect(s.query.sort == .score)
    }

    @Test func policyCyclesAllThenEachPolicy() {
        var s = state()
        let keys = Taxonomy.standard.policies.map(\.key)
        var seen: [String?] = []
        for _ in 0...keys.count {
            _ = key(&s, .char("p"))
            seen.append(s.query.policy)
        }
        #expect(seen == keys.map { Optional($0) } + [nil])
        s.taxonomy = nil
        #expect(key(&s, .char("p")).isEmpty)
        #expect(s.status?.kind == .error)
    }

    @Test func filterPromptParsesAppliesAndReportsErrors() {
        var s = state()
        _ = key(&s, .char("f"))
        #expect(s.prompt == Prompt(.filter, text: ""))
        _ = type(&s, "country=ca score>=0.8 score<=0.95 status=all policy=gambling")
        let effects = key(&s, .enter)
        #expect(s.query == QueueQuery(policy: "gambling", status: nil, country: "CA", minScore: 0.8, maxScore: 0.95))
        #expect(effects == restart(s, s.query))
        let header = Workbench.render(s).rowText(0)
        #expect(header.contains("country CA") && header.contains("gambling"))
        #expect(QueueFilterText.text(of: s.query) == "policy=gambling status=all country=CA score>=0.8 score<=0.95")
        _ = key(&s, .char("f"))
        #expect(s.prompt?.text == "")
        _ = key(&s, .escape)
        #expect(s.query.policy == "gambling") // Esc keeps the filters
        // Bad input: a clear message, nothing changes.
        let before = s.query
        for bad in ["colour=red", "model=xgb", "model=@1", "model=xgb@", "score>=high", "score>=2", "status=closed", "policy=nope", "country=Canada",
                    "score>=0.9 score<=0.1"] {
            _ = key(&s, .char("f"))
            _ = key(&s, .ctrl("u"))
            _ = type(&s, bad)
            #expect(key(&s, .enter).isEmpty)
            #expect(s.status?.kind == .error, "\(bad)")
            #expect(s.query == before)
        }
        _ = key(&s, .char("f"))
        _ = type(&s, "model=supportability-xgb@2026-11-01 status=decided")
        _ = key(&s, .enter)
        #expect(s.query == QueueQuery(status: .decided, modelVersion: "supportability-xgb@2026-11-01"))
        #expect(Workbench.render(s).rowText(0).contains("model supportability-xgb@"))
        // Empty clears every filter, keeping sort and search.
        s.query.sort = .age
        s.query.search = "x"
        _ = key(&s, .char("f"))
        _ = key(&s, .ctrl("u"))
        _ = key(&s, .enter)
        #expect(s.query == QueueQuery(sort: .age, search: "x"))
        #expect(s.status?.text == "filters cleared")
    }

    @Test func keymapListsTheNewKeys() {
        let k = Keymap.standard
        #expect(k.action(for: .char("o")).map { if case .cycleSort = $0 { true } else { false } } == true)
        #expect(k.action(for: .char("p")).map { if case .cyclePolicy = $0 { true } else { false } } == true)
        for c: Character in ["/", ":", "f"] {
            #expect(k.action(for: .char(c)).map { if case .openPrompt = $0 { true } else { false } } == true)
        }
    }
}
