import ArgumentParser
import Pipeline
import Stages

/// `suiji results import FILE`.
struct ResultsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: Language.catalogue(.helpResultsImport))

    @OptionGroup var global: GlobalOptions

    @OptionGroup var input: InputFileOptions

    @OptionGroup var planKey: PlanKeyOptions

    func run() throws {
        let configuration = try global.configuration()
        let store = try openStageStore(
            global.storePath(configuration), configuration: configuration, access: input.dryRun ? .readOnly : .readWrite,
            command: "results import")
        let plan = try store.planKey(year: planKey.year, region: planKey.region, configuration: configuration)
        var request = ResultsImportRequest(
            path: input.file, year: plan.year, region: plan.region, format: input.format, encoding: input.encoding,
            dryRun: input.dryRun, rejectsPath: input.rejectsPath(configuration), sheet: input.sheet)
        request.language = Language.inForce
        let report = try ResultsImporter(store: store).run(request)
        for diagnostic in report.diagnostics { printError(diagnostic.rendered(in: Language.inForce)) }
        print(report.summary(in: Language.catalogue))
        guard input.dryRun, report.outcome == .dryRun else { return try finish(with: report.status) }
        try finish(
            with: .dryRun(rejected: report.rowsRejected > 0, wouldChange: report.added + report.corrected + report.withdrawn > 0))
    }
}
