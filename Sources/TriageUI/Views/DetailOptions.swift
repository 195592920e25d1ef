/// Which sections ``DetailView`` draws.
public struct DetailOptions: Sendable, Equatable {
    /// Model output: scores, attributions and rationales (the evidence is always shown).
    public var showModel: Bool
    /// The case's label history.
    public var showLabels: Bool
    /// The latest feature snapshot.
    public var showFeatures: Bool
    /// The case's status in the analyst queue (other people's decision: not for labelers).
    public var showStatus: Bool

    /// Options drawing the sections asked for.
    public init(showModel: Bool, showLabels: Bool, showFeatures: Bool = false, showStatus: Bool = true) {
        self.showModel = showModel
        self.showLabels = showLabels
        self.showFeatures = showFeatures
        self.showStatus = showStatus
    }

    /// What the workbench shows: model output and label history.
    public static let workbench = DetailOptions(showModel: true, showLabels: true)
}
