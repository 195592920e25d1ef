// Inter-rater agreement: Cohen's kappa (pairs of raters and each rater against their peers),
// Fleiss' kappa and Krippendorff's alpha (nominal). Standard library only.
//
// Every function here that takes `[Rating]` first keeps one rating per (item, rater): when a rater
// rated the same item more than once, only their last rating in input order counts (a correction
// replaces the earlier label). Results never depend on dictionary order: items, raters and
// categories are processed in sorted order.

/// One person's label of one item, the input to every agreement and consensus figure.
public struct Rating: Sendable, Hashable {
    /// The item (case id) that was labelled.
    public var item: String
    /// The person who labelled it.
    public var rater: String
    /// The decision key given, e.g. `"violation"`. Categories are compared as plain strings (nominal).
    public var category: String

    /// A rating of `item` by `rater` with decision `category`.
    public init(item: String, rater: String, category: String) {
        self.item = item
        self.rater = rater
        self.category = category
    }
}

/// A figure and how many items stand behind it. `value` is nil when the figure is undefined
/// (no items, or chance agreement is 1 so kappa is 0/0).
public struct AgreementFigure: Sendable, Equatable {
    /// The figure (kappa or alpha): 1 is perfect agreement, 0 is what chance alone would give,
    /// negative is worse than chance. Nil when undefined.
    public var value: Double?
    /// How many items the figure is computed over (see each function for which items count).
    public var items: Int

    /// A figure `value` computed over `items` items.
    public init(value: Double?, items: Int) {
        self.value = value
        self.items = items
    }
}

/// Cohen's kappa between two raters on the items both rated.
public struct PairAgreement: Sendable, Equatable {
    /// The first rater of the pair; `raterA < raterB`.
    public var raterA: String
    /// The second rater of the pair.
    public var raterB: String
    /// Cohen's kappa over the items both rated; `items` is the number of those items. Nil when
    /// both raters used one and the same category on every shared item (chance agreement is 1).
    public var kappa: AgreementFigure
    /// The raw proportion of shared items on which they gave the same category; nil when they share none.
    public var observed: Double?

    /// A pair's agreement as computed by `Agreement.pairwise`.
    public init(raterA: String, raterB: String, kappa: AgreementFigure, observed: Double?) {
        self.raterA = raterA
        self.raterB = raterB
        self.kappa = kappa
        self.observed = observed
    }
}

/// One rater against their peers.
public struct RaterAgreement: Sendable, Equatable {
    /// The rater.
    public var rater: String
    /// Cohen's kappa over all (this rater's label, a peer's label) pairs pooled: for every item the
    /// rater shares with each other rater, one pair (so an item rated by three others gives three
    /// pairs). `items` is the number of distinct items shared with at least one peer. Nil when the
    /// rater shares no item, or when chance agreement over the pooled pairs is 1.
    public var kappa: AgreementFigure
    /// The raw proportion of those pooled pairs that agree; nil when the rater shares no item.
    public var observed: Double?

    /// A rater's agreement with their peers as computed by `Agreement.perRater`.
    public init(rater: String, kappa: AgreementFigure, observed: Double?) {
        self.rater = rater
        self.kappa = kappa
        self.observed = observed
    }
}

/// Chance-corrected agreement between raters labelling the same items with nominal categories.
public enum Agreement {
    /// Cohen's kappa from paired labels (the same item labelled by two raters, first and second):
    /// κ = (p_o − p_e) / (1 − p_e), where p_o is the proportion of pairs that agree and p_e the
    /// agreement expected by chance from each side's own category proportions.
    /// `items` is the number of pairs. `value` is nil when there are no pairs, or when p_e is 1
    /// (both sides used one and the same category throughout, so κ is 0/0).
    public static func cohensKappa(_ pairs: [(String, String)]) -> AgreementFigure {
        var index: [String: Int] = [:]
        var keys: [String] = []
        func idx(_ s: String) -> Int {
            if let i = index[s] { return i }
            index[s] = keys.count
            keys.append(s)
            return keys.count - 1
        }
        var tally = KappaTally()
        for (a, b) in pairs { tally.add(idx(a), idx(b)) }
        return tally.figure(items: pairs.count)
    }

