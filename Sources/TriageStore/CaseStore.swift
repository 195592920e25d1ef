import Foundation
import TriageCore
import TriageFormats

/// The one interface through which everything in triage reads and writes cases and labels.
///
/// The UI and the commands hold a `CaseStore` and never see SQL. `SQLiteStore` (module
/// `TriageSQLite`) is the embedded implementation; a PostgreSQL one implements the same protocol.
/// Every method is synchronous and safe to call from any thread; writes are short transactions.
public protocol CaseStore: AnyObject, Sendable {
    /// Where the store lives, for display (a file path or a server URL without password).
    var location: String { get }

    // MARK: Taxonomy
    /// The decisions, policy areas and reason codes in force.
    func taxonomy() throws -> Taxonomy
    /// Replaces the taxonomy (decisions, policies, reasons). Existing labels are untouched. Only a
    /// lead may (`actor`), except while no lead is registered (a new database being set up).
    func replaceTaxonomy(_ taxonomy: Taxonomy, actor: String) throws

    // MARK: Import
    /// Runs one import: `feed` writes records through the sink, which commits them in short
    /// chunks (a fraction of a second each), so a long import never holds the write lock for
    /// long and people keep labelling while it runs.
    ///
    /// On success the batch (provenance and counts) is marked finished and returned. If `feed`
    /// throws, or returns with `commit` false, the chunk in progress is rolled back; chunks
    /// already committed stay, and the batch stays unfinished (``ImportBatch/finishedAt`` nil).
    /// The same happens when the process dies. A later import whose ``ImportBatchInfo/sha256``
    /// is that of an unfinished batch whose importer is gone resumes that batch: same id, its
    /// counts carried on, and ``ImportSink/resumeAfter`` tells the feed how many records the
    /// earlier run already handled. A feed that writes nothing before it gives up stores nothing.
    func importBatch(_ info: ImportBatchInfo, _ feed: (any ImportSink) throws -> ImportFeedResult) throws -> ImportBatch
    /// Past imports, newest first.
    func importBatches(limit: Int) throws -> [ImportBatch]

    // MARK: Reading
    /// One page of the queue in `query`'s order: the `limit` rows right after `cursor` (keyset
    /// pagination; `after: nil` starts at the top of the queue). Fewer rows means the queue ends.
    func queuePage(_ query: QueueQuery, after cursor: QueueCursor?, limit: Int) throws -> [QueueRow]
    /// The `limit` rows right before `cursor`, returned in queue order (keyset pagination run
    /// backwards; `before: nil` gives the last page of the queue). Fewer rows means the queue
    /// starts among them. Same filters and rows as ``queuePage(_:after:limit:)``: paging back from
    /// a cursor meets exactly the rows paging forward reached it through.
    func queuePage(_ query: QueueQuery, before cursor: QueueCursor?, limit: Int) throws -> [QueueRow]
    /// How many cases match `query`'s filters (its sort does not matter): the queue's length.
    func queueCount(_ query: QueueQuery) throws -> Int
    /// A value that changes whenever a transaction is committed to the store by anyone (another
    /// process, another store instance on the same database, or this one's own writes), and stays
    /// the same while nothing is committed. Cheap enough to poll every second, so a view can reload
    /// what it shows when someone else changed it. Only equality means anything, and only between
    /// values from the same store instance.
    func dataVersion() throws -> Int64
    /// The queue row of `caseID` when the case matches `query`'s filters (its sort does not
    /// matter), else nil: where a jump to a case lands (its ``QueueRow/cursor(for:)``).
    func queueRow(caseID: String, matching query: QueueQuery) throws -> QueueRow?
    /// Everything about one case, or nil when there is no such case.
    func caseDetail(caseID: String) throws -> CaseDetail?
    /// One person's counts for the workbench header: cases they hold a live lease on, and labels
    /// they made at or after `since` (the start of their day).
    func analystCounts(analyst: String, since: Timestamp) throws -> AnalystCounts
    /// Counts for `triage stats` and headers.
    func stats() throws -> StoreStats

