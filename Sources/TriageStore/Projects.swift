import Foundation
import TriageCore

/// Someone registered in the database, with the role they hold.
public struct Person: Sendable, Equatable {
    public var name: String
    public var role: Role
    public var addedAt: Timestamp
    /// Who registered them (nil for people registered before this was recorded).
    public var addedBy: String?
    /// Who gave them their current role, and when (nil when that was before triage recorded role
    /// changes: schema v8).
    public var roleSetBy: String?
    public var roleSetAt: Timestamp?

    public init(name: String, role: Role, addedAt: Timestamp, addedBy: String?, roleSetBy: String? = nil, roleSetAt: Timestamp? = nil) {
        self.name = name
        self.role = role
        self.addedAt = addedAt
        self.addedBy = addedBy
        self.roleSetBy = roleSetBy
        self.roleSetAt = roleSetAt
    }
}

/// What ``CaseStore/addPerson(_:role:actor:)`` did.
public enum PersonChange: Sendable, Equatable {
    case added
    case changed(from: Role)
    case unchanged
    /// On record with this role already, but their database login lacked it (people copied in
    /// by `triage db copy`): it was created or granted now. PostgreSQL only.
    case loginGranted
}

/// A project to create: its settings and which cases it takes.
public struct ProjectDraft: Sendable {
    /// Name, policy area, overlap, blindness, gold rate, queue policy and (audit) sample rate.
    public var settings: Project
    /// Only cases with this status (nil: every status). Gold cases never join a project's cases:
    /// they are mixed in at the gold rate instead.
    public var status: CaseStatus?
    /// For score, age and uncertainty projects: take only the first `limit` cases in that order.
    public var limit: Int?
    /// The audit sample's seed (the same seed draws the same sample).
    public var seed: UInt64
    /// Only these cases (e.g. suspect labels to re-review), still in the queue policy's order;
    /// nil: every case that matches. An unknown id refuses the project.
    public var caseIDs: [String]?

    public init(settings: Project, status: CaseStatus? = nil, limit: Int? = nil, seed: UInt64 = 1,
                caseIDs: [String]? = nil) {
        self.settings = settings
        self.status = status
        self.limit = limit
        self.seed = seed
        self.caseIDs = caseIDs
    }
}

/// Settings a lead may change on a running project (nil: unchanged).
public struct ProjectChange: Sendable, Equatable {
    public var overlap: Int?
    public var blind: Bool?
    public var goldRate: Double?

    public init(overlap: Int? = nil, blind: Bool? = nil, goldRate: Double? = nil) {
        self.overlap = overlap
        self.blind = blind
        self.goldRate = goldRate
    }
}

/// A project and where it stands.
public struct ProjectSummary: Sendable, Equatable {
    public var project: Project
    /// Cases in the project (gold cases served besides them are not counted).
    public var cases: Int
    /// Cases with all the labels they need.
    public var complete: Int
    /// Live labels made in the project (gold included), and by how many people.
    public var labels: Int
    public var labelers: Int
    /// Cases a lead has adjudicated.
    public var adjudicated: Int

    public init(project: Project, cases: Int, complete: Int, labels: Int, labelers: Int, adjudicated: Int) {
        self.project = project
        self.cases = cases
        self.complete = complete
        self.labels = labels
        self.labelers = labelers
        self.adjudicated = adjudicated
    }
}

/// One labeler's progress in a project.
public struct ProjectProgress: Sendable, Equatable {
    /// Their live labels in the project.
    public var labelled: Int
    /// Cases of the project that still need a label and that they have not labelled (others may
    /// be holding some of them).
    public var remaining: Int

    public init(labelled: Int, remaining: Int) {
        self.labelled = labelled
        self.remaining = remaining
    }
}

extension Person {
    /// Whether `name` may name a person: 1–64 characters, no control characters, no spaces at
    /// either end.
    public static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && name.trimmingCharacters(in: .whitespaces) == name
            && !name.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
    }

    /// Why `name` cannot name a person.
    public static func invalidNameMessage(_ name: String) -> String {
        "'\(name)' cannot name a person: use 1–64 characters, no control characters, no spaces at either end"
    }
}

/// A claim's lease: how long a case stays someone's before it is free again.
public enum Lease {
    /// The longest lease a claim may take: a year.
    public static let longest: TimeInterval = 365 * 24 * 3600

    /// When a lease of `seconds` taken at `now` ends, in milliseconds. Throws
    /// ``StoreError/refused(_:)`` unless 0 < `seconds` ≤ a year.
    public static func end(_ now: Timestamp, _ seconds: TimeInterval) throws -> Int64 {
        guard seconds > 0, seconds <= longest else {
            throw StoreError.refused("a lease must be more than 0 seconds and at most a year (got \(seconds))")
        }
        return now.milliseconds + max(1, Int64((seconds * 1000).rounded()))
    }
}
