// A calendar date with no time and no time zone. Deadlines in the 双随机 rules are counted in whole
// days of the Chinese civil calendar; a `Foundation.Date` would drag in an instant and a time zone
// (and so the classic "midnight in UTC is yesterday in Beijing" bug), which this type cannot have.
// Day arithmetic uses Howard Hinnant's days-from-civil algorithms on the proleptic Gregorian calendar.

/// A day of the proleptic Gregorian calendar, written `YYYY-MM-DD`; no time, no time zone.
public struct CivilDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The year (1...9999).
    public let year: Int
    /// The month (1...12).
    public let month: Int
    /// The day of the month (1...28/29/30/31, as the month has).
    public let day: Int

    /// The first and last years a `CivilDate` accepts: the range `YYYY` can write.
    public static let supportedYears = 1...9999

    /// A date, or nil if no such day exists (2025-02-29, 2024-04-31, month 13, year 0).
    public init?(year: Int, month: Int, day: Int) {
        guard Self.supportedYears.contains(year), (1...12).contains(month),
            day >= 1, day <= Self.daysIn(month: month, year: year)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD` (ASCII digits, zero-padded) and checks that the day exists.
    public init(parsing text: String) throws(CivilDateError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Self.number(bytes[0..<4]), let month = Self.number(bytes[5..<7]),
            let day = Self.number(bytes[8..<10])
        else { throw CivilDateError(text: text, reason: "expected YYYY-MM-DD") }
        guard let date = CivilDate(year: year, month: month, day: day) else {
            throw CivilDateError(text: text, reason: "no such day")
        }
        self = date
    }

    /// The date `dayNumber` days after 1970-01-01 (before it if negative); nil outside years 1...9999.
    public init?(daysSince1970 dayNumber: Int) {
        let civil = Self.civil(daysSince1970: dayNumber)
        self.init(year: civil.year, month: civil.month, day: civil.day)
    }

    /// Days since 1970-01-01 (negative before it).
    public var daysSince1970: Int { Self.daysSince1970(year: year, month: month, day: day) }

    /// Days since 1970-01-01 of any proleptic Gregorian (year, month, day): Hinnant's `days_from_civil`.
    /// The one copy of this arithmetic; `PlanDate` and the register generator call it too.
    public static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The (year, month, day) of a day number: Hinnant's `civil_from_days`, unchecked.
    public static func civil(daysSince1970 dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (ISO 4).
        let offset = (daysSince1970 + 3) % 7
        return (offset < 0 ? offset + 7 : offset) + 1
    }

    /// True on Saturdays and Sundays.
    public var isWeekend: Bool { isoWeekday >= 6 }

    /// The date `days` days later (earlier if negative), or nil outside years 1...9999.
    public func adding(days: Int) -> CivilDate? {
        CivilDate(daysSince1970: daysSince1970 + days)
    }

    /// The next day, or nil after 9999-12-31.
    public var next: CivilDate? { adding(days: 1) }

    /// `YYYY-MM-DD`.
    public var description: String {
        zeroPadded(year, width: 4) + "-" + zeroPadded(month, width: 2) + "-" + zeroPadded(day, width: 2)
    }

    /// Orders by year, then month, then day.
    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes from a `YYYY-MM-DD` string, rejecting days that do not exist.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try CivilDate(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    /// Encodes as a `YYYY-MM-DD` string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The number of days in a month of a year (Gregorian leap years).
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// True for Gregorian leap years.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The value of a run of ASCII digits, or nil if any byte is not a digit.
    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in digits {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

}

/// `value` in `radix`, zero-padded on the left to at least `width` digits: the one padding helper
/// of dates, identifiers and escapes.
package func zeroPadded(_ value: some BinaryInteger, width: Int, radix: Int = 10, uppercase: Bool = false) -> String {
    let digits = String(value, radix: radix, uppercase: uppercase)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

/// A date text that is not a valid `YYYY-MM-DD` day.
public struct CivilDateError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public var text: String
    /// Why it was rejected.
    public var reason: String

    /// Creates an error.
    public init(text: String, reason: String) {
        self.text = text
        self.reason = reason
    }

    /// `'2025-02-29' is not a date: no such day`.
    public var description: String { message.english }

    /// ``description`` as a catalogue text (the reason stays as the parser said it).
    public var message: Message { Message(.dateInvalid, ["text": text, "reason": reason]) }
}

extension CivilDateError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .usage }
}
