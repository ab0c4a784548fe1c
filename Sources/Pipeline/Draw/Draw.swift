// The draw of one group in one round, in one path: population (Population.swift), quotas with
// overrides (QuotaRules.swift, RiskQuotaPolicy.swift), the commitment (Commitment.swift), then,
// once the seed is public, the stratified consistent sample and the inspector teams
// (DrawBundle.draw). `suiji draw prepare`, `draw run`, `verify-ledger`, the nightly run and the
// draw benchmark all go through `Draw.prepare` and `DrawBundle.draw`; the store only loads the
// inputs and keeps the results.
//
// Quotas: the group's quota per class (QuotaRules.swift) over the whole population, excluded
// entities included: the plan's ratio is a share of the register, not of what earlier rounds left.
//
// Exclusions: USCCs drawn in earlier rounds of the same group and year. Within each class the
// sample is the `quota` lowest tickets among the entities NOT excluded; when fewer than `quota`
// remain, the exclusions lapse for that class: every remaining entity is taken, and the rest is
// filled with the lowest tickets among the excluded ones (counted in `DrawSelection.lapsed`). Only
// exclusions inside the population are kept (others cannot change the draw).
//
// Seed string: `<public seed>|<group key>|<round number>`, e.g. `48213907561102938475|2024-G02|1`:
// the public seed exactly as announced, the group key (`2024-G02`), and the 1-based round number in
// decimal without leading zeros, joined by `|` (U+007C) with no spaces. Every ticket of the draw
// is Rivest's `sha256_uniform(sha256_hex(seed string) + USCC)`; one order of the whole population
// filtered by class gives each class's order, so all four classes share the seed.

/// The rules a draw is prepared under: population, quotas and inspector matching.
public struct DrawRules: Sendable, Hashable, Codable {
    /// Whose registers count and which statuses are active.
    public var population: PopulationRules
    /// Team sizes, the load cap and the partial-team switch.
    public var matching: MatchingRules
    /// The quota policy with its per-task exceptions.
    public var quota: QuotaRules

    /// Rules; by default the documented ones.
    public init(
        population: PopulationRules = PopulationRules(), matching: MatchingRules = MatchingRules(), quota: QuotaRules = QuotaRules()
    ) {
        self.population = population
        self.matching = matching
        self.quota = quota
    }
}

/// Why a draw could not be prepared.
public struct DrawError: ReportableError, Sendable, Hashable {
    /// What is wrong and what to do.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// `error: message`.
    public var description: String { "error: \(message)" }

    /// A draw asked of a round or group that does not exist is a usage error.
    public var exitStatus: ExitStatus { .usage }
}

/// Everything about a draw that is fixed before the seed is known, and its commitment.
public struct PreparedDraw: Sendable, Hashable {
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
    /// Remarks (schedule assumptions, quota notes).
    public var notes: [String]
    /// The commitment (inputs, quotas, inspectors).
    public var commitment: DrawCommitment
    /// Its SHA-256, to publish before the seed.
    public var hash: String

    /// Population per class (unclassified under B).
    public var populationPerClass: [RiskClass: Int] { population.perClass }
}

/// The drawn USCCs of a selection, per class and in ticket order.
public struct DrawSelection: Sendable, Hashable, Codable {
    /// Drawn USCCs per class (every class present), in ticket order.
    public var perClass: [RiskClass: [String]]
    /// Per class, how many drawn USCCs were exclusions taken again (every class present).
    public var lapsed: [RiskClass: Int]
    /// Every drawn USCC, in ticket order.
    public var order: [String]
    /// The visit of each drawn object whose class is visited more than once a round (1-based).
    public var visit: [String: Int]

