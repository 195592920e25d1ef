import TriageCore
import TriageStore

extension Workbench {
    /// Asking the LLM for a rationale (`a`), stopping it (`x`), its progress and end; rating a
    /// rationale (`R`).
    static func rationale(_ state: inout WorkbenchState, _ action: Action) -> [Effect] {
        switch action {
        case .askRationale:
            guard let summary = state.rationaleGenerator else {
                state.status = .error("no LLM endpoint is configured: set [llm] base_url and model in config.toml (see triage rationale --help)")
                return []
            }
            guard let detail = state.selectedDetail else {
                state.status = .info(state.selectedRow == nil ? "no case selected" : "the case is still loading")
                return []
            }
            if let running = state.rationaleRequest {
                state.status = .info("already asking for \(Sanitize.line(running.caseID)); x stops it")
                return []
            }
            state.rationaleRequest = RationaleRequest(caseID: detail.case.caseID, summary: summary)
            state.status = .info("asking \(Sanitize.line(summary)) for a rationale; keep working, x stops it")
            revealPending(&state)
            return [.generateRationale(caseID: detail.case.caseID)]
        case .cancelRationale:
            guard state.rationaleRequest != nil else { return [] }
            return [.cancelRationale]
        case .rationaleEvent(let caseID, let event):
            guard var r = state.rationaleRequest, r.caseID == caseID else { return [] }
            switch event {
            case .text(let piece):
                r.text += piece
                r.retrying = nil
            case .retrying(let attempt, let reason, let delay):
                r.text = ""
                r.retrying = "attempt \(attempt) failed (\(reason)), next in \(Int(delay.rounded(.up))) s"
            }
            state.rationaleRequest = r
            revealPending(&state)
            return []
        case .rationaleStored(let caseID, let rationale, let check):
            state.rationaleRequest = nil
            var message = "rationale #\(rationale.id ?? 0) stored for \(Sanitize.line(caseID))"
            if check.citesNothing { message += "; it cites no evidence" }
            if !check.invented.isEmpty {
                message += "; invented evidence ids: " + check.invented.map(Sanitize.line).joined(separator: ", ")
            }
            state.status = check.invented.isEmpty && !check.citesNothing ? .info(message) : .error(message)
            // Show it: reload the detail when that case is on screen.
            return state.selectedRow?.caseID == caseID ? [.loadDetail(caseID: caseID)] : []
        case .rationaleFailed(let caseID, let message):
            state.rationaleRequest = nil
            state.status = .error("no rationale for \(Sanitize.line(caseID)): \(Sanitize.line(message))")
            return []
        case .rateRationale:
            guard let detail = state.selectedDetail else { return [] }
            guard let id = detail.rationales.last?.id else {
                state.status = .info("this case has no rationale to rate" + (state.rationaleGenerator != nil ? " (a asks for one)" : ""))
                return []
            }
            state.rating = RationaleRating(rationaleID: id)
            return []
        case .ratingInput(let key):
            return ratingInput(&state, key)
        case .feedbackRecorded(let f):
            state.status = .info("rated rationale #\(f.rationaleID) \(f.helpful ? "helpful" : "not helpful")"
                                 + (f.tags.isEmpty ? "" : ": " + f.tags.map(\.title).joined(separator: ", ")))
            return []
        default:
            return []
        }
    }

    /// Scrolls the detail pane so the rationale being written is in view, following its newest
    /// lines as they arrive (like `tail -f`) when it is taller than the pane.
    static func revealPending(_ state: inout WorkbenchState) {
        let layout = state.layout
        guard let r = state.rationaleRequest, let detail = state.selectedDetail, detail.case.caseID == r.caseID,
              layout.arrangement != .tooSmall else { return }
        let width = layout.detailTextWidth
        let lines = detailLines(state, detail, width: width)
        guard let title = lines.firstIndex(where: { $0.text.hasPrefix(DetailView.pendingTitle) }) else { return }
        var block: [StyledLine] = []
        DetailView.pending(r, width: width, budget: DetailView.TextBudget(), into: &block)
        let last = title + DetailView.fit(block, width: width).count - 2 // less the leading blank
        let height = layout.detail.height
        var scroll = max(state.detailScroll, last - height + 1)
        if last - title < height { scroll = min(scroll, title) }
        state.detailScroll = min(max(0, scroll), max(0, lines.count - height))
    }

    static func ratingInput(_ state: inout WorkbenchState, _ key: Key) -> [Effect] {
        guard var rating = state.rating else { return [] }
        if key == .escape || key == .ctrl("c") {
            state.rating = nil
            state.status = .info("rating cancelled")
            return []
        }
        switch rating.stage {
        case .verdict:
            switch key {
            case .char("y"), .char("+"): rating.helpful = true
            case .char("n"), .char("-"): rating.helpful = false
            default: return []
            }
            rating.stage = .tags
            state.rating = rating
            return []
        case .tags:
            if key == .enter {
                state.rating = nil
                return [.recordFeedback(RationaleFeedback(rationaleID: rating.rationaleID, helpful: rating.helpful, tags: rating.tags,
                                                          analyst: state.analyst, osUser: state.osUser, createdAt: state.now))]
            }
            if case .char(let c) = key, let n = c.wholeNumberValue, (1...RationaleFeedbackTag.allCases.count).contains(n) {
                let tag = RationaleFeedbackTag.allCases[n - 1]
                if let i = rating.tags.firstIndex(of: tag) { rating.tags.remove(at: i) } else { rating.tags.append(tag) }
                state.rating = rating
            }
            return []
        }
    }
}
