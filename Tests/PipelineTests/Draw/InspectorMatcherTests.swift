import DevKit
import Testing

@testable import Pipeline

/// Inspector matching: determinism, avoidance, load caps, shortfalls.
@Suite struct InspectorMatcherTests {
    static let departments = ["住建局", "市场监管局", "公安局"]

    static func pools(_ sizes: [Int]) -> [String: [String]] {
        var pools: [String: [String]] = [:]
        for (d, n) in zip(departments, sizes) { pools[d] = (0..<n).map { "\(d)-\($0)" } }
        return pools
    }

    static let objects = (0..<12).map { "OBJ\($0)" }

    @Test func teamSizes() {
        #expect(MatchingRules().teamSizes(departments: ["甲"]) == [2])
        #expect(MatchingRules().teamSizes(departments: ["甲", "乙", "丙"]) == [2, 1, 1])
        #expect(MatchingRules(initiatorTeamSize: 1).teamSizes(departments: ["甲"]) == [2])
        #expect(MatchingRules(initiatorTeamSize: 1).teamSizes(departments: ["甲", "乙"]) == [1, 1])
        #expect(MatchingRules(initiatorTeamSize: 0, cooperatorTeamSize: 0).teamSizes(departments: ["甲", "乙"]) == [2, 0])
        #expect(MatchingRules(initiatorTeamSize: 1, minimumTeamSize: 3).teamSizes(departments: ["甲", "乙"]) == [2, 1])
        #expect(MatchingRules().teamSizes(departments: []) == [])
    }

    /// The exact ticket order decides: the first candidates by ticket of `inspectorId|USCC`.
    @Test func followsTicketOrder() throws {
        let pools = Self.pools([6, 3, 3])
        let seed = "123|2024-G02|1"
        let match = try InspectorMatcher.match(
            objects: ["OBJ0"], departments: Self.departments, pools: pools, avoidance: [], seedString: seed)
        let sampler = ConsistentSampler(seed: seed)
        let expected = Self.departments.enumerated().map { (i, d) in
            sampler.order((pools[d] ?? []).map { $0 + "|OBJ0" }).prefix(i == 0 ? 2 : 1).map { String($0.id.dropLast(5)) }
        }
        #expect(match.assignments.map(\.inspectorIds) == expected)
        #expect(match.assignments.map(\.department) == Self.departments)
        #expect(InspectorMatcher.ticketId(inspectorId: "I7", uscc: "U1") == "I7|U1")
    }

    @Test func deterministic() throws {
        let a = try InspectorMatcher.match(
            objects: Self.objects, departments: Self.departments, pools: Self.pools([6, 4, 3]),
            avoidance: [], seedString: "s|2024-G12|1")
        let b = try InspectorMatcher.match(
            objects: Self.objects, departments: Self.departments, pools: Self.pools([6, 4, 3]),
            avoidance: [], seedString: "s|2024-G12|1")
        let c = try InspectorMatcher.match(
            objects: Self.objects, departments: Self.departments, pools: Self.pools([6, 4, 3]),
            avoidance: [], seedString: "t|2024-G12|1")
        #expect(a == b)
        #expect(a.assignments != c.assignments)
        #expect(a.assignments.count == 36)
        #expect(a.loadCaps == ["住建局": 5, "市场监管局": 4, "公安局": 5]) // ceil(12×2/6)+1, ceil(12/4)+1, ceil(12/3)+1
    }

