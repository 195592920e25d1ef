import GRDB

/// Aggregates kept by triggers, so the dashboard reads a few hundred rows instead of grouping a
/// million (schema v4). Each table is changed in the same transaction as the rows it sums:
/// triggers on `cases` (insert; policy, status, flagged_at or current_label changed), `score`
/// (insert; score or threshold changed) and `label_event` (insert only: the log is append-only).
/// ``recompute`` rebuilds them from the rows (the migration's backfill, and the tests' check that
/// the triggers agree with a recount).
extension Schema {
    /// `score ≥ threshold` (0.5 without one), and its 20-bin index, for a score row `s`.
    static func above(_ s: String) -> String { "(\(s).score >= coalesce(\(s).threshold, 0.5))" }
    static func bin(_ s: String) -> String { "min(19, CAST(\(s).score * 20 AS INTEGER))" }

    static let v4Tables = """
    -- Cases per (policy area, status).
    CREATE TABLE agg_policy_status (
        policy TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (policy, status)
    ) WITHOUT ROWID;

    -- Cases flagged per UTC day (flagged_at / 86400000).
    CREATE TABLE agg_flag_day (day INTEGER PRIMARY KEY, n INTEGER NOT NULL);

    -- Label events per person, UTC day, track ('' = the analyst queue, else the project), kind and
    -- decision ('' for none).
    CREATE TABLE agg_person_day (
        analyst TEXT NOT NULL, day INTEGER NOT NULL, track TEXT NOT NULL, kind TEXT NOT NULL, decision TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (analyst, day, track, kind, decision)
    ) WITHOUT ROWID;
    -- The clock hours in which a person made a label.
    CREATE TABLE agg_person_hour (analyst TEXT NOT NULL, hour INTEGER NOT NULL, PRIMARY KEY (analyst, hour)) WITHOUT ROWID;
    -- Dwell times of labels per person and day, in quarter-second buckets (capped at one hour).
    CREATE TABLE agg_dwell (
        analyst TEXT NOT NULL, day INTEGER NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (analyst, day, bucket)
    ) WITHOUT ROWID;

    -- Decided cases (their current label in the analyst queue) per score row: model, version,
    -- decision, above the threshold or not, 20 score bins; count, Σ score, Σ score².
    CREATE TABLE agg_outcome_bin (
        model TEXT NOT NULL, version TEXT NOT NULL, decision TEXT NOT NULL, above INTEGER NOT NULL, bin INTEGER NOT NULL,
        n INTEGER NOT NULL, score_sum REAL NOT NULL, score_sq REAL NOT NULL,
        PRIMARY KEY (model, version, decision, above, bin)
    ) WITHOUT ROWID;

    -- Score rows per model version, and the import that first brought the version (its age).
    CREATE TABLE agg_model_version (
        model TEXT NOT NULL, version TEXT NOT NULL, n INTEGER NOT NULL, first_batch INTEGER NOT NULL,
        PRIMARY KEY (model, version)
    ) WITHOUT ROWID;

    -- Two versions of one model on the cases both scored (va < vb as text): count, flags, Σ (b − a).
    CREATE TABLE agg_version_pair (
        model TEXT NOT NULL, va TEXT NOT NULL, vb TEXT NOT NULL,
        n INTEGER NOT NULL, both_flag INTEGER NOT NULL, a_only INTEGER NOT NULL, b_only INTEGER NOT NULL,
        diff_sum REAL NOT NULL,
        PRIMARY KEY (model, va, vb)
    ) WITHOUT ROWID;
    -- The same pairs on decided cases, by decision and by which version flags the case.
    CREATE TABLE agg_version_pair_decision (
        model TEXT NOT NULL, va TEXT NOT NULL, vb TEXT NOT NULL, decision TEXT NOT NULL,
        a_flag INTEGER NOT NULL, b_flag INTEGER NOT NULL, n INTEGER NOT NULL,
        PRIMARY KEY (model, va, vb, decision, a_flag, b_flag)
    ) WITHOUT ROWID;
    """

