import Foundation
import Pipeline
import Testing

@Suite("CivilDate")
struct CivilDateTests {
    @Test func parsesAndPrintsISODates() throws {
        let date = try CivilDate(parsing: "2024-02-29")
        #expect(date.year == 2024 && date.month == 2 && date.day == 29)
        #expect(date.description == "2024-02-29")
        #expect(CivilDate(year: 7, month: 1, day: 5)?.description == "0007-01-05")
    }

    @Test(arguments: [
        ("2025-02-29", "'2025-02-29' is not a date: no such day"),
        ("2024-04-31", "'2024-04-31' is not a date: no such day"),
        ("2024-13-01", "'2024-13-01' is not a date: no such day"),
        ("2024-00-10", "'2024-00-10' is not a date: no such day"),
        ("0000-01-01", "'0000-01-01' is not a date: no such day"),
        ("2024-1-05", "'2024-1-05' is not a date: expected YYYY-MM-DD"),
        ("2024/01/05", "'2024/01/05' is not a date: expected YYYY-MM-DD"),
        ("２０２４-01-05", "'２０２４-01-05' is not a date: expected YYYY-MM-DD"),
        ("2024-01-05 ", "'2024-01-05 ' is not a date: expected YYYY-MM-DD"),
        ("", "'' is not a date: expected YYYY-MM-DD"),
    ])
    func rejectsImpossibleOrMisshapenDates(text: String, message: String) {
        #expect(throws: CivilDateError.self) { try CivilDate(parsing: text) }
        do {
            _ = try CivilDate(parsing: text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func leapYears() {
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2100, month: 2, day: 29) == nil)
    }

    @Test func dayNumbersAndWeekdays() throws {
        let epoch = try CivilDate(parsing: "1970-01-01")
        #expect(epoch.daysSince1970 == 0)
        #expect(epoch.isoWeekday == 4)
        let date = try CivilDate(parsing: "2024-04-26")
        #expect(date.isoWeekday == 5)
        #expect(try CivilDate(parsing: "2024-04-28").isWeekend)
        #expect(try CivilDate(parsing: "1969-12-31").isoWeekday == 3)
        #expect(date.adding(days: 5)?.description == "2024-05-01")
        #expect(try CivilDate(parsing: "2024-12-31").next?.description == "2025-01-01")
        #expect(try CivilDate(parsing: "2024-02-28").next?.description == "2024-02-29")
        #expect(CivilDate(year: 9999, month: 12, day: 31)?.next == nil)
        // Round trip over 30 years of days.
        for number in stride(from: 10_000, to: 21_000, by: 1) {
            #expect(CivilDate(daysSince1970: number)?.daysSince1970 == number)
        }
    }

    @Test func codableAsString() throws {
        let date = try CivilDate(parsing: "2025-10-08")
        let data = try JSONEncoder().encode([date])
        #expect(String(decoding: data, as: UTF8.self) == #"["2025-10-08"]"#)
        #expect(try JSONDecoder().decode([CivilDate].self, from: data) == [date])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([CivilDate].self, from: Data(#"["2025-02-30"]"#.utf8)) }
    }

    @Test func ordering() throws {
        #expect(try CivilDate(parsing: "2024-12-31") < CivilDate(parsing: "2025-01-01"))
        #expect(try CivilDate(parsing: "2025-01-09") < CivilDate(parsing: "2025-01-10"))
    }
}
