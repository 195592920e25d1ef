import TriageCore

/// Generates realistic synthetic cases: merchants flagged by models across the seven policy
/// areas of ``Taxonomy/standard``, with scores, TreeSHAP-style attributions, a feature snapshot,
/// evidence, an LLM rationale and occasional gold labels.
///
/// Every record depends only on `(seed, index)`, so any index can be generated on its own, in any
/// order, on any thread: a million cases can be generated in parallel slices and come out the
/// same. Times are spread over the 30 days before ``referenceTime`` (never the current clock).
///
/// What a record holds:
/// - `case_id` `c_0000001` for index 0 (index + 1, at least 7 digits), a policy area (fraud and
///   counterfeit most common), `flagged_at` within the 30 days before ``referenceTime``;
/// - a merchant with id `acct_<16 hex digits>` (unique per index for a seed), a name (about 15%
///   non-ASCII: accented Latin, CJK, Cyrillic, Arabic, Greek, Korean, a few with emoji), country,
///   a merchant category code fitting the policy, URL and a one- or two-sentence description;
/// - scores: `supportability-xgb` version `2026-11-01` (sometimes preceded by `2026-10-01`, a
///   rescoring history), or `fraud-gbm` version `v42` for fraud, sometimes with a second model;
///   about 80% at or above the threshold;
/// - logit-space attributions for the headline model: base value about −2, 10–14 features, adding
///   up exactly (within 1e-9) to logit(score);
/// - a feature snapshot with the same features' values and a few more;
/// - 2–3 evidence items `e1`…`e3` (website, transactions, documents, reviews) and one rationale by
///   `policy-llm` prompt `v7` citing 1–3 of them as `[e1]`;
/// - about 3% gold cases, labelled `violation` or `no_violation` as the story in the texts says.
public struct SampleGenerator: Sendable {
    /// The seed: the same seed and index always give the same record.
    public let seed: UInt64

    /// The fixed "now" of generated data: 2026-11-20T00:00:00Z. Cases are flagged in the 30 days
    /// before it.
    public static let referenceTime = Timestamp(milliseconds: 1_795_132_800_000)

    public init(seed: UInt64) {
        self.seed = seed
    }

    /// The record at `index` (≥ 0).
    public func record(at index: Int) -> CaseRecord {
        precondition(index >= 0, "SampleGenerator index must not be negative")
        let seedMix = SampleRNG.mix(seed &+ 0x9E37_79B9_7F4A_7C15)
        var rng = SampleRNG(state: SampleRNG.mix(seedMix ^ SampleRNG.mix(UInt64(index) &+ 0x632B_E59B_D9B4_E019)))
        let d = SampleData.shared

        // Policy, lean (what the texts will say), merchant.
        let profile = d.profiles[d.policyPicker.pick(&rng)]
        let acctBits = SampleRNG.mix(UInt64(index) ^ seedMix)
        let acct = "acct_" + hex16(acctBits)

        var name: String
        var slug: String
        var country: String
        if rng.chance(0.15) {
            let u = rng.pick(profile.unicodeNames)
            name = u.name
            slug = u.slug
            country = u.country
        } else {
            let a = rng.pick(profile.firstWords), b = rng.pick(profile.secondWords)
            name = a.word + " " + b.word
            slug = rng.chance(0.5) ? a.slug + b.slug : a.slug + "-" + b.slug
            if rng.chance(0.2) {
                let s = rng.pick(d.nameSuffixes)
                name += " " + s
            }
            country = rng.chance(0.3) && !profile.countries.isEmpty ? rng.pick(profile.countries) : d.countryPicker.pickValue(&rng)
        }
        if rng.chance(0.25) { slug += String(10 + rng.int(89)) }
        let domain = slug + "." + rng.pick(profile.tlds)
        let url = "https://" + (rng.chance(0.4) ? "www." : "") + domain
        let mcc = rng.pick(profile.mccs)

        // Time.
        let flaggedMs = SampleGenerator.referenceTime.milliseconds - 1000 * Int64(1 + rng.int(30 * 86_400 - 1))
        let flaggedAt = Timestamp(milliseconds: flaggedMs)

        // Scores: the primary model's score decides the headline; others stay below it.
        let primary = profile.key == "fraud" ? d.fraudModel : d.supportModel
        let above = rng.chance(0.8)
        let t = primary.threshold
        var raw: Double
        if above {
            let u = rng.unit()
            raw = t + (0.995 - t) * (u * (0.35 + 0.65 * u))
        } else {
            raw = 0.18 + (t - 0.18) * (1 - rng.unit() * rng.unit())
        }
        let score = roundTo(min(max(raw, 0.0001), 0.9999), 4)
        let violation = rng.unit() < 0.05 + 0.9 * score
        var scores: [ModelScore] = []
        scores.reserveCapacity(3)
        if primary.name == d.supportModel.name, rng.chance(0.3) {
            let old = roundTo(min(max(score + (rng.unit() - 0.5) * 0.2, 0.01), 0.99), 4)
            scores.append(ModelScore(model: primary.name, version: d.supportOldVersion, score: old, threshold: 0.55))
        }
        scores.append(ModelScore(model: primary.name, version: primary.version, score: score, threshold: t))
        if rng.chance(profile.key == "fraud" ? 0.5 : 0.15) {
            let other = primary.name == d.fraudModel.name ? d.supportModel : d.fraudModel
            let s = roundTo(max(0.005, score * (0.15 + 0.75 * rng.unit())), 4)
            scores.append(ModelScore(model: other.name, version: other.version, score: s, threshold: other.threshold))
        }

        // Features and attributions.
        let risk = 0.5 * score + (violation ? 0.25 + 0.25 * rng.unit() : 0.3 * rng.unit())
        var chosen = profile.specificFeatures
        let want = 10 + rng.int(5)
        var pool = d.commonFeatures
        while chosen.count < want, !pool.isEmpty {
            let i = rng.int(pool.count)
            chosen.append(pool[i])
            pool.swapAt(i, pool.count - 1)
            pool.removeLast()
        }
        chosen.sort()
        var ctx = FeatureContext(risk: risk, violation: violation, policy: profile.key, country: country, mcc: mcc,
                                 highRiskCountry: d.highRiskCountries.contains(country))
        var items: [AttributionItem] = []
        items.reserveCapacity(chosen.count)
        var snapshot: [(name: String, value: FeatureValue)] = []
        snapshot.reserveCapacity(chosen.count + 5)
        var positive = 0.0, negative = 0.0
        for fi in chosen {
            let f = d.features[fi]
            let (value, push) = f.generate(&rng, &ctx)
            let c = f.weight * push * (0.6 + 0.8 * rng.unit())
            if c > 0 { positive += c } else { negative += c }
            items.append(AttributionItem(feature: f.name, value: value, contribution: c))
            snapshot.append((f.name, value))
        }
        // Scale the positive contributions so that base + Σ = logit(score), round them to six
        // decimals, and make the last item absorb the remainder so additivity holds to the last bit.
        let base = primary.baseValue
        let target = Logit.logit(score) - base
        if positive > 1e-9 {
            let k = (target - negative) / positive
            if k > 0 {
                for i in items.indices where items[i].contribution > 0 { items[i].contribution *= k }
            }
        }
        var partial = base
        for i in 0..<(items.count - 1) {
            items[i].contribution = roundTo(items[i].contribution, 6)
            partial += items[i].contribution
        }
        items[items.count - 1].contribution = Logit.logit(score) - partial
        let attribution = Attribution(model: primary.name, version: primary.version, baseValue: base,
                                      space: .logit, items: items)
        // A few more snapshot features the model did not attribute.
        var extras = pool
        let extraCount = 2 + rng.int(3)
        var added = 0
        while added < extraCount, !extras.isEmpty {
            let i = rng.int(extras.count)
            let f = d.features[extras[i]]
            let (value, _) = f.generate(&rng, &ctx)
            snapshot.append((f.name, value))
            extras.swapAt(i, extras.count - 1)
            extras.removeLast()
            added += 1
        }
        snapshot.append(("platform", .string(rng.pick(d.platforms))))
        snapshot.append(("monthly_volume_usd", .number(Double(500 + rng.int(250_000)))))

        // Texts.
        let product = rng.pick(violation ? profile.products : (profile.benignProducts ?? profile.products))
        let brand = rng.pick(d.brands)
        var text = TextContext(rng: rng, profile: profile, name: name, domain: domain, product: product, brand: brand,
                               countryName: d.countryNames[country] ?? country, flaggedDays: flaggedMs / 86_400_000,
                               violation: violation)
        let description = text.render(rng.pick(profile.descriptions))
        var kinds: [EvidenceKind] = [.website]
        if text.rng.chance(0.1) { kinds = [] }
        var others: [EvidenceKind] = [.transactions, .documents, .reviews]
        if kinds.isEmpty { others.append(.website) }
        let evidenceCount = text.rng.chance(0.55) ? 2 : 3
        while kinds.count < evidenceCount {
            let i = text.rng.int(others.count)
            kinds.append(others[i])
            others.remove(at: i)
        }
        var evidence: [Evidence] = []
        evidence.reserveCapacity(kinds.count)
        for (i, kind) in kinds.enumerated() {
            let id = d.evidenceIDs[i]
            evidence.append(Evidence(id: id, kind: kind.rawValue, source: text.source(kind, acct: acct),
                                     text: text.evidenceText(kind)))
        }
        // The rationale cites 1–3 of the evidence items, in order.
        let citeCount = 1 + text.rng.int(kinds.count)
        var cited = Array(kinds.indices)
        while cited.count > citeCount { cited.remove(at: text.rng.int(cited.count)) }
        let rationaleText = text.rationale(citing: cited.map { (d.evidenceIDs[$0], kinds[$0]) })
        let rationale = Rationale(model: "policy-llm", promptVersion: "v7", text: rationaleText,
                                  evidenceIDs: cited.map { d.evidenceIDs[$0] },
                                  createdAt: Timestamp(milliseconds: flaggedMs + 60_000 * Int64(2 + text.rng.int(118))))
        rng = text.rng
        let gold: String? = rng.chance(0.03) ? (violation ? "violation" : "no_violation") : nil

        return CaseRecord(
            caseID: caseID(index), policy: profile.key, flaggedAt: flaggedAt,
            merchant: Merchant(id: acct, name: name, country: country, mcc: mcc, url: url, description: description),
            scores: scores, attributions: [attribution], rationales: [rationale], evidence: evidence,
            features: snapshot, goldLabel: gold)
    }

