public import ArgumentParser
import Foundation
import Logging
import Pipeline
public import Stages

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

    @Option(help: "The night, YYYY-MM-DD (default: today in the local time zone).")
    var today: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical (default: the configuration's log.level).")
    var logLevel: Configuration.LogLevel?

    @Option(help: "Log format: text or json (default: the configuration's log.format).")
    var logFormat: Configuration.LogFormat?

    func validate() throws {
        if let today, (try? CivilDate(parsing: today)) == nil {
            throw ValidationError("--today must be a date YYYY-MM-DD, got '\(today)'")
        }
    }

    func run() throws {
        let configuration = try GlobalOptions.configuration(config)
        let night = try today.map { try CivilDate(parsing: $0) } ?? Self.localToday()
        let clock = Self.clock()
        let format = logFormat ?? configuration.log.format
        let level = Logger.Level(rawValue: (logLevel ?? configuration.log.level).rawValue) ?? .info
        let line = ProgressLine(enabled: isatty(STDERR_FILENO) == 1 && format == .text)
        LoggingSystem.bootstrap { label in
            SuijiLogHandler(label: label, format: format, level: level, clock: clock, beforeWrite: { line.clear() })
        }
        let run = NightlyRun(
            configuration: configuration, today: night, clock: clock, logger: Logger(label: "suiji.run"),
            progress: line.enabled ? { line.show($0) } : nil, checkpoint: FaultInjection.fromEnvironment())
        let report: NightReport
        do {
            report = try run.run()
        } catch let held as RunLockHeld {
            printError("suiji run: \(held)")
            throw ExitCode(ExitStatus.locked.rawValue)
        } catch {
            printError("suiji run: \(error)")
            throw ExitCode(ExitStatus.failure.rawValue)
        }
        line.clear()
        print(report.summary)
        print("report: \(configuration.resolvedPath(\.paths.reports))/\(night)/run.txt")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// Today's date in the local time zone.
    static func localToday() throws -> CivilDate {
        let parts = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        guard let date = CivilDate(year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0) else {
            throw ValidationError("cannot tell today's date; pass --today YYYY-MM-DD")
        }
        return date
    }

    /// The system clock, or the instant in `SUIJI_NOW` (ISO 8601, e.g. 2024-01-02T22:00:00Z) so that
    /// tests and demos write the same timestamps every time.
    static func clock() -> Clock {
        guard let text = ProcessInfo.processInfo.environment["SUIJI_NOW"], let date = try? Date(text, strategy: .iso8601) else {
            return .system
        }
        return .fixed(date)
    }
}

extension Configuration.LogLevel: ExpressibleByArgument {}
extension Configuration.LogFormat: ExpressibleByArgument {}

/// A progress line on a terminal: rewritten in place, cleared before a log line or the summary.
final class ProgressLine: @unchecked Sendable {
    let enabled: Bool
    private let lock = NSLock()
    private var shown = false

    init(enabled: Bool) { self.enabled = enabled }

    /// Shows `text` (or clears the line for nil).
    func show(_ text: String?) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        guard let text else {
            if shown { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
            shown = false
            return
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
        shown = true
    }

    /// Clears the line if one is shown.
    func clear() { show(nil) }
}

/// Fault injection for the tests: `SUIJI_KILL_AT=point` or `point#n` sends this process SIGKILL the
/// n-th time (default first) the run reaches that point; `SUIJI_STOP_AT` sends SIGSTOP instead (the
/// lock test holds a run there). Unset, it does nothing. Points: locked, importing, file-imported,
/// file-journaled, file-moved, prepared, drawn, published, report-written.
enum FaultInjection {
    static func fromEnvironment() -> (String) -> Void {
        let environment = ProcessInfo.processInfo.environment
        let hooks = [("SUIJI_KILL_AT", SIGKILL), ("SUIJI_STOP_AT", SIGSTOP)].compactMap { name, signal -> ((String) -> Void)? in
            guard let spec = environment[name], !spec.isEmpty else { return nil }
            let parts = spec.split(separator: "#", maxSplits: 1)
            let point = String(parts[0])
            let target = parts.count > 1 ? Int(parts[1]) ?? 1 : 1
            let counter = Counter()
            return { reached in
                if reached == point, counter.next() == target { kill(getpid(), signal) }
            }
        }
        return { reached in for hook in hooks { hook(reached) } }
    }

    final class Counter: @unchecked Sendable {
        private var value = 0
        func next() -> Int {
            value += 1
            return value
        }
    }
}
