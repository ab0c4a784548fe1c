import ArgumentParser
import Pipeline
import Stages

/// `suiji report [--today DATE] [--json]`.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: Language.catalogue(.helpReport))

    @OptionGroup var global: GlobalOptions

    @OptionGroup var today: TodayOption

    @Flag(help: ArgumentHelp(Language.catalogue(.optJson3)))
    var json = false

    func run() throws {
        let configuration = try global.configuration()
        let day = try today.day()
        let calendar = try CalendarLoader.load(operatorPath: configuration.resolvedCalendarPath)
        let store = try openStageStore(global.storePath(configuration), configuration: configuration, access: .readOnly, command: "report")
        var report = try DeadlineReporter(store: store, calendar: calendar).run(today: day)
        report.targets = try DrawStore.targets(store: store, configuration: configuration)
        for diagnostic in report.diagnostics { printError(diagnostic.rendered(in: Language.inForce)) }
        for warning in report.targets?.warningTexts ?? [] { printError(Language.catalogue(.warningPrefix) + Language.catalogue(warning)) }
        print(json ? try report.json() : report.text(in: Language.catalogue))
        // A due date the calendar cannot give is not "not due": the report says unknown and fails.
        if !report.unknownRounds.isEmpty { try finish(with: .configuration) }
    }
}