    /// The case id for `index`: `c_` and index + 1 with at least seven digits.
    public func caseID(_ index: Int) -> String {
        let digits = String(index + 1)
        return "c_" + String(repeating: "0", count: max(0, 7 - digits.utf8.count)) + digits
    }
}

// MARK: - Helpers

/// SplitMix64: tiny, fast, and good enough for synthetic data.
struct SampleRNG: Sendable {
    var state: UInt64

    /// The SplitMix64 finaliser: a bijection on 64-bit values that scrambles them well.
    @inline(__always)
    static func mix(_ x0: UInt64) -> UInt64 {
        var z = x0
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SampleRNG.mix(state)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in 0..<n (n > 0).
    @inline(__always)
    mutating func int(_ n: Int) -> Int { Int(truncatingIfNeeded: (next() >> 1) % UInt64(n)) }

    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    @inline(__always)
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
}

/// Picks an index with probability proportional to its weight.
struct WeightedPicker<T: Sendable>: Sendable {
    let values: [T]
    let cumulative: [Double]

    init(_ pairs: [(T, Double)]) {
        values = pairs.map(\.0)
        var c: [Double] = []
        var total = 0.0
        for (_, w) in pairs { total += w; c.append(total) }
        cumulative = c.map { $0 / total }
    }

    func pickValue(_ rng: inout SampleRNG) -> T { values[pickIndex(&rng)] }

