// The seed plan (and 冀政办发〔2015〕22号) requires results to be entered and published "within 20
// working days after a task ends". We read "after" strictly: the end date of the round itself does
// not count, day 1 is the first working day after it, and the due date is working day 20 — the last
// day on which publishing is still on time. domain.md §9's example: a round ending Friday 2024-04-26
// is due 2024-05-27 (the 调休 Sunday 04-28 is day 1; the 劳动节 days 05-01…05 do not count).

/// When a round's results must be published: its end date plus 20 working days.
public struct PublicationDeadline: Sendable, Hashable, Codable {
    /// Working days allowed after a round ends (the seed plan's "20个工作日").
    public static let allowedWorkingDays = 20
    /// A deadline this many working days away or fewer is reported as due soon.
    public static let dueSoonWorkingDays = 5

    /// The last day of the task's round.
    public let roundEnd: CivilDate
    /// The last day on which publishing is on time (working day 20 after `roundEnd`).
    public let due: CivilDate

    /// The deadline of a round ending on `roundEnd`; throws if the count runs into a year the
    /// calendar does not cover.
    public init(
        roundEnd: CivilDate, calendar: WorkingDayCalendar, workingDays: Int = PublicationDeadline.allowedWorkingDays
    ) throws(WorkingDayCalendarError) {
        self.roundEnd = roundEnd
        self.due = try calendar.adding(workingDays: workingDays, to: roundEnd)
    }

    /// Classifies the deadline as seen on `today`: overdue after `due`; due soon if at most
    /// `dueSoonWithin` working days remain (today itself not counted, the due day counted, so
    /// `today == due` is due soon with 0 left); later otherwise.
    public func assess(
        today: CivilDate, calendar: WorkingDayCalendar, dueSoonWithin: Int = PublicationDeadline.dueSoonWorkingDays
    ) throws(WorkingDayCalendarError) -> DeadlineAssessment {
        if today > due {
            let late = try calendar.workingDays(after: due, through: today)
            return DeadlineAssessment(
                roundEnd: roundEnd, due: due, today: today, status: .overdue, workingDaysLeft: 0, workingDaysOverdue: late)
        }
        let left = try calendar.workingDays(after: today, through: due)
        return DeadlineAssessment(
            roundEnd: roundEnd, due: due, today: today, status: left <= dueSoonWithin ? .dueSoon : .later,
            workingDaysLeft: left, workingDaysOverdue: 0)
    }
}

/// How urgent a publication deadline is on a given day.
public enum DeadlineStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The due date has passed.
    case overdue
    /// At most five working days (by default) remain, including the due day itself.
    case dueSoon = "due-soon"
    /// More working days remain.
    case later
}

/// A deadline seen from one day: its status and how many working days remain or have passed.
public struct DeadlineAssessment: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The last day of the round.
    public var roundEnd: CivilDate
    /// The last on-time day.
    public var due: CivilDate
    /// The day of the assessment.
    public var today: CivilDate
    /// Overdue, due soon or later.
    public var status: DeadlineStatus
    /// Working days after `today` up to and including `due` (0 when overdue).
    public var workingDaysLeft: Int
    /// Working days after `due` up to and including `today` (0 unless overdue; may be 0 on a weekend just after `due`).
    public var workingDaysOverdue: Int

    /// Creates an assessment.
    public init(
        roundEnd: CivilDate, due: CivilDate, today: CivilDate, status: DeadlineStatus, workingDaysLeft: Int,
        workingDaysOverdue: Int
    ) {
        self.roundEnd = roundEnd
        self.due = due
        self.today = today
        self.status = status
        self.workingDaysLeft = workingDaysLeft
        self.workingDaysOverdue = workingDaysOverdue
    }

    /// `due 2024-05-27: overdue by 3 working days` and the like.
    public var description: String {
        switch status {
        case .overdue: "due \(due): overdue by \(workingDaysOverdue) working day\(workingDaysOverdue == 1 ? "" : "s")"
        case .dueSoon, .later: "due \(due): \(workingDaysLeft) working day\(workingDaysLeft == 1 ? "" : "s") left"
        }
    }
}
