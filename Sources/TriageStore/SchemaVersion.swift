/// The schema versions every backend knows, in order. SQLite and PostgreSQL move together: a
/// database at version N has the same tables, columns and rules on both (each in its engine's
/// own terms), so `triage db copy` can move a team between them. A schema change is a new entry
/// here and a migration in each backend; shipped entries are never edited.
public enum SchemaVersion {
    /// What each version added, by number (1…).
    public static let names = [
        "v1 cases, scores, attributions, rationales, evidence, features, labels, taxonomy, people, assignments, imports",
        "v2 labelling projects, overlap claims, decision outcomes, who added people",
        "v3 service levels per policy area",
        "v4 dashboard aggregates kept by triggers",
        "v5 imports commit in chunks and resume",
        "v6 rationales asked for from triage, and feedback on rationales",
        "v7 an index for the country filter",
        "v8 who changed each role, and what labelers may read",
    ]

    /// The newest version this build knows.
    public static var current: Int { names.count }
}
