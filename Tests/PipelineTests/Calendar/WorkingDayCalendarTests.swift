import Foundation
import Pipeline
import Testing

/// Files of the repository, found from this source file's path.
enum RepositoryFiles {
    /// The repository root (`Tests/PipelineTests/<room>/<file>` → up four levels).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A file's URL by its path from the root.
    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// A file's bytes by its path from the root.
    static func data(_ path: String) throws -> Data { try Data(contentsOf: url(path)) }

    /// The shipped working-day calendar.
    static func calendar() throws -> WorkingDayCalendar {
        try WorkingDayCalendar(json: data("Sources/Stages/Resources/holidays.json"))
    }
}

/// `YYYY-MM-DD` → date, for literals in tests.
func day(_ text: String) throws -> CivilDate { try CivilDate(parsing: text) }

@Suite("WorkingDayCalendar")
struct WorkingDayCalendarTests {
    @Test func shippedFileCoversTwentyFourToTwentySix() throws {
        let calendar = try RepositoryFiles.calendar()
        #expect(calendar.coveredYears == [2024, 2025, 2026])
        #expect(calendar.years[2025]?.source == "国务院办公厅关于2025年部分节假日安排的通知")
        // domain.md §9, day by day: 2024 has 1 + 8 + 3 + 5 + 1 + 3 + 7 days off, 2025 has
        // 1 + 8 + 3 + 5 + 3 + 8, 2026 has 3 + 9 + 3 + 5 + 3 + 3 + 7.
        #expect(calendar.years[2024]?.off.count == 28)
        #expect(calendar.years[2025]?.off.count == 28)
        #expect(calendar.years[2026]?.off.count == 33)
        #expect(calendar.years[2024]?.worked.count == 8)
        #expect(calendar.years[2025]?.worked.count == 5)
        #expect(calendar.years[2026]?.worked.count == 6)
    }

    @Test(arguments: [
        // 调休 Saturdays and Sundays are working days.
        ("2024-02-04", true), ("2024-02-18", true), ("2024-05-11", true), ("2024-09-14", true), ("2024-10-12", true),
        ("2025-01-26", true), ("2025-02-08", true), ("2025-10-11", true), ("2026-01-04", true), ("2026-02-28", true),
        // Holiday weekdays are not.
        ("2024-01-01", false), ("2024-02-16", false), ("2024-10-07", false), ("2025-02-04", false),
        ("2025-10-08", false), ("2026-02-23", false), ("2026-09-25", false),
        // Ordinary days follow the week.
        ("2024-05-17", true), ("2024-05-18", false), ("2024-05-19", false), ("2025-12-31", true),
    ])
    func workingDays(date: String, working: Bool) throws {
        #expect(try RepositoryFiles.calendar().isWorkingDay(day(date)) == working)
    }

