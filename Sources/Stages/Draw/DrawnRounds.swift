internal import Foundation
internal import Pipeline

// The current draws of a plan as joint visits (一业一查, Pipeline's JointVisits.swift) see them:
// each current ledger entry with its committed departments and round dates and its drawn objects.

/// The current draws of a plan, for joint visits.
enum DrawnRounds {
    /// `group|round`: the results' key of a group round (``DrawnObjects/key(group:round:)``).
    static func key(_ group: String, _ round: Int) -> String { DrawnObjects.key(group: group, round: round) }

    /// The parts of a stored commitment joint visits need (the rest of its JSON is skipped).
    private struct Header: Decodable {
        var departments: [String]
        var roundStart: PlanDate
        var roundEnd: PlanDate
    }

    /// The drawn round of one ledger entry.
    static func drawnRound(_ sql: any StageSQL, entry: LedgerEntry) throws -> JointVisitDraw? {
        guard
            let text = try sql.row("SELECT canonical_json FROM draw_commitments WHERE commitment_sha256 = ?", [entry.commitment])?.text(0),
            let header = try? JSONDecoder().decode(Header.self, from: Data(text.utf8))
        else { return nil }
        let objects = try sql.texts("SELECT uscc FROM draw_selections WHERE ledger_seq = ? ORDER BY position", [entry.seq])
        return JointVisitDraw(
            ledgerSeq: entry.seq, group: entry.group, round: entry.round, departments: header.departments, start: header.roundStart,
            end: header.roundEnd, objects: objects)
    }

    /// Every current draw of a plan, by `group|round`.
    static func current(_ sql: any StageSQL, planID: Int64) throws -> [String: JointVisitDraw] {
        var latest: [String: LedgerEntry] = [:]
        for e in try LedgerEntry.all(sql, planID: planID, results: false) {
            latest[key(e.group, e.round)] = e
        }
        var out: [String: JointVisitDraw] = [:]
        for (k, e) in latest { out[k] = try drawnRound(sql, entry: e) }
        return out
    }
}
