public import ArgumentParser
import Foundation
public import Stages

/// `suiji results`: inspection results.
struct ResultsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results", abstract: "Inspection results of drawn objects.", subcommands: [ResultsImport.self])
}

/// `suiji results import FILE`.
struct ResultsImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import results (任务序号, 轮次, 统一社会信用代码, 检查日期, 检查结果, …); a correction replaces the earlier result, which stays in history.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The results file (CSV/TSV or XML).")
    var file: String

    @Option(help: "csv or xml (default: by the file's extension).")
    var format: InputFormat?

    @Option(help: "auto, utf-8 or gb18030 (CSV).")
    var encoding: EncodingChoice = .auto

    @Flag(help: "Validate and print what would change, without writing anything.")
    var dryRun = false

    @Option(help: "Where to write rejected rows as CSV (default: <rejects folder>/<file>.rejects.csv).")
    var rejects: String?

    @Option(help: "The plan year (default: the configuration's year, or the only plan stored).")
    var year: Int?

    @Option(help: "The plan's region code (default: the configuration's region).")
    var region: String?

    func run() throws {
        let configuration = try global.configuration()
        let store = try Store(path: global.storePath(configuration), access: dryRun ? .readOnly : .readWrite)
        var plan = (year: year ?? configuration.year, region: region ?? configuration.region)
        if year == nil, region == nil, try store.plan(year: plan.year, region: plan.region) == nil {
            let stored = try store.storedPlans()
            if stored.count == 1, let only = stored.first { plan = only }
        }
        var rejectsPath = rejects
        if rejectsPath == nil, !dryRun {
            let base = URL(fileURLWithPath: file).lastPathComponent
            rejectsPath = URL(fileURLWithPath: configuration.resolvedPath(\.paths.rejects)).appendingPathComponent("\(base).rejects.csv").path
        }
        let request = ResultsImportRequest(
            path: file, year: plan.year, region: plan.region, format: format, encoding: encoding, dryRun: dryRun, rejectsPath: rejectsPath)
        let report: ResultsImportReport
        do {
            report = try ResultsImporter(store: store).run(request)
        } catch let error as ResultsImportError {
            printError(error.description)
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        report.diagnostics.forEach { printError($0.description) }
        print(report.summary)
        try finish(with: report.status)
    }
}
