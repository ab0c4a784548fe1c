import Foundation
import Pipeline
import Testing

/// The fixture round: task 17 of the 2024 原平市 plan (游泳场馆, two matters, a joint task of 卫生健康和体育局
/// with 市场监督管理局), round 1, three inspected entities.
enum PublicationFixture {
    /// The plan name used in the fixture.
    static let planName = "原平市2024年度部门联合双随机抽查工作计划"

    /// Task 17 as the plan reader types it.
    static func task(frequency: Int = 1) -> PlanTask {
        PlanTask(
            seq: 17, name: "对游泳场(馆)的双随机抽查",
            matters: PlanCellParser.matters("1. 游泳场(馆)取得许可证; 2. 卫生管理情况等检查"),
            scopes: ["游泳场馆"], ratio: PlanCellParser.ratio("抽查比例不低于20%").value,
            frequency: InspectionFrequency(perYear: frequency, raw: "\(frequency)次/年"),
            window: TaskWindow(startMonth: 1, endMonth: 11, raw: "1月-11月"),
            initiator: "原平市卫生健康和体育局", cooperators: ["原平市市场监督管理局"], mode: "县抽县查",
            riskRequirement: "根据企业信用风险分类结果, 对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次。",
            area: "原平市", raw: [:], line: 18)
    }

    /// The plan holding only task 17.
    static func plan(frequency: Int = 1) -> AnnualPlan {
        AnnualPlan(year: 2024, region: "140981", tasks: [task(frequency: frequency)])
    }

    /// The round: March to September, 12 pools in the population, 3 drawn (20%, rounded up), and the
    /// draw ledger's head when published.
    static func round() throws -> PublicationRound {
        PublicationRound(
            round: 1, start: try day("2024-03-01"), end: try day("2024-09-30"), populationCount: 12, drawnCount: 3,
            drawLedgerHead: "cc5889b5b1f7b3b650188c933e849978bc3f308f5b9c5b9f2c3e74fa553c253d")
    }

    /// The three inspections, deliberately out of id order.
    static func inspections() throws -> [EntityInspection] {
        [
            EntityInspection(
                uscc: "921409811682093506", name: "原平市碧波游泳健身中心", inspectedOn: try day("2024-06-12"),
                codes: [.noProblemFound],
                codesByMatter: ["卫生管理情况等检查": [.problemPendingFollowUp, .requiredInformationNotDisclosed]]),
            EntityInspection(
                uscc: "911409810573184662", name: "原平市清泉游泳馆有限公司", inspectedOn: try day("2024-05-21"),
                codes: [.noProblemFound]),
            EntityInspection(
                uscc: "911409814720138623", name: "原平市浪花水上乐园有限公司（分公司）", inspectedOn: try day("2024-07-03"),
                codes: [.inspectedActivityNotFound]),
        ]
    }

    /// The fixture payload.
    static func payload() throws -> PublicationPayload {
        try PublicationPayload(plan: plan(), task: task(), round: round(), planName: planName, inspections: inspections())
    }
}

@Suite("PublicationPayload")
struct PublicationPayloadTests {
    /// Compares with a golden file; `SUIJI_UPDATE_GOLDEN=1` rewrites it instead.
    func assertGolden(_ text: String, _ path: String) throws {
        let url = RepositoryFiles.url(path)
        if ProcessInfo.processInfo.environment["SUIJI_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: url)
        }
        let golden = try Data(contentsOf: url)
        #expect(Data(text.utf8) == golden, "\(path) differs; rerun with SUIJI_UPDATE_GOLDEN=1 and review the diff")
    }

    @Test func goldenJSON() throws {
        let payload = try PublicationFixture.payload()
        #expect(payload.fileStem == "payload-1409812024P017R01")
        try assertGolden(payload.jsonText, "Fixtures/golden/payload-1409812024P017R01.json")
    }

    @Test func goldenXML() throws {
        try assertGolden(try PublicationFixture.payload().xmlText(), "Fixtures/golden/payload-1409812024P017R01.xml")
    }

