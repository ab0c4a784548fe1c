// The population of a draw group: who can be drawn (our rule).
//
// Inputs: one `DrawEntity` per CURRENT register row (a department's row of an entity), gathered in
// `DrawInputs`: the fields are cleaned (`PlanCellParser.clean`) once, the rows are indexed by
// category, and an entity's class is merged over all its rows: the highest risk any register gives
// (D > C > B > A), so that two registers disagreeing never lower the scrutiny.
//
// Population of a group: the rows of the categories the group's scopes cover (scope map), in USCC
// order; a row admits its entity when, checked in this order (the first failed check is the reason
// the row is counted under):
//   1. its USCC was not already admitted by an earlier row (`duplicate`: the entity is held by
//      several counted registers);
//   2. its region code is the plan's region code (`region`);
//   3. its status is one of the active statuses, by default 存续 and 在业 (`status`);
//   4. its department is the group's initiator, or (by default, `initiatorAndCooperators`) one of
//      the group's cooperators (`register`).
// So an entity held by several departments is admitted if ANY counted department's row matches the
// group (its own category, region and status). Rows of other categories are not looked at (and not
// counted). The population is listed in code point order of USCC.
//
// 重点关注 (the watchlist: 经营异常名录, many complaints, serious violations; 国办发〔2015〕58号):
// a member on the watchlist carries the list's reasons, and the rule of `PopulationRules.watchlist`
// decides what they change (WatchlistRule): by default it is drawn as class D; or it is always
// drawn; or the list is ignored. The rule and each member's reasons are in the commitment.

/// An entity as the draw sees it: one current register row (or several departments' rows merged).
public struct DrawEntity: Sendable, Hashable, Codable {
    /// The 统一社会信用代码 (or legacy number) that identifies it.
    public var uscc: String
    /// The register category (行业/类别), matched to scopes by the scope map.
    public var category: String
    /// The 6-digit region code (行政区划).
    public var region: String
    /// 登记状态 (存续, 在业, 吊销, 注销, 迁出, …).
    public var status: String
    /// The credit-risk class at draw time, or nil if unclassified (it then counts as B).
    public var riskClass: RiskClass?
    /// The departments whose current register holds the entity.
    public var departments: [String]

    /// Creates an entity.
    public init(uscc: String, category: String, region: String, status: String, riskClass: RiskClass?, departments: [String]) {
        self.uscc = uscc
        self.category = category
        self.region = region
        self.status = status
        self.riskClass = riskClass
        self.departments = departments
    }
}

/// Which registers, statuses and so on admit an entity to a population.
public struct PopulationRules: Sendable, Hashable, Codable {
    /// Whose registers count.
    public enum Registers: String, Sendable, Hashable, Codable {
        /// Only the initiating department's register.
        case initiatorOnly
        /// The initiator's or any cooperating department's register (the default).
        case initiatorAndCooperators
    }

    /// Whose registers count; by default the initiator's and the cooperators'.
    public var registers: Registers
    /// Statuses of entities that can be inspected; by default 存续 and 在业.
    public var activeStatuses: Set<String>
    /// What the watchlist (重点关注) changes; by default its entities are drawn as class D.
    public var watchlist: WatchlistRule

    /// Rules; by default every department of the group, statuses 存续 and 在业, watchlisted entities as class D.
    public init(
        registers: Registers = .initiatorAndCooperators, activeStatuses: Set<String> = ["存续", "在业"], watchlist: WatchlistRule = .classD
    ) {
        self.registers = registers
        self.activeStatuses = activeStatuses
        self.watchlist = watchlist
    }
}

/// What being on the watchlist (重点关注) changes in a draw.
public enum WatchlistRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// The entity is drawn as class D whatever its own class (the highest class ratio and D's
    /// visits), still at random (the default: 双随机 stays random, the entity's chance rises).
    case classD = "class-d"
    /// The entity is drawn in every round of every group whose population holds it, on top of
    /// the random sample of its class (counted in its class; the class is drawn beyond its quota
    /// when its watchlisted members outnumber the quota).
    case alwaysInclude = "always-include"
    /// The watchlist changes nothing (and is not recorded in commitments).
    case off
}

