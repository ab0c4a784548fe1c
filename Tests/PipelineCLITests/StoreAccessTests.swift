import Fixtures
import Foundation
import GRDB
import Stages
import Testing

/// Who may use the store when (issue 12): one writer however the store is named, readers that
/// wait for a write or exit 75 saying so, a store made by a newer suiji refused.
@Suite(.serialized) struct StoreAccessTests {
    static let header = "统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类\n"
    static let good = "91140981MA0KDLX98K,原平市甲公司,企业,燃气经营企业,140981,存续,A\n"

    /// A folder with the plan and a one-row register in `s.sqlite`.
    static func workspace() throws -> URL {
        let folder = try temporaryFolder()
        let plan = try runSuiji(
            ["plan", "import", "--store", "s.sqlite", FixtureFiles.yuanpingPlan.path, "--year", "2024", "--region", "140981"], in: folder)
        #expect(plan.status == 0, "\(plan.stderr)")
        try Data((header + good).utf8).write(to: folder.appendingPathComponent("reg.csv"))
        let imported = try runSuiji(["import", "--store", "s.sqlite", "--department", "原平市市场监督管理局", "reg.csv"], in: folder)
        #expect(imported.status == 0, "\(imported.stderr)")
        return folder
    }

    /// The read commands, each with the store named as the tests name it.
    static let readCommands = [
        ["report", "--today", "2024-03-01"], ["draw", "show"], ["publish", "--dry-run", "--out", "outbox"], ["plan", "show"],
    ]

    @Test func twoWritersExcludeEachOtherThroughADotPathAnAbsolutePathOrALink() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(symlink(folder.appendingPathComponent("s.sqlite").path, folder.appendingPathComponent("link.sqlite").path) == 0)
        #expect(symlink(folder.path, folder.appendingPathComponent("alias").path) == 0)
        let real = RunLock.canonicalPath(folder.appendingPathComponent("s.sqlite").path)
        for held in ["./s.sqlite", folder.appendingPathComponent("s.sqlite").path, "link.sqlite", "alias/s.sqlite"] {
            // The lock as another writer takes it, through one name …
            let lock = try RunLock.acquire(
                path: RunLock.path(forStore: held.hasPrefix("/") ? held : folder.appendingPathComponent(held).path), command: "import")
            // … and suiji, through every other.
            for name in ["./s.sqlite", folder.appendingPathComponent("s.sqlite").path, "link.sqlite", "alias/s.sqlite"] where name != held {
                let result = try runSuiji(["import", "--store", name, "--department", "原平市市场监督管理局", "reg.csv"], in: folder)
                #expect(result.status == 75, "\(held) held, \(name) tried: \(result.stderr)")
                #expect(
                    result.stderr
                        == "suiji import: another suiji import (pid \(getpid())) holds the lock \(real).lock; nothing was done. Wait for it to finish, or check that process\n",
                    "\(name)")
            }
            withExtendedLifetime(lock) {}
        }
    }

    @Test func readCommandsDuringAWriteWaitForItOrExit75SayingSo() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("s.sqlite").path
        let before = try runSuiji(["plan", "show", "--store", "s.sqlite"], in: folder)
        #expect(before.status == 0)
        #expect(before.stdout.contains("燃气经营企业"))

        // A real writer: another connection in a write transaction (it has written, so it holds
        // SQLite's exclusive lock until it commits).
        let writer = try DatabaseQueue(path: store)
        defer { try? writer.close() }
        let committed = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let began = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? writer.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN EXCLUSIVE")
                try db.execute(sql: "UPDATE plan_tasks SET task_json = replace(task_json, '燃气经营企业', '燃气经营单位')")
                began.signal()
                release.wait()
                try db.execute(sql: "COMMIT")
            }
            committed.signal()
        }
        began.wait()
        for command in Self.readCommands {
            let result = try runSuiji(command + ["--store", "s.sqlite"], in: folder, environment: ["SUIJI_BUSY_TIMEOUT": "1"])
            #expect(result.status == 75, "\(command): \(result.stderr)")
            #expect(
                result.stderr
                    == "s.sqlite: error: the store is being written by another process and stayed locked for 1 s; nothing was read or written. Run this again when that command has finished\n",
                "\(command)")
            #expect(result.stdout.isEmpty)
        }
        // With time to wait, a read waits for the commit and reads what was committed.
        DispatchQueue.global().asyncAfter(deadline: .now() + 1) { release.signal() }
        let waited = try runSuiji(["plan", "show", "--store", "s.sqlite"], in: folder, environment: ["SUIJI_BUSY_TIMEOUT": "60"])
        committed.wait()
        #expect(waited.status == 0, "\(waited.stderr)")
        #expect(waited.stdout == before.stdout.replacingOccurrences(of: "燃气经营企业", with: "燃气经营单位"))
        #expect(waited.stdout != before.stdout)
    }

    @Test func aReadAfterAKilledWriteSaysTheNextWriterRecoversIt() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A killed writer's files: a write transaction that has spilled pages into the store (so
        // its journal is hot), copied as they are while it is open, as a kill -9 leaves them.
        let crashed = folder.appendingPathComponent("crashed")
        try FileManager.default.createDirectory(at: crashed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: folder.appendingPathComponent("reg.csv"), to: crashed.appendingPathComponent("reg.csv"))
        let writer = try DatabaseQueue(path: folder.appendingPathComponent("s.sqlite").path)
        try writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = 2")
            try db.execute(sql: "BEGIN")
            try db.execute(
                sql: """
                    CREATE TABLE half_written (x BLOB);
                    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 500)
                    INSERT INTO half_written SELECT randomblob(1000) FROM n;
                    """)
            for name in ["s.sqlite", "s.sqlite-journal"] {
                try FileManager.default.copyItem(at: folder.appendingPathComponent(name), to: crashed.appendingPathComponent(name))
            }
            try db.execute(sql: "ROLLBACK")
        }
        try writer.close()

        let read = try runSuiji(["report", "--store", "s.sqlite", "--today", "2024-03-01"], in: crashed)
        #expect(read.status == 75)
        #expect(
            read.stderr
                == "s.sqlite: error: the store holds the journal of a write that did not finish; nothing was read. The next suiji command that writes (an import, or the nightly `suiji run`) rolls it back; run this again after it\n"
        )
        #expect(read.stdout.isEmpty)
        // The next writer rolls the journal back; then reads work, and the half-written table is gone.
        let write = try runSuiji(["import", "--store", "s.sqlite", "--department", "原平市市场监督管理局", "reg.csv"], in: crashed)
        #expect(write.status == 0, "\(write.stderr)")
        #expect(try runSuiji(["report", "--store", "s.sqlite", "--today", "2024-03-01"], in: crashed).status == 0)
        let recovered = try DatabaseQueue(path: crashed.appendingPathComponent("s.sqlite").path)
        defer { try? recovered.close() }
        let (halfWritten, integrity) = try recovered.read { db in
            (try db.tableExists("half_written"), try String.fetchAll(db, sql: "PRAGMA integrity_check"))
        }
        #expect(!halfWritten)
        #expect(integrity == ["ok"])
    }

    @Test func aStoreMadeByANewerSuijiIsRefusedAndNotWritten() throws {
        let folder = try Self.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("s.sqlite")
        let queue = try DatabaseQueue(path: store.path)
        try queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v3: from the future')") }
        try queue.close()
        let before = try Data(contentsOf: store)
        let message =
            "s.sqlite: error: the store was made by a newer suiji (it has migration 'v3: from the future', which this one does not know); "
            + "nothing was read or written. Use that newer suiji (or a later one) with this store\n"
        for command in [["import", "--department", "原平市市场监督管理局", "reg.csv"]] + Self.readCommands {
            let result = try runSuiji(command + ["--store", "s.sqlite"], in: folder)
            #expect(result.status == 1, "\(command): \(result.stderr)")
            #expect(result.stderr == message, "\(command)")
        }
        #expect(try Data(contentsOf: store) == before)
    }
}