    @Test func identifiers() throws {
        #expect(try PublicationIdentifier.plan(region: "140981", year: 2024) == "1409812024P")
        #expect(try PublicationIdentifier.task(region: "140981", year: 2024, taskSeq: 7, round: 4) == "1409812024P007R04")
        #expect(
            PublicationIdentifier.record(taskID: "1409812024P007R04", uscc: "911409810573184662") == "1409812024P007R04-911409810573184662")
        #expect(throws: PublicationPayloadError.invalidIdentifierPart("region code '14098' must be 6 digits")) {
            try PublicationIdentifier.plan(region: "14098", year: 2024)
        }
        #expect(throws: PublicationPayloadError.invalidIdentifierPart("task 序号 1000 must be 1…999")) {
            try PublicationIdentifier.task(region: "140981", year: 2024, taskSeq: 1000, round: 1)
        }
        #expect(throws: PublicationPayloadError.invalidIdentifierPart("round 0 must be 1…99")) {
            try PublicationIdentifier.task(region: "140981", year: 2024, taskSeq: 1, round: 0)
        }
    }

    @Test func recordsAreSortedAndDetailsFollowTheMatters() throws {
        let payload = try PublicationFixture.payload()
        #expect(payload.records.map(\.uscc) == ["911409810573184662", "911409814720138623", "921409811682093506"])
        let pool = try #require(payload.records.last)
        #expect(
            pool.details == [
                PublicationDetail(seqno: 1, raninsItemName: "游泳场(馆)取得许可证", raninsCheckResName: "未发现问题"),
                PublicationDetail(seqno: 2, raninsItemName: "卫生管理情况等检查", raninsCheckResName: "发现问题待后续处理；未按规定公示应当公示的信息"),
            ])
        #expect(payload.task.raninsTypeName == "定向")
        #expect(payload.task.insAuth == InspectionAuthority(initiator: "原平市卫生健康和体育局", cooperators: ["原平市市场监督管理局"]))
    }

    @Test func nothingInternalIsPublished() throws {
        let payload = try PublicationFixture.payload()
        guard case let .object(top) = payload.json, case let .object(task)? = top["task"],
            case let .array(records)? = top["records"], case let .object(record)? = records.first,
            case let .array(details)? = record["details"], case let .object(detail)? = details.first
        else { Issue.record("unexpected shape"); return }
        #expect(Set(top.keys) == ["schemaVersion", "generator", "task", "records"])
        #expect(
            Set(task.keys) == [
                "raninsPlanId", "raninsPlanName", "raninsTaskId", "raninsTaskName", "raninsTypeName", "insAuth",
                "startDate", "endDate", "populationCount", "drawnCount", "drawLedgerHead",
            ])
        #expect(Set(record.keys) == ["id", "uscc", "name", "insDate", "details"])
        #expect(Set(detail.keys) == ["seqno", "raninsItemName", "raninsCheckResName"])
        for forbidden in ["risk", "inspector", "legal", "address", "phone"] {
            #expect(!payload.jsonText.lowercased().contains(forbidden))
        }
    }

    @Test func aTaskRunSeveralTimesAYearNamesItsRound() throws {
        let round = PublicationRound(
            round: 3, start: try day("2024-07-01"), end: try day("2024-09-30"), populationCount: 12, drawnCount: 3)
        let payload = try PublicationPayload(
            plan: PublicationFixture.plan(frequency: 4), task: PublicationFixture.task(frequency: 4), round: round,
            planName: PublicationFixture.planName, inspections: [])
        #expect(payload.task.raninsTaskId == "1409812024P017R03")
        #expect(payload.task.raninsTaskName == "对游泳场(馆)的双随机抽查（第3次）")
        #expect(payload.records.isEmpty)
        #expect(try payload.xmlText().contains("  <records/>\n"))
    }

    @Test func buildErrors() throws {
        let inspections = try PublicationFixture.inspections()
        let round = try PublicationFixture.round()
        let build = { (list: [EntityInspection]) throws(PublicationPayloadError) in
            _ = try PublicationPayload(
                plan: PublicationFixture.plan(), task: PublicationFixture.task(), round: round,
                planName: PublicationFixture.planName, inspections: list)
        }
        #expect(throws: PublicationPayloadError.duplicateEntity("911409810573184662")) { try build(inspections + [inspections[1]]) }
        var empty = inspections[1]
        empty.codes = []
        #expect(throws: PublicationPayloadError.noResult(uscc: "911409810573184662", matter: "游泳场(馆)取得许可证")) { try build([empty]) }
        var stray = inspections[1]
        stray.codesByMatter = ["消防": [.noProblemFound]]
        let error = #expect(throws: PublicationPayloadError.self) { try build([stray]) }
        #expect(error?.description == "entity 911409810573184662 has a result for '消防', which is not a matter of the task")
        var lowercase = inspections[1]
        lowercase.uscc = "91140981057318466x"
        let invalid = #expect(throws: PublicationPayloadError.self) { try build([lowercase]) }
        #expect(
            invalid?.description
                == "entity '91140981057318466x' cannot be published: the code must be 18 characters of 0-9 and A-Z, or a 15-digit 注册号")
        var legacy = inspections[1]
        legacy.uscc = "140981000012345"
        try build([legacy])
        var nameless = inspections[1]
        nameless.name = " "
        #expect(throws: PublicationPayloadError.invalidEntity(uscc: "911409810573184662", reason: "the name is empty")) {
            try build([nameless])
        }
        #expect(throws: PublicationPayloadError.missingText(field: "raninsPlanName")) {
            _ = try PublicationPayload(
                plan: PublicationFixture.plan(), task: PublicationFixture.task(), round: round, planName: "", inspections: [])
        }
    }

    @Test func jsonEscaping() {
        let value = CanonicalJSON.object([
            "b": .string("引号\"、反斜杠\\、换行\n、制表\t、\u{01}、/"), "a": .array([]), "c": .object([:]), "d": .null,
            "e": .bool(true), "f": .integer(-3),
        ])
        #expect(value.compactText == #"{"a":[],"b":"引号\"、反斜杠\\、换行\n、制表\t、\u0001、/","c":{},"d":null,"e":true,"f":-3}"#)
        #expect(
            value.prettyText == """
                {
                  "a": [],
                  "b": "引号\\"、反斜杠\\\\、换行\\n、制表\\t、\\u0001、/",
                  "c": {},
                  "d": null,
                  "e": true,
                  "f": -3
                }

                """)
    }

    @Test func jsonRoundTrip() throws {
        let golden = try RepositoryFiles.data("Fixtures/golden/payload-1409812024P017R01.json")
        let parsed = try CanonicalJSON.parse(golden)
        #expect(parsed == (try PublicationFixture.payload().json))
        #expect(Data(parsed.prettyText.utf8) == golden)
        #expect(try CanonicalJSON.parse(Data(#""\ud83d\ude00 \u00e9""#.utf8)) == .string("😀 é"))
        #expect(try CanonicalJSON.parse(Data([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))) == .array([.integer(1)]))
    }

    @Test(arguments: [
        (#"{"a": 1, "a": 2}"#, "invalid JSON at byte 9: duplicate key \"a\""),
        ("[1.5]", "invalid JSON at byte 2: only integers are supported"),
        ("[01]", "invalid JSON at byte 1: leading zeros are not allowed"),
        (#"["\ud800"]"#, "invalid JSON at byte 8: a high surrogate must be followed by a low surrogate"),
        ("[1] x", "invalid JSON at byte 4: unexpected text after the value"),
        (#"["a"#, "invalid JSON at byte 1: unterminated string"),
        ("", "invalid JSON at byte 0: unexpected end of input"),
        (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "invalid JSON at byte 64: nested more than 64 levels"),
    ])
    func strictJSON(text: String, message: String) {
        let error = #expect(throws: CanonicalJSONError.self) { try CanonicalJSON.parse(Data(text.utf8)) }
        #expect(error?.description == message)
    }

    @Test func xmlEscapingAndUnrepresentableCharacters() throws {
        var payload = try PublicationFixture.payload()
        payload.records[0].name = "A&B <游泳> \"馆\"\t'x'"
        let xml = try payload.xmlText()
        #expect(xml.contains("<name>A&amp;B &lt;游泳&gt; &quot;馆&quot;&#9;'x'</name>"))
        payload.records[0].name = "坏\u{07}名"
        #expect(throws: PublicationPayloadError.notRepresentableInXML(field: "name", scalar: 7)) { try payload.xmlText() }
        #expect(
            PublicationPayloadError.notRepresentableInXML(field: "name", scalar: 7).description
                == "name contains U+7, which XML 1.0 cannot carry; correct the source data")
    }

    @Test func ledgerRecordsCarryTheTaskFieldsGSXTShows() throws {
        let payload = try PublicationFixture.payload()
        let ledger = payload.ledgerRecords
        #expect(ledger.map(\.id) == payload.records.map(\.id))
        let first = try #require(ledger.first)
        #expect(
            first.json == #"{"details":[{"raninsCheckResName":"未发现问题","raninsItemName":"游泳场(馆)取得许可证","seqno":1},"#
                + #"{"raninsCheckResName":"未发现问题","raninsItemName":"卫生管理情况等检查","seqno":2}],"#
                + #""id":"1409812024P017R01-911409810573184662","insAuth":{"cooperators":["原平市市场监督管理局"],"initiator":"原平市卫生健康和体育局"},"#
                + #""insDate":"2024-05-21","name":"原平市清泉游泳馆有限公司","raninsPlanId":"1409812024P","raninsPlanName":"原平市2024年度部门联合双随机抽查工作计划","#
                + #""raninsTaskId":"1409812024P017R01","raninsTaskName":"对游泳场(馆)的双随机抽查","raninsTypeName":"定向","uscc":"911409810573184662"}"#
        )
        #expect(first.sha256 == SHA256.hex(first.json))
        #expect(first.sha256.count == 64)
        // Counts and dates of the round are not part of a record: changing them republishes nothing.
        var recounted = payload
        recounted.task.populationCount = 13
        #expect(recounted.ledgerRecords == ledger)
    }

    @Test func codableMatchesTheCanonicalShape() throws {
        let payload = try PublicationFixture.payload()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(payload)
        #expect(try JSONDecoder().decode(PublicationPayload.self, from: data) == payload)
        #expect(try CanonicalJSON.parse(data) == payload.json)
    }
}
