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

    /// A runtime for `store` on a terminal of `size`; `clock` gives the time ages are measured against.
    /// Call ``start()`` next.
    public init(store: any CaseStore, options: WorkbenchOptions, size: TerminalSize,
                clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.store = store
        self.clock = clock
        state = WorkbenchState(databaseName: options.databaseName, analyst: options.analyst,
                               query: options.initialQuery, size: size, now: clock())
        state.osUser = options.osUser
        state.role = options.role
        state.lease = options.lease
        state.glyphs = options.glyphs
        state.theme = options.monochrome ? .monochrome : options.theme
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
                return [.dataVersionRead(try store.dataVersion())]
            case .loadTaxonomy:
                return [.taxonomyLoaded(try store.taxonomy())]
            case .loadDashboard:
                do {
                    return [.dashboardLoaded(try store.dashboard(now: clock()))]
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
        guard let claim = state.claim, claim.holder == state.analyst else { return }
        try? store.releaseClaim(caseID: claim.caseID, analyst: state.analyst)
        state.claim = nil
    }
}