    /// Adds (`sign` +1) or removes (−1) the outcome bins of case `caseRow`'s scores under the
    /// decision of label event `event` (SQL expressions).
    static func outcomeBins(caseRow: String, event: String, sign: Int) -> String {
        """
        INSERT INTO agg_outcome_bin(model, version, decision, above, bin, n, score_sum, score_sq)
        SELECT s.model, s.version, e.decision, \(above("s")), \(bin("s")), \(sign), \(sign) * s.score, \(sign) * s.score * s.score
        FROM score s JOIN label_event e ON e.id = \(event)
        WHERE s.case_row = \(caseRow) AND e.decision IS NOT NULL
        ON CONFLICT(model, version, decision, above, bin) DO UPDATE SET
            n = n + excluded.n, score_sum = score_sum + excluded.score_sum, score_sq = score_sq + excluded.score_sq;
        """
    }

    /// One score row's outcome bin (`row` is NEW or OLD) under the case's current label.
    static func outcomeBin(row: String, sign: Int) -> String {
        """
        INSERT INTO agg_outcome_bin(model, version, decision, above, bin, n, score_sum, score_sq)
        SELECT \(row).model, \(row).version, e.decision, \(above(row)), \(bin(row)), \(sign), \(sign) * \(row).score,
               \(sign) * \(row).score * \(row).score
        FROM cases c JOIN label_event e ON e.id = c.current_label
        WHERE c.id = \(row).case_row AND e.decision IS NOT NULL
        ON CONFLICT(model, version, decision, above, bin) DO UPDATE SET
            n = n + excluded.n, score_sum = score_sum + excluded.score_sum, score_sq = score_sq + excluded.score_sq;
        """
    }

    /// The pairs that score row `row` (NEW or OLD) forms with the case's other versions of its model.
    static func versionPairs(row: String, sign: Int) -> String {
        let a = "CASE WHEN \(row).version < o.version THEN \(row).score ELSE o.score END"
        let b = "CASE WHEN \(row).version < o.version THEN o.score ELSE \(row).score END"
        let fa = "CASE WHEN \(row).version < o.version THEN \(above(row)) ELSE \(above("o")) END"
        let fb = "CASE WHEN \(row).version < o.version THEN \(above("o")) ELSE \(above(row)) END"
        return """
        INSERT INTO agg_version_pair(model, va, vb, n, both_flag, a_only, b_only, diff_sum)
        SELECT \(row).model, min(\(row).version, o.version), max(\(row).version, o.version), \(sign),
               \(sign) * (\(fa) AND \(fb)), \(sign) * (\(fa) AND NOT \(fb)), \(sign) * (\(fb) AND NOT \(fa)),
               \(sign) * ((\(b)) - (\(a)))
        FROM score o WHERE o.case_row = \(row).case_row AND o.model = \(row).model AND o.version <> \(row).version
        ON CONFLICT(model, va, vb) DO UPDATE SET n = n + excluded.n, both_flag = both_flag + excluded.both_flag,
            a_only = a_only + excluded.a_only, b_only = b_only + excluded.b_only, diff_sum = diff_sum + excluded.diff_sum;
        INSERT INTO agg_version_pair_decision(model, va, vb, decision, a_flag, b_flag, n)
        SELECT \(row).model, min(\(row).version, o.version), max(\(row).version, o.version), e.decision, \(fa), \(fb), \(sign)
        FROM score o JOIN cases c ON c.id = o.case_row JOIN label_event e ON e.id = c.current_label
        WHERE o.case_row = \(row).case_row AND o.model = \(row).model AND o.version <> \(row).version AND e.decision IS NOT NULL
        ON CONFLICT(model, va, vb, decision, a_flag, b_flag) DO UPDATE SET n = n + excluded.n;
        """
    }

