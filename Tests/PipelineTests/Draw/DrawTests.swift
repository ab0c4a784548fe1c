import DevKit
import Testing

@testable import Pipeline

/// Population filters, quotas on the seed plan, and the stratified draw.
@Suite struct DrawTests {
    static let region = "140981"
    static let market = SeedPlan.market
    static let housing = "原平市住房和城乡建设管理局"

    static func group(cooperators: [String] = [market], ratio: Double = 0.5) -> DrawGroup {
        let task = PlanTask(
            seq: 2, name: "燃气", matters: [], scopes: ["燃气经营企业"], ratio: SamplingRatio(min: ratio, raw: ""),
            frequency: InspectionFrequency(perYear: 1, raw: "1次/年"), window: TaskWindow(startMonth: 1, endMonth: 11, raw: ""),
            initiator: housing, cooperators: cooperators, mode: nil, raw: [:], line: 3)
        return DrawGroups.form(AnnualPlan(year: 2024, region: region, tasks: [task]))[0]
    }

    /// The rules with short teams kept: these tests draw objects without inspector registers.
    static let noInspectors = DrawRules(matching: MatchingRules(allowPartialTeams: true))

    /// The salt key of these tests' commitments.
    static let key = "pipeline-tests-salt-key"

    static var scopeMap: ScopeMap {
        get throws { try ScopeMap(entries: [ScopeMapEntry(scope: "燃气经营企业", categories: ["燃气经营企业", "燃气经营"])]) }
    }

    static func entity(
        _ uscc: String, category: String = "燃气经营", region: String = region, status: String = "存续",
        riskClass: RiskClass? = .B, departments: [String] = [housing]
    ) -> DrawEntity {
        DrawEntity(uscc: uscc, category: category, region: region, status: status, riskClass: riskClass, departments: departments)
    }

    /// Each filter rejects what it should, under the first failed check; rows of other categories
    /// are not looked at.
    @Test func populationFilters() throws {
        let map = try Self.scopeMap
        let entities = [
            Self.entity("E01"),
            Self.entity("E02", status: "在业", riskClass: nil, departments: [Self.market]),
            Self.entity("E01", category: "燃气经营企业"), // duplicate
            Self.entity("E03", region: "140900"), // region
            Self.entity("E04", status: "吊销"), // status
            Self.entity("E05", status: "注销"),
            Self.entity("E06", status: "迁出"),
            Self.entity("E07", category: "旅行社"), // another category: not looked at
            Self.entity("E08", departments: ["原平市公安局"]), // register
            Self.entity("E09", departments: []),
            Self.entity("E10", region: "140900", status: "吊销"), // region comes first
            Self.entity("E00", category: " 燃气经营企业 ", status: "存续", riskClass: .D),
        ]
        let inputs = DrawInputs(entities: entities)
        let population = inputs.population(of: Self.group(), scopeMap: map, rules: PopulationRules())
        #expect(population.members.map(\.uscc) == ["E00", "E01", "E02"])
        #expect(population.rejected == [.duplicate: 1, .region: 2, .status: 3, .register: 2])
        #expect(population.perClass == [.A: 0, .B: 2, .C: 0, .D: 1])
        #expect(population.unclassified == 1)

        // Only the initiator's register: E02 (held by the market regulator only) is rejected.
        let initiatorOnly = inputs.population(of: Self.group(), scopeMap: map, rules: PopulationRules(registers: .initiatorOnly))
        #expect(initiatorOnly.members.map(\.uscc) == ["E00", "E01"])
        #expect(initiatorOnly.rejected[.register] == 3)

        // Other statuses can be admitted.
        let withRevoked = inputs.population(
            of: Self.group(), scopeMap: map, rules: PopulationRules(activeStatuses: ["存续", "在业", "吊销"]))
        #expect(withRevoked.members.map(\.uscc) == ["E00", "E01", "E02", "E04"])
    }