    // MARK: Labels
    /// Records a label event durably (committed before this returns) and updates the case status.
    /// Throws ``StoreError`` when the case is unknown, the decision or a reason is not in the
    /// taxonomy, or the case's current label is not the one the draft expects to supersede; and
    /// ``StoreError/notAllowed(_:)`` when the person's role does not allow it (labelers label only
    /// in projects, only leads adjudicate). With ``LabelDraft/project`` set, the event is a label,
    /// undo or adjudication in that labelling project: it never changes the case's status, a
    /// labeler supersedes only their own label, and a case takes at most the project's overlap.
    @discardableResult
    func recordLabel(_ draft: LabelDraft) throws -> LabelEvent
    /// A case's label events, oldest first.
    func labelEvents(caseID: String) throws -> [LabelEvent]

    // MARK: Claims
    // A claim is a lease: the case is the analyst's until `lease_until`, then free again, so a
    // session that dies gives its case back by itself. Recording a label ends the claim.

    /// Claims the next case for `analyst` and returns it (its `assignee` is `analyst`), or nil
    /// when no open case matching `query`'s filters is free.
    ///
    /// Only open cases are claimed, whatever `query.status` says, in `query`'s order. A case is
    /// free when nobody holds it or its holder's lease has expired. A live lease that `analyst`
    /// already holds on a matching case comes first and is returned again (so a restarted session
    /// gets its case back): calling this twice without labelling or releasing gives the same case.
    /// The lease then runs `lease` seconds from now (a re-returned claim is extended).
    ///
    /// Atomic across processes: choosing and claiming are one short write transaction, so two
    /// callers, in any processes, are never handed the same case while its lease is live.
    /// Throws ``StoreError/refused(_:)`` when `lease` is not positive.
    func claimNext(_ query: QueueQuery, analyst: String, lease: TimeInterval) throws -> QueueRow?

    /// Claims `caseID` for `analyst` if it is free (nobody holds it, or the holder's lease has
    /// lapsed) or already theirs, the lease then running `lease` seconds from now, and returns
    /// `analyst`. Returns the holder's name, changing nothing, when someone else holds a live lease;
    /// returns nil, changing nothing, when the case is not open (labelled). One short write
    /// transaction, like ``claimNext(_:analyst:lease:)``. Throws ``StoreError/caseNotFound(_:)``
    /// for an unknown case and ``StoreError/refused(_:)`` when `lease` is not positive.
    @discardableResult
    func claim(caseID: String, analyst: String, lease: TimeInterval) throws -> String?

    /// Extends `analyst`'s claim on `caseID` to `lease` seconds from now. Returns false, changing
    /// nothing, when the claim is no longer theirs to extend: someone else holds a live lease, or
    /// the case is no longer open (labelled meanwhile). A lapsed lease of theirs that nobody took
    /// is taken again. Throws ``StoreError/caseNotFound(_:)`` for an unknown case.
    @discardableResult
    func renewLease(caseID: String, analyst: String, lease: TimeInterval) throws -> Bool

    /// Gives `caseID` back to the queue if `analyst` holds it (live or lapsed); does nothing when
    /// someone else holds it or nobody does. Throws ``StoreError/caseNotFound(_:)`` for an
    /// unknown case.
    func releaseClaim(caseID: String, analyst: String) throws

    // MARK: People
    /// Everyone registered, by name.
    func people() throws -> [Person]
    /// The role `name` holds, or nil when they are not registered (they then work as analysts).
    func role(of name: String) throws -> Role?
    /// Registers `name` with `role`, or changes the role they hold. Only a lead may (`actor`),
    /// except while no lead is registered at all: then anyone may, so a new team can add its
    /// first lead. Throws ``StoreError/refused(_:)`` otherwise.
    @discardableResult
    func addPerson(_ name: String, role: Role, actor: String) throws -> PersonChange