    /// The decided-case pairs of case `caseRow` under the decision of label event `event`.
    static func versionPairDecisions(caseRow: String, event: String, sign: Int) -> String {
        """
        INSERT INTO agg_version_pair_decision(model, va, vb, decision, a_flag, b_flag, n)
        SELECT a.model, a.version, b.version, e.decision, \(above("a")), \(above("b")), \(sign)
        FROM score a JOIN score b ON b.case_row = a.case_row AND b.model = a.model AND b.version > a.version
             JOIN label_event e ON e.id = \(event)
        WHERE a.case_row = \(caseRow) AND e.decision IS NOT NULL
        ON CONFLICT(model, va, vb, decision, a_flag, b_flag) DO UPDATE SET n = n + excluded.n;
        """
    }

    static var v4Triggers: String {
        """
        CREATE TRIGGER agg_cases_insert AFTER INSERT ON cases BEGIN
            INSERT INTO agg_policy_status(policy, status, n) VALUES (NEW.policy, NEW.status, 1)
                ON CONFLICT(policy, status) DO UPDATE SET n = n + 1;
            INSERT INTO agg_flag_day(day, n) SELECT NEW.flagged_at / 86400000, 1 WHERE NEW.flagged_at IS NOT NULL
                ON CONFLICT(day) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER agg_cases_status AFTER UPDATE OF policy, status ON cases
        WHEN OLD.policy IS NOT NEW.policy OR OLD.status IS NOT NEW.status BEGIN
            UPDATE agg_policy_status SET n = n - 1 WHERE policy = OLD.policy AND status = OLD.status;
            INSERT INTO agg_policy_status(policy, status, n) VALUES (NEW.policy, NEW.status, 1)
                ON CONFLICT(policy, status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER agg_cases_flagged AFTER UPDATE OF flagged_at ON cases
        WHEN OLD.flagged_at IS NOT NEW.flagged_at BEGIN
            UPDATE agg_flag_day SET n = n - 1 WHERE day = OLD.flagged_at / 86400000 AND OLD.flagged_at IS NOT NULL;
            INSERT INTO agg_flag_day(day, n) SELECT NEW.flagged_at / 86400000, 1 WHERE NEW.flagged_at IS NOT NULL
                ON CONFLICT(day) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER agg_cases_label AFTER UPDATE OF current_label ON cases
        WHEN OLD.current_label IS NOT NEW.current_label BEGIN
            \(outcomeBins(caseRow: "NEW.id", event: "OLD.current_label", sign: -1))
            \(outcomeBins(caseRow: "NEW.id", event: "NEW.current_label", sign: 1))
            \(versionPairDecisions(caseRow: "NEW.id", event: "OLD.current_label", sign: -1))
            \(versionPairDecisions(caseRow: "NEW.id", event: "NEW.current_label", sign: 1))
        END;
        CREATE TRIGGER agg_score_insert AFTER INSERT ON score BEGIN
            INSERT INTO agg_model_version(model, version, n, first_batch) VALUES (NEW.model, NEW.version, 1, NEW.batch_id)
                ON CONFLICT(model, version) DO UPDATE SET n = n + 1, first_batch = min(first_batch, excluded.first_batch);
            \(outcomeBin(row: "NEW", sign: 1))
            \(versionPairs(row: "NEW", sign: 1))
        END;
        CREATE TRIGGER agg_score_update AFTER UPDATE OF score, threshold ON score
        WHEN OLD.score IS NOT NEW.score OR OLD.threshold IS NOT NEW.threshold BEGIN
            \(outcomeBin(row: "OLD", sign: -1))
            \(outcomeBin(row: "NEW", sign: 1))
            \(versionPairs(row: "OLD", sign: -1))
            \(versionPairs(row: "NEW", sign: 1))
        END;
        CREATE TRIGGER agg_label_event_insert AFTER INSERT ON label_event BEGIN
            INSERT INTO agg_person_day(analyst, day, track, kind, decision, n)
            VALUES (NEW.analyst, NEW.created_at / 86400000, coalesce(NEW.project, ''), NEW.kind, coalesce(NEW.decision, ''), 1)
                ON CONFLICT(analyst, day, track, kind, decision) DO UPDATE SET n = n + 1;
            INSERT INTO agg_person_hour(analyst, hour) SELECT NEW.analyst, NEW.created_at / 3600000 WHERE NEW.kind = 'label'
                ON CONFLICT(analyst, hour) DO NOTHING;
            INSERT INTO agg_dwell(analyst, day, bucket, n)
            SELECT NEW.analyst, NEW.created_at / 86400000, min(14400, max(0, NEW.dwell_ms / 250)), 1
            WHERE NEW.kind = 'label' AND NEW.dwell_ms IS NOT NULL
                ON CONFLICT(analyst, day, bucket) DO UPDATE SET n = n + 1;
        END;
        """
    }

