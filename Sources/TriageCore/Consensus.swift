// Consensus labels from several raters: majority vote, and Dawid & Skene (1979), which weighs each
// rater by an estimated confusion matrix. Standard library only (exp and log are implemented here).
//
// As in Agreement, a rater's repeated rating of an item counts once: their last in input order.

/// A consensus label for one item with how sure it is.
public struct ConsensusLabel: Sendable, Equatable {
    /// The item (case id).
    public var item: String
    /// The consensus category; nil when there is no consensus (a tie for the top count under majority vote).
    public var category: String?
    /// Majority vote: the share of the item's votes that went to the winner (or to each tied
    /// category on a tie). Dawid–Skene: the posterior probability of the winner.
    public var confidence: Double
    /// The number of ratings behind it (one per rater: repeated ratings count once).
    public var ratings: Int

    /// A consensus `category` for `item` with its `confidence`, from `ratings` ratings.
    public init(item: String, category: String?, confidence: Double, ratings: Int) {
        self.item = item
        self.category = category
        self.confidence = confidence
        self.ratings = ratings
    }
}

/// The plain majority of the raters' labels, every rater counting the same.
public enum MajorityVote {
    /// One ConsensusLabel per item, sorted by item: the category with the most votes and its share
    /// of the item's votes. A tie for the top count gives category nil and confidence = the tied
    /// share (e.g. 0.5 for a 1–1 split). A rater's repeated rating of an item counts once: their last
    /// in input order.
    public static func consensus(_ ratings: [Rating]) -> [ConsensusLabel] {
        let table = RatingTable(ratings)
        var counts = Array(repeating: 0, count: table.categories.count)
        return table.items.indices.map { i in
            let range = table.range(of: i)
            for j in counts.indices { counts[j] = 0 }
            for x in range { counts[table.category[x]] += 1 }
            var best = -1
            var bestCount = 0
            var tied = false
            for j in counts.indices where counts[j] > 0 {
                if counts[j] > bestCount {
                    best = j
                    bestCount = counts[j]
                    tied = false
                } else if counts[j] == bestCount {
                    tied = true
                }
            }
            return ConsensusLabel(item: table.items[i], category: tied ? nil : table.categories[best],
                                  confidence: Double(bestCount) / Double(range.count), ratings: range.count)
        }
    }
}

/// Dawid & Skene (1979): EM over per-rater confusion matrices and class priors.
///
/// Each item has an unknown true category drawn from the priors; each rater labels it by their own
/// confusion matrix (the probability of giving each category when the truth is a given category).
/// The fit estimates both and gives each item a posterior over its true category, so a careful
/// rater's label counts for more than a careless one's and a rater who always gives the same label
/// counts for almost nothing.
///
/// A rater's repeated rating of an item counts once: their last in input order. Iteration runs in
/// sorted order over integer indices, so a fit is deterministic.
public struct DawidSkene: Sendable, Equatable {
    /// Every category of the model, sorted: the `categories` given to `fit` together with every
    /// category seen in the ratings.
    public var categories: [String]
    /// Category → estimated prior probability of an item truly being that category (sums to 1;
    /// smoothed like the confusion matrices, so a category nobody used gets a small non-zero prior).
    public var priors: [String: Double]
    /// Rater → true category → given category → the probability that the rater gives that category
    /// when the truth is the true one (each row sums to 1). A row for a true category the rater
    /// (by the posteriors) hardly ever saw rests mostly on the smoothing and is pulled toward uniform.
    public var confusion: [String: [String: [String: Double]]]
    /// Item → category → posterior probability that the item truly is that category (sums to 1).
    public var posteriors: [String: [String: Double]]
    /// The number of EM iterations (an M step followed by an E step) run.
    public var iterations: Int
    /// Whether the largest change in any posterior in the last iteration was below the tolerance
    /// (false when `maxIterations` was reached first).
    public var converged: Bool
    /// Item → number of ratings (one per rater) behind its posterior.
    var ratingCounts: [String: Int]

