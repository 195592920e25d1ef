import TriageCore

/// The dashboard screen's own state while it is open (``WorkbenchState/dashboard``): the figures
/// once loaded and how far the screen is scrolled.
public struct DashboardScreen: Sendable, Equatable {
    /// The figures, once ``Action/dashboardLoaded(_:)`` brought them (kept while a reload runs).
    public var data: Dashboard?
    /// First body line shown.
    public var scroll = 0
    /// The section the tab line marks: the last one jumped to, or the one at the top of the screen
    /// after scrolling.
    public var section: DashboardSection = .queue

    /// A screen with nothing loaded yet.
    public init(data: Dashboard? = nil, scroll: Int = 0) {
        self.data = data
        self.scroll = scroll
    }
}
