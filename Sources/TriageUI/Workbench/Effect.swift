import TriageStore

/// Work that ``Workbench/update(_:_:)`` asks for instead of doing it: the ``WorkbenchRuntime``
/// performs effects against the store and feeds their results back as ``Action``s. Keeping them
/// values makes `update` pure and testable.
public enum Effect: Sendable, Equatable {
    /// Fetch one window of the queue (answered by ``Action/pageLoaded(_:_:)``).
    case loadPage(PageRequest)
    /// Fetch the detail of one case (answered by ``Action/detailLoaded(caseID:_:)``).
    case loadDetail(caseID: String)
    /// Count the cases of this queue, for the header (answered by ``Action/countLoaded(_:_:)``).
    case loadCount(QueueQuery)
    /// Read the store's data version, to learn whether anyone committed since the last read
    /// (answered by ``Action/dataVersionRead(_:)``).
    case checkDataVersion
    /// Leave the workbench.
    case quit
}
