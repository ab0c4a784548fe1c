// The draw of one group in one round: population, quotas, then the stratified consistent sample.
//
// Population (our rule): an entity is in the population of a group when, checked in this order
// (the first failed check is the reason it is reported under):
//   1. its USCC was not already admitted (the first occurrence wins: registers are merged by USCC
//      upstream, so a repeat is a caller's mistake, counted as `duplicate`);
//   2. its region code is the plan's region code, exactly, outer spaces aside (`region`);
//   3. its status is one of the active statuses, by default 存续 and 在业 (`status`);
//   4. its category is covered by one of the group's scopes in the scope map (`category`);
//   5. the current register of the initiator holds it, or (by default, `initiatorAndCooperators`)
//      the register of any of the group's cooperators (`register`).
// The population is listed in code point order of USCC.
//
// Quotas: the group's quota per class (DrawGroups.swift) over the whole population, excluded
// entities included: the plan's ratio is a share of the register, not of what earlier rounds left.
//
// Exclusions: USCCs drawn in earlier rounds of the same group and year. Within each class the
// sample is the `quota` lowest tickets among the entities NOT excluded; when fewer than `quota`
// remain, the exclusions lapse for that class: every remaining entity is taken, and the rest is
// filled with the lowest tickets among the excluded ones (counted in `lapsedExclusions`). Only
// exclusions inside the population are kept (others cannot change the draw).
//
// Seed string: `<public seed>|<group key>|<round number>`, e.g. `48213907561102938475|2024-G02|1`:
// the public seed exactly as announced, the group key (`2024-G02`), and the 1-based round number in
// decimal without leading zeros, joined by `|` (U+007C) with no spaces. Every ticket of the draw
// is Rivest's `sha256_uniform(sha256_hex(seed string) + USCC)`; one order of the whole population
// filtered by class gives each class's order, so all four classes share the seed.

/// An entity as the draw sees it: merged from the departments' current registers.
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

    /// Rules; by default every department of the group, statuses 存续 and 在业.
    public init(registers: Registers = .initiatorAndCooperators, activeStatuses: Set<String> = ["存续", "在业"]) {
        self.registers = registers
        self.activeStatuses = activeStatuses
    }
}

/// Why an entity was left out of a population (checks in the order of Draw.swift's header).
public enum PopulationRejection: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable {
    /// Its USCC was already admitted.
    case duplicate
    /// Its region code is not the plan's.
    case region
    /// Its status is not active.
    case status
    /// Its category is in none of the group's scopes.
    case category
    /// No register of the counted departments holds it.
    case register
}

/// One member of a population: its USCC and the class it had at draw time.
public struct PopulationMember: Sendable, Hashable, Codable {
    /// The USCC.
    public var uscc: String
    /// The class at draw time, or nil if unclassified (counted as B).
    public var riskClass: RiskClass?

    /// Creates a member.
    public init(uscc: String, riskClass: RiskClass?) {
        self.uscc = uscc
        self.riskClass = riskClass
    }

    /// The class it is drawn in: its own, or B.
    public var quotaClass: RiskClass { RiskClass.forQuota(riskClass) }
}

/// The entities a group draws from, and what was left out.
public struct Population: Sendable, Hashable, Codable {
    /// The members, in code point order of USCC.
    public var members: [PopulationMember]
    /// The number of entities left out, per reason (every reason present).
    public var rejected: [PopulationRejection: Int]

    /// Creates a population.
    public init(members: [PopulationMember], rejected: [PopulationRejection: Int]) {
        self.members = members
        self.rejected = rejected
    }