/// `suiji import FIFO` refuses at once instead of waiting for a writer with the store's lock held (issue 12).
@Suite struct SpecialInputCommandTests {
    @Test func anImportOfAFifoExits65AtOnceAndLeavesTheLockFree() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(mkfifo(folder.appendingPathComponent("pipe.csv").path, 0o644) == 0)
        let process = Process()
        process.executableURL = try suijiExecutable()
        process.arguments = ["import", "--store", "s.sqlite", "--department", "原平市市场监督管理局", "pipe.csv"]
        process.currentDirectoryURL = folder
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // A hang would hold the lock for ever: the test kills it after 30 s and fails.
        let watchdog = DispatchWorkItem { [pid = process.processIdentifier] in kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        watchdog.cancel()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 65)
        #expect(
            stderr
                == "note: creating the store s.sqlite\npipe.csv: error: a FIFO (named pipe), not a regular file: suiji reads only regular files; nothing was read\n"
        )
        let lock = try RunLock.acquire(path: RunLock.path(forStore: folder.appendingPathComponent("s.sqlite").path))
        withExtendedLifetime(lock) {}
    }
}

/// Control characters from the command line are refused and printed escaped (issue 12).
@Suite struct ControlCharacterCommandTests {
    @Test func aDepartmentOrSeedWithAControlCharacterIsRefusedAndPrintedEscaped() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data((StoreAccessTests.header + StoreAccessTests.good).utf8).write(to: folder.appendingPathComponent("reg.csv"))
        let department = try runSuiji(["import", "--store", "s.sqlite", "--department", "原平\u{7}局", "reg.csv"], in: folder)
        #expect(department.status == 65)
        #expect(
            department.stderr
                == "note: creating the store s.sqlite\nreg.csv: error: the department name '原平\\u{7}局' holds a control character, U+0007 (BEL), at character 3; it is refused\n"
        )
        #expect(department.stdout == "reg.csv: the file was rejected; the store is unchanged\n")
        let seed = try runSuiji(["draw", "run", "--store", "s.sqlite", "--seed", "\u{1B}[2J42"], in: folder)
        #expect(seed.status == 64)
        #expect(
            seed.stderr.contains(
                "--seed must be one line of printable characters (at most 256 bytes), without '|' or outer spaces: the seed '\\u{1B}[2J42' holds a control character, U+001B (ESC); a seed is one line of printable characters"
            ))
        #expect(!seed.stderr.contains("\u{1B}"))
    }
}
