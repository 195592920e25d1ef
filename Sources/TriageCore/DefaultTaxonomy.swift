extension Taxonomy {
    /// The taxonomy a new database starts with. `SampleData/taxonomy.toml` holds the same, as a file
    /// to copy and edit (`triage taxonomy import FILE`).
    public static let standard = Taxonomy(
        decisions: [
            Decision(key: "violation", label: "Violation", hotkey: "v", isFinal: true, outcome: .positive),
            Decision(key: "no_violation", label: "No violation", hotkey: "n", isFinal: true, outcome: .negative),
            Decision(key: "unsure", label: "Unsure", hotkey: "u", isFinal: false),
            Decision(key: "escalate", label: "Escalate", hotkey: "e", isFinal: false),
        ],
        policies: [
            PolicyArea(key: "fraud", name: "Fraud", summary: "Merchants likely to defraud buyers or the platform", slaHours: 24, reasons: [
                ReasonCode(code: "stolen_cards", label: "Card testing or stolen cards", hotkey: "1", decisions: ["violation"]),
                ReasonCode(code: "non_delivery", label: "Goods not delivered", hotkey: "2", decisions: ["violation"]),
                ReasonCode(code: "identity_mismatch", label: "Identity or ownership mismatch", hotkey: "3", decisions: ["violation", "escalate"]),
                ReasonCode(code: "bust_out", label: "Bust-out pattern", hotkey: "4", decisions: ["violation"]),
            ]),
            PolicyArea(key: "gambling", name: "Gambling", summary: "Games of chance for money without a licence", slaHours: 72, reasons: [
                ReasonCode(code: "unlicensed_gambling", label: "Unlicensed online gambling", hotkey: "1", decisions: ["violation"]),
                ReasonCode(code: "sweepstakes_disguise", label: "Gambling disguised as sweepstakes", hotkey: "2", decisions: ["violation"]),
                ReasonCode(code: "licensed_operator", label: "Licensed operator (allowed)", hotkey: "3", decisions: ["no_violation"]),
            ]),
            PolicyArea(key: "weapons", name: "Weapons", summary: "Firearms, ammunition, parts and weapon accessories", slaHours: 48, reasons: [
                ReasonCode(code: "firearms", label: "Firearms or ammunition", hotkey: "1", decisions: ["violation"]),
                ReasonCode(code: "firearm_parts", label: "Firearm parts or 80% lowers", hotkey: "2", decisions: ["violation"]),
                ReasonCode(code: "non_lethal_ok", label: "Non-lethal or sporting goods (allowed)", hotkey: "3", decisions: ["no_violation"]),
            ]),
            PolicyArea(key: "counterfeit", name: "Counterfeit goods", summary: "Replicas and trademark infringement", slaHours: 72, reasons: [
                ReasonCode(code: "replica_goods", label: "Replica or counterfeit goods", hotkey: "1", decisions: ["violation"]),
                ReasonCode(code: "brand_misuse", label: "Brand names used without authorisation", hotkey: "2", decisions: ["violation"]),
                ReasonCode(code: "authorised_reseller", label: "Authorised reseller (allowed)", hotkey: "3", decisions: ["no_violation"]),
            ]),
            PolicyArea(key: "adult", name: "Adult content", summary: "Adult content and services", slaHours: 72, reasons: [
                ReasonCode(code: "adult_content", label: "Adult content or services", hotkey: "1", decisions: ["violation"]),
                ReasonCode(code: "age_verification_missing", label: "No age verification", hotkey: "2", decisions: ["violation"]),
            ]),
            PolicyArea(key: "drugs", name: "Drugs and supplements", summary: "Controlled substances, unapproved drugs, risky supplements", slaHours: 48, reasons: [
                ReasonCode(code: "controlled_substance", label: "Controlled substances", hotkey: "1", decisions: ["violation"]),
                ReasonCode(code: "prescription_no_rx", label: "Prescription drugs without prescription", hotkey: "2", decisions: ["violation"]),
                ReasonCode(code: "cbd_compliant", label: "Compliant CBD or supplements (allowed)", hotkey: "3", decisions: ["no_violation"]),
            ]),
            PolicyArea(key: "crypto", name: "Crypto and money services", summary: "Unregistered money transmission, crypto exchange", slaHours: 72, reasons: [
                ReasonCode(code: "unregistered_msb", label: "Unregistered money service business", hotkey: "1", decisions: ["violation"]),
                ReasonCode(code: "investment_scheme", label: "High-yield investment scheme", hotkey: "2", decisions: ["violation"]),
            ]),
        ],
        globalReasons: [
            ReasonCode(code: "false_positive", label: "Model false positive", hotkey: "f", decisions: ["no_violation"]),
            ReasonCode(code: "insufficient_evidence", label: "Insufficient evidence", hotkey: "i", decisions: ["unsure", "escalate", "no_violation"]),
            ReasonCode(code: "needs_specialist", label: "Needs a specialist or legal", hotkey: "s", decisions: ["escalate", "unsure"]),
            ReasonCode(code: "website_down", label: "Website unreachable", hotkey: "w"),
        ]
    )
}
