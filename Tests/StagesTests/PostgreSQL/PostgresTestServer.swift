// Why this exists: the PostgreSQL tests run against a real server, a private one: a PostgreSQL 15
// cluster made with initdb in a temporary folder, on a free port, started once per test process
// when a test first asks for it, shared by every suite, and stopped (and its folder removed) when
// the process ends, however it ends.

import Foundation
import Testing

@testable import Stages

/// A private PostgreSQL 15 cluster for the tests.
///
/// initdb refuses to run as root, so the cluster's folder belongs to the `postgres` user (Debian's
/// package makes it) and the server's programs run as that user (`runuser -u postgres`) when the
/// tests run as root; otherwise as the tests' own user. When `/usr/lib/postgresql/15/bin/initdb` is
/// missing, the package `postgresql-15` is installed first (``DebianPackages``), as `.ci/run` does.
/// The server listens on 127.0.0.1 at a free port and on a unix socket in its folder; trust
/// authentication (only this machine reaches it); `fsync` off (a test cluster need not survive a
/// power cut: a killed client, which the kill tests make, is another matter and is unaffected).
final class PostgresTestServer: Sendable {
    /// The server's programs.
    static let binaries = "/usr/lib/postgresql/15/bin"
    /// The cluster's folder (data, socket, log).
    let folder: String
    /// The TCP port on 127.0.0.1.
    let port: Int
    /// The superuser.
    let superuser = "postgres"

    /// Started on first use, once per test process; the error, if it could not be, fails each test that asks.
    static let shared: Result<PostgresTestServer, any Error> = Result { try start() }

    /// The shared server, started if it is not yet.
    static func get() throws -> PostgresTestServer { try shared.get() }

    private init(folder: String, port: Int) {
        self.folder = folder
        self.port = port
    }

    /// The address of a database of this server, as a role.
    func address(database: String, user: String? = nil) -> PostgresAddress {
        PostgresAddress(user: user ?? superuser, host: "127.0.0.1", port: port, database: database)
    }

    /// A new database without a schema; its address as the superuser.
    /// With `icuLocale` (such as `zh`), the database sorts text by that ICU collation, as a
    /// province's database made for Chinese would, instead of by bytes.
    func emptyDatabase(icuLocale: String? = nil) throws -> PostgresAddress {
        let name = "suiji_test_\(UUID().uuidString.prefix(8).lowercased())"
        let admin = try PostgresSession.connect(address(database: "postgres"), applicationName: "suiji tests")
        defer { admin.close() }
        // The locale is a test's constant: nothing to quote.
        try admin.execute(
            "CREATE DATABASE \(name)" + (icuLocale.map { " TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE '\($0)' LOCALE 'C'" } ?? ""))
        return address(database: name)
    }

    /// A new empty database with the schema and the county roles of `regions`; its address as the superuser.
    func freshDatabase(regions: [String] = [], icuLocale: String? = nil) throws -> PostgresAddress {
        let address = try emptyDatabase(icuLocale: icuLocale)
        let session = try PostgresSession.connect(address, applicationName: "suiji tests")
        defer { session.close() }
        try PostgresSchema.install(session)
        for region in regions { try PostgresSchema.createCountyRole(session, region: region) }
        return address
    }

