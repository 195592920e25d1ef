import Testing
import TriageCore

@Suite struct TimestampTests {
    @Test(arguments: [
        ("2026-11-20T14:03:00Z", Int64(1_795_183_380_000)),
        ("2026-11-20T14:03:00.250Z", Int64(1_795_183_380_250)),
        ("2026-11-20T15:03:00+01:00", Int64(1_795_183_380_000)),
        ("2026-11-20T09:33:00-04:30", Int64(1_795_183_380_000)),
        ("2026-11-20", Int64(1_795_132_800_000)),
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2024-02-29T00:00:00Z", Int64(1_709_164_800_000)),
    ])
    func parsesRFC3339(text: String, ms: Int64) {
        #expect(Timestamp.parse(text)?.milliseconds == ms)
    }

    @Test(arguments: ["", "yesterday", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-20T25:00:00Z",
                      "2026-11-20T14:03:00", "2026-11-20T14:03Z0", "2026/11/20", "20261120", "2026-11-20T14:03:00.Z"])
    func rejectsBadTimestamps(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func hintsNameWhatDataToolingGotWrong() {
        #expect(Timestamp.hint(forUnparsable: "2026-11-20 14:03:00")?.contains("no UTC offset") == true)
        #expect(Timestamp.hint(forUnparsable: "2026-11-20T14:03:00.5")?.contains("no UTC offset") == true)
        #expect(Timestamp.hint(forUnparsable: "2026-11-20T14:03:00Z") == nil, "valid: nothing to hint")
        #expect(Timestamp.hint(forUnparsable: "yesterday") == nil)
        #expect(Timestamp.hint(forUnparsable: "2026-02-30 10:00:00") == nil, "an impossible date is not an offset problem")
        #expect(Timestamp.hint(forOutOfRangeSeconds: 1_795_183_380_000)?.contains("milliseconds") == true)
        #expect(Timestamp.hint(forOutOfRangeSeconds: -1_795_183_380_000)?.contains("milliseconds") == true)
        #expect(Timestamp.hint(forOutOfRangeSeconds: 1e300) == nil, "too large even for milliseconds")
        #expect(Timestamp.hint(forOutOfRangeSeconds: 1_795_183_380) == nil, "in range: not milliseconds")
    }

    @Test func formatsRoundTrip() {
        for ms: Int64 in [0, 1_795_183_380_250, 951_782_400_000, -86_400_000] {
            let t = Timestamp(milliseconds: ms)
            #expect(Timestamp.parse(t.iso8601) == t)
        }
        #expect(Timestamp(milliseconds: 1_795_183_380_250).iso8601 == "2026-11-20T14:03:00.250Z")
        #expect(Timestamp(milliseconds: -1).iso8601 == "1969-12-31T23:59:59.999Z")
    }
}
