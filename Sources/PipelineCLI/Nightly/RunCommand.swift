import ArgumentParser
import Foundation
import Logging
import Pipeline
import Stages

/// `suiji run [--config suiji.toml] [--today DATE]`: the nightly job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: Language.catalogue(.helpRun),
        discussion: Language.catalogue(.helpRunDiscussion))

    @Option(help: ArgumentHelp(Language.catalogue(.optConfig)))
    var config: String?

    @OptionGroup var today: TodayOption

    @Option(help: ArgumentHelp(Language.catalogue(.optLogLevel2)))
    var logLevel: Configuration.LogLevel?

    @Option(help: ArgumentHelp(Language.catalogue(.optLogFormat)))
    var logFormat: Configuration.LogFormat?

    @Flag(
        help: ArgumentHelp(Language.catalogue(.optQuiet)))
    var quiet = false

    func validate() throws {
        if quiet, logLevel != nil { throw ValidationError(Language.catalogue(.usageQuietOrLogLevel)) }
    }

    func run() throws {
        let configuration = try GlobalOptions.requiredConfiguration(config)
        let clock = Clock.fromEnvironment()
        let night = try today.day(clock: clock)
        let format = logFormat ?? configuration.log.format
        let level = quiet ? .warning : Logger.Level(rawValue: (logLevel ?? configuration.log.level).rawValue) ?? .info
        let line = ProgressLine(enabled: isatty(STDERR_FILENO) == 1 && format == .text)
        LoggingSystem.bootstrap { label in
            SuijiLogHandler(label: label, format: format, level: level, clock: clock, beforeWrite: { line.clear() })
        }
        #if SUIJI_TESTING
        let checkpoint = FaultInjection.fromEnvironment() // the kill tests' hook, debug builds only
        #else
        let checkpoint: (String) -> Void = { _ in }
        #endif
        let run = NightlyRun(
            configuration: configuration, today: night, clock: clock, logger: Logger(label: "suiji.run"),
            progress: line.enabled ? { line.show($0) } : nil, checkpoint: checkpoint)
        let report = try run.run()
        line.clear()
        if !quiet || report.exitCode != 0 {
            print(report.summary(in: Language.catalogue))
            print(Language.catalogue(.nightReportPath, ["path": "\(configuration.resolvedPath(\.paths.reports))/\(night)/run.txt"]))
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