/// Why a register row of a group's categories did not admit its entity (checks in the order of
/// Population.swift's header).
public enum PopulationRejection: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// Its USCC was already admitted.
    case duplicate
    /// Its region code is not the plan's.
    case region
    /// Its status is not active.
    case status
    /// Its department is not one whose register counts.
    case register
}

/// One member of a population: its USCC, the class it had at draw time and its watchlist reasons.
public struct PopulationMember: Sendable, Hashable, Codable {
    /// The USCC.
    public var uscc: String
    /// The class at draw time, or nil if unclassified (counted as B).
    public var riskClass: RiskClass?
    /// The reasons it is on the watchlist (重点关注), sorted; empty when it is not (or the rule is `off`).
    public var watch: [String]
    /// The class it is drawn in: its own (B when it has none), or D when watchlisted under `classD`.
    public var quotaClass: RiskClass

    /// A member that is not on the watchlist.
    public init(uscc: String, riskClass: RiskClass?) {
        self.init(uscc: uscc, riskClass: riskClass, watch: [], rule: .off)
    }

    /// A member with its watchlist reasons, drawn as `rule` says.
    public init(uscc: String, riskClass: RiskClass?, watch: [String], rule: WatchlistRule) {
        self.uscc = uscc
        self.riskClass = riskClass
        self.watch = rule == .off ? [] : watch.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        self.quotaClass = !self.watch.isEmpty && rule == .classD ? .D : RiskClass.forQuota(riskClass)
    }

    /// True when it is drawn whatever its ticket (on the watchlist under `alwaysInclude`).
    public func isAlwaysIncluded(under rule: WatchlistRule) -> Bool { rule == .alwaysInclude && !watch.isEmpty }
}

/// The entities a group draws from, and what was left out.
public struct Population: Sendable, Hashable, Codable {
    /// The members, in code point order of USCC.
    public var members: [PopulationMember]
    /// The rows of the group's categories left out, per reason (every reason present).
    public var rejected: [PopulationRejection: Int]

    /// Creates a population.
    public init(members: [PopulationMember], rejected: [PopulationRejection: Int]) {
        self.members = members
        self.rejected = rejected
    }

    /// Members per class they are drawn in (unclassified under B; every class present).
    public var perClass: [RiskClass: Int] {
        var counts: [RiskClass: Int] = [:]
        for c in RiskClass.allCases { counts[c] = 0 }
        for m in members { counts[m.quotaClass, default: 0] += 1 }
        return counts
    }

    /// Members without a class of their own.
    public var unclassified: Int { members.filter { $0.riskClass == nil }.count }

    /// Members on the watchlist.
    public var watchlisted: Int { members.filter { !$0.watch.isEmpty }.count }
}

/// The registers, inspectors and avoidance list as the draw sees them (rules at the top of
/// Population.swift).
public struct DrawInputs: Sendable {
    /// One entity per current register row (fields cleaned, class merged per USCC), in USCC order.
    public var entities: [DrawEntity]
    /// Indices into `entities` per cleaned category.
    public var byCategory: [String: [Int]]
    /// Current inspectors of every department.
    public var inspectors: [Inspector]
    /// Current avoidance pairs.
    public var avoidance: [AvoidancePair]
    /// The watchlist (重点关注): reasons per USCC.
    public var watchlist: [String: [String]]

    /// Inputs from the register rows (one `DrawEntity` per row): cleans fields, merges classes per
    /// USCC and indexes the rows by category.
    public init(
        entities: [DrawEntity], inspectors: [Inspector] = [], avoidance: [AvoidancePair] = [], watchlist: [String: [String]] = [:]
    ) {
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
        self.watchlist = watchlist
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

    /// The population of `group` (rules at the top of Population.swift).
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
                members.append(
                    PopulationMember(uscc: e.uscc, riskClass: e.riskClass, watch: watchlist[e.uscc] ?? [], rule: rules.watchlist))
            }
        }
        return Population(members: members, rejected: rejected)
    }
}
