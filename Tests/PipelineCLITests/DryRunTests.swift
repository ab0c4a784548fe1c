import Foundation
import Stages
import Testing

/// `--dry-run` writes nothing anywhere, `--rejects PATH` included: the folder is the same before
/// and after, file by file (issue 12).
@Suite struct DryRunTests {
    /// Every path under `folder` (folders too, so an empty new folder counts) with its SHA-256 for files.
    static func contents(_ folder: URL) throws -> [String: String] {
        var found: [String: String] = [:]
        let root = folder.standardizedFileURL.path
        for path in try FileManager.default.subpathsOfDirectory(atPath: root) {
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: root + "/" + path, isDirectory: &isFolder)
            found[path] = isFolder.boolValue ? "folder" : try FileDigest.of(path: root + "/" + path).sha256
        }
        return found
    }

    @Test func everyDryRunLeavesTheFolderAsItWas() throws {
        let folder = try StoreAccessTests.workspace()
        defer { try? FileManager.default.removeItem(at: folder) }
        let bad = "91140981MA0KDLXA0U,原平市乙公司,企业,燃气经营企业,140981,存续,E\n"
        try Data((StoreAccessTests.header + StoreAccessTests.good + bad).utf8).write(to: folder.appendingPathComponent("reg2.csv"))
        try Data("执法证号,姓名,状态\n14090001,张三,在岗\n14090001,李四,在岗\n".utf8).write(to: folder.appendingPathComponent("ins.csv"))
        try Data("执法证号,统一社会信用代码\n14090001,91140981MA0KDLX98K\n14090001,bad\n".utf8).write(to: folder.appendingPathComponent("av.csv"))
        try Data("任务序号,轮次,统一社会信用代码,检查日期,检查结果\n17,1,91140981MA0KDLX98K,2024-05-01,未发现问题\n".utf8)
            .write(to: folder.appendingPathComponent("results.csv"))
        let before = try Self.contents(folder)
        #expect(before.keys.contains("s.sqlite"))

        let runs: [(arguments: [String], rejects: String?)] = [
            (
                ["import", "--department", "原平市市场监督管理局", "--dry-run", "--rejects", "out/reg2.rejects.csv", "reg2.csv"],
                "out/reg2.rejects.csv"
            ),
            (["import", "--department", "原平市市场监督管理局", "--dry-run", "reg2.csv"], nil),
            (
                ["inspectors", "import", "--department", "原平市市场监督管理局", "--dry-run", "--rejects", "ins.rejects.csv", "ins.csv"],
                "ins.rejects.csv"
            ),
            (["avoidance", "import", "--dry-run", "--rejects", "rejects/av.csv", "av.csv"], "rejects/av.csv"),
            (["results", "import", "--dry-run", "--rejects", "rejects/results.csv", "results.csv"], "rejects/results.csv"),
            (["publish", "--dry-run", "--out", "outbox"], nil),
        ]
        // One rule for every dry run (ExitStatus.dryRun): each file here holds a bad row, so 65; publishing would change nothing, so 0.
        let statuses: [Int32] = [65, 65, 65, 65, 65, 0]
        for (run, status) in zip(runs, statuses) {
            let result = try runSuiji(run.arguments + ["--store", "s.sqlite"], in: folder)
            #expect(result.status == status, "\(run.arguments): \(result.stderr)")
            #expect(try Self.contents(folder) == before, "\(run.arguments) wrote something")
            if let rejects = run.rejects {
                #expect(
                    result.stderr.hasPrefix(
                        "note: a dry run writes nothing, not even --rejects \(rejects); rejected rows are listed here instead\n"),
                    "\(run.arguments)")
            }
        }
        // A dry run on a store that does not exist reads it as empty and makes no file.
        let fresh = try runSuiji(
            ["import", "--store", "new.sqlite", "--department", "原平市市场监督管理局", "--dry-run", "--rejects", "r.csv", "reg2.csv"], in: folder)
        #expect(fresh.status == 65)
        #expect(
            fresh.stdout.hasPrefix(
                "dry run, nothing written: importing reg2.csv as the register of 原平市市场监督管理局 would give: 2 rows read, 1 imported, 1 rejected"
            ))
        #expect(try Self.contents(folder) == before)
    }
}
