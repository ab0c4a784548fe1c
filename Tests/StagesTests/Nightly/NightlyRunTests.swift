import Fixtures
import Foundation
import GRDB
import Logging
import Pipeline
import Testing

@testable import Stages

/// The nightly run in process: what it takes from the inbox, what it refuses and why, and its report.
@Suite struct NightlyRunTests {
    /// A workspace with the demo configuration and the 2024 plan in its inbox.
    static func workspace() throws -> (folder: TemporaryFolder, configuration: Stages.Configuration) {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path("inbox/plan"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: FixtureFiles.url("demo/suiji.toml").path, toPath: folder.path("suiji.toml"))
        try FileManager.default.copyItem(atPath: FixtureFiles.yuanpingPlan.path, toPath: folder.path("inbox/plan/yuanping-2024.tsv"))
        return (folder, try Stages.Configuration.load(path: folder.path("suiji.toml")))
    }

    static let silent = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func night(_ configuration: Stages.Configuration, _ date: String) throws -> NightReport {
        let day = try CivilDate(parsing: date)
        return try NightlyRun(
            configuration: configuration, today: day, clock: .fixed(try Date("\(date)T22:00:00Z", strategy: .iso8601)),
            logger: silent
        ).run()
    }

    static func put(_ folder: TemporaryFolder, _ relative: String, _ text: String) throws {
        let path = folder.path(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static let register = """
        统一社会信用代码,企业名称,主体类型,行业类别,登记机关,行政区划代码,住所,法定代表人,信用风险分类,登记状态
        91140981MA0K00001T,原平市甲燃气有限公司,企业,燃气经营企业,原平市市场监督管理局,140981,原平市一街,张三,A,存续
        91140981MA0K00002X,原平市乙燃气有限公司,企业,燃气经营企业,原平市市场监督管理局,140981,原平市二街,李四,B,存续
        91140981MA0K000031,原平市丙燃气有限公司,企业,燃气经营企业,原平市市场监督管理局,140981,原平市三街,王五,C,在业

        """

    @Test func inboxOrderIsKindThenDepartmentThenNameAndSendersPartialFilesWait() throws {
        let (folder, configuration) = try Self.workspace()
        defer { folder.cleanup() }
        for path in [
            "inbox/seeds/2024-G02-R1.txt", "inbox/results/b.csv", "inbox/avoidance/a.csv", "inbox/inspectors/乙/x.csv",
            "inbox/registers/乙/b.csv", "inbox/registers/甲/b.csv", "inbox/registers/甲/a.xml", "inbox/registers/甲/c.csv.part",
            "inbox/registers/甲/.d.csv", "inbox/registers/loose.csv", "inbox/stray.txt", "inbox/results/upload.tmp",
        ] {
            try Self.put(folder, path, "x")
        }
        let scan = Inbox(root: configuration.resolvedPath(\.paths.inbox)).scan()
        #expect(
            scan.files.map(\.relativePath) == [
                "plan/yuanping-2024.tsv", "registers/乙/b.csv", "registers/甲/a.xml", "registers/甲/b.csv", "inspectors/乙/x.csv",
                "avoidance/a.csv", "results/b.csv", "seeds/2024-G02-R1.txt",
            ])
        #expect(scan.files.map(\.department) == [nil, "乙", "甲", "甲", "乙", nil, nil, nil])
        #expect(scan.misplaced.map(\.relativePath) == ["registers/loose.csv"])
        #expect(scan.ignored == ["stray.txt"])
    }

    @Test func seedFileNames() {
        #expect(SeedFile.parse(name: "2024-G02-R1.txt") == SeedFile(group: "2024-G02", round: 1))
        #expect(SeedFile.parse(name: "2024-G35-R4") == SeedFile(group: "2024-G35", round: 4))
        #expect(SeedFile.parse(name: "2024-G02-R0.txt") == nil)
        #expect(SeedFile.parse(name: "G02-R1.txt") == nil)
        #expect(SeedFile.parse(name: "2024-G02.txt") == nil)
        #expect(SeedFile.parse(name: "2024-G02-R+1.txt") == nil)
    }

    /// The nightly report measures the plan's targets and warns below them (matter coverage here).
    @Test func theReportWarnsBelowThePlansTargets() throws {
        let (folder, configuration) = try Self.workspace()
        defer { folder.cleanup() }
        try Self.put(folder, "inbox/registers/原平市住房和城乡建设管理局/燃气.csv", Self.register)
        _ = try Self.night(configuration, "2023-12-28")
        let list = try folder.write("matters.csv", "抽查事项\n燃气经营许可证的检查\n瓶装燃气充装的检查\n")
        let store = try Store(path: configuration.resolvedPath(\.store))
        _ = try ListImporter(store: store).run(ListImportRequest(kind: .matters, path: list, scope: "原平市住房和城乡建设管理局"))
        try store.close()
        let report = try Self.night(configuration, "2023-12-29")
        let warning =
            "原平市住房和城乡建设管理局: the plan covers 0 of the 2 matters on its 抽查事项清单 (0.0%), below the required 80%; not covered: 燃气经营许可证的检查; 瓶装燃气充装的检查"
        #expect(report.planTargets.count == 4)
        #expect(
            Array(report.planTargets.prefix(2)) == [
                "risk classification applied this year: nothing drawn yet",
                "matter coverage, 原平市住房和城乡建设管理局: 0 of 2 listed matters in the plan (0.0%; required 80%), 0 drawn so far",
            ])
        #expect(
            report.planTargets[2]
                == "matter coverage not measured (no 抽查事项清单): 原平市交通运输局, 原平市公安局, 原平市农业农村局, 原平市卫生健康和体育局, 原平市市场监督管理局, 原平市应急管理局, 原平市教育科技局, 原平市文化和旅游局, 原平市消防救援大队, 原平市烟草专卖局, 原平市统计局, 山西省原平市气象局, 忻州市生态环境局原平分局"
        )
        #expect(report.planTargets[3] == "warning: " + warning)
        #expect(report.warnings.contains(warning))
        #expect(report.text.contains("Plan targets (3)\n  risk classification applied this year: nothing drawn yet\n"))
        // run.txt in Chinese (the pages' language) says them in Chinese, from the measured targets.
        #expect(report.text(in: MessageCatalogue(.zh)).contains("\n  今年信用风险分类结果应用率：尚未抽取\n"))
        #expect(report.targets?.warnings == [warning])
        #expect(report.exitCode == ExitStatus.success.rawValue, "a target missed is a warning, not a rejection")
    }

    @Test func seedsAreRefusedUnlessTheyFollowTheirCommitmentAndAreTheOnlyOne() throws {
        let (folder, configuration) = try Self.workspace()
        defer { folder.cleanup() }
        try Self.put(folder, "inbox/registers/原平市住房和城乡建设管理局/燃气.csv", Self.register)
        try Self.put(folder, "inbox/inspectors/原平市住房和城乡建设管理局/人员.csv", "执法证号,姓名\nZJ01,甲\nZJ02,乙\nZJ03,丙\n")
        try Self.put(folder, "inbox/inspectors/原平市市场监督管理局/人员.csv", "执法证号,姓名\nSC01,丁\nSC02,戊\n")
        // Night 1: a seed sent before any commitment, a misnamed one, an empty one, and a loose register.
        try Self.put(folder, "inbox/seeds/2024-G02-R1.txt", "early\n")
        try Self.put(folder, "inbox/seeds/2024-G02.txt", "x\n")
        try Self.put(folder, "inbox/seeds/2024-G04-R1.txt", "# nothing\n\n")
        try Self.put(folder, "inbox/seeds/2024-G99-R1.txt", "x\n")
        try Self.put(folder, "inbox/seeds/2024-G02-R9.txt", "x\n")
        try Self.put(folder, "inbox/seeds/2024-G05-R1.txt", "123\n456\n")
        try Self.put(folder, "inbox/seeds/2024-G07-R1.txt", "12|34\n")
        try Data([0x31, 0xFF, 0x0A]).write(to: URL(fileURLWithPath: folder.path("inbox/seeds/2024-G06-R1.txt")))
        try Self.put(folder, "inbox/registers/loose.csv", Self.register)
        let first = try Self.night(configuration, "2023-12-28")
        #expect(first.exitCode == 65)
        let refused = first.files.filter { $0.outcome == "rejected" }.map { "\($0.path): \($0.reason ?? "")" }
        #expect(
            refused == [
                // In the pages' language (Chinese here): the reasons go back to the department with the file.
                "registers/loose.csv: 名录必须放在 inbox/registers/<部门>/ 中：文件夹名即部门名",
                "seeds/2024-G02-R1.txt: 2024-G02 第 1 轮尚无承诺：种子必须在承诺公布之后选定（每晚运行在轮次开始前 14 天准备承诺）",
                "seeds/2024-G02-R9.txt: 抽查组 2024-G02 的轮次为 1…1；没有第 9 轮",
                "seeds/2024-G02.txt: 种子文件应命名为 <组>-R<轮次>.txt，如 2024-G02-R1.txt；“2024-G02.txt”不符合",
                "seeds/2024-G04-R1.txt: 种子文件为空：它必须只有一行，即公开种子",
                "seeds/2024-G05-R1.txt: 种子文件有 2 行：它必须只有一行，即公开种子",
                "seeds/2024-G06-R1.txt: 种子文件不是 UTF-8 文本",
                "seeds/2024-G07-R1.txt: 种子“12|34”含有“|”，它用于分隔种子字符串的各部分",
                "seeds/2024-G99-R1.txt: 计划中没有抽查组 2024-G99（见 `suiji draw show`）",
            ])
        for path in ["rejects/2023-12-28/registers/loose.csv", "rejects/2023-12-28/seeds/2024-G02-R1.txt"] {
            #expect(FileManager.default.fileExists(atPath: folder.path(path)), "\(path)")
        }
        let g02 = try #require(first.commitmentsPrepared.first { $0.group == "2024-G02" })
        #expect(first.commitmentsPrepared.map(\.group) == ["2024-G02"], "groups with no population get no commitment")
        #expect(first.awaitingSeed.map(\.sha256) == [g02.sha256])

        // Night 2: the right seed, and a second one for the same commitment in a copy with another name.
        try Self.put(folder, "inbox/seeds/2024-G02-R1.txt", "20240102\n")
        try Self.put(folder, "inbox/seeds/2024-G02-R1.v2.txt", "20240103\n")
        let second = try Self.night(configuration, "2024-01-03")
        #expect(second.files.map(\.outcome) == ["imported", "rejected"])
        #expect(
            second.files.last?.reason
                == "2024-G02 第 1 轮的承诺 \(g02.sha256.prefix(12))… 已收到一个种子（“20240102”）；一个承诺只接受一个种子")
        // 5% of A 1 · B 1 · C 1: exact shares 0.025, 0.05, 0.1 (Σ 0.175) → 1 object, to C's remainder.
        #expect(second.drawsMade.map { "\($0.group) \($0.round) \($0.seed) \($0.drawn)" } == ["2024-G02 1 20240102 1"])
        #expect(second.awaitingSeed.isEmpty)

        // Night 3: the same seed again under a new name is a duplicate; another seed for a drawn round is refused.
        try Self.put(folder, "inbox/seeds/2024-G02-R1.again.txt", "# again\n20240102\n")
        try Self.put(folder, "inbox/seeds/2024-G02-R1.other.txt", "777\n")
        let third = try Self.night(configuration, "2024-01-04")
        #expect(
            third.files.map { "\($0.outcome) \($0.reason ?? "")" } == [
                "skipped 2024-G02 第 1 轮已用此种子抽取（台账第 1 条）",
                "rejected 2024-G02 第 1 轮已用另一个种子抽取（台账第 1 条）；是否重新抽取需要决定，请用 `suiji draw run --round 1 --reason 理由`",
            ])
        #expect(third.draws == 0)
    }

    @Test func aStoreChangeAfterTheSeedArrivedBlocksTheDrawAndPreparesANewCommitment() throws {
        let (folder, configuration) = try Self.workspace()
        defer { folder.cleanup() }
        try Self.put(folder, "inbox/registers/原平市住房和城乡建设管理局/燃气.csv", Self.register)
        try Self.put(folder, "inbox/inspectors/原平市住房和城乡建设管理局/人员.csv", "执法证号,姓名\nZJ01,甲\nZJ02,乙\nZJ03,丙\n")
        try Self.put(folder, "inbox/inspectors/原平市市场监督管理局/人员.csv", "执法证号,姓名\nSC01,丁\nSC02,戊\n")
        let first = try Self.night(configuration, "2023-12-28")
        let old = try #require(first.awaitingSeed.first).sha256
        // The seed and a register with one more entity arrive the same night (registers are taken first).
        try Self.put(folder, "inbox/seeds/2024-G02-R1.txt", "20240102\n")
        try Self.put(
            folder, "inbox/registers/原平市住房和城乡建设管理局/燃气-2.csv",
            Self.register
                + "91140981MA0K000044,原平市丁燃气有限公司,企业,燃气经营企业,原平市市场监督管理局,140981,原平市四街,赵六,B,存续\n")
        let second = try Self.night(configuration, "2024-01-03")
        #expect(second.exitCode == 65)
        #expect(second.draws == 0)
        let fresh = try #require(second.commitmentsPrepared.first).sha256
        #expect(fresh != old)
        #expect(second.awaitingSeed.map(\.sha256) == [fresh])
        #expect(second.blockedDraws.map(\.group) == ["2024-G02"])
        #expect(second.blockedDraws.first?.reason.contains("seed '20240102' is spent: publish a new seed for the new commitment") == true)
    }

    @Test func aFailedStageIsNamedAndTheStagesBeforeItStayDone() throws {
        let (folder, _) = try Self.workspace()
        defer { folder.cleanup() }
        // An operator's scope map that is not JSON: the draw stages cannot run.
        try Self.put(
            folder, "suiji.toml",
            try String(contentsOfFile: folder.path("suiji.toml"), encoding: .utf8)
                .replacingOccurrences(of: "lead_days = 14", with: "lead_days = 14\nscope_map = \"scope-map.json\""))
        try Self.put(folder, "scope-map.json", "{")
        let configuration = try Stages.Configuration.load(path: folder.path("suiji.toml"))
        try Self.put(folder, "inbox/registers/原平市住房和城乡建设管理局/燃气.csv", Self.register)
        let report = try Self.night(configuration, "2023-12-28")
        #expect(report.exitCode == 1)
        #expect(report.failedStage == .prepare)
        #expect(report.failure?.contains("scope-map.json") == true)
        #expect(report.files.map(\.outcome) == ["imported", "imported"], "the inbox stage stays done")
        #expect(report.commitmentsPrepared.isEmpty)
        #expect(
            report.text.hasPrefix(
                "suiji nightly run, 2023-12-28: exit 1, stage 'prepare' failed; the stages before it stay done\nfailure: "))
        #expect(report.summary.hasSuffix("; exit 1 (stage prepare failed: \(report.failure ?? ""))"))
        let json = try String(contentsOfFile: folder.path("reports/2023-12-28/run.json"), encoding: .utf8)
        #expect(json.contains(#""failedStage": "prepare""#))

        let store = try Store(path: configuration.resolvedPath(\.store))
        let stored = try store.read { db in try Row.fetchOne(db, sql: "SELECT exit_code, failed_stage FROM runs") }
        #expect(stored?["exit_code"] as Int? == 1)
        #expect(stored?["failed_stage"] as String? == "prepare")
    }

    @Test func aSecondNightSkipsAFileItAlreadyImported() throws {
        let (folder, configuration) = try Self.workspace()
        defer { folder.cleanup() }
        try Self.put(folder, "inbox/registers/原平市住房和城乡建设管理局/燃气.csv", Self.register)
        _ = try Self.night(configuration, "2023-12-28")
        try Self.put(folder, "inbox/registers/原平市住房和城乡建设管理局/燃气-resent.csv", Self.register)
        let second = try Self.night(configuration, "2023-12-29")
        #expect(second.exitCode == 0)
        #expect(
            second.files.map { "\($0.outcome) \($0.reason ?? "") → \($0.movedTo)" } == [
                "skipped 相同内容已导入过（文件 inbox/registers/原平市住房和城乡建设管理局/燃气.csv，2023-12-28） → archive/2023-12-29/registers/原平市住房和城乡建设管理局/燃气-resent.csv"
            ])
        #expect(second.commitmentsPrepared.isEmpty, "an unchanged store prepares nothing again")
        #expect(second.text.hasPrefix("suiji nightly run, 2023-12-29: exit 0, all went well\n"))
    }

    @Test func theSameContentTwiceInOneNightIsImportedOnce() throws {
        let (folder, configuration) = try Self.workspace()
        defer { folder.cleanup() }
        try Self.put(folder, "inbox/registers/原平市住房和城乡建设管理局/a.csv", Self.register)
        try Self.put(folder, "inbox/registers/原平市住房和城乡建设管理局/b.csv", Self.register)
        let report = try Self.night(configuration, "2023-12-28")
        #expect(
            report.files.map { "\($0.path) \($0.outcome) \($0.rowsImported)" } == [
                "plan/yuanping-2024.tsv imported 42",
                "registers/原平市住房和城乡建设管理局/a.csv imported 3",
                "registers/原平市住房和城乡建设管理局/b.csv skipped 0",
            ])
        #expect(report.rowsImported == 45)
    }

    @Test func theLockRefusesASecondHolderAndNamesTheFirst() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let first = try RunLock.acquire(path: folder.path("s.lock"))
        #expect(throws: RunLockHeld(path: folder.path("s.lock"), holder: getpid(), command: "run")) {
            try RunLock.acquire(path: folder.path("s.lock"))
        }
        withExtendedLifetime(first) {}
    }

    @Test func jsonLogLines() {
        let line = SuijiLogHandler.line(
            format: .json, timestamp: "2024-01-03T22:00:00Z", level: .notice, label: "suiji.run",
            message: "drawn \"x\"\n", metadata: ["group": "2024-G02", "round": "1"])
        #expect(
            line
                == #"{"time":"2024-01-03T22:00:00Z","level":"notice","label":"suiji.run","message":"drawn \"x\"\n","group":"2024-G02","round":"1"}"#
        )
        let text = SuijiLogHandler.line(
            format: .text, timestamp: "2024-01-03T22:00:00Z", level: .info, label: "suiji.run",
            message: "stage inbox", metadata: ["files": "3"])
        #expect(text == "2024-01-03T22:00:00Z info stage inbox files=3")
    }
}
