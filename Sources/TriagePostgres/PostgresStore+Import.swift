import Foundation
import PostgresNIO
import TriageCore
import TriageStore

extension PostgresStore {
    /// How long one import chunk runs before it commits. PostgreSQL locks rows, not the
    /// database, so labellers are not held up by a chunk; the chunk bounds what a killed import
    /// leaves to redo.
    public static let importChunkSeconds = 1.0

    /// Runs one import in chunked transactions on a connection of its own, with the same
    /// contract as the SQLite store's (resuming an interrupted batch of the same input, counts
    /// committed with each chunk). Needs the `triage_admin` role.
    public func importBatch(_ info: ImportBatchInfo, _ feed: (any ImportSink) throws -> ImportFeedResult) throws -> ImportBatch {
        try pool.with { c in
            let sink = try PGImportSink(c, info: info)
            let result: ImportFeedResult
            do {
                result = try feed(sink)
            } catch {
                sink.abandon()
                throw error
            }
            guard result.commit else {
                sink.abandon()
                throw PGImportRolledBack()
            }
            return try sink.finish(sha256: result.sha256)
        }
    }

    /// Past finished imports, newest first.
    public func importBatches(limit: Int) throws -> [ImportBatch] {
        try pool.with { c in
            var b = PostgresBindings()
            b.append(limit)
            return try c.query("SELECT \(Self.importBatchColumns) FROM import_batch WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT $1", b)
                .map(Self.importBatch)
        }
    }

    static let importBatchColumns = """
        id, file_name, sha256, format, started_at, finished_at, imported_by, read_count, inserted_count, updated_count, \
        unchanged_count, rejected_count
        """

    /// An `import_batch` row read with ``importBatchColumns``.
    static func importBatch(_ row: PostgresRow) throws -> ImportBatch {
        let (id, file, sha, format, started, finished, by, read, inserted, updated, unchanged, rejected) =
            try row.decode((Int64, String, String, String, Int64, Int64?, String, Int, Int, Int, Int, Int).self)
        return ImportBatch(id: id, fileName: file, sha256: sha, format: format, startedAt: Timestamp(milliseconds: started),
                           finishedAt: finished.map(Timestamp.init(milliseconds:)), importedBy: by, read: read,
                           inserted: inserted, updated: updated, unchanged: unchanged, rejected: rejected)
    }
}

/// Thrown by ``PostgresStore/importBatch(_:_:)`` when the feed asked to stop.
public struct PGImportRolledBack: ImportRolledBackSignal, CustomStringConvertible {
    public var description: String { "the import stopped before the end of its input" }
}

/// Writes records in chunked transactions, each committing the batch's counts with its records.
/// New cases are plain inserts; known cases are upserted field by field so that re-importing
/// the same file changes nothing. A case's search vector is written with it (``PGSearch``).
final class PGImportSink: ImportSink {
    let c: PGConnection
    let info: ImportBatchInfo
    let now: Timestamp
    private(set) var batchID: Int64 = 0
    private(set) var startedAt: Timestamp
    private(set) var resumeAfter = 0
    private(set) var committed = 0
    var inserted = 0, updated = 0, unchanged = 0, rejected = 0
    var read: Int { inserted + updated + unchanged + rejected }
    private var knownFeatures: Set<String> = []
    private var chunkStarted = ContinuousClock.now
    private var pending: [PreparedCase] = []
    private var pendingIDs: Set<String> = []
    private var inTransaction = false

    init(_ c: PGConnection, info: ImportBatchInfo) throws {
        self.c = c
        self.info = info
        now = info.startedAt
        startedAt = info.startedAt
        try begin()
        do { try start() } catch {
            abandon()
            throw error
        }
    }

