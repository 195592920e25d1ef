import Foundation
import TriageStore

/// Where a command writes its output: a file given with `--out` (written beside and renamed
/// into place, never over the database or an input: see ``AtomicFileWriter``), or standard
/// output through ``Console``.
final class OutputFile {
    let path: String?
    private let file: AtomicFileWriter?

    /// `path` nil or `-` is standard output. Refuses (exit 73) a path that names the database,
    /// one of its companion files or an input.
    init(path: String?, protecting: ProtectedFiles) throws {
        self.path = path
        if let path, path != "-" {
            do { file = try AtomicFileWriter(path: path, protecting: protecting) }
            catch { throw CLIError(message: error.description, code: Exit.cantCreate) }
        } else {
            file = nil
        }
    }

    func write(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        guard let file else {
            Console.write(bytes)
            // Stop early rather than compute output that can no longer be written.
            if let reason = Console.stdoutFailure {
                throw CLIError(message: "cannot write standard output: \(reason); the output is incomplete", code: Exit.ioError)
            }
            return
        }
        do { try file.write(bytes) }
        catch { throw CLIError(message: error.description, code: Exit.ioError) }
    }

    /// Puts the file in place (or flushes standard output). Without it the file is left as it was.
    func close() throws {
        guard let file else { return Console.flush() }
        do { try file.commit() }
        catch { throw CLIError(message: error.description, code: Exit.ioError) }
    }
}
