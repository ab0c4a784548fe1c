import Fixtures
import Foundation
import GRDB
import Stages
import Testing

/// The store survives its readers: a large import and a nightly run commit, and the store stays
/// whole, while other processes and connections read it in a loop (issue 12).
///
/// The readers are those a county's IT staff run beside a night: the `sqlite3` shell every 50 ms
/// (Debian's `sqlite3`; skipped with a note where it is not installed), a GRDB connection in this
/// process every 50 ms, and suiji's own read commands (`report`, `draw show`, `publish --dry-run`,
/// `plan show`) one after another. Before the fix, the importer's writeback hint opened and closed
/// a second descriptor on the store, which drops every POSIX lock the process holds on it; the
/// next reader then rolled the "hot" journal back under the writer, and the import failed with
/// `disk I/O error` at COMMIT and left `btreeInitPage() returns error code 11`.
@Suite(.serialized) struct ConcurrentReadersTests {
    /// Rows of the large register: about 106 MiB of CSV, made once per test run by `suiji-dev generate register`.
    static let bigRows = 460_000

    /// The large register, generated once into a temporary folder and shared by the tests.
    static let bigRegister: Result<URL, any Error> = Result {
        let folder = try temporaryFolder()
        let file = folder.appendingPathComponent("大型登记表.csv")
        let generated = try runSuiji(
            [
                "generate", "register", "--rows", "\(bigRows)", "--seed", "1212", "--department", "原平市市场监督管理局",
                "--out", file.path, "--sidecar", "/dev/null",
            ], in: folder, executable: try suijiDevExecutable())
        guard generated.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: generated.stderr]) }
        return file
    }

    /// A store with the 2024 plan and a small register: every read command has something to read.
    static func seededWorkspace() throws -> URL {
        let folder = try temporaryFolder()
        try FileManager.default.copyItem(at: FixtureFiles.url("demo/suiji.toml"), to: folder.appendingPathComponent("suiji.toml"))
        let plan = try runSuiji(["plan", "import", FixtureFiles.yuanpingPlan.path], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        let small = try runSuiji(
            [
                "generate", "register", "--rows", "2000", "--seed", "5", "--department", "原平市交通运输局", "--out", "small.csv",
                "--sidecar", "/dev/null",
            ], in: folder, executable: try suijiDevExecutable())
        #expect(small.status == 0)
        let imported = try runSuiji(["import", "--department", "原平市交通运输局", "small.csv"], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        return folder
    }

    /// A 100 MiB `suiji import` into an existing store while readers loop: the import commits and
    /// `PRAGMA integrity_check` says ok; no reader saw a broken store or was told it could not write.
    @Test func aHundredMebibyteImportCommitsWhileReadersLoop() throws {
        let big = try Self.bigRegister.get()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: big.path)[.size] as? Int)
        #expect(size >= 100 << 20)
        let folder = try Self.seededWorkspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("suiji.sqlite").path

        let readers = ReaderLoops(store: store, folder: folder)
        readers.start()
        let result = try runSuiji(["import", "--department", "原平市市场监督管理局", big.path], in: folder)
        let outcomes = readers.stop()

        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.hasPrefix(
                // The folder's suiji.toml (the demo's) sets [ui] language = "zh".
                "已从 \(big.path) 导入原平市市场监督管理局的市场主体名录：读取 460,000 行，导入 460,000 行，拒收 0 行；"),
            "\(result.stdout)")
        try Self.expectWholeStore(store, imports: [("register:原平市市场监督管理局", Self.bigRows, try FileDigest.of(path: big.path).sha256)])
        outcomes.expectHarmless()
    }

    /// The same for `suiji run`: the night takes the 100 MiB register from the inbox while readers loop.
    @Test func aNightlyRunOfAHundredMebibytesCommitsWhileReadersLoop() throws {
        let big = try Self.bigRegister.get()
        let folder = try Self.seededWorkspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("suiji.sqlite").path
        let department = folder.appendingPathComponent("inbox/registers/原平市市场监督管理局")
        try FileManager.default.createDirectory(at: department, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: big, to: department.appendingPathComponent("登记表.csv"))

        let readers = ReaderLoops(store: store, folder: folder)
        readers.start()
        // 2023-12-01: no round of the 2024 plan starts within the lead time, so the night only imports.
        let result = try runSuiji(
            ["run", "--config", folder.appendingPathComponent("suiji.toml").path, "--today", "2023-12-01"], in: folder,
            environment: ["SUIJI_NOW": "2023-12-01T22:00:00Z"])
        let outcomes = readers.stop()

        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("2023-12-01 夜间运行：接收文件 1 个，导入 460,000 行，拒收 0 行"), "\(result.stdout)")
        try Self.expectWholeStore(
            store,
            imports: [
                (
                    "register:原平市市场监督管理局", Self.bigRows,
                    try FileDigest.of(path: folder.appendingPathComponent("archive/2023-12-01/registers/原平市市场监督管理局/登记表.csv").path)
                        .sha256
                )
            ])
        outcomes.expectHarmless()
    }

    /// `PRAGMA integrity_check` is ok and the import is stored with its rows and content hash.
    static func expectWholeStore(_ path: String, imports: [(scope: String, rows: Int, sha256: String)]) throws {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.read { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            for expected in imports {
                let row = try Row.fetchOne(
                    db, sql: "SELECT rows_imported, content_sha256 FROM imports WHERE scope_key = ? ORDER BY id DESC LIMIT 1",
                    arguments: [expected.scope])
                #expect(row?["rows_imported"] == expected.rows)
                #expect(row?["content_sha256"] == expected.sha256)
                #expect(
                    try Int.fetchOne(
                        db,
                        sql:
                            "SELECT COUNT(*) FROM register_rows WHERE valid_to_import IS NULL AND department_id = (SELECT id FROM departments WHERE name = ?)",
                        arguments: [String(expected.scope.dropFirst("register:".count))]) == expected.rows)
            }
        }
    }
}

