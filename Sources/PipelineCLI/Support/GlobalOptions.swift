public import ArgumentParser
import Foundation
import Pipeline
public import Stages

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp(Language.catalogue(.optStore)))
    var store: String?

    @Option(help: ArgumentHelp(Language.catalogue(.optConfig)))
    var config: String?

    /// The configuration in force: the file given, ./suiji.toml, or the defaults.
    func configuration() throws -> Configuration { try Self.configuration(config) }

    /// The configuration in force for a `--config` value (nil: ./suiji.toml, or the defaults). The one
    /// this process's arguments name is read once: the language (`[ui] language`) is chosen from it
    /// before the command runs, and the command gets the same value.
    static func configuration(_ config: String?) throws -> Configuration {
        if config == Language.configArgument(Language.arguments) { return try processConfiguration.get() }
        return try load(config)
    }

    /// The configuration this process's arguments name, read on first use.
    static let processConfiguration = Result<Configuration, any Error> { try load(Language.configArgument(Language.arguments)) }

    /// Reads the configuration for a `--config` value.
    private static func load(_ config: String?) throws -> Configuration {
        let cwd = FileManager.default.currentDirectoryPath
        // With --config, `locate` returns its path even if missing, and loading reports that.
        guard let path = Configuration.locate(explicitPath: config, workingDirectory: cwd) else { return Configuration.defaults }
        return try Configuration.load(path: path, displayName: config ?? Configuration.fileName)
    }

    /// The store path in force: `--store`, else the configuration's.
    func storePath(_ configuration: Configuration) -> String {
        store ?? configuration.resolvedPath(\.store)
    }

    /// The configuration a command that works for a county needs (the nightly run): a file, the one
    /// given or ./suiji.toml, that sets `region` and `year`. Without one it is a setup error (exit 78)
    /// naming the folder looked in and `--config`; cron starts a job in `$HOME`, not in the workspace.
    static func requiredConfiguration(_ config: String?) throws -> Configuration {
        let cwd = FileManager.default.currentDirectoryPath
        guard Configuration.locate(explicitPath: config, workingDirectory: cwd) != nil else {
            throw LocalizedFailure(.configuration, Message(.setupNoConfiguration, ["file": Configuration.fileName, "folder": cwd]))
        }
        let name = config ?? Configuration.fileName
        let configuration = try configuration(config)
        let words = Language.catalogue
        let missing = [configuration.regionIsSet ? nil : words(.wordRegion), configuration.yearIsSet ? nil : words(.wordYear)].compactMap {
            $0
        }
        guard missing.isEmpty else {
            throw LocalizedFailure(
                .configuration, Message(.setupNoRegionOrYear, ["file": name, "missing": missing.joined(separator: words(.wordOr))]))
        }
        return configuration
    }
}

/// Which stored plan a command means: `--year` and `--region`, else the configuration's, else the only plan stored.
struct PlanKeyOptions: ParsableArguments {
    @Option(help: ArgumentHelp(Language.catalogue(.optYear)))
    var year: Int?

    @Option(help: ArgumentHelp(Language.catalogue(.optRegion)))
    var region: String?
}

/// `--today`, the one way a command learns which day it is: the option, else the clock's date in the
/// local time zone (`SUIJI_NOW` pins the clock, see ``Clock/fromEnvironment()``).
struct TodayOption: ParsableArguments {
    @Option(help: ArgumentHelp(Language.catalogue(.optToday)))
    var today: String?

    func validate() throws {
        if let today, (try? CivilDate(parsing: today)) == nil {
            throw ValidationError(Language.catalogue(.usageToday, ["value": today]))
        }
    }

    /// The day in force.
    func day(clock: Clock = .fromEnvironment()) throws -> CivilDate {
        if let today { return try CivilDate(parsing: today) }
        return try clock.today()
    }
}

