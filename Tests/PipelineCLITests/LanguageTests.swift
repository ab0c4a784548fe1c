import Fixtures
import Foundation
import Stages
import Testing

/// The setup error paths of the commands in both languages, chosen by `--lang`, by `[ui] language` and by the locale.
@Suite("languages", .serialized)
struct LanguageTests {
    @Test func noConfigurationInChineseByLocaleAndByOption() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected =
            "错误：没有配置文件：\(folder.path) 中没有 suiji.toml。请用 --config 路径 指明配置文件（cron 任务从主目录启动，而不是从工作目录启动），"
            + "或在该目录运行 `suiji config example > suiji.toml` 后编辑它\n"
        let byLocale = try runSuiji(["run"], in: folder, environment: ["LANG": "zh_CN.UTF-8"])
        #expect(byLocale.status == 78)
        #expect(byLocale.stderr == expected)
        let byOption = try runSuiji(["run", "--lang", "zh"], in: folder)
        #expect(byOption.status == 78)
        #expect(byOption.stderr == expected)
        let english = try runSuiji(["run", "--lang=en"], in: folder, environment: ["LANG": "zh_CN.UTF-8"])
        #expect(english.stderr.hasPrefix("error: no configuration: there is no suiji.toml in \(folder.path);"))
        let unknown = try runSuiji(["run", "--lang", "fr"], in: folder)
        #expect(unknown.status == 64)
        #expect(unknown.stderr == "error: --lang must be zh or en, got 'fr'\n")
        let unknownInChinese = try runSuiji(["run", "--lang", "fr"], in: folder, environment: ["LANG": "zh_CN.UTF-8"])
        #expect(unknownInChinese.status == 64)
        #expect(unknownInChinese.stderr == "错误：--lang 只能是 zh 或 en，收到的是“fr”\n")
    }

    @Test func aMissingStoreInBothLanguagesAndTheConfiguredOne() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in [["report"], ["draw", "verify-ledger"], ["publish"]] {
            let en = try runSuiji(command + ["--store", "typo.sqlite"], in: folder)
            #expect(en.status == 78)
            #expect(en.stderr.hasPrefix("error: no store at typo.sqlite; "))
            let zh = try runSuiji(command + ["--store", "typo.sqlite", "--lang", "zh"], in: folder)
            #expect(zh.status == 78)
            #expect(
                zh.stderr
                    == "错误：typo.sqlite 处没有数据库；请用 --store 路径 或 suiji.toml 中的 `store` 指明正确的数据库"
                    + "（只有 `suiji import`、`suiji plan import`、`suiji run` 和 `suiji demo` 会新建数据库）\n")
        }
        try Data("[ui]\nlanguage = \"zh\"\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let configured = try runSuiji(["report", "--store", "typo.sqlite"], in: folder)
        #expect(configured.stderr.hasPrefix("错误：typo.sqlite 处没有数据库"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["suiji.toml"])
    }

    @Test func runSetupErrorsInChinese() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("store = \"s.sqlite\"\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let noRegion = try runSuiji(["run", "--lang", "zh"], in: folder)
        #expect(noRegion.status == 78)
        #expect(
            noRegion.stderr
                == "错误：suiji.toml 没有设置 region（行政区划代码）或year（计划年度）；区县和计划年度从不默认：请在文件开头加上 "
                + "`region = \"<六位行政区划代码>\"` 和 `year = <年份>`\n")
        try Data("region = \"140981\"\nyear = 2024\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let noInbox = try runSuiji(["run", "--lang", "zh"], in: folder)
        #expect(noInbox.status == 78)
        #expect(
            noInbox.stderr.hasSuffix(
                "错误：收件目录 \(folder.path)/inbox 不存在；请创建它（其中包含 plan/、registers/<部门>/ 等，见 README），或在配置的 [paths] 中设置 `inbox`\n"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        let noPlan = try runSuiji(["run", "--today", "2024-05-10", "--lang", "zh", "--log-level", "critical"], in: folder)
        #expect(noPlan.status == 1)
        #expect(
            noPlan.stdout.hasPrefix(
                "2024-05-10 夜间运行：接收文件 0 个，导入 0 行，拒收 0 行，0 个承诺待随机种子，抽取 0 次，公示 0 项，逾期 0 项；退出码 1"
                    + "（prepare 阶段失败：error: no plan for 2024 140981 is stored"))
        #expect(noPlan.stdout.contains("\n报告：\(folder.path)/reports/2024-05-10/run.txt\n"))
    }

    @Test func planQuestionsAndTheReportInChinese() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for year in ["2024", "2025"] {
            let r = try runSuiji(["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", year, "--region", "140981"], in: folder)
            #expect(r.status == 0)
        }
        let several = try runSuiji(["plan", "show", "--lang", "zh"], in: folder)
        #expect(several.status == 78)
        #expect(
            several.stderr
                == "错误：已导入 2 个抽查计划（2025 140981，2024 140981）；请用 --year 和 --region 指明，或在 suiji.toml 中设置 `year` 和 `region`\n")
        let none = try runSuiji(["plan", "show", "--year", "2023", "--region", "140981", "--lang", "zh"], in: folder)
        #expect(none.status == 78)
        #expect(none.stderr == "错误：没有已导入的抽查计划（2023 年，区划 140981）；请用 `suiji plan import --year 年份 --region 代码 文件` 导入\n")
        let report = try runSuiji(["report", "--today", "2024-05-10", "--lang", "zh"], in: folder)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.hasPrefix("状态"))
        #expect(report.stdout.contains("尚未抽取"))
        #expect(report.stdout.contains("2024-05-10：逾期 "))
        let unknown = try runSuiji(["report", "--today", "2030-01-10", "--lang", "zh"], in: folder)
        #expect(unknown.status == 78)
        #expect(unknown.stdout.contains("轮无法确定：工作日历没有覆盖计算公示期限所需的日期"))
    }

    // `plan check`: the frame, the values read, the questions and the notes, in each language.
    @Test func planCheckInBothLanguages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = FixtureFiles.url("plans/wangcang-2021.tsv").path
        var outputs: [String: [String]] = [:]
        for lang in ["en", "zh"] {
            let r = try runSuiji(["plan", "check", file, "--region", "140981", "--year", "2021", "--lang", lang], in: folder)
            #expect(r.status == 65)
            outputs[lang] = r.stdout.components(separatedBy: "\n")
        }
        let zh = outputs["zh"] ?? []
        #expect(zh.first == "140981 2021 年计划（\(file)）：3 项任务，3 项需人工复核")
        #expect(
            Array(zh.dropFirst(11).prefix(11)) == [
                "      → 比例未定；分项：种子生产、经营企业及个人 ≥5% / 农药生产、销售企业及个人 ≥10% / 肥料生产企业、经销单位、使用者 ≥10% / 种养殖基地、农产品生产经营企业、农民专业合作经济组织、种养殖大户 ≥10%",
                "      ✗ 计划为不同部分给出了不同比例（“5%”、“10%”、“10%”、“10%”）：请决定该任务的比例",
                "  ✗ 初步检查时间: 2021年9月",
                "      → 9–9 月",
                "      ✗ 第 4 行为该任务的一部分给出了另一个时间“2021年6月”",
                "      ✗ 第 5 行为该任务的一部分给出了另一个时间“2021年7月”",
                "    备注: （空）",
                "  ✗ 计划没有“发起部门”列：请在调整文件中给出该任务的发起部门",
                "  说明：第 4 行是该任务的续行（其“序号”单元格为合并单元格）",
                "  说明：第 5 行是该任务的续行（其“序号”单元格为合并单元格）",
                "  说明：第 6 行是该任务的续行（其“序号”单元格为合并单元格）",
            ])
        #expect(zh[2] == "任务 1（第 3 行）✗ 需人工复核")
        #expect(zh.suffix(2).first?.hasPrefix("3 项任务需人工复核，不会抽取：1, 2, 3；") == true)
        let en = outputs["en"] ?? []
        #expect(en[2] == "task 1 (line 3) ✗ needs review")
        #expect(
            Array(en.dropFirst(12).prefix(2)) == [
                "      ✗ the plan gives different ratios for different parts ('5%', '10%', '10%', '10%'): decide the task's ratio",
                "  ✗ 初步检查时间: 2021年9月",
            ])
        #expect(en.contains("  note: the plan gives no frequency: one round"))
        #expect(zh.contains("  说明：计划没有给出频次：按一轮安排"))
    }

    // The draw's refusals, the results import without a plan, and a held lock, in each language.
    @Test func drawResultsAndLockRefusalsInBothLanguages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let key = ["--store", "s.sqlite", "--year", "2024", "--region", "140981"]
        let imported = try runSuiji(["plan", "import", FixtureFiles.yuanpingPlan.path] + key, in: folder)
        #expect(imported.status == 0)
        try Data("uscc,date\n".utf8).write(to: folder.appendingPathComponent("r.csv"))
        let cases: [(arguments: [String], status: Int32, en: String, zh: String)] = [
            (
                ["draw", "prepare", "--task", "99"] + key, 64, "error: the plan has no task 99 (tasks are 序号 1…42)",
                "错误：计划中没有任务 99（任务序号为 1…42）"
            ),
            (
                ["draw", "run", "--seed", "abc"] + key, 1,
                "error: nothing to draw: no prepared and undrawn group and round; run `suiji draw prepare` first (to draw a drawn round again, give --round N --reason TEXT)",
                "错误：没有可抽取的内容：没有已准备且未抽取的组和轮次；请先运行 `suiji draw prepare`（要重新抽取已抽取的轮次，请给出 --round N --reason 理由）"
            ),
            (
                ["draw", "list", "--round", "2", "--xlsx", "x.xlsx"] + key, 65,
                "error: nothing has been drawn for round 2; run `suiji draw run` first", "错误：第 2 轮尚未抽取任何内容；请先运行 `suiji draw run`"
            ),
            (
                ["results", "import", "r.csv", "--store", "s.sqlite", "--year", "2023", "--region", "140981"], 1,
                "error: there is no 2023 plan of 140981 in the store; import the plan (suiji plan import) and draw before importing results",
                "错误：存储库中没有 140981 的 2023 年计划；请先导入计划（suiji plan import）并抽取，再导入检查结果"
            ),
        ]
        for c in cases {
            for (lang, expected) in [("en", c.en), ("zh", c.zh)] {
                let r = try runSuiji(c.arguments + ["--lang", lang], in: folder)
                #expect(r.status == c.status, "\(c.arguments) \(lang)")
                #expect(r.stderr == expected + "\n", "\(c.arguments) \(lang)")
            }
        }
        let store = folder.appendingPathComponent("s.sqlite").path
        let lock = try RunLock.acquire(path: RunLock.path(forStore: store), command: "run")
        let lockFile = RunLock.canonicalPath(store) + ".lock"
        for (lang, expected) in [
            (
                "en",
                "suiji import: another suiji run (pid \(getpid())) holds the lock \(lockFile); nothing was done. Wait for it to finish, or check that process"
            ),
            ("zh", "suiji import：另一个 suiji run（进程号 \(getpid())）持有锁 \(lockFile)；未做任何操作。请等待它结束，或检查该进程"),
        ] {
            let r = try runSuiji(["import", "--store", "s.sqlite", "--department", "原平市市场监督管理局", "r.csv", "--lang", lang], in: folder)
            #expect(r.status == 75)
            #expect(r.stderr == expected + "\n")
        }
        withExtendedLifetime(lock) {}
    }

    // `plan import`: a plan whose year cannot be known, and a bad overrides file, in each language.
    @Test func planImportErrorsInBothLanguages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let plan = FixtureFiles.yuanpingPlan.path
        for (lang, expected) in [
            ("en", "\(plan):1: error: the plan's year cannot be known: its title names none; pass --year YYYY or set year in suiji.toml"),
            ("zh", "\(plan):1: 错误：无法确定计划年度：标题中没有年份；请使用 --year YYYY 或在 suiji.toml 中设置 year"),
        ] {
            let r = try runSuiji(["plan", "import", plan, "--region", "140981", "--store", "s.sqlite", "--lang", lang], in: folder)
            #expect(r.status == 65)
            #expect(r.stderr.hasSuffix(expected + "\n"), "\(r.stderr)")
        }
        try Data("[[task]]\nseq = 1\nratoi = 0.1\n".utf8).write(to: folder.appendingPathComponent("o.toml"))
        try Data("year = 2024\nregion = \"140981\"\nstore = \"s.sqlite\"\n[plan]\noverrides = \"o.toml\"\n".utf8)
            .write(to: folder.appendingPathComponent("suiji.toml"))
        let overrides = folder.appendingPathComponent("o.toml").path
        let keys =
            "seq, ratio, ratio_max, count, count_indicative, class_ratios, frequency, frequency_at_least, window, scopes, initiator, cooperators, task_code, note"
        for (lang, expected) in [
            ("en", "\(overrides):3: error: unknown key 'ratoi' in [[task]]; known keys: \(keys)"),
            ("zh", "\(overrides):3: 错误：[[task]] 中有未知的键“ratoi”；可用的键：\(keys)"),
        ] {
            let r = try runSuiji(["plan", "import", plan, "--lang", lang], in: folder)
            #expect(r.status == 64)
            #expect(r.stderr == expected + "\n")
        }
    }

    // A PostgreSQL store that is not a usable URL, and `store add-county` on SQLite, in each language (no server is reached).
    @Test func postgreSQLRefusalsInBothLanguages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let cases: [(arguments: [String], en: String, zh: String)] = [
            (
                ["import", "--dry-run", "--department", "X", "--store", "postgresql://localhost:5432/db", "r.csv"],
                "suiji import: error: the store names PostgreSQL but is not a URL suiji can use: expected postgresql://user@host:port/database, optionally with ?sslmode=disable|prefer|require|verify-ca|verify-full and &sslrootcert=FILE. Nothing was done",
                "suiji import：错误：存储库设置指向 PostgreSQL，但不是可用的地址：应为 postgresql://用户@主机:端口/数据库，可加 ?sslmode=disable|prefer|require|verify-ca|verify-full 和 &sslrootcert=文件。未做任何操作"
            ),
            (
                ["store", "add-county", "--store", "s.sqlite", "--region", "140981"],
                "suiji store add-county: error: s.sqlite: county lanes are for a PostgreSQL store (--store postgresql://user@host:port/db); a SQLite store holds one county and needs none. Nothing was done",
                "suiji store add-county：错误：s.sqlite：县通道只用于 PostgreSQL 存储库（--store postgresql://用户@主机:端口/数据库）；SQLite 存储库只存一个县，不需要通道。未做任何操作"
            ),
        ]
        for c in cases {
            for (lang, expected) in [("en", c.en), ("zh", c.zh)] {
                let r = try runSuiji(c.arguments + ["--lang", lang], in: folder)
                #expect(r.status == 78, "\(c.arguments) \(lang)")
                #expect(r.stderr == expected + "\n", "\(c.arguments) \(lang)")
            }
        }
    }

    @Test func theDemoRefusesInChinese() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let work = folder.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try Data("x\n".utf8).write(to: work.appendingPathComponent("keep.txt"))
        let refused = try runSuiji(["demo", "--workspace", "mine", "--lang", "zh"], in: folder)
        #expect(refused.status == 78)
        #expect(
            refused.stderr
                == "错误：\(work.path) 不是空目录，也不是 `suiji demo` 创建的（其中没有 .suiji-demo-workspace）；未做任何改动。请用 --workspace 指定一个空目录或新目录\n")
    }

    @Test func theHelpInBothLanguages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zh = try runSuiji(["--lang", "zh", "--help"], in: folder)
        #expect(zh.status == 0)
        #expect(zh.stdout.hasPrefix("OVERVIEW: 双随机、一公开联合抽查：计划、名录、抽取、结果、公示。\n"))
        #expect(zh.stdout.contains("  run                     夜间任务：加锁、导入收件目录、生成承诺、抽取、公示、报告。\n"))
        let byLocale = try runSuiji(["draw", "--help"], in: folder, environment: ["LANG": "zh_CN.UTF-8"])
        #expect(byLocale.stdout.hasPrefix("OVERVIEW: 准备、执行、核验、查看和列出抽查对象与执法检查人员的随机抽取。\n"))
        let en = try runSuiji(["draw", "--help"], in: folder)
        #expect(en.stdout.hasPrefix("OVERVIEW: Prepare, run, verify, show and list the random draw of objects and\ninspectors.\n"))
        // The options' help and the commands' discussions too.
        let importZh = try runSuiji(["import", "--help", "--lang", "zh"], in: folder)
        #expect(importZh.stdout.contains("  --dry-run               校验并显示将会发生的变化，不写入任何内容。\n"))
        let importEn = try runSuiji(["import", "--help"], in: folder)
        #expect(
            importEn.stdout.contains(
                "  --dry-run               Validate and print what would change, without writing\n                          anything.\n"))
        let publishZh = try runSuiji(["publish", "--help", "--lang", "zh"], in: folder)
        #expect(publishZh.stdout.contains("加 --dry-run 时不写入任何内容"))
    }

    @Test func aBadConfigurationInBothLanguages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("region = \"1409\"\nyear = 2024\n".utf8).write(to: folder.appendingPathComponent("suiji.toml"))
        let zh = try runSuiji(["run", "--lang", "zh"], in: folder)
        #expect(zh.status == 78)
        #expect(zh.stderr == "suiji.toml:1: 错误：“region”必须是 6 位行政区划代码，例如 \"140981\"，实际为 \"1409\"\n")
        let en = try runSuiji(["run"], in: folder)
        #expect(en.status == 78)
        #expect(en.stderr == "suiji.toml:1: error: 'region' must be a 6-digit region code such as \"140981\", found \"1409\"\n")
        try Data("region = \"140981\"\nyear = 2024\nstore = \"s.sqlite\"\nfoo = 1\n".utf8).write(
            to: folder.appendingPathComponent("suiji.toml"))
        let unknown = try runSuiji(["report", "--lang", "zh"], in: folder)
        #expect(unknown.status == 78)
        #expect(unknown.stderr.hasPrefix("suiji.toml:4: 错误：未知的键“foo”；已知的顶层键："))
    }

    @Test func anUndecodableFileInBothLanguages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        var bytes = Array(ImportCommandTests.header.utf8)
        bytes += [0x39, 0x31, 0xFF, 0x0A]
        try Data(bytes).write(to: folder.appendingPathComponent("bad.csv"))
        let zh = try runSuiji(["import", "--department", "原平市市场监督管理局", "bad.csv", "--encoding", "utf-8", "--lang", "zh"], in: folder)
        #expect(zh.status == 65)
        #expect(zh.stderr.contains("bad.csv:2: 错误：偏移 "))
        #expect(zh.stderr.contains("处的字节 0xFF 不是有效的 UTF-8；如果文件是 GB18030 编码，请加 --encoding gb18030\n"))
        let en = try runSuiji(["import", "--department", "原平市市场监督管理局", "bad.csv", "--encoding", "utf-8"], in: folder)
        #expect(en.stderr.contains("is not valid UTF-8; if the file is GB18030, pass --encoding gb18030\n"))
    }

    @Test func aBadArgumentInBothLanguages() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let zh = try runSuiji(["plan", "import", "plan.tsv", "--region", "1409", "--lang", "zh"], in: folder)
        #expect(zh.status == 64)
        #expect(zh.stderr.hasPrefix("Error: --region 必须是 6 位行政区划代码，收到的是“1409”\n"))
        let en = try runSuiji(["plan", "import", "plan.tsv", "--region", "1409"], in: folder)
        #expect(en.status == 64)
        #expect(en.stderr.hasPrefix("Error: --region must be a 6-digit region code, got '1409'\n"))
    }

    @Test func anImportSummaryInChinese() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data((ImportCommandTests.header + ImportCommandTests.good + ImportCommandTests.bad).utf8).write(
            to: folder.appendingPathComponent("reg.csv"))
        let result = try runSuiji(["import", "--department", "原平市市场监督管理局", "reg.csv", "--lang", "zh"], in: folder)
        #expect(result.status == 65)
        #expect(result.stderr.hasPrefix("提示：新建数据库 suiji.sqlite\n"))
        #expect(
            result.stdout.hasPrefix(
                "已从 reg.csv 导入原平市市场监督管理局的市场主体名录：读取 2 行，导入 1 行，拒收 1 行；市场主体：新增 1，变更 0，移除 0，未变 0；用时 "))
        #expect(result.stdout.hasSuffix("\n拒收的行已写入 \(folder.path)/rejects/reg.csv.rejects.csv\n"))
        let again = try runSuiji(["import", "--department", "原平市市场监督管理局", "reg.csv", "--lang", "zh"], in: folder)
        #expect(again.stdout.hasPrefix("reg.csv：同一文件（sha256 "))
        #expect(again.stdout.hasSuffix("…）已是最新的原平市市场监督管理局的市场主体名录；无需处理\n"))
    }

    /// A rejected row's diagnostic and its rejects file (column names and reason) in the language of the command;
    /// a file-level error too.
    @Test(arguments: [
        (
            "zh",
            "reg.csv:3:7: 错误：风险等级“E”不是 A、B、C、D、低风险、一般风险、较高风险、高风险或空白 [uscc=91140981MA0KDLXA0U]\n"
                + "reg.csv:4:1: 错误：统一社会信用代码有 7 个字符，应为 18 个 [uscc=9114098]\n",
            "行号,原因",
            "3,风险等级“E”不是 A、B、C、D、低风险、一般风险、较高风险、高风险或空白",
            "x.csv:1: 错误：缺少必填列“uscc (统一社会信用代码)”（可用的表头：统一社会信用代码, 社会信用代码, 信用代码, 统一代码, "
                + "统一社会信用代码/注册号, code, credit_code, uscc）\n"
        ),
        (
            "en",
            "reg.csv:3:7: error: risk_class 'E' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty [uscc=91140981MA0KDLXA0U]\n"
                + "reg.csv:4:1: error: USCC has 7 characters, expected 18 [uscc=9114098]\n",
            "line,reason",
            "3,\"risk_class 'E' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty\"",
            "x.csv:1: error: required column 'uscc (统一社会信用代码)' is missing (accepted headers: 统一社会信用代码, 社会信用代码, 信用代码, "
                + "统一代码, 统一社会信用代码/注册号, code, credit_code, uscc)\n"
        ),
    ])
    func rejectedRowsAndTheirRejectsFileInTheCommandsLanguage(
        _ lang: String, _ diagnostics: String, _ columns: String, _ rejectedRow: String, _ fileError: String
    ) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let third = "9114098,原平市丙公司,企业,燃气经营企业,140981,存续,A\n"
        try Data((ImportCommandTests.header + ImportCommandTests.good + ImportCommandTests.bad + third).utf8).write(
            to: folder.appendingPathComponent("reg.csv"))
        let result = try runSuiji(["import", "--department", "原平市市场监督管理局", "reg.csv", "--lang", lang], in: folder)
        #expect(result.status == 65)
        #expect(result.stderr.hasSuffix(diagnostics))
        let rejects = try String(contentsOf: folder.appendingPathComponent("rejects/reg.csv.rejects.csv"), encoding: .utf8)
        let lines = rejects.components(separatedBy: "\r\n")
        #expect(lines.count == 4)
        #expect(lines.first?.hasSuffix("信用风险分类," + columns) == true)
        #expect(lines.dropFirst().first == "91140981MA0KDLXA0U,原平市乙公司,企业,燃气经营企业,140981,存续,E," + rejectedRow)
        try Data("a,b\n".utf8).write(to: folder.appendingPathComponent("x.csv"))
        let whole = try runSuiji(["import", "--department", "原平市市场监督管理局", "x.csv", "--lang", lang], in: folder)
        #expect(whole.status == 65)
        #expect(whole.stderr == fileError)
    }

    @Test func theDrawCommandsInChinese() throws {
        let folder = try DrawCommandTests().county()
        defer { try? FileManager.default.removeItem(at: folder) }
        let prepared = try runSuiji(["draw", "prepare", "--task", "12", "--lang", "zh"], in: folder)
        #expect(prepared.status == 0, "\(prepared.stderr)")
        #expect(prepared.stdout.hasPrefix("2024-G12 第 1 轮（2024-01-01…2024-11-30），任务 12, 13, 14：总体 "))
        let ran = try runSuiji(["draw", "run", "--seed", "42", "--lang", "zh"], in: folder)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.hasPrefix("2024-G12 第 1 轮：从 "))
        #expect(ran.stdout.contains("；种子字符串“42|2024-G12|1”；台账第 1 条 "))
        let nothing = try runSuiji(["draw", "prepare", "--task", "12", "--lang", "zh"], in: folder)
        #expect(nothing.stdout == "无需准备：所选抽取组的每一轮都已抽取\n")
        let shown = try runSuiji(["draw", "show", "--lang", "zh"], in: folder)
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.hasPrefix("2024 年 140981 抽查计划："))
        #expect(shown.stdout.contains("\n2024-G12 第 1 轮（2024-01-01…2024-11-30），任务 12, 13, 14：已抽取（台账第 1 条）\n  总体     A "))
        let ledger = try runSuiji(["draw", "verify-ledger", "--lang", "zh"], in: folder)
        #expect(ledger.status == 0, "\(ledger.stderr)")
        #expect(ledger.stdout.hasPrefix("台账完整：1 条，台账头 "))
        let english = try runSuiji(["draw", "verify-ledger"], in: folder)
        #expect(english.stdout.hasPrefix("ledger OK: 1 entry, head "))
    }
}
