// `reports/index.html`: every night in the reports folder, newest first, with small trend charts of
// the rows imported, the rows rejected and the overdue rounds. Rebuilt whole each night from the
// nights' `run.json` files (what the reports folder holds), so a night run again, or a night
// added, gives the page one uninterrupted series of runs would.

internal import Foundation
internal import Pipeline

/// One night as the index shows it: the figures of its run.json.
struct NightSummary: Sendable, Hashable, Decodable {
    /// The night.
    var date: String
    /// Its exit code.
    var exitCode: Int32
    /// Files taken.
    var filesTaken: Int
    /// Files refused whole.
    var filesRejected: Int
    /// Rows stored.
    var rowsImported: Int
    /// Rows rejected.
    var rowsRejected: Int
    /// Draws made.
    var draws: Int
    /// Task rounds published.
    var publications: Int
    /// Overdue rounds.
    var overdue: Int

    /// Every night under `folder` (a subfolder named `YYYY-MM-DD` holding a readable `run.json`), oldest first;
    /// with the nights whose run.json could not be read, and why.
    static func all(in folder: String) -> (nights: [NightSummary], unreadable: [String]) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var nights: [NightSummary] = []
        var unreadable: [String] = []
        for name in names.sorted() where (try? CivilDate(parsing: name))?.description == name {
            let path = folder + "/" + name + "/run.json"
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            do {
                nights.append(try JSONDecoder().decode(NightSummary.self, from: data))
            } catch {
                unreadable.append("\(name)/run.json: \(error.localizedDescription)")
            }
        }
        return (nights, unreadable)
    }
}

/// Renders the index of nights.
struct ReportsIndexPage {
    /// The nights, oldest first.
    let nights: [NightSummary]
    /// run.json files that could not be read.
    let unreadable: [String]
    /// The texts.
    let text: PageText

    /// The page's HTML.
    func render() throws -> String {
        let t = text
        var main: [HTMLNode] = []
        if nights.isEmpty {
            main.append(PageLayout.nothing(t(.indexNone)))
        } else {
            let series: [(PageKey, KeyPath<NightSummary, Int>, String)] = [
                (.indexTrendRows, \.rowsImported, "ok"), (.indexTrendRejects, \.rowsRejected, "bad"),
                (.indexTrendOverdue, \.overdue, "soon"),
            ]
            let recent = Array(nights.suffix(60))
            main.append(
                PageLayout.section(
                    id: "trends", t(.indexTrends),
                    [
                        .el(
                            .div, class: "trends",
                            series.map { key, path, style in
                                let values = recent.map { (label: $0.date, value: $0[keyPath: path]) }
                                let latest = values.last?.value ?? 0
                                return .element(
                                    .figure, [("class", "trend")],
                                    [
                                        .el(.figcaption, [.text(t(key) + " "), .el(.strong, PageFormat.integer(latest))]),
                                        PageCharts.trend(values, style: style, label: t(key)),
                                        .el(
                                            .p, class: "small",
                                            t(
                                                .indexTrendRange,
                                                [
                                                    "first": recent.first?.date ?? "", "last": recent.last?.date ?? "",
                                                    "max": PageFormat.integer(values.map(\.value).max() ?? 0),
                                                ])),
                                    ])
                            })
                    ]))
            let rows: [[HTMLNode]] = nights.reversed().map { n in
                [
                    .link(n.date + "/index.html", n.date),
                    .el(
                        .span, class: n.exitCode == 0 ? "tag ok" : n.exitCode == ExitStatus.dataRejected.rawValue ? "tag warn" : "tag bad",
                        "\(n.exitCode)"),
                    .number(n.filesTaken), .number(n.filesRejected), .number(n.rowsImported), .number(n.rowsRejected), .number(n.draws),
                    .number(n.publications), .number(n.overdue),
                ]
            }
            main.append(
                PageLayout.section(
                    id: "nights", t(.indexNights),
                    [
                        .table(
                            headers: [
                                t(.indexColumnNight), t(.indexColumnExit), t(.figureFilesTaken), t(.figureFilesRefused),
                                t(.figureRowsImported),
                                t(.figureRowsRejected), t(.figureDraws), t(.figurePublications), t(.figureOverdue),
                            ], rows: rows)
                    ]))
        }
        if !unreadable.isEmpty {
            main.append(PageLayout.section(id: "warnings", t(.warningsTitle), [.el(.ul, unreadable.map { .el(.li, $0) })]))
        }
        return PageLayout.document(
            language: t.language.htmlTag, title: t(.indexTitle), stylesheet: try PageLayout.stylesheet(),
            header: [.el(.h1, t(.indexTitle))],
            main: main, footer: [.el(.p, class: "small", t(.footerGenerator, ["generator": SuijiVersion.generator]))])
    }
}

/// Writes the night's pages: `reports/<date>/index.html` and `reports/index.html`.
enum ReportPages {
    /// Writes both pages (each only if its bytes changed). `store` is nil when the night could not open it.
    static func write(report: NightReport, store: (any StageStore)?, configuration: Configuration) throws {
        let text = try PageText.bundled(configuration.ui.pageLanguage)
        let data = NightPageData.gather(report: report, store: store, configuration: configuration)
        let reports = configuration.resolvedPath(\.paths.reports)
        try PageFile.write(try NightPage(data: data, text: text).render(), to: reports + "/" + report.date + "/index.html")
        let (nights, unreadable) = NightSummary.all(in: reports)
        try PageFile.write(try ReportsIndexPage(nights: nights, unreadable: unreadable, text: text).render(), to: reports + "/index.html")
    }
}
