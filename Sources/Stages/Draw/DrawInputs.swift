internal import Foundation
internal import GRDB
public import Pipeline

// What the draw reads from the store and the configuration, in one place: the current register
// rows, inspectors and avoidance pairs (as `DrawInputs`, whose rules live in Pipeline's
// Population.swift), and the rules of `suiji.toml` as Pipeline's `DrawRules`.

extension DrawRules {
    /// The rules of a configuration: `[draw] population`, `[inspectors]` and `[risk]` with its
    /// `[[risk.override]]` blocks (the partial-team switch is set per command).
    public init(_ configuration: Configuration) {
        let population = PopulationRules(
            registers: configuration.draw.population == .initiator ? .initiatorOnly : .initiatorAndCooperators,
            watchlist: configuration.draw.watchlist)
        let loadCap: Int?
        switch configuration.inspectors.loadCap {
        case .auto: loadCap = nil
        case .limit(let n): loadCap = n
        }
        let matching = MatchingRules(
            initiatorTeamSize: configuration.inspectors.fromInitiator,
            cooperatorTeamSize: configuration.inspectors.fromEachCooperator,
            minimumTeamSize: configuration.inspectors.minimumTeam, loadCap: loadCap)
        self.init(population: population, matching: matching, quota: QuotaRules(configuration.risk))
    }
}

extension QuotaRules {
    /// The `[risk]` settings as quota rules: the policy, and per `[[risk.override]]` its ratio or
    /// count and, when it names a policy or a table, the policy it resolves to (its own kind and
    /// tables, else `[risk]`'s).
    public init(_ risk: Configuration.RiskSettings) {
        func table(_ t: [String: Double]?) -> [RiskClass: Double] {
            var out: [RiskClass: Double] = [:]
            for (k, v) in t ?? [:] { if let c = RiskClass(rawValue: k) { out[c] = v } }
            return out
        }
        var visits: [RiskClass: Int] = [:]
        for (k, v) in risk.visits { if let c = RiskClass(rawValue: k) { visits[c] = v } }
        func policy(_ kind: Configuration.RiskPolicyKind, multipliers: [String: Double]?, fixed: [String: Double]?) -> RiskQuotaPolicy {
            switch kind {
            case .multipliers: RiskQuotaPolicy(mode: .multipliers(table(multipliers ?? risk.multipliers)), visits: visits)
            case .fixed: RiskQuotaPolicy(mode: .fixedRatios(table(fixed ?? risk.fixed)), visits: visits)
            }
        }
        var overrides: [Int: TaskQuotaOverride] = [:]
        for o in risk.overrides where overrides[o.task] == nil {
            let own = o.policy != nil || o.multipliers != nil || o.fixed != nil
            overrides[o.task] = TaskQuotaOverride(
                ratio: o.ratio, count: o.count,
                policy: own ? policy(o.policy ?? risk.policy, multipliers: o.multipliers, fixed: o.fixed) : nil)
        }
        self.init(policy: policy(risk.policy, multipliers: nil, fixed: nil), overrides: overrides)
    }
}

extension StageStore {
    /// The current registers, inspectors, avoidance list and watchlist.
    ///
    /// The population (a million rows in issue 20's county) is the draw's one large read: on SQLite
    /// it streams through GRDB's cursor into the inputs' columns (``Store/sqliteDrawInputs()``), a row
    /// costing its USCC and a few integers; through the seam every row would be a row of values
    /// first. On PostgreSQL it is read through the seam (a county: ~35,000 rows).
    public func drawInputs() throws -> DrawInputs {
        if let sqlite = self as? Store { return try sqlite.sqliteDrawInputs() }
        return try DrawInputRows.read(self)
    }
}

extension Store {
    /// ``StageStore/drawInputs()`` on SQLite: the population streamed through GRDB's cursor.
    package func sqliteDrawInputs() throws -> DrawInputs {
        try read { db in
            // Row by row into the inputs' columns: a row costs its USCC and a few integers. They are
            // reserved for every row the imports added (their ranges, StoreSchema.v5), current or
            // not: at most that many rows come, and a reservation not filled is never touched,
            // where counting the current rows would read the whole table once more.
            var rows = DrawInputs.Builder(
                capacity: try Int.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(last_row_id - first_row_id + 1), 0) FROM register_row_ranges") ?? 0)
            let cursor = try Row.fetchCursor(db, sql: DrawInputRows.population + " ORDER BY r.uscc, d.name")
            while let row = try cursor.next() {
                rows.append(
                    uscc: row[0], category: row[1], region: row[2], status: row[3],
                    riskClass: (row[4] as String?).flatMap(RiskClass.init(rawValue:)), departments: [row[5]])
            }
            return try DrawInputRows.rest(rows, GRDBStageSQL(db))
        }
    }
}