    private func start() throws {
        knownFeatures = Set(try c.query("SELECT name FROM feature_name").map { try $0.decode(String.self) })
        if let old = try resumable() {
            let (id, started, ins, upd, unch, rej, rd) = old
            batchID = id
            startedAt = Timestamp(milliseconds: started)
            inserted = ins; updated = upd; unchanged = unch; rejected = rej
            resumeAfter = rd
            committed = rd
            var b = PostgresBindings()
            b.append(info.host); b.append(Int64(info.pid)); b.append(Timestamp.now().milliseconds); b.append(batchID)
            try c.query("UPDATE import_batch SET host = $1, pid = $2, progress_at = $3 WHERE id = $4", b)
        } else {
            var b = PostgresBindings()
            b.append(info.fileName); b.append(info.sha256); b.append(info.format); b.append(info.startedAt.milliseconds)
            b.append(info.importedBy); b.append(info.host); b.append(Int64(info.pid)); b.append(Timestamp.now().milliseconds)
            batchID = try c.query("""
                INSERT INTO import_batch(file_name, sha256, format, started_at, imported_by, host, pid, progress_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id
                """, b).first?.decode(Int64.self) ?? 0
        }
    }

    /// The newest unfinished batch of this input whose importer is gone.
    private func resumable() throws -> (Int64, Int64, Int, Int, Int, Int, Int)? {
        guard !info.sha256.isEmpty else { return nil }
        var b = PostgresBindings()
        b.append(info.sha256); b.append(info.format)
        for row in try c.query("""
            SELECT id, started_at, inserted_count, updated_count, unchanged_count, rejected_count, read_count, host, pid, progress_at
            FROM import_batch WHERE finished_at IS NULL AND sha256 = $1 AND format = $2 ORDER BY id DESC FOR UPDATE
            """, b) {
            let (id, started, ins, upd, unch, rej, rd, host, pid, progress) =
                try row.decode((Int64, Int64, Int, Int, Int, Int, Int, String, Int64, Int64?).self)
            if info.mayResume(host: host, pid: Int32(truncatingIfNeeded: pid), progressAt: progress) {
                return (id, started, ins, upd, unch, rej, rd)
            }
        }
        return nil
    }

    private func begin() throws {
        try c.query("BEGIN")
        inTransaction = true
        chunkStarted = .now
    }

    private func commitChunk(finishedAt: Timestamp? = nil, sha256: String? = nil) throws {
        try flush()
        var b = PostgresBindings()
        b.append(read); b.append(inserted); b.append(updated); b.append(unchanged); b.append(rejected)
        b.append(Timestamp.now().milliseconds); b.append(finishedAt?.milliseconds); b.append(sha256); b.append(batchID)
        try c.query("""
            UPDATE import_batch SET read_count = $1, inserted_count = $2, updated_count = $3, unchanged_count = $4,
                rejected_count = $5, progress_at = $6, finished_at = $7, sha256 = coalesce($8, sha256) WHERE id = $9
            """, b)
        try c.query("COMMIT")
        inTransaction = false
        committed = read
    }

    private func afterRecord() throws {
        guard ContinuousClock.now - chunkStarted >= .seconds(PostgresStore.importChunkSeconds) else { return }
        try commitChunk()
        try begin()
    }

    func finish(sha256: String) throws -> ImportBatch {
        let finished = Timestamp.now()
        try commitChunk(finishedAt: finished, sha256: sha256)
        return ImportBatch(id: batchID, fileName: info.fileName, sha256: sha256, format: info.format, startedAt: startedAt,
                           finishedAt: finished, importedBy: info.importedBy, read: read, inserted: inserted,
                           updated: updated, unchanged: unchanged, rejected: rejected)
    }

    /// Rolls the chunk in progress back; earlier chunks stay, as an unfinished batch.
    func abandon() {
        pending = []
        pendingIDs = []
        guard inTransaction else { return }
        inTransaction = false
        _ = try? c.query("ROLLBACK")
    }

    func reject() throws {
        rejected += 1
        try afterRecord()
    }

    /// Buffers the record; every ``copyBatch`` records (and before each commit) the buffer is
    /// written: cases the store does not have go in with `COPY` (see ``copyNew(_:)``), known ones
    /// are upserted one by one.
    func write(_ p: PreparedCase) throws -> WriteOutcome? {
        // The same case twice in a buffer: the first must be in before the second updates it.
        if pendingIDs.contains(p.record.caseID) { try flush() }
        pending.append(p)
        pendingIDs.insert(p.record.caseID)
        if pending.count >= Self.copyBatch { try flush() }
        try afterRecord()
        return nil
    }

