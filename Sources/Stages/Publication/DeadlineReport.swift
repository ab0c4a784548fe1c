// `suiji report`: the task rounds whose publication is overdue or due within five working days.
//
// Every round of every task of every stored plan is considered. A round is done, and left out,
// when it was drawn, every drawn object has a result (a withdrawn one counts as handled) and
// publishing would change nothing. The calendar is the bundled holidays.json with the operator's
// file (configuration key `calendar`) laid over it, year by year.

internal import Foundation
public import Pipeline

/// One round in the deadline report.
public struct RoundDeadline: Sendable, Hashable, Codable {
    /// The round's 抽查任务编号 (`1409812024P017R01`).
    public var raninsTaskId: String
    /// The task's 序号.
    public var taskSeq: Int
    /// The task's name.
    public var taskName: String
    /// The round.
    public var round: Int
    /// The deadline seen from the report's day.
    public var assessment: DeadlineAssessment
    /// True if the round's draw group has a draw ledger entry for the round.
    public var drawn: Bool
    /// Objects drawn (latest ledger entry).
    public var drawnCount: Int
    /// Drawn objects with a current result (withdrawn ones included).
    public var resultCount: Int
    /// Records a publication would add, change or withdraw.
    public var unpublished: Int

    /// What is still missing, in words (English).
    public var progress: String { progress(in: MessageCatalogue(.en)) }

    /// What is still missing, in the catalogue's language.
    public func progress(in words: MessageCatalogue) -> String {
        guard drawn else { return words(.reportNotDrawn) }
        var parts = [words(.reportResults, ["done": "\(resultCount)", "drawn": "\(drawnCount)"])]
        if unpublished > 0 { parts.append(words(.reportToPublish, ["count": "\(unpublished)"])) }
        return parts.joined(separator: words(.wordListSeparator))
    }
}

/// The deadline report of one day.
public struct DeadlineReport: Sendable, Hashable, Codable {
    /// The day the report is for.
    public var today: CivilDate
    /// Overdue and due-soon rounds, most urgent first.
    public var rounds: [RoundDeadline]
    /// Rounds whose due date could not be computed, and other warnings.
    public var diagnostics: [Diagnostic]
    /// The plan's targets (classification rate, matter coverage), when measured (Draw's PlanTargets).
    public var targets: PlanTargets?
    /// The 抽查任务编号 of rounds ended (or ending within two months) whose due date is unknown: the
    /// working-day calendar does not cover the dates it needs. Never read as "not due".
    public var unknownRounds: [String] = []

    /// A table, or a sentence when nothing is due; then the plan's targets (English).
    public var text: String { text(in: MessageCatalogue(.en)) }

    /// A table, or a sentence when nothing is due, in the catalogue's language; then the plan's targets.
    public func text(in words: MessageCatalogue) -> String {
        let targetLines = targets.map { "\n" + $0.lines(in: words).joined(separator: "\n") } ?? ""
        let days = "\(PublicationDeadline.dueSoonWorkingDays)"
        let unknown = words(.reportUnknown, ["count": "\(unknownRounds.count)"])
        let unknownLine = unknownRounds.isEmpty ? "" : "\n\(today): " + unknown
        guard !rounds.isEmpty else {
            guard unknownRounds.isEmpty else { return "\(today): " + unknown + targetLines }
            return words(.reportNothingDue, ["today": "\(today)", "days": days]) + targetLines
        }
        var table = TextTable(headers: words(.reportHeaders).split(separator: "|").map(String.init))
        for round in rounds {
            let a = round.assessment
            let status =
                a.status == .overdue
                ? words(.reportDaysOverdue, ["days": "\(a.workingDaysOverdue)"]) : words(.reportDaysLeft, ["days": "\(a.workingDaysLeft)"])
            table.rows.append([
                words(a.status == .overdue ? .reportStatusOverdue : .reportStatusDueSoon), round.raninsTaskId, a.roundEnd.description,
                a.due.description, status, round.progress(in: words), TextTable.truncate(round.taskName, to: 40),
            ])
        }
        let overdue = rounds.filter { $0.assessment.status == .overdue }.count
        return table.render()
            + "\n"
            + words(.reportCounts, ["today": "\(today)", "overdue": "\(overdue)", "dueSoon": "\(rounds.count - overdue)", "days": days])
            + unknownLine + targetLines
    }

    /// Machine-readable: sorted keys, two-space indentation.
    public func json() throws -> String {
        try JSONOutput.text(self, kind: "report")
    }

    /// True if any round is overdue.
    public var hasOverdue: Bool { rounds.contains { $0.assessment.status == .overdue } }
}

