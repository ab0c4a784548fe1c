import Foundation
import GRDB
import Pipeline
import Testing

@testable import Stages

@Suite("Results import")
struct ResultsImportTests {
    let pools = PublicationWorld.pools.map(\.uscc)

    @Test func theGroupOfTask17IsItsOwn() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        #expect(world.group(ofTask: 17) == "2024-G17")
    }

    @Test func goodRowsLandWithChineseHeaders() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        try world.draw(task: 17, round: 1, usccs: Array(pools.prefix(3)))
        let report = try world.importResults(
            "results.csv",
            resultsHeader + """
                17,1,\(pools[0]),2024-05-21,1,实地检查,,
                17,,\(pools[1]),2024/07/03,F,书面检查,,
                17,第1轮,\(pools[2]),20240612,未发现问题；A、b,实地检查,责令整改,复查
                """)
        #expect(report.diagnostics == [])
        #expect(report.status == .success)
        #expect(
            report.summary
                == "imported results from results.csv: 3 rows read, 3 accepted, 0 rejected; results: 3 added, 0 corrected, 0 withdrawn, 0 unchanged"
        )
        let rows = try world.store.read { db in
            try Row.fetchAll(db, sql: "SELECT task_seq, round, uscc, inspected_on, codes_json, follow_up FROM results ORDER BY uscc")
        }
        #expect(rows.map { $0["codes_json"] as String } == [#"["1"]"#, #"["F"]"#, #"["1","A","B"]"#])
        #expect(rows.map { $0["inspected_on"] as String } == ["2024-05-21", "2024-07-03", "2024-06-12"])
        #expect(rows.allSatisfy { ($0["round"] as Int) == 1 && ($0["task_seq"] as Int) == 17 })
        #expect(rows[2]["follow_up"] as String? == "责令整改")
    }

    @Test func eachKindOfBadRowIsRejectedWithItsReason() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        try world.draw(task: 17, round: 1, usccs: Array(pools.prefix(3)))
        let report = try world.importResults(
            "bad.csv",
            resultsHeader + """
                99,1,\(pools[0]),2024-05-21,1,,,
                17,2,\(pools[0]),2024-05-21,1,,,
                17,1,911409819999999999,2024-05-21,1,,,
                17,1,\(pools[0]),2024-13-01,1,,,
                17,1,\(pools[0]),2024-05-21,1；未检查,,,
                4,1,\(pools[0]),2024-05-21,1,,,
                1409822024P017R01,,\(pools[0]),2024-05-21,1,,,
                17,1,\(pools[1]),2024-05-21,1,现场检查,,
                17,1,\(pools[1]),2024-05-22,E,,,
                """, rejects: true)
        #expect(
            report.diagnostics.map(\.description) == [
                "bad.csv:2:1: error: unknown task 99: the 2024 plan of 140981 has no task with 序号 99 [uscc=911409810573184662]",
                "bad.csv:3:2: error: task 17 has no round 2: it runs 1 round in 2024 (round 1 (2024-01-01…2024-11-30)) [uscc=911409810573184662]",
                "bad.csv:4:3: error: 911409819999999999 was not drawn for task 17 round 1 (draw group 2024-G17); a result must refer to a drawn object [uscc=911409819999999999]",
                "bad.csv:5:4: error: inspected_on '2024-13-01' is not a date (YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD or an Excel date number) [uscc=911409810573184662]",
                "bad.csv:6:5: error: unknown result '未检查' in '1；未检查': write a code (1, A–G, 3–12) or its text from the national list, separated by ; ； or 、 [uscc=911409810573184662]",
                "bad.csv:7:3: error: task 4 round 1 has not been drawn (draw group 2024-G04); results can only be entered for drawn objects [uscc=911409810573184662]",
                "bad.csv:8:1: error: task id '1409822024P017R01' belongs to the plan of 140982 2024, not to the 2024 plan of 140981 [uscc=911409810573184662]",
                "bad.csv:9:6: warning: method '现场检查' is not on the national list (实地检查、书面检查、行政部门检查结果或专业意见、检验检测、网络监测、委托专业机构辅助); kept as written [uscc=911409814720138623]",
                "bad.csv:10:3: error: the result of 911409814720138623 for task 17 round 1 repeats the row on line 9; the first is kept [uscc=911409814720138623]",
            ])
        #expect(report.rowsRejected == 8)
        #expect(report.rowsImported == 1)
        #expect(report.status == .dataRejected)
        #expect(try world.store.rowCount("results") == 1, "the good row still lands")
        let rejects = String(decoding: try fileBytes(world.folder.path("bad.csv.rejects.csv")), as: UTF8.self)
        let lines = rejects.split(separator: "\r\n")
        #expect(lines.first == "\u{FEFF}任务序号,轮次,统一社会信用代码,检查日期,检查结果,核查方式,后续处置,备注,line,reason")
        #expect(lines.count == 9)
        #expect(lines[1] == "99,1,911409810573184662,2024-05-21,1,,,,2,unknown task 99: the 2024 plan of 140981 has no task with 序号 99")
    }

    @Test func theReadersFedOneByteAtATimeGiveTheSameResultsAsWhole() throws {
        let csv =
            resultsHeader + """
                17,1,\(pools[0]),2024-05-21,1,实地检查,,"复查, 已整改"
                17,1,\(pools[1]),2024-13-01,1,,,
                17,1,\(pools[2]),2024/06/12,未发现问题；A,书面检查,,

                """
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <results>
              <result task="17" round="1"><uscc>\(pools[0])</uscc><inspected_on>2024-05-21</inspected_on><results>1</results><method>实地检查</method><remarks>复查, 已整改</remarks></result>
              <result task="17" round="1"><uscc>\(pools[1])</uscc><inspected_on>2024-13-01</inspected_on><results>1</results></result>
              <result task="17" round="1"><uscc>\(pools[2])</uscc><inspected_on>2024/06/12</inspected_on><results>未发现问题；A</results><method>书面检查</method></result>
            </results>

            """
        var stored: [[String]] = []
        for (name, text) in [("results.csv", csv), ("results.xml", xml)] {
            var outcomes: [[String]] = []
            for chunkSize in [256 * 1024, 1] {
                let world = try PublicationWorld()
                defer { world.cleanup() }
                try world.draw(task: 17, round: 1, usccs: Array(pools.prefix(3)))
                let report = try world.importResults(name, text, chunkSize: chunkSize)
                #expect((report.rowsRead, report.rowsImported, report.rowsRejected) == (3, 2, 1), "\(name) in chunks of \(chunkSize)")
                #expect(report.diagnostics.map { $0.location?.line } == [name == "results.csv" ? 3 : 4])
                let rows = try world.store.read { db in
                    try Row.fetchAll(db, sql: "SELECT uscc, inspected_on, codes_json, method, remarks FROM results ORDER BY uscc")
                        .map { row in
                            ["uscc", "inspected_on", "codes_json", "method", "remarks"].map { (row[$0] as String?) ?? "∅" }.joined(
                                separator: "|")
                        }
                }
                outcomes.append(rows)
            }
            #expect(outcomes[0] == outcomes[1], "\(name): whole and byte by byte")
            stored.append(outcomes[0])
        }
        #expect(stored[0] == stored[1], "CSV and XML store the same results")
        #expect(
            stored[0]
                == [
                    "\(pools[0])|2024-05-21|[\"1\"]|实地检查|复查, 已整改",
                    "\(pools[2])|2024-06-12|[\"1\",\"A\"]|书面检查|∅",
                ].sorted())
    }

    @Test func aMissingColumnRejectsTheFileAndChangesNothing() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        try world.draw(task: 17, round: 1, usccs: Array(pools.prefix(3)))
        let report = try world.importResults("nocodes.csv", "任务序号,轮次,统一社会信用代码,检查日期\n17,1,\(pools[0]),2024-05-21\n")
        #expect(report.outcome == .fileRejected)
        #expect(report.status == .dataRejected)
        #expect(
            report.diagnostics.map(\.description) == [
                "nocodes.csv:1: error: required column 'results (检查结果)' is missing (accepted headers: 检查结果, 抽查结果, 结果, result, results)"
            ])
        #expect(try world.store.rowCount("results") == 0)
        #expect(try world.store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM imports WHERE kind = 'results'") } == 0)
    }

    @Test func theTaskIDNamesTaskAndRound() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        try world.draw(task: 17, round: 1, usccs: Array(pools.prefix(3)))
        let report = try world.importResults(
            "ids.csv",
            """
            抽查任务编号,统一社会信用代码,检查日期,检查结果
            1409812024P017R01,\(pools[0]),2024-05-21,1
            1409812024P017,\(pools[1]),2024-05-21,1
            """)
        #expect(report.diagnostics == [])
        #expect(report.added == 2)
    }

    @Test func aCorrectionReplacesTheResultAndKeepsTheEarlierOneInHistory() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        try world.draw(task: 17, round: 1, usccs: Array(pools.prefix(3)))
        try world.importResults("first.csv", resultsHeader + "17,1,\(pools[0]),2024-05-21,A,,,\n17,1,\(pools[1]),2024-05-21,1,,,\n")
        let second = try world.importResults(
            "second.csv", resultsHeader + "17,1,\(pools[0]),2024-05-28,E,,已整改,\n17,1,\(pools[1]),2024-05-21,1,,,\n")
        #expect(
            second.summary
                == "imported results from second.csv: 2 rows read, 2 accepted, 0 rejected; results: 0 added, 1 corrected, 0 withdrawn, 1 unchanged"
        )
        let versions = try world.store.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT r.codes_json, r.inspected_on, r.valid_to_import, i.file_name FROM results r
                    JOIN imports i ON i.id = r.valid_from_import WHERE r.uscc = ? ORDER BY r.id
                    """, arguments: [pools[0]])
        }
        #expect(versions.count == 2)
        #expect(versions.map { $0["codes_json"] as String } == [#"["A"]"#, #"["E"]"#])
        #expect(versions.map { $0["file_name"] as String } == ["first.csv", "second.csv"])
        #expect(versions[0]["valid_to_import"] as Int64? != nil, "the earlier version is closed, not deleted")
        #expect(versions[1]["valid_to_import"] as Int64? == nil)

        // A withdrawal is one more version; withdrawing what has no result is a rejected row.
        let third = try world.importResults(
            "third.csv",
            """
            任务序号,轮次,统一社会信用代码,检查日期,检查结果,操作
            17,1,\(pools[1]),,,撤回
            17,1,\(pools[2]),,,撤回
            """)
        #expect(third.withdrawn == 1)
        #expect(
            third.diagnostics.map(\.description) == [
                "third.csv:3:6: error: there is no result of 921409811682093506 for task 17 round 1 to withdraw [uscc=921409811682093506]"
            ])
        let withdrawn = try world.store.read { db in
            try Row.fetchAll(db, sql: "SELECT withdrawn, codes_json FROM results WHERE uscc = ? ORDER BY id", arguments: [pools[1]])
        }
        #expect(withdrawn.map { $0["withdrawn"] as Int } == [0, 1])
        #expect(withdrawn.map { $0["codes_json"] as String } == [#"["1"]"#, #"["1"]"#])
    }

    @Test func aDryRunWritesNothingAndTheSameFileTwiceIsANoOp() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        try world.draw(task: 17, round: 1, usccs: Array(pools.prefix(3)))
        let text = resultsHeader + "17,1,\(pools[0]),2024-05-21,1,,,\n"
        let dry = try world.importResults("r.csv", text, dryRun: true)
        #expect(dry.outcome == .dryRun)
        #expect(dry.added == 1)
        #expect(try world.store.rowCount("results") == 0)
        #expect(try world.importResults("r.csv", text).added == 1)
        let again = try world.importResults("r.csv", text)
        #expect(again.outcome == .unchanged)
        #expect(try world.store.rowCount("results") == 1)
    }

    @Test func resultsWithoutAPlanAreAnError() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let store = try Store.inMemory()
        let path = try folder.write("r.csv", resultsHeader + "17,1,911409810573184662,2024-05-21,1,,,\n")
        #expect(throws: ResultsImportError.self) {
            try ResultsImporter(store: store).run(ResultsImportRequest(path: path, year: 2024, region: "140981"))
        }
    }
}
