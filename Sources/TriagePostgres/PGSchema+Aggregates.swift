import TriageCore

/// The leads' dashboard's counters, kept by triggers as on SQLite (the `agg_*` tables of the
/// same names and meaning, SQLite's `Schema+Aggregates.swift`): grouping every decided case's
/// scores took 4.8 s of the dashboard's 5 s at a million cases, and the window's people figures
/// (three passes over 900,000 label events) most of what remained.
///
/// Imports write scores with `COPY` thousands at a time, so the score triggers are
/// statement-level with transition tables: one grouped upsert per statement. Labels change one
/// case at a time: the case trigger is row-level. Every upsert goes in key order, so two
/// sessions updating the same counters wait for each other but never deadlock. Kept: the
/// model-quality counters, the cases per policy area (which only imports change) and the
/// people's counters (which only that person's own events change). Not kept: counters that every
/// session would write, such as cases by status (one row that every label and every import
/// chunk writes: a label would wait for the import's chunk to commit); the dashboard counts those
/// from indexed ranges (the open cases) in tens of milliseconds.
///
/// Versions are compared byte-wise (COLLATE "C"), as SQLite compares text; `above` is
/// `score ≥ threshold` (0.5 without one); `bin` is one of 20 score bins, truncated as SQLite's
/// `CAST(score * 20 AS INTEGER)`.
extension PGSchema {
    static func above(_ s: String) -> String { "(\(s).score >= coalesce(\(s).threshold, 0.5))" }
    static func bin(_ s: String) -> String { "least(19, trunc(\(s).score * 20))::integer" }

    static let outcomeUpsert = """
        ON CONFLICT (model, version, decision, above, bin) DO UPDATE SET n = g.n + excluded.n,
            score_sum = g.score_sum + excluded.score_sum, score_sq = g.score_sq + excluded.score_sq
        """
    static let pairUpsert = """
        ON CONFLICT (model, va, vb) DO UPDATE SET n = g.n + excluded.n, both_flag = g.both_flag + excluded.both_flag,
            a_only = g.a_only + excluded.a_only, b_only = g.b_only + excluded.b_only, diff_sum = g.diff_sum + excluded.diff_sum
        """
    static let pairDecisionUpsert = """
        ON CONFLICT (model, va, vb, decision, a_flag, b_flag) DO UPDATE SET n = g.n + excluded.n
        """

    /// The pairs of score rows `a`, `b` of one case and model (`a`'s version first) that `pairs`
    /// selects, each counted `sign` times, as `agg_version_pair` rows.
    static func pairRows(_ from: String, sign: String = "1") -> String {
        """
        SELECT a.model, a.version, b.version, sum(\(sign)),
               sum(\(sign) * (\(above("a")) AND \(above("b")))::int), sum(\(sign) * (\(above("a")) AND NOT \(above("b")))::int),
               sum(\(sign) * (\(above("b")) AND NOT \(above("a")))::int), sum(\(sign) * (b.score - a.score))
        \(from)
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        """
    }

    /// In the trigger of a re-scored row: the row as it was (x.sign −1) and as it is (+1), each
    /// paired with every other version `o` of the case's model as `a` (the byte-wise lower
    /// version) and `b`.
    static let changedPairs = """
        (VALUES (OLD.score, OLD.threshold, -1), (NEW.score, NEW.threshold, 1)) AS x(score, threshold, sign)
             JOIN score o ON o.case_row = NEW.case_row AND o.model = NEW.model AND o.id <> NEW.id
             \(sides(model: "NEW.model", version: "NEW.version", score: "x.score", threshold: "x.threshold"))
        """