    /// Runs a server program as the cluster's owner, its output to `folder/commands.log`; its exit status.
    ///
    /// Through `posix_spawn` and `waitpid`, not `Process`: `pg_ctl start` leaves the server running
    /// with the descriptors it inherited, and `Process` would wait for those to close, that is for ever.
    private static func runAsOwner(_ program: String, _ arguments: [String], folder: String) -> Int32 {
        let quoted = ([binaries + "/" + program] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let command = (getuid() == 0 ? "exec /usr/sbin/runuser -u postgres -- " : "exec ") + quoted.joined(separator: " ")
        return shell("\(command) </dev/null >>'\(folder)/commands.log' 2>&1")
    }

    /// Runs `/bin/sh -c command` and waits for that shell only; its exit status (-1 if it could not start).
    private static func shell(_ command: String) -> Int32 {
        var pid = pid_t()
        var argv: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (text: String) in strdup(text) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, &argv, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return -1 }
        }
        return (status >> 8) & 0xff
    }

    /// What the server's programs and the server wrote, for a failure's message.
    private static func logs(_ folder: String) -> String {
        ["commands.log", "server.log"].map { (try? String(contentsOfFile: folder + "/" + $0, encoding: .utf8)) ?? "" }.joined(
            separator: "\n")
    }

    private static func start() throws -> PostgresTestServer { try start(options: "", prepare: { _ in }) }

    /// Another private cluster, for the tests of how a connection is made (TLS, passwords):
    /// `options` are added to the server's, and `prepare` may write into the data folder (its files
    /// are then given to the cluster's owner) before the server starts. Stopped at exit, like the shared one.
    static func startAnother(options: String, prepare: (_ data: String) throws -> Void) throws -> PostgresTestServer {
        _ = try get() // installs the server's programs if need be
        return try start(options: options, prepare: prepare)
    }

    private static func start(options extra: String, prepare: (_ data: String) throws -> Void) throws -> PostgresTestServer {
        if !FileManager.default.isExecutableFile(atPath: "\(binaries)/initdb") {
            try DebianPackages.install(["postgresql-15"], for: "the PostgreSQL tests")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("suiji-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        if getuid() == 0 {
            let owned = try DebianPackages.run("/bin/chown", ["postgres:postgres", folder], timeout: 30)
            guard owned.status == 0 else { throw PackageError("chown postgres \(folder) failed: \(owned.errors)") }
        }
        let data = folder + "/data"
        let initdb = runAsOwner(
            "initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"], folder: folder)
        guard initdb == 0 else { throw PackageError("initdb failed (exit \(initdb)):\n\(logs(folder))") }
        try prepare(data)
        if getuid() == 0 {
            let owned = try DebianPackages.run("/bin/chown", ["-R", "postgres:postgres", data], timeout: 30)
            guard owned.status == 0 else { throw PackageError("chown postgres \(data) failed: \(owned.errors)") }
        }
        let port = try freePort()
        let options = "-p \(port) -k \(folder) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60 \(extra)"
        let started = runAsOwner(
            "pg_ctl", ["-D", data, "-o", options, "-l", folder + "/server.log", "-w", "-t", "60", "start"], folder: folder)
        guard started == 0 else { throw PackageError("pg_ctl start failed (exit \(started)):\n\(logs(folder))") }
        let server = PostgresTestServer(folder: folder, port: port)
        if stopAtExit.isEmpty { atexit { PostgresTestServer.stopNow() } }
        stopAtExit.append((data, folder))
        watchForCrash(data: data, folder: folder)
        return server
    }

    /// The clusters to stop when the process exits (started one at a time, under `Result`'s or a test's own thread).
    nonisolated(unsafe) private static var stopAtExit: [(data: String, folder: String)] = []

    /// Stops the servers at once and removes their folders (at exit).
    private static func stopNow() {
        let clusters = stopAtExit
        stopAtExit = []
        for (data, folder) in clusters {
            _ = runAsOwner("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"], folder: folder)
            try? FileManager.default.removeItem(atPath: folder)
        }
    }

    /// A watcher that stops the server should this process die without running its exit handlers
    /// (a crash, kill -9): it polls for the process, then stops the cluster and removes the folder.
    private static func watchForCrash(data: String, folder: String) {
        let owner = getuid() == 0 ? "/usr/sbin/runuser -u postgres -- " : ""
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 2; done
            if [ -d '\(data)' ]; then \(owner)\(binaries)/pg_ctl -D '\(data)' -m immediate -w stop >/dev/null 2>&1; rm -rf '\(folder)'; fi
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick).
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw PackageError("socket() failed") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw PackageError("bind() failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw PackageError("getsockname() failed") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