/// The store for a command. One that writes first takes the store's lock (`<store>.lock`, the nightly
/// run's), so that it never runs beside a night or another writer: exit 75 naming the holder if it is taken.
/// One that reads waits for another process's write to end, up to the busy timeout (60 s;
/// `SUIJI_BUSY_TIMEOUT=SECONDS` sets it, for tests), then exits 75 saying so.
///
/// Only the commands that create a store (`import`, `plan import`; `run` and `demo` open theirs in
/// the stages) pass `creating: true`, and they say on standard error when they create one; any other
/// command given a store that is not there stops with a setup error (exit 78) and creates nothing.
func openStore(_ path: String, access: StoreAccess = .readWrite, command: String, creating: Bool = false) throws -> Store {
    try PostgresAddress.refuse(path, command: command, takingLockFile: true)
    if !FileManager.default.fileExists(atPath: path) {
        guard creating else {
            throw LocalizedFailure(.configuration, Message(.setupNoStore, ["path": path]))
        }
        if access == .readWrite { printError(Language.catalogue(.notePrefix) + Language.catalogue(.setupCreatingStore, ["path": path])) }
    }
    let timeout = ProcessInfo.processInfo.environment["SUIJI_BUSY_TIMEOUT"].flatMap(TimeInterval.init) ?? Store.defaultBusyTimeout
    guard access == .readWrite else { return try Store(path: path, access: access, busyTimeout: timeout) }
    let lock = try RunLock.acquire(path: RunLock.path(forStore: path), command: command)
    return try Store(path: path, access: access, holding: lock, busyTimeout: timeout)
}

/// Writes a line to standard error, any control character it quotes from the input escaped
/// (``ControlCharacters/escaped(_:keepingLines:)``).
func printError(_ text: String) { printErrors(CollectionOfOne(text)) }

/// `diagnostics` rendered in the language in force, in slices of a thousand on every core: an
/// import's report can be thousands of lines, and 16,000 took about 40 ms on one core.
func renderedOnEveryCore(_ diagnostics: [Diagnostic]) throws -> [String] {
    let language = Language.inForce
    let perSlice = 1_000
    let slices = (diagnostics.count + perSlice - 1) / perSlice
    guard slices > 1 else { return diagnostics.map { $0.rendered(in: language) } }
    let parts = try ParallelMap.map(slices) { slice in
        diagnostics[slice * perSlice..<min(diagnostics.count, (slice + 1) * perSlice)].map { $0.rendered(in: language) }
    }
    return parts.flatMap { $0 }
}

/// Writes lines to standard error, each with any control character it quotes from the input escaped
/// (``ControlCharacters/escaped(_:keepingLines:)``), gathered into writes of about 64 KiB: an
/// import's diagnostics report is thousands of lines, and a write each cost a system call each.
func printErrors(_ lines: some Sequence<String>) {
    var pending = ""
    for text in lines {
        pending += ControlCharacters.escaped(text, keepingLines: true)
        pending += "\n"
        if pending.utf8.count >= 65_536 {
            FileHandle.standardError.write(Data(pending.utf8))
            pending = ""
        }
    }
    if !pending.isEmpty { FileHandle.standardError.write(Data(pending.utf8)) }
}

/// Ends the command with a suiji exit status (0 returns normally).
func finish(with status: ExitStatus) throws {
    if status != .success { throw ExitCode(status.rawValue) }
}

/// A command that cannot go on, its text in the message catalogue: printed in the language in force.
struct LocalizedFailure: LocalizedReportableError {
    /// How the command ends.
    var exitStatus: ExitStatus
    /// The text.
    var message: Message

    /// Creates the failure.
    init(_ status: ExitStatus, _ message: Message) {
        self.exitStatus = status
        self.message = message
    }

    /// The text (its values are given in the language in force already).
    func message(in language: UILanguage) -> Message { message }

    /// The English text, as logged.
    var description: String { "error: " + MessageCatalogue(.en)(message) }
}

extension EncodingChoice: ExpressibleByArgument {}
extension InputFormat: ExpressibleByArgument {}
extension Configuration.LogLevel: ExpressibleByArgument {}
extension Configuration.LogFormat: ExpressibleByArgument {}