    /// Fits the model. Posteriors start from the (soft) majority vote as in the paper — each item's
    /// share of votes per category — then EM alternates an M step (priors and per-rater confusion
    /// matrices from the posteriors, each cell with an additive smoothing `smoothing`, default 0.01,
    /// so a rater who never saw a class does not produce zeros or NaN; the priors are smoothed the
    /// same way) and an E step (posteriors, computed in log space so items with many ratings do not
    /// underflow), until the largest change in any posterior is below `tolerance` or `maxIterations`
    /// is reached. The reported priors and confusion matrices are those the final posteriors were
    /// computed from.
    ///
    /// `categories`: the full category list (e.g. all decision keys); categories nobody used are
    /// allowed, and categories seen in the ratings are added if missing. Default: those seen.
    /// With no ratings the result has no items, raters or posteriors, uniform priors, 0 iterations
    /// and `converged` true. With `maxIterations` ≤ 0 the posteriors are the majority-vote start.
    public static func fit(_ ratings: [Rating], categories: [String]? = nil, maxIterations: Int = 100,
                           tolerance: Double = 1e-6, smoothing: Double = 0.01) -> DawidSkene {
        let table = RatingTable(ratings, extraCategories: categories ?? [])
        var em = DawidSkeneEM(table: table, smoothing: smoothing.isFinite ? max(0, smoothing) : 0)
        var iterations = 0
        var converged = table.items.isEmpty
        if !table.items.isEmpty {
            em.mStep()
            while iterations < maxIterations {
                if iterations > 0 { em.mStep() }
                iterations += 1
                if em.eStep() < tolerance {
                    converged = true
                    break
                }
            }
        }
        let itemCount = table.items.count
        let raterCount = table.raters.count
        let k = table.categories.count
        let prior = em.prior, pi = em.pi, t = em.t

        var priors: [String: Double] = [:]
        for c in 0..<k { priors[table.categories[c]] = prior[c] }
        var confusion: [String: [String: [String: Double]]] = [:]
        for r in 0..<raterCount {
            var byTruth: [String: [String: Double]] = [:]
            for c in 0..<k {
                var row: [String: Double] = [:]
                for g in 0..<k { row[table.categories[g]] = pi[(r * k + c) * k + g] }
                byTruth[table.categories[c]] = row
            }
            confusion[table.raters[r]] = byTruth
        }
        var posteriors: [String: [String: Double]] = [:]
        var ratingCounts: [String: Int] = [:]
        for i in 0..<itemCount {
            var row: [String: Double] = [:]
            for c in 0..<k { row[table.categories[c]] = t[i * k + c] }
            posteriors[table.items[i]] = row
            ratingCounts[table.items[i]] = table.count(of: i)
        }
        return DawidSkene(categories: table.categories, priors: priors, confusion: confusion,
                          posteriors: posteriors, iterations: iterations, converged: converged,
                          ratingCounts: ratingCounts)
    }

    /// The consensus per item, sorted by item: the category with the highest posterior (ties broken
    /// by category order, the first sorted category winning), confidence = its posterior, ratings =
    /// the number of ratings of that item. The category is never nil here (unless the model has no
    /// categories).
    public func consensus() -> [ConsensusLabel] {
        posteriors.keys.sorted().map { item in
            let row = posteriors[item]!
            var best: String?
            var bestP = -Double.infinity
            for c in categories {
                let p = row[c] ?? 0
                if p > bestP {
                    best = c
                    bestP = p
                }
            }
            return ConsensusLabel(item: item, category: best, confidence: best == nil ? 0 : bestP,
                                  ratings: ratingCounts[item] ?? 0)
        }
    }
}

/// The working state of a Dawid–Skene fit, over integer indices: i item, r rater, c true category,
/// g given category, with k categories.
private struct DawidSkeneEM {
    let table: RatingTable
    let k: Int
    let s: Double
    /// t[i * k + c]: the posterior that item i is category c.
    var t: [Double]
    var prior: [Double]
    var logPrior: [Double]
    /// pi[(r * k + c) * k + g]: rater r's probability of giving g when the truth is c.
    var pi: [Double]
    var logPi: [Double]
    /// Expected counts behind pi, same layout.
    var counts: [Double]

    /// Starts the posteriors from the soft majority vote: each item's share of votes per category.
    init(table: RatingTable, smoothing: Double) {
        self.table = table
        let k = table.categories.count
        self.k = k
        s = smoothing
        let itemCount = table.items.count
        let cells = table.raters.count * k * k
        t = Array(repeating: 0, count: itemCount * k)
        for i in 0..<itemCount {
            let range = table.range(of: i)
            let share = 1 / Double(range.count)
            for x in range { t[i * k + table.category[x]] += share }
        }
        prior = Array(repeating: k == 0 ? 0 : 1 / Double(k), count: k)
        logPrior = Array(repeating: 0, count: k)
        pi = Array(repeating: k == 0 ? 0 : 1 / Double(k), count: cells)
        logPi = Array(repeating: 0, count: cells)
        counts = Array(repeating: 0, count: cells)
    }

