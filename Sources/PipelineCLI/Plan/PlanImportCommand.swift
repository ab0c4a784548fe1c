import ArgumentParser
import Stages

/// `suiji plan import FILE`.
struct PlanImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Language.catalogue(.helpPlanImport))

    @OptionGroup var global: GlobalOptions

    @OptionGroup var plan: PlanFileOptions

    @Flag(help: ArgumentHelp(Language.catalogue(.optAllowMassRemoval2)))
    var allowMassRemoval = false

    func validate() throws { try plan.validate() }

    func run() throws {
        let configuration = try global.configuration()
        let reader = try PlanReader(configuration: configuration)
        let store = try openStageStore(
            global.storePath(configuration), configuration: configuration, command: "plan import", creating: true)
        let report = try PlanImportJob(store: store, reader: reader, allowMassRemoval: allowMassRemoval).run(plan.source(configuration))
        for diagnostic in report.diagnostics { printError(diagnostic.rendered(in: Language.inForce)) }
        if let outcome = report.outcome { print(Language.catalogue(outcome.text)) }
        if let review = report.plan?.tasks.filter(\.needsReview), !review.isEmpty {
            print(
                Language.catalogue(
                    .planImportReview,
                    ["count": "\(review.count)", "tasks": review.map { String($0.seq) }.joined(separator: ", "), "file": plan.file]))
        }
        try finish(with: report.status)
    }
}

/// The plan file and what the operator says about it: shared by `plan import` and `plan check`.
struct PlanFileOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(Language.catalogue(.optFile2)))
    var file: String

    @Option(help: ArgumentHelp(Language.catalogue(.optYear2)))
    var year: Int?

    @Option(help: ArgumentHelp(Language.catalogue(.optRegion2)))
    var region: String?

    @Option(help: ArgumentHelp(Language.catalogue(.optEncoding2)))
    var encoding: EncodingChoice = .auto

    @Option(help: ArgumentHelp(Language.catalogue(.optSheet)))
    var sheet: String?

    func validate() throws {
        if let region, region.count != 6 || !region.allSatisfy(\.isASCII) || Int(region) == nil {
            throw ValidationError(Language.catalogue(.usageRegion, ["value": region]))
        }
        if let year, !(2000...2100).contains(year) { throw ValidationError(Language.catalogue(.usageYear, ["value": "\(year)"])) }
    }

    /// The source: the options given, then what suiji.toml sets (never its defaults).
    func source(_ configuration: Configuration) -> PlanSource {
        PlanSource(
            path: file, year: year, region: region, configuredYear: configuration.givenYear, configuredRegion: configuration.givenRegion,
            encoding: encoding, sheet: sheet)
    }
}