    /// Over many seeds: no avoidance pair is ever matched, teams are full and distinct, loads stay within caps.
    @Test(arguments: 0..<60)
    func avoidanceAndCaps(seed: Int) throws {
        let pools = Self.pools([5, 3, 3])
        var rng = Xoshiro256StarStar(seed: UInt64(seed))
        var avoidance: Set<AvoidancePair> = []
        for object in Self.objects {
            for d in Self.departments where rng.next(below: 3) == 0 {
                if let id = rng.pick(pools[d] ?? []) { avoidance.insert(AvoidancePair(inspectorId: id, uscc: object)) }
            }
        }
        let match = try InspectorMatcher.match(
            objects: Self.objects, departments: Self.departments, pools: pools, avoidance: avoidance,
            seedString: "seed-\(seed)|2024-G12|1", rules: MatchingRules(allowPartialTeams: true))
        for a in match.assignments {
            for id in a.inspectorIds {
                #expect(!avoidance.contains(AvoidancePair(inspectorId: id, uscc: a.uscc)))
                #expect(pools[a.department]?.contains(id) == true)
            }
            #expect(Set(a.inspectorIds).count == a.inspectorIds.count)
        }
        var loads: [String: Int] = [:]
        for a in match.assignments { for id in a.inspectorIds { loads[id, default: 0] += 1 } }
        #expect(loads == match.loads)
        for (d, ids) in pools {
            for id in ids { #expect((loads[id] ?? 0) <= (match.loadCaps[d] ?? 0)) }
        }
        let full = match.assignments.filter { $0.inspectorIds.count == ($0.department == "住建局" ? 2 : 1) }.count
        #expect(full + match.shortTeams.count == match.assignments.count)
    }

    /// Avoidance of every inspector but one leaves the department short: a typed error naming it.
    @Test func shortfallError() throws {
        let pools = Self.pools([3, 2, 2])
        let avoidance: Set<AvoidancePair> = [
            AvoidancePair(inspectorId: "住建局-0", uscc: "OBJ1"), AvoidancePair(inspectorId: "住建局-2", uscc: "OBJ1"),
        ]
        do {
            _ = try InspectorMatcher.match(
                objects: ["OBJ0", "OBJ1"], departments: Self.departments, pools: pools, avoidance: avoidance,
                seedString: "x")
            Issue.record("no error")
        } catch let error as InspectorShortfallError {
            #expect(error == InspectorShortfallError(department: "住建局", uscc: "OBJ1", needed: 2, matched: 1))
            #expect(error.shortfall == 1)
            #expect(
                error.description == "住建局 is 1 inspector(s) short for OBJ1: needs 2, found 1 after avoidance and load caps; "
                    + "add active inspectors to its register, raise the load cap, or allow partial teams")
        }
        let partial = try InspectorMatcher.match(
            objects: ["OBJ0", "OBJ1"], departments: Self.departments, pools: pools, avoidance: avoidance,
            seedString: "x", rules: MatchingRules(allowPartialTeams: true))
        #expect(partial.shortTeams == [ShortTeam(uscc: "OBJ1", department: "住建局", needed: 2, matched: 1)])
        #expect(partial.assignments.first { $0.uscc == "OBJ1" && $0.department == "住建局" }?.inspectorIds == ["住建局-1"])
        // An empty pool.
        #expect(throws: InspectorShortfallError(department: "公安局", uscc: "OBJ0", needed: 1, matched: 0)) {
            try InspectorMatcher.match(
                objects: ["OBJ0"], departments: Self.departments, pools: Self.pools([2, 1, 0]), avoidance: [], seedString: "x")
        }
    }

    /// A load cap of 1 with two inspectors serves one object fully, then fails on the next.
    @Test func loadCapBinds() throws {
        #expect(throws: InspectorShortfallError(department: "住建局", uscc: "OBJ1", needed: 2, matched: 0)) {
            try InspectorMatcher.match(
                objects: ["OBJ0", "OBJ1"], departments: ["住建局"], pools: Self.pools([2]), avoidance: [],
                seedString: "x", rules: MatchingRules(loadCap: 1))
        }
    }

    @Test func poolsKeepActiveInspectorsOfTheGroup() {
        let pools = InspectorMatcher.pools(
            [
                Inspector(id: "b", name: "", department: "甲"), Inspector(id: "a", name: "", department: " 甲 "),
                Inspector(id: "c", name: "", department: "甲", active: false), Inspector(id: "d", name: "", department: "丁"),
                Inspector(id: "a", name: "", department: "甲"),
            ], departments: ["甲", "乙"])
        #expect(pools == ["甲": ["a", "b"], "乙": []])
    }
}
