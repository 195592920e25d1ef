import Testing
import TriageCore

@Suite struct AgreementTests {
    /// `count` copies of the pair (a, b).
    func pairs(_ a: String, _ b: String, _ count: Int) -> [(String, String)] {
        Array(repeating: (a, b), count: count)
    }

    /// A 2×2 table as pairs: (yes, yes), (yes, no), (no, yes), (no, no) with the first rater first.
    func table(_ yy: Int, _ yn: Int, _ ny: Int, _ nn: Int) -> [(String, String)] {
        pairs("yes", "yes", yy) + pairs("yes", "no", yn) + pairs("no", "yes", ny) + pairs("no", "no", nn)
    }

    // MARK: Cohen's kappa

    /// Wikipedia, "Cohen's kappa", simple example: 50 proposals, p_o = 0.7, p_e = 0.5 → κ = 0.4.
    @Test func cohensKappaWikipediaExample() throws {
        let k = Agreement.cohensKappa(table(20, 5, 10, 15))
        #expect(k.items == 50)
        let value = try #require(k.value)
        #expect(abs(value - 0.4) < 1e-12)
    }

    /// Wikipedia, "Same percentages but different numbers": both tables have p_o = 0.6, but
    /// 45/15/25/15 has p_e = 0.54 → κ = 0.06/0.46 ≈ 0.1304 and 25/35/5/35 has p_e = 0.46 → κ = 0.14/0.54 ≈ 0.2593.
    @Test func cohensKappaSameAgreementDifferentKappa() throws {
        let first = try #require(Agreement.cohensKappa(table(45, 15, 25, 15)).value)
        #expect(abs(first - 0.06 / 0.46) < 1e-12)
        #expect(abs(first - 0.1304) < 1e-4)
        let second = try #require(Agreement.cohensKappa(table(25, 35, 5, 35)).value)
        #expect(abs(second - 0.14 / 0.54) < 1e-12)
        #expect(abs(second - 0.2593) < 1e-4)
    }

    @Test func cohensKappaEdgeCases() {
        // Perfect agreement using several categories.
        let perfect = Agreement.cohensKappa([("a", "a"), ("b", "b"), ("c", "c"), ("a", "a")])
        #expect(perfect == AgreementFigure(value: 1, items: 4))
        // Both raters used one category throughout: p_e = 1, κ = 0/0.
        #expect(Agreement.cohensKappa(pairs("v", "v", 7)) == AgreementFigure(value: nil, items: 7))
        #expect(Agreement.cohensKappa([]) == AgreementFigure(value: nil, items: 0))
        // One side constant, the other not: p_e < 1, κ = 0 (p_o = p_e = 0.5).
        #expect(Agreement.cohensKappa([("v", "v"), ("v", "n")]).value == 0)
        // Systematic disagreement is negative: p_o = 0, p_e = 0.5 → κ = −1.
        #expect(Agreement.cohensKappa([("v", "n"), ("n", "v")]).value == -1)
    }

    // MARK: Fleiss' kappa

    /// Wikipedia, "Fleiss' kappa", worked example (14 raters, 10 subjects, 5 categories):
    /// P̄ = 0.378, P̄_e = 0.213, κ = 0.210.
    @Test func fleissKappaWikipediaExample() throws {
        let table: [[Int]] = [
            [0, 0, 0, 0, 14],
            [0, 2, 6, 4, 2],
            [0, 0, 3, 5, 6],
            [0, 3, 9, 2, 0],
            [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0],
            [3, 2, 6, 3, 0],
            [2, 5, 3, 2, 2],
            [6, 5, 2, 1, 0],
            [0, 2, 2, 3, 7],
        ]
        var ratings: [Rating] = []
        for (subject, row) in table.enumerated() {
            #expect(row.reduce(0, +) == 14)
            var rater = 0
            for (category, count) in row.enumerated() {
                for _ in 0..<count {
                    ratings.append(Rating(item: "s\(subject + 1)", rater: "r\(rater)", category: "c\(category + 1)"))
                    rater += 1
                }
            }
        }
        let k = Agreement.fleissKappa(ratings)
        #expect(k.items == 10)
        let value = try #require(k.value)
        #expect(abs(value - 0.210) < 1e-3)
        // Exactly: P̄ = Σ_i Σ_j n_ij(n_ij − 1) / (10·14·13) = 688/1820 = 0.37802…, p_j = (20, 28, 39, 21, 32)/140.
        let pBar = 688.0 / 1820
        let pE = [20.0, 28, 39, 21, 32].reduce(0) { $0 + ($1 / 140) * ($1 / 140) }
        #expect(abs(value - (pBar - pE) / (1 - pE)) < 1e-12)
    }

