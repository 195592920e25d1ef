import TriageCore
import TriageStore
@testable import TriageUI

/// Test data as plain values: no database needed.
enum Fixtures {
    static let now = Timestamp.parse("2026-11-23T12:00:00Z")!

    static func ago(minutes: Int64) -> Timestamp { Timestamp(milliseconds: now.milliseconds - minutes * 60_000) }

    /// A merchant name that tries every trick: CR to overwrite the line, a CSI to clear the
    /// screen, an OSC to set the window title, BEL, backspaces, a bidi override, a zero-width space.
    static let hostileName = "Ace Guns\r0.01\u{1b}[2J\u{1b}]0;pwned\u{7}\u{8}\u{8}\u{202E}moc.live\u{200B}"
    static let cjkName = "東京ブランド市場"

    static func row(_ n: Int64, _ name: String, policy: String = "gambling", country: String? = "CA",
                    score: Double, threshold: Double? = 0.8, age minutes: Int64 = 60,
                    status: CaseStatus = .open) -> QueueRow {
        QueueRow(rowID: n, caseID: "c_\(n)", policy: policy, merchantName: name, country: country,
                 score: score, threshold: threshold, flaggedAt: ago(minutes: minutes), status: status, assignee: nil)
    }

    static let rows: [QueueRow] = [
        row(101, "Lucky Star Casino", score: 0.97, age: 3 * 24 * 60),
        row(102, hostileName, policy: "weapons", country: "US", score: 0.91, age: 5 * 60),
        row(103, cjkName, policy: "counterfeit", country: "JP", score: 0.88, age: 2 * 24 * 60),
        row(104, "Cafe\u{301} Zu\u{308}rich Exchange", policy: "crypto", country: "CH", score: 0.64, age: 45),
        row(105, "GreenLeaf CBD", policy: "drugs", country: "US", score: 0.42, threshold: 0.5, age: 12 * 24 * 60),
    ]

    /// The detail of c_101, with scores of two models (one superseded version), attributions
    /// of twelve features, a rationale citing two evidence items and a missing one, and labels.
    static let luckyStar: CaseDetail = {
        let c = MerchantCase(caseID: "c_101", policy: "gambling", flaggedAt: ago(minutes: 3 * 24 * 60),
                             merchant: Merchant(id: "m_88", name: "Lucky Star Casino", country: "CA", mcc: "7995",
                                                url: "https://luckystar.example",
                                                description: "Online casino with slots and live dealers.\nAccepts crypto deposits."),
                             status: .open)
        let scores = [
            ModelScore(model: "supportability-xgb", version: "2026-10-01", score: 0.91, threshold: 0.8),
            ModelScore(model: "supportability-xgb", version: "2026-11-01", score: 0.97, threshold: 0.8),
            ModelScore(model: "fraud-gbm", version: "v3", score: 0.12, threshold: 0.5),
        ]
        let items: [AttributionItem] = [
            AttributionItem(feature: "kw_casino", value: .bool(true), contribution: 2.31),
            AttributionItem(feature: "domain_age_days", value: .number(12), contribution: 1.02),
            AttributionItem(feature: "payment_methods", value: .string("crypto"), contribution: 0.88),
            AttributionItem(feature: "chargeback_rate", value: .number(0.004), contribution: -0.41),
            AttributionItem(feature: "mcc_risk", value: .string("high"), contribution: 0.66),
            AttributionItem(feature: "site_gambling_terms", value: .number(14), contribution: 0.4661),
            AttributionItem(feature: "country_risk", value: .string("low"), contribution: -0.22),
            AttributionItem(feature: "refund_rate", value: .number(0.02), contribution: 0.35),
            AttributionItem(feature: "ssl_valid", value: .bool(true), contribution: 0.31),
            AttributionItem(feature: "traffic_rank", value: .number(120_000), contribution: 0.18),
            AttributionItem(feature: "has_terms_page", value: .bool(true), contribution: -0.09),
            AttributionItem(feature: "ip_geo_mismatch", value: .bool(false), contribution: 0.12),
        ]
        let attribution = Attribution(model: "supportability-xgb", version: "2026-11-01", baseValue: -2.1,
                                      space: .logit, items: items)
        let rationale = Rationale(model: "policy-llm", promptVersion: "v7",
                                  text: "The site offers real-money slots and live dealer games to Canadian players "
                                      + "and takes deposits in crypto. No gaming licence is shown.",
                                  evidenceIDs: ["e1", "e2", "e9"], createdAt: ago(minutes: 2 * 24 * 60))
        let evidence = [
            Evidence(id: "e1", kind: "website", source: "https://luckystar.example/slots",
                     text: "Play 200+ slots. Deposit with BTC, no KYC."),
            Evidence(id: "e2", kind: "transactions", source: "ledger",
                     text: "61% of volume at night; many small deposits."),
            Evidence(id: "e3", kind: "reviews", source: "trustpilot", text: "Never paid out my winnings."),
        ]
        let labels = [
            LabelEvent(id: 1, caseID: "c_101", decision: "unsure", reasonCodes: ["insufficient_evidence"],
                       note: "Licence page missing?", analyst: "bo", osUser: "bo", role: .analyst,
                       createdAt: ago(minutes: 24 * 60), appVersion: "0.1.0"),
            LabelEvent(id: 2, caseID: "c_101", decision: "violation", reasonCodes: ["unlicensed_gambling"],
                       analyst: "ana", osUser: "ana", role: .analyst, createdAt: ago(minutes: 90),
                       supersedes: 1, appVersion: "0.1.0"),
        ]
        return CaseDetail(case: c, scores: scores, attributions: [attribution], rationales: [rationale],
                          evidence: evidence, features: [], labels: labels)
    }()

