import TriageStore

/// Work that ``Workbench/update(_:_:)`` asks for instead of doing it: the ``WorkbenchRuntime``
/// performs effects against the store and feeds their results back as ``Action``s. Keeping them
/// values makes `update` pure and testable.
public enum Effect: Sendable, Equatable {
    /// Fetch one window of the queue.
    case loadPage(PageRequest)
    /// Find the last window of the queue (see ``EndRequest``).
    case loadLastPage(EndRequest)
    /// Fetch the detail of one case.
    case loadDetail(caseID: String)
    /// Fetch the counts shown in the header.
    case loadStats
    /// Leave the workbench.
    case quit
}
