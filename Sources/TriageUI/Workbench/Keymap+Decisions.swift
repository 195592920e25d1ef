import TriageCore

extension Keymap {
    /// This keymap with one binding per decision of `taxonomy` (its hotkey, e.g. `v` violation),
    /// placed after the movement keys so the status bar hints them early. A hotkey the keymap
    /// already uses for something else is left out.
    ///
    /// ```swift
    /// Keymap.standard.addingDecisions(of: .standard).action(for: .char("v"))  // .decide("violation")
    /// ```
    public func addingDecisions(of taxonomy: Taxonomy) -> Keymap {
        let base = Keymap(bindings.filter { !$0.action.isDecide })
        let decisions = taxonomy.decisions.filter { base.action(for: .char($0.hotkey)) == nil }
        let added = decisions.enumerated().map { i, d in
            KeyBinding([.char(d.hotkey)], .decide(d.key), help: "Decide: \(d.label)",
                       section: .label,
                       hint: i == 0 ? decisions.map { String($0.hotkey) }.joined(separator: "/") + " decide" : nil)
        }
        var out = base.bindings
        let at = (out.firstIndex { $0.action.isMoveDown } ?? out.count - 1) + 1
        out.insert(contentsOf: added, at: min(at, out.count))
        return Keymap(out)
    }
}

extension Action {
    var isDecide: Bool { if case .decide = self { return true } else { return false } }
    var isMoveDown: Bool { if case .moveDown = self { return true } else { return false } }
}
