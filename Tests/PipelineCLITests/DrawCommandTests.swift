import Fixtures
import Foundation
import Testing

@Suite("suiji draw", .serialized)
struct DrawCommandTests {
    /// Rivest's `make_ticket_heap(['dog', 'cat', 'fish', 'goat'], 'xy()134!g2n')` doctest, full ticket numbers.
    @Test func ticketsPrintsRivestsExample() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["draw", "tickets", "--seed", "xy()134!g2n", "dog", "cat", "fish", "goat"], in: folder)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(
            result.stdout == """
                0.24866413894129579898796850445568128508290132707747976039848637531569373309555 cat
                0.33886035615681875183111698317327684455682722683976874746986356932751818935066 dog
                0.49599842072022713663423753308080171636735689997237236247068925068573448764387 goat
                0.74685932088827950509145941729789143204056041958068799542050396198792954500593 fish

                """)
    }

    /// A county with the seed plan, a generated SAMR register and inspectors of tasks 12–14's departments.
    func county(policeInspectors: Int = 6) throws -> URL {
        let folder = try temporaryFolder()
        func ok(_ args: [String], executable: URL? = nil) throws {
            let r = try runSuiji(args, in: folder, executable: executable)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        try ok(["plan", "import", FixtureFiles.yuanpingPlan.path, "--year", "2024", "--region", "140981"])
        try ok(
            ["generate", "register", "--rows", "2000", "--seed", "3", "--bad-rate", "0", "--out", "samr.csv"],
            executable: try suijiDevExecutable())
        try ok(["import", "--department", "原平市市场监督管理局", "samr.csv"])
        let police = (1...policeInspectors).map { "GA\($0),警官\($0),在岗" }.joined(separator: "\n")
        try Data("执法证号,姓名,状态\n\(police)\n".utf8).write(to: folder.appendingPathComponent("ga.csv"))
        try Data("执法证号,姓名,状态\nSC1,甲,在岗\nSC2,乙,在岗\nSC3,丙,在岗\n".utf8).write(to: folder.appendingPathComponent("sc.csv"))
        try ok(["inspectors", "import", "--department", "原平市公安局", "ga.csv"])
        try ok(["inspectors", "import", "--department", "原平市市场监督管理局", "sc.csv"])
        return folder
    }

    @Test func prepareRunExportVerifyShow() throws {
        let folder = try county()
        defer { try? FileManager.default.removeItem(at: folder) }
        let prepared = try runSuiji(["draw", "prepare", "--task", "12"], in: folder)
        #expect(prepared.status == 0, "\(prepared.stderr)")
        #expect(prepared.stdout.hasPrefix("2024-G12 round 1 (2024-01-01…2024-11-30) tasks 12, 13, 14: population "))
        let ran = try runSuiji(["draw", "run", "--seed", "12345678901234567890"], in: folder)
        #expect(ran.status == 0, "\(ran.stderr)")
        #expect(ran.stdout.contains("seed string '12345678901234567890|2024-G12|1'; ledger #1 "))

        let again = try runSuiji(["draw", "run", "--seed", "999", "--task", "12", "--round", "1"], in: folder)
        #expect(again.status == 64)
        #expect(again.stderr.contains("a re-draw needs --reason"))

        let exported = try runSuiji(["draw", "export", "--group", "2024-G12", "--round", "1", "--out", "bundle.json"], in: folder)
        #expect(exported.status == 0, "\(exported.stderr)")
        let verified = try runSuiji(["draw", "verify", "bundle.json"], in: folder)
        #expect(verified.status == 0)
        #expect(verified.stdout == "OK\n")
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/verify_draw.py").path
        python.arguments = ["python3", script, "bundle.json"]
        python.currentDirectoryURL = folder
        let pipe = Pipe()
        python.standardOutput = pipe
        try python.run()
        let pythonOut = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        #expect(python.terminationStatus == 0)
        #expect(pythonOut.hasPrefix("OK"))

        // A tampered bundle fails with 1; an unreadable one with 65.
        let text = try String(contentsOf: folder.appendingPathComponent("bundle.json"), encoding: .utf8)
        try Data(
            text.replacingOccurrences(of: "\"publicSeed\": \"12345678901234567890\"", with: "\"publicSeed\": \"12345678901234567891\"").utf8
        )
        .write(to: folder.appendingPathComponent("tampered.json"))
        #expect(try runSuiji(["draw", "verify", "tampered.json"], in: folder).status == 1)
        try Data("{".utf8).write(to: folder.appendingPathComponent("broken.json"))
        #expect(try runSuiji(["draw", "verify", "broken.json"], in: folder).status == 65)

        let ledger = try runSuiji(["draw", "verify-ledger"], in: folder)
        #expect(ledger.status == 0)
        #expect(ledger.stdout.hasPrefix("ledger OK: 1 entry, head "))

        let shown = try runSuiji(["draw", "show", "--assignments", "--json"], in: folder)
        #expect(shown.status == 0)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        let list = try #require(json["assignments"] as? [[String: Any]])
        #expect(!list.isEmpty)
        for a in list {
            #expect(a["group"] as? String == "2024-G12")
            #expect(a["round"] as? Int == 1)
            #expect(a["tasks"] as? [Int] == [12, 13, 14])
            #expect((a["uscc"] as? String)?.count == 18)
            let team = try #require(a["inspectors"] as? [[String: String]])
            #expect(team.count == 3)
            #expect(team.allSatisfy { $0["id"] != nil && $0["department"] != nil })
            // Names a person reads: the business's from its register, each inspector's from the inspector register.
            #expect((a["name"] as? String)?.hasPrefix("原平市") == true || (a["name"] as? String)?.isEmpty == false)
            let sc = ["SC1": "甲", "SC2": "乙", "SC3": "丙"]
            for member in team {
                let id = member["id"] ?? ""
                let expected = id.hasPrefix("GA") ? "警官" + id.dropFirst(2) : sc[id]
                #expect(member["name"] == expected, "\(member)")
            }
        }
        #expect(json["kind"] as? String == "draw-assignments")
        #expect(json["schemaVersion"] as? Int == 1)
        let lines = try runSuiji(["draw", "show", "--assignments"], in: folder)
        #expect(lines.status == 0)
        #expect(lines.stdout.hasPrefix("2024-G12 round 1 "))
        #expect(lines.stdout.contains("(原平市公安局)"))
        #expect(lines.stdout.contains(" 警官"))
        let table = try runSuiji(["draw", "show"], in: folder)
        #expect(table.status == 0)
        #expect(table.stdout.contains("2024-G12 round 1 (2024-01-01…2024-11-30) tasks 12, 13, 14: drawn (ledger #1)"))
        let showJSON = try runSuiji(["draw", "show", "--json"], in: folder)
        #expect(showJSON.status == 0)
        #expect(showJSON.stdout.contains("\"applicationRate\""))
    }

    @Test func shortfallFailsAndRecordsNothing() throws {
        let folder = try county(policeInspectors: 1)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSuiji(["draw", "prepare", "--task", "12"], in: folder).status == 0)
        let before = try Data(contentsOf: folder.appendingPathComponent("suiji.sqlite"))
        let failed = try runSuiji(["draw", "run", "--seed", "1"], in: folder)
        #expect(failed.status == 65)
        #expect(
            failed.stderr.hasPrefix(
                "error: 1 group round(s) not drawn (nothing of them was recorded; the others were drawn):\n  2024-G12 round 1: 原平市公安局 is 1 inspector(s) short for "
            ))
        #expect(failed.stdout == "")
        let ledger = try runSuiji(["draw", "verify-ledger"], in: folder)
        #expect(ledger.stdout.hasPrefix("ledger OK: 0 entries"))
        _ = before
        let partial = try runSuiji(["draw", "run", "--seed", "1", "--allow-partial-teams"], in: folder)
        #expect(partial.status == 0, "\(partial.stderr)")
        #expect(partial.stderr.contains("warning: 2024-G12 round 1: 原平市公安局 is 1 inspector(s) short for "))
    }

    /// `draw run` over many groups: G09 (市场 with 教育, no 教育 inspectors) fails alone, G12 is drawn; exit 65 lists G09.
    @Test func eachGroupIsItsOwnOutcome() throws {
        let folder = try county()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSuiji(["draw", "prepare", "--task", "9", "12"], in: folder).status == 0)
        let ran = try runSuiji(["draw", "run", "--seed", "42"], in: folder)
        #expect(ran.status == 65)
        #expect(ran.stdout.hasPrefix("2024-G12 round 1: drew "))
        #expect(ran.stdout.split(separator: "\n").count == 1)
        let lines = ran.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "error: 1 group round(s) not drawn (nothing of them was recorded; the others were drawn):")
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("  2024-G09 round 1: 原平市教育科技局 is 1 inspector(s) short for ") })
        #expect(try runSuiji(["draw", "verify-ledger"], in: folder).stdout.hasPrefix("ledger OK: 1 entry, head "))
    }

    /// The public bundle: no class, no inspector; verified by `draw verify` and the Python script;
    /// `verify-ledger --anchor` with the head found, and with one the ledger does not hold.
    @Test func publicExportAndAnchor() throws {
        let folder = try county()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSuiji(["draw", "prepare", "--task", "12"], in: folder).status == 0)
        #expect(try runSuiji(["draw", "run", "--seed", "5"], in: folder).status == 0)
        let exported = try runSuiji(
            ["draw", "export", "--public", "--group", "2024-G12", "--round", "1", "--out", "public.json"], in: folder)
        #expect(exported.status == 0, "\(exported.stderr)")
        #expect(exported.stdout.hasPrefix("wrote public.json: public bundle of 2024-G12 round 1, ledger #1, commitment "))
        let text = try String(contentsOf: folder.appendingPathComponent("public.json"), encoding: .utf8)
        for hidden in ["\"class\"", "GA1", "SC1", "inspectorPools", "\"secret\""] { #expect(!text.contains(hidden), "\(hidden)") }
        let verified = try runSuiji(["draw", "verify", "public.json"], in: folder)
        #expect(verified.stdout == "OK\n")
        let ledger = try runSuiji(["draw", "verify-ledger"], in: folder)
        let head = String(ledger.stdout.dropFirst("ledger OK: 1 entry, head ".count).prefix(64))
        let anchored = try runSuiji(["draw", "verify-ledger", "--anchor", head], in: folder)
        #expect(anchored.status == 0)
        #expect(anchored.stdout == "ledger OK: 1 entry, head \(head); anchor \(head) found\n")
        let other = String(repeating: "ab", count: 32)
        let missing = try runSuiji(["draw", "verify-ledger", "--anchor", other], in: folder)
        #expect(missing.status == 1)
        #expect(
            missing.stderr
                == "error: the anchor \(other) is not in the ledger (1 entry, head \(head)): entries after it were deleted, or it comes from another store\n"
        )
        #expect(try runSuiji(["draw", "verify-ledger", "--anchor", "xyz"], in: folder).status == 64)
    }

    /// `suiji watchlist import` and `suiji matters import`: 0 when every row is accepted, 65 with
    /// the rejected rows on standard error; `draw show` warns below the plan's targets.
    @Test func listImportsAndTargets() throws {
        let folder = try county()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("统一社会信用代码,名称\n91140981MA0K00001T,甲\n91140981MA0K00001X,乙\n".utf8).write(to: folder.appendingPathComponent("w.csv"))
        let watch = try runSuiji(["watchlist", "import", "w.csv", "--reason", "经营异常名录"], in: folder)
        #expect(watch.status == 65)
        #expect(watch.stderr == "w.csv:3:1: error: USCC check character is 'X', expected 'T' [uscc=91140981MA0K00001X]\n")
        #expect(
            watch.stdout
                == "w.csv as the watchlist '经营异常名录': 2 rows read, 1 imported, 1 rejected; 1 added, 0 changed, 0 removed, 0 unchanged\n")
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("rejects/w.csv.rejects.csv").path))
        #expect(try runSuiji(["watchlist", "import", "w.csv", "--reason", " "], in: folder).status == 64)
        try Data("抽查事项\n爆破作业单位许可检查\n爆破作业人员资格检查\n".utf8).write(to: folder.appendingPathComponent("m.csv"))
        let matters = try runSuiji(["matters", "import", "m.csv", "--department", "原平市公安局"], in: folder)
        #expect(matters.status == 0, "\(matters.stderr)")
        let shown = try runSuiji(["draw", "show"], in: folder)
        #expect(shown.status == 0)
        #expect(shown.stdout.contains("matter coverage, 原平市公安局: 0 of 2 listed matters in the plan (0.0%; required 80%), 0 drawn so far"))
        #expect(
            shown.stderr.contains(
                "warning: 原平市公安局: the plan covers 0 of the 2 matters on its 抽查事项清单 (0.0%), below the required 80%; not covered: 爆破作业单位许可检查; 爆破作业人员资格检查"
            ))
        let report = try runSuiji(["report", "--today", "2024-01-05"], in: folder)
        #expect(report.stdout.contains("matter coverage, 原平市公安局: 0 of 2 listed matters"))
    }

    /// A county of three tasks and one SAMR register with gaps (see Tests/StagesTests/DrawCoverageReportTests.swift).
    func coverageCounty() throws -> URL {
        let folder = try temporaryFolder()
        for args in [
            ["plan", "import", FixtureFiles.url("plans/coverage-2024.tsv").path, "--year", "2024", "--region", "140981"],
            ["import", "--department", "原平市市场监督管理局", FixtureFiles.url("registers/coverage-samr.csv").path],
        ] {
            let r = try runSuiji(args, in: folder)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        return folder
    }

    static let coverageWarning =
        "warning: the scope map leaves gaps: 2 tasks match no entity, 1 plan scope is not in the map, 1 register category is covered by no task\n"

    @Test func coveragePrintsTheGoldenTablesAndWarnsWithExit0() throws {
        let folder = try coverageCounty()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["draw", "coverage"], in: folder)
        #expect(result.status == 0)
        #expect(result.stdout == (try String(contentsOf: FixtureFiles.url("golden/draw-coverage.txt"), encoding: .utf8)))
        #expect(result.stderr == Self.coverageWarning)
    }

    @Test func coverageJSONIsTheGoldenJSON() throws {
        let folder = try coverageCounty()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try runSuiji(["draw", "coverage", "--json"], in: folder)
        #expect(result.status == 0)
        #expect(result.stdout == (try String(contentsOf: FixtureFiles.url("golden/draw-coverage.json"), encoding: .utf8)))
        #expect(result.stderr == Self.coverageWarning)
    }

    @Test func coverageWithAnEditedScopeMapThatClosesEveryGapIsSilent() throws {
        let folder = try coverageCounty()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("conf/maps"), withIntermediateDirectories: true)
        try Data(
            """
            {"version": 1, "scopes": [
              {"scope": "全市四上单位", "categories": ["规模以上工业企业", "限额以上批发和零售业", "殡葬服务"]},
              {"scope": "燃气经营企业", "aliases": ["瓶装燃气供应站"], "categories": ["燃气经营"]},
              {"scope": "园林绿化企业", "categories": ["园林绿化"]}
            ]}
            """.utf8
        ).write(to: folder.appendingPathComponent("conf/maps/edited.json"))
        try Data("store = \"../suiji.sqlite\"\n[draw]\nscope_map = \"maps/edited.json\"\n".utf8)
            .write(to: folder.appendingPathComponent("conf/suiji.toml"))
        try Data(
            """
            统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类
            91140981MA0C00011R,原平市晋北机械制造有限公司,企业,规模以上工业企业,140981,存续,A
            91140981MA0C00022X,原平市同川商贸有限公司,企业,限额以上批发和零售业,140981,在业,B
            91140981MA0C000332,原平市绿源园林工程有限公司,企业,园林绿化,140981,存续,
            91140981MA0C000446,原平市安息堂殡葬服务有限公司,企业,殡葬服务,140981,存续,C
            91140902MA0C00055W,忻州市慈恩殡葬服务有限公司,企业,殡葬服务,140902,存续,B
            91140981MA0C00066E,原平市瓶装燃气供应站,企业,燃气经营,140981,存续,B

            """.utf8
        ).write(to: folder.appendingPathComponent("samr-2.csv"))
        #expect(try runSuiji(["import", "--department", "原平市市场监督管理局", "samr-2.csv"], in: folder).status == 0)
        let result = try runSuiji(["draw", "coverage", "--config", "conf/suiji.toml"], in: folder)
        #expect(result.status == 0)
        #expect(result.stderr == "")
        #expect(
            result.stdout == """
                scope coverage of plan 2024 140981 (scope map: \(folder.path)/conf/maps/edited.json; population: initiator-and-cooperators)

                tasks whose scopes match no entity: none

                plan scopes not in the scope map: none

                register categories no task covers: none

                totals               count  gaps
                -------------------  -----  ----------------------
                tasks                3      0 match no entity
                plan scopes          4      0 not in the scope map
                register categories  5      0 covered by no task
                entities             6      0 in no task's scope

                """)
    }

    @Test func aMissingOrMalformedScopeMapOrAnUnknownDrawKeyExits78() throws {
        let folder = try coverageCounty()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("suiji.toml")
        try Data("[draw]\nscope_map = \"maps/scope-map.json\"\n".utf8).write(to: config)
        let missing = try runSuiji(["draw", "coverage"], in: folder)
        #expect(missing.status == 78)
        #expect(missing.stdout == "")
        #expect(
            missing.stderr == "\(folder.path)/maps/scope-map.json: error: the scope map named by [draw] scope_map does not exist; "
                + "fix the path (relative to the configuration file's folder) or set scope_map = \"\" to use the bundled map\n")

        try FileManager.default.createDirectory(at: folder.appendingPathComponent("maps"), withIntermediateDirectories: true)
        try Data("{\"version\": 1,\n \"scopes\": [\n  {\"scope\": \"燃气经营企业\" \"categories\": [\"燃气经营\"]}\n]}\n".utf8)
            .write(to: folder.appendingPathComponent("maps/scope-map.json"))
        // The draw commands load the same map: prepare stops on it too, before it prepares anything.
        for command in [["draw", "coverage", "--json"], ["draw", "prepare", "--all"]] {
            let malformed = try runSuiji(command, in: folder)
            #expect(malformed.status == 78)
            #expect(malformed.stdout == "")
            #expect(malformed.stderr == "\(folder.path)/maps/scope-map.json:3:22: error: invalid JSON: expected ',' or '}'\n")
        }
        // Commands that only read the ledger never read the map, so a broken map does not stop them.
        for command in [["draw", "verify-ledger"], ["draw", "show"]] {
            #expect(try runSuiji(command, in: folder).status == 0, "\(command)")
        }

        try Data("[draw]\nscope-map = \"maps/scope-map.json\"\n".utf8).write(to: config)
        let unknown = try runSuiji(["draw", "coverage"], in: folder)
        #expect(unknown.status == 78)
        #expect(
            unknown.stderr
                == "suiji.toml:2: error: unknown key 'draw.scope-map'; known keys in [draw]: population, lead_days, scope_map, watchlist, joint_visits, salt_key\n"
        )
    }

    @Test func usageErrorsExit64() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(try runSuiji(["draw", "run"], in: folder).status == 64)
        #expect(try runSuiji(["draw", "run", "--seed", "a|b"], in: folder).status == 64)
        #expect(try runSuiji(["draw", "prepare", "--task", "1", "--all"], in: folder).status == 64)
        #expect(try runSuiji(["draw", "prepare"], in: folder).status == 78) // no store
    }
}