    /// Creates a selection.
    public init(perClass: [RiskClass: [String]], lapsed: [RiskClass: Int], order: [String], visit: [String: Int] = [:]) {
        self.perClass = perClass
        self.lapsed = lapsed
        self.order = order
        self.visit = visit
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
    public static func problemText(withPublicSeed seed: String) -> Message? {
        if seed.isEmpty { return Message(.seedEmpty) }
        let shown = ControlCharacters.escaped(seed)
        if seed.utf8.count > maximumSeedBytes {
            return Message(.seedTooLong, ["bytes": "\(seed.utf8.count)", "max": "\(maximumSeedBytes)"])
        }
        if seed.contains(where: \.isNewline) { return Message(.seedLineBreak) }
        if let scalar = seed.unicodeScalars.first(where: { !isPrintable($0) }) {
            return Message(
                ControlCharacters.isControl(scalar) ? .seedControl : .seedNotPrintable,
                ["seed": shown, "name": ControlCharacters.name(scalar)])
        }
        if seed.contains("|") { return Message(.seedBar, ["seed": shown]) }
        if seed.first?.isWhitespace == true || seed.last?.isWhitespace == true { return Message(.seedOuterSpaces, ["seed": shown]) }
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

    /// A group's population and quotas, as ``prepare(group:round:inputs:exclusions:scopeMap:rules:ledgerHead:saltKey:)``
    /// sizes its draw: the part of it `suiji draw quotas` checks, without the commitment.
    public static func sizing(group: DrawGroup, inputs: DrawInputs, scopeMap: ScopeMap, rules: DrawRules) -> (
        population: Population, quota: GroupQuota
    ) {
        let population = inputs.population(of: group, scopeMap: scopeMap, rules: rules.population)
        return (population, rules.quota.quota(of: group, population: population.perClass))
    }

    /// Everything before the seed, in the one path every command takes: the population, the
    /// exclusions within it, the group's quotas, the inspector setup and the commitment.
    ///
    /// - Parameters:
    ///   - group: the draw group.
    ///   - round: the 1-based round number (must be one of the group's rounds).
    ///   - inputs: the current registers, inspectors, avoidance list and watchlist.
    ///   - exclusions: USCCs drawn in earlier rounds of this group and year.
    ///   - scopeMap: the scope map.
    ///   - rules: population, quota and matching rules.
    ///   - ledgerHead: the draw ledger's last entry hash (64 zeros for an empty ledger).
    ///   - saltKey: the county's key the commitment's salting secret is derived from.
    /// - Throws: `DrawError` when the group has no such round.
    public static func prepare(
        group: DrawGroup, round: Int, inputs: DrawInputs, exclusions: Set<String> = [], scopeMap: ScopeMap,
        rules: DrawRules = DrawRules(), ledgerHead: String = DrawCommitment.emptyLedgerHead, saltKey: String
    ) throws -> PreparedDraw {
        guard let drawRound = group.schedule.round(round) else {
            throw DrawError("group \(group.key) has rounds 1…\(group.schedule.rounds.count); there is no round \(round)")
        }
        let (population, quota) = sizing(group: group, inputs: inputs, scopeMap: scopeMap, rules: rules)
        let usccs = population.members.map(\.uscc)
        let admitted = inputs.asciiUSCCs ? USCCMembership(sortedASCII: usccs) : USCCMembership(usccs)
        let kept = exclusions.filter { admitted.contains($0) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let setup = InspectorSetup(
            inspectors: inputs.inspectors, avoidance: inputs.avoidance, departments: group.departments,
            members: admitted, rules: rules.matching)
        let records = group.tasks.compactMap { task in
            quota.inputs[task.seq].map { $0.policy.record(task: task.seq, planRatio: $0.ratio, fixedCount: $0.count).record }
        }
        var commitment = DrawCommitment(
            year: group.year, region: group.region, groupKey: group.key, round: drawRound.number, roundStart: drawRound.start,
            roundEnd: drawRound.end, tasks: group.taskSeqs, departments: group.departments, scopes: group.scopes,
            population: population.members, populationInOrder: inputs.asciiUSCCs, exclusions: kept, quotas: quota.perClass,
            quotaRecords: records, visits: quota.visits,
            watchlist: rules.population.watchlist, ledgerHead: ledgerHead, secret: "", inspectors: setup)
        commitment.secret = commitment.derivedSecret(key: saltKey)
        return PreparedDraw(
            group: group, round: drawRound, population: population, exclusions: kept, quota: quota,
            notes: group.schedule.notes + quota.notes, commitment: commitment, hash: commitment.hash)
    }

    /// The stratified selection: per class, its always-included members, then the lowest tickets
    /// among members not excluded up to the quota, then (exclusions lapsing) the lowest among
    /// excluded ones; lists in ticket order. The objects of a class with v visits are dealt to its
    /// visits in ticket order: the first to visit 1, the second to visit 2, …, the (v+1)-th to visit 1.
    public static func select(
        population: [PopulationMember], exclusions: Set<String>, quotas: [RiskClass: Int], include: Set<String> = [],
        visits: [RiskClass: Int] = [:], seedString: String
    ) -> DrawSelection {
        let usccs = population.map(\.uscc)
        let membership = USCCMembership(usccs)
        if membership.searchable {
            return selectByIndex(
                population: population, usccs: usccs, membership: membership, exclusions: exclusions, quotas: quotas, include: include,
                visits: visits, seedString: seedString)
        }
        let ordered = ConsistentSampler(seed: seedString).order(usccs)
        var classOf: [String: RiskClass] = [:]
        for m in population where classOf[m.uscc] == nil { classOf[m.uscc] = m.quotaClass }
        // One pass sorts every member, in ticket order, into its class: included, not excluded, or excluded.
        var included: [RiskClass: [String]] = [:]
        var fresh: [RiskClass: [String]] = [:]
        var excluded: [RiskClass: [String]] = [:]
        var seen: Set<String> = []
        for t in ordered where seen.insert(t.id).inserted {
            guard let c = classOf[t.id] else { continue }
            if include.contains(t.id) {
                included[c, default: []].append(t.id)
            } else if exclusions.contains(t.id) {
                excluded[c, default: []].append(t.id)
            } else {
                fresh[c, default: []].append(t.id)
            }
        }
        var chosen: Set<String> = []
        var lapsed: [RiskClass: Int] = [:]
        for c in RiskClass.allCases {
            let quota = max(0, quotas[c] ?? 0)
            let always = included[c] ?? []
            let taken = (fresh[c] ?? []).prefix(max(0, quota - always.count))
            let again = (excluded[c] ?? []).prefix(max(0, quota - always.count - taken.count))
            chosen.formUnion(always)
            chosen.formUnion(taken)
            chosen.formUnion(again)
            lapsed[c] = again.count
        }
        var perClass: [RiskClass: [String]] = [:]
        for c in RiskClass.allCases { perClass[c] = [] }
        var order: [String] = []
        var visit: [String: Int] = [:]
        var listed: Set<String> = []
        for t in ordered where chosen.contains(t.id) && listed.insert(t.id).inserted {
            order.append(t.id)
            guard let c = classOf[t.id] else { continue }
            let v = max(1, visits[c] ?? 1)
            if v > 1 { visit[t.id] = (perClass[c]?.count ?? 0) % v + 1 }
            perClass[c, default: []].append(t.id)
        }
        return DrawSelection(perClass: perClass, lapsed: lapsed, order: order, visit: visit)
    }

    /// `select` for a population of ASCII USCCs in strictly increasing byte order (every
    /// population): the same selection, with members as indices instead of sets of USCCs.
    static func selectByIndex(
        population: [PopulationMember], usccs: [String], membership: USCCMembership, exclusions: Set<String>, quotas: [RiskClass: Int],
        include: Set<String>, visits: [RiskClass: Int], seedString: String
    ) -> DrawSelection {
        let ordered = ConsistentSampler(seed: seedString).orderIndices(usccs)
        var isIncluded = [Bool](repeating: false, count: population.count)
        var isExcluded = [Bool](repeating: false, count: population.count)
        for x in include { if let i = membership.index(of: x) { isIncluded[i] = true } }
        for x in exclusions { if let i = membership.index(of: x) { isExcluded[i] = true } }
        // One pass sorts every member, in ticket order, into its class: included, not excluded, or excluded.
        var included = [[Int]](repeating: [], count: RiskClass.allCases.count)
        var fresh = included
        var excluded = included
        func slot(_ c: RiskClass) -> Int {
            switch c {
            case .A: 0
            case .B: 1
            case .C: 2
            case .D: 3
            }
        }
        let slotOf = population.withUnsafeBufferPointer { m in m.indices.map { slot(m[$0].quotaClass) } }
        for i in ordered {
            let c = slotOf[i]
            if isIncluded[i] {
                included[c].append(i)
            } else if isExcluded[i] {
                excluded[c].append(i)
            } else {
                fresh[c].append(i)
            }
        }
        var chosen = [Bool](repeating: false, count: population.count)
        var lapsed: [RiskClass: Int] = [:]
        for (k, c) in RiskClass.allCases.enumerated() {
            let quota = max(0, quotas[c] ?? 0)
            let always = included[k]
            let taken = fresh[k].prefix(max(0, quota - always.count))
            let again = excluded[k].prefix(max(0, quota - always.count - taken.count))
            for i in always { chosen[i] = true }
            for i in taken { chosen[i] = true }
            for i in again { chosen[i] = true }
            lapsed[c] = again.count
        }
        var perClass: [RiskClass: [String]] = [:]
        for c in RiskClass.allCases { perClass[c] = [] }
        var order: [String] = []
        var visit: [String: Int] = [:]
        for i in ordered where chosen[i] {
            let id = population[i].uscc
            order.append(id)
            let c = population[i].quotaClass
            let v = max(1, visits[c] ?? 1)
            if v > 1 { visit[id] = (perClass[c]?.count ?? 0) % v + 1 }
            perClass[c, default: []].append(id)
        }
        return DrawSelection(perClass: perClass, lapsed: lapsed, order: order, visit: visit)
    }
}
