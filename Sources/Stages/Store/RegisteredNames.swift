// Why this exists: the one rule for the name and address a person reads for a business (publication
// payloads, the public pages, `draw show`, the task sheets of `draw list`): its current register row
// in any department, else its latest one. It was written twice, once as a look-up per business (a
// pass over the whole table each), and `draw list` had a third rule of its own (a current row of the
// first department by name), with a second pass over the table for it.

internal import Pipeline

/// A business as a person reads it, from the register row the rule picks.
struct RegisteredEntity: Sendable, Hashable {
    /// The registered name.
    var name: String
    /// The address (住所) of the same row; nil if it has none, or if it was not asked for.
    var address: String?
}

/// The registered names of businesses, by USCC, read in one pass over `register_rows`.
///
/// The table has no index that starts with the USCC (an import appends its rows in id order, and a
/// re-import finds them by their ids' ranges: StoreSchema.v5), so a look-up of one business reads
/// the whole table: publishing 2,000 results over 1,000,000 register rows took 325 s when each
/// result asked for its name, 2.8 s with one pass.
enum RegisteredNames {
    /// The name and (with `addresses`) address of every business `scope` yields: `scope` is a query
    /// of one column of USCCs, with its `values`. Businesses in no register are absent.
    ///
    /// Addresses are read only when asked for: a dry-run publication names 104,218 drawn businesses,
    /// and reading their addresses too took it from 0.70-0.74 s to 0.75-0.78 s and from 58 to 66 MB.
    static func entities(
        _ scope: String, _ values: [any SQLBindable], addresses: Bool = true, in sql: any StageSQL
    ) throws -> [String: RegisteredEntity] {
        var entities: [String: RegisteredEntity] = [:]
        try pick(scope, values, address: addresses, in: sql) { entities[$0] = RegisteredEntity(name: $1, address: $2) }
        return entities
    }

    /// The name of every business `scope` yields (``entities(_:_:addresses:in:)`` without addresses).
    static func of(_ scope: String, _ values: [any SQLBindable], in sql: any StageSQL) throws -> [String: String] {
        var names: [String: String] = [:]
        try pick(scope, values, address: false, in: sql) { uscc, name, _ in names[uscc] = name }
        return names
    }

    /// The rule: per business of `scope`, its row that is current in any department, else its latest;
    /// `each` gets the USCC, the name and (with `address`) the address.
    private static func pick(
        _ scope: String, _ values: [any SQLBindable], address: Bool, in sql: any StageSQL,
        _ each: (String, String, String?) -> Void
    ) throws {
        for row in try sql.rows(
            """
            SELECT uscc, name, address FROM (
                SELECT uscc, name, \(address ? "address" : "NULL") AS address, ROW_NUMBER() OVER (
                    PARTITION BY uscc ORDER BY CASE WHEN valid_to_import IS NULL THEN 1 ELSE 0 END DESC, id DESC) AS pick
                FROM register_rows
                WHERE uscc IN (\(scope))
            ) AS named
            WHERE pick = 1
            """, values)
        {
            each(try row.requiredText(0), try row.requiredText(1), try row.text(2))
        }
    }

    /// The businesses the draws of ledger entries `count` parameters name (`?` each, bound to the
    /// entries' sequence numbers): a scope for ``entities(_:_:addresses:in:)``.
    static func objectsOfDraws(count: Int) -> String {
        "SELECT uscc FROM draw_selections WHERE ledger_seq IN (" + Array(repeating: "?", count: count).joined(separator: ", ") + ")"
    }

    /// The name of every business a plan's results or draws name.
    static func ofPlan(_ planID: Int64, in sql: any StageSQL) throws -> [String: String] {
        try of(
            """
            SELECT uscc FROM results WHERE plan_id = ?
            UNION SELECT s.uscc FROM draw_selections s JOIN draw_ledger l ON l.seq = s.ledger_seq WHERE l.plan_id = ?
            """, [planID, planID], in: sql)
    }
}
