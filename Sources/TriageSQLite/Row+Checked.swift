import GRDB

extension Row {
    /// The value of column `key`, decoded with GRDB's throwing accessor: a NULL where the schema
    /// forbids one (a damaged page) throws instead of stopping the process, as `row["key"]` would.
    @inline(__always)
    func checked<Value: DatabaseValueConvertible>(_ key: String) throws -> Value {
        try decode(Value.self, forColumn: key)
    }
}
