import Fixtures
import Foundation
import Pipeline
import Stages
import Testing

/// `suiji run`: kill-and-rerun, the lock, idempotency, logs, and the demo county.
@Suite(.serialized) struct RunCommandTests {
    /// The demo county after nights 1 (registers, commitments) and 2 (seeds, draws): made once.
    static let base: Result<URL, any Error> = Result {
        let folder = try temporaryFolder().appendingPathComponent("base")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("inbox/plan"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FixtureFiles.url("demo/suiji.toml"), to: folder.appendingPathComponent("suiji.toml"))
        try FileManager.default.copyItem(at: FixtureFiles.yuanpingPlan, to: folder.appendingPathComponent("inbox/plan/yuanping-2024.tsv"))
        for (night, date) in [("night-1", "2023-12-28"), ("night-2", "2024-01-03")] {
            try copyTree(FixtureFiles.url("demo/\(night)/inbox"), into: folder.appendingPathComponent("inbox"))
            let result = try runNight(folder, date: date)
            guard result.status == 0 || result.status == 65 else {
                throw CocoaError(.featureUnsupported, userInfo: [NSLocalizedDescriptionKey: result.stderr])
            }
        }
        return folder
    }

    /// A copy of ``base`` with night X's inbox: results, two seeds, a changed inspector register and
    /// a new department's register big enough (> 4 MiB) to be killed in the middle of its import.
    static func nightX() throws -> URL {
        let folder = try temporaryFolder().appendingPathComponent("ws")
        try FileManager.default.copyItem(at: try base.get(), to: folder)
        try copyTree(FixtureFiles.url("demo/night-3/inbox"), into: folder.appendingPathComponent("inbox"))
        let inbox = folder.appendingPathComponent("inbox")
        try FileManager.default.createDirectory(at: inbox.appendingPathComponent("seeds"), withIntermediateDirectories: true)
        try "20240509-4471\n".write(to: inbox.appendingPathComponent("seeds/2024-G04-R1.txt"), atomically: true, encoding: .utf8)
        try "20240509-0932\n".write(to: inbox.appendingPathComponent("seeds/2024-G05-R1.txt"), atomically: true, encoding: .utf8)
        let transport = inbox.appendingPathComponent("inspectors/原平市交通运输局")
        try FileManager.default.createDirectory(at: transport, withIntermediateDirectories: true)
        // Last month's inspector register with one inspector more.
        let earlier = try String(
            contentsOf: folder.appendingPathComponent("archive/2023-12-28/inspectors/原平市交通运输局/执法人员名录.csv"), encoding: .utf8)
        try (earlier + "140981020009,郝玉,在岗,交通运输\r\n").write(
            to: transport.appendingPathComponent("执法人员名录-2024-05.csv"), atomically: true, encoding: .utf8)
        let culture = inbox.appendingPathComponent("registers/原平市文化和旅游局")
        try FileManager.default.createDirectory(at: culture, withIntermediateDirectories: true)
        let generated = try runSuiji(
            [
                "generate", "register", "--rows", "22000", "--seed", "77", "--bad-rate", "0.0001", "--department", "原平市文化和旅游局",
                "--out", culture.appendingPathComponent("文化市场主体-2024-05.csv").path, "--sidecar", "/dev/null",
            ], in: folder, executable: try suijiDevExecutable())
        #expect(generated.status == 0)
        return folder
    }

    static let nightXDate = "2024-05-10"

    static func runNight(_ folder: URL, date: String, kill: String? = nil, extra: [String] = []) throws -> CommandResult {
        var environment = ["SUIJI_NOW": "\(date)T22:00:00Z"]
        if let kill { environment["SUIJI_KILL_AT"] = kill }
        return try runSuiji(
            ["run", "--config", folder.appendingPathComponent("suiji.toml").path, "--today", date] + extra,
            in: folder, environment: environment)
    }

