// Rounds: a task inspected n times a year is drawn n times, once per round, each round with its
// own window of dates inside the task's window.
//
// The rules (ours; the plan only says `1次/年`, `1次/季度`, …):
// 1. The task window is months startMonth…endMonth of the plan year, from the first day of the
//    first month to the last day of the last month. A missing or unreadable window is the whole
//    year (January–December); half a window (one month missing) fills the missing end with January
//    or December. A reversed window (start after end) is the whole year. Each case adds a note.
// 2. n = frequency.perYear; missing or below 1 counts as 1 (with a note).
// 3. n = 1: one round, the whole window (`wholeWindow`).
// 4. n divides 12 (2 halves, 3 thirds, 4 quarters, 6 two-month periods, 12 months): the calendar
//    periods of 12/n months (Jan–Jun and Jul–Dec for 2; Jan–Apr, May–Aug, Sep–Dec for 3; the
//    quarters for 4; …), each clipped to the window (`calendarPeriods`). With the 2024 plan's
//    1月-11月 and 1次/季度 that gives Jan–Mar, Apr–Jun, Jul–Sep, Oct–Nov.
// 5. When n does not divide 12, or some calendar period lies wholly outside the window (4/year in
//    a July–November window), the window's m months are split into n consecutive runs of whole
//    months, the first (m mod n) runs one month longer (`evenMonths`): 5/year over 1月-11月 is
//    3+2+2+2+2 months.
// 6. When n exceeds the months of the window, its D days are split instead: round k (0-based)
//    covers days floor(k·D/n) … floor((k+1)·D/n) − 1 of the window (`evenDays`). More rounds
//    than days is capped at one round a day (with a note).

/// A civil date of the proleptic Gregorian calendar, written `YYYY-MM-DD`.
public struct PlanDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year (1…9999).
    public let year: Int
    /// The month, 1…12.
    public let month: Int
    /// The day of the month, 1…31.
    public let day: Int

    /// A date, or nil if it does not exist (30 February, month 13, year 0).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    private init(unchecked year: Int, _ month: Int, _ day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The number of days of a month (February by the Gregorian leap rule).
    public static func daysIn(month: Int, year: Int) -> Int { CivilDate.daysIn(month: month, year: year) }

    /// The first day of a month (month clamped to 1…12, year to 1…9999).
    public static func first(ofMonth month: Int, year: Int) -> PlanDate {
        PlanDate(unchecked: min(max(year, 1), 9999), min(max(month, 1), 12), 1)
    }

    /// The last day of a month (month clamped to 1…12, year to 1…9999).
    public static func last(ofMonth month: Int, year: Int) -> PlanDate {
        let y = min(max(year, 1), 9999), m = min(max(month, 1), 12)
        return PlanDate(unchecked: y, m, daysIn(month: m, year: y))
    }

    /// Days since 1970-01-01 (Hinnant's `days_from_civil`, in `CivilDate`).
    public var dayNumber: Int { CivilDate.daysSince1970(year: year, month: month, day: day) }

    /// The date of a day number (days since 1970-01-01).
    public init(dayNumber: Int) {
        let civil = CivilDate.civil(daysSince1970: dayNumber)
        self.init(unchecked: civil.year, civil.month, civil.day)
    }

    /// Reads `YYYY-MM-DD` exactly (4, 2 and 2 ASCII digits); nil otherwise.
    public init?(_ text: String) {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                n = n * 10 + Int(b[i] - 0x30)
            }
            return n
        }
        guard let y = number(0..<4), let m = number(5..<7), let d = number(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        "\(zeroPadded(year, width: 4))-\(zeroPadded(month, width: 2))-\(zeroPadded(day, width: 2))"
    }

    /// Chronological order.
    public static func < (lhs: PlanDate, rhs: PlanDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes `"YYYY-MM-DD"`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let date = PlanDate(text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "'\(text)' is not a date YYYY-MM-DD")
        }
        self = date
    }

    /// Encodes as `"YYYY-MM-DD"`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// One round of a task or draw group: its number and its window of dates, both ends inclusive.
public struct DrawRound: Sendable, Hashable, Codable, CustomStringConvertible {
    /// 1-based round number within the year.
    public var number: Int
    /// The first day of the round.
    public var start: PlanDate
    /// The last day of the round.
    public var end: PlanDate

    /// Creates a round.
    public init(number: Int, start: PlanDate, end: PlanDate) {
        self.number = number
        self.start = start
        self.end = end
    }

