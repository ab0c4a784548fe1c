internal import Foundation
public import Pipeline

// The draw ledger (table draw_ledger): append-only (triggers refuse UPDATE and DELETE) and
// hash-chained, so that an edit made around the triggers is still detected.
//
// Entry hash: SHA-256 (hex) of the canonical JSON (Basics/CanonicalJSON.swift's rules) of
//   {"seq": n, "kind": "draw"|"redraw", "plan": plan_id, "group": key, "round": r,
//    "commitment": <commitment sha256>, "seed": <public seed>, "reason": text or null,
//    "result": <result_json text>, "createdAt": <ISO 8601>, "prev": <previous entry hash>}
// where `prev` of the first entry is 64 zeros. `suiji draw verify-ledger` recomputes every hash
// and link, re-hashes every referenced commitment (its public form), redoes every draw from its
// commitment and seed (sample, visits, teams), recomputes the joint visits each entry recorded
// (replaying the ledger), compares draw_selections and inspector_assignments with the recorded
// result, and checks that the ledger head every stored commitment names is in the chain.
//
// The chain alone cannot show that its last entries were deleted: the head is published elsewhere
// (in every commitment and every publication payload, `drawLedgerHead`), and `verify-ledger
// --anchor HASH` checks that an entry with that hash is still in the chain.

/// The recorded outcome of one ledger entry (its `result_json`).
public struct LedgerResult: Sendable, Hashable, Codable {
    /// `<public seed>|<group>|<round>`.
    public var seedString: String
    /// Drawn USCCs per class, in ticket order.
    public var sample: [RiskClass: [String]]
    /// Every drawn USCC in ticket order.
    public var order: [String]
    /// Teams per object and department (nil when the commitment has no inspectors).
    public var assignments: [InspectorAssignment]?
    /// Teams left short (with partial teams allowed).
    public var shortTeams: [ShortTeam]?
    /// The published commitment this entry's commitment was derived from (`--allow-partial-teams` at run), if any.
    public var publishedCommitment: String?
    /// The visit of each drawn object whose class is visited more than once a round (nil in
    /// entries written before visits existed).
    public var visits: [String: Int]?
    /// The objects of this draw that join earlier draws' visits (一业一查, JointVisits.swift); nil
    /// when joint visits are off (or in entries written before they existed).
    public var jointVisits: [JointVisitRecord]?

    /// Creates a result.
    public init(
        seedString: String, sample: [RiskClass: [String]], order: [String], assignments: [InspectorAssignment]?,
        shortTeams: [ShortTeam]?, publishedCommitment: String?, visits: [String: Int]? = nil, jointVisits: [JointVisitRecord]? = nil
    ) {
        self.seedString = seedString
        self.sample = sample
        self.order = order
        self.assignments = assignments
        self.shortTeams = shortTeams
        self.publishedCommitment = publishedCommitment
        self.visits = visits
        self.jointVisits = jointVisits
    }

    /// The canonical JSON value stored in `result_json`.
    public var canonicalValue: CanonicalJSON {
        var o: [String: CanonicalJSON] = [
            "seedString": .string(seedString),
            "sample": .object(
                Dictionary(uniqueKeysWithValues: RiskClass.allCases.map { ($0.rawValue, .array((sample[$0] ?? []).map { .string($0) })) })),
            "order": .array(order.map { .string($0) }),
        ]
        if let assignments {
            o["assignments"] = .array(
                assignments.map {
                    .object([
                        "uscc": .string($0.uscc), "department": .string($0.department),
                        "inspectorIds": .array($0.inspectorIds.map { .string($0) }),
                    ])
                })
        }
        if let shortTeams {
            o["shortTeams"] = .array(
                shortTeams.map {
                    .object([
                        "uscc": .string($0.uscc), "department": .string($0.department), "needed": .integer($0.needed),
                        "matched": .integer($0.matched),
                    ])
                })
        }
        if let publishedCommitment { o["publishedCommitment"] = .string(publishedCommitment) }
        if let visits { o["visits"] = .object(visits.mapValues { .integer($0) }) }
        if let jointVisits {
            o["jointVisits"] = .array(
                jointVisits.map { .object(["uscc": .string($0.uscc), "with": .array($0.with.map { .integer($0) })]) })
        }
        return .object(o)
    }
}

