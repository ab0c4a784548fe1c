internal import Foundation
internal import GRDB
public import Pipeline

// What the draw reads from the store and the configuration, in one place.
//
// Entities: one `DrawEntity` per CURRENT register row (valid_to_import IS NULL), so an entity held
// by several departments is admitted if ANY counted department's row matches the group (its own
// category, region and status). Its class is merged over all its current rows: the highest risk
// any register gives (D > C > B > A), so that two registers disagreeing never lower the scrutiny.
// Text fields are cleaned (`PlanCellParser.clean`) once here, not once per group.

/// The population rules, quota policies and matching rules in force, from `suiji.toml`.
public struct DrawRules: Sendable, Hashable {
    /// Whose registers count and which statuses are active.
    public var population: PopulationRules
    /// Team sizes and the load cap (the partial-team switch is set per command).
    public var matching: MatchingRules
    /// The `[risk]` settings with their per-task overrides.
    public var risk: Configuration.RiskSettings

    /// The rules of a configuration.
    public init(_ configuration: Configuration) {
        population = PopulationRules(registers: configuration.draw.population == .initiator ? .initiatorOnly : .initiatorAndCooperators)
        let loadCap: Int?
        switch configuration.inspectors.loadCap {
        case .auto: loadCap = nil
        case .limit(let n): loadCap = n
        }
        matching = MatchingRules(
            initiatorTeamSize: configuration.inspectors.fromInitiator,
            cooperatorTeamSize: configuration.inspectors.fromEachCooperator,
            minimumTeamSize: configuration.inspectors.minimumTeam, loadCap: loadCap)
        risk = configuration.risk
    }

    /// The quota policy, ratio and count of a task after `[[risk.override]]`.
    public func quotaInputs(for task: PlanTask) -> (policy: RiskQuotaPolicy, ratio: Double?, count: Int?) {
        let override = risk.override(forTask: task.seq)
        let kind = override?.policy ?? risk.policy
        func table(_ t: [String: Double]?) -> [RiskClass: Double] {
            var out: [RiskClass: Double] = [:]
            for (k, v) in t ?? [:] { if let c = RiskClass(rawValue: k) { out[c] = v } }
            return out
        }
        let policy: RiskQuotaPolicy
        switch kind {
        case .multipliers: policy = RiskQuotaPolicy(mode: .multipliers(table(override?.multipliers ?? risk.multipliers)))
        case .fixed: policy = RiskQuotaPolicy(mode: .fixedRatios(table(override?.fixed ?? risk.fixed)))
        }
        if let count = override?.count { return (policy, nil, count) }
        if let ratio = override?.ratio { return (policy, ratio, task.ratio.count) }
        return (policy, task.ratio.min, task.ratio.count)
    }

    /// A group's quota: per class the largest of its tasks' quotas, each task with its own policy.
    public func quota(of group: DrawGroup, population: [RiskClass: Int]) -> GroupQuota {
        var byTask: [Int: QuotaResult] = [:]
        var perClass: [RiskClass: Int] = [:]
        var capped: Set<RiskClass> = []
        var notes: [String] = []
        for task in group.tasks {
            let inputs = quotaInputs(for: task)
            let result = inputs.policy.quotas(planRatio: inputs.ratio, fixedCount: inputs.count, population: population)
            byTask[task.seq] = result
            for c in RiskClass.allCases { perClass[c] = max(perClass[c] ?? 0, result.perClass[c] ?? 0) }
            capped.formUnion(result.capped)
            if inputs.ratio == nil && inputs.count == nil {
                notes.append("task \(task.seq): the plan gives no ratio or count ('\(task.ratio.raw)'): it asks for nothing")
            }
            notes += result.notes.map { "task \(task.seq): \($0)" }
        }
        return GroupQuota(perClass: perClass, byTask: byTask, capped: RiskClass.allCases.filter { capped.contains($0) }, notes: notes)
    }
}

/// The registers, inspectors and avoidance list as the draw sees them.
public struct DrawInputs: Sendable {
    /// One entity per current register row (fields cleaned, class merged per USCC).
    public var entities: [DrawEntity]
    /// Indices into `entities` per cleaned category.
    public var byCategory: [String: [Int]]
    /// Current inspectors of every department.
    public var inspectors: [Inspector]
    /// Current avoidance pairs.
    public var avoidance: [AvoidancePair]

