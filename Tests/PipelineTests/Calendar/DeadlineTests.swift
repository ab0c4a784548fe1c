import Pipeline
import Testing

@Suite("PublicationDeadline")
struct DeadlineTests {
    @Test(arguments: [
        // domain.md §9: the end date does not count; the 调休 Sunday 04-28 is day 1, 05-01…05 are off.
        ("2024-04-26", "2024-05-27"),
        // Across a year end (元旦 off; 2026-01-04 is a 调休 Sunday).
        ("2024-12-20", "2025-01-20"),
        ("2025-12-31", "2026-01-29"),
        // Spring Festival spans (with their 调休 weekend days).
        ("2024-02-02", "2024-03-06"),
        ("2025-01-17", "2025-02-20"),
        ("2026-02-06", "2026-03-12"),
        // National Day spans (2024-10-12 and 2025-10-11 are 调休 Saturdays, 2025-09-28 a 调休 Sunday).
        ("2024-09-30", "2024-11-01"),
        ("2025-09-26", "2025-10-30"),
        ("2026-09-18", "2026-10-22"),
        // No holiday at all.
        ("2026-11-30", "2026-12-28"),
    ])
    func dueTwentyWorkingDaysAfterTheRoundEnds(end: String, due: String) throws {
        let deadline = try PublicationDeadline(roundEnd: day(end), calendar: RepositoryFiles.calendar())
        #expect(deadline.due == (try day(due)))
    }

    @Test func aRoundEndingLateInTheLastCoveredYearHasNoDeadlineYet() throws {
        #expect(throws: WorkingDayCalendarError.yearNotCovered(date: try day("2027-01-01"), coveredYears: [2024, 2025, 2026])) {
            try PublicationDeadline(roundEnd: day("2026-12-15"), calendar: RepositoryFiles.calendar())
        }
    }

    @Test(arguments: [
        // Due 2024-05-27 (Monday).
        ("2024-05-10", DeadlineStatus.later, 12, 0), // the 调休 Saturday 05-11 counts
        ("2024-05-18", .later, 6, 0), // Saturday: 05-20…24 and 05-27 remain
        ("2024-05-20", .dueSoon, 5, 0),
        ("2024-05-21", .dueSoon, 4, 0),
        ("2024-05-27", .dueSoon, 0, 0),
        ("2024-05-28", .overdue, 0, 1),
        ("2024-06-11", .overdue, 0, 10), // 06-10 端午 does not count
        ("2024-04-01", .later, 38, 0), // before the round ended
    ])
    func assessment(today: String, status: DeadlineStatus, left: Int, late: Int) throws {
        let calendar = try RepositoryFiles.calendar()
        let deadline = try PublicationDeadline(roundEnd: day("2024-04-26"), calendar: calendar)
        let assessment = try deadline.assess(today: day(today), calendar: calendar)
        #expect(assessment.status == status)
        #expect(assessment.workingDaysLeft == left)
        #expect(assessment.workingDaysOverdue == late)
    }

    @Test func overdueOnTheWeekendRightAfterTheDueDay() throws {
        let calendar = try RepositoryFiles.calendar()
        // Round ends 2024-05-06 → due Friday 2024-05-31.
        let deadline = try PublicationDeadline(roundEnd: day("2024-05-06"), calendar: calendar)
        #expect(deadline.due == (try day("2024-05-31")))
        let saturday = try deadline.assess(today: day("2024-06-01"), calendar: calendar)
        #expect(saturday.status == .overdue)
        #expect(saturday.workingDaysOverdue == 0)
        #expect(saturday.description == "due 2024-05-31: overdue by 0 working days")
        // 端午 (06-10) inside the count: a round ending 2024-05-13 is due 2024-06-11.
        #expect(try PublicationDeadline(roundEnd: day("2024-05-13"), calendar: calendar).due == day("2024-06-11"))
    }

    @Test func descriptionsAndTheDueSoonWindow() throws {
        let calendar = try RepositoryFiles.calendar()
        let deadline = try PublicationDeadline(roundEnd: day("2024-04-26"), calendar: calendar)
        let soon = try deadline.assess(today: day("2024-05-24"), calendar: calendar)
        #expect(soon.description == "due 2024-05-27: 1 working day left")
        let wide = try deadline.assess(today: day("2024-05-18"), calendar: calendar, dueSoonWithin: 6)
        #expect(wide.status == .dueSoon)
        #expect(DeadlineStatus.dueSoon.rawValue == "due-soon")
    }
}
