import GRDB
import TriageCore

/// The SQLite schema, created and upgraded by GRDB migrations.
///
/// Migrations are named for what they add and are never edited once shipped: a change to the
/// schema is a new migration. Timestamps are INTEGER milliseconds since the Unix epoch (UTC);
/// lists (reason codes, evidence ids, attribution items, features) are JSON text.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1 cases, scores, attributions, rationales, evidence, features, labels, taxonomy, people, assignments, imports") { db in
            try db.execute(sql: v1)
        }
        m.registerMigration("v2 labelling projects, overlap claims, decision outcomes, who added people") { db in
            try db.execute(sql: v2)
            // The standard taxonomy's decisions gain their outcome; edited taxonomies get it when
            // re-imported with `outcome = ...`.
            try db.execute(sql: "UPDATE decision SET outcome = 'positive' WHERE key = 'violation'")
            try db.execute(sql: "UPDATE decision SET outcome = 'negative' WHERE key = 'no_violation'")
        }
        m.registerMigration("v3 service levels per policy area") { db in
            try db.execute(sql: "ALTER TABLE policy_area ADD COLUMN sla_hours REAL CHECK (sla_hours IS NULL OR sla_hours > 0)")
            // The standard taxonomy's policy areas gain their service levels.
            for p in Taxonomy.standard.policies {
                try db.execute(sql: "UPDATE policy_area SET sla_hours = ? WHERE key = ? AND sla_hours IS NULL",
                               arguments: [p.slaHours, p.key])
            }
        }
        m.registerMigration("v4 dashboard aggregates kept by triggers") { db in
            try db.execute(sql: v4Tables)
            try db.execute(sql: v4Triggers)
            try recomputeAggregates(db)
        }
        m.registerMigration("v5 imports commit in chunks and resume") { db in
            try db.execute(sql: """
                ALTER TABLE import_batch ADD COLUMN host TEXT NOT NULL DEFAULT '';
                ALTER TABLE import_batch ADD COLUMN pid INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE import_batch ADD COLUMN progress_at INTEGER;
                CREATE INDEX import_batch_unfinished ON import_batch(sha256) WHERE finished_at IS NULL;
                """)
        }
        m.registerMigration("v6 rationales asked for from triage, and feedback on rationales") { db in
            try db.execute(sql: """
                ALTER TABLE rationale ADD COLUMN requested_by TEXT;
                CREATE TABLE rationale_feedback (
                    id INTEGER PRIMARY KEY,
                    rationale_id INTEGER NOT NULL REFERENCES rationale(id),
                    helpful INTEGER NOT NULL CHECK (helpful IN (0, 1)),
                    tags TEXT NOT NULL DEFAULT '[]',
                    note TEXT,
                    analyst TEXT NOT NULL,
                    os_user TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                );
                CREATE INDEX rationale_feedback_by_time ON rationale_feedback(created_at);
                -- Feedback is evaluation data: append-only, like label events.
                CREATE TRIGGER rationale_feedback_no_update BEFORE UPDATE ON rationale_feedback
                BEGIN SELECT RAISE(ABORT, 'rationale feedback is append-only'); END;
                CREATE TRIGGER rationale_feedback_no_delete BEFORE DELETE ON rationale_feedback
                BEGIN SELECT RAISE(ABORT, 'rationale feedback is append-only'); END;
                """)
        }
        m.registerMigration("v7 an index for the country filter") { db in
            // The workbench's `country=` filter: its count was a scan of every open case (0.2 s at
            // 1,000,000 cases); this index makes it a range count and serves the score order too.
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS cases_by_country_score ON cases(merchant_country, status, score, id)")
        }
        m.registerMigration("v8 who changed each role, and what labelers may read") { db in
            // Every role given or changed, by whom and when: append-only, like label events.
            // People registered before it have no row: who set their role was not recorded (the
            // person table says only who added them), and a migration does not guess.
            try db.execute(sql: """
                CREATE TABLE role_change (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('analyst', 'labeler', 'lead')),
                    previous_role TEXT CHECK (previous_role IN ('analyst', 'labeler', 'lead')),
                    changed_at INTEGER NOT NULL,
                    changed_by TEXT NOT NULL
                );
                CREATE INDEX role_change_by_name ON role_change(name, id);
                CREATE TRIGGER role_change_no_update BEFORE UPDATE ON role_change
                BEGIN SELECT RAISE(ABORT, 'role changes are append-only'); END;
                CREATE TRIGGER role_change_no_delete BEFORE DELETE ON role_change
                BEGIN SELECT RAISE(ABORT, 'role changes are append-only'); END;
                """)
        }
        return m
    }

    /// The newest migration this build knows, shown when a database is newer.
    static var latest: String { migrator.migrations.last ?? "none" }

    static let v1 = """
    CREATE TABLE import_batch (
        id INTEGER PRIMARY KEY,
        file_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        format TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        finished_at INTEGER,
        imported_by TEXT NOT NULL,
        read_count INTEGER NOT NULL DEFAULT 0,
        inserted_count INTEGER NOT NULL DEFAULT 0,
        updated_count INTEGER NOT NULL DEFAULT 0,
        unchanged_count INTEGER NOT NULL DEFAULT 0,
        rejected_count INTEGER NOT NULL DEFAULT 0
    );

    -- A flagged merchant awaiting a decision. `score`, `threshold` and `margin` are the headline
    -- score (each model's latest score, the highest of those), kept here so every queue order is
    -- one index walk. `current_label` points at the label event that decides the case, if any.
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        case_id TEXT NOT NULL UNIQUE,
        policy TEXT NOT NULL,
        flagged_at INTEGER,
        merchant_id TEXT,
        merchant_name TEXT NOT NULL,
        merchant_country TEXT,
        merchant_mcc TEXT,
        merchant_url TEXT,
        merchant_description TEXT,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'decided', 'escalated')),
        gold_label TEXT,
        score REAL NOT NULL,
        threshold REAL,
        margin REAL NOT NULL,
        current_label INTEGER,
        batch_id INTEGER NOT NULL REFERENCES import_batch(id),
        updated_at INTEGER NOT NULL
    );
    CREATE INDEX cases_by_score ON cases(status, score, id);
    CREATE INDEX cases_by_policy_score ON cases(policy, status, score, id);
    CREATE INDEX cases_by_age ON cases(status, flagged_at, id);
    CREATE INDEX cases_by_policy_age ON cases(policy, status, flagged_at, id);
    CREATE INDEX cases_by_margin ON cases(status, margin, id);
    CREATE INDEX cases_by_policy_margin ON cases(policy, status, margin, id);
    CREATE INDEX cases_by_current_label ON cases(current_label) WHERE current_label IS NOT NULL;

    -- One score per (case, model, version); a newer version adds a row, history is kept.
    CREATE TABLE score (
        id INTEGER PRIMARY KEY,
        case_row INTEGER NOT NULL REFERENCES cases(id),
        model TEXT NOT NULL,
        version TEXT NOT NULL,
        score REAL NOT NULL CHECK (score >= 0 AND score <= 1),
        threshold REAL CHECK (threshold IS NULL OR (threshold >= 0 AND threshold <= 1)),
        batch_id INTEGER NOT NULL REFERENCES import_batch(id),
        UNIQUE (case_row, model, version)
    );
    CREATE INDEX score_by_model_version ON score(model, version, score);

    -- Per (case, model, version): base value + items, JSON [{feature, value, contribution}].
    -- In logit space base_value + Σ contribution = logit(score).
    CREATE TABLE attribution (
        id INTEGER PRIMARY KEY,
        case_row INTEGER NOT NULL REFERENCES cases(id),
        model TEXT NOT NULL,
        version TEXT NOT NULL,
        base_value REAL NOT NULL,
        space TEXT NOT NULL CHECK (space IN ('logit', 'probability')),
        items TEXT NOT NULL,
        UNIQUE (case_row, model, version)
    );

    -- LLM-written rationales; `evidence_ids` is a JSON array of the evidence ids cited.
    -- `origin` is 'import' or 'generated'; latency and token counts are for generated ones.
    CREATE TABLE rationale (
        id INTEGER PRIMARY KEY,
        case_row INTEGER NOT NULL REFERENCES cases(id),
        model TEXT NOT NULL,
        prompt_version TEXT,
        text TEXT NOT NULL,
        evidence_ids TEXT NOT NULL DEFAULT '[]',
        created_at INTEGER,
        origin TEXT NOT NULL DEFAULT 'import',
        latency_ms INTEGER,
        prompt_tokens INTEGER,
        completion_tokens INTEGER
    );
    CREATE INDEX rationale_by_case ON rationale(case_row);

    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        case_row INTEGER NOT NULL REFERENCES cases(id),
        evidence_id TEXT NOT NULL,
        kind TEXT,
        source TEXT,
        text TEXT,
        UNIQUE (case_row, evidence_id)
    );

    -- The feature snapshot the model saw (JSON object), one row per import that changed it, so
    -- the export can give the snapshot in force when a label was made.
    CREATE TABLE feature_snapshot (
        id INTEGER PRIMARY KEY,
        case_row INTEGER NOT NULL REFERENCES cases(id),
        batch_id INTEGER NOT NULL REFERENCES import_batch(id),
        taken_at INTEGER NOT NULL,
        features TEXT NOT NULL
    );
    CREATE INDEX feature_snapshot_by_case ON feature_snapshot(case_row, id);

    -- Every feature name seen, so a CSV export can lay out its columns without a full scan.
    CREATE TABLE feature_name (name TEXT PRIMARY KEY) WITHOUT ROWID;

    -- The append-only label log. Corrections and undo are new events that supersede old ones.
    CREATE TABLE label_event (
        id INTEGER PRIMARY KEY,
        case_row INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL CHECK (kind IN ('label', 'undo', 'adjudication')),
        decision TEXT,
        reason_codes TEXT NOT NULL DEFAULT '[]',
        note TEXT,
        analyst TEXT NOT NULL,
        os_user TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('analyst', 'labeler', 'lead')),
        created_at INTEGER NOT NULL,
        dwell_ms INTEGER,
        blind INTEGER NOT NULL DEFAULT 0,
        model_versions_seen TEXT NOT NULL DEFAULT '[]',
        supersedes INTEGER REFERENCES label_event(id),
        queue_policy TEXT,
        inclusion_probability REAL,
        app_version TEXT NOT NULL
    );
    CREATE INDEX label_event_by_case ON label_event(case_row, id);
    CREATE INDEX label_event_by_time ON label_event(created_at);
    CREATE INDEX label_event_by_analyst ON label_event(analyst, created_at);
    CREATE TRIGGER label_event_no_update BEFORE UPDATE ON label_event
    BEGIN SELECT RAISE(ABORT, 'label events are append-only: record a new event that supersedes this one'); END;
    CREATE TRIGGER label_event_no_delete BEFORE DELETE ON label_event
    BEGIN SELECT RAISE(ABORT, 'label events are append-only: they cannot be deleted'); END;

    -- Who holds a case, until when (a lease that expires if their session dies).
    CREATE TABLE assignment (
        case_row INTEGER PRIMARY KEY REFERENCES cases(id),
        analyst TEXT NOT NULL,
        claimed_at INTEGER NOT NULL,
        lease_until INTEGER NOT NULL
    );
    CREATE INDEX assignment_by_analyst ON assignment(analyst);

    -- People and their roles.
    CREATE TABLE person (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL CHECK (role IN ('analyst', 'labeler', 'lead')),
        created_at INTEGER NOT NULL
    );

    -- The taxonomy: decisions (shared by all policy areas), policy areas, reason codes
    -- (policy '' = offered in every policy area; decisions = JSON array or NULL for any).
    CREATE TABLE decision (
        key TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        hotkey TEXT NOT NULL,
        is_final INTEGER NOT NULL,
        position INTEGER NOT NULL
    );
    CREATE TABLE policy_area (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        summary TEXT,
        position INTEGER NOT NULL
    );
    CREATE TABLE reason_code (
        policy TEXT NOT NULL,
        code TEXT NOT NULL,
        label TEXT NOT NULL,
        hotkey TEXT NOT NULL,
        decisions TEXT,
        position INTEGER NOT NULL,
        PRIMARY KEY (policy, code)
    );

    -- Full-text search over merchant name, description, rationales and evidence. External
    -- content (the view below): the index stores no second copy of the text.
    CREATE VIEW case_search_source AS
    SELECT c.id AS id,
           c.merchant_name AS name,
           c.merchant_description AS description,
           (SELECT group_concat(r.text, ' ') FROM rationale r WHERE r.case_row = c.id) AS rationale,
           (SELECT group_concat(e.text, ' ') FROM evidence e WHERE e.case_row = c.id) AS evidence
    FROM cases c;
    CREATE VIRTUAL TABLE case_search USING fts5(
        name, description, rationale, evidence,
        content = 'case_search_source', content_rowid = 'id',
        tokenize = 'unicode61 remove_diacritics 2'
    );
    """

    static let v2 = """
    ALTER TABLE decision ADD COLUMN outcome TEXT CHECK (outcome IS NULL OR outcome IN ('positive', 'negative'));
    ALTER TABLE person ADD COLUMN added_by TEXT;

    -- Labels made in a labelling project belong to it; the case's own track has project NULL.
    ALTER TABLE label_event ADD COLUMN project TEXT REFERENCES project(name);
    CREATE INDEX label_event_by_project ON label_event(project, case_row, analyst) WHERE project IS NOT NULL;
    CREATE INDEX label_event_by_supersedes ON label_event(supersedes) WHERE supersedes IS NOT NULL;
    CREATE INDEX cases_gold ON cases(policy, id) WHERE gold_label IS NOT NULL;

    -- A labelling project: cases that need `overlap` independent labels each.
    CREATE TABLE project (
        name TEXT PRIMARY KEY,
        policy TEXT,
        overlap INTEGER NOT NULL CHECK (overlap BETWEEN 1 AND 20),
        blind INTEGER NOT NULL DEFAULT 1,
        gold_rate REAL NOT NULL DEFAULT 0 CHECK (gold_rate >= 0 AND gold_rate < 1),
        queue_policy TEXT NOT NULL CHECK (queue_policy IN ('score', 'age', 'uncertainty', 'audit')),
        sample_rate REAL CHECK (sample_rate IS NULL OR (sample_rate > 0 AND sample_rate <= 1)),
        seed INTEGER NOT NULL DEFAULT 0,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
    );

    -- The cases of a project, in the order they are served (`position`). `inclusion_probability`
    -- is set for an audit sample. `label_count` is the number of live labels (one per labeler),
    -- kept in step by every label and undo, so serving a case needs no count over label_event.
    CREATE TABLE project_case (
        project TEXT NOT NULL REFERENCES project(name),
        case_row INTEGER NOT NULL REFERENCES cases(id),
        position INTEGER NOT NULL,
        inclusion_probability REAL,
        label_count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (project, case_row)
    ) WITHOUT ROWID;
    CREATE INDEX project_case_by_position ON project_case(project, position);

    -- Leases in a project: up to `overlap` labelers may hold one case at once, each their own.
    CREATE TABLE project_claim (
        project TEXT NOT NULL REFERENCES project(name),
        case_row INTEGER NOT NULL REFERENCES cases(id),
        labeler TEXT NOT NULL,
        claimed_at INTEGER NOT NULL,
        lease_until INTEGER NOT NULL,
        PRIMARY KEY (project, case_row, labeler)
    ) WITHOUT ROWID;
    CREATE INDEX project_claim_by_labeler ON project_claim(project, labeler);
    """
}
