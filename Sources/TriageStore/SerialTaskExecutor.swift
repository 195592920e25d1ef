import Dispatch

/// Runs async work on one serial dispatch queue of its own instead of Swift's shared cooperative
/// thread pool, so it keeps moving even when every thread of that pool is busy or blocked (the
/// pool has one thread per core: two on a small host). The workbench writes rationales on it,
/// the PostgreSQL store runs `COPY` on one of its own, and tests run their async bodies on it,
/// for the same reason.
public final class SerialTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// One for the whole process.
    public static let shared = SerialTaskExecutor(label: "triage.background")

    private let queue: DispatchQueue

    public init(label: String) { queue = DispatchQueue(label: label) }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
