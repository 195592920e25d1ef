import Testing
import TriageStore
import TriageUI

/// Runs each test's async body on ``SerialTaskExecutor/shared`` instead of the shared cooperative
/// pool. Synchronous tests (the end-to-end ones wait on processes and tmux) hold the pool's
/// threads, one per core, for seconds at a time; async tests with deadlines would then stall.
struct OwnExecutorTrait: SuiteTrait, TestTrait, TestScoping {
    var isRecursive: Bool { true }

    func provideScope(for test: Test, testCase: Test.Case?,
                      performing function: @Sendable () async throws -> Void) async throws {
        try await withTaskExecutorPreference(SerialTaskExecutor.shared) { try await function() }
    }
}

extension Trait where Self == OwnExecutorTrait {
    /// See ``OwnExecutorTrait``.
    static var ownExecutor: Self { Self() }
}
