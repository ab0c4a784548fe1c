// Why this exists: the tests that need a program from Debian (Chromium for the page tests, the
// PostgreSQL 15 server for the PostgreSQL tests) install it themselves on a fresh machine, one way:
// this file. It also runs a program and collects its output, for both.

import Foundation

/// Installs missing Debian packages for the tests, and runs programs.
///
/// `swift test` must work on a fresh machine: the first test that needs a package installs it when
/// it is missing, with `apt-get update` and `apt-get install -y --no-install-recommends`, when the
/// tests run as root (CI, containers). Otherwise, or when apt-get fails, the test fails saying what
/// to install; it is never skipped. `.ci/run` installs the same packages up front.
enum DebianPackages {
    /// `apt-get update` and `apt-get install` of `packages`, as root; throws saying what to do otherwise.
    /// `purpose` names the tests that need them ("the page tests").
    static func install(_ packages: [String], for purpose: String) throws {
        let command = "apt-get install -y --no-install-recommends \(packages.joined(separator: " "))"
        guard getuid() == 0 else {
            throw PackageError(
                "\(purpose) need \(packages.joined(separator: " and ")), which are missing, and the tests do not run as root to install them; run: sudo \(command)"
            )
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/apt-get") else {
            throw PackageError("\(purpose) need \(packages.joined(separator: " and ")) and this machine has no apt-get; install them")
        }
        let environment = ["DEBIAN_FRONTEND": "noninteractive"]
        // Another apt (another test process, another checkout) may hold the lock: wait for it.
        let wait = ["-o", "DPkg::Lock::Timeout=600"]
        let update = try run("/usr/bin/apt-get", wait + ["update", "-qq"], environment: environment, timeout: 900)
        guard update.status == 0 else {
            throw PackageError("apt-get update failed (exit \(update.status)); then run: \(command)\n\(update.output)\(update.errors)")
        }
        let installed = try run(
            "/usr/bin/apt-get", wait + ["install", "-y", "-qq", "--no-install-recommends"] + packages, environment: environment,
            timeout: 1800)
        guard installed.status == 0 else {
            throw PackageError("\(command) failed (exit \(installed.status)):\n\(installed.output)\(installed.errors)")
        }
    }

    /// Runs a program and returns its exit status, its standard output and its standard error.
    @discardableResult
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval
    ) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // Files, not pipes: a chatty child never blocks on a full pipe while we wait for it.
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("suiji-run-\(UUID().uuidString)")
        let (out, err) = (base.appendingPathExtension("out"), base.appendingPathExtension("err"))
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        let (outHandle, errHandle) = (try FileHandle(forWritingTo: out), try FileHandle(forWritingTo: err))
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            throw PackageError("\(executable) \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        try outHandle.close()
        try errHandle.close()
        return (
            process.terminationStatus, (try? String(contentsOf: out, encoding: .utf8)) ?? "",
            (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        )
    }
}

/// Why a program the tests need could not be installed or run, and what to do.
struct PackageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
