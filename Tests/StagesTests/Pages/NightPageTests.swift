import Foundation
import Pipeline
import Testing

@testable import Stages

/// The night's page and the index of nights, outside the browser: failures, the language, hostile
/// names, and which folders the index reads.
struct NightPageTests {
    /// A night's report with hostile text wherever a file's content or name reaches the page.
    static func hostileReport() throws -> NightReport {
        var report = NightReport.failedToStart(date: try CivilDate(parsing: "2024-05-10"), message: "")
        report.failedStage = nil
        report.failure = nil
        report.exitCode = 65
        report.files = [
            NightReport.File(
                path: "registers/甲\"><script>alert(1)</script>/名录&.csv", kind: "register", department: "甲\"><script>alert(1)</script>",
                outcome: "rejected", rowsImported: 0, rowsRejected: 0, rejectsFile: nil,
                reason: "'<img src=x onerror=alert(2)>' is not a date \u{1B}[2J",
                movedTo: "rejects/2024-05-10/x")
        ]
        report.filesTaken = 1
        report.filesRejected = 1
        report.departments = [
            NightReport.Department(department: "甲\"><script>alert(1)</script>", files: 1, rowsImported: 0, rowsRejected: 0)
        ]
        report.ignored = ["inbox/<b>link</b> (a symbolic link)"]
        report.warnings = ["warning: {date} & \u{202E}evil"]
        return report
    }

    @Test func everyTextFromAFileIsEscapedOnTheNightsPage() throws {
        let page = try NightPage(data: NightPageData(report: try Self.hostileReport()), text: try PageText.bundled(.zh)).render()
        #expect(!page.contains("<script"))
        #expect(!page.contains("<img"))
        #expect(!page.contains("<b>link"))
        #expect(!page.contains("\u{1B}") && !page.contains("\u{202E}"))
        #expect(page.contains("<td>甲&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;</td>"))
        #expect(page.contains("<code>registers/甲&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;/名录&amp;.csv</code>"))
        #expect(page.contains("&#39;&lt;img src=x onerror=alert(2)&gt;&#39; is not a date \\u{1B}[2J"))
        #expect(page.contains("<li>warning: {date} &amp; \\u{202E}evil</li>"))
        #expect(page.contains("<li><code>inbox/&lt;b&gt;link&lt;/b&gt; (a symbolic link)</code></li>"))
        #expect(visibleText(page).contains("甲\"><script>alert(1)</script> 1 1 0 0"))
    }

    @Test func theLanguageIsTheConfigurations() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var configuration = try Stages.Configuration.load(text: "[ui]\nlanguage = \"en\"\n", displayName: folder.path("suiji.toml"))
        configuration.baseDirectory = folder.url.path
        var report = NightReport.failedToStart(date: try CivilDate(parsing: "2024-05-10"), message: "the store is locked <by> another")
        report.failedStage = .lock
        try ReportPages.write(report: report, store: nil, configuration: configuration)
        let page = try String(contentsOfFile: folder.path("reports/2024-05-10/index.html"), encoding: .utf8)
        #expect(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\"><head>"))
        let text = visibleText(page)
        #expect(
            text.hasPrefix(
                "Nightly run · 2024-05-10 Nightly run · 2024-05-10 Stage 'lock' failed; the stages before it stay done (exit 1) Failure: the store is locked <by> another"
            ))
        #expect(text.contains("Files taken 0 Files refused 0 Rows imported 0 Rows rejected 0"))
        // A night that could not open its store still has its place in the index.
        let index = visibleText(try String(contentsOfFile: folder.path("reports/index.html"), encoding: .utf8))
        #expect(index.contains("No nightly run has reported yet."))
    }

    @Test func theIndexReadsEveryNightsRunJSONAndSaysWhichItCannotRead() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        var night = NightReport.failedToStart(date: try CivilDate(parsing: "2024-01-03"), message: "")
        night.exitCode = 0
        night.rowsImported = 3071
        try FileManager.default.createDirectory(atPath: folder.path("2024-01-03"), withIntermediateDirectories: true)
        _ = try folder.write("2024-01-03/run.json", try night.json())
        try FileManager.default.createDirectory(atPath: folder.path("2024-01-04"), withIntermediateDirectories: true)
        _ = try folder.write("2024-01-04/run.json", "{\"date\": ")
        for other in ["notes", "2024-13-01", "2024-1-5"] {
            try FileManager.default.createDirectory(atPath: folder.path(other), withIntermediateDirectories: true)
            _ = try folder.write(other + "/run.json", try night.json())
        }
        let (nights, unreadable) = NightSummary.all(in: folder.url.path)
        #expect(
            nights == [
                NightSummary(
                    date: "2024-01-03", exitCode: 0, filesTaken: 0, filesRejected: 0, rowsImported: 3071, rowsRejected: 0, draws: 0,
                    publications: 0, overdue: 0)
            ])
        #expect(unreadable.count == 1)
        #expect(unreadable.first?.hasPrefix("2024-01-04/run.json: ") == true)
        let page = try ReportsIndexPage(nights: nights, unreadable: unreadable, text: try PageText.bundled(.zh)).render()
        let text = visibleText(page)
        #expect(text.contains("2024-01-03 0 0 0 3,071 0 0 0 0"))
        #expect(text.contains("警告 2024-01-04/run.json: "))
        #expect(page.contains("<a href=\"2024-01-03/index.html\">2024-01-03</a>"))
    }
}
