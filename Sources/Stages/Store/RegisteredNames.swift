// Why this exists: the one rule for the name a person reads for a business (publication payloads,
// the public pages, `draw show`): its current register row in any department, else its latest
// one. It was written twice, once as a look-up per business (a pass over the whole table each).

internal import Pipeline

/// The registered names of businesses, by USCC, read in one pass over `register_rows`.
///
/// The table has no index that starts with the USCC (an import appends to its department's index
/// instead), so a look-up of one business reads the whole table: publishing 2,000 results over
/// 1,000,000 register rows took 325 s when each result asked for its name, 2.8 s with one pass.
enum RegisteredNames {
    /// The name of every business `scope` yields: `scope` is a query of one column of USCCs, with
    /// its `values`. Businesses in no register are absent.
    static func of(_ scope: String, _ values: [any SQLBindable], in sql: any StageSQL) throws -> [String: String] {
        var names: [String: String] = [:]
        for row in try sql.rows(
            """
            SELECT uscc, name FROM (
                SELECT uscc, name, ROW_NUMBER() OVER (
                    PARTITION BY uscc ORDER BY CASE WHEN valid_to_import IS NULL THEN 1 ELSE 0 END DESC, id DESC) AS pick
                FROM register_rows
                WHERE uscc IN (\(scope))
            ) AS named
            WHERE pick = 1
            """, values)
        {
            names[try row.requiredText(0)] = try row.requiredText(1)
        }
        return names
    }

    /// The businesses the draws of ledger entries `count` parameters name (`?` each, bound to the
    /// entries' sequence numbers): a scope for ``of(_:_:in:)``, and for other reads of those draws' rows.
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
