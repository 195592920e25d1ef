import Foundation
import TriageCore
import TriageStore

/// Owns a project screen's state and performs its effects against a ``CaseStore``
/// (synchronously): the terminal backend feeds it keys and draws its frames.
///
/// ```swift
/// let options = ProjectOptions(person: "ann", role: .labeler, project: "p1", databaseName: "cases.db")
/// let runtime = ProjectRuntime(store: store, options: options, size: TerminalSize(width: 120, height: 40))
/// runtime.start()
/// runtime.handle(key: .char("v"))
/// ```
public final class ProjectRuntime: ScreenRuntime {
    /// The current state (changed only through actions).
    public private(set) var state: ProjectState
    /// Where the cases come from.
    public let store: any CaseStore
    private let clock: @Sendable () -> Timestamp
    /// The case being decided and when it was shown (the dwell time of a label).
    private var shown: (caseID: String, at: Timestamp)?

    /// A runtime for `store` on a terminal of `size`; `clock` gives the time. Call ``start()`` next.
    public init(store: any CaseStore, options: ProjectOptions, size: TerminalSize,
                clock: @escaping @Sendable () -> Timestamp = { Timestamp.now() }) {
        self.store = store
        self.clock = clock
        state = ProjectState(options: options, size: size, now: clock())
    }

    /// Whether the person asked to leave.
    public var isFinished: Bool { state.quitRequested }
    /// The theme the screen is drawn with.
    public var theme: Theme { state.theme }
    /// The time the screen measures against.
    public var now: Timestamp { state.now }

    /// Loads the first screen (and, labelling, claims the first case).
    public func start() { perform(ProjectScreen.start(&state)) }

    /// Handles one key press (or resize). Unbound keys do nothing.
    public func handle(key: Key) {
        guard let action = ProjectScreen.action(for: key, in: state) else { return }
        dispatch(action)
    }

    /// Applies an action and performs the effects it leads to.
    public func dispatch(_ action: ProjectAction) { perform(ProjectScreen.update(&state, action)) }

    /// Moves the clock on; returns true when the screen needs drawing again.
    @discardableResult
    public func tick() -> Bool {
        let message = state.status, seen = state.dataVersion
        dispatch(.tick(clock()))
        return state.status != message || (seen != nil && state.dataVersion != seen)
    }

    /// The screen for the current state.
    public func frame() -> Grid { ProjectScreen.render(state) }

    private func perform(_ effects: [ProjectEffect]) {
        var queue = effects[...]
        while let effect = queue.popFirst() {
            for result in run(effect) { queue += ProjectScreen.update(&state, result) }
        }
        // The dwell clock starts when a case appears for a decision (again after an undo).
        if state.phase == .deciding, let id = state.shownDetail?.case.caseID {
            if shown?.caseID != id { shown = (id, clock()) }
        } else if !state.isAdjudication {
            shown = nil
        } else if let id = state.shownDetail?.case.caseID, shown?.caseID != id {
            shown = (id, clock())
        }
    }

    /// Runs one effect; returns the actions that report its results.
    private func run(_ effect: ProjectEffect) -> [ProjectAction] {
        let name = state.projectName, person = state.person
        do {
            switch effect {
            case .checkDataVersion:
                do {
                    return [.dataVersionRead(try store.dataVersion())]
                } catch StoreError.unavailable(let message) {
                    return [.databaseUnreachable(message)]
                }
            case .loadTaxonomy:
                return [.taxonomyLoaded(try store.taxonomy())]
            case .loadProject:
                return [.projectLoaded(try store.project(named: name))]
            case .loadProgress:
                return [.progressLoaded(try store.projectProgress(name, labeler: person))]
            case .claimNext(let skipping):
                return [.claimedNext(try store.claimNext(inProject: name, labeler: person, lease: state.lease,
                                                         skipping: skipping))]
            case .releaseClaim(let caseID):
                try store.releaseProjectClaim(project: name, caseID: caseID, labeler: person)
                return []
            case .renewClaim(let caseID):
                if try !store.renewProjectClaim(project: name, caseID: caseID, labeler: person, lease: state.lease) {
                    return [.showMessage(.info("this case now has all its labels: s moves on"))]
                }
                return []
            case .loadDetail(let caseID):
                return [.detailLoaded(caseID: caseID, try store.caseDetail(caseID: caseID))]
            case .loadLabels:
                return [.labelsLoaded(try store.projectLabels(name))]
            case .recordLabel(var draft):
                if draft.kind != .undo, let shown, shown.caseID == draft.caseID {
                    draft.dwellMs = max(0, clock().milliseconds - shown.at.milliseconds)
                }
                do {
                    return [.labelRecorded(try store.recordLabel(draft))]
                } catch {
                    let what = draft.kind == .undo ? "the undo" : draft.kind == .adjudication ? "the adjudication" : "the label"
                    return [.labelFailed("could not save \(what): \(error)")]
                }
            case .quit:
                shutdown()
                return []
            }
        } catch {
            return [.showMessage(.error("could not read the database: \(error)"))]
        }
    }

    /// Gives the labeler's claim on the case being decided back (on quit; the terminal front end
    /// also calls it when a signal ends the session). Safe to call more than once.
    public func shutdown() {
        guard !state.isAdjudication, state.phase == .deciding, let id = state.caseID else { return }
        try? store.releaseProjectClaim(project: state.projectName, caseID: id, labeler: state.person)
    }
}
