import TriageCore
import TriageFormats

/// The JSON text stored in list-valued columns (reason codes, evidence ids, attribution items,
/// feature snapshots). Written and read with triage's own JSON writer and parser.
enum JSONText {
    static func encode(strings: [String]) -> String {
        var w = JSONWriter(reservingCapacity: 16 * strings.count + 2)
        w.beginArray()
        for s in strings { w.string(s) }
        w.endArray()
        return w.text
    }

    static func decodeStrings(_ text: String) -> [String]? {
        guard let v = try? JSONParser().parse(text), let a = v.arrayValue else { return nil }
        return a.compactMap(\.stringValue)
    }

    /// `[{"feature": …, "value": …, "contribution": …}, …]`, as in the import format.
    static func encode(items: [AttributionItem]) -> String {
        var w = JSONWriter(reservingCapacity: 64 * items.count + 2)
        CaseRecordJSON.writeItems(items, into: &w)
        return w.text
    }

    static func decodeItems(_ text: String) -> [AttributionItem] {
        guard let v = try? JSONParser().parse(text), let a = v.arrayValue else { return [] }
        return a.compactMap { o in
            guard let f = o["feature"]?.stringValue, let c = o["contribution"]?.doubleValue else { return nil }
            return AttributionItem(feature: f, value: o["value"].map { CaseRecordJSON.featureValue($0) ?? .null },
                                   contribution: c)
        }
    }

    /// `{"name": value, …}` in the snapshot's own order.
    static func encode(features: [(name: String, value: FeatureValue)]) -> String {
        var w = JSONWriter(reservingCapacity: 32 * features.count + 2)
        CaseRecordJSON.writeFeatures(features, into: &w)
        return w.text
    }

    static func decodeFeatures(_ text: String) -> [(name: String, value: FeatureValue)] {
        guard let v = try? JSONParser().parse(text), let o = v.objectValue else { return [] }
        return o.map { (name: $0.key, value: CaseRecordJSON.featureValue($0.value) ?? .null) }
    }
}