    /// Records per buffer: large enough that `COPY` pays off, small enough to stay in memory.
    static let copyBatch = 2_000

    /// Writes the buffered records.
    private func flush() throws {
        guard !pending.isEmpty else { return }
        let batch = pending
        pending = []
        pendingIDs = []
        var ids = PostgresBindings()
        ids.append(batch.map(\.record.caseID))
        let known = Set(try c.query("SELECT case_id FROM cases WHERE case_id = ANY($1)", ids).map { try $0.decode(String.self) })
        let fresh = batch.filter { !known.contains($0.record.caseID) }
        if !fresh.isEmpty { try copyNew(fresh) }
        for p in batch where known.contains(p.record.caseID) { _ = try update(p) }
    }

    /// The `COPY` rows of a new case (``PGStagedCase``), made on the importer's worker threads:
    /// the search vector and the escaping are most of the writer's work otherwise.
    var stage: (@Sendable (PreparedCase) -> any Sendable)? {
        let batchID = batchID, now = now
        return { p in PGStagedCase(p, batchID: batchID, now: now) }
    }

    /// Writes cases the store does not have with `COPY … FROM STDIN`, one stream per table: their
    /// row ids drawn from the cases' identity sequence first, so the scores, attributions,
    /// rationales, evidence and feature snapshots can name them.
    private func copyNew(_ batch: [PreparedCase]) throws {
        var n = PostgresBindings()
        n.append(batch.count)
        let rows = try c.query("SELECT nextval(pg_get_serial_sequence('cases', 'id')) FROM generate_series(1, $1)", n)
            .map { try $0.decode(Int64.self) }
        var cases = PGCopyText(), scores = PGCopyText(), attributions = PGCopyText(), rationales = PGCopyText()
        var evidence = PGCopyText(), snapshots = PGCopyText()
        var names: [String] = []
        for (p, row) in zip(batch, rows) {
            let staged = p.staged as? PGStagedCase ?? PGStagedCase(p, batchID: batchID, now: now)
            cases.appendRows(of: staged.cases, first: row)
            scores.appendRows(of: staged.scores, first: row)
            attributions.appendRows(of: staged.attributions, first: row)
            rationales.appendRows(of: staged.rationales, first: row)
            evidence.appendRows(of: staged.evidence, first: row)
            snapshots.appendRows(of: staged.snapshots, first: row)
            if p.features != nil {
                for f in p.record.features where !knownFeatures.contains(f.name) {
                    knownFeatures.insert(f.name)
                    names.append(f.name)
                }
            }
        }
        try c.copy("cases", PGStagedCase.casesColumns, cases)
        try c.copy("score", ["case_row", "model", "version", "score", "threshold", "batch_id"], scores)
        try c.copy("attribution", ["case_row", "model", "version", "base_value", "space", "items"], attributions)
        try c.copy("rationale", ["case_row", "model", "prompt_version", "text", "evidence_ids", "created_at", "origin"], rationales)
        try c.copy("evidence", ["case_row", "evidence_id", "kind", "source", "text"], evidence)
        try c.copy("feature_snapshot", ["case_row", "batch_id", "taken_at", "features"], snapshots)
        if !names.isEmpty {
            var b = PostgresBindings()
            b.append(names)
            try c.query("INSERT INTO feature_name(name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", b)
        }
        inserted += batch.count
    }

    private func addFeatures(row: Int64, _ json: String, _ r: CaseRecord) throws {
        var b = PostgresBindings()
        b.append(row); b.append(batchID); b.append((r.flaggedAt ?? now).milliseconds); b.append(json)
        try c.query("INSERT INTO feature_snapshot(case_row, batch_id, taken_at, features) VALUES ($1, $2, $3, $4)", b)
        for f in r.features where !knownFeatures.contains(f.name) {
            knownFeatures.insert(f.name)
            var n = PostgresBindings()
            n.append(f.name)
            try c.query("INSERT INTO feature_name(name) VALUES ($1) ON CONFLICT DO NOTHING", n)
        }
    }