    /// The population of `group` among `entities` (rules at the top of Draw.swift).
    public init(of entities: some Sequence<DrawEntity>, group: DrawGroup, scopeMap: ScopeMap, rules: PopulationRules = PopulationRules()) {
        let categories = scopeMap.categories(forScopes: group.scopes)
        let departments = Set(rules.registers == .initiatorOnly ? [group.initiator] : group.departments)
        var seen: Set<String> = []
        var members: [PopulationMember] = []
        var rejected: [PopulationRejection: Int] = [:]
        for c in PopulationRejection.allCases { rejected[c] = 0 }
        for entity in entities {
            let reason: PopulationRejection?
            if seen.contains(entity.uscc) {
                reason = .duplicate
            } else if PlanCellParser.clean(entity.region) != group.region {
                reason = .region
            } else if !rules.activeStatuses.contains(PlanCellParser.clean(entity.status)) {
                reason = .status
            } else if !categories.contains(PlanCellParser.clean(entity.category)) {
                reason = .category
            } else if !entity.departments.contains(where: { departments.contains(PlanCellParser.clean($0)) }) {
                reason = .register
            } else {
                reason = nil
            }
            if let reason {
                rejected[reason, default: 0] += 1
            } else {
                seen.insert(entity.uscc)
                members.append(PopulationMember(uscc: entity.uscc, riskClass: entity.riskClass))
            }
        }
        members.sort { $0.uscc.utf8.lexicographicallyPrecedes($1.uscc.utf8) }
        self.init(members: members, rejected: rejected)
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
}

/// Why a draw could not be prepared.
public struct DrawError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// Everything about a draw that is fixed before the seed is known: what the commitment hashes.
public struct PreparedDraw: Sendable, Hashable, Codable {
    /// The group.
    public var group: DrawGroup
    /// The round.
    public var round: DrawRound
    /// The population.
    public var population: Population
    /// USCCs of earlier rounds inside the population, in code point order.
    public var exclusions: [String]
    /// The group's quotas over the population.
    public var quota: GroupQuota
    /// Remarks (schedule assumptions, ignored exclusions, quota notes).
    public var notes: [String]

    /// Creates a prepared draw.
    public init(group: DrawGroup, round: DrawRound, population: Population, exclusions: [String], quota: GroupQuota, notes: [String]) {
        self.group = group
        self.round = round
        self.population = population
        self.exclusions = exclusions
        self.quota = quota
        self.notes = notes
    }

    /// The seed string of this draw for a public seed (`seed|group|round`).
    public func seedString(publicSeed: String) -> String {
        Draw.seedString(publicSeed: publicSeed, groupKey: group.key, round: round.number)
    }

    /// Draws with the public seed.
    public func draw(publicSeed: String) -> DrawResult {
        let seed = seedString(publicSeed: publicSeed)
        let selection = Draw.select(population: population.members, exclusions: Set(exclusions), quotas: quota.perClass, seedString: seed)
        let classPopulation = population.perClass
        let perClass = RiskClass.allCases.map { c in
            ClassDraw(
                riskClass: c, population: classPopulation[c] ?? 0, quota: quota.perClass[c] ?? 0,
                drawn: selection.perClass[c] ?? [], lapsedExclusions: selection.lapsed[c] ?? 0)
        }
        var notes = self.notes
        for c in perClass where c.drawn.count < c.quota {
            notes.append("\(c.riskClass.rawValue): quota \(c.quota) but only \(c.drawn.count) in the population")
        }
        for c in perClass where c.lapsedExclusions > 0 {
            notes.append(
                "\(c.riskClass.rawValue): \(c.lapsedExclusions) drawn again from earlier rounds: the rest of the class was exhausted")
        }
        return DrawResult(
            groupKey: group.key, round: round.number, seedString: seed, perClass: perClass, order: selection.order, notes: notes)
    }
}

/// The draw of one class: its population, quota and drawn USCCs.
public struct ClassDraw: Sendable, Hashable, Codable {
    /// The class.
    public var riskClass: RiskClass
    /// Members of the class (unclassified counted in B).
    public var population: Int
    /// Objects to draw.
    public var quota: Int
    /// The drawn USCCs, in ticket order.
    public var drawn: [String]
    /// How many of `drawn` were excluded (drawn in an earlier round) and taken again.
    public var lapsedExclusions: Int

