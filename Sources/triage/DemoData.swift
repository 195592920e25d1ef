import Foundation
import TriageCore
import TriageFormats
import TriageSQLite
import TriageStore

/// Finds and loads the bundled sample data for `triage demo`.
enum DemoData {
    /// Where `SampleData/` may be: $TRIAGE_SAMPLE_DATA, the current directory, or the checkout the
    /// binary was built in (`.build/<config>/triage` → the package root).
    static func directory() -> String? {
        let fm = FileManager.default
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["TRIAGE_SAMPLE_DATA"] { candidates.append(env) }
        candidates.append(fm.currentDirectoryPath + "/SampleData")
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(dir.path + "/SampleData")
            dir = dir.deletingLastPathComponent()
        }
        return candidates.first { fm.fileExists(atPath: $0 + "/cases.jsonl") }
    }

    /// The labelling project the demo database comes with.
    static let demoProject = "demo-gambling"

    static func load(into store: SQLiteStore, importedBy: String) throws {
        guard let dir = directory() else {
            throw CLIError(message: "cannot find SampleData/cases.jsonl: run from the repository root, or set TRIAGE_SAMPLE_DATA to the SampleData directory",
                           code: Exit.noInput)
        }
        if FileManager.default.fileExists(atPath: dir + "/taxonomy.toml") {
            do { try store.replaceTaxonomy(try TaxonomyFile.load(path: dir + "/taxonomy.toml"), actor: "demo") }
            catch let e as TaxonomyFileError { throw CLIError(message: e.description, code: Exit.dataError) }
        }
        let report = try CaseImporter(store: store, options: ImportOptions(importedBy: importedBy)).importFile(dir + "/cases.jsonl")
        guard let batch = report.batch else {
            let first = report.problems.first.map(\.description) ?? "unknown problem"
            throw CLIError(message: "the sample data did not import: \(first)", code: Exit.dataError)
        }
        // Ground truth to try: the demo's user is its lead, with a small blind project.
        try store.addPerson(importedBy, role: .lead, actor: importedBy)
        _ = try store.createProject(ProjectDraft(
            settings: Project(name: demoProject, policy: "gambling", overlap: 2, blind: true, goldRate: 0.1,
                              createdBy: importedBy, createdAt: .now()),
            limit: 40), actor: importedBy)
        try store.checkpoint()
        Console.info("demo database created with \(batch.inserted) sample cases from \(dir); you (\(importedBy)) are its lead, "
                     + "with a labelling project '\(demoProject)'")
    }
}
