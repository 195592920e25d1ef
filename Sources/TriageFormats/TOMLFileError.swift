import TOMLKit

/// Problems in a TOML file that triage reads (the taxonomy, a theme), each with the file name, the
/// line (where it can be known) and the key it is about, e.g.
/// `taxonomy.toml: line 14: decision[2].hotkey must be a single character`.
public struct TOMLFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One problem.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line (0 when unknown).
        public var line: Int
        /// The 1-based column, for TOML syntax errors.
        public var column: Int?
        /// The key path, e.g. `decision[2].hotkey` or `roles.selection.bg` (indices count tables
        /// of the same name from 0, in file order); nil for syntax errors and whole-file problems.
        public var key: String?
        /// What is wrong, e.g. `must be a single character, not "un"`.
        public var message: String

        public init(line: Int?, column: Int? = nil, key: String?, message: String) {
            self.line = line ?? 0
            self.column = column
            self.key = key
            self.message = message
        }

        /// `line N: key message` (the parts that are known).
        public var description: String {
            var s = ""
            if line > 0 { s += column.map { "line \(line), column \($0): " } ?? "line \(line): " }
            if let key { s += key + " " }
            return s + message
        }
    }

    /// The file's name as given to the parser.
    public var fileName: String
    /// Every problem found, in file order as far as possible.
    public var problems: [Problem]

    public init(fileName: String, problems: [Problem]) {
        self.fileName = fileName
        self.problems = problems
    }

    /// One line per problem, each starting with the file name.
    public var description: String {
        problems.map { "\(fileName): \($0)" }.joined(separator: "\n")
    }

    /// Parses `text` as TOML: a NUL byte or a syntax error becomes an error naming the file and
    /// the line (and column). The one way triage's TOML readers start.
    public static func table(text: String, fileName: String) throws(TOMLFileError) -> TOMLTable {
        func fail(_ p: Problem) -> TOMLFileError { TOMLFileError(fileName: fileName, problems: [p]) }
        if let nul = text.utf8.firstIndex(of: 0) {
            let line = text.utf8[..<nul].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw fail(Problem(line: line, key: nil, message: "contains a NUL byte"))
        }
        do {
            return try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw fail(Problem(line: e.source.begin.line, column: e.source.begin.column, key: nil,
                               message: "TOML syntax error: \(e.description)"))
        } catch {
            throw fail(Problem(line: nil, key: nil, message: "cannot parse: \(error)"))
        }
    }
}
