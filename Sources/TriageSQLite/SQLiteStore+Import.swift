import Foundation
import GRDB
import TriageCore
import TriageStore

extension SQLiteStore {
    /// How long one import chunk may hold the write lock when nobody else wants it. Every chunk
    /// writes again the index pages it touched (at 1,000,000 cases, 0.3 s chunks wrote 67 GB
    /// for a 4 GB file), so a chunk runs long while it is alone.
    public static let importChunkSeconds = 2.0
    /// How long a chunk holds the lock at least, once another writer waits for it: the waiting
    /// writer's busy handler touches the lock-wanted file (see ``busyMode(wantedFile:)``), the
    /// import notices within ``importWantedCheckSeconds`` and commits.
    static let importChunkMinimumSeconds = 0.02
    static let importWantedCheckSeconds = 0.01
    /// How long an import pauses between chunks, so that writers polling for the lock (every
    /// 2 ms, see ``busyPollMicroseconds``) take it before the next chunk does.
    static let importGapMicroseconds: UInt32 = 4_000

    public func importBatch(_ info: ImportBatchInfo, _ feed: (any ImportSink) throws -> ImportFeedResult) throws -> ImportBatch {
        try guarded {
            try pool.writeWithoutTransaction { db in
                // Whatever failed (a damaged page can fail a chunk's first read, right after its
                // BEGIN), no transaction outlives the import: GRDB would stop the process.
                defer { if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") } }
                // A bulk load wants a big page cache, no fsync per commit (a crash loses at most
                // the last chunks, which a re-run puts back) and fewer, larger checkpoints (but
                // not too large: a 256 MB checkpoint's flush held up a labeller's fsync for 1.3 s,
                // a 64 MB one for at most 0.6 s); labels restore FULL after.
                try db.execute(sql: "PRAGMA cache_size = -262144; PRAGMA synchronous = NORMAL; PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 16384")
                defer {
                    try? db.execute(sql: "PRAGMA cache_size = -2000; PRAGMA synchronous = FULL; PRAGMA temp_store = DEFAULT; "
                                    + "PRAGMA wal_autocheckpoint = \(autocheckpointPages)")
                }
                let sink = try SQLiteImportSink(db: db, info: info, wantedFile: Self.lockWantedFile(path))
                let result: ImportFeedResult
                do {
                    result = try feed(sink)
                } catch {
                    try? sink.abandon()
                    throw error
                }
                guard result.commit else {
                    try sink.abandon()
                    throw ImportRolledBack()
                }
                return try sink.finish(sha256: result.sha256)
            }
        }
    }

    public func importBatches(limit: Int) throws -> [ImportBatch] {
        try guarded {
            try pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM import_batch WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT ?",
                                 arguments: [limit]).map(Self.importBatch)
            }
        }
    }
}

extension SQLiteStore {
    /// An `import_batch` row.
    static func importBatch(_ r: Row) throws -> ImportBatch {
        ImportBatch(id: try r.checked("id"), fileName: try r.checked("file_name"), sha256: try r.checked("sha256"),
                    format: try r.checked("format"), startedAt: Timestamp(milliseconds: try r.checked("started_at")),
                    finishedAt: (try (r.checked("finished_at") as Int64?)).map(Timestamp.init(milliseconds:)),
                    importedBy: try r.checked("imported_by"), read: try r.checked("read_count"),
                    inserted: try r.checked("inserted_count"), updated: try r.checked("updated_count"),
                    unchanged: try r.checked("unchanged_count"), rejected: try r.checked("rejected_count"))
    }
}

extension SQLiteStore {
    /// A case's searchable text as the search index holds it (needed to take it out again).
    static func searchText(_ db: Database, row: Int64) throws -> Row? {
        try Row.fetchOne(db.cachedStatement(sql:
            "SELECT name, description, rationale, evidence FROM case_search_source WHERE id = ?"), arguments: [row])
    }

