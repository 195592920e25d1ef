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
    public private(set) var state: WorkbenchState
    public let store: any CaseStore
    /// Rows a single End/`G` may walk through looking for the end of the queue (the store pages
    /// forward only); pressing it again walks on.
    public var endJumpBudget = 200_000
    private let clock: @Sendable () -> Timestamp

    public init(store: any CaseStore, options: WorkbenchOptions, size: TerminalSize,
                clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.store = store
        self.clock = clock
        state = WorkbenchState(databaseName: options.databaseName, analyst: options.analyst,
                               query: options.initialQuery, size: size, now: clock())
    }

    /// Whether the analyst asked to leave.
    public var isFinished: Bool { state.quitRequested }

    /// Loads the first screen: counts, the top of the queue, the first case's detail.
    public func start() {
        perform(Workbench.start(&state))
    }

    /// Handles one key press (or resize) through the keymap. Unbound keys do nothing.
    public func handle(key: Key) {
        if case .resize(let w, let h) = key { return dispatch(.resize(width: w, height: h)) }
        guard let action = state.keymap.action(for: key) else { return }
        dispatch(action)
    }

    /// Applies an action and performs the effects it leads to (and the effects of their results).
    public func dispatch(_ action: Action) {
        perform(Workbench.update(&state, action))
    }

    /// Moves the clock on (call periodically, e.g. when no key came for a second).
    public func tick() {
        dispatch(.tick(clock()))
    }

    /// The screen for the current state.
    public func frame() -> Grid { Workbench.render(state) }

    private func perform(_ effects: [Effect]) {
        var queue = effects[...]
        while let effect = queue.popFirst() {
            for result in run(effect) {
                queue += Workbench.update(&state, result)
            }
        }
    }

    /// Runs one effect; returns the actions that report its results.
    private func run(_ effect: Effect) -> [Action] {
        do {
            switch effect {
            case .loadPage(let request):
                let rows = try store.queuePage(request.query, after: request.after, limit: request.limit)
                return [.pageLoaded(request, rows)]
            case .loadLastPage(let request):
                let end = try QueuePager.lastWindow(request, store: store, budget: endJumpBudget)
                var results: [Action] = [.pageLoaded(end.request, end.rows)]
                if !end.reachedEnd {
                    results.append(.showMessage(.info(
                        "moved \(Format.count(end.walked)) cases down, not yet the end: press G again to go on")))
                }
                return results
            case .loadDetail(let caseID):
                return [.detailLoaded(caseID: caseID, try store.caseDetail(caseID: caseID))]
            case .loadStats:
                return [.statsLoaded(try store.stats())]
            case .quit:
                return []
            }
        } catch {
            return [.showMessage(.error("could not read the database: \(error)"))]
        }
    }
}
