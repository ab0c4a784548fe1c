internal import Foundation
internal import GRDB
public import Pipeline

// The current draws of a plan as joint visits (一业一查, Pipeline's JointVisits.swift) see them:
// each current ledger entry with its committed departments and round dates and its drawn objects.

/// The current draws of a plan, for joint visits.
enum DrawnRounds {
    /// `group|round`.
    static func key(_ group: String, _ round: Int) -> String { "\(group)|\(round)" }

    /// The parts of a stored commitment joint visits need (the rest of its JSON is skipped).
    private struct Header: Decodable {
        var departments: [String]
        var roundStart: PlanDate
        var roundEnd: PlanDate
    }

    /// The drawn round of one ledger entry.
    static func drawnRound(_ db: Database, entry: LedgerEntry) throws -> JointVisitDraw? {
        guard
            let text = try String.fetchOne(
                db, sql: "SELECT canonical_json FROM draw_commitments WHERE commitment_sha256 = ?", arguments: [entry.commitment]),
            let header = try? JSONDecoder().decode(Header.self, from: Data(text.utf8))
        else { return nil }
        let objects = try String.fetchAll(
            db, sql: "SELECT uscc FROM draw_selections WHERE ledger_seq = ? ORDER BY position", arguments: [entry.seq])
        return JointVisitDraw(
            ledgerSeq: entry.seq, group: entry.group, round: entry.round, departments: header.departments, start: header.roundStart,
            end: header.roundEnd, objects: objects)
    }

    /// Every current draw of a plan, by `group|round`.
    static func current(_ db: Database, planID: Int64) throws -> [String: JointVisitDraw] {
        var latest: [String: LedgerEntry] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM draw_ledger WHERE plan_id = ? ORDER BY seq", arguments: [planID]) {
            let e = LedgerEntry(row: row)
            latest[key(e.group, e.round)] = e
        }
        var out: [String: JointVisitDraw] = [:]
        for (k, e) in latest { out[k] = try drawnRound(db, entry: e) }
        return out
    }
}