    @Test func yearsOutsideTheCalendarAreAnError() throws {
        let calendar = try RepositoryFiles.calendar()
        let error = #expect(throws: WorkingDayCalendarError.self) { try calendar.isWorkingDay(day("2027-01-04")) }
        #expect(error == .yearNotCovered(date: try day("2027-01-04"), coveredYears: [2024, 2025, 2026]))
        #expect(
            error?.description == "2027-01-04 is outside the working-day calendar (it covers 2024, 2025, 2026); "
                + "add the State Council's 2027 holiday notice to a holidays file (off days and 调休 working days)")
        #expect(throws: WorkingDayCalendarError.yearNotCovered(date: try day("2023-12-29"), coveredYears: [2024, 2025, 2026])) {
            try calendar.isWorkingDay(day("2023-12-29"))
        }
        // Counting that runs past the covered years fails instead of assuming weekdays.
        #expect(throws: WorkingDayCalendarError.yearNotCovered(date: try day("2027-01-01"), coveredYears: [2024, 2025, 2026])) {
            try calendar.adding(workingDays: 20, to: day("2026-12-15"))
        }
    }

    @Test func addingCountsFromTheDayAfter() throws {
        let calendar = try RepositoryFiles.calendar()
        #expect(try calendar.adding(workingDays: 0, to: day("2024-04-27")) == day("2024-04-27"))
        // Friday → the 调休 Sunday after it is day 1.
        #expect(try calendar.adding(workingDays: 1, to: day("2024-04-26")) == day("2024-04-28"))
        #expect(try calendar.adding(workingDays: 3, to: day("2024-04-26")) == day("2024-04-30"))
        #expect(try calendar.adding(workingDays: 4, to: day("2024-04-26")) == day("2024-05-06"))
        #expect(throws: WorkingDayCalendarError.negativeCount(-1)) { try calendar.adding(workingDays: -1, to: day("2024-04-26")) }
        #expect(try calendar.workingDays(after: day("2024-04-26"), through: day("2024-05-27")) == 20)
        #expect(try calendar.workingDays(after: day("2024-05-27"), through: day("2024-05-27")) == 0)
        #expect(try calendar.workingDays(after: day("2024-05-27"), through: day("2024-05-01")) == 0)
    }

    @Test func anOverlayAddsAYearAndReplacesAYearWhole() throws {
        let base = try RepositoryFiles.calendar()
        let overlay = try WorkingDayCalendar(
            json: Data(
                """
                {"years": {
                  "2027": {"source": "operator", "off": ["2027-01-01"], "worked": []},
                  "2024": {"off": [], "worked": []}
                }}
                """.utf8))
        let merged = base.merging(overlay)
        #expect(merged.coveredYears == [2024, 2025, 2026, 2027])
        #expect(try merged.isWorkingDay(day("2027-01-01")) == false)
        #expect(try merged.isWorkingDay(day("2027-01-04")) == true)
        // 2024 replaced as a whole: its holidays are gone, its 调休 Sunday is a Sunday again.
        #expect(try merged.isWorkingDay(day("2024-10-01")) == true)
        #expect(try merged.isWorkingDay(day("2024-04-28")) == false)
        // Untouched years keep their data.
        #expect(try merged.isWorkingDay(day("2025-10-08")) == false)
        #expect(base.merging(WorkingDayCalendar([])) == base)
    }

    @Test func writesTheFileFormatBack() throws {
        let calendar = try RepositoryFiles.calendar()
        let text = calendar.jsonText
        #expect(text.contains(#""2025-01-28/2025-02-04""#))
        #expect(try WorkingDayCalendar(json: Data(text.utf8)) == calendar)
    }

    @Test(arguments: [
        (#"[]"#, "holidays data: expected an object with a \"years\" object"),
        (#"{"years": {}, "yaers": 1}"#, "holidays data: yaers: unknown key (expected \"years\" and optionally \"comment\")"),
        (#"{"years": {"25": {}}}"#, "holidays data: years.25: a year must be written with four digits"),
        (
            #"{"years": {"2025": {"workd": []}}}"#,
            "holidays data: years.2025.workd: unknown key (expected \"source\", \"off\", \"worked\", \"comment\")"
        ),
        (#"{"years": {"2025": {"off": ["2025-02-30"]}}}"#, "holidays data: years.2025.off[0]: '2025-02-30' is not a date: no such day"),
        (#"{"years": {"2025": {"off": ["2024-12-31"]}}}"#, "holidays data: years.2025.off[0]: 2024-12-31 is not in 2025"),
        (
            #"{"years": {"2025": {"off": ["2025-02-04/2025-01-28"]}}}"#,
            "holidays data: years.2025.off[0]: '2025-02-04/2025-01-28': the span ends before it starts"
        ),
        (
            #"{"years": {"2025": {"off": [20250101]}}}"#,
            "holidays data: years.2025.off[0]: expected \"YYYY-MM-DD\" or \"YYYY-MM-DD/YYYY-MM-DD\""
        ),
        (
            #"{"years": {"2025": {"worked": ["2025-01-27"]}}}"#,
            "holidays data: years.2025.worked: 2025-01-27 is a weekday; only Saturdays and Sundays can be make-up working days"
        ),
        (
            #"{"years": {"2025": {"off": ["2025-01-26"], "worked": ["2025-01-26"]}}}"#,
            "holidays data: years.2025: 2025-01-26 is listed both as off and as worked"
        ),
        (#"{"years": {"2025": {"off": ["2025-01-01"],}}}"#, "holidays data: invalid JSON at byte 42: expected a key string"),
    ])
    func malformedFilesAreRefusedWithTheirPath(json: String, message: String) {
        let error = #expect(throws: WorkingDayCalendarError.self) { try WorkingDayCalendar(json: Data(json.utf8)) }
        #expect(error?.description == message)
    }

    // The calendar's and the payload's errors are catalogue texts, said in Chinese where it is in force.
    @Test func errorsInChinese() throws {
        let zh = MessageCatalogue(.zh)
        let date = try CivilDate(parsing: "2031-03-02")
        #expect(
            zh(WorkingDayCalendarError.yearNotCovered(date: date, coveredYears: [2024, 2025]).text)
                == "2031-03-02 不在工作日历范围内（日历覆盖 2024, 2025）；请把国务院 2031 年的放假通知加入节假日文件（休息日和调休工作日）")
        #expect(zh(WorkingDayCalendarError.negativeCount(-1).text) == "无法计算 -1 个工作日：数量不能为负")
        #expect(
            zh(PublicationPayloadError.noResult(uscc: "91140981MA0KDLXA0U", matter: "甲").text)
                == "主体 91140981MA0KDLXA0U 没有抽查事项“甲”的结果；请至少填写一个结果代码")
        #expect(
            PublicationPayloadError.noResult(uscc: "91140981MA0KDLXA0U", matter: "甲").description
                == "entity 91140981MA0KDLXA0U has no result for matter '甲'; enter at least one result code")
    }
}
