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

    /// A runtime for `store` on a terminal of `size`; `clock` gives the time ages are measured against.
    /// Call ``start()`` next.
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

    /// Moves the clock on and checks whether anyone committed to the store since the last check;
    /// if so, reloads the window, the count and the detail. Call it about once a second (e.g. when
    /// no key came for a second). Returns true when the screen needs drawing again: the data
    /// changed, or a message (an error reading the store) appeared.
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
                return [.pageLoaded(request, try QueuePager.window(request, store: store))]
            case .loadDetail(let caseID):
                return [.detailLoaded(caseID: caseID, try store.caseDetail(caseID: caseID))]
            case .loadCount(let query):
                return [.countLoaded(query, try store.queueCount(query))]
            case .checkDataVersion:
                return [.dataVersionRead(try store.dataVersion())]
            case .quit:
                return []
            }
        } catch {
            return [.showMessage(.error("could not read the database: \(error)"))]
        }
    }
}
