import DevKit
import Foundation
import GRDB

/// Whether the `suiji` under test has the nightly run's fault injection (SUIJI_KILL_AT, SUIJI_STOP_AT):
/// only a debug build does (`SUIJI_TESTING`, set for debug builds of `suiji` and of these tests alike).
#if SUIJI_TESTING
let faultInjectionIsBuiltIn = true
#else
let faultInjectionIsBuiltIn = false
#endif

/// The output of one run of the `suiji` binary.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
    /// True when the process ended by a signal (then `status` is the signal number).
    var killedBySignal = false
}

/// The built `suiji` executable, beside the test bundle in the build products folder.
func suijiExecutable() throws -> URL { try builtExecutable("suiji") }

/// The built `suiji-dev` executable (the development tools), beside `suiji`.
func suijiDevExecutable() throws -> URL { try builtExecutable("suiji-dev") }

/// An executable of this package, beside the test bundle in the build products folder.
func builtExecutable(_ name: String) throws -> URL {
    var candidates: [URL] = []
    if let executable = Bundle.main.executableURL { candidates.append(executable.deletingLastPathComponent()) }
    candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
    candidates.append(Bundle.main.bundleURL.deletingLastPathComponent())
    for folder in candidates {
        var url = folder
        for _ in 0..<4 {
            let binary = url.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: binary.path) { return binary }
            url = url.deletingLastPathComponent()
        }
    }
    throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "\(name) binary not found near \(candidates)"])
}

/// Runs `suiji` with arguments in a working directory (or another executable, such as `script`, that runs it).
func runSuiji(
    _ arguments: [String], in directory: URL, environment: [String: String] = [:], executable: URL? = nil,
    arguments wrapperArguments: [String]? = nil
) throws -> CommandResult {
    let process = Process()
    process.executableURL = try executable ?? suijiExecutable()
    process.arguments = wrapperArguments ?? arguments
    process.currentDirectoryURL = directory
    // English unless a test asks for another language: the machine's locale must not change what the tests read.
    var inherited = ProcessInfo.processInfo.environment
    for name in ["LC_ALL", "LC_MESSAGES"] { inherited[name] = nil }
    inherited["LANG"] = "C.UTF-8"
    process.environment = inherited.merging(environment) { $1 }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read before waiting, so a large output cannot fill the pipe and block the child.
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self),
        killedBySignal: process.terminationReason == .uncaughtSignal)
}

/// A fresh temporary folder, removed with the others when the test process exits.
func temporaryFolder() throws -> URL { try ScratchFolder.make("cli") }

/// A store's content as text: each object's SQL, then each table's rows in storage order, one line a
/// row (what `sqlite3 .dump` shows, read through GRDB so that no shell is needed).
func storeDump(_ store: URL) throws -> String {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: store.path, configuration: configuration)
    defer { try? queue.close() }
    return try queue.read { db in
        var lines: [String] = []
        let objects = try Row.fetchAll(db, sql: "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type, name")
        for object in objects {
            lines.append(object["sql"] as String)
            guard object["type"] as String == "table" else { continue }
            let name: String = object["name"]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(name.quotedDatabaseIdentifier)") {
                lines.append("INSERT INTO \(name) VALUES(" + row.databaseValues.map(\.description).joined(separator: ",") + ");")
            }
        }
        return lines.joined(separator: "\n")
    }
}