/// What the readers saw.
struct ReaderOutcomes {
    /// Reads by the `sqlite3` shell (nil: not installed), by GRDB, and by suiji's commands.
    var shellReads: [(status: Int32, output: String)]?
    var grdbReads: [String?] = []
    var suijiReads: [(command: String, result: CommandResult)] = []
    /// How many reads of each kind had ended when the writer ended: shell, GRDB, suiji.
    var endedBesideTheWriter = (shell: 0, grdb: 0, suiji: 0)

    /// How many times each reader reads at least, however quickly the writer ends.
    static let minimumShellReads = 5
    /// See ``minimumShellReads``.
    static let minimumGRDBReads = 5
    /// See ``minimumShellReads``: one round of suiji's four read commands.
    static let minimumSuijiReads = 4

    /// Every reader ran, and none saw anything but a count, a busy store, or a command's ordinary output.
    func expectHarmless() {
        if let shellReads {
            #expect(shellReads.count >= Self.minimumShellReads, "the sqlite3 reader ran \(shellReads.count) times")
            for read in shellReads where read.status != 0 {
                #expect(read.output.contains("database is locked"), "sqlite3: \(read.output)")
            }
        }
        #expect(grdbReads.count >= Self.minimumGRDBReads, "the GRDB reader ran \(grdbReads.count) times")
        for case let error? in grdbReads {
            #expect(error.contains("database is locked"), "GRDB: \(error)")
        }
        #expect(suijiReads.count >= Self.minimumSuijiReads, "suiji's read commands ran \(suijiReads.count) times")
        // The readers overlapped the writer: each kind had ended a read before the writer ended.
        if shellReads != nil { #expect(endedBesideTheWriter.shell >= 1, "no sqlite3 read ended while the writer ran") }
        #expect(endedBesideTheWriter.grdb >= 1, "no GRDB read ended while the writer ran")
        #expect(endedBesideTheWriter.suiji >= 1, "no suiji read command ended while the writer ran")
        for (command, result) in suijiReads {
            #expect([0, 75].contains(result.status), "suiji \(command): exit \(result.status): \(result.stderr)")
            #expect(!result.stderr.contains("readonly"), "suiji \(command): \(result.stderr)")
            if result.status == 75 {
                // In the configuration's language (the workspace's is Chinese).
                #expect(
                    result.stderr.contains("is being written by another suiji command") || result.stderr.contains("正被另一个 suiji 命令写入"),
                    "suiji \(command): \(result.stderr)")
            }
        }
    }
}