    /// The store's content as text (its schema and every row, read through GRDB: no `sqlite3` shell
    /// needed) and every file's SHA-256.
    static func snapshot(_ folder: URL) throws -> (store: String, files: [String: String]) {
        let text = try storeDump(folder.appendingPathComponent("suiji.sqlite"))
        var files: [String: String] = [:]
        let prefix = folder.standardizedFileURL.path + "/"
        if let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) {
            for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                let relative = String(url.standardizedFileURL.path.dropFirst(prefix.count))
                if relative.hasPrefix("suiji.sqlite") { continue }
                files[relative] = try FileDigest.of(path: url.path).sha256
            }
        }
        return (text, files)
    }

    @Test(.enabled(if: faultInjectionIsBuiltIn, "fault injection is compiled into debug builds only"))
    func killedAtAnyPointAndRunAgainEndsAsOneUninterruptedRun() throws {
        let reference = try Self.nightX()
        let uninterrupted = try Self.runNight(reference, date: Self.nightXDate)
        #expect(uninterrupted.status == 65)
        // The demo's suiji.toml sets [ui] language = "zh": the summary is in Chinese.
        #expect(uninterrupted.stdout.hasPrefix("2024-05-10 夜间运行：接收文件 5 个，导入 21,996 行，拒收 32 行，"))
        #expect(uninterrupted.stdout.contains("抽取 2 次，公示 3 项"))
        let expected = try Self.snapshot(reference)
        #expect(expected.files.keys.contains("reports/2024-05-10/run.json"))
        #expect(expected.store.contains("INSERT INTO draw_ledger"))

        let points = [
            "locked", "importing#1", "file-imported#1", "file-journaled#2", "file-moved#3", "file-imported#5",
            "prepared", "drawn#1", "drawn#2", "published", "report-written",
        ]
        for point in points {
            let workspace = try Self.nightX()
            let killed = try Self.runNight(workspace, date: Self.nightXDate, kill: point)
            #expect(killed.status == 9, "the run was not killed at \(point): exit \(killed.status)")
            #expect(killed.killedBySignal, "\(point)")
            try Self.runAgainAndCompare(workspace, with: uninterrupted, expected, after: "a kill at \(point)")
        }
    }

    @Test func killedFromOutsideAfterFixedDelaysAndRunAgainEndsAsOneUninterruptedRun() throws {
        // kill -9 from another process at moments the run does not choose (fixed delays: wherever
        // the run happens to be on this machine), then run again.
        let reference = try Self.nightX()
        let uninterrupted = try Self.runNight(reference, date: Self.nightXDate)
        let expected = try Self.snapshot(reference)
        for delay in [0.15, 0.4, 0.8, 1.3, 2.0] {
            let workspace = try Self.nightX()
            let process = Process()
            process.executableURL = try suijiExecutable()
            process.arguments = ["run", "--config", workspace.appendingPathComponent("suiji.toml").path, "--today", Self.nightXDate]
            process.environment = ProcessInfo.processInfo.environment.merging(["SUIJI_NOW": "\(Self.nightXDate)T22:00:00Z"]) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(delay * 1_000_000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try Self.runAgainAndCompare(workspace, with: uninterrupted, expected, after: "a kill after \(delay) s")
        }
    }

    /// Runs night X again in `workspace` and expects the summary, exit code, store and files of one uninterrupted run.
    static func runAgainAndCompare(
        _ workspace: URL, with uninterrupted: CommandResult, _ expected: (store: String, files: [String: String]),
        after what: String
    ) throws {
        let rerun = try runNight(workspace, date: nightXDate)
        #expect(rerun.status == uninterrupted.status, "exit code after \(what)")
        #expect(rerun.stdout.split(separator: "\n").first == uninterrupted.stdout.split(separator: "\n").first, "summary after \(what)")
        let got = try snapshot(workspace)
        #expect(got.store == expected.store, "store differs after \(what)")
        #expect(got.files == expected.files, "files differ after \(what)")
    }

    @Test func aSecondRunTheSameNightDoesNothing() throws {
        let workspace = try Self.nightX()
        let first = try Self.runNight(workspace, date: Self.nightXDate)
        let before = try Self.snapshot(workspace)
        let storeBytes = try Data(contentsOf: workspace.appendingPathComponent("suiji.sqlite"))
        let second = try Self.runNight(workspace, date: Self.nightXDate)
        #expect(second.status == first.status)
        #expect(second.stdout == first.stdout)
        #expect(second.stdout.hasPrefix("2024-05-10 夜间运行：接收文件 5 个"))
        let after = try Self.snapshot(workspace)
        #expect(after.store == before.store)
        #expect(after.files == before.files)
        #expect(try Data(contentsOf: workspace.appendingPathComponent("suiji.sqlite")) == storeBytes)
        // Nothing is left in the inbox to take.
        let left =
            FileManager.default.enumerator(atPath: workspace.appendingPathComponent("inbox").path)?
            .compactMap { $0 as? String }.filter { !$0.isEmpty && !Self.isFolder(workspace.appendingPathComponent("inbox/\($0)")) } ?? []
        #expect(left.isEmpty)
    }

    static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    @Test func aConcurrentRunExits75NamingTheHolder() throws {
        let workspace = try Self.nightX()
        let lock = try RunLock.acquire(path: RunLock.path(forStore: workspace.appendingPathComponent("suiji.sqlite").path))
        let before = try Self.snapshot(workspace)
        let second = try Self.runNight(workspace, date: Self.nightXDate)
        #expect(second.status == 75)
        // The demo's configuration sets Chinese.
        #expect(
            second.stderr.contains(
                "另一个 suiji run（进程号 \(getpid())）持有锁 \(workspace.appendingPathComponent("suiji.sqlite.lock").path)"))
        #expect(second.stdout.isEmpty)
        #expect(try Self.snapshot(workspace).files == before.files)
        withExtendedLifetime(lock) {}
    }

    @Test(.enabled(if: faultInjectionIsBuiltIn, "fault injection is compiled into debug builds only"))
    func aRunHoldingTheLockMakesASecondRunExit75() throws {
        // Two real runs: the first is held at its first checkpoint (stopped by SIGSTOP) while the second starts.
        let workspace = try Self.nightX()
        let first = Process()
        first.executableURL = try suijiExecutable()
        first.arguments = ["run", "--config", workspace.appendingPathComponent("suiji.toml").path, "--today", Self.nightXDate]
        first.environment = ProcessInfo.processInfo.environment.merging(["SUIJI_STOP_AT": "locked", "SUIJI_NOW": "2024-05-10T22:00:00Z"]) {
            $1
        }
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL) } }
        // Wait until the first run has written its pid into the lock file.
        let lockFile = workspace.appendingPathComponent("suiji.sqlite.lock").path
        for _ in 0..<200 where (try? String(contentsOfFile: lockFile, encoding: .utf8))?.hasPrefix("\(first.processIdentifier)") != true {
            usleep(50_000)
        }
        let second = try Self.runNight(workspace, date: Self.nightXDate)
        #expect(second.status == 75)
        #expect(second.stderr.contains("另一个 suiji run（进程号 \(first.processIdentifier)）持有锁"))
        kill(first.processIdentifier, SIGCONT)
        first.waitUntilExit()
        #expect(first.terminationStatus == 65)
        // The lock went with the first run: a third run takes it and finds nothing new.
        let third = try Self.runNight(workspace, date: Self.nightXDate)
        #expect(third.status == 65)
    }

    @Test func jsonLogLinesForLogCollectors() throws {
        let workspace = try Self.nightX()
        let result = try Self.runNight(workspace, date: Self.nightXDate, extra: ["--log-format", "json", "--log-level", "notice"])
        let lines = result.stderr.split(separator: "\n")
        #expect(!lines.isEmpty)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["time"] as? String == "2024-05-10T22:00:00Z", "\(line)")
            #expect(["notice", "warning", "error"].contains(object?["level"] as? String ?? ""), "\(line)")
            #expect(object?["message"] is String)
        }
        #expect(result.stderr.contains(#""message":"drawn""#))
        #expect(!result.stderr.contains("\r"), "no progress line when standard error is not a terminal")
    }

    @Test func onATerminalLongImportsShowAProgressLine() throws {
        // `script` (util-linux, in every Debian) runs the command on a pseudo-terminal.
        let workspace = try Self.nightX()
        let command = [
            try suijiExecutable().path, "run", "--config", workspace.appendingPathComponent("suiji.toml").path,
            "--today", Self.nightXDate, "--log-level", "error",
        ].map { "'\($0)'" }.joined(separator: " ")
        let result = try runSuiji(
            [], in: workspace, environment: ["SUIJI_NOW": "2024-05-10T22:00:00Z"],
            executable: URL(fileURLWithPath: "/usr/bin/script"), arguments: ["-qec", command, "/dev/null"])
        #expect(result.status == 65)
        let clear = "\r\u{1B}[2K"
        #expect(result.stdout.contains(clear + "[1/5] registers/原平市文化和旅游局/文化市场主体-2024-05.csv"))
        #expect(result.stdout.contains(clear + "registers/原平市文化和旅游局/文化市场主体-2024-05.csv: "))
        #expect(result.stdout.contains(clear + "drawing 2024-G04 round 1 [1/2]"))
        #expect(result.stdout.contains("2024-05-10 夜间运行：接收文件 5 个"))
    }

    @Test func theReportHasTheRequiredKeys() throws {
        let workspace = try Self.nightX()
        _ = try Self.runNight(workspace, date: Self.nightXDate)
        let data = try Data(contentsOf: workspace.appendingPathComponent("reports/2024-05-10/run.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["filesTaken"] as? Int == 5)
        #expect(object["rowsImported"] as? Int == 21996)
        #expect(object["rowsRejected"] as? Int == 32)
        #expect(object["draws"] as? Int == 2)
        #expect(object["publications"] as? Int == 3)
        #expect(object["overdue"] as? Int == 2)
        #expect(object["exitCode"] as? Int == 65)
        #expect(object["commitmentsAwaitingSeed"] is Int)
        #expect(object["generator"] as? String == SuijiVersion.generator)
        let text = try String(contentsOf: workspace.appendingPathComponent("reports/2024-05-10/run.txt"), encoding: .utf8)
        // run.txt is in the language of the pages: the demo's suiji.toml sets zh.
        #expect(text.hasPrefix("suiji 夜间运行，2024-05-10：退出码 65，有输入被拒收或有抽取受阻：见下文\n"))
        #expect(text.contains("\n接收的文件 (5)\n"))
    }

    @Test func theDemoIsTheReadmesFirstCommand() throws {
        let folder = try temporaryFolder()
        let result = try runSuiji(["demo", "--workspace", "county"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(
            lines.contains(
                "  night 2023-12-28: 12 files taken (1 rejected), 3,071 rows imported, 30 rejected, 37 commitments awaiting a seed, 0 draws, 0 publications, 0 overdue; exit 65"
            ))
        #expect(
            lines.contains(
                "  night 2024-01-03: 4 files taken, 0 rows imported, 0 rejected, 33 commitments awaiting a seed, 4 draws, 0 publications, 0 overdue; exit 0"
            ))
        #expect(
            lines.contains(
                "  night 2024-05-10: 1 file taken, 17 rows imported, 2 rejected, 34 commitments awaiting a seed, 0 draws, 3 publications, 2 overdue; exit 65"
            ))
        #expect(lines.contains("suiji nightly run, 2024-05-10: exit 65, some input was rejected or a draw was blocked: see below"))
        // The quotas of issue 15 (apportioned, D visited twice): G02 draws 3 (A 0 · B 1 · C 1 · D 1),
        // G35 11 (A 2 · B 5 · C 4); the results of night 3 name them.
        for line in [
            "  1409812024P002R01: 3 added, 0 changed, 0 withdrawn", "  1409812024P003R01: 3 added, 0 changed, 0 withdrawn",
            "  1409812024P035R01: 11 added, 0 changed, 0 withdrawn",
            "  risk classification applied this year: 100.0% (30 of 30 drawn objects; required 95%)",
        ] {
            #expect(lines.contains(line), "\(line)")
        }
        let readme = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../README.md"),
            encoding: .utf8)
        #expect(readme.contains("swift run suiji demo "))
        for date in ["2023-12-28", "2024-01-03", "2024-05-10"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("county/reports/\(date)/run.json").path))
        }
    }
}

/// Copies every file under `source` to the same place under `destination`.
func copyTree(_ source: URL, into destination: URL) throws {
    let prefix = source.standardizedFileURL.path + "/"
    guard let walker = FileManager.default.enumerator(at: source, includingPropertiesForKeys: [.isRegularFileKey]) else { return }
    for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
        let target = destination.appendingPathComponent(String(url.standardizedFileURL.path.dropFirst(prefix.count)))
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: url, to: target)
    }
}