    /// Priors and confusion matrices from the posteriors, each cell smoothed by `s`.
    mutating func mStep() {
        let k = self.k, s = self.s
        let itemCount = table.items.count
        let start = table.start, rater = table.rater, category = table.category
        t.withUnsafeBufferPointer { t in
            prior.withUnsafeMutableBufferPointer { prior in
                for c in 0..<k { prior[c] = s }
                for i in 0..<itemCount {
                    for c in 0..<k { prior[c] += t[i * k + c] }
                }
                let total = Double(itemCount) + Double(k) * s
                for c in 0..<k { prior[c] = total > 0 ? prior[c] / total : 1 / Double(k) }
            }
            counts.withUnsafeMutableBufferPointer { counts in
                for x in counts.indices { counts[x] = 0 }
                for i in 0..<itemCount {
                    for x in start[i] ..< start[i + 1] {
                        let base = rater[x] * k * k + category[x]
                        for c in 0..<k { counts[base + c * k] += t[i * k + c] }
                    }
                }
            }
        }
        for c in 0..<k { logPrior[c] = StatMath.log(prior[c]) }
        for row in 0..<(table.raters.count * k) {
            var total = 0.0
            for g in 0..<k { total += counts[row * k + g] }
            total += Double(k) * s
            for g in 0..<k {
                let p = total > 0 ? (counts[row * k + g] + s) / total : 1 / Double(k)
                pi[row * k + g] = p
                logPi[row * k + g] = StatMath.log(p)
            }
        }
    }

    /// Posteriors from the priors and confusion matrices, in log space; returns the largest change
    /// in any posterior.
    mutating func eStep() -> Double {
        let k = self.k
        let itemCount = table.items.count
        let start = table.start, rater = table.rater, category = table.category
        let logPrior = self.logPrior
        var change = 0.0
        var lp = Array(repeating: 0.0, count: k)
        logPi.withUnsafeBufferPointer { logPi in
            t.withUnsafeMutableBufferPointer { t in
                lp.withUnsafeMutableBufferPointer { lp in
                    for i in 0..<itemCount {
                        for c in 0..<k { lp[c] = logPrior[c] }
                        for x in start[i] ..< start[i + 1] {
                            let base = rater[x] * k * k + category[x]
                            for c in 0..<k { lp[c] += logPi[base + c * k] }
                        }
                        var top = -Double.infinity
                        for c in 0..<k where lp[c] > top { top = lp[c] }
                        var total = 0.0
                        if top == -Double.infinity {
                            for c in 0..<k { lp[c] = 1 }
                            total = Double(k)
                        } else {
                            for c in 0..<k {
                                lp[c] = StatMath.exp(lp[c] - top)
                                total += lp[c]
                            }
                        }
                        for c in 0..<k {
                            let p = lp[c] / total
                            change = max(change, abs(p - t[i * k + c]))
                            t[i * k + c] = p
                        }
                    }
                }
            }
        }
        return change
    }
}

/// exp and log for Double in pure Swift (the standard library has neither without Foundation/Glibc).
/// Accurate to a few ulps, which is ample for EM.
enum StatMath {
    private static let ln2 = 0.693147180559945309417232121458176568
    private static let ln2Hi = 6.93147180369123816490e-01 // high bits of ln 2 (exact product with small k)
    private static let ln2Lo = 1.90821492927058770002e-10 // ln 2 − ln2Hi

    /// e^x.
    static func exp(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x > 709.782712893384 { return .infinity }
        if x < -745.2 { return 0 }
        // x = n·ln2 + r with |r| ≤ ln2/2; e^x = 2^n · e^r.
        // Round to nearest by hand: `rounded()` would need libm's `round`.
        let k = Int(x / ln2 + (x < 0 ? -0.5 : 0.5))
        let n = Double(k)
        let r = (x - n * ln2Hi) - n * ln2Lo
        // Taylor series of e^r; |r| ≤ 0.347 so 18 terms reach well below 1 ulp.
        var term = 1.0
        var sum = 1.0
        for j in 1...18 {
            term *= r / Double(j)
            sum += term
        }
        return Double(sign: .plus, exponent: k, significand: sum)
    }

    /// The natural logarithm: −∞ at 0, NaN below 0.
    static func log(_ x: Double) -> Double {
        if x.isNaN || x < 0 { return .nan }
        if x == 0 { return -.infinity }
        if x == .infinity { return x }
        // x = m · 2^e with m in [√½, √2); ln m = 2·atanh(u), u = (m − 1)/(m + 1), |u| ≤ 0.172.
        var m = x.significand
        var e = Double(x.exponent)
        if m > 1.4142135623730951 {
            m /= 2
            e += 1
        }
        let u = (m - 1) / (m + 1)
        let u2 = u * u
        var power = u
        var sum = 0.0
        var j = 1.0
        while j < 40 {
            sum += power / j
            power *= u2
            j += 2
        }
        return (e * ln2Hi + 2 * sum) + e * ln2Lo
    }
}