    // MARK: Labelling projects
    /// Creates a labelling project and chooses its cases (see ``ProjectDraft``). Only a lead may.
    /// Throws ``StoreError/refused(_:)`` for bad settings, a name in use, or an unknown policy.
    func createProject(_ draft: ProjectDraft, actor: String) throws -> ProjectSummary
    /// Every project with its counts, by name.
    func projects() throws -> [ProjectSummary]
    /// One project's settings, or nil.
    func project(named name: String) throws -> Project?
    /// Changes a project's overlap, blindness or gold rate. Only a lead may.
    @discardableResult
    func updateProject(_ name: String, _ change: ProjectChange, actor: String) throws -> Project
    /// Claims the next case `labeler` should label in `project`, and returns its id; nil when
    /// nothing is left for them. A case is served to a labeler at most until they have labelled
    /// it, never to more labelers at once than still needed (live labels plus others' live claims
    /// stay within the overlap), and gold cases are mixed in at the project's gold rate. The
    /// labeler's own live claim comes first (a restarted session gets its case back) unless it is
    /// in `skipping`. Atomic across processes, like ``claimNext(_:analyst:lease:)``.
    func claimNext(inProject project: String, labeler: String, lease: TimeInterval, skipping: Set<String>) throws -> String?
    /// Extends (or takes again, if it lapsed) `labeler`'s claim on `caseID` in `project` to
    /// `lease` seconds from now. Returns false when the case no longer needs a label from them
    /// (it has all its labels, or they labelled it); the claim is then left alone.
    @discardableResult
    func renewProjectClaim(project: String, caseID: String, labeler: String, lease: TimeInterval) throws -> Bool
    /// Gives `labeler`'s claim on `caseID` in `project` back.
    func releaseProjectClaim(project: String, caseID: String, labeler: String) throws
    /// Every live label and live adjudication in `project`, oldest first, with their cases' facts.
    func projectLabels(_ project: String) throws -> [ProjectLabel]
    /// How far `labeler` is in `project`.
    func projectProgress(_ project: String, labeler: String) throws -> ProjectProgress

    // MARK: Audit
    /// A case's full history for `triage audit`: its detail (every label event, oldest first),
    /// the imports that brought or changed it, and the claims held on it now. Nil for an unknown case.
    func caseAudit(caseID: String) throws -> CaseAudit?

    // MARK: Dashboard
    /// The leads' dashboard at `now`: queue health, activity per person over the last
    /// ``Dashboard/days`` days, label quality per project, model quality from decided cases.
    /// Aggregated by the store (never by loading every row); one consistent snapshot.
    func dashboard(now: Timestamp) throws -> Dashboard
    /// The dashboard without its label quality (``Dashboard/labelQualityPending`` set): queue
    /// health, people, model quality and version comparisons, read from kept aggregates, quick
    /// whatever the size of the history.
    func dashboardFigures(now: Timestamp) throws -> Dashboard
    /// The dashboard's label quality (see ``LabelQuality``): every project's labels, their
    /// consensus and agreement. A store may keep each project's result until its labels (or the
    /// taxonomy, or an import) change.
    func labelQuality() throws -> LabelQuality

    // MARK: Rationales
    /// Stores a rationale (asked for from triage) for a case and returns it with its id. Throws
    /// ``StoreError/caseNotFound(_:)`` for an unknown case.
    func addRationale(caseID: String, _ rationale: Rationale) throws -> Rationale
    /// Up to `limit` ids of cases without any rationale, highest headline score first: among
    /// open cases only (undecided, so an analyst will read it) unless `openOnly` is false, and in
    /// `policy` when given.
    func casesWithoutRationale(policy: String?, openOnly: Bool, limit: Int) throws -> [String]
    /// Records an analyst's feedback on a rationale (append-only) and returns it with its id.
    /// Throws ``StoreError/refused(_:)`` when there is no such rationale.
    func recordRationaleFeedback(_ feedback: RationaleFeedback) throws -> RationaleFeedback
    /// Streams every feedback row made at or after `since`, oldest first, each with the rationale
    /// it judges and that rationale's case: evaluation data for the LLM system.
    @discardableResult
    func exportRationaleFeedback(since: Timestamp?, _ row: (RationaleFeedbackRow) throws -> Void) throws -> Int

