import Foundation
import TriageCore
import TriageStore

/// Owns the workbench's state and performs its effects against a ``CaseStore`` (synchronously, for
/// now): the terminal backend feeds it keys and draws its frames.
///
/// ```swift
/// let runtime = WorkbenchRuntime(store: store, options: options, size: TerminalSize(width: 120, height: 40))
/// runtime.start()
/// runtime.handle(key: .char("j"))
/// let grid = runtime.frame()
/// ```
public final class WorkbenchRuntime {
    /// The current state (changed only through actions).
    public private(set) var state: WorkbenchState
    /// Where the cases come from.
    public let store: any CaseStore
    private let clock: @Sendable () -> Timestamp
    /// The case whose detail is on screen and when it appeared (the dwell time of a label).
    private var shown: (caseID: String, at: Timestamp)?
    /// Where rationales are asked for (nil: not configured).
    private let generator: (any RationaleGenerator)?
    /// The rationale being written, in the background.
    private var rationaleTask: Task<Void, Never>?
    /// Actions that background work (the rationale) reports, for ``poll()`` to apply.
    private let inbox = Inbox()
    /// Whether the dashboard's label quality is being computed in the background (one
    /// computation at a time: it reads every project's labels).
    private var labelQualityRunning = false
    /// Whether the dashboard was reloaded while label quality was being computed: it is computed
    /// once more when the running computation ends, on the labels as they are then.
    private var labelQualityWanted = false

    /// A runtime for `store` on a terminal of `size`; `clock` gives the time ages are measured against.
    /// Call ``start()`` next.
    public init(store: any CaseStore, options: WorkbenchOptions, size: TerminalSize,
                clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.store = store
        self.clock = clock
        generator = options.rationaleGenerator
        state = WorkbenchState(databaseName: options.databaseName, analyst: options.analyst,
                               query: options.initialQuery, size: size, now: clock())
        state.osUser = options.osUser
        state.role = options.role
        state.lease = options.lease
        state.glyphs = options.glyphs
        state.theme = options.monochrome ? .monochrome : options.theme
        state.rationaleGenerator = options.rationaleGenerator?.summary
    }

    /// Whether background work is running (a rationale streaming in): the terminal then polls
    /// often (``poll()``) instead of once a second.
    public var isBusy: Bool { rationaleTask != nil || labelQualityRunning || !inbox.isEmpty }

    /// Applies what background work reported since the last call; true when the screen changed.
    @discardableResult
    public func poll() -> Bool {
        let actions = inbox.take()
        var changed = false
        for item in actions {
            switch item {
            case .action(let a):
                if case .rationaleStored = a { rationaleTask = nil }
                if case .rationaleFailed = a { rationaleTask = nil }
                dispatch(a)
            case .labelQuality(let quality, let error):
                labelQualityRunning = false
                // Shown even when a newer reload is waiting: a figure a second old beats "computing…".
                if let quality { dispatch(.labelQualityLoaded(quality)) }
                if let error { dispatch(.showMessage(.error("could not compute label quality: \(error)"))) }
                if labelQualityWanted { computeLabelQuality() }
            }
            changed = true
        }
        return changed
    }

    /// Waits (up to `timeout` seconds) until background work has reported and applies it: for
    /// tests, which have no terminal loop. Async, so that waiting leaves the cooperative thread
    /// pool to the background work itself.
    @discardableResult
    public func waitForBackground(timeout: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        var changed = false
        while isBusy && Date() < deadline {
            if poll() { changed = true } else { try? await Task.sleep(nanoseconds: 5_000_000) }
        }
        return poll() || changed
    }

