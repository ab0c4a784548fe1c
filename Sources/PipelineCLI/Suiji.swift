import ArgumentParser
import Foundation
import Pipeline
import Stages

/// The `suiji` command: 双随机、一公开 joint random inspections, from registers to publication.
@main
struct Suiji: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suiji",
        abstract: Language.catalogue(.helpSuiji),
        discussion: Language.catalogue(.helpSuijiDiscussion),
        version: SuijiVersion.current,
        subcommands: [
            PlanCommand.self, ImportCommand.self, InspectorsCommand.self, AvoidanceCommand.self, WatchlistCommand.self, MattersCommand.self,
            DrawCommand.self, ResultsCommand.self, PublishCommand.self, ReportCommand.self, RunCommand.self, ConfigCommand.self,
            DemoCommand.self, StoreCommand.self,
        ]
    )

    /// The one place where an error becomes what a person reads and an exit status: a
    /// ``ReportableError`` prints its description and ends with its status; the argument parser's
    /// own errors and exit codes go through it as usual.
    static func main() {
        let (arguments, lang) = Language.split(Array(CommandLine.arguments.dropFirst()))
        if let lang, UILanguage(rawValue: lang) == nil {
            // The language in force then comes from the configuration or the locale (an unknown --lang is ignored there).
            printError(Language.catalogue(.errorPrefix) + Language.catalogue(.usageBadLang, ["value": lang]))
            Foundation.exit(ExitStatus.usage.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch let error as any DiagnosticReportableError {
            printError(error.diagnostic.rendered(in: Language.inForce))
            Foundation.exit(error.exitStatus.rawValue)
        } catch let error as any LocalizedReportableError {
            printError(
                (error.hasErrorPrefix ? Language.catalogue(.errorPrefix) : "") + Language.catalogue(error.message(in: Language.inForce)))
            Foundation.exit(error.exitStatus.rawValue)
        } catch let error as any ReportableError {
            printError(error.description)
            Foundation.exit(error.exitStatus.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
