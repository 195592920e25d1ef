import TriageCore
import TriageStore

/// Moving around and narrowing the queue: `/` search, `:` jump to a case, `o` sort, `p` policy,
/// `f` filters. The prompts are one line at the bottom of the screen (``Prompt``).
extension Workbench {
    /// Opens an empty prompt of `kind` (the header shows the search and filters in force; Enter
    /// on an empty search or filter prompt clears them, Esc keeps them).
    static func openPrompt(_ state: inout WorkbenchState, _ kind: Prompt.Kind) -> [Effect] {
        state.labelFlow = nil
        state.prompt = Prompt(kind)
        return []
    }

    /// A key while a prompt is open.
    static func promptInput(_ state: inout WorkbenchState, _ key: Key) -> [Effect] {
        guard var prompt = state.prompt else { return [] }
        switch key {
        case .escape:
            state.prompt = nil
            return []
        case .enter:
            state.prompt = nil
            return applyPrompt(&state, prompt)
        case .backspace, .ctrl("h"):
            if !prompt.text.isEmpty { prompt.text.removeLast() }
        case .ctrl("u"):
            prompt.text = ""
        case .char(let c):
            guard isPrintable(c) else { return [] }
            prompt.text.append(c)
        default:
            return []
        }
        state.prompt = prompt
        return []
    }

    /// What Enter on a prompt does.
    static func applyPrompt(_ state: inout WorkbenchState, _ prompt: Prompt) -> [Effect] {
        let text = prompt.text.trimmingCharacters(in: .whitespaces)
        switch prompt.kind {
        case .search:
            var q = state.query
            q.search = text.isEmpty ? nil : text
            state.status = .info(text.isEmpty ? "search cleared" : "search: " + Sanitize.line(text))
            return changeQuery(&state, q)
        case .jump:
            guard !text.isEmpty else { return [] }
            if let i = state.rows.firstIndex(where: { $0.caseID == text }) {
                state.focus = .queue
                return select(&state, i)
            }
            state.status = .info("looking for " + Sanitize.line(text) + "…")
            return [.locateCase(caseID: text, state.query)]
        case .filter:
            switch QueueFilterText.apply(text, to: state.query, policies: state.taxonomy?.policyKeys) {
            case .failure(let e):
                state.status = .error(Sanitize.line(e.message))
                return []
            case .success(let q):
                state.status = .info(text.isEmpty ? "filters cleared" : "filter: " + Sanitize.line(text))
                return changeQuery(&state, q)
            }
        }
    }

    /// `o`: the next sort order (score → age → uncertainty).
    static func cycleSort(_ state: inout WorkbenchState) -> [Effect] {
        let all = QueueSort.allCases
        var q = state.query
        q.sort = all[((all.firstIndex(of: q.sort) ?? 0) + 1) % all.count]
        state.status = .info("sorted by " + q.sort.rawValue)
        return changeQuery(&state, q)
    }

    /// `p`: the next policy filter (all → each policy of the taxonomy → all).
    static func cyclePolicy(_ state: inout WorkbenchState) -> [Effect] {
        guard let keys = state.taxonomy?.policies.map(\.key), !keys.isEmpty else {
            state.status = .error("the taxonomy is not loaded: no policies to cycle")
            return []
        }
        var q = state.query
        if let p = q.policy, let i = keys.firstIndex(of: p) {
            q.policy = i + 1 < keys.count ? keys[i + 1] : nil
        } else {
            q.policy = q.policy == nil ? keys[0] : nil
        }
        state.status = .info("policy: " + (q.policy.map(Sanitize.line) ?? "all"))
        return changeQuery(&state, q)
    }

    /// Works `query` from its top: the count and the first window again.
    static func changeQuery(_ state: inout WorkbenchState, _ query: QueueQuery) -> [Effect] {
        guard query != state.query else { return [] }
        state.query = query
        state.queueCount = nil
        state.focus = .queue
        return [.loadCount(query)] + reload(&state, .top, select: .index(0), rowsAbove: 0)
    }

    /// Where a `:` jump landed: the case's row in the queue (nil when the queue does not show it)
    /// and whether the case exists at all.
    static func caseLocated(_ state: inout WorkbenchState, caseID: String, query: QueueQuery, row: QueueRow?,
                            exists: Bool) -> [Effect] {
        guard query == state.query else { return [] }
        guard exists else {
            state.status = .error("no case " + Sanitize.line(caseID))
            return []
        }
        guard let row else {
            state.status = .info(Sanitize.line(caseID) + " is not in this queue (filtered out): f or / to change")
            return []
        }
        state.status = nil
        state.focus = .queue
        let at = min(state.selection, max(0, state.layout.queueRows - 1))
        return reload(&state, .at(row.cursor(for: query.sort), row: at), select: .caseID(caseID, fallback: at),
                      rowsAbove: nil)
    }
}