    /// Replaces a case's entry in the search index: `old` out (as ``searchText(_:row:)`` read it
    /// before the change), the current text in.
    static func reindexSearch(_ db: Database, row: Int64, old: Row) throws {
        try db.cachedStatement(sql: """
            INSERT INTO case_search(case_search, rowid, name, description, rationale, evidence) VALUES ('delete', ?, ?, ?, ?, ?)
            """).execute(arguments: [row, old["name"], old["description"], old["rationale"], old["evidence"]])
        try db.cachedStatement(sql: """
            INSERT INTO case_search(rowid, name, description, rationale, evidence)
            SELECT id, name, description, rationale, evidence FROM case_search_source WHERE id = ?
            """).execute(arguments: [row])
    }
}

/// Thrown by ``SQLiteStore/importBatch(_:_:)`` when the feed asked to stop.
public struct ImportRolledBack: ImportRolledBackSignal, CustomStringConvertible {
    public var description: String { "the import stopped before the end of its input" }
}

/// Writes records in chunks of short IMMEDIATE transactions, each committing the batch's counts
/// with its records (so a resumed run knows exactly where the last one stopped). New cases take
/// a fast path of plain inserts; known cases are upserted field by field so that re-importing the
/// same file changes nothing.
final class SQLiteImportSink: ImportSink {
    let db: Database
    private(set) var batchID: Int64 = 0
    let now: Timestamp
    let info: ImportBatchInfo
    private(set) var startedAt: Timestamp
    private(set) var resumeAfter = 0
    private(set) var committed = 0
    var inserted = 0, updated = 0, unchanged = 0, rejected = 0
    var read: Int { inserted + updated + unchanged + rejected }
    private var knownFeatures: Set<String>
    /// The feature names of the last snapshot written (see `noteFeatureNames`).
    private var lastFeatureNames: [String] = []
    /// Cases with a larger row id than this are new in the current chunk.
    private var lastRowBefore: Int64 = 0
    /// Rows this chunk inserted into `cases` (indexed for search when it commits).
    private var insertedInChunk = 0
    private var chunkStarted = ContinuousClock.now
    /// The chunk's start on the wall clock, to compare with the lock-wanted file's time.
    private var chunkStartedWall = 0.0
    private var lastWantedCheck = ContinuousClock.now
    private let wantedFile: String
    private var inTransaction = false

    /// Opens the first chunk: resumes the newest unfinished batch of the same input whose
    /// importer is gone, or starts a new batch.
    init(db: Database, info: ImportBatchInfo, wantedFile: String) throws {
        self.db = db
        self.info = info
        self.wantedFile = wantedFile
        self.now = info.startedAt
        self.startedAt = info.startedAt
        knownFeatures = []
        try beginChunk()
        do { try start() } catch {
            try? abandon()
            throw error
        }
    }

    private func start() throws {
        knownFeatures = Set(try String.fetchAll(db, sql: "SELECT name FROM feature_name"))
        if let old = try resumable() {
            batchID = try old.checked("id")
            startedAt = Timestamp(milliseconds: try old.checked("started_at"))
            inserted = try old.checked("inserted_count")
            updated = try old.checked("updated_count")
            unchanged = try old.checked("unchanged_count")
            rejected = try old.checked("rejected_count")
            resumeAfter = try old.checked("read_count")
            committed = resumeAfter
            try db.execute(sql: "UPDATE import_batch SET host = ?, pid = ?, progress_at = ? WHERE id = ?",
                           arguments: [info.host, info.pid, Timestamp.now().milliseconds, batchID])
        } else {
            try db.execute(sql: """
                INSERT INTO import_batch(file_name, sha256, format, started_at, imported_by, host, pid, progress_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [info.fileName, info.sha256, info.format, info.startedAt.milliseconds, info.importedBy,
                                 info.host, info.pid, Timestamp.now().milliseconds])
            batchID = db.lastInsertedRowID
        }
    }

    /// The newest unfinished batch of this input (same SHA-256 and format) whose importer is gone:
    /// on this machine, its process no longer runs; elsewhere, it made no progress for 10 minutes.
    private func resumable() throws -> Row? {
        guard !info.sha256.isEmpty else { return nil }
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM import_batch WHERE finished_at IS NULL AND sha256 = ? AND format = ? ORDER BY id DESC
            """, arguments: [info.sha256, info.format])
        return try rows.first { r in
            info.mayResume(host: try r.checked("host"), pid: try r.checked("pid"), progressAt: try r.checked("progress_at"))
        }
    }

    private func beginChunk() throws {
        try db.beginTransaction(.immediate)
        inTransaction = true
        chunkStarted = .now
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        // A little slack: the file system's clock may round the waiter's touch down.
        chunkStartedWall = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9 - 0.005
        insertedInChunk = 0
        lastRowBefore = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) FROM cases") ?? 0
    }

