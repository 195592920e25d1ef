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
        state.theme = options.monochrome ? .monochrome : options.theme
    }

    /// Whether the analyst asked to leave.
    public var isFinished: Bool { state.quitRequested }

    /// Loads the first screen: counts, the top of the queue, the first case's detail.
    public func start() {
        perform(Workbench.start(&state))
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
                return [.countLoaded(query, try store.queueCount(query))]
            case .checkDataVersion:
                return [.dataVersionRead(try store.dataVersion())]
            case .loadTaxonomy:
                return [.taxonomyLoaded(try store.taxonomy())]
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
            case .quit:
                return []
            }
        } catch {
            return [.showMessage(.error("could not read the database: \(error)"))]
        }
    }
}