    /// Cohen's kappa for every pair of raters with at least one item in common, over the items both
    /// rated, sorted by (raterA, raterB) with raterA < raterB. Pairs sharing no item are left out.
    /// A rater's repeated rating of an item counts only once: their last in input order.
    public static func pairwise(_ ratings: [Rating]) -> [PairAgreement] {
        let table = RatingTable(ratings)
        let r = table.raters.count
        var tallies: [Int: KappaTally] = [:]
        for i in 0..<table.items.count {
            let range = table.range(of: i)
            for x in range {
                for y in range where y > x {
                    // Within an item ratings are sorted by rater index, so rater[x] < rater[y].
                    tallies[table.rater[x] * r + table.rater[y], default: KappaTally()]
                        .add(table.category[x], table.category[y])
                }
            }
        }
        return tallies.keys.sorted().map { key in
            let tally = tallies[key]!
            return PairAgreement(raterA: table.raters[key / r], raterB: table.raters[key % r],
                                 kappa: tally.figure(items: tally.n), observed: tally.observed)
        }
    }

    /// Cohen's kappa of each rater against their peers, sorted by rater: all (this rater's label,
    /// peer's label) pairs pooled over every item the rater shares with each other rater. Every rater
    /// appears; one who shares no item with anyone has `kappa.value` nil, `kappa.items` 0 and
    /// `observed` nil. A rater's repeated rating of an item counts only once: their last in input order.
    public static func perRater(_ ratings: [Rating]) -> [RaterAgreement] {
        let table = RatingTable(ratings)
        var tallies = Array(repeating: KappaTally(), count: table.raters.count)
        var shared = Array(repeating: 0, count: table.raters.count)
        for i in 0..<table.items.count {
            let range = table.range(of: i)
            guard range.count >= 2 else { continue }
            for x in range {
                shared[table.rater[x]] += 1
                for y in range where y != x {
                    tallies[table.rater[x]].add(table.category[x], table.category[y])
                }
            }
        }
        return table.raters.indices.map { r in
            RaterAgreement(rater: table.raters[r], kappa: tallies[r].figure(items: shared[r]),
                           observed: tallies[r].observed)
        }
    }

    /// Fleiss' kappa over the items with at least 2 ratings (`items` = the items used). The number
    /// of ratings per item n_i may vary: P_i = Σ_j n_ij(n_ij − 1) / (n_i(n_i − 1)), P̄ = mean of P_i,
    /// p_j = Σ_i n_ij / Σ_i n_i, P̄_e = Σ_j p_j², κ = (P̄ − P̄_e) / (1 − P̄_e); this equals Fleiss (1971)
    /// when every item has the same number of ratings. Nil when no item has 2 ratings, or when every
    /// rating used falls in one category (P̄_e = 1). A rater's repeated rating of an item counts once.
    public static func fleissKappa(_ ratings: [Rating]) -> AgreementFigure {
        let table = RatingTable(ratings)
        let k = table.categories.count
        var totals = Array(repeating: 0, count: k)
        var counts = Array(repeating: 0, count: k)
        var sumP = 0.0
        var used = 0
        var n = 0
        for i in 0..<table.items.count {
            let range = table.range(of: i)
            let m = range.count
            guard m >= 2 else { continue }
            for j in 0..<k { counts[j] = 0 }
            for x in range { counts[table.category[x]] += 1 }
            var agreeing = 0
            for j in 0..<k where counts[j] > 0 {
                agreeing += counts[j] * (counts[j] - 1)
                totals[j] += counts[j]
            }
            sumP += Double(agreeing) / Double(m * (m - 1))
            used += 1
            n += m
        }
        guard used > 0 else { return AgreementFigure(value: nil, items: 0) }
        let sumSquares = totals.reduce(0) { $0 + $1 * $1 }
        guard sumSquares != n * n else { return AgreementFigure(value: nil, items: used) }
        let pBar = sumP / Double(used)
        let nD = Double(n)
        let pE = totals.reduce(0.0) { $0 + (Double($1) / nD) * (Double($1) / nD) }
        return AgreementFigure(value: (pBar - pE) / (1 - pE), items: used)
    }

    /// Krippendorff's alpha with the nominal metric, computed through the coincidence matrix:
    /// α = 1 − D_o / D_e = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k, where each item (unit) with
    /// m_u ≥ 2 ratings adds 1/(m_u − 1) to o_ck for every ordered pair of ratings by different raters,
    /// n_c counts the pairable ratings of category c and n is all pairable ratings. Items with fewer
    /// than 2 ratings are not pairable and are dropped; `items` = the pairable items. Missing ratings
    /// are allowed. Nil when no item is pairable, or when every pairable rating is the same category
    /// (D_e = 0). A rater's repeated rating of an item counts once.
    public static func krippendorffAlpha(_ ratings: [Rating]) -> AgreementFigure {
        let table = RatingTable(ratings)
        let k = table.categories.count
        var totals = Array(repeating: 0, count: k)
        var counts = Array(repeating: 0, count: k)
        var disagreement = 0.0 // Σ_{c≠k} o_ck
        var used = 0
        var n = 0
        for i in 0..<table.items.count {
            let range = table.range(of: i)
            let m = range.count
            guard m >= 2 else { continue }
            for j in 0..<k { counts[j] = 0 }
            for x in range { counts[table.category[x]] += 1 }
            var sumSquares = 0
            for j in 0..<k where counts[j] > 0 {
                sumSquares += counts[j] * counts[j]
                totals[j] += counts[j]
            }
            // Σ_{c≠k} n_uc n_uk / (m_u − 1) = (m_u² − Σ_c n_uc²) / (m_u − 1)
            disagreement += Double(m * m - sumSquares) / Double(m - 1)
            used += 1
            n += m
        }
        guard used > 0 else { return AgreementFigure(value: nil, items: 0) }
        let expected = n * n - totals.reduce(0) { $0 + $1 * $1 } // Σ_{c≠k} n_c n_k
        guard expected > 0 else { return AgreementFigure(value: nil, items: used) }
        return AgreementFigure(value: 1 - Double(n - 1) * disagreement / Double(expected), items: used)
    }
}

