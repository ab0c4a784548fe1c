import ArgumentParser
import Foundation
import Stages

/// Options every command shares.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The SQLite store (default: the configuration's `store`, else ./suiji.sqlite).")
    var store: String?

    @Option(help: "The configuration file (default: ./suiji.toml if present).")
    var config: String?

    /// The configuration in force: the file given, ./suiji.toml, or the defaults.
    func configuration() throws -> Configuration { try Self.configuration(config) }

    /// The configuration in force for a `--config` value (nil: ./suiji.toml, or the defaults).
    static func configuration(_ config: String?) throws -> Configuration {
        let cwd = FileManager.default.currentDirectoryPath
        // With --config, `locate` returns its path even if missing, and loading reports that.
        guard let path = Configuration.locate(explicitPath: config, workingDirectory: cwd) else { return Configuration.defaults }
        do {
            return try Configuration.load(path: path, displayName: config ?? Configuration.fileName)
        } catch {
            printError(String(describing: error))
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }

    /// The store path in force: `--store`, else the configuration's.
    func storePath(_ configuration: Configuration) -> String {
        store ?? configuration.resolvedPath(\.store)
    }
}

/// Which stored plan a command means: `--year` and `--region`, else the configuration's, else the only plan stored.
struct PlanKeyOptions: ParsableArguments {
    @Option(help: "The plan year (default: the configuration's year, or the only plan stored).")
    var year: Int?

    @Option(help: "The region code (default: the configuration's region).")
    var region: String?
}

/// The store for a command. One that writes first takes the store's lock (`<store>.lock`, the nightly
/// run's), so that it never runs beside a night or another writer: exit 75 naming the holder if it is taken.
func openStore(_ path: String, access: StoreAccess = .readWrite, command: String) throws -> Store {
    guard access == .readWrite else { return try Store(path: path, access: access) }
    let lock: RunLock
    do {
        lock = try RunLock.acquire(path: RunLock.path(forStore: path), command: command)
    } catch let held as RunLockHeld {
        printError("suiji \(command): \(held)")
        throw ExitCode(ExitStatus.locked.rawValue)
    }
    return try Store(path: path, access: access, holding: lock)
}

/// Writes a line to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Ends the command with a suiji exit status (0 returns normally).
func finish(with status: ExitStatus) throws {
    if status != .success { throw ExitCode(status.rawValue) }
}