    /// Empties the aggregates and counts them again from the rows.
    static func recomputeAggregates(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM agg_policy_status; DELETE FROM agg_flag_day; DELETE FROM agg_person_day; DELETE FROM agg_person_hour;
            DELETE FROM agg_dwell; DELETE FROM agg_outcome_bin; DELETE FROM agg_model_version; DELETE FROM agg_version_pair; DELETE FROM agg_version_pair_decision;
            INSERT INTO agg_policy_status(policy, status, n) SELECT policy, status, count(*) FROM cases GROUP BY policy, status;
            INSERT INTO agg_flag_day(day, n) SELECT flagged_at / 86400000, count(*) FROM cases WHERE flagged_at IS NOT NULL
                GROUP BY 1;
            INSERT INTO agg_person_day(analyst, day, track, kind, decision, n)
                SELECT analyst, created_at / 86400000, coalesce(project, ''), kind, coalesce(decision, ''), count(*)
                FROM label_event GROUP BY 1, 2, 3, 4, 5;
            INSERT INTO agg_person_hour(analyst, hour)
                SELECT DISTINCT analyst, created_at / 3600000 FROM label_event WHERE kind = 'label';
            INSERT INTO agg_dwell(analyst, day, bucket, n)
                SELECT analyst, created_at / 86400000, min(14400, max(0, dwell_ms / 250)), count(*) FROM label_event
                WHERE kind = 'label' AND dwell_ms IS NOT NULL GROUP BY 1, 2, 3;
            INSERT INTO agg_outcome_bin(model, version, decision, above, bin, n, score_sum, score_sq)
                SELECT s.model, s.version, e.decision, \(above("s")), \(bin("s")), count(*), sum(s.score), sum(s.score * s.score)
                FROM cases c JOIN label_event e ON e.id = c.current_label JOIN score s ON s.case_row = c.id
                WHERE c.current_label IS NOT NULL AND e.decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
            INSERT INTO agg_model_version(model, version, n, first_batch)
                SELECT model, version, count(*), min(batch_id) FROM score GROUP BY 1, 2;
            INSERT INTO agg_version_pair(model, va, vb, n, both_flag, a_only, b_only, diff_sum)
                SELECT a.model, a.version, b.version, count(*), sum(\(above("a")) AND \(above("b"))),
                       sum(\(above("a")) AND NOT \(above("b"))), sum(\(above("b")) AND NOT \(above("a"))), sum(b.score - a.score)
                FROM score a JOIN score b ON b.case_row = a.case_row AND b.model = a.model AND b.version > a.version
                GROUP BY 1, 2, 3;
            INSERT INTO agg_version_pair_decision(model, va, vb, decision, a_flag, b_flag, n)
                SELECT a.model, a.version, b.version, e.decision, \(above("a")), \(above("b")), count(*)
                FROM score a JOIN score b ON b.case_row = a.case_row AND b.model = a.model AND b.version > a.version
                     JOIN cases c ON c.id = a.case_row JOIN label_event e ON e.id = c.current_label
                WHERE e.decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6;
            """)
    }
}
