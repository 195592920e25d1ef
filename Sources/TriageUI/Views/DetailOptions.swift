/// Which sections ``DetailView`` draws.
public struct DetailOptions: Sendable, Equatable {
    /// Model output: scores, attributions and rationales (the evidence is always shown).
    public var showModel: Bool
    /// The case's label history.
    public var showLabels: Bool
    /// The latest feature snapshot.
    public var showFeatures: Bool

    /// Options drawing the sections asked for.
    public init(showModel: Bool, showLabels: Bool, showFeatures: Bool = false) {
        self.showModel = showModel
        self.showLabels = showLabels
        self.showFeatures = showFeatures
    }

    /// What the workbench shows: model output and label history.
    public static let workbench = DetailOptions(showModel: true, showLabels: true)
}
