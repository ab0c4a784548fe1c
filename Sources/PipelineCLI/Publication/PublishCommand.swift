import ArgumentParser
import Pipeline
import Stages

/// `suiji publish [--out DIR] [--dry-run] [--json]`.
struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: Language.catalogue(.helpPublish),
        discussion: Language.catalogue(.helpPublishDiscussion))

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optOut2)))
    var out: String?

    @Flag(help: ArgumentHelp(Language.catalogue(.optDryRun2)))
    var dryRun = false

    @Flag(help: ArgumentHelp(Language.catalogue(.optJson3)))
    var json = false

    func run() throws {
        let configuration = try global.configuration()
        let store = try openStageStore(
            global.storePath(configuration), configuration: configuration, access: dryRun ? .readOnly : .readWrite, command: "publish")
        let request = PublishRequest(
            outDirectory: out ?? configuration.resolvedPath(\.paths.outbox), formats: configuration.publish.formats, dryRun: dryRun)
        let report = try Publisher(store: store).run(request)
        for diagnostic in report.diagnostics { printError(diagnostic.rendered(in: Language.inForce)) }
        print(json ? try report.json() : report.text(in: Language.catalogue))
        try finish(with: report.status)
    }
}