/// Counts of (first, second) category pairs for Cohen's kappa, over category indices.
struct KappaTally {
    private(set) var n = 0
    private(set) var agree = 0
    private var first: [Int] = []
    private var second: [Int] = []

    mutating func add(_ a: Int, _ b: Int) {
        let top = max(a, b) + 1
        if first.count < top {
            first.append(contentsOf: repeatElement(0, count: top - first.count))
            second.append(contentsOf: repeatElement(0, count: top - second.count))
        }
        n += 1
        first[a] += 1
        second[b] += 1
        if a == b { agree += 1 }
    }

    /// The raw proportion of agreement; nil with no pairs.
    var observed: Double? { n == 0 ? nil : Double(agree) / Double(n) }

    /// κ = (n·agree − Σ a_k b_k) / (n² − Σ a_k b_k), nil when there are no pairs or p_e = 1.
    func figure(items: Int) -> AgreementFigure {
        guard n > 0 else { return AgreementFigure(value: nil, items: items) }
        var chance = 0.0 // Σ_k a_k b_k, exact in a Double for any realistic n
        for j in first.indices { chance += Double(first[j]) * Double(second[j]) }
        let nn = Double(n) * Double(n)
        guard chance != nn else { return AgreementFigure(value: nil, items: items) }
        return AgreementFigure(value: (Double(n) * Double(agree) - chance) / (nn - chance), items: items)
    }
}

/// Ratings indexed by integers: one rating per (item, rater) — the last in input order — grouped by
/// item (items sorted), and within an item sorted by rater. Raters and categories are sorted too.
struct RatingTable {
    /// Item names, sorted; index = item index.
    let items: [String]
    /// Rater names, sorted.
    let raters: [String]
    /// Category names, sorted (the seen ones plus any extra given).
    let categories: [String]
    /// Ratings of item i are at `start[i] ..< start[i + 1]`.
    let start: [Int]
    /// Per rating: rater index.
    let rater: [Int]
    /// Per rating: category index.
    let category: [Int]

    init(_ ratings: [Rating], extraCategories: [String] = []) {
        // Keep each (item, rater)'s last rating in input order.
        var latest: [String: [String: String]] = [:] // item -> rater -> category
        for r in ratings { latest[r.item, default: [:]][r.rater] = r.category }

        items = latest.keys.sorted()
        var raterSet = Set<String>()
        var categorySet = Set(extraCategories)
        for (_, byRater) in latest {
            for (rater, category) in byRater {
                raterSet.insert(rater)
                categorySet.insert(category)
            }
        }
        raters = raterSet.sorted()
        categories = categorySet.sorted()
        var raterIndex: [String: Int] = [:]
        for (i, r) in raters.enumerated() { raterIndex[r] = i }
        var categoryIndex: [String: Int] = [:]
        for (i, c) in categories.enumerated() { categoryIndex[c] = i }

        var start = [0]
        var rater: [Int] = []
        var category: [Int] = []
        start.reserveCapacity(items.count + 1)
        rater.reserveCapacity(ratings.count)
        category.reserveCapacity(ratings.count)
        for item in items {
            let byRater = latest[item]!
            let entries = byRater.map { (raterIndex[$0.key]!, categoryIndex[$0.value]!) }.sorted { $0.0 < $1.0 }
            for (r, c) in entries {
                rater.append(r)
                category.append(c)
            }
            start.append(rater.count)
        }
        self.start = start
        self.rater = rater
        self.category = category
    }

    /// The positions of item `i`'s ratings.
    func range(of i: Int) -> Range<Int> { start[i] ..< start[i + 1] }

    /// The number of ratings of item `i`.
    func count(of i: Int) -> Int { start[i + 1] - start[i] }
}