    @Test func fleissKappaDropsSingleRatingsAndHandlesEdges() {
        // Two raters agree on x, disagree on y; z has one rating and is not used.
        let ratings = [Rating(item: "x", rater: "a", category: "v"), Rating(item: "x", rater: "b", category: "v"),
                       Rating(item: "y", rater: "a", category: "v"), Rating(item: "y", rater: "b", category: "n"),
                       Rating(item: "z", rater: "a", category: "n")]
        let k = Agreement.fleissKappa(ratings)
        #expect(k.items == 2)
        // P̄ = (1 + 0)/2 = 0.5, p = (3/4, 1/4), P̄_e = 10/16, κ = (0.5 − 0.625)/(0.375) = −1/3.
        #expect(abs(k.value! - (-1.0 / 3)) < 1e-12)
        #expect(Agreement.fleissKappa([]) == AgreementFigure(value: nil, items: 0))
        #expect(Agreement.fleissKappa([ratings[4]]) == AgreementFigure(value: nil, items: 0))
        // Everyone always says "v": undefined.
        #expect(Agreement.fleissKappa(Array(ratings[0...1])) == AgreementFigure(value: nil, items: 1))
    }

    // MARK: Krippendorff's alpha

    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
    /// 12 units, missing data, nominal α = 0.743. Unit 12 has one value and is not pairable.
    @Test func krippendorffAlphaPaperExample() throws {
        let data: [(String, [Int?])] = [
            ("A", [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil]),
            ("B", [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3]),
            ("C", [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil]),
            ("D", [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil]),
        ]
        var ratings: [Rating] = []
        for (observer, values) in data {
            for (unit, value) in values.enumerated() {
                if let value { ratings.append(Rating(item: "u\(unit + 1)", rater: observer, category: "\(value)")) }
            }
        }
        let alpha = Agreement.krippendorffAlpha(ratings)
        #expect(alpha.items == 11)
        let value = try #require(alpha.value)
        #expect(abs(value - 0.743) < 1e-3)
        // The paper's exact figure: α = 1 − (n − 1)·Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k with n = 40 pairable
        // values, n_c = (9, 13, 10, 5, 3) so Σ_{c≠k} n_c n_k = 1600 − 384 = 1216, and Σ_{c≠k} o_ck = 8
        // (unit 2 {2,2,3,2}: 6/3 = 2; unit 6 {1,2,3,4}: 12/3 = 4; unit 8 {1,1,2,1}: 6/3 = 2) → 1 − 39·8/1216 = 0.74342.
        #expect(abs(value - (1 - 39.0 * 8 / 1216)) < 1e-12)
    }

    @Test func krippendorffAlphaWithTwoRatersIsCloseToKappa() throws {
        // Two raters, no missing data: α = 1 − (1 − π)(2N − 1)/(2N) with Scott's π; on the Wikipedia
        // table (p_o = 0.7, pooled p_yes = 0.55, π = 1 − 0.3/0.495) that is 0.4, the same as Cohen's κ.
        let pairs = table(20, 5, 10, 15)
        var ratings: [Rating] = []
        for (i, (a, b)) in pairs.enumerated() {
            ratings.append(Rating(item: "i\(i)", rater: "A", category: a))
            ratings.append(Rating(item: "i\(i)", rater: "B", category: b))
        }
        let alpha = try #require(Agreement.krippendorffAlpha(ratings).value)
        let pi = 1 - 0.3 / 0.495
        #expect(abs(alpha - (1 - (1 - pi) * 99 / 100)) < 1e-12)
        #expect(abs(alpha - Agreement.cohensKappa(pairs).value!) < 1e-9)

        // A less symmetric table: α stays within a few hundredths of κ.
        let skewed = table(45, 15, 25, 15)
        var skewedRatings: [Rating] = []
        for (i, (a, b)) in skewed.enumerated() {
            skewedRatings.append(Rating(item: "i\(i)", rater: "A", category: a))
            skewedRatings.append(Rating(item: "i\(i)", rater: "B", category: b))
        }
        let skewedAlpha = try #require(Agreement.krippendorffAlpha(skewedRatings).value)
        #expect(abs(skewedAlpha - Agreement.cohensKappa(skewed).value!) < 0.03)
    }

    @Test func krippendorffAlphaEdgeCases() {
        let perfect = [Rating(item: "1", rater: "a", category: "v"), Rating(item: "1", rater: "b", category: "v"),
                       Rating(item: "2", rater: "a", category: "n"), Rating(item: "2", rater: "b", category: "n"),
                       Rating(item: "2", rater: "c", category: "n"), Rating(item: "3", rater: "c", category: "x")]
        #expect(Agreement.krippendorffAlpha(perfect) == AgreementFigure(value: 1, items: 2))
        #expect(Agreement.krippendorffAlpha([]) == AgreementFigure(value: nil, items: 0))
        #expect(Agreement.krippendorffAlpha(Array(perfect[0...1])) == AgreementFigure(value: nil, items: 1))
    }

    // MARK: Pairwise and per rater