/// The calendar in force: the bundled one with the operator's file over it.
public enum CalendarLoader {
    /// The bundled `holidays.json` (2024–2026).
    public static func bundled() throws -> WorkingDayCalendar {
        try parse(Array(EmbeddedResources.data(named: "holidays.json")), displayName: "holidays.json")
    }

    /// The bundled calendar merged with the file at `operatorPath` (each year there replaces the
    /// bundled year). A configured file that does not exist is an error naming it.
    public static func load(operatorPath: String?) throws -> WorkingDayCalendar {
        let bundled = try bundled()
        guard let operatorPath else { return bundled }
        guard FileManager.default.fileExists(atPath: operatorPath) else {
            throw PublicationError(Message(.publishCalendarMissing, ["path": operatorPath]))
        }
        return bundled.merging(try read(operatorPath, displayName: operatorPath))
    }

    private static func read(_ path: String, displayName: String) throws -> WorkingDayCalendar {
        try parse(Array(try Data(contentsOf: URL(fileURLWithPath: path))), displayName: displayName)
    }

    private static func parse(_ bytes: [UInt8], displayName: String) throws -> WorkingDayCalendar {
        do {
            return try WorkingDayCalendar(json: bytes)
        } catch {
            throw PublicationError(Message(.publishAt, ["place": displayName], parts: ["reason": publicationText(of: error)]))
        }
    }
}

/// Builds the deadline report: the stage behind `suiji report`.
public struct DeadlineReporter {
    /// The store (read only): SQLite, or a county's lane of PostgreSQL.
    public let store: any StageStore
    /// The working-day calendar.
    public let calendar: WorkingDayCalendar

    /// Creates a reporter.
    public init(store: any StageStore, calendar: WorkingDayCalendar) {
        self.store = store
        self.calendar = calendar
    }

    /// The rounds overdue or due soon on `today`.
    public func run(today: CivilDate) throws -> DeadlineReport {
        try store.reading { sql in
            let (planned, _, _) = try Publisher.plan(sql)
            var pending: [String: Int] = [:]
            for publication in planned {
                pending[publication.payload.task.raninsTaskId] =
                    publication.diff.summary.added + publication.diff.summary.changed + publication.diff.summary.withdrawn
            }
            var rounds: [RoundDeadline] = []
            var diagnostics: [Diagnostic] = []
            var unknown: [String] = []
            for stored in try ResultsStore.plans(in: sql) {
                let plan = stored.plan
                let drawnRounds = try ResultsStore.drawnRounds(planID: stored.id, in: sql)
                var results: [String: Set<String>] = [:]
                for result in try ResultsStore.currentResults(planID: stored.id, in: sql) {
                    results["\(result.taskSeq)|\(result.round)", default: []].insert(result.uscc)
                }
                for group in DrawGroups.form(plan) {
                    for task in group.tasks {
                        for round in group.schedule.rounds {
                            guard let end = round.end.civilDate,
                                let id = try? PublicationIdentifier.task(
                                    region: plan.region, year: plan.year, taskSeq: task.seq, round: round.number)
                            else { continue }
                            let assessment: DeadlineAssessment
                            do {
                                assessment = try PublicationDeadline(roundEnd: end, calendar: calendar).assess(
                                    today: today, calendar: calendar)
                            } catch {
                                if end <= today.adding(days: 62) ?? today {
                                    unknown.append(id)
                                    diagnostics.append(
                                        Diagnostic(
                                            .warning,
                                            Message(
                                                .reportDueUnknown, ["id": "\(id)", "end": "\(end)"],
                                                parts: ["reason": publicationText(of: error)])))
                                }
                                continue
                            }
                            guard assessment.status != .later else { continue }
                            let draw = drawnRounds[DrawnObjects.key(group: group.key, round: round.number)]
                            let drawnObjects = draw?.objects ?? []
                            let withResult = (results["\(task.seq)|\(round.number)"] ?? []).intersection(drawnObjects).count
                            let unpublished = pending[id] ?? 0
                            let deadline = RoundDeadline(
                                raninsTaskId: id, taskSeq: task.seq, taskName: task.name, round: round.number, assessment: assessment,
                                drawn: draw != nil, drawnCount: draw?.drawnCount ?? 0, resultCount: withResult, unpublished: unpublished)
                            if draw != nil, withResult >= drawnObjects.count, unpublished == 0 { continue }
                            rounds.append(deadline)
                        }
                    }
                }
            }
            rounds.sort { a, b in
                if a.assessment.due != b.assessment.due { return a.assessment.due < b.assessment.due }
                return a.raninsTaskId.utf8.lexicographicallyPrecedes(b.raninsTaskId.utf8)
            }
            return DeadlineReport(today: today, rounds: rounds, diagnostics: diagnostics, unknownRounds: unknown.sorted())
        }
    }
}
