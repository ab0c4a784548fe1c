// Working days in mainland China come from the State Council's yearly holiday notice
// (国务院办公厅关于 YYYY 年部分节假日安排的通知), not from weekday logic: a holiday span takes weekdays
// off and makes some Saturdays and Sundays working days (调休). So the calendar is data, one entry per
// year, and a date in a year the data does not cover is an error: silently falling back to
// "Monday to Friday" would move a legal deadline by up to a week around Spring Festival.
//
// The file format (`Sources/Stages/Resources/holidays.json`), read from bytes so that Pipeline does
// no I/O:
//
//     {
//       "comment": "free text, ignored",
//       "years": {
//         "2025": {
//           "source": "国务院办公厅关于2025年部分节假日安排的通知",
//           "off":    ["2025-01-01", "2025-01-28/2025-02-04", …],
//           "worked": ["2025-01-26", "2025-02-08", …]
//         }
//       }
//     }
//
// `off` lists the days taken off (a day or an inclusive `start/end` span); `worked` lists the weekend
// days that are worked. Any other day is a working day exactly when it is Monday to Friday. Unknown
// keys are errors (a misspelt "workd" must not silently drop the make-up days).

/// The days off and the make-up working days (调休) of one calendar year.
public struct HolidayYear: Sendable, Hashable {
    /// The year.
    public let year: Int
    /// Where the dates come from, e.g. the State Council notice's title.
    public let source: String?
    /// Days off (public holidays and the days moved to form their spans).
    public let off: Set<CivilDate>
    /// Saturdays and Sundays that are worked (调休 make-up days).
    public let worked: Set<CivilDate>

    /// A validated year: every date lies in `year`, no day is both off and worked, and every worked
    /// day is a Saturday or Sunday (a weekday there is a typo, not a rule).
    public init(year: Int, source: String? = nil, off: Set<CivilDate>, worked: Set<CivilDate>) throws(WorkingDayCalendarError) {
        for date in off.union(worked) where date.year != year {
            throw .invalidData(path: "years.\(year)", message: "\(date) is not in \(year)")
        }
        if let clash = off.intersection(worked).min() {
            throw .invalidData(path: "years.\(year)", message: "\(clash) is listed both as off and as worked")
        }
        if let weekday = worked.filter({ !$0.isWeekend }).min() {
            throw .invalidData(
                path: "years.\(year).worked",
                message: "\(weekday) is a weekday; only Saturdays and Sundays can be make-up working days")
        }
        self.year = year
        self.source = source
        self.off = off
        self.worked = worked
    }

    /// True if the date (which must lie in this year) is a working day.
    func isWorkingDay(_ date: CivilDate) -> Bool {
        if worked.contains(date) { return true }
        if off.contains(date) { return false }
        return !date.isWeekend
    }
}

/// Chinese working days by year, from the State Council's holiday notices; dates outside the covered
/// years are an error, never assumed to follow the plain weekday rule.
public struct WorkingDayCalendar: Sendable, Hashable {
    /// The data of each covered year.
    public let years: [Int: HolidayYear]

    /// A calendar of the given years (a later entry for the same year replaces an earlier one).
    public init(_ years: [HolidayYear]) {
        var byYear: [Int: HolidayYear] = [:]
        for entry in years { byYear[entry.year] = entry }
        self.years = byYear
    }

    /// Reads a calendar from the JSON text of a holidays file (see the format above).
    public init(json bytes: some Sequence<UInt8>) throws(WorkingDayCalendarError) {
        let root: CanonicalJSON
        do {
            root = try CanonicalJSON.parse(bytes)
        } catch {
            throw .invalidData(path: "", message: error.description)
        }
        guard case let .object(top) = root else {
            throw .invalidData(path: "", message: "expected an object with a \"years\" object")
        }
        for key in top.keys.sorted() where key != "comment" && key != "years" {
            throw .invalidData(path: key, message: "unknown key (expected \"years\" and optionally \"comment\")")
        }
        guard case let .object(yearObjects)? = top["years"] else {
            throw .invalidData(path: "years", message: "expected an object keyed by year, e.g. \"2025\"")
        }
        var entries: [HolidayYear] = []
        for key in yearObjects.keys.sorted() {
            let path = "years.\(key)"
            guard key.utf8.count == 4, key.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let year = Int(key) else {
                throw .invalidData(path: path, message: "a year must be written with four digits")
            }
            guard case let .object(fields)? = yearObjects[key] else {
                throw .invalidData(path: path, message: "expected an object with \"off\" and \"worked\"")
            }
            for field in fields.keys.sorted() where !["source", "comment", "off", "worked"].contains(field) {
                throw .invalidData(path: "\(path).\(field)", message: "unknown key (expected \"source\", \"off\", \"worked\", \"comment\")")
            }
            var source: String?
            if let value = fields["source"] {
                guard case let .string(text) = value else {
                    throw .invalidData(path: "\(path).source", message: "expected a string")
                }
                source = text
            }
            let off = try Self.dates(fields["off"], path: "\(path).off", year: year)
            let worked = try Self.dates(fields["worked"], path: "\(path).worked", year: year)
            entries.append(try HolidayYear(year: year, source: source, off: off, worked: worked))
        }
        self.init(entries)
    }

    /// This calendar with `overlay`'s years laid over it: a year present in `overlay` replaces this
    /// calendar's data for that year as a whole (so an operator can add next year or correct a year
    /// after a changed notice); other years are kept.
    public func merging(_ overlay: WorkingDayCalendar) -> WorkingDayCalendar {
        WorkingDayCalendar(years.merging(overlay.years) { _, new in new }.values.sorted { $0.year < $1.year })
    }