    // MARK: Export
    /// Streams one row per labelled case (whose current label was made at or after `since`), in
    /// label order, calling `row` for each without holding them all in memory. Returns the count.
    ///
    /// With `since` (an increment), the rows are preceded, in the same snapshot, by a withdrawal
    /// row (``ExportRow/withdrawal``) for every analyst-queue label undone or superseded at or
    /// after `since`: applying increments in order to a table keyed by case id (or by label event
    /// id), a row upserting and a withdrawal deleting, gives exactly the full export.
    @discardableResult
    func exportLabels(since: Timestamp?, _ row: (ExportRow) throws -> Void) throws -> Int
    /// Streams one row per live label and live adjudication in `project` (made at or after
    /// `since`), in label order: a project's raw per-label export, several rows per case (one per
    /// labeler), each with its sampling weight (1/inclusion probability for an audit sample).
    /// With `since`, preceded by a withdrawal row for every label or adjudication of the project
    /// undone or superseded at or after `since` (as ``exportLabels(since:_:)``; keyed by label
    /// event id).
    @discardableResult
    func exportProjectLabels(_ project: String, since: Timestamp?, _ row: (ExportRow) throws -> Void) throws -> Int
    /// The column vocabulary of an export: every (model, version) scored and every feature name,
    /// so a CSV writer can lay out its header before streaming rows.
    func exportColumns() throws -> ExportColumns
}

/// Where an import comes from, recorded as its provenance.
public struct ImportBatchInfo: Sendable {
    public var fileName: String
    public var format: String
    public var startedAt: Timestamp
    public var importedBy: String
    /// The SHA-256 of the whole input, hex, when it is known before writing starts (empty when
    /// not): what an interrupted import is resumed by.
    public var sha256: String
    /// The machine and process running the import: an unfinished batch is resumed only when
    /// its importer is gone.
    public var host: String
    public var pid: Int32

    public init(fileName: String, format: String, startedAt: Timestamp, importedBy: String, sha256: String = "",
                host: String = ProcessInfo.processInfo.hostName, pid: Int32 = getpid()) {
        self.fileName = fileName
        self.format = format
        self.startedAt = startedAt
        self.importedBy = importedBy
        self.sha256 = sha256
        self.host = host
        self.pid = pid
    }
}

extension ImportBatchInfo {
    /// Whether this import may resume an unfinished batch of the same input recorded by the
    /// importer at `host`/`pid` that last made progress at `progressAt` (ms): its importer is
    /// gone (on this machine, that process no longer runs; elsewhere, it made no progress for
    /// 10 minutes).
    public func mayResume(host: String, pid: Int32, progressAt: Int64?) -> Bool {
        if host == self.host { return pid != self.pid && !Self.processRuns(pid) }
        return (progressAt ?? 0) < Timestamp.now().milliseconds - 600_000
    }

    /// Whether a process with this id runs on this machine.
    static func processRuns(_ pid: Int32) -> Bool {
        guard pid > 0 else { return false }
        return kill(pid, 0) == 0 || errno == EPERM
    }
}

/// What an import's feed reports back to the store when it finishes reading.
public struct ImportFeedResult: Sendable {
    /// False to stop without finishing the batch: the chunk in progress is rolled back (for
    /// example: the file changed between checking and writing it).
    public var commit: Bool
    /// The SHA-256 of the whole input, hex, computed while writing it.
    public var sha256: String

    public init(commit: Bool, sha256: String) {
        self.commit = commit
        self.sha256 = sha256
    }
}

/// What writing one record did.
public enum WriteOutcome: Sendable, Equatable {
    /// A case the store did not have.
    case inserted
    /// A known case that gained or changed something (a new model version, new evidence…).
    case updated
    /// A known case, identical to what was stored: re-importing is idempotent.
    case unchanged
}

