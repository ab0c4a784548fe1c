import ArgumentParser
import Stages

/// `suiji plan import FILE`.
struct PlanImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Read a plan table (TSV or CSV in UTF-8 or GB18030, or an .xlsx workbook) into the store.")

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The plan file.")
    var file: String

    @Option(help: "The plan year (default: the configuration's year).")
    var year: Int?

    @Option(help: "The 6-digit region code (default: the configuration's region).")
    var region: String?

    @Option(help: "auto, utf-8 or gb18030.")
    var encoding: EncodingChoice = .auto

    @Option(help: "The worksheet of a workbook: its name or its number (default: the first visible sheet).")
    var sheet: String?

    func validate() throws {
        if let region, region.count != 6 || !region.allSatisfy(\.isASCII) || Int(region) == nil {
            throw ValidationError("--region must be a 6-digit region code, got '\(region)'")
        }
        if let year, !(2000...2100).contains(year) { throw ValidationError("--year must be between 2000 and 2100, got \(year)") }
    }

    func run() throws {
        let configuration = try global.configuration()
        let store = try openStore(global.storePath(configuration), command: "plan import")
        let report = try PlanImportJob(store: store).run(
            PlanSource(
                path: file, year: year ?? configuration.year, region: region ?? configuration.region, encoding: encoding, sheet: sheet))
        for diagnostic in report.diagnostics { printError(diagnostic.description) }
        if let outcome = report.outcome { print(outcome) }
        try finish(with: report.status)
    }
}
