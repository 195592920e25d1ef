import TriageCore

/// The JSON text stores keep in list-valued columns (reason codes, evidence ids, attribution
/// items, feature snapshots). Written and read with triage's own JSON writer and parser; the
/// importer encodes a record's lists ahead of the store's writer (see `PreparedCase`).
public enum JSONText {
    /// `["a", "b"]`.
    public static func encode(strings: [String]) -> String {
        var w = JSONWriter(reservingCapacity: 16 * strings.count + 2)
        w.beginArray()
        for s in strings { w.string(s) }
        w.endArray()
        return w.text
    }

    /// The strings of a JSON array (others skipped); nil when `text` is not an array.
    public static func decodeStrings(_ text: String) -> [String]? {
        guard let v = try? JSONParser().parse(text), let a = v.arrayValue else { return nil }
        return a.compactMap(\.stringValue)
    }

    /// `[{"feature": …, "value": …, "contribution": …}, …]`, as in the import format.
    public static func encode(items: [AttributionItem]) -> String {
        var w = JSONWriter(reservingCapacity: 64 * items.count + 2)
        CaseRecordJSON.writeItems(items, into: &w)
        return w.text
    }

    /// The items ``encode(items:)`` wrote (malformed ones skipped).
    public static func decodeItems(_ text: String) -> [AttributionItem] {
        guard let v = try? JSONParser().parse(text), let a = v.arrayValue else { return [] }
        return a.compactMap { o in
            guard let f = o["feature"]?.stringValue, let c = o["contribution"]?.doubleValue else { return nil }
            return AttributionItem(feature: f, value: o["value"].map { CaseRecordJSON.featureValue($0) ?? .null },
                                   contribution: c)
        }
    }

    /// `{"name": value, …}` in the snapshot's own order.
    public static func encode(features: [(name: String, value: FeatureValue)]) -> String {
        var w = JSONWriter(reservingCapacity: 32 * features.count + 2)
        CaseRecordJSON.writeFeatures(features, into: &w)
        return w.text
    }

    /// The snapshot ``encode(features:)`` wrote, in its order.
    public static func decodeFeatures(_ text: String) -> [(name: String, value: FeatureValue)] {
        guard let v = try? JSONParser().parse(text), let o = v.objectValue else { return [] }
        return o.map { (name: $0.key, value: CaseRecordJSON.featureValue($0.value) ?? .null) }
    }
}
