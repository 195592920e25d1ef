import Foundation
import Testing
import TriageCore
@testable import TriageFormats

@Suite("Taxonomy file")
struct TaxonomyFileTests {
    static let sampleURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SampleData/taxonomy.toml")

    /// The explanatory header of SampleData/taxonomy.toml; the rest of the file is
    /// `TaxonomyFile.render(.standard)`.
    static let sampleHeader = """
    # The taxonomy triage starts with (Taxonomy.standard), as a file to copy and edit.
    # Load an edited copy with `triage taxonomy import FILE`.
    #
    #   [[decision]]       what a person can decide, in every policy area. hotkey is one character;
    #                      final = true closes the case, final = false sends it to a lead;
    #                      outcome = "positive" (a violation) or "negative" says what it means
    #                      for the model's flag (consensus, suspect labels, precision use it).
    #   [[reason]]         global reason codes, offered in every policy area.
    #   [[policy]]         a policy area (a queue) with its own [[policy.reason]] codes.
    #   decisions = [...]  the decisions a reason applies to; leave it out for any decision.
    #
    # Keys and codes may use letters, digits, '_', '-' and '.'. Decision hotkeys must differ from
    # each other; reason hotkeys must differ within a policy area, counting the global reasons.


    """

    func problems(_ text: String) -> [String] {
        do {
            _ = try TaxonomyFile.parse(text: text, fileName: "taxonomy.toml")
            return []
        } catch {
            return error.description.split(separator: "\n").map(String.init)
        }
    }