    /// Starts writing a rationale for `caseID` in the background; its events go to the inbox.
    private func generateRationale(_ caseID: String) -> [Action] {
        guard let generator, let detail = state.selectedDetail, detail.case.caseID == caseID else {
            return [.rationaleFailed(caseID: caseID, "the case is not on screen")]
        }
        let policy = state.taxonomy?.policy(detail.case.policy)
        let analyst = state.analyst, store = store, inbox = inbox
        // On an executor of its own, not the shared pool: the stream keeps moving whatever else
        // the process is doing.
        rationaleTask = Task.detached(executorPreference: SerialTaskExecutor.shared) {
            do {
                let r = try await generator.generate(for: detail, policy: policy, requestedBy: analyst) { event in
                    inbox.put(.rationaleEvent(caseID: caseID, event))
                }
                try Task.checkCancellation()
                let stored = try store.addRationale(caseID: caseID, r)
                inbox.put(.rationaleStored(caseID: caseID, stored, CitationCheck(cited: stored.evidenceIDs, evidence: detail.evidence)))
            } catch is CancellationError {
                inbox.put(.rationaleFailed(caseID: caseID, "stopped"))
            } catch {
                inbox.put(.rationaleFailed(caseID: caseID, Task.isCancelled ? "stopped" : "\(error)"))
            }
        }
        return []
    }

    /// Computes the dashboard's label quality on a thread of its own (it reads every project's
    /// labels and fits their consensus: seconds on a big project, which must not hold up keys);
    /// the answer goes to the inbox. One computation runs at a time, so that pressing D ten times
    /// costs at most two computations, not ten side by side.
    private func computeLabelQuality() {
        guard !labelQualityRunning else { labelQualityWanted = true; return }
        labelQualityRunning = true
        labelQualityWanted = false
        let store = store, inbox = inbox
        Thread.detachNewThread {
            do {
                inbox.put(.labelQuality(try store.labelQuality(), error: nil))
            } catch {
                inbox.put(.labelQuality(nil, error: "\(error)"))
            }
            #if os(Linux)
            // A big project's labels and consensus took a hundred megabytes or so, now garbage:
            // hand the freed pages back rather than keep them for the rest of the session.
            _ = glibcMallocTrim(0)
            #endif
        }
    }

    /// Whether the analyst asked to leave.
    public var isFinished: Bool { state.quitRequested }

    /// Loads the first screen: counts, the top of the queue, the first case's detail.
    public func start() {
        perform(Workbench.start(&state) + (state.lease != nil ? [.claimNext(state.query)] : []))
    }

    /// Handles one key press (or resize) through the keymap (or, while a label is being made,
    /// the reason picker and note field). Unbound keys do nothing.
    public func handle(key: Key) {
        guard let action = Workbench.action(for: key, in: state) else { return }
        dispatch(action)
    }

    /// Applies an action and performs the effects it leads to (and the effects of their results).
    public func dispatch(_ action: Action) {
        perform(Workbench.update(&state, action))
    }

    /// Moves the clock on and checks whether anyone committed to the store since the last check;
    /// if so, reloads the window, the count and the detail. Call it about once a second (e.g. when
    /// no key came for a second). Returns true when the screen needs drawing again: the data
    /// changed, or a message (an error reading the store) appeared. The tick also renews this
    /// session's claim when half its lease is gone (see ``Workbench/syncClaim(_:)``).
    @discardableResult
    public func tick() -> Bool {
        let seen = state.dataVersion, message = state.status
        dispatch(.tick(clock()))
        return (seen != nil && state.dataVersion != seen) || state.status != message
    }

    /// The screen for the current state.
    public func frame() -> Grid { Workbench.render(state) }

    private func perform(_ effects: [Effect]) {
        var queue = effects[...]
        for _ in 0..<4 {
            while let effect = queue.popFirst() {
                for result in run(effect) {
                    queue += Workbench.update(&state, result)
                }
            }
            // Keep the claim in step with the selection (see Update+Claims.swift).
            queue = Workbench.syncClaim(&state)[...]
            if queue.isEmpty { break }
        }
        if let id = state.selectedDetail?.case.caseID, id != shown?.caseID { shown = (id, clock()) }
    }

