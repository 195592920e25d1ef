import ArgumentParser
import Foundation
import TriageCore
import TriageStore
import TriageUI

extension Role: ExpressibleByArgument {}

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "List the people of this database and their roles, or add one.",
        discussion: """
        Roles decide what a person can do. analyst: triages the queue. labeler: labels cases in \
        labelling projects, blind to the model where the project says so. lead: everything, and \
        alone creates projects, adjudicates disagreements, edits the taxonomy and adds people. \
        People the database does not list work as analysts. A lead may work in any role \
        (--role), an analyst as analyst or labeler, a labeler only as labeler.

        Roles organise work; they are not a security boundary: anyone who can write the database \
        file can change it with other tools. Protect the file with its permissions.
        """,
        subcommands: [UsersList.self, UsersAdd.self],
        defaultSubcommand: UsersList.self
    )
}

struct UsersList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Print everyone registered, with their role.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readOnly)
            let people = try store.people()
            if people.isEmpty {
                Console.out("nobody is registered: everyone works as an analyst. Add the first lead with `triage users add NAME --role lead`.")
                return
            }
            let width = max(4, people.map { $0.name.count }.max() ?? 0)
            let byWidth = max(8, people.map { ($0.addedBy ?? "-").count }.max() ?? 0)
            Console.out(TextTable.pad("name", width) + "  " + TextTable.pad("role", 8) + "  added       "
                        + TextTable.pad("added by", byWidth) + "  role set by (when)")
            for p in people {
                let set = p.roleSetBy.map { TextTable.clean($0) + " (" + (p.roleSetAt.map { String($0.iso8601.prefix(10)) } ?? "?") + ")" }
                    ?? "not recorded (before triage kept role changes)"
                Console.out(TextTable.pad(TextTable.clean(p.name), width) + "  " + TextTable.pad(p.role.rawValue, 8) + "  "
                            + String(p.addedAt.iso8601.prefix(10)) + "  " + TextTable.pad(TextTable.clean(p.addedBy ?? "-"), byWidth)
                            + "  " + set)
            }
        }
    }
}

struct UsersAdd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register a person with a role, or change their role.",
        discussion: """
        Only a lead may add people or change roles, except while the database has no lead: then \
        anyone may, so a new team can register its first lead. The last lead cannot be demoted.

        Exit codes: 0 done; 77 you are not a lead; others as in triage --help.

        Examples:
          triage users add dana --role lead          # the first lead
          triage users add lou --role labeler --analyst dana
        """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: ArgumentHelp("The person's name, as they give it with --analyst (default there: their OS user).",
                                 valueName: "name"))
    var name: String

    @Option(name: .customLong("role"), help: ArgumentHelp("Their role: analyst, labeler or lead.", valueName: "role"))
    var newRole: Role

    func run() throws {
        try runReporting {
            let store = try global.openStore(.readWrite)
            switch try store.addPerson(name, role: newRole, actor: global.analystName) {
            case .added: Console.out("added \(name) as \(Self.article(newRole)) \(newRole.rawValue)")
            case .changed(let from): Console.out("\(name) is now \(Self.article(newRole)) \(newRole.rawValue) (was \(from.rawValue))")
            case .unchanged: Console.out("\(name) is already \(Self.article(newRole)) \(newRole.rawValue)")
            case .loginGranted:
                Console.out("\(name) was on record as \(Self.article(newRole)) \(newRole.rawValue); their database login now has the role (triage_\(newRole.rawValue))")
            }
        }
    }
}

extension UsersAdd {
    /// "an" before a role that starts with a vowel sound ("an analyst", "a lead").
    static func article(_ role: Role) -> String { role.rawValue.first.map { "aeiou".contains($0) } == true ? "an" : "a" }
}

/// Plain-text tables for command output. Every cell from the database goes through
/// `Sanitize.line` first (names and notes are untrusted).
enum TextTable {
    static func pad(_ t: String, _ w: Int, right: Bool = false) -> String {
        let p = String(repeating: " ", count: max(0, w - t.count))
        return right ? p + t : t + p
    }

    static func clean(_ s: String) -> String { Sanitize.line(s) }
}
