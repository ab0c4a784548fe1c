import Testing

@testable import Pipeline

/// Per-class visits: windows within the round, and objects dealt to visits in ticket order.
@Suite struct ClassVisitsTests {
    static func day(_ text: String) throws -> PlanDate { try #require(PlanDate(text)) }

    /// 2024-01-01…2024-11-30 is 335 days: two visits split it at day 167.
    @Test func windows() throws {
        let (start, end) = (try Self.day("2024-01-01"), try Self.day("2024-11-30"))
        #expect(ClassVisits.label(start: start, end: end, visit: 1, of: 2) == "2024-01-01…2024-06-15")
        #expect(ClassVisits.label(start: start, end: end, visit: 2, of: 2) == "2024-06-16…2024-11-30")
        #expect(ClassVisits.label(start: start, end: end, visit: 1, of: 1) == "2024-01-01…2024-11-30")
        // A quarter (Jan–Mar, 91 days) in three: 30, 30, 31 days.
        let q = (try Self.day("2024-01-01"), try Self.day("2024-03-31"))
        #expect(
            (1...3).map { ClassVisits.label(start: q.0, end: q.1, visit: $0, of: 3) } == [
                "2024-01-01…2024-01-30", "2024-01-31…2024-02-29", "2024-03-01…2024-03-31",
            ])
        // More visits than days: one a day.
        let two = (try Self.day("2024-05-01"), try Self.day("2024-05-02"))
        #expect(ClassVisits.label(start: two.0, end: two.1, visit: 3, of: 5) == "2024-05-02…2024-05-02")
    }

    /// A class of two visits: its objects alternate in ticket order, the first to visit 1.
    @Test func objectsAreDealtInTicketOrder() {
        let members = (0..<7).map { PopulationMember(uscc: "U\($0)", riskClass: $0 < 5 ? .D : .B) }
        let seed = "5|2024-G01|1"
        let s = Draw.select(population: members, exclusions: [], quotas: [.D: 4, .B: 1], visits: [.D: 2], seedString: seed)
        let d = s.perClass[.D] ?? []
        #expect(d.count == 4)
        #expect(d == ConsistentSampler(seed: seed).order(members.prefix(5).map(\.uscc)).prefix(4).map(\.id))
        #expect(s.visit == [d[0]: 1, d[1]: 2, d[2]: 1, d[3]: 2])
    }

    /// Always-included members are drawn first and counted in their class's quota; more of them
    /// than the quota are all drawn.
    @Test func alwaysIncludedMembers() {
        let members = (0..<6).map { PopulationMember(uscc: "U\($0)", riskClass: .B, watch: $0 < 3 ? ["投诉举报较多"] : [], rule: .alwaysInclude) }
        let include = Set(members.filter { $0.isAlwaysIncluded(under: .alwaysInclude) }.map(\.uscc))
        #expect(include == ["U0", "U1", "U2"])
        let seed = "9|2024-G01|1"
        let two = Draw.select(population: members, exclusions: ["U0"], quotas: [.B: 2], include: include, seedString: seed)
        #expect(Set(two.perClass[.B] ?? []) == include)
        let five = Draw.select(population: members, exclusions: [], quotas: [.B: 5], include: include, seedString: seed)
        let others = ConsistentSampler(seed: seed).order(["U3", "U4", "U5"]).prefix(2).map(\.id)
        #expect(Set(five.perClass[.B] ?? []) == include.union(others))
    }
}