/// One row of draw_ledger.
public struct LedgerEntry: Sendable, Hashable {
    /// The position in the ledger, from 1.
    public var seq: Int
    /// `draw` or `redraw`.
    public var kind: String
    /// The plan's row id.
    public var planID: Int64
    /// The group key.
    public var group: String
    /// The round.
    public var round: Int
    /// The commitment's SHA-256.
    public var commitment: String
    /// The public seed.
    public var seed: String
    /// Why a re-draw was made.
    public var reason: String?
    /// The result, canonical JSON text.
    public var resultJSON: String
    /// When it was appended (ISO 8601).
    public var createdAt: String
    /// The previous entry's hash (64 zeros for the first).
    public var prev: String
    /// This entry's hash.
    public var hash: String

    /// The hash of the first entry's predecessor.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash this entry should carry (rule at the top of DrawLedger.swift).
    public var computedHash: String {
        let value: CanonicalJSON = .object([
            "seq": .integer(seq), "kind": .string(kind), "plan": .integer(Int(planID)), "group": .string(group),
            "round": .integer(round), "commitment": .string(commitment), "seed": .string(seed),
            "reason": reason.map { .string($0) } ?? .null, "result": .string(resultJSON), "createdAt": .string(createdAt),
            "prev": .string(prev),
        ])
        return SHA256.hexString(SHA256.digest(value.canonicalBytes))
    }

    /// The decoded result.
    public func result() throws -> LedgerResult {
        try JSONDecoder().decode(LedgerResult.self, from: Data(resultJSON.utf8))
    }

    /// The columns ``init(row:)`` reads, in its order.
    static let columns =
        "seq, kind, plan_id, group_key, round, commitment_sha256, seed, reason, result_json, created_at, prev_sha256, entry_sha256"

    /// An entry from a row of ``columns``.
    init(row: SQLRow) throws {
        seq = Int(try row.requiredInteger(0))
        kind = try row.requiredText(1)
        planID = try row.requiredInteger(2)
        group = try row.requiredText(3)
        round = Int(try row.requiredInteger(4))
        commitment = try row.requiredText(5)
        seed = try row.requiredText(6)
        reason = try row.text(7)
        resultJSON = try row.requiredText(8)
        createdAt = try row.requiredText(9)
        prev = try row.requiredText(10)
        hash = try row.requiredText(11)
    }

    /// ``columns`` with the result left out (an empty text in its place).
    static let columnsWithoutResult = columns.replacingOccurrences(of: "result_json,", with: "'' AS result_json,")

    /// Every entry of the ledger (or of one plan), in order.
    ///
    /// `results` false: each entry's `resultJSON` is left empty, for callers that need only which
    /// rounds are drawn, with what seed and where in the chain. A night's draws read the ledger
    /// this way: the results (a draw's sample and teams, a few hundred KB each over a million
    /// entities) held twice during a draw were 17 MB of the drawing night's peak (heaptrack).
    static func all(_ sql: any StageSQL, planID: Int64? = nil, results: Bool = true) throws -> [LedgerEntry] {
        let columns = results ? columns : columnsWithoutResult
        let rows =
            try planID.map { try sql.rows("SELECT \(columns) FROM draw_ledger WHERE plan_id = ? ORDER BY seq", [$0]) }
            ?? sql.rows("SELECT \(columns) FROM draw_ledger ORDER BY seq")
        return try rows.map(LedgerEntry.init(row:))
    }

