import GRDB
import TriageCore
import TriageStore

extension SQLiteStore {
    public func caseAudit(caseID: String) throws -> CaseAudit? {
        try guarded {
            try pool.read { db -> CaseAudit? in
                guard let row = try Int64.fetchOne(db, sql: "SELECT id FROM cases WHERE case_id = ?", arguments: [caseID]),
                      let detail = try Self.caseDetail(db, row: row, caseID: caseID) else { return nil }
                let imports = try Row.fetchAll(db, sql: """
                    SELECT * FROM import_batch WHERE id IN (
                        SELECT batch_id FROM cases WHERE id = ?1
                        UNION SELECT batch_id FROM score WHERE case_row = ?1
                        UNION SELECT batch_id FROM feature_snapshot WHERE case_row = ?1)
                    ORDER BY id
                    """, arguments: [row]).map(Self.importBatch)
                let now = Timestamp.now().milliseconds
                var claims = try Row.fetchAll(db, sql: """
                    SELECT analyst, claimed_at, lease_until FROM assignment WHERE case_row = ? AND lease_until > ?
                    """, arguments: [row, now]).map { r in
                    CaseAudit.Claim(project: nil, holder: try r.checked("analyst"), claimedAt: Timestamp(milliseconds: try r.checked("claimed_at")),
                                    leaseUntil: Timestamp(milliseconds: try r.checked("lease_until")))
                }
                claims += try Row.fetchAll(db, sql: """
                    SELECT project, labeler, claimed_at, lease_until FROM project_claim
                    WHERE case_row = ? AND lease_until > ? ORDER BY project, labeler
                    """, arguments: [row, now]).map { r in
                    CaseAudit.Claim(project: try r.checked("project"), holder: try r.checked("labeler"), claimedAt: Timestamp(milliseconds: try r.checked("claimed_at")),
                                    leaseUntil: Timestamp(milliseconds: try r.checked("lease_until")))
                }
                return CaseAudit(detail: detail, imports: imports, claims: claims)
            }
        }
    }
}