    /// An entity held by two registers is admitted by the row of a counted department, and drawn
    /// in the highest class any register gives it.
    @Test func rowsOfOneEntityMerge() throws {
        let map = try Self.scopeMap
        let inputs = DrawInputs(entities: [
            Self.entity("E01", riskClass: .A, departments: ["原平市公安局"]),
            Self.entity("E01", status: "吊销", riskClass: .C, departments: [Self.housing]),
            Self.entity("E01", riskClass: .B, departments: [Self.market]),
        ])
        let population = inputs.population(of: Self.group(), scopeMap: map, rules: PopulationRules())
        #expect(population.members == [PopulationMember(uscc: "E01", riskClass: .C)])
        #expect(population.rejected == [.duplicate: 0, .region: 0, .status: 1, .register: 1])
    }

    /// Rows of one USCC share an entity number, numbered in USCC order; USCCs that are not ASCII
    /// are told apart as Swift compares strings (canonically equal texts are one entity).
    @Test func entityNumbersCountEachUSCCOnce() {
        let ascii = DrawInputs(entities: [
            Self.entity("E02"), Self.entity("E01", departments: [Self.market]), Self.entity("E03"), Self.entity("E01"),
            Self.entity("E02", category: "旅行社"),
        ])
        #expect(ascii.entities.map(\.uscc) == ["E01", "E01", "E02", "E02", "E03"])
        let numbers = ascii.entityNumbers()
        #expect(numbers.ofRow == [0, 0, 1, 1, 2])
        #expect(numbers.count == 3)

        // "é" precomposed and as e + combining acute: one entity to Swift.
        let other = DrawInputs(entities: [Self.entity("E\u{E9}"), Self.entity("E01"), Self.entity("E\u{65}\u{301}")])
        let otherNumbers = other.entityNumbers()
        #expect(otherNumbers.count == 2)
        #expect(Set(otherNumbers.ofRow).count == 2)
        let rowsOfE = other.entities.indices.filter { other.entities[$0].uscc != "E01" }
        #expect(rowsOfE.count == 2)
        #expect(otherNumbers.ofRow[rowsOfE[0]] == otherNumbers.ofRow[rowsOfE[1]])
        #expect(DrawInputs(entities: []).entityNumbers().count == 0)
    }

