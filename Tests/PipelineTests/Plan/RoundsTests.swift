import Testing

@testable import Pipeline

/// Splitting a task window into rounds (rules at the top of Rounds.swift).
@Suite struct RoundsTests {
    static func schedule(_ perYear: Int?, _ start: Int?, _ end: Int?, year: Int = 2024) -> RoundSchedule {
        RoundSchedule(perYear: perYear, window: TaskWindow(startMonth: start, endMonth: end, raw: ""), year: year)
    }

    static func spans(_ s: RoundSchedule) -> [String] { s.rounds.map { "\($0.start)…\($0.end)" } }

    @Test func oncePerYearIsTheWholeWindow() {
        let s = Self.schedule(1, 1, 11)
        #expect(Self.spans(s) == ["2024-01-01…2024-11-30"])
        #expect(s.rule == .wholeWindow)
        #expect(s.notes == [])
        #expect(s.rounds.map(\.number) == [1])
    }

    /// 1次/季度 over 1月-11月 (tasks 35–37 of the seed plan): the quarters, the last one clipped.
    @Test func quarterlyClippedToTheWindow() {
        let s = Self.schedule(4, 1, 11)
        #expect(Self.spans(s) == ["2024-01-01…2024-03-31", "2024-04-01…2024-06-30", "2024-07-01…2024-09-30", "2024-10-01…2024-11-30"])
        #expect(s.rule == .calendarPeriods)
        #expect(s.rounds.map(\.number) == [1, 2, 3, 4])
    }

    @Test func halvesAndThirds() {
        #expect(Self.spans(Self.schedule(2, 1, 11)) == ["2024-01-01…2024-06-30", "2024-07-01…2024-11-30"])
        #expect(Self.spans(Self.schedule(2, 3, 12)) == ["2024-03-01…2024-06-30", "2024-07-01…2024-12-31"])
        #expect(Self.spans(Self.schedule(3, 1, 12)) == ["2024-01-01…2024-04-30", "2024-05-01…2024-08-31", "2024-09-01…2024-12-31"])
        #expect(Self.spans(Self.schedule(3, 2, 11)) == ["2024-02-01…2024-04-30", "2024-05-01…2024-08-31", "2024-09-01…2024-11-30"])
    }

    @Test func monthlyAndTwoMonthly() {
        let monthly = Self.schedule(12, 1, 12, year: 2023)
        #expect(monthly.rounds.count == 12)
        #expect(monthly.rounds[1].description == "round 2 (2023-02-01…2023-02-28)")
        #expect(Self.schedule(12, 1, 12).rounds[1].end.description == "2024-02-29")
        #expect(Self.spans(Self.schedule(6, 1, 11)).last == "2024-11-01…2024-11-30")
    }

    /// Window missing → the whole year; frequency missing → one round; each with a note.
    @Test func missingWindowOrFrequency() {
        let noWindow = Self.schedule(1, nil, nil)
        #expect(Self.spans(noWindow) == ["2024-01-01…2024-12-31"])
        #expect(noWindow.notes == ["no window: the whole year is used"])
        let noEnd = Self.schedule(2, 7, nil)
        #expect(Self.spans(noEnd) == ["2024-07-01…2024-09-30", "2024-10-01…2024-12-31"])
        #expect(noEnd.rule == .evenMonths)
        #expect(noEnd.notes == ["no last month: the window ends in December"])
        let noFrequency = Self.schedule(nil, 1, 11)
        #expect(Self.spans(noFrequency) == ["2024-01-01…2024-11-30"])
        #expect(noFrequency.notes == ["no frequency: one round"])
        let zero = Self.schedule(0, 1, 11)
        #expect(zero.rounds.count == 1)
        #expect(zero.notes == ["frequency 0 is below 1: one round"])
        let reversed = Self.schedule(1, 11, 3)
        #expect(Self.spans(reversed) == ["2024-01-01…2024-12-31"])
        #expect(reversed.notes == ["window 11–3 is not within one year: the whole year is used"])
    }

    /// A calendar quarter wholly outside the window, or n not dividing 12: whole months, evened out.
    @Test func evenMonths() {
        // July–November, 4/year: Q1 and Q2 miss the window; 5 months → 2+1+1+1.
        let late = Self.schedule(4, 7, 11)
        #expect(late.rule == .evenMonths)
        #expect(Self.spans(late) == ["2024-07-01…2024-08-31", "2024-09-01…2024-09-30", "2024-10-01…2024-10-31", "2024-11-01…2024-11-30"])
        // 5/year over 1月-11月: 11 months → 3+2+2+2+2.
        let five = Self.schedule(5, 1, 11)
        #expect(
            Self.spans(five) == [
                "2024-01-01…2024-03-31", "2024-04-01…2024-05-31", "2024-06-01…2024-07-31",
                "2024-08-01…2024-09-30", "2024-10-01…2024-11-30",
            ])
    }

    /// More rounds than months: days. July (31 days) in 3: days 0–9, 10–19, 20–30.
    @Test func evenDays() {
        let s = Self.schedule(3, 7, 7)
        #expect(s.rule == .evenDays)
        #expect(Self.spans(s) == ["2024-07-01…2024-07-10", "2024-07-11…2024-07-20", "2024-07-21…2024-07-31"])
        let capped = Self.schedule(40, 2, 2, year: 2023)
        #expect(capped.rounds.count == 28)
        #expect(capped.notes == ["40 rounds in a window of 28 days: capped at one round a day"])
        #expect(capped.rounds.allSatisfy { $0.start == $0.end })
    }

    @Test func seedPlanTasks() throws {
        let plan = try SeedPlan.load()
        for task in plan.tasks {
            let s = RoundSchedule(task: task, year: plan.year)
            #expect(s.rounds.count == ((35...37).contains(task.seq) ? 4 : 1))
            #expect(s.notes == [])
            #expect(s.rounds.first?.start.description == "2024-01-01")
            #expect(s.rounds.last?.end.description == "2024-11-30")
        }
    }

    @Test func planDates() throws {
        #expect(PlanDate(year: 2023, month: 2, day: 29) == nil)
        #expect(PlanDate(year: 2024, month: 2, day: 29)?.description == "2024-02-29")
        #expect(PlanDate(year: 2024, month: 13, day: 1) == nil)
        #expect(PlanDate("2024-11-30") == PlanDate(year: 2024, month: 11, day: 30))
        #expect(PlanDate("2024-1-30") == nil)
        #expect(PlanDate("2024-02-30") == nil)
        let d = try #require(PlanDate(year: 2024, month: 3, day: 1))
        #expect(d.dayNumber == 19_783)
        #expect(PlanDate(dayNumber: d.dayNumber - 1).description == "2024-02-29")
        #expect(PlanDate(dayNumber: 0).description == "1970-01-01")
    }
}
