// libFuzzer entry point; the work is in Tests/TriageFormatsTests/FuzzTarget.swift (shared with
// FuzzCorpusTests, which replays the corpus in `swift test`). Built and run by run.sh.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafeRawPointer?, _ size: Int) -> CInt {
    FuzzTarget.run(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
