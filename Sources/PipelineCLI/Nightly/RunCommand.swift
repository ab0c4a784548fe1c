import ArgumentParser
import Foundation
import Logging
import Pipeline
import Stages

/// `suiji run [--config suiji.toml] [--today DATE]`: the nightly job.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "The nightly job: lock, import the inbox, prepare commitments, draw, publish, report.",
        discussion: """
            Paths in the configuration are relative to its folder. The report goes to reports/<date>/run.json
            and run.txt; a summary line goes to standard output, log lines to standard error.
            Exit 0 all went well; 65 some input was rejected or a draw was blocked; 1 a stage failed;
            75 another run holds the lock (nothing was done).
            """)

    @Option(help: "The configuration file (default: ./suiji.toml if present).")
    var config: String?

    @OptionGroup var today: TodayOption

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: the configuration's log.level).")
    var logLevel: Configuration.LogLevel?

    @Option(help: "Log format: text or json (default: the configuration's log.format).")
    var logFormat: Configuration.LogFormat?

    func run() throws {
        let configuration = try GlobalOptions.configuration(config)
        let clock = Clock.fromEnvironment()
        let night = try today.day(clock: clock)
        let format = logFormat ?? configuration.log.format
        let level = Logger.Level(rawValue: (logLevel ?? configuration.log.level).rawValue) ?? .info
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
        print(report.summary)
        print("report: \(configuration.resolvedPath(\.paths.reports))/\(night)/run.txt")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
