import TriageCore
import TriageStore

/// The selected case in full, as lines to scroll through: the merchant, every model score, the
/// attributions as bar charts, the rationales with the evidence they cite, and the label history.
///
/// Every piece of case text is untrusted: it is sanitised (``Sanitize``) before it is measured
/// and wrapped. No line is cut at the pane's edge (a cut URL could hide a look-alike domain's
/// real ending): long lines wrap.
///
/// The layout is bounded, whatever the case holds: each text is laid out up to
/// ``textLimitBytes`` and the whole case up to ``caseLimitBytes``, and what is past that is
/// named by a line saying how much is not shown. (A 20 MB field took 19.5 s to lay out, on
/// every frame.)
public enum DetailView {
    /// The most bytes of one text (a description, a rationale, an evidence text, a note) laid out.
    public static let textLimitBytes = 64 << 10
    /// The most bytes of case text laid out for one case, all texts together.
    public static let caseLimitBytes = 512 << 10

    /// What is left of a case's layout budget (``caseLimitBytes``).
    final class TextBudget {
        var bytes: Int
        init(bytes: Int = DetailView.caseLimitBytes) { self.bytes = bytes }
    }

    /// The detail of `detail` laid out `width` columns wide.
    public static func lines(for detail: CaseDetail, width: Int, now: Timestamp) -> [StyledLine] {
        lines(for: detail, width: width, now: now, options: .workbench)
    }

    /// The detail of `detail` laid out `width` columns wide, with only the sections `options`
    /// asks for (a blind labeler sees no model output, a labeler no label history).
    public static func lines(for detail: CaseDetail, width: Int, now: Timestamp, options: DetailOptions,
                             pending: RationaleRequest? = nil) -> [StyledLine] {
        guard width > 0 else { return [] }
        var out: [StyledLine] = []
        let budget = TextBudget()
        merchant(detail, width: width, now: now, showStatus: options.showStatus, budget: budget, into: &out)
        if options.showFeatures { features(detail, budget: budget, into: &out) }
        if options.showModel {
            scores(detail, width: width, into: &out)
            for a in detail.attributions {
                out.append(.blank)
                let score = detail.scores.last { $0.model == a.model && $0.version == a.version }
                out += AttributionChart.lines(a, score: score, width: width)
            }
            rationales(detail, width: width, budget: budget, into: &out)
            if let pending { self.pending(pending, width: width, budget: budget, into: &out) }
        } else {
            var evidenceOnly = detail
            evidenceOnly.rationales = [] // the evidence stays, uncited: it is not model output
            rationales(evidenceOnly, width: width, budget: budget, into: &out)
        }
        if options.showLabels { labels(detail, width: width, budget: budget, into: &out) }
        return fit(out, width: width)
    }

    /// Nothing is cut at the pane's edge: a line too long wraps under its own indent.
    static func fit(_ lines: [StyledLine], width: Int) -> [StyledLine] {
        lines.flatMap { line in
            let indent = line.text.prefix { $0 == " " }.count
            return line.wrapped(toWidth: width, indent: indent + 4)
        }
    }

    // MARK: - Sections

    static func merchant(_ d: CaseDetail, width: Int, now: Timestamp, showStatus: Bool, budget: TextBudget,
                         into out: inout [StyledLine]) {
        let c = d.case
        let m = c.merchant
        out += wrap(m.name, width: width, indent: 0, role: .title, budget: budget)
        var meta = StyledLine(Sanitize.line(c.caseID), .dim)
        meta.append(" · ", .dim)
        meta.append(Sanitize.line(c.policy))
        if showStatus {
            meta.append(" · ", .dim)
            meta.append(c.status.rawValue, c.status == .open ? .normal : .currentLabel)
        }
        if let t = c.flaggedAt {
            meta.append(" · flagged ", .dim)
            meta.append(Format.day(t) + " (" + Format.age(since: t, now: now) + " ago)")
        }
        out.append(meta)
        var facts = StyledLine()
        func fact(_ label: String, _ value: String?) {
            guard let value, !value.isEmpty else { return }
            if !facts.spans.isEmpty { facts.append("  ") }
            facts.append(label + " ", .label)
            facts.append(Sanitize.line(value))
        }
        fact("Country", m.country)
        fact("MCC", m.mcc)
        fact("Merchant", m.id)
        if !facts.spans.isEmpty { out.append(facts) }
        if let url = m.url, !url.isEmpty {
            let (shown, hidden) = capped(url, budget: budget)
            var l = StyledLine("URL ", .label)
            l.append(Sanitize.line(shown))
            out.append(l)
            if hidden > 0 { out.append(notShown(hidden, indent: 0)) }
        }
        if let description = m.description, !description.isEmpty {
            out += wrap(description, width: width, indent: 0, budget: budget)
        }
    }