/// Readers that loop over one store until stopped, each on a thread of its own.
final class ReaderLoops: @unchecked Sendable {
    let store: String
    let folder: URL
    private let lock = NSLock()
    private var stopped = false
    private var outcomes = ReaderOutcomes()
    private var commandsRun = 0
    private var threads: [Thread] = []
    private let finished = DispatchGroup()

    init(store: String, folder: URL) {
        self.store = store
        self.folder = folder
    }

    var isStopped: Bool { lock.withLock { stopped } }

    /// Starts the readers.
    func start() {
        if let shell = Self.sqlite3() {
            outcomes.shellReads = []
            loop(every: 0.05, atLeast: ReaderOutcomes.minimumShellReads) { [self] in
                let process = Process()
                process.executableURL = shell
                process.arguments = [store, "SELECT COUNT(*) FROM imports"]
                let out = Pipe()
                process.standardOutput = out
                process.standardError = out
                guard (try? process.run()) != nil else { return }
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                lock.withLock { outcomes.shellReads?.append((process.terminationStatus, text)) }
            }
        } else {
            print("note: sqlite3 is not installed; the sqlite3 reader of the reader-loop test is skipped (the GRDB and suiji readers run)")
        }
        loop(every: 0.05, atLeast: ReaderOutcomes.minimumGRDBReads) { [self] in
            var failure: String?
            do {
                let queue = try DatabaseQueue(path: store)
                _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM imports") }
                try queue.close()
            } catch {
                failure = String(describing: error)
            }
            lock.withLock { outcomes.grdbReads.append(failure) }
        }
        let commands = [
            ["report", "--today", "2024-03-01"], ["draw", "show"], ["publish", "--dry-run", "--out", "outbox"], ["plan", "show"],
        ]
        loop(every: 0, atLeast: ReaderOutcomes.minimumSuijiReads) { [self] in
            let command = lock.withLock {
                defer { commandsRun += 1 }
                return commands[commandsRun % commands.count]
            }
            guard let result = try? runSuiji(command + ["--store", store], in: folder) else { return }
            lock.withLock { outcomes.suijiReads.append((command.joined(separator: " "), result)) }
        }
    }

    /// Stops the readers, waits for each to end its current read, and returns what they saw.
    ///
    /// A reader that has not yet read its minimum number of times goes on until it has: how many
    /// reads fit beside the writer depends on the machine's load (on CI, a night of 460,000 rows
    /// left time for only two suiji commands), and the reads after the writer's end still check
    /// that the committed store reads whole.
    func stop() -> ReaderOutcomes {
        lock.withLock {
            stopped = true
            outcomes.endedBesideTheWriter = (outcomes.shellReads?.count ?? 0, outcomes.grdbReads.count, outcomes.suijiReads.count)
        }
        finished.wait()
        return lock.withLock { outcomes }
    }

    private func loop(every interval: TimeInterval, atLeast minimum: Int, _ body: @escaping @Sendable () -> Void) {
        finished.enter()
        let thread = Thread { [self] in
            var reads = 0
            while !isStopped || reads < minimum {
                body()
                reads += 1
                if interval > 0 { Thread.sleep(forTimeInterval: interval) }
            }
            finished.leave()
        }
        threads.append(thread)
        thread.start()
    }

    /// Debian's `sqlite3` shell, if installed.
    static func sqlite3() -> URL? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let url = URL(fileURLWithPath: String(folder)).appendingPathComponent("sqlite3")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return nil
    }
}
