import Foundation
import PostgresNIO
import TriageCore
import TriageStore

extension PostgresStore {
    /// A case's full history for `triage audit`, read in one snapshot: its detail, the imports
    /// that brought or changed it, oldest first, and the live leases on it (the analyst queue's,
    /// then each project's by project and labeler). Nil for an unknown case.
    public func caseAudit(caseID: String) throws -> CaseAudit? {
        try pool.with { c in
            try Self.readOnlySnapshot(c) { () -> CaseAudit? in
                var key = PostgresBindings()
                key.append(caseID)
                guard let row = try c.query("SELECT id FROM cases WHERE case_id = $1", key).first?.decode(Int64.self),
                      let detail = try Self.caseDetail(c, caseID: caseID, seesDecisions: seesDecisions) else { return nil }
                var b = PostgresBindings()
                b.append(row)
                // The imports that brought scores are the model's output: not a labeler's to read.
                let scoreBatches = seesDecisions ? "UNION SELECT batch_id FROM score WHERE case_row = $1" : ""
                let imports = try c.query("""
                    SELECT \(Self.importBatchColumns) FROM import_batch WHERE id IN (
                        SELECT batch_id FROM cases WHERE id = $1
                        \(scoreBatches)
                        UNION SELECT batch_id FROM feature_snapshot WHERE case_row = $1)
                    ORDER BY id
                    """, b).map(Self.importBatch)
                b.append(Timestamp.now().milliseconds)
                var claims = try c.query("""
                    SELECT analyst, claimed_at, lease_until FROM assignment WHERE case_row = $1 AND lease_until > $2
                    """, b).map { r in
                    let (holder, claimed, until) = try r.decode((String, Int64, Int64).self)
                    return CaseAudit.Claim(project: nil, holder: holder, claimedAt: Timestamp(milliseconds: claimed),
                                           leaseUntil: Timestamp(milliseconds: until))
                }
                claims += try c.query("""
                    SELECT project, labeler, claimed_at, lease_until FROM project_claim
                    WHERE case_row = $1 AND lease_until > $2 ORDER BY project COLLATE "C", labeler COLLATE "C"
                    """, b).map { r in
                    let (project, holder, claimed, until) = try r.decode((String, String, Int64, Int64).self)
                    return CaseAudit.Claim(project: project, holder: holder, claimedAt: Timestamp(milliseconds: claimed),
                                           leaseUntil: Timestamp(milliseconds: until))
                }
                return CaseAudit(detail: detail, imports: imports, claims: claims)
            }
        }
    }
}