    /// The latest feature snapshot, one `name  value` line each.
    static func features(_ d: CaseDetail, budget: TextBudget, into out: inout [StyledLine]) {
        guard !d.features.isEmpty else { return }
        out.append(.blank)
        out.append(StyledLine("Features", .title))
        let nameWidth = min(28, d.features.map { Sanitize.line($0.name).displayWidth }.max() ?? 0)
        for f in d.features {
            var l = StyledLine("  " + Sanitize.line(f.name).padded(toWidth: nameWidth) + "  ", .label)
            let (shown, hidden) = capped(Format.value(f.value), budget: budget)
            l.append(Sanitize.line(shown))
            out.append(l)
            if hidden > 0 { out.append(notShown(hidden, indent: 4)) }
        }
    }

    static func scores(_ d: CaseDetail, width: Int, into out: inout [StyledLine]) {
        out.append(.blank)
        out.append(StyledLine("Scores", .title))
        guard !d.scores.isEmpty else {
            out.append(StyledLine("  none", .dim))
            return
        }
        var latest: [String: Int] = [:]
        for (i, s) in d.scores.enumerated() { latest[s.model] = i }
        let modelWidth = min(24, d.scores.map { Sanitize.line($0.model).displayWidth }.max() ?? 0)
        let versionWidth = min(16, d.scores.map { Sanitize.line($0.version).displayWidth }.max() ?? 0)
        for (i, s) in d.scores.enumerated() {
            let current = latest[s.model] == i
            var l = StyledLine("  " + Sanitize.line(s.model).padded(toWidth: modelWidth) + " ", current ? .normal : .dim)
            l.append(Sanitize.line(s.version).padded(toWidth: versionWidth) + "  ", .dim)
            l.append(Format.score(s.score) + " ", current ? Format.scoreRole(s.score) : .dim)
            switch s.isAboveThreshold {
            case .some(true):
                l.append("▲ above " + Format.score(s.threshold!), current ? .aboveThreshold : .dim)
            case .some(false):
                l.append("▽ below " + Format.score(s.threshold!), current ? .belowThreshold : .dim)
            case .none:
                l.append("no threshold", .dim)
            }
            if !current { l.append("  superseded", .dim) }
            out.append(l)
        }
    }

