import Foundation
import TriagePostgres
import TriageStore
import TriageTestSupport

/// The test process's throwaway PostgreSQL server; each test gets a database of its own.
enum PG {
    static var cluster: PostgresCluster {
        get throws { try PostgresCluster.shared() }
    }

    /// A new empty database and its address, as the superuser over TCP (password auth).
    static func emptyDatabase() throws -> PostgresAddress {
        let c = try cluster
        let name = try c.createDatabase()
        guard case .postgres(let a) = try DatabaseLocation.parse(c.url(database: name), osUser: "nobody") else {
            fatalError("not a postgres URL")
        }
        return a
    }

    static let password = PostgresCluster.superPassword
}

extension PG {
    /// The address of `database` for `user` over the cluster's Unix socket, which trusts every
    /// user (so a person added with `addPerson`, who has no password, can connect).
    static func address(_ database: String, user: String) throws -> PostgresAddress {
        let c = try cluster
        guard case .postgres(let a) = try DatabaseLocation.parse("postgres://\(user)@/\(database)?host=\(c.directory)&port=\(c.port)",
                                                                 osUser: "nobody") else {
            fatalError("not a postgres URL")
        }
        return a
    }
}
