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
        discussion: """
            Paths in the configuration are relative to its folder. The report goes to reports/<date>/run.json
            and run.txt; a summary line goes to standard output, log lines to standard error.
            Exit 0 all went well; 65 some input was rejected or a draw was blocked; 1 a stage failed;
            75 another run holds the lock (nothing was done); 78 a setup error (no configuration, no region or
            year in it, no inbox folder; or due dates the working-day calendar does not cover).
            """)

    @Option(help: "The configuration file (default: ./suiji.toml if present).")
    var config: String?

    @OptionGroup var today: TodayOption

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: the configuration's log.level).")
    var logLevel: Configuration.LogLevel?

    @Option(help: "Log format: text or json (default: the configuration's log.format).")
    var logFormat: Configuration.LogFormat?

    @Flag(
        help:
            "Print nothing when the night went well (for cron, which mails any output): only warnings and errors are logged, and the summary only when the exit status is not 0."
    )
    var quiet = false

    func validate() throws {
        if quiet, logLevel != nil { throw ValidationError("give --quiet or --log-level, not both") }
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
