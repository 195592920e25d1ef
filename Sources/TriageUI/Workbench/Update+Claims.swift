import TriageCore
import TriageStore

/// The claim on the selected case, as far as this session knows.
public struct CaseClaim: Sendable, Equatable {
    /// The case.
    public var caseID: String
    /// Who holds it: this session's analyst (claimed), someone else (their live lease), or nil
    /// (not claimable: labelled, or the claim is being asked for).
    public var holder: String?
    /// When the claim was last taken, renewed or checked (by the workbench's clock).
    public var checkedAt: Timestamp

    public init(caseID: String, holder: String?, checkedAt: Timestamp) {
        self.caseID = caseID
        self.holder = holder
        self.checkedAt = checkedAt
    }
}

/// Claims: the selected case is claimed for the analyst with a lease (``WorkbenchState/lease``).
///
/// - At start and after each label the workbench asks the store for the next free case in queue
///   order (``Effect/claimNext(_:)``) and selects it, so two sessions start on, and move on to,
///   different cases.
/// - Moving the selection releases the old claim and claims the newly selected case if it is free
///   (``Effect/claim(caseID:releasing:)``). A case held by someone else's live lease can be
///   browsed but not labelled: the decision keys say "held by NAME".
/// - The claim is renewed when less than half the lease is left (checked on every tick), and a
///   case held by someone else is checked again every ``recheckInterval`` seconds, so it is taken
///   over once their lease lapses (their session died).
/// - Labelling ends the claim (the store deletes it); quitting releases it.
extension Workbench {
    /// How often (seconds) a case someone else holds is checked again.
    static let recheckInterval: Double = 15

    /// The effects that keep the claim in step with the selection: claim a newly selected case
    /// (releasing the old one), renew our lease when half of it is gone, recheck someone else's.
    /// The runtime calls it after every action.
    public static func syncClaim(_ state: inout WorkbenchState) -> [Effect] {
        guard let lease = state.lease, !state.quitRequested else { return [] }
        let selected = state.selectedRow?.caseID
        let now = state.now
        if let claim = state.claim, claim.caseID == selected {
            let age = Double(now.milliseconds - claim.checkedAt.milliseconds) / 1000
            let due = claim.holder == state.analyst ? age >= lease / 2 : age >= recheckInterval
            guard due else { return [] }
            state.claim?.checkedAt = now
            return [.claim(caseID: claim.caseID, releasing: nil)]
        }
        let mine = state.claim.flatMap { $0.holder == state.analyst ? $0.caseID : nil }
        guard let selected else {
            state.claim = nil
            return mine.map { [.releaseClaim(caseID: $0)] } ?? []
        }
        state.claim = CaseClaim(caseID: selected, holder: nil, checkedAt: now)
        return [.claim(caseID: selected, releasing: mine)]
    }

    /// What a claim effect came back with.
    static func claimed(_ state: inout WorkbenchState, caseID: String, holder: String?) -> [Effect] {
        guard state.claim?.caseID == caseID else { return [] }
        let before = state.claim?.holder
        state.claim?.holder = holder
        // Say so once, when the case is selected (not again at each recheck).
        if let holder, holder != state.analyst, before == nil, state.labelFlow == nil {
            state.status = .info("\(Sanitize.line(caseID)) is held by \(Sanitize.line(holder))")
        }
        return []
    }

    /// The case ``Effect/claimNext(_:)`` handed this session: select it (loading the window around
    /// it when it is not on screen).
    static func claimedNext(_ state: inout WorkbenchState, _ row: QueueRow?) -> [Effect] {
        guard let row else {
            if state.status == nil || state.status?.kind == .info {
                state.status = .info("no free case left in this queue")
            }
            return []
        }
        state.claim = CaseClaim(caseID: row.caseID, holder: state.analyst, checkedAt: state.now)
        if let i = state.rows.firstIndex(where: { $0.caseID == row.caseID }) {
            return select(&state, i)
        }
        let window = state.layout.queueRows
        guard window > 0 else { return [] }
        let at = min(state.selection, window - 1)
        return reload(&state, .at(row.cursor(for: state.query.sort), row: at),
                      select: .caseID(row.caseID, fallback: at), rowsAbove: nil)
    }

    /// Who holds the selected case if it is not this analyst (a live lease), else nil.
    static func heldByOther(_ state: WorkbenchState) -> String? {
        guard state.lease != nil, let row = state.selectedRow else { return nil }
        if let claim = state.claim, claim.caseID == row.caseID, let holder = claim.holder {
            return holder == state.analyst ? nil : holder
        }
        if let a = row.assignee, a != state.analyst { return a }
        return nil
    }
}