    /// Inputs from their parts (cleans fields and merges classes as the store loader does).
    public init(entities: [DrawEntity], inspectors: [Inspector] = [], avoidance: [AvoidancePair] = []) {
        var merged: [String: RiskClass] = [:]
        for e in entities {
            guard let c = e.riskClass else { continue }
            if let old = merged[e.uscc], old.rawValue >= c.rawValue { continue }
            merged[e.uscc] = c
        }
        // Index order is USCC order (code points = UTF-8 bytes), so that a group's population comes
        // out sorted from a sort of integer indices. The store loads rows sorted already.
        var entities = entities
        if !Self.isSortedByUSCC(entities) {
            if entities.allSatisfy({ $0.uscc.utf8.allSatisfy { $0 < 0x80 } }) {
                entities.sort { $0.uscc < $1.uscc } // ASCII: String's order is byte order, and much faster
            } else {
                entities.sort { $0.uscc.utf8.lexicographicallyPrecedes($1.uscc.utf8) }
            }
        }
        var cleaned: [DrawEntity] = []
        cleaned.reserveCapacity(entities.count)
        var byCategory: [String: [Int]] = [:]
        // Categories, statuses, regions and departments repeat: clean each distinct text once.
        var cache: [String: String] = [:]
        func clean(_ text: String) -> String {
            if let done = cache[text] { return done }
            let done = Self.clean(text)
            cache[text] = done
            return done
        }
        for e in entities {
            let category = clean(e.category)
            byCategory[category, default: []].append(cleaned.count)
            cleaned.append(
                DrawEntity(
                    uscc: e.uscc, category: category, region: clean(e.region), status: clean(e.status),
                    riskClass: merged[e.uscc], departments: e.departments.map(clean)))
        }
        self.entities = cleaned
        self.byCategory = byCategory
        self.inspectors = inspectors
        self.avoidance = avoidance
    }

    static func isSortedByUSCC(_ entities: [DrawEntity]) -> Bool {
        for i in entities.indices.dropFirst() where entities[i].uscc.utf8.lexicographicallyPrecedes(entities[i - 1].uscc.utf8) {
            return false
        }
        return true
    }

    /// `PlanCellParser.clean`, skipped for plain ASCII without outer spaces (the common case).
    static func clean(_ text: String) -> String {
        let bytes = text.utf8
        if let first = bytes.first, let last = bytes.last, first > 0x20, last > 0x20, first < 0x80, last < 0x80,
            bytes.allSatisfy({ $0 < 0x80 })
        {
            return text
        }
        return PlanCellParser.clean(text)
    }

    /// The population of `group`: `Population(of:group:scopeMap:rules:)`'s rules (Draw.swift) applied
    /// to the entities of the categories its scopes cover, whose fields are already cleaned (so the
    /// rejection counts cover those entities only).
    public func population(of group: DrawGroup, scopeMap: ScopeMap, rules: PopulationRules) -> Population {
        let departments = Set(rules.registers == .initiatorOnly ? [group.initiator] : group.departments)
        var seen: Set<String> = []
        var members: [PopulationMember] = []
        var rejected: [PopulationRejection: Int] = [:]
        for c in PopulationRejection.allCases { rejected[c] = 0 }
        var indices: [Int] = []
        for category in scopeMap.categories(forScopes: group.scopes) { indices += byCategory[category] ?? [] }
        indices.sort()
        for i in indices {
            let e = entities[i]
            if seen.contains(e.uscc) {
                rejected[.duplicate, default: 0] += 1
            } else if e.region != group.region {
                rejected[.region, default: 0] += 1
            } else if !rules.activeStatuses.contains(e.status) {
                rejected[.status, default: 0] += 1
            } else if !e.departments.contains(where: departments.contains) {
                rejected[.register, default: 0] += 1
            } else {
                seen.insert(e.uscc)
                members.append(PopulationMember(uscc: e.uscc, riskClass: e.riskClass))
            }
        }
        return Population(members: members, rejected: rejected)
    }
}

extension Store {
    /// The current registers, inspectors and avoidance list.
    public func drawInputs() throws -> DrawInputs {
        try read { db in
            var entities: [DrawEntity] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT r.uscc, r.category, r.region_code, r.status, r.risk_class, d.name
                    FROM register_rows r JOIN departments d ON d.id = r.department_id
                    WHERE r.valid_to_import IS NULL ORDER BY r.uscc, d.name
                    """)
            while let row = try rows.next() {
                let riskClass = (row[4] as String?).flatMap(RiskClass.init(rawValue:))
                entities.append(
                    DrawEntity(uscc: row[0], category: row[1], region: row[2], status: row[3], riskClass: riskClass, departments: [row[5]]))
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
            return DrawInputs(entities: entities, inspectors: inspectors, avoidance: avoidance)
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
