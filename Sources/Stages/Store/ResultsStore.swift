// What results, publication and deadline reports read from the store: the plan, what the draw
// ledger says was drawn, the current results, entity names and the publication ledger.
//
// The draw is read only through the schema (draw_ledger, draw_selections): a drawn object is a row
// of draw_selections whose ledger entry names the group key and round. Every entry of a group's
// round counts (a redraw adds to what was drawn, it does not erase the ledger); the drawn count and
// the population of a round come from its latest entry.

internal import Foundation
internal import Pipeline

/// A stored plan with its row id.
struct StoredPlan {
    /// `plans.id`.
    var id: Int64
    /// The current version of the plan.
    var plan: AnnualPlan
}

/// The latest draw ledger entry of a group's round.
struct DrawnRound {
    /// USCCs drawn by any entry of the round.
    var objects: Set<String>
    /// Objects selected by the latest entry.
    var drawnCount: Int
    /// The population the latest entry drew from, if its `result_json` says.
    var populationCount: Int?
}

/// One current row of `results`.
struct StoredResult {
    var id: Int64
    var taskSeq: Int
    var round: Int
    var uscc: String
    var inspectedOn: String
    var codesJSON: String
    var method: String?
    var followUp: String?
    var remarks: String?
    var withdrawn: Bool
    var rowHash: String

    /// The result codes, read back from `codes_json`.
    func codes() throws -> [Pipeline.ResultCode] {
        guard case let .array(items) = try PayloadJSON.parse(codesJSON.utf8) else { return [] }
        return try items.map { item in
            guard let code = item.stringValue, let result = Pipeline.ResultCode(rawValue: code) else {
                throw StoreError(path: "results", Message(.storeResultUnknownCode, ["id": "\(id)", "codes": codesJSON]))
            }
            return result
        }
    }
}

enum ResultsStore {
    /// Every stored plan, by year and region.
    static func plans(in sql: any StageSQL) throws -> [StoredPlan] { try PlanRows.plans(in: sql) }

    /// What the draw ledger says was drawn for a plan, by `<group key>|<round>`.
    static func drawnRounds(planID: Int64, in sql: any StageSQL) throws -> [String: DrawnRound] {
        // The population each entry drew from is the committed one (counted by the store, the
        // commitment is not decoded; `json_array_length(text, path)` is SQLite's, and PostgreSQL's
        // store has it for this path: PostgresStageTables.swift); a ledger row without a stored
        // commitment may carry it in its `result_json`.
        var populations: [Int64: Int] = [:]
        for row in try sql.rows(
            """
            SELECT l.seq, l.result_json, json_array_length(c.canonical_json, '$.population') FROM draw_ledger l
            LEFT JOIN draw_commitments c ON c.commitment_sha256 = l.commitment_sha256 WHERE l.plan_id = ?
            """, [planID])
        {
            populations[try row.requiredInteger(0)] = try row.integer(2).map(Int.init) ?? populationCount(in: try row.text(1))
        }
        var rounds: [String: DrawnRound] = [:]
        for entry in try ledgerDraws(planID: planID, in: sql) {
            var round = rounds[entry.key] ?? DrawnRound(objects: [], drawnCount: 0, populationCount: nil)
            round.objects.formUnion(entry.objects)
            round.drawnCount = entry.objects.count
            round.populationCount = populations[entry.seq]
            rounds[entry.key] = round
        }
        return rounds
    }

    /// Each ledger entry of a plan, in ledger order, with its `<group key>|<round>` and the objects
    /// it drew in sampling order: one statement, the one reading of what the ledger drew.
    private static func ledgerDraws(planID: Int64, in sql: any StageSQL) throws -> [(seq: Int64, key: String, objects: [String])] {
        var entries: [(seq: Int64, key: String, objects: [String])] = []
        for row in try sql.rows(
            """
            SELECT l.seq, l.group_key, l.round, s.uscc FROM draw_ledger l LEFT JOIN draw_selections s ON s.ledger_seq = l.seq
            WHERE l.plan_id = ? ORDER BY l.seq, s.position
            """, [planID])
        {
            let seq = try row.requiredInteger(0)
            if entries.last?.seq != seq {
                entries.append((seq, DrawnObjects.key(group: try row.requiredText(1), round: Int(try row.requiredInteger(2))), []))
            }
            if let uscc = try row.text(3) { entries[entries.count - 1].objects.append(uscc) }
        }
        return entries
    }

