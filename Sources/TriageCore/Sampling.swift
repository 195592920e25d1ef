/// Deterministic pseudo-random draws for sampling, the same on every machine and every run (so a
/// sample can be reproduced from its seed, and a test can rely on it).
public enum StableRandom {
    /// A number in [0, 1) from `text`: FNV-1a (64-bit) of its UTF-8, finished with a SplitMix64
    /// mix so that similar texts (`c_1`, `c_2`) give unrelated numbers.
    public static func unit(_ text: String) -> Double {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        h = (h ^ (h >> 30)) &* 0xbf58_476d_1ce4_e5b9
        h = (h ^ (h >> 27)) &* 0x94d0_49bb_1331_11eb
        h ^= h >> 31
        return Double(h >> 11) / Double(UInt64(1) << 53)
    }
}

/// A Poisson (Bernoulli) audit sample: each eligible case is drawn independently with the same
/// probability, which is recorded, so estimates can weight each labelled case by 1/probability.
public enum AuditSample {
    /// The case's draw in the sample seeded by `seed`: a number in [0, 1). The case is in a sample
    /// of rate r when its draw is below r; cases are served in increasing draw order (a random order).
    public static func draw(caseID: String, seed: UInt64) -> Double {
        StableRandom.unit("audit:\(seed):\(caseID)")
    }

    /// Whether the sample of `rate` seeded by `seed` includes `caseID`.
    public static func includes(caseID: String, rate: Double, seed: UInt64) -> Bool {
        draw(caseID: caseID, seed: seed) < rate
    }

    /// The inverse-probability (Horvitz–Thompson) weight of a case drawn with `probability`:
    /// how many cases of the population it stands for. 1 when there was no sampling.
    public static func weight(inclusionProbability probability: Double?) -> Double {
        guard let p = probability, p > 0 else { return 1 }
        return 1 / p
    }
}

/// Mixing gold cases into a labeler's queue: whether the labeler's `served`-th case (counting
/// from 0) should be a gold case, at `rate`. Deterministic per labeler and position but not
/// periodic, so a labeler cannot tell which cases are gold from where they fall; over many cases
/// the share of gold approaches `rate`.
public enum GoldMix {
    public static func servesGold(labeler: String, served: Int, rate: Double) -> Bool {
        rate > 0 && StableRandom.unit("gold:\(labeler):\(served)") < rate
    }
}