/// Receives the records of an import during ``CaseStore/importBatch(_:_:)``, in file order.
///
/// Every record of the input is either written or rejected, and the sink counts both: the
/// batch's read count is how many records it was handed, which is where a resumed run starts.
public protocol ImportSink {
    /// Records of this input that an earlier, interrupted run of the same batch already handled
    /// (written or rejected, and committed): the feed skips this many before handing any over.
    var resumeAfter: Int { get }
    /// Records of this input handled and committed so far, counting those of an earlier run
    /// (``resumeAfter``): what stays stored if the import stops now.
    var committed: Int { get }
    /// Writes one valid record. Throws only on storage errors. Returns what the record did to the
    /// store, or nil when the sink holds it in a buffer to write with others (it is counted, and
    /// committed with its chunk, either way).
    func write(_ prepared: PreparedCase) throws -> WriteOutcome?
    /// Counts one record that was not written because it is bad.
    func reject() throws
    /// Store-specific work on each valid record that needs nothing from the store, such as the
    /// text of a bulk load: the importer runs it on its worker threads, beside the writer, and
    /// hands the result over in ``PreparedCase/staged``. Nil (the default) for none.
    var stage: (@Sendable (PreparedCase) -> any Sendable)? { get }
}

extension ImportSink {
    public var stage: (@Sendable (PreparedCase) -> any Sendable)? { nil }
}

/// A valid record made ready for a store's writer: its policy resolved and its lists already in
/// the JSON text stores keep (``JSONText``). The importer prepares records on worker threads, so
/// the one writer thread does only storage work.
public struct PreparedCase: Sendable {
    public let record: CaseRecord
    /// The record's policy, or the import's default for a record that names none.
    public let policy: String
    /// Each attribution's items (``JSONText/encode(items:)``), in the record's order.
    public let attributionItems: [String]
    /// Each rationale's cited evidence ids (``JSONText/encode(strings:)``), in the record's order.
    public let evidenceIDs: [String]
    /// The feature snapshot (``JSONText/encode(features:)``); nil when the record has none.
    public let features: String?
    /// What the sink's ``ImportSink/stage`` made of this record, when it has one.
    public var staged: (any Sendable)?

    public init(_ record: CaseRecord, policy: String) {
        self.record = record
        self.policy = policy
        attributionItems = record.attributions.map { JSONText.encode(items: $0.items) }
        evidenceIDs = record.rationales.map { JSONText.encode(strings: $0.evidenceIDs) }
        features = record.features.isEmpty ? nil : JSONText.encode(features: record.features)
    }
}

/// One import, as recorded: provenance and counts.
public struct ImportBatch: Sendable, Equatable {
    public var id: Int64
    public var fileName: String
    public var sha256: String
    public var format: String
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    public var importedBy: String
    public var read: Int
    public var inserted: Int
    public var updated: Int
    public var unchanged: Int
    public var rejected: Int

    public init(id: Int64, fileName: String, sha256: String, format: String, startedAt: Timestamp,
                finishedAt: Timestamp?, importedBy: String, read: Int, inserted: Int, updated: Int,
                unchanged: Int, rejected: Int) {
        self.id = id
        self.fileName = fileName
        self.sha256 = sha256
        self.format = format
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.importedBy = importedBy
        self.read = read
        self.inserted = inserted
        self.updated = updated
        self.unchanged = unchanged
        self.rejected = rejected
    }

    /// Lines that went in: new, updated or unchanged cases.
    public var accepted: Int { inserted + updated + unchanged }
}

/// One person's counts for the workbench header.
public struct AnalystCounts: Sendable, Equatable {
    /// Cases they hold a live lease on.
    public var held: Int
    /// Label events (kind `label`) they made since the start of the period asked for.
    public var labelled: Int

    public init(held: Int, labelled: Int) {
        self.held = held
        self.labelled = labelled
    }
}

/// One row of `triage export --rationale-feedback`.
public struct RationaleFeedbackRow: Sendable, Equatable {
    public var feedback: RationaleFeedback
    /// The rationale judged (with its model, prompt version, origin and generation figures).
    public var rationale: Rationale
    public var caseID: String
    public var policy: String
    /// The rationale's citations checked against its case's evidence.
    public var citations: CitationCheck

    public init(feedback: RationaleFeedback, rationale: Rationale, caseID: String, policy: String, citations: CitationCheck) {
        self.feedback = feedback
        self.rationale = rationale
        self.caseID = caseID
        self.policy = policy
        self.citations = citations
    }
}
