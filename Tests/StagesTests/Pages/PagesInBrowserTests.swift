import Foundation
import Testing

@testable import Stages

/// The demo's pages as Chromium renders them (issue 18's must-show): after `suiji demo` (run once in
/// process, shared with DemoWorkspaceTests), the last night's report page, the index of nights and
/// the public pages carry the figures of that night, and the public pages nothing that may not be
/// published. Each page is also photographed and the picture must not be blank.
///
/// `SUIJI_UPDATE_SCREENSHOTS=1 swift test --filter PagesInBrowserTests` also copies the pictures to
/// `Fixtures/screenshots/`, which the README shows.
@Suite(.serialized) struct PagesInBrowserTests {
    static var workspace: String { get throws { try DemoWorkspaceTests.demo.get().folder.path("county") } }

    static func browser() throws -> HeadlessChromium { try HeadlessChromium.shared.get() }

    /// The pages the tests read, by their path under the workspace.
    static let pages = [
        "reports/2024-05-10/index.html", "reports/index.html", "outbox/public/index.html", "outbox/public/1409812024P002R01.html",
        "outbox/public/1409812024P003R01.html", "outbox/public/1409812024P035R01.html",
    ]

    /// Each page's DOM as Chromium built it: rendered once, shared by the tests.
    static let doms: Result<[String: String], any Error> = Result {
        let workspace = try Self.workspace
        var doms: [String: String] = [:]
        for page in pages { doms[page] = try browser().dom(of: workspace + "/" + page) }
        return doms
    }

    /// The DOM of one of ``pages``.
    static func dom(_ page: String) throws -> String {
        guard let dom = try doms.get()[page] else { throw BrowserError("\(page) is not one of the pages rendered") }
        return dom
    }

