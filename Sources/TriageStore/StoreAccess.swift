/// What a command may do to the database it opens.
public enum StoreAccess: Sendable, Equatable {
    /// Create the database (the file, or the schema in an empty one) if there is none: `import`,
    /// `db init`, `demo`, `taxonomy import`.
    case create
    /// Read and write an existing triage database, upgrading an older schema first.
    case readWrite
    /// Only read: nothing is written, not even a schema upgrade (`stats`, `report`, `export`,
    /// `audit`, …). On SQLite the file is opened read-only; on PostgreSQL every transaction is.
    case readOnly
}
