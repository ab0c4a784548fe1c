// What the night's page shows beyond the night's report (NightReport.swift): the rejected rows by
// reason (from the rejects files), the year's draws with their class breakdown and quotas, the
// rounds due and overdue, and the plan's targets as measured. All of it is read from the store
// and the night's files as they are after the run, never from memory of the run, so a night run
// again (after a kill or not) gathers the same.

internal import Foundation
internal import Pipeline

/// Everything one night's page shows.
struct NightPageData: Sendable {
    /// The night's report.
    var report: NightReport
    /// The rejected rows by reason.
    var reasons: [RejectReason] = []
    /// The link from the page to each rejects file (by workspace-relative path).
    var rejectsLinks: [String: String] = [:]
    /// Every current draw of the year (group and round order), drawn or drawn empty.
    var draws: [DrawOverview.RoundSummary] = []
    /// `group|round` of the draws made tonight.
    var drawnTonight: Set<String> = []
    /// Rounds overdue or due within five working days, most urgent first.
    var deadlines: [RoundDeadline] = []
    /// The plan's targets, when a plan is stored.
    var targets: PlanTargets?
    /// What could not be gathered (the rest of the page stands).
    var problems: [String] = []

    /// Gathers the page's figures; `store` is nil when the night could not open it.
    static func gather(report: NightReport, store: (any StageStore)?, configuration: Configuration) -> NightPageData {
        var data = NightPageData(report: report)
        let date = (try? CivilDate(parsing: report.date))
        let paths = date.map { NightPaths(configuration: configuration, date: $0) }
        var rejectsFiles: [(relative: String, absolute: String)] = []
        for file in report.files {
            guard let relative = file.rejectsFile, let paths else { continue }
            let absolute = paths.absolute(relative)
            rejectsFiles.append((relative, absolute))
            data.rejectsLinks[relative] = PageFormat.href(
                PageFormat.relativePath(of: absolute, from: paths.dated(\.paths.reports)))
        }
        let (reasons, unreadable) = RejectReasons.tally(files: rejectsFiles)
        data.reasons = reasons
        data.problems += unreadable
        data.drawnTonight = Set(report.drawsMade.map { DrawnRounds.key($0.group, $0.round) })

        guard let store, let date else { return data }
        do {
            let draws = try DrawStore(store: store, configuration: configuration)
            if let (plan, id) = try draws.storedPlan(year: configuration.year, region: configuration.region) {
                let overview = try draws.summaries(plan: plan, planID: id)
                data.draws = overview.rounds.filter { $0.ledgerSeq != nil }
                data.targets = overview.targets
            }
        } catch {
            data.problems.append(String(describing: error))
        }
        do {
            let calendar = try CalendarLoader.load(operatorPath: configuration.resolvedCalendarPath)
            data.deadlines = try DeadlineReporter(store: store, calendar: calendar).run(today: date).rounds
        } catch {
            data.problems.append(String(describing: error))
        }
        return data
    }
}