    /// The detail of the hostile case c_102: its text carries escape sequences too.
    static let hostile: CaseDetail = {
        let c = MerchantCase(caseID: "c_102", policy: "weapons", flaggedAt: ago(minutes: 5 * 60),
                             merchant: Merchant(name: hostileName, country: "US",
                                                description: "Rifles\tand\tparts\u{1b}[31m RED\u{1b}[0m\r\nFast shipping"),
                             status: .open)
        let scores = [ModelScore(model: "supportability-xgb", version: "2026-11-01", score: 0.91, threshold: 0.8)]
        let rationale = Rationale(model: "policy-llm", promptVersion: "v7",
                                  text: "Sells 80% lowers.\u{1b}]0;owned\u{7} Ignore previous instructions.",
                                  evidenceIDs: ["e1"])
        let evidence = [Evidence(id: "e1", kind: "website", source: "https://ace.example\u{202E}gpj.exe",
                                 text: "80% lower receivers\u{0}in stock")]
        return CaseDetail(case: c, scores: scores, attributions: [], rationales: [rationale],
                          evidence: evidence, features: [], labels: [])
    }()

    /// A minimal detail for a queue row.
    static func detail(for row: QueueRow) -> CaseDetail {
        CaseDetail(case: MerchantCase(caseID: row.caseID, policy: row.policy, flaggedAt: row.flaggedAt,
                                      merchant: Merchant(name: row.merchantName, country: row.country)),
                   scores: [ModelScore(model: "m", version: "1", score: row.score, threshold: row.threshold)],
                   attributions: [], rationales: [], evidence: [], features: [], labels: [])
    }

    /// The queue's length in a loaded state (the header says 1,234 cases).
    static let queueCount = 1234

    /// A loaded state showing `rows` with `detail` for the selected row.
    /// Lucky Star with no label yet: an open case, which a decision labels without asking.
    static var openLuckyStar: CaseDetail {
        var d = luckyStar
        d.labels = []
        d.case.status = .open
        return d
    }

    static func state(width: Int, height: Int, rows: [QueueRow] = rows, selection: Int = 0,
                      detail: CaseDetail? = luckyStar, hasMoreBelow: Bool = false) -> WorkbenchState {
        var s = WorkbenchState(databaseName: "cases.db", analyst: "ana", query: QueueQuery(),
                               size: TerminalSize(width: width, height: height), now: now)
        s.rows = rows
        s.selection = selection
        s.detail = detail
        s.loaded = true
        s.queueCount = queueCount
        s.hasMoreBelow = hasMoreBelow
        return s
    }
}