    /// ann, bob, cy and dee label five items with v or n:
    ///
    ///     item  ann  bob  cy   dee
    ///     i1    v    v    v
    ///     i2    v    n    n
    ///     i3    n    n               (ann first said v, then corrected to n: only the last counts)
    ///     i4    n    n    v
    ///     i5         v    v
    ///     i6                   v     (nobody else: dee shares nothing)
    let ratings = [
        Rating(item: "i1", rater: "ann", category: "v"), Rating(item: "i1", rater: "bob", category: "v"),
        Rating(item: "i1", rater: "cy", category: "v"),
        Rating(item: "i2", rater: "cy", category: "n"), Rating(item: "i2", rater: "ann", category: "v"),
        Rating(item: "i2", rater: "bob", category: "n"),
        Rating(item: "i3", rater: "ann", category: "v"), Rating(item: "i3", rater: "bob", category: "n"),
        Rating(item: "i4", rater: "ann", category: "n"), Rating(item: "i4", rater: "bob", category: "n"),
        Rating(item: "i4", rater: "cy", category: "v"),
        Rating(item: "i5", rater: "bob", category: "v"), Rating(item: "i5", rater: "cy", category: "v"),
        Rating(item: "i6", rater: "dee", category: "v"),
        Rating(item: "i3", rater: "ann", category: "n"),
    ]

    /// ann–bob: i1–i4 = (v,v) (v,n) (n,n) (n,n): p_o = 3/4; ann v2 n2, bob v1 n3 → p_e = (2·1 + 2·3)/16 = 1/2; κ = 1/2.
    /// ann–cy: i1 i2 i4 = (v,v) (v,n) (n,v): p_o = 1/3; ann v2 n1, cy v2 n1 → p_e = 5/9; κ = (3/9 − 5/9)/(4/9) = −1/2.
    /// bob–cy: i1 i2 i4 i5 = (v,v) (n,n) (n,v) (v,v): p_o = 3/4; bob v2 n2, cy v3 n1 → p_e = 8/16; κ = 1/2.
    @Test func pairwiseByHand() {
        let result = Agreement.pairwise(ratings)
        #expect(result.map { [$0.raterA, $0.raterB] } == [["ann", "bob"], ["ann", "cy"], ["bob", "cy"]])
        #expect(result.map(\.kappa.items) == [4, 3, 4])
        #expect(abs(result[0].kappa.value! - 0.5) < 1e-12)
        #expect(abs(result[1].kappa.value! - -0.5) < 1e-12)
        #expect(abs(result[2].kappa.value! - 0.5) < 1e-12)
        #expect(abs(result[0].observed! - 0.75) < 1e-12)
        #expect(abs(result[1].observed! - 1.0 / 3) < 1e-12)
        #expect(abs(result[2].observed! - 0.75) < 1e-12)
    }

    /// Pooled (mine, peer's) pairs:
    /// ann: i1 (v,v)(v,v), i2 (v,n)(v,n), i3 (n,n), i4 (n,n)(n,v): 7 pairs, 4 agree; mine v4 n3, peers v3 n4
    ///   → p_e = (12 + 12)/49, κ = (28 − 24)/(49 − 24) = 4/25; 4 items.
    /// bob: i1 (v,v)(v,v), i2 (n,v)(n,n), i3 (n,n), i4 (n,n)(n,v), i5 (v,v): 8 pairs, 6 agree; mine v3 n5,
    ///   peers v5 n3 → p_e = 30/64, κ = (48 − 30)/(64 − 30) = 9/17; 5 items.
    /// cy: i1 (v,v)(v,v), i2 (n,v)(n,n), i4 (v,n)(v,n), i5 (v,v): 7 pairs, 4 agree; mine v5 n2, peers v4 n3
    ///   → p_e = 26/49, κ = (28 − 26)/(49 − 26) = 2/23; 4 items.
    /// dee: nothing shared → undefined, 0 items.
    @Test func perRaterByHand() {
        let result = Agreement.perRater(ratings)
        #expect(result.map(\.rater) == ["ann", "bob", "cy", "dee"])
        #expect(result.map(\.kappa.items) == [4, 5, 4, 0])
        #expect(abs(result[0].kappa.value! - 4.0 / 25) < 1e-12)
        #expect(abs(result[1].kappa.value! - 9.0 / 17) < 1e-12)
        #expect(abs(result[2].kappa.value! - 2.0 / 23) < 1e-12)
        #expect(result[3].kappa.value == nil)
        #expect(abs(result[0].observed! - 4.0 / 7) < 1e-12)
        #expect(abs(result[1].observed! - 6.0 / 8) < 1e-12)
        #expect(abs(result[2].observed! - 4.0 / 7) < 1e-12)
        #expect(result[3].observed == nil)
    }

    @Test func resultsDoNotDependOnInputOrder() {
        let reversed = Array(ratings.reversed())
        // Reversing changes which of ann's two i3 ratings is last; drop the earlier one first.
        let withoutCorrection = ratings.filter { !($0.item == "i3" && $0.rater == "ann" && $0.category == "v") }
        #expect(Agreement.pairwise(ratings) == Agreement.pairwise(withoutCorrection))
        #expect(Agreement.pairwise(withoutCorrection.reversed()) == Agreement.pairwise(withoutCorrection))
        #expect(Agreement.perRater(withoutCorrection.reversed()) == Agreement.perRater(withoutCorrection))
        // And the correction matters: with ann's i3 = v last, ann–bob changes.
        #expect(Agreement.pairwise(reversed)[0] != Agreement.pairwise(ratings)[0])
    }
}