    /// A known case: every field and row upserted; absent optional fields keep what is stored.
    private func update(_ p: PreparedCase) throws -> WriteOutcome {
        let r = p.record, m = r.merchant
        var key = PostgresBindings()
        key.append(r.caseID)
        guard let row = try c.query("SELECT id FROM cases WHERE case_id = $1 FOR UPDATE", key).first?.decode(Int64.self) else {
            throw StoreError.storage("case \(r.caseID) vanished during import")
        }
        var b = PostgresBindings()
        b.append(row); b.append(p.policy); b.append(r.flaggedAt?.milliseconds); b.append(m.id); b.append(m.name)
        b.append(m.country); b.append(m.mcc); b.append(m.url); b.append(m.description); b.append(r.goldLabel)
        b.append(now.milliseconds)
        let profileChanged = !(try c.query("""
            UPDATE cases SET policy = $2, flagged_at = coalesce($3, flagged_at), merchant_id = coalesce($4, merchant_id),
                merchant_name = $5, merchant_country = coalesce($6, merchant_country), merchant_mcc = coalesce($7, merchant_mcc),
                merchant_url = coalesce($8, merchant_url), merchant_description = coalesce($9, merchant_description),
                gold_label = coalesce($10, gold_label), updated_at = $11
            WHERE id = $1 AND (policy, flagged_at, merchant_id, merchant_name, merchant_country, merchant_mcc, merchant_url,
                               merchant_description, gold_label)
                IS DISTINCT FROM ($2, coalesce($3, flagged_at), coalesce($4, merchant_id), $5, coalesce($6, merchant_country),
                                  coalesce($7, merchant_mcc), coalesce($8, merchant_url), coalesce($9, merchant_description),
                                  coalesce($10, gold_label))
            RETURNING 1
            """, b).isEmpty)
        var changed = profileChanged
        var textChanged = profileChanged
        if try writeScores(r, row) {
            changed = true
            var s = PostgresBindings()
            s.append(row)
            let scores = try c.query("SELECT model, version, score, threshold FROM score WHERE case_row = $1 ORDER BY id", s).map { row in
                let (model, version, score, threshold) = try row.decode((String, String, Double, Double?).self)
                return ModelScore(model: model, version: version, score: score, threshold: threshold)
            }
            if let h = ModelScore.headline(of: scores) {
                var u = PostgresBindings()
                u.append(h.score); u.append(h.threshold); u.append(h.margin); u.append(now.milliseconds); u.append(row)
                try c.query("UPDATE cases SET score = $1, threshold = $2, margin = $3, updated_at = $4 WHERE id = $5", u)
            }
        }
        for (a, items) in zip(r.attributions, p.attributionItems) {
            var q = PostgresBindings()
            q.append(row); q.append(a.model); q.append(a.version); q.append(a.baseValue); q.append(a.space.rawValue); q.append(items)
            if !(try c.query("""
                INSERT INTO attribution AS t(case_row, model, version, base_value, space, items) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (case_row, model, version) DO UPDATE SET base_value = excluded.base_value, space = excluded.space,
                    items = excluded.items
                WHERE (t.base_value, t.space, t.items) IS DISTINCT FROM (excluded.base_value, excluded.space, excluded.items)
                RETURNING 1
                """, q).isEmpty) { changed = true }
        }
        for (ra, ids) in zip(r.rationales, p.evidenceIDs) {
            var q = PostgresBindings()
            q.append(row); q.append(ra.model); q.append(ra.promptVersion); q.append(ra.text); q.append(ids)
            q.append(ra.createdAt?.milliseconds)
            if !(try c.query("""
                INSERT INTO rationale(case_row, model, prompt_version, text, evidence_ids, created_at, origin)
                SELECT $1, $2, $3, $4, $5, $6, 'import'
                WHERE NOT EXISTS (SELECT 1 FROM rationale WHERE case_row = $1 AND model = $2
                                  AND prompt_version IS NOT DISTINCT FROM $3 AND text = $4)
                RETURNING 1
                """, q).isEmpty) { changed = true; textChanged = true }
        }
        for e in r.evidence {
            var q = PostgresBindings()
            q.append(row); q.append(e.id); q.append(e.kind); q.append(e.source); q.append(e.text)
            if !(try c.query("""
                INSERT INTO evidence AS t(case_row, evidence_id, kind, source, text) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (case_row, evidence_id) DO UPDATE SET kind = excluded.kind, source = excluded.source, text = excluded.text
                WHERE (t.kind, t.source, t.text) IS DISTINCT FROM (excluded.kind, excluded.source, excluded.text)
                RETURNING 1
                """, q).isEmpty) { changed = true; textChanged = true }
        }
        if let json = p.features {
            var q = PostgresBindings()
            q.append(row)
            let latest = try c.query("SELECT features FROM feature_snapshot WHERE case_row = $1 ORDER BY id DESC LIMIT 1", q)
                .first?.decode(String.self)
            if latest != json {
                try addFeatures(row: row, json, r)
                changed = true
            }
        }
        if textChanged { try PGSearch.rewrite(row: row, c) }
        if changed { updated += 1; return .updated }
        unchanged += 1
        return .unchanged
    }