    /// Creates a class draw.
    public init(riskClass: RiskClass, population: Int, quota: Int, drawn: [String], lapsedExclusions: Int) {
        self.riskClass = riskClass
        self.population = population
        self.quota = quota
        self.drawn = drawn
        self.lapsedExclusions = lapsedExclusions
    }
}

/// The outcome of a draw.
public struct DrawResult: Sendable, Hashable, Codable {
    /// The group key.
    public var groupKey: String
    /// The round number.
    public var round: Int
    /// The seed string the tickets were computed from.
    public var seedString: String
    /// Per class, A to D.
    public var perClass: [ClassDraw]
    /// Every drawn USCC, in ticket order (the order objects are served in inspector matching).
    public var order: [String]
    /// Remarks.
    public var notes: [String]

    /// Creates a result.
    public init(groupKey: String, round: Int, seedString: String, perClass: [ClassDraw], order: [String], notes: [String]) {
        self.groupKey = groupKey
        self.round = round
        self.seedString = seedString
        self.perClass = perClass
        self.order = order
        self.notes = notes
    }

    /// The drawn USCCs per class.
    public var sample: [RiskClass: [String]] {
        var result: [RiskClass: [String]] = [:]
        for c in perClass { result[c.riskClass] = c.drawn }
        return result
    }
}

/// The drawn USCCs of a selection, per class and in ticket order.
public struct DrawSelection: Sendable, Hashable, Codable {
    /// Drawn USCCs per class (every class present), in ticket order.
    public var perClass: [RiskClass: [String]]
    /// Per class, how many drawn USCCs were exclusions taken again (every class present).
    public var lapsed: [RiskClass: Int]
    /// Every drawn USCC, in ticket order.
    public var order: [String]

    /// Creates a selection.
    public init(perClass: [RiskClass: [String]], lapsed: [RiskClass: Int], order: [String]) {
        self.perClass = perClass
        self.lapsed = lapsed
        self.order = order
    }
}

/// The draw's entry points.
public enum Draw {
    /// `<public seed>|<group key>|<round>` (see the top of Draw.swift).
    public static func seedString(publicSeed: String, groupKey: String, round: Int) -> String {
        "\(publicSeed)|\(groupKey)|\(round)"
    }

    /// The longest public seed, in UTF-8 bytes.
    public static let maximumSeedBytes = 256

    /// Why a public seed cannot be used, or nil. A seed is one line of printable characters, at most
    /// ``maximumSeedBytes`` bytes, with no `|` (which separates the seed string's parts) and no
    /// outer spaces, so that the seed string is unambiguous and the seed reads the same wherever
    /// it is published. Not printable: a control character (``ControlCharacters``), an invisible
    /// format character such as U+200B or U+FEFF, a private-use or unassigned code point. The
    /// seed is quoted in the reason with its control characters escaped.
    public static func problem(withPublicSeed seed: String) -> String? {
        if seed.isEmpty { return "the seed is empty" }
        let shown = ControlCharacters.escaped(seed)
        if seed.utf8.count > maximumSeedBytes {
            return "the seed is \(seed.utf8.count) bytes long; a seed is one line of at most \(maximumSeedBytes) bytes"
        }
        if seed.contains(where: \.isNewline) { return "the seed holds a line break" }
        if let scalar = seed.unicodeScalars.first(where: { !isPrintable($0) }) {
            let what = ControlCharacters.isControl(scalar) ? "a control character" : "a character that is not printable"
            return "the seed '\(shown)' holds \(what), \(ControlCharacters.name(scalar)); a seed is one line of printable characters"
        }
        if seed.contains("|") { return "the seed '\(shown)' holds '|', which separates the parts of the seed string" }
        if seed.first?.isWhitespace == true || seed.last?.isWhitespace == true { return "the seed '\(shown)' has outer spaces" }
        return nil
    }

