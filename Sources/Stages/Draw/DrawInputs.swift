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

extension Store {
    /// The current registers, inspectors, avoidance list and watchlist.
    public func drawInputs() throws -> DrawInputs {
        try read { db in
            // Row by row into the inputs' columns: a row costs its USCC and a few integers.
            var rows = DrawInputs.Builder(
                capacity: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM register_rows WHERE valid_to_import IS NULL") ?? 0)
            let cursor = try Row.fetchCursor(
                db,
                sql: """
                    SELECT r.uscc, r.category, r.region_code, r.status, r.risk_class, d.name
                    FROM register_rows r JOIN departments d ON d.id = r.department_id
                    WHERE r.valid_to_import IS NULL ORDER BY r.uscc, d.name
                    """)
            while let row = try cursor.next() {
                rows.append(
                    uscc: row[0], category: row[1], region: row[2], status: row[3],
                    riskClass: (row[4] as String?).flatMap(RiskClass.init(rawValue:)), departments: [row[5]])
            }
            var inspectors: [Inspector] = []
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT i.inspector_id, i.name, i.active, d.name FROM inspector_rows i JOIN departments d ON d.id = i.department_id
                    WHERE i.valid_to_import IS NULL ORDER BY d.name, i.inspector_id
                    """)
            {
                inspectors.append(Inspector(id: row[0], name: row[1], department: row[3], active: (row[2] as Int) == 1))
            }
            let avoidance = try Row.fetchAll(db, sql: "SELECT inspector_id, uscc FROM avoidance_pairs WHERE valid_to_import IS NULL")
                .map { AvoidancePair(inspectorId: $0[0], uscc: $0[1]) }
            var watchlist: [String: [String]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT uscc, reason FROM watchlist_entries WHERE valid_to_import IS NULL ORDER BY uscc, reason")
            {
                watchlist[row[0], default: []].append(row[1])
            }
            return DrawInputs(rows, inspectors: inspectors, avoidance: avoidance, watchlist: watchlist)
        }
    }
}

/// The scope map bundled with suiji (`Sources/Stages/Resources/scope-map.json`).
public enum BundledScopeMap {
    /// Reads and checks the bundled scope map.
    public static func load() throws -> ScopeMap {
        try ScopeMap(jsonData: EmbeddedResources.data(named: "scope-map.json"))
    }
}