    /// Indexes the chunk's new cases for full-text search in one statement, records the batch's
    /// counts, and commits. (Fed a row at a time, in a statement per case, the index flushed its
    /// pending terms after each one and the import ran at half the speed: measured.) Updated
    /// cases were re-indexed as they were written.
    private func commitChunk(finishedAt: Timestamp? = nil, sha256: String? = nil) throws {
        if insertedInChunk > 0 {
            try db.execute(sql: """
                INSERT INTO case_search(rowid, name, description, rationale, evidence)
                SELECT id, name, description, rationale, evidence FROM case_search_source WHERE id > ?
                """, arguments: [lastRowBefore])
        }
        try db.execute(sql: """
            UPDATE import_batch SET read_count = ?, inserted_count = ?, updated_count = ?, unchanged_count = ?,
                rejected_count = ?, progress_at = ?, finished_at = ?, sha256 = coalesce(?, sha256) WHERE id = ?
            """, arguments: [read, inserted, updated, unchanged, rejected, Timestamp.now().milliseconds,
                             finishedAt?.milliseconds, sha256, batchID])
        try db.commit()
        inTransaction = false
        committed = read
    }

    /// After each record: when the chunk has held the lock long enough (or someone waits for it),
    /// commit it, pause so that waiting writers get in, and open the next.
    private func afterRecord() throws {
        let now = ContinuousClock.now
        let held = now - chunkStarted
        if held < .seconds(SQLiteStore.importChunkSeconds) {
            guard held >= .seconds(SQLiteStore.importChunkMinimumSeconds),
                  now - lastWantedCheck >= .seconds(SQLiteStore.importWantedCheckSeconds) else { return }
            lastWantedCheck = now
            guard lockWanted() else { return }
        }
        try commitChunk()
        usleep(SQLiteStore.importGapMicroseconds)
        try beginChunk()
    }

    /// Whether another writer has waited for the lock since this chunk began (the lock-wanted
    /// file was touched after it started).
    private func lockWanted() -> Bool {
        var st = stat()
        guard stat(wantedFile, &st) == 0 else { return false }
        let touched = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        return touched >= chunkStartedWall
    }

    /// Commits the last chunk and marks the batch finished.
    func finish(sha256: String) throws -> ImportBatch {
        let finished = Timestamp.now()
        try commitChunk(finishedAt: finished, sha256: sha256)
        return ImportBatch(id: batchID, fileName: info.fileName, sha256: sha256, format: info.format,
                           startedAt: startedAt, finishedAt: finished, importedBy: info.importedBy,
                           read: read, inserted: inserted, updated: updated, unchanged: unchanged, rejected: rejected)
    }

    /// Rolls the chunk in progress back; what earlier chunks committed stays, as an unfinished
    /// batch (none at all when this was the first chunk).
    func abandon() throws {
        guard inTransaction else { return }
        inTransaction = false
        try db.rollback()
    }

    func reject() throws {
        rejected += 1
        try afterRecord()
    }