    /// A score row's pair with another version `o` of its model, as `a` (the byte-wise lower
    /// version) and `b`: the row's own values are the given expressions; `f.first` says whether
    /// the row is `a`.
    static func sides(model: String, version: String, score: String, threshold: String) -> String {
        """
        CROSS JOIN LATERAL (SELECT \(version) COLLATE "C" < o.version COLLATE "C" AS first) f
             CROSS JOIN LATERAL (SELECT \(model) AS model,
                     CASE WHEN f.first THEN \(version) ELSE o.version END AS version,
                     CASE WHEN f.first THEN \(score) ELSE o.score END AS score,
                     CASE WHEN f.first THEN \(threshold) ELSE o.threshold END AS threshold) a
             CROSS JOIN LATERAL (SELECT CASE WHEN f.first THEN o.version ELSE \(version) END AS version,
                     CASE WHEN f.first THEN o.score ELSE \(score) END AS score,
                     CASE WHEN f.first THEN o.threshold ELSE \(threshold) END AS threshold) b
        """
    }

    /// In the trigger of new score rows (`new_rows`): each new row `n` paired with every other
    /// version `o` of its case's model, as `a` (the byte-wise lower version) and `b`; a pair of
    /// two new rows is counted once, from its lower version. The other versions are read per new
    /// row from the score index (`OFFSET 0` keeps the subquery a parameterized lookup): a plan
    /// chosen while the table was small must not scan it whole once it holds millions of rows.
    static let newPairs = """
        new_rows n
             CROSS JOIN LATERAL (SELECT o.id, o.version, o.score, o.threshold FROM score o
                                 WHERE o.case_row = n.case_row AND o.model = n.model AND o.id <> n.id OFFSET 0) o
             \(sides(model: "n.model", version: "n.version", score: "n.score", threshold: "n.threshold"))
        """
    /// Keeps one of the two ways ``newPairs`` finds a pair of two new rows.
    static let newPairsOnce = "(f.first OR o.id NOT IN (SELECT id FROM new_rows))"

    /// The decision of the current label of the case with row id `row`, as a one-row subquery
    /// for `CROSS JOIN LATERAL` (no row: the case is not decided). Looked up by key for each row.
    static func decisionOf(_ row: String) -> String {
        """
        (SELECT e.decision FROM cases c JOIN label_event e ON e.id = c.current_label
         WHERE c.id = \(row) AND e.decision IS NOT NULL OFFSET 0)
        """
    }

    /// The `agg_person_day` rows of the label events in `events`.
    static func personDayRows(_ events: String) -> String {
        """
        SELECT analyst, created_at / 86400000, coalesce(project, ''), kind, coalesce(decision, ''), count(*)
        FROM \(events) GROUP BY 1, 2, 3, 4, 5
        """
    }
    /// The `agg_person_hour` rows of the labels in `events`.
    static func personHourRows(_ events: String) -> String {
        "SELECT DISTINCT analyst, created_at / 3600000 FROM \(events) WHERE kind = 'label'"
    }
    /// The `agg_dwell` rows of the labels in `events` (``PeopleTally/dwellBucketMs`` buckets).
    static func dwellRows(_ events: String) -> String {
        """
        SELECT analyst, created_at / 86400000,
               least(\(PeopleTally.lastDwellBucket), greatest(0, dwell_ms / \(PeopleTally.dwellBucketMs)))::integer, count(*)
        FROM \(events) WHERE kind = 'label' AND dwell_ms IS NOT NULL GROUP BY 1, 2, 3
        """
    }

