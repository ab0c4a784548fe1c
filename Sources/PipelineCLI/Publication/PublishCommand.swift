import ArgumentParser
import Pipeline
import Stages

/// `suiji publish [--out DIR] [--dry-run] [--json]`.
struct PublishCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "publish",
        abstract: Language.catalogue(.helpPublish),
        discussion: """
            With --dry-run nothing is written: the diff against the publication ledger is printed (records to add,
            to change with their field differences, to withdraw) and the exit code is 0 if nothing would change,
            2 if something would, 1 on error.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The output folder (default: the configuration's paths.outbox).")
    var out: String?

    @Flag(help: "Print the diff against the publication ledger; write nothing.")
    var dryRun = false

    @Flag(help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let configuration = try global.configuration()
        let store = try openStore(global.storePath(configuration), access: dryRun ? .readOnly : .readWrite, command: "publish")
        let request = PublishRequest(
            outDirectory: out ?? configuration.resolvedPath(\.paths.outbox), formats: configuration.publish.formats, dryRun: dryRun)
        let report = try Publisher(store: store).run(request)
        for diagnostic in report.diagnostics { printError(diagnostic.rendered(in: Language.inForce)) }
        print(json ? try report.json() : report.text(in: Language.catalogue))
        try finish(with: report.status)
    }
}