    func write(_ p: PreparedCase) throws -> WriteOutcome? {
        let r = p.record
        let head = r.headlineScore ?? ModelScore(model: "", version: "", score: 0)
        let m = r.merchant
        let st = try statements()
        let insert = st.insertCase
        insert.bind(1, r.caseID)
        insert.bind(2, p.policy)
        insert.bind(3, (r.flaggedAt ?? now).milliseconds)
        insert.bind(4, m.id)
        insert.bind(5, m.name)
        insert.bind(6, m.country)
        insert.bind(7, m.mcc)
        insert.bind(8, m.url)
        insert.bind(9, m.description)
        insert.bind(10, r.goldLabel)
        insert.bind(11, head.score)
        insert.bind(12, head.threshold)
        insert.bind(13, head.margin)
        insert.bind(14, batchID)
        insert.bind(15, now.milliseconds)
        let outcome: WriteOutcome
        if try insert.run() == 1 {
            try writeNew(p, row: db.lastInsertedRowID, st)
            // New cases enter the search index in one statement per chunk (see `commitChunk`).
            inserted += 1
            insertedInChunk += 1
            outcome = .inserted
        } else {
            outcome = try update(p, flagged: r.flaggedAt?.milliseconds)
        }
        try afterRecord()
        return outcome
    }

    /// The import's insert statements, bound through SQLite's C API (see ``BoundStatement``).
    struct Statements {
        let insertCase, insertScore, insertAttribution, insertRationale, insertEvidence, insertFeatures: BoundStatement

        init(_ db: Database) throws {
            insertCase = try BoundStatement(db, sql: """
                INSERT INTO cases(case_id, policy, flagged_at, merchant_id, merchant_name, merchant_country, merchant_mcc,
                                  merchant_url, merchant_description, gold_label, score, threshold, margin, batch_id, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(case_id) DO NOTHING
                """)
            insertScore = try BoundStatement(db, sql:
                "INSERT INTO score(case_row, model, version, score, threshold, batch_id) VALUES (?, ?, ?, ?, ?, ?)")
            insertAttribution = try BoundStatement(db, sql:
                "INSERT INTO attribution(case_row, model, version, base_value, space, items) VALUES (?, ?, ?, ?, ?, ?)")
            insertRationale = try BoundStatement(db, sql: """
                INSERT INTO rationale(case_row, model, prompt_version, text, evidence_ids, created_at, origin)
                VALUES (?, ?, ?, ?, ?, ?, 'import')
                """)
            insertEvidence = try BoundStatement(db, sql:
                "INSERT INTO evidence(case_row, evidence_id, kind, source, text) VALUES (?, ?, ?, ?, ?)")
            insertFeatures = try BoundStatement(db, sql:
                "INSERT INTO feature_snapshot(case_row, batch_id, taken_at, features) VALUES (?, ?, ?, ?)")
        }
    }
    private var prepared: Statements?

    private func statements() throws -> Statements {
        if let prepared { return prepared }
        let st = try Statements(db)
        prepared = st
        return st
    }

    /// A new case's rows: plain inserts (the record was checked, so no row can clash).
    private func writeNew(_ p: PreparedCase, row: Int64, _ st: Statements) throws {
        let r = p.record
        for s in r.scores {
            let q = st.insertScore
            q.bind(1, row); q.bind(2, s.model); q.bind(3, s.version); q.bind(4, s.score); q.bind(5, s.threshold)
            q.bind(6, batchID)
            try q.run()
        }
        for (a, items) in zip(r.attributions, p.attributionItems) {
            let q = st.insertAttribution
            q.bind(1, row); q.bind(2, a.model); q.bind(3, a.version); q.bind(4, a.baseValue); q.bind(5, a.space.rawValue)
            q.bind(6, items)
            try q.run()
        }
        for (ra, ids) in zip(r.rationales, p.evidenceIDs) {
            let q = st.insertRationale
            q.bind(1, row); q.bind(2, ra.model); q.bind(3, ra.promptVersion); q.bind(4, ra.text); q.bind(5, ids)
            q.bind(6, ra.createdAt?.milliseconds)
            try q.run()
        }
        for e in r.evidence {
            let q = st.insertEvidence
            q.bind(1, row); q.bind(2, e.id); q.bind(3, e.kind); q.bind(4, e.source); q.bind(5, e.text)
            try q.run()
        }
        if let features = p.features {
            let q = st.insertFeatures
            q.bind(1, row); q.bind(2, batchID); q.bind(3, (r.flaggedAt ?? now).milliseconds); q.bind(4, features)
            try q.run()
            try noteFeatureNames(r)
        }
    }

