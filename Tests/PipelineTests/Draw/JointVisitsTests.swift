import Testing

@testable import Pipeline

/// 一业一查 across groups (JointVisits.swift).
@Suite struct JointVisitsTests {
    static func draw(_ seq: Int, _ group: String, _ departments: [String], _ start: String, _ end: String, _ objects: [String]) throws
        -> JointVisitDraw
    {
        JointVisitDraw(
            ledgerSeq: seq, group: group, round: 1, departments: departments, start: try #require(PlanDate(start)),
            end: try #require(PlanDate(end)), objects: objects)
    }

    @Test func overlappingDepartmentsAndWindowsMakeOneVisit() throws {
        let draws = [
            try Self.draw(1, "G06", ["教育", "市场"], "2024-01-01", "2024-11-30", ["U1", "U2"]),
            try Self.draw(2, "G09", ["市场", "教育"], "2024-01-01", "2024-11-30", ["U1", "U3"]),
            // Same entity, other departments: a visit of its own.
            try Self.draw(3, "G21", ["生态", "住建"], "2024-01-01", "2024-11-30", ["U1"]),
            // Same departments, a window that does not overlap the visit's: its own visit.
            try Self.draw(4, "G35", ["市场", "交通"], "2024-12-01", "2024-12-31", ["U1", "U2"]),
            // Overlapping window and department 市场: joins G06's visit for U2.
            try Self.draw(5, "G36", ["交通", "市场"], "2024-04-01", "2024-06-30", ["U2"]),
        ]
        let visits = JointVisits.visits(of: draws)
        let mar = try #require(PlanDate("2024-04-01")), jun = try #require(PlanDate("2024-06-30")),
            nov = try #require(PlanDate("2024-11-30"))
        let jan = try #require(PlanDate("2024-01-01"))
        #expect(
            visits == [
                JointVisit(uscc: "U1", ledgerSeqs: [1, 2], departments: ["教育", "市场"], start: jan, end: nov),
                JointVisit(uscc: "U2", ledgerSeqs: [1, 5], departments: ["教育", "市场", "交通"], start: mar, end: jun),
            ])
        #expect(JointVisits.records(for: draws[4], earlier: Array(draws.prefix(4))) == [JointVisitRecord(uscc: "U2", with: [1])])
        #expect(JointVisits.records(for: draws[2], earlier: Array(draws.prefix(2))) == [])
    }
}
