import ArgumentParser
import Foundation
import Logging
import Stages

/// `suiji demo`: the nightly job on the bundled demo county, night after night, in a fresh workspace.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: Language.catalogue(.helpDemo))

    @Option(help: ArgumentHelp(Language.catalogue(.optWorkspace)))
    var workspace = "demo-workspace"

    @Option(help: ArgumentHelp(Language.catalogue(.optDemoStore)))
    var store: String?

    @Option(help: ArgumentHelp(Language.catalogue(.optLogLevel)))
    var logLevel: Configuration.LogLevel = .warning

    func validate() throws {
        if let store, !PostgresAddress.isPostgres(store) { throw ValidationError(Language.catalogue(.usageDemoStore)) }
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel.rawValue) ?? .warning
        let logger = Logger(label: "suiji.demo") { label in SuijiLogHandler(label: label, format: .text, level: level) }
        // The closing hint names the command the reader typed: `swift run suiji` from a checkout, else the binary.
        let invoked = CommandLine.arguments.first ?? "suiji"
        let fromCheckout = invoked.hasPrefix(".build/") || invoked.contains("/.build/")
        let command = fromCheckout ? "swift run suiji" : invoked.contains("/") ? invoked : "suiji"
        let result = try DemoWorkspace(path: workspace, logger: logger, command: command, language: Language.inForce, store: store).run()
        print(result.summary)
        try finish(with: result.status)
    }
}