    /// The population in a ledger entry's `result_json`: the sum of `perClass[].population` (the
    /// shape of `DrawResult`), or a top-level `populationCount`; nil if neither is there.
    static func populationCount(in json: String?) -> Int? {
        guard let json, let value = try? PayloadJSON.parse(json.utf8) else { return nil }
        if case let .integer(count)? = value["populationCount"] { return count }
        guard case let .array(classes)? = value["perClass"] else { return nil }
        var total = 0
        for entry in classes {
            guard case let .integer(count)? = entry["population"] else { return nil }
            total += count
        }
        return total
    }

    /// The drawn objects table the results validator needs: every object any ledger entry of a
    /// group's round drew (a round with an entry that drew none is there, empty).
    static func drawnObjects(planID: Int64, in sql: any StageSQL) throws -> DrawnObjects {
        var drawn: [String: Set<String>] = [:]
        for entry in try ledgerDraws(planID: planID, in: sql) { drawn[entry.key, default: []].formUnion(entry.objects) }
        return DrawnObjects(byGroupRound: drawn)
    }

    /// The current results of a plan, optionally of one task round, through the stages' seam.
    static func currentResults(planID: Int64, taskSeq: Int? = nil, round: Int? = nil, in sql: any StageSQL) throws -> [StoredResult] {
        var statement = """
            SELECT id, task_seq, round, uscc, inspected_on, codes_json, method, follow_up, remarks, withdrawn, row_hash
            FROM results WHERE plan_id = ? AND valid_to_import IS NULL
            """
        var values: [any SQLBindable] = [planID]
        if let taskSeq, let round {
            statement += " AND task_seq = ? AND round = ?"
            values += [taskSeq, round]
        }
        statement += " ORDER BY task_seq, round, uscc"
        return try sql.rows(statement, values).map { row in
            StoredResult(
                id: try row.requiredInteger(0), taskSeq: Int(try row.requiredInteger(1)), round: Int(try row.requiredInteger(2)),
                uscc: try row.requiredText(3), inspectedOn: try row.requiredText(4), codesJSON: try row.requiredText(5),
                method: try row.text(6), followUp: try row.text(7), remarks: try row.text(8), withdrawn: try row.requiredInteger(9) != 0,
                rowHash: try row.requiredText(10))
        }
    }

    /// The task rounds of a plan that have results (in any version) or publication ledger entries.
    static func taskRounds(planID: Int64, in sql: any StageSQL) throws -> [(taskSeq: Int, round: Int)] {
        try sql.rows(
            """
            SELECT task_seq, round FROM results WHERE plan_id = ?
            UNION SELECT task_seq, round FROM publication_ledger WHERE plan_id = ?
            ORDER BY task_seq, round
            """, [planID, planID]
        ).map { (Int(try $0.requiredInteger(0)), Int(try $0.requiredInteger(1))) }
    }

    /// The last publication ledger entry of every record of one task round, by record key (its bytes).
    static func publishedStates(planID: Int64, taskSeq: Int, round: Int, in sql: any StageSQL) throws -> [PublishedRecordState] {
        try sql.rows(
            """
            SELECT record_key, uscc, action, content_sha256, payload_json FROM publication_ledger p
            WHERE plan_id = ? AND task_seq = ? AND round = ?
              AND id = (SELECT MAX(id) FROM publication_ledger q WHERE q.record_key = p.record_key)
            """, [planID, taskSeq, round]
        ).map { row in
            PublishedRecordState(
                recordID: try row.requiredText(0), uscc: try row.requiredText(1),
                action: PublicationAction(rawValue: try row.requiredText(2)) ?? .withdraw, contentSHA256: try row.text(3),
                payloadJSON: try row.text(4))
        }.sorted { $0.recordID.utf8.lexicographicallyPrecedes($1.recordID.utf8) }
    }
}