    static func rationales(_ d: CaseDetail, width: Int, budget: TextBudget, into out: inout [StyledLine]) {
        var cited = Set<String>()
        let byID = Dictionary(d.evidence.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for r in d.rationales {
            out.append(.blank)
            var title = StyledLine("Rationale", .title)
            if let id = r.id { title.append(" #\(id)", .title) }
            var about = " · " + Sanitize.line(r.model)
            if let p = r.promptVersion { about += " · prompt " + Sanitize.line(p) }
            if r.origin == .generated { about += " · asked by " + Sanitize.line(r.generation?.requestedBy ?? "?") }
            if let t = r.createdAt { about += " · " + Format.day(t) }
            title.append(about, .dim)
            out.append(title)
            out += wrap(r.text, width: width, indent: 2, budget: budget)
            if r.evidenceIDs.isEmpty { out.append(StyledLine("  cites no evidence", .error)) }
            for id in r.evidenceIDs {
                cited.insert(id)
                if let e = byID[id] {
                    out += evidence(e, width: width, budget: budget)
                } else {
                    var l = StyledLine("  [" + Sanitize.line(id) + "] ", .label)
                    l.append("cited, but not in this case's evidence", .error)
                    out.append(l)
                }
            }
        }
        let uncited = d.evidence.filter { !cited.contains($0.id) }
        guard !uncited.isEmpty else { return }
        out.append(.blank)
        out.append(StyledLine(d.rationales.isEmpty ? "Evidence" : "Other evidence", .title))
        for e in uncited { out += evidence(e, width: width, budget: budget) }
    }

    /// How the title of the rationale being written begins.
    static let pendingTitle = "Rationale · asking "

    /// The rationale being written: a title saying so, and the text so far.
    static func pending(_ r: RationaleRequest, width: Int, budget: TextBudget, into out: inout [StyledLine]) {
        out.append(.blank)
        var title = StyledLine("Rationale", .title)
        title.append(" · asking " + Sanitize.line(r.summary) + "… (x stops)", .dim)
        out.append(title)
        if let why = r.retrying { out.append(StyledLine("  " + Sanitize.line(why) + "; trying again", .error)) }
        if !r.text.isEmpty { out += wrap(r.text, width: width, indent: 2, budget: budget) }
    }

    /// `[e1] website · https://…` then the evidence text, wrapped and indented.
    static func evidence(_ e: Evidence, width: Int, budget: TextBudget) -> [StyledLine] {
        var head = StyledLine("  [" + Sanitize.line(e.id) + "]", .label)
        let about = [e.kind, e.source].compactMap { $0 }.filter { !$0.isEmpty }.map { Sanitize.line(capped($0, budget: budget).0) }
        if !about.isEmpty { head.append(" " + about.joined(separator: " · "), .dim) }
        var out = [head]
        if let text = e.text, !text.isEmpty { out += wrap(text, width: width, indent: 6, budget: budget) }
        return out
    }

    static func labels(_ d: CaseDetail, width: Int, budget: TextBudget, into out: inout [StyledLine]) {
        out.append(.blank)
        out.append(StyledLine("Labels", .title))
        guard !d.labels.isEmpty else {
            out.append(StyledLine("  none yet", .dim))
            return
        }
        let current = d.currentLabel?.id
        let superseded = Set(d.labels.compactMap(\.supersedes))
        for e in d.labels {
            let live = e.id != nil && e.id == current
            let role: StyleRole = live ? .currentLabel : (e.id.map(superseded.contains) ?? false) ? .dim : .normal
            var l = StyledLine("  " + Format.minute(e.createdAt) + "  ", .dim)
            l.append(Sanitize.line(e.analyst), role == .dim ? .dim : .label)
            l.append("  ")
            switch e.kind {
            case .undo:
                l.append("undo" + (e.supersedes.map { " of #\($0)" } ?? ""), role)
            case .label, .adjudication:
                let what = (e.kind == .adjudication ? "adjudicated " : "") + Sanitize.line(e.decision ?? "?")
                l.append(what, role)
                if !e.reasonCodes.isEmpty {
                    l.append(" (" + e.reasonCodes.map(Sanitize.line).joined(separator: ", ") + ")", role == .dim ? .dim : .normal)
                }
            }
            if let id = e.id { l.append("  #\(id)", .dim) }
            if live { l.append("  current", .currentLabel) }
            out.append(l)
            if let note = e.note, !note.isEmpty { out += wrap("“" + note + "”", width: width, indent: 4, budget: budget) }
        }
    }

    /// `text` cut to what may be laid out (``textLimitBytes``, and what `budget` has left, which
    /// it takes), and how many bytes were cut. A character cut in two shows as one replacement
    /// character.
    static func capped(_ text: String, budget: TextBudget) -> (String, hidden: Int) {
        let size = text.utf8.count
        let allowed = min(size, textLimitBytes, max(0, budget.bytes))
        budget.bytes -= allowed
        guard allowed < size else { return (text, 0) }
        return (String(decoding: text.utf8.prefix(allowed), as: UTF8.self), size - allowed)
    }

    /// The line that says how much of a text is not shown.
    static func notShown(_ bytes: Int, indent: Int) -> StyledLine {
        StyledLine(String(repeating: " ", count: indent) + "… " + Format.bytes(bytes) + " more of this text not shown", .dim)
    }

    /// Untrusted multi-line text, sanitised and word-wrapped under an indent: at most
    /// ``textLimitBytes`` of it, and no more than the case's `budget` has left; a last line says
    /// how much is not shown.
    static func wrap(_ text: String, width: Int, indent: Int, role: StyleRole = .normal, budget: TextBudget) -> [StyledLine] {
        let pad = String(repeating: " ", count: indent)
        let inner = max(1, width - indent)
        let (shown, hidden) = capped(text, budget: budget)
        var out = Sanitize.lines(shown).flatMap { $0.wrapped(toWidth: inner) }.map { StyledLine(pad + $0, role) }
        if hidden > 0 { out.append(notShown(hidden, indent: indent)) }
        return out
    }
}
