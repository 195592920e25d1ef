import Foundation
import GRDB
import Testing
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

/// The store commits an import in chunks, leaves an interrupted one unfinished, and resumes it.
@Suite struct ChunkedImportTests {
    struct Stop: Error {}

    /// A process id that runs nowhere (above Linux's pid_max).
    static let deadPID: Int32 = 0x3FFF_FFF0

    /// Feeds `records`, pausing past the chunk time after `pauseAfter` of them (so the chunk
    /// commits after the next record), then throws after `stopAfter`.
    func interruptedRun(_ store: SQLiteStore, _ records: [CaseRecord], sha: String, pid: Int32,
                        pauseAfter: Int, stopAfter: Int) throws {
        let info = ImportBatchInfo(fileName: "f", format: "jsonl", startedAt: .now(), importedBy: "tester", sha256: sha, pid: pid)
        #expect(throws: Stop.self) {
            _ = try store.importBatch(info) { sink in
                for (i, r) in records.enumerated().dropFirst(sink.resumeAfter) {
                    if i == stopAfter { throw Stop() }
                    _ = try sink.write(PreparedCase(r, policy: "gambling"))
                    if i + 1 == pauseAfter { usleep(UInt32((SQLiteStore.importChunkSeconds + 0.1) * 1_000_000)) }
                }
                return ImportFeedResult(commit: true, sha256: sha)
            }
        }
    }

    /// An import alone holds the lock for long chunks (fewer rewrites of the same index pages),
    /// but a writer that waits for the lock says so, and the import commits within milliseconds:
    /// a label made during the import waits far less than a chunk.
    @Test func aWaitingWriterCutsTheImportsChunkShort() throws {
        let t = try TempDB()
        try QueueTests.write([Fixture.record("c_label")], to: t.store)
        let other = try SQLiteStore(path: t.path, create: false)
        let records = (1...4000).map { Fixture.record(String(format: "c_%04d", $0)) }
        let started = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        let store = t.store
        Thread.detachNewThread {
            let info = ImportBatchInfo(fileName: "f", format: "jsonl", startedAt: .now(), importedBy: "tester", sha256: "s")
            _ = try? store.importBatch(info) { sink in
                for (i, r) in records.enumerated() {
                    _ = try sink.write(PreparedCase(r, policy: "gambling"))
                    if i == 0 { started.signal() }
                    usleep(1_000) // a slow feed: the chunk runs to its full length unless cut short
                }
                return ImportFeedResult(commit: true, sha256: "s")
            }
            done.signal()
        }
        started.wait()
        usleep(200_000)
        let clock = ContinuousClock()
        let waited = try clock.measure { try other.recordLabel(draft("c_label", "no_violation", reasons: ["insufficient_evidence"])) }
        #expect(waited < .seconds(SQLiteStore.importChunkSeconds / 4), "the label waited \(waited)")
        done.wait()
        #expect(try t.store.stats().totalCases == 4001)
    }

    @Test func anInterruptedImportKeepsItsCommittedChunksAndTheNextRunResumesIt() throws {
        let t = try TempDB()
        let records = (1...40).map { Fixture.record(String(format: "c_%03d", $0)) }
        // Run 1 stops at record 25; the chunk committed with record 11 (the first written after
        // the chunk time passed) stays, the records after it are rolled back.
        try interruptedRun(t.store, records, sha: "abc", pid: Self.deadPID, pauseAfter: 10, stopAfter: 25)
        #expect(try t.store.stats().totalCases == 11)
        let unfinished = try t.store.stats().unfinishedImports
        #expect(unfinished.count == 1 && unfinished.first?.read == 11 && unfinished.first?.inserted == 11
                && unfinished.first?.finishedAt == nil)
        #expect(try t.store.importBatches(limit: 10).isEmpty, "an unfinished batch is not listed as an import")
        let q = try DatabaseQueue(path: t.path)
        #expect(try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM case_search") } == 11)

        // Run 2 resumes the same batch after record 11 and finishes it.
        let info = ImportBatchInfo(fileName: "f", format: "jsonl", startedAt: .now(), importedBy: "tester", sha256: "abc")
        var resumedAfter = -1
        let batch = try t.store.importBatch(info) { sink in
            resumedAfter = sink.resumeAfter
            for r in records.dropFirst(sink.resumeAfter) { _ = try sink.write(PreparedCase(r, policy: "gambling")) }
            return ImportFeedResult(commit: true, sha256: "abc")
        }
        #expect(resumedAfter == 11)
        #expect(batch.id == unfinished.first?.id)
        #expect(batch.startedAt == unfinished.first?.startedAt)
        #expect(batch.read == 40 && batch.inserted == 40 && batch.unchanged == 0 && batch.finishedAt != nil)
        #expect(try t.store.stats().unfinishedImports.isEmpty)
        #expect(try t.store.stats().totalCases == 40)
        #expect(try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM case_search") } == 40)
        #expect(try q.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM import_batch") } == 1)
    }

    @Test func aBatchWhoseImporterStillRunsOrOfOtherContentIsNotResumed() throws {
        let t = try TempDB()
        let records = (1...20).map { Fixture.record(String(format: "c_%03d", $0)) }
        // Our parent process runs: its unfinished batch may still be in progress.
        try interruptedRun(t.store, records, sha: "abc", pid: getppid(), pauseAfter: 5, stopAfter: 8)
        // Another input's unfinished batch is not this one's either.
        try interruptedRun(t.store, records, sha: "def", pid: Self.deadPID, pauseAfter: 5, stopAfter: 8)
        #expect(try t.store.stats().unfinishedImports.count == 2)
        let info = ImportBatchInfo(fileName: "f", format: "jsonl", startedAt: .now(), importedBy: "tester", sha256: "abc")
        let batch = try t.store.importBatch(info) { sink in
            #expect(sink.resumeAfter == 0)
            for r in records { _ = try sink.write(PreparedCase(r, policy: "gambling")) }
            return ImportFeedResult(commit: true, sha256: "abc")
        }
        #expect(batch.read == 20 && batch.inserted == 14 && batch.unchanged == 6)
        #expect(try t.store.stats().unfinishedImports.count == 2)
    }

    @Test func aFeedThatStopsBeforeItsFirstChunkCommitsStoresNothing() throws {
        let t = try TempDB()
        let records = (1...20).map { Fixture.record(String(format: "c_%03d", $0)) }
        try interruptedRun(t.store, records, sha: "abc", pid: Self.deadPID, pauseAfter: 100, stopAfter: 15)
        #expect(try t.store.stats().totalCases == 0)
        #expect(try t.store.stats().unfinishedImports.isEmpty)
    }

    /// A file rewritten between the check and the write: the import stops at the line that went
    /// bad, says so, and keeps what it wrote before as an unfinished batch.
    @Test func aFileThatChangesDuringTheImportStopsItWithAClearError() throws {
        let t = try TempDB()
        // Over 1 MiB, so the bad line is read after writing began (the reader takes 1 MiB at a time).
        let lines = (1...4000).map { Fixture.line(Fixture.record(String(format: "c_%05d", $0))) }
        let path = t.file("cases.jsonl", lines)
        try #require((try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0) > 2 << 20)
        var changed = false
        let importer = CaseImporter(store: t.store, options: ImportOptions(importedBy: "tester")) { p in
            guard p.phase == .writing, !changed else { return }
            changed = true
            let h = FileHandle(forUpdatingAtPath: path)!
            let text = try! String(contentsOfFile: path, encoding: .utf8)
            let last = text.range(of: "\"gambling\"", options: .backwards)!
            try! h.seek(toOffset: UInt64(text.utf8.distance(from: text.startIndex, to: last.lowerBound)))
            h.write(Data("\"gamblinx\"".utf8))
            try! h.close()
        }
        #expect(throws: ImportError.self) {
            do { _ = try importer.importFile(path) } catch {
                #expect("\(error)".contains("changed while it was being imported"), "\(error)")
                #expect("\(error)".contains(":4000: policy"), "\(error)")
                throw error
            }
        }
        #expect(changed)
        let stats = try t.store.stats()
        #expect(stats.totalCases < 4000)
        #expect(stats.unfinishedImports.count == (stats.totalCases > 0 ? 1 : 0))
    }
}