    /// Records feature names not seen before (for the CSV export's columns). Consecutive records
    /// usually share one list of names, which is then compared rather than hashed again.
    private func noteFeatureNames(_ r: CaseRecord) throws {
        guard r.features.count != lastFeatureNames.count || !zip(r.features, lastFeatureNames).allSatisfy({ $0.name == $1 })
        else { return }
        lastFeatureNames = r.features.map(\.name)
        for f in r.features where !knownFeatures.contains(f.name) {
            knownFeatures.insert(f.name)
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO feature_name(name) VALUES (?)").execute(arguments: [f.name])
        }
    }

    /// A known case: every field and row upserted, so that re-importing the same file changes nothing.
    private func update(_ p: PreparedCase, flagged: Int64?) throws -> WriteOutcome {
        let r = p.record, policy = p.policy
        guard let row = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM cases WHERE case_id = ?"),
                                           arguments: [r.caseID]) else {
            throw StoreError.storage("case \(r.caseID) vanished during import")
        }
        let oldText = try SQLiteStore.searchText(db, row: row)
        let m = r.merchant
        // Absent optional fields keep what is stored: a rescoring file need not repeat the profile.
        try db.cachedStatement(sql: """
            UPDATE cases SET policy = ?2, flagged_at = coalesce(?3, flagged_at), merchant_id = coalesce(?4, merchant_id),
                merchant_name = ?5, merchant_country = coalesce(?6, merchant_country), merchant_mcc = coalesce(?7, merchant_mcc),
                merchant_url = coalesce(?8, merchant_url), merchant_description = coalesce(?9, merchant_description),
                gold_label = coalesce(?10, gold_label), updated_at = ?11
            WHERE id = ?1 AND NOT (policy IS ?2 AND flagged_at IS coalesce(?3, flagged_at)
                AND merchant_id IS coalesce(?4, merchant_id) AND merchant_name IS ?5
                AND merchant_country IS coalesce(?6, merchant_country) AND merchant_mcc IS coalesce(?7, merchant_mcc)
                AND merchant_url IS coalesce(?8, merchant_url) AND merchant_description IS coalesce(?9, merchant_description)
                AND gold_label IS coalesce(?10, gold_label))
            """).execute(arguments: [row, policy, flagged, m.id, m.name, m.country, m.mcc, m.url, m.description,
                                     r.goldLabel, now.milliseconds])
        var changed = db.changesCount > 0
        var textChanged = changed
        if try writeScores(r, row) {
            changed = true
            let scores = try Row.fetchAll(db.cachedStatement(sql:
                "SELECT model, version, score, threshold FROM score WHERE case_row = ? ORDER BY id"), arguments: [row])
                .map { ModelScore(model: try $0.checked("model"), version: try $0.checked("version"), score: try $0.checked("score"), threshold: try $0.checked("threshold")) }
            if let h = ModelScore.headline(of: scores) {
                try db.cachedStatement(sql: "UPDATE cases SET score = ?, threshold = ?, margin = ?, updated_at = ? WHERE id = ?")
                    .execute(arguments: [h.score, h.threshold, h.margin, now.milliseconds, row])
            }
        }
        if try writeAttributions(p, row) { changed = true }
        if try writeRationales(p, row) { changed = true; textChanged = true }
        if try writeEvidence(r, row) { changed = true; textChanged = true }
        if try writeFeatures(p, row) { changed = true }
        // A case this chunk inserted (the same case earlier in the file) is not in the search
        // index yet: the chunk's commit indexes its text as it is then. Deleting its old text
        // from the index would corrupt it.
        if textChanged, row <= lastRowBefore, let old = oldText { try SQLiteStore.reindexSearch(db, row: row, old: old) }
        if changed { updated += 1; return .updated }
        unchanged += 1
        return .unchanged
    }

    /// Upserts the record's scores; true when any row was added or changed.
    @discardableResult
    private func writeScores(_ r: CaseRecord, _ row: Int64) throws -> Bool {
        var changed = false
        let st = try db.cachedStatement(sql: """
            INSERT INTO score(case_row, model, version, score, threshold, batch_id) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(case_row, model, version) DO UPDATE SET score = excluded.score, threshold = excluded.threshold,
                batch_id = excluded.batch_id
            WHERE score IS NOT excluded.score OR threshold IS NOT excluded.threshold
            """)
        for s in r.scores {
            try st.execute(arguments: [row, s.model, s.version, s.score, s.threshold, batchID])
            if db.changesCount > 0 { changed = true }
        }
        return changed
    }

    @discardableResult
    private func writeAttributions(_ p: PreparedCase, _ row: Int64) throws -> Bool {
        var changed = false
        let st = try db.cachedStatement(sql: """
            INSERT INTO attribution(case_row, model, version, base_value, space, items) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(case_row, model, version) DO UPDATE SET base_value = excluded.base_value, space = excluded.space,
                items = excluded.items
            WHERE base_value IS NOT excluded.base_value OR space IS NOT excluded.space OR items IS NOT excluded.items
            """)
        for (a, items) in zip(p.record.attributions, p.attributionItems) {
            try st.execute(arguments: [row, a.model, a.version, a.baseValue, a.space.rawValue, items])
            if db.changesCount > 0 { changed = true }
        }
        return changed
    }

    @discardableResult
    private func writeRationales(_ p: PreparedCase, _ row: Int64) throws -> Bool {
        var changed = false
        let st = try db.cachedStatement(sql: """
            INSERT INTO rationale(case_row, model, prompt_version, text, evidence_ids, created_at, origin)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6, 'import'
            WHERE NOT EXISTS (SELECT 1 FROM rationale WHERE case_row = ?1 AND model = ?2 AND prompt_version IS ?3 AND text = ?4)
            """)
        for (ra, ids) in zip(p.record.rationales, p.evidenceIDs) {
            try st.execute(arguments: [row, ra.model, ra.promptVersion, ra.text, ids,
                                       ra.createdAt?.milliseconds])
            if db.changesCount > 0 { changed = true }
        }
        return changed
    }

    @discardableResult
    private func writeEvidence(_ r: CaseRecord, _ row: Int64) throws -> Bool {
        var changed = false
        let st = try db.cachedStatement(sql: """
            INSERT INTO evidence(case_row, evidence_id, kind, source, text) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(case_row, evidence_id) DO UPDATE SET kind = excluded.kind, source = excluded.source, text = excluded.text
            WHERE kind IS NOT excluded.kind OR source IS NOT excluded.source OR text IS NOT excluded.text
            """)
        for e in r.evidence {
            try st.execute(arguments: [row, e.id, e.kind, e.source, e.text])
            if db.changesCount > 0 { changed = true }
        }
        return changed
    }

    /// Adds a feature snapshot when the record has one that differs from the latest stored.
    @discardableResult
    private func writeFeatures(_ p: PreparedCase, _ row: Int64) throws -> Bool {
        guard let json = p.features else { return false }
        let latest = try String.fetchOne(db.cachedStatement(sql:
            "SELECT features FROM feature_snapshot WHERE case_row = ? ORDER BY id DESC LIMIT 1"), arguments: [row])
        guard latest != json else { return false }
        try db.cachedStatement(sql: "INSERT INTO feature_snapshot(case_row, batch_id, taken_at, features) VALUES (?, ?, ?, ?)")
            .execute(arguments: [row, batchID, (p.record.flaggedAt ?? now).milliseconds, json])
        try noteFeatureNames(p.record)
        return true
    }
}
