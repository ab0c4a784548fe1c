import Foundation
import Stages
import Testing

@Suite("suiji import")
struct ImportCommandTests {
    static let header = "统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类\n"
    static let good = "91140981MA0KDLX98K,原平市甲公司,企业,燃气经营企业,140981,存续,A\n"
    static let bad = "91140981MA0KDLXA0U,原平市乙公司,企业,燃气经营企业,140981,存续,E\n"

    @Test func rejectedRowsGoToStderrAndTheRejectsFileWithExit65() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data((Self.header + Self.good + Self.bad).utf8).write(to: folder.appendingPathComponent("reg.csv"))
        let result = try runSuiji(["import", "--department", "原平市市场监督管理局", "reg.csv"], in: folder)
        #expect(result.status == 65)
        #expect(
            result.stderr
                == "note: creating the store suiji.sqlite\nreg.csv:3:7: error: risk_class 'E' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty [uscc=91140981MA0KDLXA0U]\n"
        )
        #expect(
            result.stdout.hasPrefix(
                "imported the register of 原平市市场监督管理局 from reg.csv: 2 rows read, 1 imported, 1 rejected; entities: 1 added, 0 changed, 0 removed, 0 unchanged; "
            ))
        let rejects = try String(contentsOf: folder.appendingPathComponent("rejects/reg.csv.rejects.csv"), encoding: .utf8)
        #expect(
            rejects
                == "统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类,line,reason\r\n91140981MA0KDLXA0U,原平市乙公司,企业,燃气经营企业,140981,存续,E,3,\"risk_class 'E' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty\"\r\n"
        )

        let again = try runSuiji(["import", "--department", "原平市市场监督管理局", "reg.csv"], in: folder)
        #expect(again.status == 0)
        #expect(again.stdout.hasSuffix("is already the latest register of 原平市市场监督管理局; nothing to do\n"))
    }

    @Test func aDryRunWritesNothingAndACleanFileExits0() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data((Self.header + Self.good).utf8).write(to: folder.appendingPathComponent("reg.csv"))
        let dry = try runSuiji(["import", "--department", "原平市市场监督管理局", "--dry-run", "reg.csv"], in: folder)
        #expect(dry.status == 2) // it would change the store: one rule for every dry run (ExitStatus.dryRun)
        #expect(dry.stdout.hasPrefix("dry run, nothing written: importing reg.csv as the register of 原平市市场监督管理局 would give: 1 row read"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("rejects").path))
        let real = try runSuiji(["import", "--department", "原平市市场监督管理局", "reg.csv"], in: folder)
        #expect(real.status == 0)
        #expect(real.stderr == "note: creating the store suiji.sqlite\n")
        let again = try runSuiji(["import", "--department", "原平市市场监督管理局", "--dry-run", "reg.csv"], in: folder)
        #expect(again.status == 0) // the same file again: nothing would change
        #expect(again.stderr == "")
    }

    /// Every command that writes takes the store's lock, the nightly run's: while another process
    /// holds it each exits 75 naming the holder and changes nothing; dry runs read on.
    @Test func writingCommandsWaitForNoOneAndChangeNothingWhileTheLockIsHeld() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data((Self.header + Self.good).utf8).write(to: folder.appendingPathComponent("reg.csv"))
        let first = try runSuiji(["import", "--store", "s.sqlite", "--department", "原平市市场监督管理局", "reg.csv"], in: folder)
        #expect(first.status == 0)
        try Data((Self.header + Self.good + Self.bad.replacingOccurrences(of: ",E\n", with: ",B\n")).utf8)
            .write(to: folder.appendingPathComponent("reg2.csv"))
        try Data("执法证号,姓名,状态\n14090001,张三,在岗\n".utf8).write(to: folder.appendingPathComponent("ins.csv"))
        let store = folder.appendingPathComponent("s.sqlite").path
        let before = try Data(contentsOf: URL(fileURLWithPath: store))
        do {
            let lock = try RunLock.acquire(path: RunLock.path(forStore: store), command: "run")
            for (arguments, command) in [
                (["import", "--department", "原平市市场监督管理局", "reg2.csv"], "import"),
                (["inspectors", "import", "--department", "原平市市场监督管理局", "ins.csv"], "inspectors import"),
                (["publish"], "publish"),
            ] {
                let refused = try runSuiji(arguments + ["--store", "s.sqlite"], in: folder)
                #expect(refused.status == 75, "\(arguments)")
                #expect(
                    refused.stderr
                        == "suiji \(command): another suiji run (pid \(getpid())) holds the lock \(RunLock.canonicalPath(store)).lock; nothing was done. Wait for it to finish, or check that process\n"
                )
                #expect(refused.stdout == "")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == before)
            let dry = try runSuiji(["import", "--store", "s.sqlite", "--department", "原平市市场监督管理局", "--dry-run", "reg2.csv"], in: folder)
            #expect(dry.status == 2)
            #expect(
                dry.stdout.hasPrefix("dry run, nothing written: importing reg2.csv as the register of 原平市市场监督管理局 would give: 2 rows read"))
            withExtendedLifetime(lock) {}
        }
        do {
            // A hand-run command writes its name into the lock file, and a refused one names it.
            let other = folder.appendingPathComponent("other.lock").path
            let held = try RunLock.acquire(path: other, command: "inspectors import")
            #expect(throws: RunLockHeld(path: other, holder: getpid(), command: "inspectors import")) {
                try RunLock.acquire(path: other)
            }
            withExtendedLifetime(held) {}
        }
        let after = try runSuiji(["import", "--store", "s.sqlite", "--department", "原平市市场监督管理局", "reg2.csv"], in: folder)
        #expect(after.status == 0)
    }

    @Test func aCSVNeedsADepartment() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data((Self.header + Self.good).utf8).write(to: folder.appendingPathComponent("reg.csv"))
        let result = try runSuiji(["import", "reg.csv"], in: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--department is required for a CSV or XLSX register"))
    }
}