    /// Photographs `page` at `width`×`height`, checks the picture is a page and not blank, and keeps it
    /// as `Fixtures/screenshots/<name>` when asked to.
    static func photograph(_ page: String, name: String, width: Int, height: Int) throws {
        let png = try DemoWorkspaceTests.demo.get().folder.path(name)
        try browser().screenshot(of: page, to: png, width: width, height: height)
        let picture = try DecodedPNG(path: png)
        #expect(picture.width == width && picture.height == height, "\(name): \(picture.width)×\(picture.height)")
        // A blank page is one colour; a page of text, tables and charts has many, and ink on a good part of it.
        #expect(picture.colours > 50, "\(name): \(picture.colours) colours")
        #expect(picture.inkShare > 0.05, "\(name): \(picture.inkShare) of the pixels differ from the background")
        if ProcessInfo.processInfo.environment["SUIJI_UPDATE_SCREENSHOTS"] == "1" {
            let target = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../../Fixtures/screenshots/\(name)")
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: png, toPath: target.path)
        }
    }

    @Test func theLastNightsPageShowsItsFiguresInChromium() throws {
        let page = try Self.workspace + "/reports/2024-05-10/index.html"
        let dom = try Self.dom("reports/2024-05-10/index.html")
        #expect(dom.hasPrefix("<html lang=\"zh-CN\">"))
        #expect(dom.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"))
        let text = visibleText(dom)
        for expected in [
            "夜间运行报告 · 2024-05-10",
            "部分输入被拒收或有抽取受阻，详见下文（退出码 65）",
            // The figures of run.txt.
            "接收文件 1 拒收文件 0 导入行数 17 拒收行数 2 待种子的承诺 34 抽取 0 公示任务轮次 3 逾期轮次 2",
            "（检查结果） 1 0 17 2",
            "已导入 results/抽查结果-2024-05.csv 17 2 被拒收的 2 行",
            // The rejected rows by reason, each linking to its rejects file.
            "未知任务 …：… … 年的计划中没有序号为 … 的任务 未知任务 …：… … 年的计划中没有序号为 … 的任务: 1 1 抽查结果-2024-05.csv.rejects.csv",
            "… 未在任务 … 第 … 轮中被抽中（抽取组 …-…）；结果必须对应已抽中的对象",
            // Commitments awaiting a seed: the one prepared tonight is marked.
            "2024-G35 2 6cdaa1e4bd2348610441440bc2bec41553782d7938e14fa67056ad6bbb149bcf 2024-05-10 今晚生成",
            "2024-G01 1 e9771dfedfb153a9830d23dfa4e062fbc2f1b220797b8e2141bbe47a9908574c 2023-12-28",
            // The year's draws with their classes (G35: A 2 · B 5 · C 4 of 29) and quotas against the population.
            "2024-G35 第 1 轮 2024-01-01 至 2024-03-31；任务 35",
            "抽取 11 户 · A 2 · B 5 · C 4 · D 0",
            "A 2/10 · B 5/13 · C 4/6 · D 0/0 · 合计 11/29 20240102-5083（抽取账本 #4）",
            "2024-G02 第 1 轮 2024-01-01 至 2024-11-30；任务 2、3",
            "抽取 3 户 · A 0 · B 1 · C 1 · D 1",
            "A 0/17 · B 1/17 · C 1/6 · D 1/2 · 合计 3/42 20240102-0375（抽取账本 #1）",
            // Rounds due and overdue, on a timeline.
            "时间轴范围：2024-03-31 至 2024-05-10；今天 2024-05-10",
            "1409812024P036R01 道路运输新业态企业检查 2024-04-28 逾期 7 个工作日 尚未抽取",
            "1409812024P037R01 道路运输车辆达标管理情况检查 2024-04-28 逾期 7 个工作日 尚未抽取",
            // Publications.
            "1409812024P002R01 3 0 0 1409812024P003R01 3 0 0 1409812024P035R01 11 0 0",
            // The plan's targets.
            "信用风险分类结果应用率 100.0%（已抽取 30 户中 30 户有分类；要求不低于 95.0%） 达标",
        ] {
            #expect(text.contains(expected), "\(expected)")
        }
        // Relative links to the rejects file, to the text report and to the other nights.
        #expect(dom.contains("href=\"../../rejects/2024-05-10/results/%E6%8A%BD%E6%9F%A5%E7%BB%93%E6%9E%9C-2024-05.csv.rejects.csv\""))
        #expect(try FileManager.default.fileExists(atPath: Self.workspace + "/rejects/2024-05-10/results/抽查结果-2024-05.csv.rejects.csv"))
        #expect(dom.contains("href=\"../index.html\"") && dom.contains("href=\"run.txt\""))
        // The charts are the browser's SVG elements: 4 stacked bars of the draws and 2 bars of reasons,
        // 4 charts of quotas against populations, 2 timelines.
        #expect(dom.components(separatedBy: "<svg class=\"chart bar\"").count - 1 == 4 + 2)
        #expect(dom.components(separatedBy: "<svg class=\"chart ratios\"").count - 1 == 4)
        #expect(dom.components(separatedBy: "<svg class=\"chart timeline\"").count - 1 == 2)
        #expect(!dom.contains("<script"))
        try Self.photograph(page, name: "night-report.png", width: 1280, height: 1600)
    }

    @Test func theIndexOfNightsListsEveryNightWithTrendsInChromium() throws {
        let page = try Self.workspace + "/reports/index.html"
        let text = visibleText(try Self.dom("reports/index.html"))
        for expected in [
            "夜间运行报告一览",
            "导入行数 17", "拒收行数 2", "逾期轮次 2",
            "2023-12-28 至 2024-05-10，最多 3,071",
            "日期 退出码 接收文件 拒收文件 导入行数 拒收行数 抽取 公示任务轮次 逾期轮次",
            "2024-05-10 65 1 0 17 2 0 3 2 2024-01-03 0 4 0 0 0 4 0 0 2023-12-28 65 12 1 3,071 30 0 0 0",
        ] {
            #expect(text.contains(expected), "\(expected)")
        }
        try Self.photograph(page, name: "reports-index.png", width: 1280, height: 1000)
    }

    @Test func thePublicPagesShowTheNightsResultsAndNothingForbiddenInChromium() throws {
        let folder = try Self.workspace + "/outbox/public"
        let index = visibleText(try Self.dom("outbox/public/index.html"))
        for expected in [
            "双随机、一公开抽查结果公示",
            "原平市2024年度部门联合双随机抽查工作计划",
            "1409812024P002R01 对燃气经营许可证取得情况的双随机抽查",
            "1409812024P035R01",
            "结果已公示",
            "已抽取，结果待公示",
        ] {
            #expect(index.contains(expected), "\(expected)")
        }
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages == ["1409812024P002R01.html", "1409812024P003R01.html", "1409812024P035R01.html", "index.html"])
        let round = try Self.dom("outbox/public/1409812024P035R01.html")
        #expect(round.hasPrefix("<html lang=\"zh-CN\">"))
        let text = visibleText(round)
        for expected in [
            "抽查任务编号 1409812024P035R01",
            "从 29 户中随机抽取 11 户",
            "公开随机种子 20240102-5083",
            "抽取组 2024-G35 第 1 轮，抽取账本第 4 条",
            "python3 verify_draw.py draw-140981-2024-G35-R1.json",
            "山西益康危险货物运输有限公司 91140981258683259M 2024-03-18 道路危险货物运输企业监督检查：未按规定公示应当公示的信息",
            "原平市方康宏物流有限公司 911409818297155269 2024-03-17 道路危险货物运输企业监督检查：发现问题经责令已改正",
            "首次公示 2024-05-10 最近更新 2024-05-10",
        ] {
            #expect(text.contains(expected), "\(expected)")
        }
        #expect(round.contains("href=\"draw-140981-2024-G35-R1.json\"") && round.contains("href=\"verify_draw.py\""))
        try Self.photograph(folder + "/index.html", name: "public-index.png", width: 1280, height: 1000)
        try Self.photograph(folder + "/1409812024P035R01.html", name: "public-round.png", width: 1280, height: 1500)
        try Self.photograph(folder + "/1409812024P035R01.html", name: "public-round-phone.png", width: 412, height: 1400)
    }

    /// Names made to break out (`"><script>`, `<img onerror>`, an escape sequence, a bidirectional
    /// override) are text in the browser: no element comes of them, and they read as they were sent.
    @Test func hostileNamesAreTextInChromium() throws {
        let page = try NightPage(data: NightPageData(report: try NightPageTests.hostileReport()), text: try PageText.bundled(.zh)).render()
        let path = try DemoWorkspaceTests.demo.get().folder.path("hostile.html")
        try page.write(toFile: path, atomically: true, encoding: .utf8)
        let dom = try Self.browser().dom(of: path)
        #expect(!dom.contains("<script") && !dom.contains("<img") && !dom.contains("<b>"))
        #expect(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let text = visibleText(dom)
        #expect(text.contains("甲\"><script>alert(1)</script> 1 1 0 0"))
        #expect(text.contains("'<img src=x onerror=alert(2)>' is not a date \\u{1B}[2J"))
        #expect(text.contains("warning: {date} & \\u{202E}evil"))
    }

    /// Every public page, as written and as Chromium renders it, holds no address, phone, legal
    /// representative, inspector id or inspector name of the demo's registers, and no word of a risk
    /// class or an inspector. What a page may hold (the businesses' registered names, the plan's task
    /// names, matters and departments) is masked first: a two-character name such as 康宏 is a legal
    /// representative's and part of 原平市方康宏物流有限公司, which is published.
    @Test func noPublicPageShowsAnAddressAPhoneALegalRepresentativeAnInspectorOrARiskClass() throws {
        let (_, configuration) = try DemoWorkspaceTests.demo.get()
        let forbidden = try forbiddenValues(store: configuration.resolvedPath(\.store))
        let counts = Dictionary(grouping: forbidden, by: \.what).mapValues(\.count)
        #expect(counts == ["address": 2927, "phone": 2839, "legal representative": 2805, "inspector id": 56, "inspector": 56])
        let published = try publicTexts(store: configuration.resolvedPath(\.store))
        // The scan finds what it looks for, masked names or not.
        for what in ["address", "phone", "legal representative", "inspector id", "inspector"] {
            let value = try #require(
                forbidden.first { entry in entry.what == what && !published.contains { $0.contains(entry.value) } }?.value)
            #expect(holds(masking("<td>" + value + "</td>", published), value), "\(what) '\(value)'")
        }
        let folder = try Self.workspace + "/outbox/public"
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".html") }.sorted()
        #expect(pages.count == 4)
        for page in pages {
            let html = try String(contentsOfFile: folder + "/" + page, encoding: .utf8)
            #expect(visibleText(html) == visibleText(try Self.dom("outbox/public/" + page)), "\(page): the browser shows what was written")
            let markup = masking(withoutStylesheet(html), published)
            for (what, value) in forbidden {
                #expect(!holds(markup, value), "\(page) shows the \(what) '\(value)'")
            }
            for word in ["风险", "执法", "检查人员", "法定代表人", "电话", "地址", "riskClass", "c-A", "c-B", "c-C", "c-D"] {
                #expect(!holds(markup, word), "\(page) holds '\(word)'")
            }
        }
    }
}
