import ArgumentParser
import Foundation
import TriageCore
import TriageFormats
import TriageStore

struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a case's full history: imports, scores, claims and every label event.",
        discussion: """
        Every label event, oldest first, with everything it recorded: its id, kind (label, undo, \
        adjudication) and the event it supersedes, the decision, reason codes and note, who made \
        it (name, OS user, role), when, how long the case was on screen, whether the model was \
        hidden (blind) and which model versions were shown, the queue policy that served the \
        case and its inclusion probability, the labelling project, and the version of triage. \
        Then the case's current label in the analyst queue and in each project, the imports that \
        brought or changed the case (file, SHA-256, who, when), its scores, and the claims held \
        on it now. The log is append-only: the database refuses to change or delete an event.

        Someone who works as a labeler sees only their own events and claims, never the gold \
        label, the case's status or current label, nor (while a blind project holds the case and \
        they have not labelled it there) its scores and rationales.

        Examples:
          triage audit c_0000012
          triage audit c_0000012 --format json | jq '.events[] | {id, kind, decision, analyst}'
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The case.", valueName: "case-id"))
    var caseID: String

    enum Format: String, ExpressibleByArgument { case text, json }

    @Option(help: "text (default) or json.")
    var format: Format = .text

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readOnly)
            guard let full = try store.caseAudit(caseID: caseID) else { throw StoreError.caseNotFound(caseID) }
            // A labeler sees their own events, and the model's output only where they may.
            let disclosure = try global.disclosure(store)
            let audit = disclosure.apply(to: full)
            Console.out(format == .json ? Self.json(audit, disclosure) : Self.text(audit, disclosure))
        }
    }

    static func describe(_ e: LabelEvent) -> [String] {
        let c = TextTable.clean
        var head = "#\(e.id.map(String.init) ?? "?") \(e.createdAt.iso8601) \(e.kind.rawValue)"
        if let d = e.decision { head += " " + c(d) }
        if !e.reasonCodes.isEmpty { head += " [" + e.reasonCodes.map(c).joined(separator: ", ") + "]" }
        if let s = e.supersedes { head += e.kind == .undo ? " (undoes #\(s))" : " (replaces #\(s))" }
        var facts = ["by \(c(e.analyst)) (OS user \(c(e.osUser)), \(e.role.rawValue))"]
        if let p = e.project { facts.append("project \(c(p))") }
        if let d = e.dwellMs { facts.append("on screen \(Fmt.decimal(Double(d) / 1000, places: 1)) s") }
        facts.append(e.blind ? "blind" : "model shown" + (e.modelVersionsSeen.isEmpty ? "" : ": " + e.modelVersionsSeen.map(c).joined(separator: ", ")))
        if let q = e.queuePolicy { facts.append("queue \(c(q))" + (e.inclusionProbability.map { " p=\(Fmt.decimal($0, places: 4))" } ?? "")) }
        facts.append("triage \(c(e.appVersion))")
        var out = ["  " + head, "      " + facts.joined(separator: " · ")]
        if let n = e.note { out.append("      note: " + c(n)) }
        return out
    }

    static func text(_ a: CaseAudit, _ disclosure: Disclosure) -> String {
        let c = TextTable.clean
        let k = a.detail.case
        let status = disclosure.showsOthersDecisions ? k.status.rawValue : "status not shown to labelers"
        var out = ["case \(c(k.caseID)) · \(c(k.policy)) · \(status)" + (k.flaggedAt.map { " · flagged \($0.iso8601)" } ?? "")]
        out.append("merchant \(c(k.merchant.name))" + (k.merchant.id.map { " (\(c($0)))" } ?? "")
                   + (k.merchant.country.map { " · \(c($0))" } ?? ""))
        if let g = k.goldLabel { out.append("gold label: \(c(g))") }
        out.append("")
        out.append("imports (oldest first):")
        for b in a.imports {
            out.append("  #\(b.id) \(c(b.fileName)) · sha256 \(b.sha256.prefix(16))… · \(b.startedAt.iso8601) by \(c(b.importedBy))"
                       + " · read \(b.read), new \(b.inserted), updated \(b.updated), unchanged \(b.unchanged), rejected \(b.rejected)")
        }
        let modelShown = disclosure.showsModel(a.detail)
        out.append("scores (oldest first):" + (modelShown ? "" : " not shown: a blind project holds this case and you have not labelled it there"))
        for s in a.detail.scores {
            out.append("  \(c(s.model)) \(c(s.version)) \(Fmt.decimal(s.score, places: 4))" + (s.threshold.map { " (threshold \(Fmt.decimal($0)))" } ?? ""))
        }
        out.append("rationales (oldest first; rate one with `triage feedback ID helpful|unhelpful`):")
        if a.detail.rationales.isEmpty { out.append(modelShown ? "  none" : "  not shown") }
        for r in a.detail.rationales {
            var line = "  #\(r.id.map(String.init) ?? "?") \(c(r.model))" + (r.promptVersion.map { " prompt \(c($0))" } ?? "")
                + " · \(r.origin == .generated ? "generated" : "imported")" + (r.createdAt.map { " \($0.iso8601)" } ?? "")
            if let g = r.generation {
                line += " by \(c(g.requestedBy)) · \(Fmt.decimal(Double(g.latencyMs) / 1000, places: 1)) s"
                if let p = g.promptTokens, let t = g.completionTokens { line += " · \(p)+\(t) tokens" }
            }
            let check = CitationCheck(cited: r.evidenceIDs, evidence: a.detail.evidence)
            if !check.invented.isEmpty { line += " · invented evidence ids: " + check.invented.map(c).joined(separator: ", ") }
            if check.citesNothing { line += " · cites no evidence" }
            out.append(line)
        }
        out.append("claims now: " + (a.claims.isEmpty ? "none" : a.claims.map { cl in
            c(cl.holder) + (cl.project.map { " in project \(c($0))" } ?? "") + " until \(cl.leaseUntil.iso8601)"
        }.joined(separator: "; ")))
        out.append("")
        out.append("label events (\(a.detail.labels.count)\(disclosure.isUnrestricted ? "" : ", yours only"), oldest first):")
        if a.detail.labels.isEmpty { out.append("  none") }
        for e in a.detail.labels { out += describe(e) }
        out.append("")
        let current = a.detail.currentLabel
        if disclosure.showsOthersDecisions {
            out.append("current label (analyst queue): " + (current.map { "#\($0.id ?? 0) \(c($0.decision ?? "?")) by \(c($0.analyst))" } ?? "none"))
        }
        for p in Set(a.detail.labels.compactMap(\.project)).sorted() {
            let live = CurrentLabel.live(a.detail.labels, project: p)
            let text = live.isEmpty ? "none" : live.map { "\($0.kind == .adjudication ? "adjudication " : "")#\($0.id ?? 0) \(c($0.decision ?? "?")) by \(c($0.analyst))" }
                .joined(separator: ", ")
            out.append("live in project \(c(p)): " + text)
        }
        return out.joined(separator: "\n")
    }

    /// The audit as JSON. What the viewer may not see is null (status, gold label, current
    /// label) or left out (other people's events, hidden scores), and `hidden` names it.
    static func json(_ a: CaseAudit, _ disclosure: Disclosure) -> String {
        var w = JSONWriter()
        let k = a.detail.case
        w.beginObject()
        w.field("case_id", k.caseID)
        w.field("policy", k.policy)
        w.field("status", disclosure.showsOthersDecisions ? k.status.rawValue : nil)
        w.field("flagged_at", k.flaggedAt?.iso8601)
        w.field("merchant_name", k.merchant.name)
        w.field("gold_label", k.goldLabel)
        w.key("imports")
        w.beginArray()
        for b in a.imports {
            w.beginObject()
            w.field("id", b.id)
            w.field("file_name", b.fileName)
            w.field("sha256", b.sha256)
            w.field("started_at", b.startedAt.iso8601)
            w.field("imported_by", b.importedBy)
            w.endObject()
        }
        w.endArray()
        w.key("scores")
        w.beginArray()
        for s in a.detail.scores {
            w.beginObject()
            w.field("model", s.model)
            w.field("version", s.version)
            w.field("score", s.score)
            w.field("threshold", s.threshold)
            w.endObject()
        }
        w.endArray()
        w.key("claims")
        w.beginArray()
        for cl in a.claims {
            w.beginObject()
            w.field("project", cl.project)
            w.field("holder", cl.holder)
            w.field("claimed_at", cl.claimedAt.iso8601)
            w.field("lease_until", cl.leaseUntil.iso8601)
            w.endObject()
        }
        w.endArray()
        w.key("events")
        w.beginArray()
        for e in a.detail.labels {
            w.beginObject()
            w.field("id", e.id)
            w.field("kind", e.kind.rawValue)
            w.field("decision", e.decision)
            w.key("reason_codes")
            w.beginArray()
            for r in e.reasonCodes { w.string(r) }
            w.endArray()
            w.field("note", e.note)
            w.field("analyst", e.analyst)
            w.field("os_user", e.osUser)
            w.field("role", e.role.rawValue)
            w.field("created_at", e.createdAt.iso8601)
            w.field("dwell_ms", e.dwellMs)
            w.field("blind", e.blind)
            w.key("model_versions_seen")
            w.beginArray()
            for v in e.modelVersionsSeen { w.string(v) }
            w.endArray()
            w.field("supersedes", e.supersedes)
            w.field("queue_policy", e.queuePolicy)
            w.field("inclusion_probability", e.inclusionProbability)
            w.field("project", e.project)
            w.field("app_version", e.appVersion)
            w.endObject()
        }
        w.endArray()
        w.field("current_label", disclosure.showsOthersDecisions ? a.detail.currentLabel?.id : nil)
        w.key("hidden")
        w.beginArray()
        if !disclosure.showsOthersDecisions {
            for h in ["status", "gold_label", "current_label", "other people's events"] { w.string(h) }
        }
        if !disclosure.showsModel(a.detail) { for h in ["scores", "rationales"] { w.string(h) } }
        w.endArray()
        w.endObject()
        return w.text
    }
}