    static let aggregates = """
    -- Score rows per model version, and the import that first brought the version (its age).
    CREATE TABLE agg_model_version (
        model text NOT NULL, version text NOT NULL, n bigint NOT NULL, first_batch bigint NOT NULL,
        PRIMARY KEY (model, version)
    );
    -- Decided cases (their current label in the analyst queue) per score row: model, version,
    -- decision, above the threshold or not, 20 score bins; count, Σ score, Σ score².
    CREATE TABLE agg_outcome_bin (
        model text NOT NULL, version text NOT NULL, decision text NOT NULL, above boolean NOT NULL, bin integer NOT NULL,
        n bigint NOT NULL, score_sum double precision NOT NULL, score_sq double precision NOT NULL,
        PRIMARY KEY (model, version, decision, above, bin)
    );
    -- Two versions of one model on the cases both scored (va < vb byte-wise): count, flags, Σ (b − a).
    CREATE TABLE agg_version_pair (
        model text NOT NULL, va text NOT NULL, vb text NOT NULL, n bigint NOT NULL, both_flag bigint NOT NULL,
        a_only bigint NOT NULL, b_only bigint NOT NULL, diff_sum double precision NOT NULL,
        PRIMARY KEY (model, va, vb)
    );
    -- The same pairs on decided cases, by decision and by which version flags the case.
    CREATE TABLE agg_version_pair_decision (
        model text NOT NULL, va text NOT NULL, vb text NOT NULL, decision text NOT NULL,
        a_flag boolean NOT NULL, b_flag boolean NOT NULL, n bigint NOT NULL,
        PRIMARY KEY (model, va, vb, decision, a_flag, b_flag)
    );

    -- Cases per policy area. Only imports write it (a statement-level trigger, one upsert per
    -- COPY, and a re-import that moves a case to another area): a label never does, so labels
    -- never wait on it. The dashboard takes each area's decided cases as this count less its open
    -- and escalated ones, which it counts from the index.
    CREATE TABLE agg_policy_cases (policy text PRIMARY KEY, n bigint NOT NULL);
    CREATE FUNCTION triage_agg_cases_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
        INSERT INTO agg_policy_cases AS g (policy, n) SELECT policy, count(*) FROM new_cases GROUP BY 1 ORDER BY 1
        ON CONFLICT (policy) DO UPDATE SET n = g.n + excluded.n;
        RETURN NULL;
    END $$;
    CREATE TRIGGER cases_agg_added AFTER INSERT ON cases REFERENCING NEW TABLE AS new_cases
        FOR EACH STATEMENT EXECUTE FUNCTION triage_agg_cases_added();
    CREATE FUNCTION triage_agg_case_moved() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
        INSERT INTO agg_policy_cases AS g (policy, n)
        SELECT policy, sum(sign) FROM (VALUES (OLD.policy, -1), (NEW.policy, 1)) AS x(policy, sign) GROUP BY 1 ORDER BY 1
        ON CONFLICT (policy) DO UPDATE SET n = g.n + excluded.n;
        RETURN NULL;
    END $$;
    CREATE TRIGGER cases_agg_moved AFTER UPDATE OF policy ON cases FOR EACH ROW
        WHEN (OLD.policy IS DISTINCT FROM NEW.policy) EXECUTE FUNCTION triage_agg_case_moved();

    -- Label events per person, UTC day, track ('' = the analyst queue, else the project), kind and
    -- decision ('' for none); the clock hours in which a person made a label; the dwell times of
    -- their labels per day in quarter-second buckets (capped at one hour). A person's rows are
    -- written only by their own events (row-level security: their own database user), so
    -- labellers never wait for each other on them.
    CREATE TABLE agg_person_day (
        analyst text NOT NULL, day bigint NOT NULL, track text NOT NULL, kind text NOT NULL, decision text NOT NULL,
        n bigint NOT NULL,
        PRIMARY KEY (analyst, day, track, kind, decision)
    );
    CREATE TABLE agg_person_hour (analyst text NOT NULL, hour bigint NOT NULL, PRIMARY KEY (analyst, hour));
    CREATE TABLE agg_dwell (
        analyst text NOT NULL, day bigint NOT NULL, bucket integer NOT NULL, n bigint NOT NULL,
        PRIMARY KEY (analyst, day, bucket)
    );
    CREATE FUNCTION triage_agg_events_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
        INSERT INTO agg_person_day AS g (analyst, day, track, kind, decision, n)
        \(personDayRows("new_events")) ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (analyst, day, track, kind, decision) DO UPDATE SET n = g.n + excluded.n;
        INSERT INTO agg_person_hour (analyst, hour) \(personHourRows("new_events")) ORDER BY 1, 2
        ON CONFLICT (analyst, hour) DO NOTHING;
        INSERT INTO agg_dwell AS g (analyst, day, bucket, n) \(dwellRows("new_events")) ORDER BY 1, 2, 3
        ON CONFLICT (analyst, day, bucket) DO UPDATE SET n = g.n + excluded.n;
        RETURN NULL;
    END $$;
    CREATE TRIGGER label_event_agg_added AFTER INSERT ON label_event REFERENCING NEW TABLE AS new_events
        FOR EACH STATEMENT EXECUTE FUNCTION triage_agg_events_added();

    -- New score rows (an import's COPY or upsert): their versions, their outcome bins when their
    -- case is decided, and every pair they make with their case's other versions of the model.
    CREATE FUNCTION triage_agg_scores_added() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
        INSERT INTO agg_model_version AS g (model, version, n, first_batch)
        SELECT model, version, count(*), min(batch_id) FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (model, version) DO UPDATE SET n = g.n + excluded.n, first_batch = least(g.first_batch, excluded.first_batch);
        INSERT INTO agg_outcome_bin AS g (model, version, decision, above, bin, n, score_sum, score_sq)
        SELECT s.model, s.version, e.decision, \(above("s")), \(bin("s")), count(*), sum(s.score), sum(s.score * s.score)
        FROM new_rows s CROSS JOIN LATERAL \(decisionOf("s.case_row")) e
        GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        \(outcomeUpsert);
        INSERT INTO agg_version_pair AS g (model, va, vb, n, both_flag, a_only, b_only, diff_sum)
        \(pairRows("FROM \(newPairs) WHERE \(newPairsOnce)"))
        \(pairUpsert);
        INSERT INTO agg_version_pair_decision AS g (model, va, vb, decision, a_flag, b_flag, n)
        SELECT a.model, a.version, b.version, e.decision, \(above("a")), \(above("b")), count(*)
        FROM \(newPairs) CROSS JOIN LATERAL \(decisionOf("n.case_row")) e WHERE \(newPairsOnce)
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
        \(pairDecisionUpsert);
        RETURN NULL;
    END $$;
    CREATE TRIGGER score_agg_added AFTER INSERT ON score REFERENCING NEW TABLE AS new_rows
        FOR EACH STATEMENT EXECUTE FUNCTION triage_agg_scores_added();

    -- A score row re-scored by an import (one row per statement: the importer upserts row by
    -- row): its bin and its pairs move from the old values to the new.
    CREATE FUNCTION triage_agg_score_changed() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
        INSERT INTO agg_outcome_bin AS g (model, version, decision, above, bin, n, score_sum, score_sq)
        SELECT s.model, s.version, e.decision, \(above("s")), \(bin("s")), sum(s.sign), sum(s.sign * s.score),
               sum(s.sign * s.score * s.score)
        FROM (VALUES (OLD.model, OLD.version, OLD.score, OLD.threshold, -1), (NEW.model, NEW.version, NEW.score, NEW.threshold, 1))
             AS s(model, version, score, threshold, sign)
             JOIN cases c ON c.id = NEW.case_row JOIN label_event e ON e.id = c.current_label
        WHERE e.decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        \(outcomeUpsert);
        INSERT INTO agg_version_pair AS g (model, va, vb, n, both_flag, a_only, b_only, diff_sum)
        \(pairRows("""
            FROM \(changedPairs)
            """, sign: "x.sign"))
        \(pairUpsert);
        INSERT INTO agg_version_pair_decision AS g (model, va, vb, decision, a_flag, b_flag, n)
        SELECT a.model, a.version, b.version, e.decision, \(above("a")), \(above("b")), sum(x.sign)
        FROM \(changedPairs)
             JOIN cases c ON c.id = NEW.case_row JOIN label_event e ON e.id = c.current_label
        WHERE e.decision IS NOT NULL
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
        \(pairDecisionUpsert);
        RETURN NULL;
    END $$;
    CREATE TRIGGER score_agg_changed AFTER UPDATE OF score, threshold ON score FOR EACH ROW
        WHEN (OLD.score IS DISTINCT FROM NEW.score OR OLD.threshold IS DISTINCT FROM NEW.threshold)
        EXECUTE FUNCTION triage_agg_score_changed();

    -- A case's current label changed (a label, a correction, an undo): its scores' bins and pairs
    -- leave the old decision (sign −1) and join the new one (+1).
    CREATE FUNCTION triage_agg_case_labelled() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
        INSERT INTO agg_outcome_bin AS g (model, version, decision, above, bin, n, score_sum, score_sq)
        SELECT s.model, s.version, e.decision, \(above("s")), \(bin("s")), sum(x.sign), sum(x.sign * s.score),
               sum(x.sign * s.score * s.score)
        FROM (VALUES (OLD.current_label, -1), (NEW.current_label, 1)) AS x(event, sign)
             JOIN label_event e ON e.id = x.event JOIN score s ON s.case_row = NEW.id
        WHERE e.decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
        \(outcomeUpsert);
        INSERT INTO agg_version_pair_decision AS g (model, va, vb, decision, a_flag, b_flag, n)
        SELECT a.model, a.version, b.version, e.decision, \(above("a")), \(above("b")), sum(x.sign)
        FROM (VALUES (OLD.current_label, -1), (NEW.current_label, 1)) AS x(event, sign)
             JOIN label_event e ON e.id = x.event
             JOIN score a ON a.case_row = NEW.id
             JOIN score b ON b.case_row = a.case_row AND b.model = a.model AND b.version COLLATE "C" > a.version COLLATE "C"
        WHERE e.decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
        \(pairDecisionUpsert);
        RETURN NULL;
    END $$;
    CREATE TRIGGER cases_agg_labelled AFTER UPDATE OF current_label ON cases FOR EACH ROW
        WHEN (OLD.current_label IS DISTINCT FROM NEW.current_label)
        EXECUTE FUNCTION triage_agg_case_labelled();

    -- Empties the aggregates and counts them again from the rows (after `triage db copy`, and the
    -- tests' check that the triggers agree with a recount).
    CREATE FUNCTION triage_recompute_aggregates() RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
    BEGIN
        DELETE FROM agg_model_version; DELETE FROM agg_outcome_bin; DELETE FROM agg_version_pair; DELETE FROM agg_version_pair_decision;
        DELETE FROM agg_policy_cases; DELETE FROM agg_person_day; DELETE FROM agg_person_hour; DELETE FROM agg_dwell;
        INSERT INTO agg_policy_cases(policy, n) SELECT policy, count(*) FROM cases GROUP BY 1;
        INSERT INTO agg_person_day(analyst, day, track, kind, decision, n) \(personDayRows("label_event"));
        INSERT INTO agg_person_hour(analyst, hour) \(personHourRows("label_event"));
        INSERT INTO agg_dwell(analyst, day, bucket, n) \(dwellRows("label_event"));
        INSERT INTO agg_model_version(model, version, n, first_batch)
        SELECT model, version, count(*), min(batch_id) FROM score GROUP BY 1, 2;
        INSERT INTO agg_outcome_bin(model, version, decision, above, bin, n, score_sum, score_sq)
        SELECT s.model, s.version, e.decision, \(above("s")), \(bin("s")), count(*), sum(s.score), sum(s.score * s.score)
        FROM cases c JOIN label_event e ON e.id = c.current_label JOIN score s ON s.case_row = c.id
        WHERE e.decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
        INSERT INTO agg_version_pair(model, va, vb, n, both_flag, a_only, b_only, diff_sum)
        \(pairRows("""
            FROM score a JOIN score b ON b.case_row = a.case_row AND b.model = a.model AND b.version COLLATE "C" > a.version COLLATE "C"
            """));
        INSERT INTO agg_version_pair_decision(model, va, vb, decision, a_flag, b_flag, n)
        SELECT a.model, a.version, b.version, e.decision, \(above("a")), \(above("b")), count(*)
        FROM score a JOIN score b ON b.case_row = a.case_row AND b.model = a.model AND b.version COLLATE "C" > a.version COLLATE "C"
             JOIN cases c ON c.id = a.case_row JOIN label_event e ON e.id = c.current_label
        WHERE e.decision IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6;
    END $$;
    REVOKE EXECUTE ON FUNCTION triage_recompute_aggregates() FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION triage_recompute_aggregates() TO triage_admin;
    """
}