    @Test func sampleFileIsTheStandardTaxonomy() throws {
        if ProcessInfo.processInfo.environment["TRIAGE_REGENERATE_SAMPLES"] == "1" {
            try (Self.sampleHeader + TaxonomyFile.render(.standard)).write(to: Self.sampleURL, atomically: true, encoding: .utf8)
        }
        let text = try String(contentsOf: Self.sampleURL, encoding: .utf8)
        #expect(try TaxonomyFile.parse(text: text, fileName: "taxonomy.toml") == Taxonomy.standard)
        #expect(try TaxonomyFile.load(path: Self.sampleURL.path) == Taxonomy.standard)
        #expect(text == Self.sampleHeader + TaxonomyFile.render(.standard),
                "SampleData/taxonomy.toml is stale: run with TRIAGE_REGENERATE_SAMPLES=1 to rewrite it")
    }

    @Test func renderRoundTripsAwkwardText() throws {
        let t = Taxonomy(
            decisions: [Decision(key: "yes", label: "Yes \"really\" \\ sure\ttab\nnewline\u{7F}", hotkey: "é", isFinal: true),
                        Decision(key: "no", label: "Nein — ñ 東京 😀", hotkey: "😀", isFinal: false)],
            policies: [PolicyArea(key: "p.1", name: "P'1 # not a comment", summary: nil, reasons: [])],
            globalReasons: [ReasonCode(code: "r-1", label: "R", hotkey: "#", decisions: ["yes", "no"])])
        #expect(try TaxonomyFile.parse(text: TaxonomyFile.render(t)) == t)
    }

    @Test func renderShape() {
        let text = TaxonomyFile.render(.standard)
        #expect(text.contains("[[decision]]\nkey = \"violation\"\nlabel = \"Violation\"\nhotkey = \"v\"\nfinal = true\n"))
        #expect(text.contains("  [[policy.reason]]\n  code = \"unlicensed_gambling\"\n"))
        #expect(text.contains("code = \"website_down\"\nlabel = \"Website unreachable\"\nhotkey = \"w\"\n\n"), "no decisions line when any applies")
    }

    @Test func syntaxErrorHasLineAndColumn() {
        let text = """
        [[decision]]
        key = "violation"
        label = "Violation
        hotkey = "v"
        """
        let p = problems(text)
        #expect(p.count == 1)
        #expect(p.first?.hasPrefix("taxonomy.toml: line 3, column ") == true, "\(p)")
        #expect(p.first?.contains("TOML syntax error") == true)
    }

    @Test func missingKey() {
        let text = """
        [[decision]]
        key = "violation"
        label = "Violation"
        hotkey = "v"
        final = true

        [[decision]]
        key = "no_violation"
        label = "No violation"
        final = true
        """
        #expect(problems(text) == ["taxonomy.toml: line 7: decision[1].hotkey is missing"])
    }

    @Test func badHotkeyPointsAtItsLine() {
        let text = """
        # decisions
        [[decision]]
        key = "violation"
        label = "Violation"
        hotkey = "v"
        final = true

        [[decision]]
        key = "no_violation"
        label = "No violation"
        hotkey = "n"
        final = true

        [[decision]]
        key = "unsure"
        label = "Unsure"
        hotkey = "un"
        final = false
        """
        #expect(problems(text) == ["taxonomy.toml: line 17: decision[2].hotkey must be a single character, not \"un\""])
        #expect(problems(text.replacingOccurrences(of: "hotkey = \"un\"", with: "hotkey = 1"))
            == ["taxonomy.toml: line 17: decision[2].hotkey must be a single character in quotes, not the integer 1 (put it in quotes: hotkey = \"1\")"])
    }

    @Test func duplicateHotkeys() {
        let text = """
        [[decision]]
        key = "violation"
        label = "Violation"
        hotkey = "v"
        final = true

        [[decision]]
        key = "void"
        label = "Void"
        hotkey = "v"
        final = true

        [[reason]]
        code = "false_positive"
        label = "Model false positive"
        hotkey = "f"

        [[policy]]
        key = "gambling"
        name = "Gambling"

          [[policy.reason]]
          code = "unlicensed_gambling"
          label = "Unlicensed"
          hotkey = "f"
        """
        #expect(problems(text) == [
            "taxonomy.toml: line 10: decision[1].hotkey 'v' is already used by decision[0]",
            "taxonomy.toml: line 25: policy[0].reason[0].hotkey 'f' is already used by reason[0]",
        ])
    }

    @Test func unknownDecisionInReason() {
        let text = """
        [[decision]]
        key = "violation"
        label = "Violation"
        hotkey = "v"
        final = true

        [[policy]]
        key = "weapons"
        name = "Weapons"
          [[policy.reason]]
          code = "firearms"
          label = "Firearms"
          hotkey = "1"
          decisions = ["violation", "violaton"]
        """
        #expect(problems(text) == [
            "taxonomy.toml: line 14: policy[0].reason[0].decisions names unknown decision 'violaton' (known: violation)",
        ])
    }

    @Test func unknownKeysTypesAndEmptyValues() {
        let text = """
        title = "mine"

        [[decision]]
        key = "violation"
        lable = "Violation"
        hotkey = "v"
        final = "yes"

        [[reason]]
        code = "has space"
        label = ""
        hotkey = "x"
        decisions = []
        """
        #expect(problems(text) == [
            "taxonomy.toml: line 1: title is not a known key (expected decision, reason, policy)",
            "taxonomy.toml: line 5: decision[0].lable is not a known key (expected key, label, hotkey, final, outcome)",
            "taxonomy.toml: line 3: decision[0].label is missing",
            "taxonomy.toml: line 7: decision[0].final must be true or false, not a string",
            "taxonomy.toml: line 10: reason[0].code must contain only letters, digits, '_', '-' or '.', not \"has space\"",
            "taxonomy.toml: line 11: reason[0].label must not be empty",
            "taxonomy.toml: line 13: reason[0].decisions must name at least one decision (leave it out for any decision)",
        ])
    }

    @Test func noDecisions() {
        #expect(problems("") == ["taxonomy.toml: has no [[decision]] tables (at least one decision is needed)"])
        #expect(problems("decision = 3") == ["taxonomy.toml: line 1: decision must be an array of tables, written [[decision]]"])
    }

    @Test func serviceLevelsAndOutcomesAreReadAndChecked() throws {
        let head = """
        [[decision]]
        key = "v"
        label = "V"
        hotkey = "v"
        final = true
        outcome = "positive"

        """
        let good = try TaxonomyFile.parse(text: head + """
            [[policy]]
            key = "gambling"
            name = "Gambling"
            sla_hours = 36

            [[policy]]
            key = "fraud"
            name = "Fraud"
            sla_hours = 12.5
            """, fileName: "t.toml")
        #expect(good.policies.map(\.slaHours) == [36, 12.5])
        #expect(good.decisions[0].outcome == .positive)
        #expect(try TaxonomyFile.parse(text: TaxonomyFile.render(good), fileName: "t.toml") == good)
        #expect(problems(head + """
            [[policy]]
            key = "gambling"
            name = "Gambling"
            sla_hours = 0
            """) == ["taxonomy.toml: line 10: policy[0].sla_hours must be a number of hours above 0 and at most 8760 (a year), not the integer 0"])
        #expect(problems(head.replacingOccurrences(of: "\"positive\"", with: "\"maybe\"")).first?
            .contains("decision[0].outcome must be \"positive\" or \"negative\"") == true)
    }
}
