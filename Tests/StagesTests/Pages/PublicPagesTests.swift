import Foundation
import Pipeline
import Testing

@testable import Stages

/// The public pages outside the browser: when a round gets its page, hostile names, a withheld
/// bundle, and a publication run again writing nothing. (PagesInBrowserTests scan the demo's pages
/// for its registers' personal data; PublishTests hold the dry run.)
struct PublicPagesTests {
    let pools = PublicationWorld.pools.map(\.uscc)

    @Test func aRoundGetsItsPageWhenItsResultsArePublishedAndTheNamesAreEscaped() throws {
        let world = try PublicationWorld()
        defer { world.cleanup() }
        try world.register([("911409810000000019", "甲\"><script>alert(1)</script>&乙'丙")])
        try world.draw(task: 17, round: 1, usccs: [pools[0], "911409810000000019", pools[1]])
        // Drawn, nothing to publish yet: the index lists the round as drawn, and it has no page.
        _ = try world.publish()
        let folder = world.outbox + "/public"
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["index.html", "verify_draw.py"])
        let before = visibleText(try String(contentsOfFile: folder + "/index.html", encoding: .utf8))
        #expect(before.contains("1409812024P017R01 对游泳场(馆)的双随机抽查 定向"))
        #expect(before.contains("已抽取，结果待公示"))

        try world.importResults(
            "r.csv", resultsHeader + "17,1,\(pools[0]),2024-05-21,1,实地检查,,\n17,1,911409810000000019,2024-05-22,A；B,实地检查,责令改正,\n")
        let report = try world.publish()
        // The test world's commitments are stand-ins (`{}`): the bundle cannot be made, which is a warning, not a failure.
        #expect(
            report.diagnostics.map(\.message) == [
                "the public bundle of \(world.group(ofTask: 17)) round 1 cannot be made for its public page: error: ledger #1 cannot be read: DecodingError.keyNotFound: Key 'format' not found in keyed decoding container. Debug description: No value associated with key Keys(stringValue: \"format\", intValue: nil) (\"format\").; run `suiji draw verify-ledger`"
            ])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
                "1409812024P017R01.html", "index.html", "verify_draw.py",
            ])
        let page = try String(contentsOfFile: folder + "/1409812024P017R01.html", encoding: .utf8)
        #expect(!page.contains("<script"))
        #expect(page.contains("<td data-label=\"市场主体名称\">甲&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;乙&#39;丙</td>"))
        let text = visibleText(page)
        #expect(
            text.contains(
                "甲\"><script>alert(1)</script>&乙'丙 911409810000000019 2024-05-22 游泳场(馆)取得许可证：发现问题待后续处理；未按规定公示应当公示的信息 卫生管理情况等检查：发现问题待后续处理；未按规定公示应当公示的信息"
            ))
        #expect(text.contains("原平市清泉游泳馆有限公司 911409810573184662 2024-05-21 游泳场(馆)取得许可证：未发现问题 卫生管理情况等检查：未发现问题"))
        // Drawn, without a result yet: named, as the public bundle names every drawn object.
        #expect(text.contains("原平市浪花水上乐园有限公司（分公司） 911409814720138623 – 检查结果待公示"))
        #expect(
            text.contains("抽取承诺（SHA-256） c99583be47d4abb87cd5aa380d64d9f4b005c63ab4125304f0367935e9e7cbe8 承诺生成日期 2024-01-01 公开随机种子 12345"))
        #expect(text.contains("从 12 户中随机抽取 3 户"))
        #expect(text.contains("首次公示 2024-11-30 最近更新 2024-11-30"))
        #expect(text.contains("本次抽取的公开核验包暂时无法生成；可向发起部门申请核验。"))
        #expect(!page.contains("责令改正") && !page.contains("实地检查") && !page.contains("张秘密") && !page.contains("泳池路"))
        #expect(
            visibleText(try String(contentsOfFile: folder + "/index.html", encoding: .utf8)).contains("1409812024P017R01 对游泳场(馆)的双随机抽查 定向"))

        // Run again: every page is rebuilt and none is written, as its bytes are the same.
        let again = try PublicPages.write(store: world.store, to: folder)
        #expect(again.written == [])
    }

    @Test func aWithheldBundleIsNotLinkedAndThePageSaysWhy() throws {
        let task = PublicationTask(
            raninsPlanId: "1409812024P", raninsPlanName: "计划", raninsTaskId: "1409812024P017R01", raninsTaskName: "任务",
            raninsTypeName: "定向",
            insAuth: InspectionAuthority(initiator: "甲局", cooperators: []), startDate: try CivilDate(parsing: "2024-01-01"),
            endDate: try CivilDate(parsing: "2024-11-30"), populationCount: 4, drawnCount: 2, drawLedgerHead: "")
        var round = PublicRound(task: task, taskSeq: 17, round: 1, matters: ["事项"])
        round.draw = PublicDraw(
            group: "2024-G17", round: 1, commitment: String(repeating: "a", count: 64), commitmentDate: "2023-12-28", seed: "1",
            seedDate: "2024-01-03", drawDate: "2024-01-03", ledgerSeq: 1, drawn: [])
        round.published = PublicationDates(first: "2024-05-10", last: "2024-05-10")
        let plan = PublicPlan(year: 2024, region: "140981", id: 1, name: "计划", rounds: [round])
        let text = try PageText.bundled(.zh)
        let stylesheet = try PageLayout.stylesheet()
        let withheld = PublicRoundPage(plan: plan, round: round, bundle: .withheld, text: text, stylesheet: stylesheet).render()
        #expect(visibleText(withheld).contains("如何核验 本次抽取的全部对象属于同一分类，公开核验包中的分类计数会透露每个对象的分类，故不公开；可向发起部门申请核验。"))
        #expect(!withheld.contains(".json"))
        let written = PublicRoundPage(
            plan: plan, round: round, bundle: .written("draw-140981-2024-G17-R1.json"), text: text, stylesheet: stylesheet
        )
        .render()
        #expect(written.contains("<a href=\"draw-140981-2024-G17-R1.json\">draw-140981-2024-G17-R1.json</a>"))
        #expect(written.contains("<code>python3 verify_draw.py draw-140981-2024-G17-R1.json</code>"))
        #expect(
            written.hasPrefix(
                "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>\n<meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            ))
    }
}