    @Test func seedString() throws {
        let map = try Self.scopeMap
        #expect(Draw.seedString(publicSeed: "48213907561102938475", groupKey: "2024-G02", round: 1) == "48213907561102938475|2024-G02|1")
        let prepared = try Draw.prepare(
            group: Self.group(), round: 1, inputs: DrawInputs(entities: [Self.entity("E01")]), scopeMap: map, rules: Self.noInspectors,
            saltKey: Self.key)
        #expect(try DrawBundle(commitment: prepared.commitment, publicSeed: "7").seedString == "7|2024-G02|1")
        #expect(throws: DrawError("group 2024-G02 has rounds 1…1; there is no round 2")) {
            try Draw.prepare(group: Self.group(), round: 2, inputs: DrawInputs(entities: []), scopeMap: map, saltKey: Self.key)
        }
    }

    /// Same inputs and seed, same sample, whatever the order of the entities; another seed differs.
    @Test func deterministic() throws {
        let plan = try SeedPlan.load()
        let map = try SeedPlan.scopeMap()
        let entities = SeedPlan.entities(plan: plan)
        let group = try #require(DrawGroups.form(plan).first { $0.key == "2024-G01" })
        let prepared = try Draw.prepare(
            group: group, round: 1, inputs: DrawInputs(entities: entities), scopeMap: map, rules: Self.noInspectors, saltKey: Self.key)
        let reversed = try Draw.prepare(
            group: group, round: 1, inputs: DrawInputs(entities: entities.reversed()), scopeMap: map, rules: Self.noInspectors,
            saltKey: Self.key)
        #expect(prepared.hash == reversed.hash)
        let a = try DrawBundle.draw(commitment: prepared.commitment, publicSeed: "20240315")
        let b = try DrawBundle.draw(commitment: reversed.commitment, publicSeed: "20240315")
        let c = try DrawBundle.draw(commitment: prepared.commitment, publicSeed: "20240316")
        #expect(a.bundle == b.bundle)
        #expect(a.selection.order != c.selection.order)
        #expect(a.selection.order.count == prepared.quota.total)
        // Each class's sample is the quota lowest tickets of the class.
        let sampler = ConsistentSampler(seed: a.bundle.seedString)
        for c in RiskClass.allCases {
            let ids = prepared.population.members.filter { $0.quotaClass == c }.map(\.uscc)
            #expect(a.bundle.sample[c] == sampler.sample(ids, count: prepared.quota.perClass[c] ?? 0).map(\.id))
        }
        #expect(a.selection.order == sampler.order(a.selection.order).map(\.id))
    }

    /// Exclusions from earlier rounds are skipped until the class runs out, then they lapse.
    @Test func exclusionsLapseWhenExhausted() throws {
        let members = (0..<6).map { PopulationMember(uscc: "U\($0)", riskClass: $0 < 4 ? .B : .D) }
        let seed = "s|2024-G35|2"
        let order = ConsistentSampler(seed: seed).order(members.map(\.uscc)).map(\.id)
        let bOrder = order.filter { ["U0", "U1", "U2", "U3"].contains($0) }
        // Exclude the two lowest B tickets: a quota of 2 takes the next two.
        let excluded = Set(bOrder.prefix(2))
        let two = Draw.select(population: members, exclusions: excluded, quotas: [.B: 2], seedString: seed)
        #expect(two.perClass[.B] == Array(bOrder.suffix(2)))
        #expect(two.lapsed[.B] == 0)
        // A quota of 3: both remaining, then the lowest excluded one.
        let three = Draw.select(population: members, exclusions: excluded, quotas: [.B: 3], seedString: seed)
        #expect(Set(three.perClass[.B] ?? []) == Set(bOrder.suffix(2) + [bOrder[0]]))
        #expect(three.perClass[.B] == bOrder.filter { $0 != bOrder[1] })
        #expect(three.lapsed[.B] == 1)
        // A quota above the class takes the class; other classes untouched.
        let all = Draw.select(population: members, exclusions: excluded, quotas: [.B: 9, .D: 0], seedString: seed)
        #expect(all.perClass[.B] == bOrder)
        #expect(all.perClass[.D] == [])
        #expect(all.lapsed[.B] == 2)
    }

    /// A quarterly group draws four rounds; later rounds skip earlier draws until a class is exhausted.
    @Test func roundsWithExclusions() throws {
        let plan = try SeedPlan.load()
        let map = try SeedPlan.scopeMap()
        let entities = SeedPlan.entities(plan: plan)
        let group = try #require(DrawGroups.form(plan).first { $0.key == "2024-G35" })
        let inputs = DrawInputs(entities: entities)
        var drawn: Set<String> = []
        var lapsedTotal = 0
        for round in 1...4 {
            let prepared = try Draw.prepare(
                group: group, round: round, inputs: inputs, exclusions: drawn, scopeMap: map, rules: Self.noInspectors, saltKey: Self.key)
            let (bundle, selection) = try DrawBundle.draw(commitment: prepared.commitment, publicSeed: "99")
            #expect(bundle.seedString == "99|2024-G35|\(round)")
            let fresh = selection.order.filter { !drawn.contains($0) }
            let lapsed = selection.lapsed.values.reduce(0, +)
            #expect(fresh.count + lapsed == selection.order.count)
            lapsedTotal += lapsed
            drawn.formUnion(selection.order)
        }
        // 35% four times is 140% of the register: the exclusions must lapse at some point.
        #expect(lapsedTotal > 0)
    }

    /// The seed plan over a generated county register (RegisterGenerator seed 20240101, 4,000 rows,
    /// 640 defective rows dropped: 3,360 entities; 1,013 outside 原平市, 293 吊销/注销/迁出). Every
    /// entity is in the market regulator's register; those whose USCC ends in a digit also in the
    /// register of their sector's department (SeedPlan.entities).
    ///
    /// Quotas by hand (domain.md §5, RiskQuotaPolicy.swift: e_c = min(n_c, visits × min(1, ratio ×
    /// multiplier) × n_c) with multipliers A 0.5 · B 1 · C 2 · D 4 and visits D 2; total
    /// max(ceil(ratio × N), ceil(Σ e)); floors, then the largest remainders, ties to the higher class):
    /// - G01, task 1, 10%: A 18 · B 24 · C 8 · D 2 (52). e A 0.9, B 2.4, C 1.6, D 2×0.4×2 = 1.6; Σ 6.5 → 7
    ///   (plan 6). Floors 0 + 2 + 1 + 1 = 4; remainders A .9, D .6, C .6 (tie, D first), B .4: A 1 · B 2 · C 2 · D 2.
    /// - G02, tasks 2–3, 5% each: A 9 · B 21 · C 3 · D 2 (35). e A .225, B 1.05, C .3, D .8; Σ 2.375 → 3
    ///   (plan 2). Floors B 1; remainders D .8, C .3: A 0 · B 1 · C 1 · D 1 (both tasks ask the same).
    /// - G05, task 5, 20%: A 19 · B 33 · C 10 · D 6 (68). e A 1.9, B 6.6, C 4.0, D 9.6 capped 6; Σ 18.5 →
    ///   19 (plan 14). Floors 17; remainders A .9, B .6: A 2 · B 7 · C 4 · D 6.
    /// - G09, task 9, 5% of 各类学校: A 63 · B 125 · C 31 · D 10 (229). e A 1.575, B 6.25, C 3.1, D 4.0; Σ
    ///   14.925 → 15 (plan 12). Floors 14; remainder A .575 the largest: A 2 · B 6 · C 3 · D 4.
    /// - G12, tasks 12–14, 5%: A 16 · B 24 · C 4 · D 5 (49). e A .4, B 1.2, C .4, D 2.0; Σ 4.0 (plan 3).
    ///   Floors 3; remainders A .4 and C .4 tie, C is the higher class: A 0 · B 1 · C 1 · D 2.
    /// - G18, task 18, 30%: A 20 · B 23 · C 8 · D 4 (55). e A 3.0, B 6.9, C 4.8, D 9.6 capped 4; Σ 18.7 → 19
    ///   (plan 17). Floors 17; remainders B .9, C .8: A 3 · B 7 · C 5 · D 4.
    /// - G21, task 21, 100% (cooperator 住建, not the market regulator: 31 entities of other
    ///   registers rejected): A 2 · B 10 · C 4 · D 3 (19). e A 1, B 10, C 8 capped 4, D 24 capped 3;
    ///   Σ 18 < plan 19: D, C and B are exhausted, so A is topped up by 1: A 2.
    /// - G35, task 35, 35% a quarter: A 15 · B 40 · C 8 · D 2 (65). e A 2.625, B 14, C 5.6, D 5.6 capped 2;
    ///   Σ 24.225 → 25 (plan 23). Floors 23; remainders A .625, C .6: A 3 · B 14 · C 6 · D 2.
    /// - G40, task 40, 20% (烟草 with 交通: only sector-held entities): A 2 · B 10 · C 4 · D 0 (16).
    ///   e A .2, B 2, C 1.6; Σ 3.8 → 4 (plan 4). Floors 3; remainder C .6: A 0 · B 2 · C 2 · D 0.
    @Test func seedPlanQuotasMatchTheHandTable() throws {
        let plan = try SeedPlan.load()
        let map = try SeedPlan.scopeMap()
        let entities = SeedPlan.entities(plan: plan)
        #expect(entities.count == 3_360)
        let table: [String: (population: [Int], quota: [Int], capped: [RiskClass])] = [
            "2024-G01": ([18, 24, 8, 2], [1, 2, 2, 2], []),
            "2024-G02": ([9, 21, 3, 2], [0, 1, 1, 1], []),
            "2024-G05": ([19, 33, 10, 6], [2, 7, 4, 6], [.D]),
            "2024-G09": ([63, 125, 31, 10], [2, 6, 3, 4], []),
            "2024-G12": ([16, 24, 4, 5], [0, 1, 1, 2], []),
            "2024-G18": ([20, 23, 8, 4], [3, 7, 5, 4], [.D]),
            "2024-G21": ([2, 10, 4, 3], [2, 10, 4, 3], [.C, .D]),
            "2024-G35": ([15, 40, 8, 2], [3, 14, 6, 2], [.D]),
            "2024-G40": ([2, 10, 4, 0], [0, 2, 2, 0], []),
        ]
        let groups = DrawGroups.form(plan)
        let inputs = DrawInputs(entities: entities)
        for group in groups {
            let prepared = try Draw.prepare(
                group: group, round: 1, inputs: inputs, scopeMap: map, rules: Self.noInspectors, saltKey: Self.key)
            let population = prepared.population.perClass
            // The population, counted independently of DrawInputs.population.
            let categories = map.categories(forScopes: group.scopes)
            let independent = entities.filter { e in
                e.region == "140981" && ["存续", "在业"].contains(e.status) && categories.contains(e.category)
                    && !Set(e.departments).isDisjoint(with: group.departments)
            }
            #expect(prepared.population.members.count == independent.count, "\(group.key)")
            for c in RiskClass.allCases {
                #expect(population[c] == independent.filter { RiskClass.forQuota($0.riskClass) == c }.count, "\(group.key) \(c)")
                #expect((prepared.quota.perClass[c] ?? 0) <= (population[c] ?? 0))
            }
            if let row = table[group.key] {
                #expect(RiskClass.allCases.map { population[$0] ?? -1 } == row.population, "\(group.key)")
                #expect(RiskClass.allCases.map { prepared.quota.perClass[$0] ?? -1 } == row.quota, "\(group.key)")
                #expect(prepared.quota.capped == row.capped, "\(group.key)")
            }
            // Every task reaches entities, and every group draws at least its plan ratio.
            #expect(prepared.quota.total > 0, "\(group.key)")
        }
        let g21 = try #require(groups.first { $0.key == "2024-G21" })
        let p21 = try Draw.prepare(group: g21, round: 1, inputs: inputs, scopeMap: map, rules: Self.noInspectors, saltKey: Self.key)
        // Rows of G21's categories (one per entity here): 24 outside 原平市, 6 of those left inactive,
        // 31 of those left held by no counted register; counted independently below.
        #expect(p21.population.rejected == [.duplicate: 0, .region: 24, .status: 6, .register: 31])
        let rows21 = entities.filter { map.categories(forScopes: g21.scopes).contains($0.category) }
        let inRegion = rows21.filter { $0.region == "140981" }
        let active = inRegion.filter { ["存续", "在业"].contains($0.status) }
        #expect([rows21.count - inRegion.count, inRegion.count - active.count] == [24, 6])
        #expect(active.filter { Set($0.departments).isDisjoint(with: g21.departments) }.count == 31)
        #expect(p21.quota.byTask[21]?.toppedUp == [.A: 1])
        #expect(
            p21.notes == [
                "task 21: C: exact share 8 exceeds the class population 4; capped at 4",
                "task 21: D: exact share 24 exceeds the class population 3; capped at 3",
                "task 21: A: topped up by 1 to reach 19",
            ])
        let result = try DrawBundle.draw(commitment: p21.commitment, publicSeed: "1").bundle
        #expect(RiskClass.allCases.map { result.sample[$0]?.count ?? 0 } == [2, 10, 4, 3])
    }
}
