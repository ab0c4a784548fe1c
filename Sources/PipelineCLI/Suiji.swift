import ArgumentParser
import Foundation
import Pipeline
import Stages

/// The `suiji` command: 双随机、一公开 joint random inspections, from registers to publication.
@main
struct Suiji: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suiji",
        abstract: "Joint random inspections (双随机、一公开): plan, registers, draw, results, publication.",
        discussion: """
            Exit codes: 0 success; 1 failure; 2 a dry run found changes; 64 usage error;
            65 input data rejected (in whole or in part); 75 another run or writing command holds the store's lock;
            78 a setup error (no configuration, or a store, inbox or calendar that is not there).

            Language: --lang zh|en (any command), else [ui] language in suiji.toml, else the locale
            (LANG=zh_CN.UTF-8 gives Chinese), else English.
            """,
        version: SuijiVersion.current,
        subcommands: [
            PlanCommand.self, ImportCommand.self, InspectorsCommand.self, AvoidanceCommand.self, WatchlistCommand.self, MattersCommand.self,
            DrawCommand.self, ResultsCommand.self, PublishCommand.self, ReportCommand.self, RunCommand.self, ConfigCommand.self,
            DemoCommand.self,
        ]
    )

    /// The one place where an error becomes what a person reads and an exit status: a
    /// ``ReportableError`` prints its description and ends with its status; the argument parser's
    /// own errors and exit codes go through it as usual.
    static func main() {
        let (arguments, lang) = Language.split(Array(CommandLine.arguments.dropFirst()))
        if let lang, UILanguage(rawValue: lang) == nil {
            printError("error: --lang must be zh or en, got '\(lang)'")
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as any LocalizedReportableError {
            printError(Language.catalogue(.errorPrefix) + Language.catalogue(error.message(in: Language.inForce)))
            Foundation.exit(error.exitStatus.rawValue)
        } catch let error as any ReportableError {
            printError(error.description)
            Foundation.exit(error.exitStatus.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