    /// The covered years in ascending order.
    public var coveredYears: [Int] { years.keys.sorted() }

    /// True if `date` is a working day; throws `.yearNotCovered` if the calendar has no data for its year.
    public func isWorkingDay(_ date: CivilDate) throws(WorkingDayCalendarError) -> Bool {
        guard let entry = years[date.year] else {
            throw .yearNotCovered(date: date, coveredYears: coveredYears)
        }
        return entry.isWorkingDay(date)
    }

    /// The `count`-th working day after `date`: `date` itself is not counted, day 1 is the first
    /// working day after it; `count` 0 returns `date` unchanged.
    ///
    /// Throws `.yearNotCovered` as soon as the count reaches a year without data, and
    /// `.negativeCount` for a negative count.
    public func adding(workingDays count: Int, to date: CivilDate) throws(WorkingDayCalendarError) -> CivilDate {
        guard count >= 0 else { throw .negativeCount(count) }
        var day = date
        var remaining = count
        while remaining > 0 {
            guard let next = day.next else { throw .yearNotCovered(date: day, coveredYears: coveredYears) }
            day = next
            if try isWorkingDay(day) { remaining -= 1 }
        }
        return day
    }

    /// The number of working days `d` with `start < d <= end` (0 if `end <= start`).
    public func workingDays(after start: CivilDate, through end: CivilDate) throws(WorkingDayCalendarError) -> Int {
        var count = 0
        var day = start
        while day < end {
            guard let next = day.next else { break }
            day = next
            if try isWorkingDay(day) { count += 1 }
        }
        return count
    }

    /// The calendar in the holidays-file format, spans collapsed to `start/end`, sorted, pretty-printed.
    public var jsonText: String {
        var yearObjects: [String: CanonicalJSON] = [:]
        for (year, entry) in years {
            var fields: [String: CanonicalJSON] = [
                "off": .array(Self.spans(entry.off).map { .string($0) }),
                "worked": .array(entry.worked.sorted().map { .string($0.description) }),
            ]
            if let source = entry.source { fields["source"] = .string(source) }
            yearObjects[String(year)] = .object(fields)
        }
        return CanonicalJSON.object(["years": .object(yearObjects)]).prettyText
    }

    /// Reads a list of `YYYY-MM-DD` or `YYYY-MM-DD/YYYY-MM-DD` strings.
    private static func dates(_ value: CanonicalJSON?, path: String, year: Int) throws(WorkingDayCalendarError) -> Set<CivilDate> {
        guard let value else { return [] }
        guard case let .array(items) = value else {
            throw .invalidData(path: path, message: "expected a list of dates")
        }
        var result: Set<CivilDate> = []
        for (index, item) in items.enumerated() {
            let itemPath = "\(path)[\(index)]"
            guard case let .string(text) = item else {
                throw .invalidData(path: itemPath, message: "expected \"YYYY-MM-DD\" or \"YYYY-MM-DD/YYYY-MM-DD\"")
            }
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 1 || parts.count == 2 else {
                throw .invalidData(path: itemPath, message: "'\(text)': expected \"YYYY-MM-DD\" or \"YYYY-MM-DD/YYYY-MM-DD\"")
            }
            var bounds: [CivilDate] = []
            for part in parts {
                do {
                    bounds.append(try CivilDate(parsing: part))
                } catch {
                    throw .invalidData(path: itemPath, message: error.description)
                }
            }
            guard let first = bounds.first, let last = bounds.last, first <= last else {
                throw .invalidData(path: itemPath, message: "'\(text)': the span ends before it starts")
            }
            for bound in [first, last] where bound.year != year {
                throw .invalidData(path: itemPath, message: "\(bound) is not in \(year)")
            }
            var day = first
            while true {
                result.insert(day)
                guard day < last, let next = day.next else { break }
                day = next
            }
        }
        return result
    }

    /// Consecutive dates collapsed into `start/end` spans, in order.
    private static func spans(_ dates: Set<CivilDate>) -> [String] {
        var runs: [(first: CivilDate, last: CivilDate)] = []
        for date in dates.sorted() {
            if let run = runs.last, run.last.next == date {
                runs[runs.count - 1].last = date
            } else {
                runs.append((date, date))
            }
        }
        return runs.map { $0.first == $0.last ? "\($0.first)" : "\($0.first)/\($0.last)" }
    }
}

/// Why a working-day question could not be answered, or a holidays file was refused.
public enum WorkingDayCalendarError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The date's year has no holiday data: deadlines there are unknown, not weekday-only.
    case yearNotCovered(date: CivilDate, coveredYears: [Int])
    /// The holidays data is malformed at a path such as `years.2025.off[3]`.
    case invalidData(path: String, message: String)
    /// A negative number of working days was asked for.
    case negativeCount(Int)

    /// What went wrong and what to do about it, in English.
    public var description: String { text.english }

    /// What went wrong and what to do about it: a catalogue text.
    public var text: Message {
        switch self {
        case let .yearNotCovered(date, covered):
            return Message(
                .calendarYearNotCovered, ["date": "\(date)", "year": "\(date.year)"],
                parts: [
                    "range": covered.isEmpty
                        ? Message(.calendarNoYears) : Message(verbatim: covered.map(String.init).joined(separator: ", "))
                ])
        case let .invalidData(path, message):
            return path.isEmpty
                ? Message(.calendarInvalid, ["reason": message]) : Message(.calendarInvalidAt, ["path": path, "reason": message])
        case let .negativeCount(count):
            return Message(.calendarNegative, ["count": "\(count)"])
        }
    }
}

extension WorkingDayCalendarError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .failure }
}