/// The draw inputs' statements, one text for both stores.
package enum DrawInputRows {
    /// The inputs read through the seam: PostgreSQL's path (and SQLite's, to measure its fast path against).
    package static func read(_ store: any StageStore) throws -> DrawInputs {
        try store.reading { sql in
            var rows = DrawInputs.Builder(
                capacity: Int(try sql.integer("SELECT COUNT(*) FROM register_rows WHERE valid_to_import IS NULL") ?? 0))
            // Sorted here, by bytes as SQLite's ORDER BY sorts them: the database's collation may sort otherwise.
            var read: [(uscc: String, department: String, row: SQLRow)] = []
            for row in try sql.rows(population) {
                read.append((try row.requiredText(0), try row.requiredText(5), row))
            }
            read.sort { a, b in
                a.uscc != b.uscc
                    ? a.uscc.utf8.lexicographicallyPrecedes(b.uscc.utf8) : a.department.utf8.lexicographicallyPrecedes(b.department.utf8)
            }
            for (uscc, department, row) in read {
                rows.append(
                    uscc: uscc, category: try row.requiredText(1), region: try row.requiredText(2), status: try row.requiredText(3),
                    riskClass: try row.text(4).flatMap(RiskClass.init(rawValue:)), departments: [department])
            }
            return try rest(rows, sql)
        }
    }

    /// Every current register row with its department.
    static let population = """
        SELECT r.uscc, r.category, r.region_code, r.status, r.risk_class, d.name
        FROM register_rows r JOIN departments d ON d.id = r.department_id
        WHERE r.valid_to_import IS NULL
        """

    /// The inputs of `rows` with the current inspectors, avoidance pairs and watchlist.
    static func rest(_ rows: consuming DrawInputs.Builder, _ sql: any StageSQL) throws -> DrawInputs {
        func bytes(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }
        var inspectors: [(department: String, inspector: Inspector)] = []
        for row in try sql.rows(
            """
            SELECT i.inspector_id, i.name, CASE WHEN i.active = 1 THEN 1 ELSE 0 END, d.name
            FROM inspector_rows i JOIN departments d ON d.id = i.department_id
            WHERE i.valid_to_import IS NULL
            """)
        {
            let department = try row.requiredText(3)
            inspectors.append(
                (
                    department,
                    Inspector(
                        id: try row.requiredText(0), name: try row.requiredText(1), department: department,
                        active: try row.requiredInteger(2) == 1)
                ))
        }
        // By department and 执法证号, in bytes (what SQLite's ORDER BY gave; a database's collation may differ).
        inspectors.sort { a, b in
            a.department != b.department ? bytes(a.department, b.department) : bytes(a.inspector.id, b.inspector.id)
        }
        let avoidance = try sql.rows("SELECT inspector_id, uscc FROM avoidance_pairs WHERE valid_to_import IS NULL").map {
            AvoidancePair(inspectorId: try $0.requiredText(0), uscc: try $0.requiredText(1))
        }
        var watchlist: [String: [String]] = [:]
        for row in try sql.rows("SELECT uscc, reason FROM watchlist_entries WHERE valid_to_import IS NULL") {
            watchlist[try row.requiredText(0), default: []].append(try row.requiredText(1))
        }
        for key in watchlist.keys { watchlist[key]?.sort(by: bytes) }
        return DrawInputs(rows, inspectors: inspectors.map(\.inspector), avoidance: avoidance, watchlist: watchlist)
    }
}

/// The scope map bundled with suiji (`Sources/Stages/Resources/scope-map.json`).
public enum BundledScopeMap {
    /// Reads and checks the bundled scope map.
    public static func load() throws -> ScopeMap {
        try ScopeMap(jsonData: EmbeddedResources.data(named: "scope-map.json"))
    }
}