    /// Appends an entry after the current head; returns it with its seq and hash.
    static func append(
        _ sql: any StageSQL, runID: Int64?, kind: String, planID: Int64, group: String, round: Int, commitment: String,
        seed: String, reason: String?, result: String, createdAt: String
    ) throws -> LedgerEntry {
        let head = try sql.row("SELECT seq, entry_sha256 FROM draw_ledger ORDER BY seq DESC LIMIT 1")
        let seq = Int(try head?.integer(0) ?? 0) + 1
        let prev = try head?.text(1) ?? LedgerEntry.genesis
        let entry = LedgerEntry(
            seq: seq, kind: kind, planID: planID, group: group, round: round, commitment: commitment, seed: seed,
            reason: reason, resultJSON: result, createdAt: createdAt, prev: prev)
        try sql.execute(
            """
            INSERT INTO draw_ledger (seq, kind, plan_id, group_key, round, commitment_sha256, seed, reason, result_json, created_at, prev_sha256, entry_sha256, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [seq, kind, planID, group, round, commitment, seed, reason, result, createdAt, prev, entry.hash, runID])
        return entry
    }

    init(
        seq: Int, kind: String, planID: Int64, group: String, round: Int, commitment: String, seed: String, reason: String?,
        resultJSON: String, createdAt: String, prev: String
    ) {
        self.seq = seq
        self.kind = kind
        self.planID = planID
        self.group = group
        self.round = round
        self.commitment = commitment
        self.seed = seed
        self.reason = reason
        self.resultJSON = resultJSON
        self.createdAt = createdAt
        self.prev = prev
        self.hash = ""
        self.hash = computedHash
    }
}

/// What `verify-ledger` found.
public struct LedgerVerification: Sendable, Hashable, CustomStringConvertible {
    /// Entries checked.
    public var entries: Int
    /// The last entry's hash (publish it to anchor the ledger), or the genesis hash when empty.
    public var head: String
    /// Every problem found; empty when the ledger is intact.
    public var problems: [String]

    /// True when nothing is wrong.
    public var isValid: Bool { problems.isEmpty }

    /// `ledger OK: …` or one problem per line.
    public var description: String {
        isValid ? "ledger OK: \(Count.of(entries, "entry", plural: "entries")), head \(head)" : problems.joined(separator: "\n")
    }
}

extension StageStore {
    /// Recomputes the whole ledger: links, hashes, commitments, draws, visits, joint visits,
    /// selections and assignments; the heads named by commitments; and, with `anchor`, that the
    /// chain still holds the entry of that hash (a head published elsewhere).
    public func verifyLedger(anchor: String? = nil) throws -> LedgerVerification {
        try reading { sql in
            var problems: [String] = []
            let entries = try LedgerEntry.all(sql)
            var prev = LedgerEntry.genesis
            var expectedSeq = 1
            var current: [String: JointVisitDraw] = [:]
            for entry in entries {
                let at = "ledger entry #\(entry.seq) (\(entry.group) round \(entry.round))"
                if entry.seq != expectedSeq { problems.append("\(at): expected entry #\(expectedSeq) here: entries are missing") }
                expectedSeq = entry.seq + 1
                if entry.prev != prev { problems.append("\(at): links to \(entry.prev), but the entry before it hashes to \(prev)") }
                let computed = entry.computedHash
                if computed != entry.hash {
                    problems.append("\(at): its content hashes to \(computed), but it records \(entry.hash): the row was edited")
                }
                prev = entry.hash
                problems += try checkEntry(entry, at: at, sql: sql)
                // Joint visits, replayed over the draws current before this entry (same plan).
                let key = "\(entry.planID)|" + DrawnRounds.key(entry.group, entry.round)
                if let drawn = try DrawnRounds.drawnRound(sql, entry: entry) {
                    if let recorded = (try? entry.result())?.jointVisits {
                        let earlier = current.filter { $0.key != key && $0.key.hasPrefix("\(entry.planID)|") }.map(\.value)
                        let expected = JointVisits.records(for: drawn, earlier: earlier)
                        if expected != recorded {
                            problems.append("\(at): its joint visits (一业一查) are not the ones the draws before it give")
                        }
                    }
                    current[key] = drawn
                }
            }
            let hashes = Set(entries.map(\.hash)).union([LedgerEntry.genesis])
            for row in try sql.rows("SELECT group_key, round, canonical_json FROM draw_commitments ORDER BY id") {
                let text = try row.requiredText(2)
                guard let commitment = try? JSONDecoder().decode(DrawCommitment.self, from: Data(text.utf8)),
                    let head = commitment.ledgerHead
                else { continue }
                if !hashes.contains(head) {
                    problems.append(
                        "the commitment of \(try row.requiredText(0)) round \(try row.requiredInteger(1)) names ledger head \(head), which is not in the ledger: entries were deleted"
                    )
                }
            }
            if let anchor, !hashes.contains(anchor) {
                problems.append(
                    "the anchor \(anchor) is not in the ledger (\(Count.of(entries.count, "entry", plural: "entries")), head \(entries.last?.hash ?? LedgerEntry.genesis)): entries after it were deleted, or it comes from another store"
                )
            }
            return LedgerVerification(entries: entries.count, head: entries.last?.hash ?? LedgerEntry.genesis, problems: problems)
        }
    }

    private func checkEntry(_ entry: LedgerEntry, at: String, sql: any StageSQL) throws -> [String] {
        var problems: [String] = []
        guard let text = try sql.row("SELECT canonical_json FROM draw_commitments WHERE commitment_sha256 = ?", [entry.commitment])?.text(0)
        else {
            return ["\(at): its commitment \(entry.commitment) is missing from draw_commitments"]
        }
        let result: LedgerResult
        let commitment: DrawCommitment
        do {
            result = try entry.result()
            commitment = try JSONDecoder().decode(DrawCommitment.self, from: Data(text.utf8))
        } catch {
            return problems + ["\(at): cannot read its result or commitment: \(error)"]
        }
        // The first format is hashed as stored; the current one by its public form, and its stored
        // private form must be exactly what the commitment writes.
        let rehash = commitment.isLegacy ? SHA256.hexString(SHA256.digest(Array(text.utf8))) : commitment.hash
        if rehash != entry.commitment || (!commitment.isLegacy && commitment.privateCanonicalText != text) {
            problems.append("\(at): the stored commitment hashes to \(rehash), not \(entry.commitment): it was edited")
        }
        // Redo the draw from the commitment and the seed.
        do {
            let redo = try DrawBundle(commitment: commitment, publicSeed: entry.seed)
            if redo.sample != result.sample { problems.append("\(at): redoing the draw gives another sample than the recorded one") }
            if (redo.assignments ?? []) != (result.assignments ?? []) {
                problems.append("\(at): redoing the matching gives other teams than the recorded ones")
            }
            if let visits = result.visits, visits != redo.visits {
                problems.append("\(at): redoing the draw gives other visits than the recorded ones")
            }
            if redo.seedString != result.seedString {
                problems.append("\(at): the seed string is '\(redo.seedString)', the entry says '\(result.seedString)'")
            }
        } catch {
            problems.append("\(at): redoing the draw fails: \(error)")
        }
        // Selections and assignments rows against the recorded result.
        let selections = try sql.texts("SELECT uscc FROM draw_selections WHERE ledger_seq = ? ORDER BY position", [entry.seq])
        if selections != result.order {
            problems.append(
                "\(at): draw_selections differ from the recorded order (\(selections.count) rows, \(result.order.count) recorded)")
        }
        var recorded: [String] = []
        for a in result.assignments ?? [] {
            for id in a.inspectorIds { recorded.append("\(a.uscc)|\(a.department)|\(id)") }
        }
        let rows = try sql.rows(
            """
            SELECT a.uscc, d.name, a.inspector_id FROM inspector_assignments a JOIN departments d ON d.id = a.department_id
            WHERE a.ledger_seq = ?
            """, [entry.seq]
        ).map { "\(try $0.requiredText(0))|\(try $0.requiredText(1))|\(try $0.requiredText(2))" }
        if rows.sorted() != recorded.sorted() { problems.append("\(at): inspector_assignments differ from the recorded teams") }
        return problems
    }
}