    /// Upserts the record's scores; true when any row was added or changed.
    private func writeScores(_ r: CaseRecord, _ row: Int64) throws -> Bool {
        var changed = false
        for s in r.scores {
            var q = PostgresBindings()
            q.append(row); q.append(s.model); q.append(s.version); q.append(s.score); q.append(s.threshold); q.append(batchID)
            if !(try c.query("""
                INSERT INTO score AS t(case_row, model, version, score, threshold, batch_id) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (case_row, model, version) DO UPDATE SET score = excluded.score, threshold = excluded.threshold,
                    batch_id = excluded.batch_id
                WHERE (t.score, t.threshold) IS DISTINCT FROM (excluded.score, excluded.threshold)
                RETURNING 1
                """, q).isEmpty) { changed = true }
        }
        return changed
    }
}

/// A new case as `COPY` rows, one text per table, each row without its first field (the case's
/// row id, drawn when the case is written: ``PGCopyText/appendRows(of:first:)``).
struct PGStagedCase: Sendable {
    var cases = PGCopyText(), scores = PGCopyText(), attributions = PGCopyText(), rationales = PGCopyText()
    var evidence = PGCopyText(), snapshots = PGCopyText()

    static let casesColumns = ["id", "case_id", "policy", "flagged_at", "merchant_id", "merchant_name", "merchant_country",
                               "merchant_mcc", "merchant_url", "merchant_description", "gold_label", "score", "threshold",
                               "margin", "batch_id", "updated_at", "search"]

    init(_ p: PreparedCase, batchID: Int64, now: Timestamp) {
        let r = p.record, m = r.merchant
        let head = r.headlineScore ?? ModelScore(model: "", version: "", score: 0)
        cases.rowAfterFirst(.s(r.caseID), .s(p.policy), .i((r.flaggedAt ?? now).milliseconds), .s(m.id), .s(m.name), .s(m.country),
                            .s(m.mcc), .s(m.url), .s(m.description), .s(r.goldLabel), .d(head.score), .d(head.threshold),
                            .d(head.margin), .i(batchID), .i(now.milliseconds),
                            .s(PGSearch.vector(name: m.name, description: m.description, rationales: r.rationales.map(\.text),
                                               evidence: r.evidence.map(\.text))))
        for s in r.scores { scores.rowAfterFirst(.s(s.model), .s(s.version), .d(s.score), .d(s.threshold), .i(batchID)) }
        for (a, items) in zip(r.attributions, p.attributionItems) {
            attributions.rowAfterFirst(.s(a.model), .s(a.version), .d(a.baseValue), .s(a.space.rawValue), .s(items))
        }
        for (ra, ids) in zip(r.rationales, p.evidenceIDs) {
            rationales.rowAfterFirst(.s(ra.model), .s(ra.promptVersion), .s(ra.text), .s(ids), .i(ra.createdAt?.milliseconds), .s("import"))
        }
        for e in r.evidence { evidence.rowAfterFirst(.s(e.id), .s(e.kind), .s(e.source), .s(e.text)) }
        if let features = p.features {
            snapshots.rowAfterFirst(.i(batchID), .i((r.flaggedAt ?? now).milliseconds), .s(features))
        }
    }
}
