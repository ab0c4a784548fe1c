import ArgumentParser
import Foundation
import Logging
import Stages

/// `suiji demo`: the nightly job on the bundled demo county, night after night, in a fresh workspace.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: Language.catalogue(.helpDemo))

    @Option(help: "The workspace folder to create: a new or empty folder, or one an earlier demo made (it is emptied first).")
    var workspace = "demo-workspace"

    @Option(help: "Log level of the runs' log lines on standard error (default: warning).")
    var logLevel: Configuration.LogLevel = .warning

    func run() throws {
        let level = Logger.Level(rawValue: logLevel.rawValue) ?? .warning
        let logger = Logger(label: "suiji.demo") { label in SuijiLogHandler(label: label, format: .text, level: level) }
        // The closing hint names the command the reader typed: `swift run suiji` from a checkout, else the binary.
        let invoked = CommandLine.arguments.first ?? "suiji"
        let fromCheckout = invoked.hasPrefix(".build/") || invoked.contains("/.build/")
        let command = fromCheckout ? "swift run suiji" : invoked.contains("/") ? invoked : "suiji"
        let result = try DemoWorkspace(path: workspace, logger: logger, command: command, language: Language.inForce).run()
        print(result.summary)
        try finish(with: result.status)
    }
}