    /// Runs one effect; returns the actions that report its results.
    private func run(_ effect: Effect) -> [Action] {
        do {
            switch effect {
            case .loadPage(let request):
                return [.pageLoaded(request, try QueuePager.window(request, store: store))]
            case .loadDetail(let caseID):
                return [.detailLoaded(caseID: caseID, try store.caseDetail(caseID: caseID))]
            case .loadCount(let query):
                // The header's own counts follow the queue count: "done today" from local midnight.
                let today = Timestamp(Calendar.current.startOfDay(for: clock().date))
                return [.countLoaded(query, try store.queueCount(query)),
                        .analystCountsLoaded(try store.analystCounts(analyst: state.analyst, since: today))]
            case .checkDataVersion:
                do {
                    return [.dataVersionRead(try store.dataVersion())]
                } catch StoreError.unavailable(let message) {
                    return [.databaseUnreachable(message)]
                }
            case .loadTaxonomy:
                return [.taxonomyLoaded(try store.taxonomy())]
            case .loadDashboard:
                do {
                    let figures = try store.dashboardFigures(now: clock())
                    computeLabelQuality()
                    return [.dashboardLoaded(figures)]
                } catch {
                    return [.showMessage(.error("could not load the dashboard: \(error)"))]
                }
            case .recordLabel(var draft):
                if draft.kind == .label, let shown, shown.caseID == draft.caseID {
                    draft.dwellMs = max(0, clock().milliseconds - shown.at.milliseconds)
                }
                do {
                    return [.labelRecorded(try store.recordLabel(draft))]
                } catch {
                    let what = draft.kind == .undo ? "the undo" : "the label"
                    return [.labelFailed("could not save \(what): \(error)")]
                }
            case .locateCase(let caseID, let query):
                let row = try store.queueRow(caseID: caseID, matching: query)
                let exists = try row != nil || store.caseDetail(caseID: caseID) != nil
                return [.caseLocated(caseID: caseID, query, row: row, exists: exists)]
            case .quit:
                shutdown()
                return []
            case .claim(let caseID, let releasing):
                return try claim(caseID, releasing: releasing)
            case .releaseClaim(let caseID):
                try store.releaseClaim(caseID: caseID, analyst: state.analyst)
                return []
            case .claimNext(let query):
                return [.claimedNext(try store.claimNext(query, analyst: state.analyst, lease: state.lease ?? 600))]
            case .generateRationale(let caseID):
                return generateRationale(caseID)
            case .cancelRationale:
                rationaleTask?.cancel()
                return []
            case .recordFeedback(let f):
                do {
                    return [.feedbackRecorded(try store.recordRationaleFeedback(f))]
                } catch {
                    return [.showMessage(.error("could not save the rating: \(error)"))]
                }
            }
        } catch {
            return [.showMessage(.error("could not read the database: \(error)"))]
        }
    }

    /// Releases `releasing` and claims `caseID` (or renews the claim); returns who holds it.
    private func claim(_ caseID: String, releasing: String?) throws -> [Action] {
        // A release that fails (the case was deleted…) only lets that lease lapse.
        if let releasing { try? store.releaseClaim(caseID: releasing, analyst: state.analyst) }
        do {
            return [.claimed(caseID: caseID, holder: try store.claim(caseID: caseID, analyst: state.analyst,
                                                                   lease: state.lease ?? 600))]
        } catch StoreError.caseNotFound {
            return [.claimed(caseID: caseID, holder: nil)]
        }
    }

    /// Gives this session's claim back to the queue (on quit; the terminal front end also calls it
    /// when a signal ends the session). Safe to call more than once.
    public func shutdown() {
        rationaleTask?.cancel()
        guard let claim = state.claim, claim.holder == state.analyst else { return }
        try? store.releaseClaim(caseID: claim.caseID, analyst: state.analyst)
        state.claim = nil
    }
}

/// A thread-safe queue of actions from background tasks to the runtime's thread.
final class Inbox: @unchecked Sendable {
    /// What background work reports: an action to apply, or the label quality of a request.
    enum Item {
        case action(Action)
        case labelQuality(LabelQuality?, error: String?)
    }

    private let lock = NSLock()
    private var items: [Item] = []

    func put(_ a: Action) { lock.withLock { items.append(.action(a)) } }
    func put(_ item: Item) { lock.withLock { items.append(item) } }
    func take() -> [Item] { lock.withLock { defer { items.removeAll() }; return items } }
    var isEmpty: Bool { lock.withLock { items.isEmpty } }
}

#if os(Linux)
/// glibc's `malloc_trim(3)` (declared in <malloc.h>, which the Glibc module does not import).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32
#endif
