internal import ArgumentParser
import Foundation
import Pipeline
internal import Stages

/// `suiji report [--today DATE] [--json]`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "List task rounds whose publication is overdue or due within 5 working days (due = round end + 20 working days).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The day to report on, YYYY-MM-DD (default: today in the local time zone).")
    var today: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    func validate() throws {
        if let today, (try? CivilDate(parsing: today)) == nil {
            throw ValidationError("--today must be a date YYYY-MM-DD, got '\(today)'")
        }
    }

    func run() throws {
        let configuration = try global.configuration()
        let day: CivilDate
        if let today, let parsed = try? CivilDate(parsing: today) {
            day = parsed
        } else {
            let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
            guard let current = CivilDate(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0) else {
                throw ValidationError("cannot tell today's date; pass --today YYYY-MM-DD")
            }
            day = current
        }
        do {
            let calendar = try CalendarLoader.load(operatorPath: configuration.resolvedCalendarPath)
            let store = try Store(path: global.storePath(configuration), access: .readOnly)
            let report = try DeadlineReporter(store: store, calendar: calendar).run(today: day)
            for diagnostic in report.diagnostics { printError(diagnostic.description) }
            print(json ? try report.json() : report.text)
        } catch let error as PublicationError {
            printError(error.description)
            throw ExitCode(ExitStatus.failure.rawValue)
        } catch let error as StoreError {
            printError(error.description)
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }
}