    /// A character a seed may hold: not a control, format, private-use, unassigned or surrogate code point.
    static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
        if ControlCharacters.isControl(scalar) { return false }
        switch scalar.properties.generalCategory {
        case .format, .privateUse, .unassigned, .surrogate, .lineSeparator, .paragraphSeparator: return false
        default: return true
        }
    }

    /// Everything before the seed: population, exclusions within it and the group's quotas.
    ///
    /// - Parameters:
    ///   - group: the draw group.
    ///   - round: the 1-based round number (must be one of the group's rounds).
    ///   - entities: the merged entities of every register.
    ///   - scopeMap: the scope map.
    ///   - exclusions: USCCs drawn in earlier rounds of this group and year.
    ///   - rules: population rules.
    ///   - policy: the quota policy.
    public static func prepare(
        group: DrawGroup, round: Int, entities: some Sequence<DrawEntity>, scopeMap: ScopeMap,
        exclusions: Set<String> = [], rules: PopulationRules = PopulationRules(), policy: RiskQuotaPolicy = .default
    ) throws -> PreparedDraw {
        guard let drawRound = group.schedule.round(round) else {
            throw DrawError("group \(group.key) has rounds 1…\(group.schedule.rounds.count); there is no round \(round)")
        }
        let population = Population(of: entities, group: group, scopeMap: scopeMap, rules: rules)
        let admitted = Set(population.members.map(\.uscc))
        let kept = exclusions.filter { admitted.contains($0) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let quota = group.quotas(population: population.perClass, policy: policy)
        var notes = group.schedule.notes
        if kept.count < exclusions.count {
            notes.append("\(exclusions.count - kept.count) exclusions are not in the population and change nothing")
        }
        notes += quota.notes
        return PreparedDraw(group: group, round: drawRound, population: population, exclusions: kept, quota: quota, notes: notes)
    }

    /// The stratified selection: per class, the `quota` lowest tickets among members not excluded,
    /// then (exclusions lapsing) the lowest among excluded ones; lists in ticket order.
    public static func select(population: [PopulationMember], exclusions: Set<String>, quotas: [RiskClass: Int], seedString: String)
        -> DrawSelection
    {
        let ordered = ConsistentSampler(seed: seedString).order(population.map(\.uscc))
        var classOf: [String: RiskClass] = [:]
        for m in population where classOf[m.uscc] == nil { classOf[m.uscc] = m.quotaClass }
        // One pass sorts every member, in ticket order, into its class: not excluded, or excluded.
        var fresh: [RiskClass: [String]] = [:]
        var excluded: [RiskClass: [String]] = [:]
        var seen: Set<String> = []
        for t in ordered where seen.insert(t.id).inserted {
            guard let c = classOf[t.id] else { continue }
            if exclusions.contains(t.id) { excluded[c, default: []].append(t.id) } else { fresh[c, default: []].append(t.id) }
        }
        var chosen: Set<String> = []
        var lapsed: [RiskClass: Int] = [:]
        for c in RiskClass.allCases {
            let quota = max(0, quotas[c] ?? 0)
            let taken = (fresh[c] ?? []).prefix(quota)
            let again = (excluded[c] ?? []).prefix(quota - taken.count)
            chosen.formUnion(taken)
            chosen.formUnion(again)
            lapsed[c] = again.count
        }
        var perClass: [RiskClass: [String]] = [:]
        for c in RiskClass.allCases { perClass[c] = [] }
        var order: [String] = []
        var listed: Set<String> = []
        for t in ordered where chosen.contains(t.id) && listed.insert(t.id).inserted {
            order.append(t.id)
            if let c = classOf[t.id] { perClass[c, default: []].append(t.id) }
        }
        return DrawSelection(perClass: perClass, lapsed: lapsed, order: order)
    }
}