    /// `round 2 (2024-04-01…2024-06-30)`.
    public var description: String { "round \(number) (\(start)…\(end))" }
}

/// How a window was split into rounds (rules 3–6 at the top of Rounds.swift).
public enum RoundSplitRule: String, Sendable, Hashable, Codable {
    /// One round: the whole window.
    case wholeWindow
    /// Calendar halves, thirds, quarters, … clipped to the window.
    case calendarPeriods
    /// Consecutive runs of whole months of nearly equal length.
    case evenMonths
    /// Consecutive runs of days of nearly equal length.
    case evenDays
}

/// The rounds of a task in a plan year.
public struct RoundSchedule: Sendable, Hashable, Codable {
    /// The plan year.
    public var year: Int
    /// The window the rounds split (after rule 1).
    public var windowStart: PlanDate
    /// The last day of the window.
    public var windowEnd: PlanDate
    /// The rounds, in order; never empty.
    public var rounds: [DrawRound]
    /// The rule that produced them.
    public var rule: RoundSplitRule
    /// Assumptions made (missing window or frequency, capped rounds).
    public var notes: [String]

    /// The schedule of a plan task in `year`.
    public init(task: PlanTask, year: Int) {
        self.init(perYear: task.frequency.perYear, window: task.window, year: year)
    }

    /// The schedule of `perYear` rounds in `window` of `year` (rules at the top of Rounds.swift).
    public init(perYear: Int?, window: TaskWindow, year: Int) {
        self.year = year
        var notes: [String] = []
        var startMonth = window.startMonth ?? 1
        var endMonth = window.endMonth ?? 12
        switch (window.startMonth, window.endMonth) {
        case (nil, nil): notes.append("no window: the whole year is used")
        case (nil, _): notes.append("no first month: the window starts in January")
        case (_, nil): notes.append("no last month: the window ends in December")
        default: break
        }
        if !(1...12).contains(startMonth) || !(1...12).contains(endMonth) || startMonth > endMonth {
            notes.append("window \(startMonth)–\(endMonth) is not within one year: the whole year is used")
            startMonth = 1
            endMonth = 12
        }
        var n = perYear ?? 1
        if perYear == nil { notes.append("no frequency: one round") }
        if n < 1 {
            notes.append("frequency \(n) is below 1: one round")
            n = 1
        }
        let windowStart = PlanDate.first(ofMonth: startMonth, year: year)
        let windowEnd = PlanDate.last(ofMonth: endMonth, year: year)
        self.windowStart = windowStart
        self.windowEnd = windowEnd

        func monthRun(_ number: Int, _ first: Int, _ last: Int) -> DrawRound {
            DrawRound(number: number, start: .first(ofMonth: first, year: year), end: .last(ofMonth: last, year: year))
        }
        let months = endMonth - startMonth + 1
        if n == 1 {
            rounds = [DrawRound(number: 1, start: windowStart, end: windowEnd)]
            rule = .wholeWindow
        } else if 12 % n == 0, case let length = 12 / n,
            (0..<n).allSatisfy({ k in k * length + 1 <= endMonth && (k + 1) * length >= startMonth })
        {
            rounds = (0..<n).map { k in
                monthRun(k + 1, max(k * length + 1, startMonth), min((k + 1) * length, endMonth))
            }
            rule = .calendarPeriods
        } else if n <= months {
            var result: [DrawRound] = []
            var first = startMonth
            for k in 0..<n {
                let length = months / n + (k < months % n ? 1 : 0)
                result.append(monthRun(k + 1, first, first + length - 1))
                first += length
            }
            rounds = result
            rule = .evenMonths
        } else {
            let days = windowEnd.dayNumber - windowStart.dayNumber + 1
            if n > days {
                notes.append("\(n) rounds in a window of \(days) days: capped at one round a day")
                n = days
            }
            rounds = (0..<n).map { k in
                DrawRound(
                    number: k + 1,
                    start: PlanDate(dayNumber: windowStart.dayNumber + k * days / n),
                    end: PlanDate(dayNumber: windowStart.dayNumber + (k + 1) * days / n - 1))
            }
            rule = .evenDays
        }
        self.notes = notes
    }

    /// The round with a 1-based number, or nil.
    public func round(_ number: Int) -> DrawRound? {
        rounds.indices.contains(number - 1) ? rounds[number - 1] : nil
    }
}