    func pickIndex(_ rng: inout SampleRNG) -> Int {
        let u = rng.unit()
        for (i, c) in cumulative.enumerated() where u < c { return i }
        return values.count - 1
    }
}

extension WeightedPicker where T == Int {
    func pick(_ rng: inout SampleRNG) -> Int { pickValue(&rng) }
}

@inline(__always)
func roundTo(_ x: Double, _ decimals: Int) -> Double {
    var p = 1.0
    for _ in 0..<decimals { p *= 10 }
    return (x * p).rounded() / p
}

private let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

func hex16(_ v: UInt64) -> String {
    var bytes = [UInt8](repeating: 0, count: 16)
    var x = v
    for i in stride(from: 15, through: 0, by: -1) {
        bytes[i] = hexDigits[Int(x & 15)]
        x >>= 4
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// `x` with exactly `decimals` digits after the point (x ≥ 0), without Foundation.
func fixed(_ x: Double, _ decimals: Int) -> String {
    var p: Int64 = 1
    for _ in 0..<decimals { p *= 10 }
    let n = Int64((abs(x) * Double(p)).rounded())
    let whole = String(n / p)
    let sign = x < 0 && n != 0 ? "-" : ""
    guard decimals > 0 else { return sign + whole }
    let frac = String(n % p)
    return sign + whole + "." + String(repeating: "0", count: decimals - frac.utf8.count) + frac
}

/// `n` with thousands separators, e.g. `12,480`.
func grouped(_ n: Int) -> String {
    let s = String(n)
    guard n >= 1000 else { return s }
    var out = ""
    for (i, c) in s.enumerated() {
        if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}

// MARK: - Features

struct FeatureContext {
    var risk: Double
    var violation: Bool
    var policy: String
    var country: String
    var mcc: String
    var highRiskCountry: Bool
}

/// One feature: how to draw its value for a case, and how strongly it pushes the score.
struct FeatureSpec: Sendable {
    let name: String
    /// The scale of its contributions (in logits).
    let weight: Double
    /// Returns the value and a push in about [−1, 1] (positive = towards a violation).
    let generate: @Sendable (inout SampleRNG, inout FeatureContext) -> (FeatureValue, Double)
}

enum EvidenceKind: String, Sendable {
    case website, transactions, documents, reviews
}

struct ModelInfo: Sendable {
    let name: String
    let version: String
    let threshold: Double
    let baseValue: Double
}

struct UnicodeName: Sendable {
    let name: String
    let slug: String
    let country: String
}

struct Word: Sendable {
    let word: String
    let slug: String
    init(_ word: String) {
        self.word = word
        self.slug = String(String.UnicodeScalarView(word.lowercased().unicodeScalars.filter {
            ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9")
        }))
    }
}

/// Everything the generator knows about one policy area.
struct PolicyProfile: Sendable {
    let key: String
    let policyName: String
    let firstWords: [Word]
    let secondWords: [Word]
    let unicodeNames: [UnicodeName]
    let countries: [String]
    let tlds: [String]
    let mccs: [String]
    /// What the merchant mainly sells when the story is a violation…
    let products: [String]
    /// …and when it is not (nil: the same list).
    var benignProducts: [String]? = nil
    let descriptions: [Template]
    let websitePaths: [String]
    let websiteViolation: [Template]
    let websiteBenign: [Template]
    let claimViolation: [Template]
    let claimBenign: [Template]
    let violationReasons: [String]
    let benignReasons: [String]
    /// Indices into the feature table that every attribution of this policy includes.
    let specificFeatures: [Int]
}

// MARK: - Templates

/// A text with `{slot}` placeholders, split once into pieces so rendering is only appends.
struct Template: Sendable {
    enum Slot: String, Sendable {
        case name, domain, product, product2, brand, pct, lowpct, n, big, amount, days, country, licence, reg,
             coin, rating, lowrating, date, policy
    }

    enum Piece: Sendable {
        case text(String)
        case slot(Slot)
    }

    let pieces: [Piece]

    init(_ s: String) {
        var pieces: [Piece] = []
        var rest = Substring(s)
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}"),
                  let slot = Slot(rawValue: String(rest[rest.index(after: open)..<close])) else {
                preconditionFailure("bad template slot in: \(s)")
            }
            pieces.append(.slot(slot))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }
}

struct TextContext {
    var rng: SampleRNG
    let profile: PolicyProfile
    let name: String
    let domain: String
    /// The merchant's main product and (for counterfeits) brand, the same in every text.
    let product: String
    let brand: String
    let countryName: String
    let flaggedDays: Int64
    let violation: Bool

    mutating func render(_ t: Template) -> String {
        var out = ""
        render(t, into: &out)
        return out
    }

    mutating func render(_ t: Template, into out: inout String) {
        let d = SampleData.shared
        for p in t.pieces {
            switch p {
            case .text(let s): out += s
            case .slot(let slot):
                switch slot {
                case .name: out += name
                case .domain: out += domain
                case .product: out += product
                case .product2:
                    let list = violation ? profile.products : (profile.benignProducts ?? profile.products)
                    var other = rng.pick(list)
                    if other == product { other = rng.pick(list) }
                    out += other
                case .brand: out += brand
                case .pct: out += fixed(2 + 38 * rng.unit(), 1) + "%"
                case .lowpct: out += fixed(0.1 + 1.4 * rng.unit(), 2) + "%"
                case .n: out += String(3 + rng.int(58))
                case .big: out += grouped(120 + rng.int(9000))
                case .amount: out += "$" + fixed(4 + 480 * rng.unit() * rng.unit(), 2)
                case .days: out += String(2 + rng.int(89))
                case .country: out += countryName
                case .licence: out += rng.pick(d.licences)
                case .reg: out += rng.pick(d.regulators)
                case .coin: out += rng.pick(d.coins)
                case .rating: out += fixed(3.6 + 1.3 * rng.unit(), 1)
                case .lowrating: out += fixed(1 + 1.4 * rng.unit(), 1)
                case .date: out += dateString(flaggedDays - Int64(1 + rng.int(60)))
                case .policy: out += profile.policyName
                }
            }
        }
    }

    func dateString(_ days: Int64) -> String {
        Timestamp(milliseconds: days * 86_400_000).isoDate
    }

    mutating func source(_ kind: EvidenceKind, acct: String) -> String {
        switch kind {
        case .website: return "https://" + domain + rng.pick(profile.websitePaths)
        case .transactions: return "https://risk.example.internal/merchants/" + acct + "/transactions?window=90d"
        case .documents: return "https://kyc.example.internal/merchants/" + acct + "/documents/" + String(1000 + rng.int(9000))
        case .reviews: return rng.pick(SampleData.shared.reviewSites) + domain
        }
    }

    mutating func evidenceText(_ kind: EvidenceKind) -> String {
        let d = SampleData.shared
        var out = ""
        switch kind {
        case .website:
            render(rng.pick(d.websiteOpenings), into: &out)
            out += " "
            render(rng.pick(violation ? profile.websiteViolation : profile.websiteBenign), into: &out)
            out += " "
            render(rng.pick(violation ? d.websiteClosingViolation : d.websiteClosingBenign), into: &out)
        case .transactions:
            render(rng.pick(violation ? d.txnViolation : d.txnBenign), into: &out)
            out += " "
            render(rng.pick(violation ? d.txnDetailViolation : d.txnDetailBenign), into: &out)
        case .documents:
            render(rng.pick(violation ? d.docsViolation : d.docsBenign), into: &out)
            out += " "
            render(rng.pick(d.docsDetail), into: &out)
        case .reviews:
            render(rng.pick(violation ? d.reviewsViolation : d.reviewsBenign), into: &out)
            out += " "
            render(rng.pick(violation ? d.reviewsDetailViolation : d.reviewsDetailBenign), into: &out)
        }
        return out
    }

    mutating func rationale(citing cited: [(id: String, kind: EvidenceKind)]) -> String {
        let d = SampleData.shared
        var out = ""
        render(rng.pick(violation ? profile.claimViolation : profile.claimBenign), into: &out)
        for (id, kind) in cited {
            out += " "
            let pool: [Template]
            switch kind {
            case .website: pool = violation ? d.citeWebsiteViolation : d.citeWebsiteBenign
            case .transactions: pool = violation ? d.citeTxnViolation : d.citeTxnBenign
            case .documents: pool = violation ? d.citeDocsViolation : d.citeDocsBenign
            case .reviews: pool = violation ? d.citeReviewsViolation : d.citeReviewsBenign
            }
            render(rng.pick(pool), into: &out)
            out += " [" + id + "]."
        }
        out += " "
        if violation {
            out += rng.pick(d.conclusionViolation) + " violation (" + rng.pick(profile.violationReasons) + ")."
        } else {
            out += rng.pick(d.conclusionBenign) + " no violation (" + rng.pick(profile.benignReasons) + ")."
        }
        return out
    }
}

// MARK: - Word lists and texts

/// The generator's fixed vocabulary, built once.
final class SampleData: Sendable {
    static let shared = SampleData()

    let supportModel = ModelInfo(name: "supportability-xgb", version: "2026-11-01", threshold: 0.5, baseValue: -2.0137)
    let supportOldVersion = "2026-10-01"
    let fraudModel = ModelInfo(name: "fraud-gbm", version: "v42", threshold: 0.5, baseValue: -2.2451)
    let evidenceIDs = ["e1", "e2", "e3"]

    let profiles: [PolicyProfile]
    let policyPicker: WeightedPicker<Int>
    let countryPicker: WeightedPicker<String>
    let features: [FeatureSpec]
    /// Indices of features any policy may use.
    let commonFeatures: [Int]

    let highRiskCountries: Set<String> = ["NG", "RU", "UA", "CW", "SC", "VG", "KH", "VN", "PH", "TR", "PA", "BY"]
    let countryNames: [String: String] = [
        "US": "the United States", "GB": "the United Kingdom", "CA": "Canada", "DE": "Germany", "FR": "France",
        "NL": "the Netherlands", "ES": "Spain", "IT": "Italy", "AU": "Australia", "BR": "Brazil", "MX": "Mexico",
        "IN": "India", "JP": "Japan", "CN": "China", "HK": "Hong Kong", "SG": "Singapore", "AE": "the UAE",
        "RU": "Russia", "UA": "Ukraine", "NG": "Nigeria", "PH": "the Philippines", "TR": "Turkey", "CY": "Cyprus",
        "MT": "Malta", "CW": "Curaçao", "SC": "Seychelles", "VG": "the British Virgin Islands", "EE": "Estonia",
        "PL": "Poland", "KR": "South Korea", "GR": "Greece", "EG": "Egypt", "SA": "Saudi Arabia", "KZ": "Kazakhstan",
        "VN": "Vietnam", "KH": "Cambodia", "PA": "Panama", "BY": "Belarus", "CH": "Switzerland", "SE": "Sweden",
        "CZ": "Czechia", "NO": "Norway", "AR": "Argentina", "CO": "Colombia", "TH": "Thailand", "IE": "Ireland", "PT": "Portugal",
    ]
    let nameSuffixes = ["LLC", "Ltd", "Inc.", "Co.", "Online", "Shop", "Store", "Group", "HQ", "& Co"]
    let platforms = ["shopify", "woocommerce", "custom", "wix", "magento", "bigcommerce", "squarespace"]
    let brands = ["Rolex", "Louis Vuitton", "Nike", "Gucci", "Chanel", "Apple", "Prada", "Cartier", "Hermès",
                  "Dior", "Adidas", "Omega", "Balenciaga", "Ray-Ban"]
    let licences = ["Curaçao eGaming", "the Malta Gaming Authority", "the UK Gambling Commission",
                    "the Kahnawake Gaming Commission", "the Isle of Man GSC", "Anjouan Gaming"]
    let regulators = ["FinCEN", "FINTRAC", "the FCA", "AUSTRAC", "BaFin", "the MAS"]
    let coins = ["USDT", "BTC", "ETH", "TRX", "SOL", "XMR", "USDC"]
    let reviewSites = ["https://www.trustpilot.com/review/", "https://www.sitejabber.com/reviews/",
                       "https://www.scamadviser.com/check-website/", "https://www.reddit.com/search/?q="]

    let websiteOpenings: [Template]
    let websiteClosingViolation: [Template]
    let websiteClosingBenign: [Template]
    let txnViolation: [Template]
    let txnBenign: [Template]
    let txnDetailViolation: [Template]
    let txnDetailBenign: [Template]
    let docsViolation: [Template]
    let docsBenign: [Template]
    let docsDetail: [Template]
    let reviewsViolation: [Template]
    let reviewsBenign: [Template]
    let reviewsDetailViolation: [Template]
    let reviewsDetailBenign: [Template]
    let citeWebsiteViolation: [Template]
    let citeWebsiteBenign: [Template]
    let citeTxnViolation: [Template]
    let citeTxnBenign: [Template]
    let citeDocsViolation: [Template]
    let citeDocsBenign: [Template]
    let citeReviewsViolation: [Template]
    let citeReviewsBenign: [Template]
    let conclusionViolation: [String]
    let conclusionBenign: [String]

    private init() {
        func ts(_ xs: [String]) -> [Template] { xs.map(Template.init) }
        func words(_ xs: [String]) -> [Word] { xs.map(Word.init) }

        // Features. Order here is the model's feature order (attributions list features in it).
        var f: [FeatureSpec] = []
        func add(_ name: String, _ weight: Double,
                 _ g: @escaping @Sendable (inout SampleRNG, inout FeatureContext) -> (FeatureValue, Double)) -> Int {
            f.append(FeatureSpec(name: name, weight: weight, generate: g))
            return f.count - 1
        }
        let chargeback = add("chargeback_rate_90d", 0.6) { r, c in
            let v = roundTo(0.001 + c.risk * c.risk * 0.05 * (0.3 + r.unit()), 4)
            return (.number(v), clamp((v - 0.008) / 0.015))
        }
        let refund = add("refund_rate_30d", 0.4) { r, c in
            let v = roundTo(0.005 + c.risk * 0.22 * r.unit(), 4)
            return (.number(v), clamp((v - 0.05) / 0.08))
        }
        let accountAge = add("account_age_days", 0.5) { r, c in
            let v = Double(3 + Int(pow2(1 - c.risk) * 1400 * r.unit()))
            return (.number(v), clamp((180 - v) / 180))
        }
        let highMCC: Set<String> = ["7995", "7994", "5967", "5122", "6051", "5993", "7273"]
        let mccRisk = add("mcc_risk", 0.45) { r, c in
            let v = highMCC.contains(c.mcc) ? "high" : (r.chance(0.5) ? "medium" : "low")
            return (.string(v), v == "high" ? 0.8 : (v == "medium" ? 0.2 : -0.4))
        }
        let categoryConfidence = add("website_category_confidence", 0.5) { r, c in
            let v = roundTo(0.35 + 0.64 * (c.violation ? 0.5 + 0.5 * r.unit() : r.unit()), 3)
            return (.number(v), c.violation ? v : v - 0.7)
        }
        let category = add("website_category", 0.55) { r, c in
            let v: String
            switch c.policy {
            case "gambling": v = c.violation ? "online_gambling" : (r.chance(0.5) ? "games" : "sweepstakes")
            case "weapons": v = c.violation ? "firearms" : "sporting_goods"
            case "counterfeit": v = c.violation ? "luxury_replicas" : "fashion_retail"
            case "adult": v = c.violation ? "adult" : "dating"
            case "drugs": v = c.violation ? "online_pharmacy" : "health_supplements"
            case "crypto": v = c.violation ? "crypto_exchange" : "fintech"
            default: v = r.chance(0.5) ? "electronics" : "general_retail"
            }
            return (.string(v), c.violation ? 0.8 : -0.5)
        }
        let domainAge = add("domain_age_days", 0.4) { r, c in
            let v = Double(1 + Int(pow2(1 - c.risk) * 3000 * r.unit()))
            return (.number(v), clamp((120 - v) / 120))
        }
        let ipMismatch = add("ip_country_mismatch", 0.35) { r, c in
            let v = r.chance(0.1 + 0.5 * c.risk)
            return (.bool(v), v ? 0.9 : -0.2)
        }
        let avgTicket = add("avg_ticket_usd", 0.3) { r, c in
            let v = roundTo(8 + 600 * r.unit() * r.unit() * (0.5 + c.risk), 2)
            return (.number(v), clamp((v - 120) / 300))
        }
        let velocity = add("txn_velocity_24h", 0.35) { r, c in
            let v = Double(Int(2 + 400 * c.risk * r.unit() * r.unit()))
            return (.number(v), clamp((v - 40) / 100))
        }
        let priorFlags = add("prior_flags", 0.45) { r, c in
            let v = Double(r.chance(0.2 + 0.5 * c.risk) ? 1 + r.int(4) : 0)
            return (.number(v), v == 0 ? -0.3 : min(1, v / 2))
        }
        let kyc = add("kyc_document_match", 0.5) { r, c in
            let v = !r.chance(0.05 + 0.35 * c.risk)
            return (.bool(v), v ? -0.5 : 1)
        }
        let highRisk = add("high_risk_country", 0.3) { _, c in
            (.bool(c.highRiskCountry), c.highRiskCountry ? 1 : -0.2)
        }
        let freemail = add("support_email_freemail", 0.2) { r, c in
            let v = r.chance(0.15 + 0.5 * c.risk)
            return (.bool(v), v ? 0.6 : -0.2)
        }
        let refundPolicy = add("has_refund_policy", 0.2) { r, c in
            let v = r.chance(0.9 - 0.5 * c.risk)
            return (.bool(v), v ? -0.4 : 0.6)
        }
        let ssl = add("ssl_valid", 0.1) { r, _ in
            let v = r.chance(0.95)
            return (.bool(v), v ? -0.1 : 0.8)
        }
        func keywords(_ name: String, _ weight: Double) -> Int {
            add(name, weight) { r, c in
                let v = roundTo(min(0.999, c.violation ? 0.45 + 0.55 * c.risk * (0.6 + 0.4 * r.unit()) : 0.05 + 0.5 * r.unit()), 3)
                return (.number(v), (v - 0.4) * 1.6)
            }
        }
        let gamblingKw = keywords("gambling_keywords_score", 0.9)
        let weaponsKw = keywords("weapons_keywords_score", 0.9)
        let brandKw = keywords("brand_keywords_score", 0.8)
        let adultKw = keywords("adult_content_score", 0.9)
        let pharmaKw = keywords("pharma_keywords_score", 0.9)
        let cryptoKw = keywords("crypto_keywords_score", 0.9)
        let priceRatio = add("counterfeit_price_ratio", 0.7) { r, c in
            let v = roundTo(c.violation ? 0.05 + 0.3 * r.unit() : 0.55 + 0.45 * r.unit(), 3)
            return (.number(v), clamp((0.5 - v) * 2.5))
        }
        let ageGate = add("age_gate_present", 0.4) { r, c in
            let v = r.chance(c.violation ? 0.3 : 0.8)
            return (.bool(v), v ? -0.4 : 0.9)
        }
        let declines = add("card_decline_rate_7d", 0.7) { r, c in
            let v = roundTo(0.02 + 0.45 * c.risk * c.risk * r.unit(), 4)
            return (.number(v), clamp((v - 0.08) / 0.12))
        }
        let cardsPerDevice = add("distinct_cards_per_device", 0.6) { r, c in
            let v = Double(1 + Int(12 * c.risk * r.unit() * r.unit()))
            return (.number(v), clamp((v - 2) / 4))
        }
        let payoutChanges = add("payout_account_changes_30d", 0.5) { r, c in
            let v = Double(r.chance(0.1 + 0.4 * c.risk) ? 1 + r.int(3) : 0)
            return (.number(v), v == 0 ? -0.3 : min(1, v / 2))
        }
        let cryptoPayout = add("crypto_payout_requested", 0.4) { r, c in
            let v = r.chance(c.policy == "crypto" ? 0.3 + 0.5 * c.risk : 0.05 + 0.1 * c.risk)
            return (.bool(v), v ? 0.8 : -0.1)
        }
        features = f
        commonFeatures = [chargeback, refund, accountAge, mccRisk, categoryConfidence, domainAge, ipMismatch,
                          avgTicket, velocity, priorFlags, kyc, highRisk, freemail, refundPolicy, ssl]

        let commonTLDs = ["com", "net", "shop", "store", "co", "io", "online", "xyz"]
        profiles = [
            PolicyProfile(
                key: "fraud", policyName: "fraud",
                firstWords: words(["Prime", "Global", "Express", "Smart", "Digital", "Urban", "Nova", "Apex", "Bright",
                                   "Metro", "Quick", "Star", "Blue", "Summit", "Vertex"]),
                secondWords: words(["Electronics", "Deals", "Outlet", "Gadgets", "Supply", "Traders", "Direct",
                                    "Wholesale", "Tech Store", "Marketplace", "Imports", "Bargains"]),
                unicodeNames: [
                    UnicodeName(name: "Électro Rapide", slug: "electro-rapide", country: "FR"),
                    UnicodeName(name: "Техно Маркет", slug: "tekhnomarket", country: "RU"),
                    UnicodeName(name: "深圳数码商城", slug: "szdigitalmall", country: "CN"),
                    UnicodeName(name: "Ofertas Rápidas", slug: "ofertasrapidas", country: "MX"),
                    UnicodeName(name: "متجر التقنية", slug: "techstore-ae", country: "AE"),
                    UnicodeName(name: "⚡ Flash Deals ⚡", slug: "flashdeals", country: "US"),
                    UnicodeName(name: "Günstig Technik", slug: "guenstig-technik", country: "DE"),
                ],
                countries: ["NG", "HK", "CN", "TR", "PH", "VN"],
                tlds: commonTLDs,
                mccs: ["5732", "5999", "5311", "5945", "4722", "5732"],
                products: ["wireless earbuds", "gaming consoles", "smartphones", "gift cards", "laptops",
                           "smart watches", "airline tickets", "graphics cards", "robot vacuums"],
                descriptions: ts([
                    "Discount {product} and {product2} shipped worldwide. Lowest prices guaranteed.",
                    "{name} sells {product} at wholesale prices to consumers and resellers.",
                    "Online store for {product}, {product2} and accessories. Free shipping on every order.",
                    "Flash sales on {product} every day, while stocks last.",
                ]),
                websitePaths: ["/", "/deals", "/shop/all", "/contact", "/shipping-policy", "/about-us"],
                websiteViolation: ts([
                    "The storefront lists {product} at {pct} below typical retail, and every product shows the same 'only 3 left' banner between visits.",
                    "Checkout accepts cards only after an unusual 'verification charge' of {amount}, and the contact page lists an address in {country} that resolves to a mail-forwarding service.",
                    "Product photos for {product} are lifted from a major retailer's catalogue (the watermark is cropped but visible), and shipping is promised in '3–45 business days'.",
                ]),
                websiteBenign: ts([
                    "The site sells {product} at prices close to market, publishes a returns policy and a street address in {country} that matches the business registration.",
                    "The catalogue is small but consistent: {product} and {product2} with original photos, stock levels that change, and tracked shipping.",
                ]),
                claimViolation: ts([
                    "{name} shows a pattern consistent with a merchant taking payment for {product} it does not deliver.",
                    "The account looks like a bust-out: a young merchant selling {product} whose volume and disputes jumped together.",
                    "{name} is likely defrauding buyers: cheap {product}, no verifiable business identity and rising disputes.",
                ]),
                claimBenign: ts([
                    "{name} was flagged by the fraud model, but its history looks like an ordinary reseller of {product}.",
                    "The fraud score for {name} seems driven by a seasonal sales spike rather than abuse.",
                ]),
                violationReasons: ["non_delivery", "stolen_cards", "bust_out", "identity_mismatch"],
                benignReasons: ["false_positive"],
                specificFeatures: [declines, cardsPerDevice, payoutChanges]),
            PolicyProfile(
                key: "gambling", policyName: "gambling",
                firstWords: words(["Lucky", "Golden", "Royal", "Jackpot", "Ace", "Vegas", "Spin", "Diamond", "Fortune",
                                   "Mega", "Red", "Wild"]),
                secondWords: words(["Spins", "Casino", "Bets", "Play", "Slots", "Games Club", "Rewards", "Arcade",
                                    "Palace", "Wins", "Sweeps"]),
                unicodeNames: [
                    UnicodeName(name: "Lucky 🍀 Spins", slug: "luckyspins", country: "CW"),
                    UnicodeName(name: "Казино Удача", slug: "kazino-udacha", country: "RU"),
                    UnicodeName(name: "幸运娱乐城", slug: "xingyun-yule", country: "HK"),
                    UnicodeName(name: "Fortuna Apuestas Méx", slug: "fortuna-apuestas", country: "MX"),
                    UnicodeName(name: "Τυχερό Παιχνίδι", slug: "tychero", country: "GR"),
                    UnicodeName(name: "🎰 Royal Slots", slug: "royalslots", country: "MT"),
                ],
                countries: ["CW", "MT", "CY", "PH", "GB"],
                tlds: ["com", "bet", "casino", "io", "club", "vip", "win"],
                mccs: ["7995", "7995", "7994", "7999", "5816"],
                products: ["online slots", "live roulette", "sports betting", "crash games", "poker tournaments",
                           "scratch cards", "bingo rooms", "live blackjack"],
                descriptions: ts([
                    "Free-to-play social casino with {product} and {product2}. Play for fun and win prizes.",
                    "{name}: the home of {product}. Instant payouts, daily bonuses.",
                    "Sweepstakes gaming platform offering {product}. No purchase necessary.",
                    "Entertainment platform with {product} and a loyalty programme.",
                ]),
                websitePaths: ["/", "/promotions", "/games/slots", "/terms", "/responsible-gaming", "/cashier"],
                websiteViolation: ts([
                    "The lobby offers {product} and {product2} for real money, with a 200% first-deposit bonus and 'instant crypto withdrawals'.",
                    "The footer claims a licence from {licence}, but the licence number shown returns no record in the regulator's public register.",
                    "Players buy 'gold coins' that convert one-to-one into cash prizes; the sweepstakes rules page is empty and there is no free entry method.",
                ]),
                websiteBenign: ts([
                    "The footer shows a licence from {licence}; the number matches the regulator's register and the operator name matches the account.",
                    "The games are {product} played with virtual coins that cannot be cashed out; the terms say so plainly and there is no cashier page.",
                ]),
                claimViolation: ts([
                    "{name} appears to run unlicensed real-money gambling ({product}).",
                    "{name} presents itself as a sweepstakes site, but the coins it sells convert into cash prizes: gambling in disguise.",
                ]),
                claimBenign: ts([
                    "{name} offers {product}, but it holds a verifiable licence for the markets it serves.",
                    "{name} is a social casino: {product} with virtual coins that cannot be redeemed for money.",
                ]),
                violationReasons: ["unlicensed_gambling", "sweepstakes_disguise"],
                benignReasons: ["licensed_operator", "false_positive"],
                specificFeatures: [gamblingKw, category, ageGate]),
            PolicyProfile(
                key: "weapons", policyName: "weapons",
                firstWords: words(["Liberty", "Patriot", "Eagle", "Frontier", "Tactical", "Iron", "Ridge", "Lone Star",
                                   "Summit", "Outpost", "Falcon"]),
                secondWords: words(["Arms", "Outdoors", "Tactical", "Supply", "Armory", "Gear", "Sporting Goods",
                                    "Outfitters", "Defense", "Precision"]),
                unicodeNames: [
                    UnicodeName(name: "Jäger Ausrüstung", slug: "jaeger-ausruestung", country: "DE"),
                    UnicodeName(name: "Охотник Снаряжение", slug: "okhotnik", country: "RU"),
                    UnicodeName(name: "Armería del Norte", slug: "armeria-norte", country: "MX"),
                    UnicodeName(name: "タクティカル用品店", slug: "tactical-jp", country: "JP"),
                    UnicodeName(name: "Økern Friluft", slug: "okern-friluft", country: "NO"),
                ],
                countries: ["US", "US", "US", "CA"],
                tlds: commonTLDs,
                mccs: ["5941", "5941", "5999", "5940", "5699"],
                products: ["80% lower receivers", "pistol frame kits", "solvent trap kits", "9mm ammunition",
                           "AR-15 parts kits", "suppressor kits"],
                benignProducts: ["rifle scopes", "tactical vests", "airsoft rifles", "hunting knives", "range bags",
                                 "camping gear"],
                descriptions: ts([
                    "Outdoor and tactical gear: {product}, {product2} and range accessories.",
                    "{name} supplies {product} to hunters and sport shooters.",
                    "Family-run sporting goods store selling {product} and camping equipment.",
                ]),
                websitePaths: ["/", "/shop/receivers", "/products", "/faq", "/shipping", "/about"],
                websiteViolation: ts([
                    "The catalogue lists {product} with jigs and drill bits 'for home completion', and the FAQ says no serial numbers or background checks are required.",
                    "Product pages sell {product} and {product2}; ammunition ships to any state with 'no FFL needed' in the description.",
                    "The 'cleaning kit' listings are solvent traps with pre-indexed cups, photographed next to threaded barrels.",
                ]),
                websiteBenign: ts([
                    "The store sells {product} and {product2}: optics, clothing and accessories, with no firearms, ammunition or regulated parts listed.",
                    "The catalogue is camping and hunting gear; the only blades are fixed-blade hunting knives sold with age verification.",
                ]),
                claimViolation: ts([
                    "{name} sells regulated firearm parts ({product}) without the controls the policy requires.",
                    "{name} appears to sell {product}, which the payment partner prohibits.",
                ]),
                claimBenign: ts([
                    "{name} sells sporting goods ({product}) that the policy allows.",
                    "The flag on {name} comes from tactical wording, but the products are non-lethal gear such as {product}.",
                ]),
                violationReasons: ["firearms", "firearm_parts"],
                benignReasons: ["non_lethal_ok", "false_positive"],
                specificFeatures: [weaponsKw, category, ageGate]),
            PolicyProfile(
                key: "counterfeit", policyName: "counterfeit goods",
                firstWords: words(["Luxe", "Elite", "Maison", "Grand", "Prestige", "Bella", "Urban", "Vogue", "Royal",
                                   "Noble", "Chic"]),
                secondWords: words(["Boutique", "Replica", "Outlet", "Style", "Fashion", "Atelier", "Closet", "Designs",
                                    "Luxury", "Vault"]),
                unicodeNames: [
                    UnicodeName(name: "Café Lumière Boutique", slug: "cafelumiere", country: "FR"),
                    UnicodeName(name: "名品アウトレット", slug: "meihin-outlet", country: "JP"),
                    UnicodeName(name: "Дизайнер Сумки", slug: "dizayner-sumki", country: "RU"),
                    UnicodeName(name: "精品名表", slug: "jingpin-watch", country: "CN"),
                    UnicodeName(name: "Moda Elegância", slug: "moda-elegancia", country: "BR"),
                    UnicodeName(name: "👜 Luxe Bags 👜", slug: "luxebags", country: "HK"),
                    UnicodeName(name: "명품 스토어", slug: "myeongpum", country: "KR"),
                ],
                countries: ["CN", "HK", "TR", "TH", "VN"],
                tlds: commonTLDs,
                mccs: ["5944", "5691", "5661", "5948", "5651"],
                products: ["watches", "handbags", "sneakers", "sunglasses", "wallets", "belts", "earbuds", "perfume"],
                descriptions: ts([
                    "Designer-inspired {product} and {product2} at outlet prices.",
                    "{name} offers premium {product} from top brands, 1:1 quality.",
                    "Authentic pre-owned luxury {product} with a certificate for every item.",
                    "Fashion {product} and accessories shipped from our warehouse.",
                ]),
                websitePaths: ["/", "/collections/bags", "/products", "/authenticity", "/contact", "/faq"],
                websiteViolation: ts([
                    "Listings for {brand} {product} are priced at {amount}, about a tenth of retail, and described as '1:1 mirror quality, AAA grade'.",
                    "The site uses {brand} logos throughout; the FAQ says items ship 'without brand tags to pass customs' and arrive in a separate box.",
                    "Product titles misspell brand names ('{brand}e', 'G-ucci') to avoid keyword filters, while the photos show the real logos.",
                ]),
                websiteBenign: ts([
                    "Each {product} listing shows serial numbers and an authentication certificate; prices are within 20% of resale market values.",
                    "The site sells unbranded {product} under its own label; no third-party trademarks appear in listings or photos.",
                ]),
                claimViolation: ts([
                    "{name} sells replica {brand} {product} at prices no genuine item could have.",
                    "{name} uses {brand} trademarks without authorisation to sell {product}.",
                ]),
                claimBenign: ts([
                    "{name} resells genuine pre-owned {product} with authentication, which the policy allows.",
                    "The brand keywords on {name} come from comparison text; the {product} it sells are its own label.",
                ]),
                violationReasons: ["replica_goods", "brand_misuse"],
                benignReasons: ["authorised_reseller", "false_positive"],
                specificFeatures: [brandKw, priceRatio, category]),
            PolicyProfile(
                key: "adult", policyName: "adult content",
                firstWords: words(["Velvet", "Midnight", "Scarlet", "Secret", "Private", "Silk", "After Dark", "Ruby",
                                   "Desire", "Nocturne"]),
                secondWords: words(["Club", "Lounge", "Studio", "Room", "Media", "Pass", "Stream", "Garden", "Boutique"]),
                unicodeNames: [
                    UnicodeName(name: "Ночной Клуб", slug: "nochnoy-klub", country: "RU"),
                    UnicodeName(name: "Séduction Privée", slug: "seduction-privee", country: "FR"),
                    UnicodeName(name: "💋 Velvet Room", slug: "velvetroom", country: "US"),
                    UnicodeName(name: "夜の部屋", slug: "yoru-no-heya", country: "JP"),
                    UnicodeName(name: "Noche Íntima", slug: "noche-intima", country: "ES"),
                ],
                countries: ["CY", "NL", "US", "CZ"],
                tlds: ["com", "tv", "club", "xxx", "live", "net"],
                mccs: ["5967", "5967", "7841", "5999", "7273"],
                products: ["video subscriptions", "live cam shows", "premium photo sets", "companion chat"],
                benignProducts: ["lingerie", "adult toys", "wellness products", "dating memberships"],
                descriptions: ts([
                    "Premium entertainment memberships: {product} and {product2}.",
                    "{name}: exclusive {product} for members.",
                    "Online boutique for {product} and wellness products.",
                ]),
                websitePaths: ["/", "/join", "/members", "/models", "/terms", "/2257"],
                websiteViolation: ts([
                    "The home page shows explicit previews before any age check, and the join page sells {product} billed as 'digital media'.",
                    "Billing descriptors say 'online services' while the site sells {product}; there is no age verification beyond a checkbox.",
                    "The site advertises {product} and 'private meetings' in {country}; the models page lists no records-keeping statement.",
                ]),
                websiteBenign: ts([
                    "The shop sells {product} behind a real age gate; images are non-explicit and the billing descriptor names the store.",
                    "The site is a dating service with mandatory ID verification; no explicit material is shown or sold.",
                ]),
                claimViolation: ts([
                    "{name} sells adult content ({product}) under a misleading descriptor.",
                    "{name} offers {product} without meaningful age verification.",
                ]),
                claimBenign: ts([
                    "{name} sells {product}, which is allowed, behind proper age verification.",
                    "The adult-content score on {name} seems driven by lingerie imagery; nothing explicit is sold.",
                ]),
                violationReasons: ["adult_content", "age_verification_missing"],
                benignReasons: ["false_positive"],
                specificFeatures: [adultKw, ageGate, category]),
            PolicyProfile(
                key: "drugs", policyName: "drugs and supplements",
                firstWords: words(["Pure", "Vital", "Green", "Nature's", "Alpha", "Peak", "Zen", "Bio", "Herbal",
                                   "Clear", "Nova"]),
                secondWords: words(["Pharmacy", "Botanicals", "Labs", "Wellness", "Remedies", "Health", "Nutrition",
                                    "Apothecary", "Peptides", "Meds"]),
                unicodeNames: [
                    UnicodeName(name: "Farmacia Económica", slug: "farmacia-economica", country: "MX"),
                    UnicodeName(name: "Аптека Здоровье", slug: "apteka-zdorovye", country: "RU"),
                    UnicodeName(name: "صيدلية النور", slug: "alnoor-pharmacy", country: "EG"),
                    UnicodeName(name: "漢方の森", slug: "kampo-mori", country: "JP"),
                    UnicodeName(name: "Kraków Suplementy", slug: "krakow-suplementy", country: "PL"),
                    UnicodeName(name: "🌿 Green Leaf Wellness", slug: "greenleaf", country: "US"),
                ],
                countries: ["IN", "MX", "US", "CA", "GB"],
                tlds: commonTLDs,
                mccs: ["5122", "5122", "5912", "5499", "5999"],
                products: ["kratom capsules", "modafinil tablets", "semaglutide pens", "tramadol", "delta-8 gummies",
                           "research peptides", "sildenafil"],
                benignProducts: ["CBD oil", "melatonin gummies", "hemp-derived CBD gummies", "vitamin D drops",
                                 "protein powder"],
                descriptions: ts([
                    "Natural wellness products: {product}, {product2} and vitamins.",
                    "{name} ships {product} discreetly worldwide.",
                    "Online pharmacy and health store with {product} at affordable prices.",
                    "Lab-tested {product} for research and wellness.",
                ]),
                websitePaths: ["/", "/shop", "/products", "/lab-reports", "/faq", "/shipping"],
                websiteViolation: ts([
                    "The shop sells {product} and {product2} with 'no prescription needed' and dosing advice; payment can be made in {coin}.",
                    "Products are labelled 'for research only, not for human consumption', yet the FAQ explains dosing for weight loss and sleep.",
                    "Checkout skips any prescription upload for {product}; the pharmacy licence number shown belongs to a different business.",
                ]),
                websiteBenign: ts([
                    "The store sells {product} with third-party lab reports (THC below 0.3%) and no medical claims beyond general wellness.",
                    "Prescription items require an upload verified by a licensed pharmacist; the licence matches the state register.",
                ]),
                claimViolation: ts([
                    "{name} sells {product} without a prescription, which the policy prohibits.",
                    "{name} markets {product} as a 'research chemical' while giving dosing instructions for people.",
                ]),
                claimBenign: ts([
                    "{name} sells compliant {product} with lab reports, which the policy allows.",
                    "{name} is a licensed pharmacy that verifies prescriptions; the flag looks like a keyword false positive.",
                ]),
                violationReasons: ["prescription_no_rx", "controlled_substance"],
                benignReasons: ["cbd_compliant", "false_positive"],
                specificFeatures: [pharmaKw, category, cryptoPayout]),
            PolicyProfile(
                key: "crypto", policyName: "crypto and money services",
                firstWords: words(["Coin", "Block", "Crypto", "Chain", "Satoshi", "Bit", "Ledger", "Hash", "Token",
                                   "Moon", "Quantum"]),
                secondWords: words(["Exchange", "Swap", "Capital", "Vault", "Pay", "Trade", "Yield", "Wallet", "Markets",
                                    "Finance"]),
                unicodeNames: [
                    UnicodeName(name: "Криптообмен", slug: "kriptoobmen", country: "RU"),
                    UnicodeName(name: "币安通", slug: "biantong", country: "HK"),
                    UnicodeName(name: "Câmbio Cripto", slug: "cambio-cripto", country: "BR"),
                    UnicodeName(name: "🚀 MoonYield", slug: "moonyield", country: "SC"),
                    UnicodeName(name: "تبادل العملات", slug: "tabadul", country: "AE"),
                    UnicodeName(name: "Крипто Кэш", slug: "kripto-kesh", country: "KZ"),
                ],
                countries: ["SC", "VG", "EE", "AE", "PA", "CY"],
                tlds: ["com", "io", "finance", "exchange", "app", "net"],
                mccs: ["6051", "6051", "6211", "6012", "4829"],
                products: ["USDT-to-cash exchange", "bitcoin vouchers", "arbitrage plans", "staking pools",
                           "peer-to-peer wallet top-ups", "gift-card-to-BTC swaps"],
                benignProducts: ["portfolio-tracking software", "crypto tax reports", "a regulated exchange",
                                 "hardware wallets"],
                descriptions: ts([
                    "Fast and secure {product}. Low fees, no limits.",
                    "{name} helps customers buy and sell digital assets through {product}.",
                    "Software subscription for {product} and portfolio tracking.",
                    "Digital asset services: {product} and {product2}.",
                ]),
                websitePaths: ["/", "/plans", "/exchange", "/faq", "/legal", "/about"],
                websiteViolation: ts([
                    "The site exchanges cards for {coin} with 'no KYC, no limits', and sends the coins to any wallet address.",
                    "Investment plans promise {pct} per week 'guaranteed', with referral bonuses paid from new deposits.",
                    "The legal page names no registered entity; card payments are described as 'software licences' but buy {coin}.",
                ]),
                websiteBenign: ts([
                    "The site sells portfolio-tracking software; it never holds customer funds, and its registration with {reg} is public.",
                    "The exchange shows its registration with {reg}, runs identity checks before trading and publishes proof of reserves.",
                ]),
                claimViolation: ts([
                    "{name} appears to transmit money ({product}) without registration.",
                    "{name} offers {product} promising fixed high returns: the marks of an investment scheme.",
                ]),
                claimBenign: ts([
                    "{name} is registered with {reg} and runs identity checks, so what it offers ({product}) is allowed.",
                    "{name} sells software, not money transmission; the crypto keywords come from its product pages.",
                ]),
                violationReasons: ["unregistered_msb", "investment_scheme"],
                benignReasons: ["false_positive", "insufficient_evidence"],
                specificFeatures: [cryptoKw, category, cryptoPayout]),
        ]
        policyPicker = WeightedPicker([(0, 0.25), (1, 0.15), (2, 0.10), (3, 0.15), (4, 0.10), (5, 0.13), (6, 0.12)])
        countryPicker = WeightedPicker([
            ("US", 34), ("GB", 8), ("CA", 6), ("DE", 5), ("FR", 4), ("NL", 3), ("ES", 3), ("IT", 3), ("AU", 4),
            ("BR", 3), ("MX", 3), ("IN", 3), ("JP", 2), ("CN", 2), ("HK", 3), ("SG", 2), ("AE", 2), ("RU", 1),
            ("UA", 1), ("NG", 2), ("PH", 2), ("TR", 2), ("CY", 1), ("MT", 1), ("IE", 1), ("PL", 1), ("SE", 1),
        ])

        websiteOpenings = ts([
            "Snapshot of {domain} taken on {date}.",
            "Crawl of {domain} ({n} pages) on {date}.",
            "Manual review of the merchant's website, {domain}.",
        ])
        websiteClosingViolation = ts([
            "The WHOIS record is privacy-protected and the domain was registered {days} days ago.",
            "Customer service is a messaging link only; no company number or registered address appears anywhere on the site.",
            "The terms of service were copied from another merchant and still name that merchant in two places.",
        ])
        websiteClosingBenign = ts([
            "The business address, company number and support phone line are consistent with the onboarding data.",
            "Terms, privacy policy and returns policy are present and name the same legal entity as the account.",
            "The site has been online for years according to archive captures, with a consistent product range.",
        ])
        txnViolation = ts([
            "Over the last 90 days the account processed {big} transactions; the dispute rate reached {pct} in the last 30 days, against {lowpct} for its category.",
            "Card declines rose to {pct} of attempts this week, with many small authorisations from the same devices: a card-testing pattern.",
            "Volume tripled in the {days} days before the flag while the average ticket fell to {amount}; {n} cards were used from a single IP range.",
        ])
        txnBenign = ts([
            "Over the last 90 days the account processed {big} transactions with a dispute rate of {lowpct}, in line with its category.",
            "Volume is steady week over week; refunds are {lowpct} of sales and customers come mostly from the merchant's own country.",
            "The recent volume increase matches a seasonal pattern seen last year for this merchant; declines stayed below {lowpct}.",
        ])
        txnDetailViolation = ts([
            "Most disputes cite 'merchandise not received'; {n} cardholders contacted their banks within a week of purchase.",
            "Payouts were redirected to a new bank account {days} days ago, shortly before the volume spike.",
            "About {pct} of payments come from cards issued outside the merchant's country, often minutes apart.",
        ])
        txnDetailBenign = ts([
            "Disputes that occurred were resolved in the merchant's favour with delivery confirmation.",
            "Payout details have not changed since onboarding.",
            "Repeat customers make up a large share of volume, which is typical of an established shop.",
        ])
        docsViolation = ts([
            "The identity document uploaded at onboarding does not match the name of the account holder; the selfie check was skipped.",
            "The business registration provided is for a dormant company in {country} with a different line of business.",
            "The utility bill submitted as proof of address appears edited: fonts differ between the address block and the rest of the page.",
        ])
        docsBenign = ts([
            "The business registration and the director's passport match the account details and were verified at onboarding.",
            "The merchant supplied a valid licence and a certificate of incorporation in {country}; both check out against public registers.",
            "Identity documents, proof of address and bank statements are consistent with each other and with the application.",
        ])
        docsDetail = ts([
            "Documents were reviewed on {date} by the onboarding team.",
            "No further documents were requested after onboarding.",
            "The merchant answered a request for information within {n} hours.",
        ])
        reviewsViolation = ts([
            "{n} reviews in the last month average {lowrating} out of 5; most say orders of {product} never arrived and support stopped answering.",
            "Buyers on a consumer forum report being charged repeatedly for {product} and call the site a scam.",
            "Reviews mention {product} arriving late, not as described or not at all; several reviewers filed chargebacks.",
        ])
        reviewsBenign = ts([
            "{big} reviews average {rating} out of 5; complaints are about slow shipping of {product}, not about fraud.",
            "Reviews describe {product} as received and as described; the merchant replies to complaints publicly.",
            "A small number of reviews, mostly positive, mention quick delivery of {product}.",
        ])
        reviewsDetailViolation = ts([
            "Several reviews appear to be written by the same account on the same day.",
            "The merchant's replies copy the same apology text and ask buyers to withdraw disputes.",
            "Complaints started about {days} days ago and have grown every week since.",
        ])
        reviewsDetailBenign = ts([
            "No review mentions counterfeit or prohibited products.",
            "The rating has been stable for over a year.",
            "Negative reviews are answered with refunds or replacements.",
        ])
        citeWebsiteViolation = ts([
            "The website openly offers {product}",
            "Its product pages make the prohibited nature of the goods plain",
            "The site hides who operates it and sells {product}",
        ])
        citeWebsiteBenign = ts([
            "The website presents a consistent, legitimate business selling {product}",
            "Nothing on the site itself breaks the {policy} policy",
        ])
        citeTxnViolation = ts([
            "Transaction patterns show disputes and declines far above the category norm",
            "The payment history shows a sudden spike followed by a wave of disputes",
        ])
        citeTxnBenign = ts([
            "Dispute and refund rates are normal for the category",
            "The payment history is steady and unremarkable",
        ])
        citeDocsViolation = ts([
            "The onboarding documents do not match the account holder",
            "The identity and business documents are inconsistent",
        ])
        citeDocsBenign = ts([
            "The onboarding documents were verified and match the account",
            "Its licence and registration check out",
        ])
        citeReviewsViolation = ts([
            "Customer reviews describe undelivered or misrepresented goods",
            "Buyers publicly report being misled",
        ])
        citeReviewsBenign = ts([
            "Customer reviews are broadly positive",
            "Reviews raise no policy concerns",
        ])
        conclusionViolation = ["Recommendation:", "Suggested decision:", "On balance, I recommend"]
        conclusionBenign = ["Recommendation:", "Suggested decision:", "On balance, I recommend"]
    }
}

@inline(__always)
private func pow2(_ x: Double) -> Double { x * x }

@inline(__always)
private func clamp(_ x: Double) -> Double { min(max(x, -1), 1) }
