// Dates as people type them, and as spreadsheets store them: the one date reader of every input.
//
// Registers, results and plans come from people working in Excel and WPS, whose dates arrive as
// `2024-01-02`, `2024/1/2`, `2024.1.2`, `2024年1月2日`, `20240102`, in full-width digits from a Chinese
// input method, with Excel's `0:00` after them when a date column was exported as text, or as the
// date serial number itself (`45293`) when the column lost its number format. One reader takes
// them all, on the UTF-8 bytes (the bulk import's screen calls it without making a String), so a
// date means the same in CSV, XML and XLSX, in the screen and in the validator.
//
// What it refuses, so that nothing is guessed: two-digit years, day-first or month-first orders
// (`1/2/2024` is January 2 in one office and February 1 in another), a day that does not exist,
// years outside 1900...2100, a serial of fewer than five digits (`2024` is a year, not 1905-07-16).
//
// Excel serials. Day 1 of the 1900 system is 1900-01-01, and Excel counts a 1900-02-29 that never
// was (Lotus 1-2-3's leap-year bug, kept for compatibility): serial 60 is that day, so serials from
// 61 on are one more than the true count, and 60 itself is no date. The 1904 system (old Mac
// workbooks, `<workbookPr date1904="1"/>`) counts from day 0 = 1904-01-01 and has no such day.

/// The two day counts Excel stores dates in.
public enum ExcelDateSystem: String, Sendable, Hashable, Codable {
    /// Day 1 is 1900-01-01, with Excel's phantom 1900-02-29 as day 60 (the default).
    case from1900 = "1900"
    /// Day 0 is 1904-01-01 (`date1904` workbooks).
    case from1904 = "1904"

    /// The date of a whole serial day number; nil for serial 60 of the 1900 system (1900-02-29,
    /// which does not exist), for serials before day 1 (1900) or day 0 (1904), and past 9999.
    public func date(serialDay serial: Int) -> CivilDate? {
        switch self {
        case .from1900:
            guard serial >= 1, serial != 60 else { return nil }
            // 1899-12-31 is day 0 up to 59; from 61 on, one day more was counted than passed.
            let epoch = CivilDate.daysSince1970(year: 1899, month: 12, day: 31)
            return CivilDate(daysSince1970: epoch + (serial < 60 ? serial : serial - 1))
        case .from1904:
            guard serial >= 0 else { return nil }
            return CivilDate(daysSince1970: CivilDate.daysSince1970(year: 1904, month: 1, day: 1) + serial)
        }
    }
}

/// Reads a date written by a person or a spreadsheet (see the file's opening comment).
public enum DateText {
    /// The forms accepted, for messages.
    public static let acceptedForms = "YYYY-MM-DD, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD or an Excel date number"

    /// The earliest and latest years a register or result date may have.
    public static let years = 1900...2100

    /// The date in `text` (surrounding whitespace ignored), or nil if it is not one of the accepted forms.
    public static func parse(_ text: String) -> CivilDate? {
        var text = text
        return text.withUTF8 { parse(utf8: $0) }
    }

    /// The date as `YYYY-MM-DD`, or nil.
    public static func iso(_ text: String) -> String? { parse(text)?.description }

    /// The date in UTF-8 bytes, or nil (see ``parse(_:)``).
    public static func parse(utf8 bytes: UnsafeBufferPointer<UInt8>) -> CivilDate? {
        var reader = DateBytes(bytes)
        reader.skipSpaces()
        guard let yearDigits = reader.digits(), !yearDigits.isEmpty else { return nil }
        let date: CivilDate?
        if yearDigits.count == 8, reader.isTimeOrEnd() {
            // YYYYMMDD.
            let value = yearDigits.value
            date = make(year: value / 10_000, month: value / 100 % 100, day: value % 100)
        } else if yearDigits.count == 5, reader.isSerialRest() {
            date = serial(yearDigits.value)
        } else if yearDigits.count == 4 {
            guard let separator = reader.separator(), let month = reader.digits(), (1...2).contains(month.count),
                reader.takeClosingMonth(separator), let day = reader.digits(), (1...2).contains(day.count)
            else { return nil }
            guard reader.takeClosingDay(separator) else { return nil }
            guard reader.isTimeOrEnd() else { return nil }
            date = make(year: yearDigits.value, month: month.value, day: day.value)
        } else {
            return nil
        }
        return date
    }

    private static func make(year: Int, month: Int, day: Int) -> CivilDate? {
        guard years.contains(year) else { return nil }
        return CivilDate(year: year, month: month, day: day)
    }

    /// A five-digit serial of the 1900 system (what a CSV exported from Excel holds when a date
    /// column lost its format), within the accepted years.
    private static func serial(_ value: Int) -> CivilDate? {
        guard let date = ExcelDateSystem.from1900.date(serialDay: value), years.contains(date.year) else { return nil }
        return date
    }
}

/// A cursor over the bytes of a date; full-width digits and separators (from Chinese input
/// methods) read as their ASCII forms.
private struct DateBytes {
    /// A run of digits: its value and how many there were.
    struct Digits {
        var value = 0
        var count = 0
        var isEmpty: Bool { count == 0 }
    }

    /// What follows the year, and so what must follow the month (and the day): `-`, `/` or `.`
    /// again (its ASCII byte), or 月 (then 日). A value, not an array: a date is read twice a
    /// register row, and an array a date was an allocation and a release each time.
    enum Separator {
        case ascii(UInt8)
        case chinese
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private static let year: [UInt8] = Array("年".utf8)
    private static let month: [UInt8] = Array("月".utf8)
    private static let day: [UInt8] = Array("日".utf8)

    /// The ASCII form of the character at `index` and its length in bytes, for digits and the
    /// separators `-` `/` `.` `:` given full-width (U+FF0D…U+FF1A); nil at the end.
    private func character(at index: Int) -> (byte: UInt8, length: Int)? {
        guard index < bytes.count else { return nil }
        let byte = bytes[index]
        if byte == 0xEF, index + 2 < bytes.count, bytes[index + 1] == 0xBC, (0x8D...0x9A).contains(bytes[index + 2]) {
            return (bytes[index + 2] - 0x8D + 0x2D, 3)
        }
        return (byte, 1)
    }

    /// Skips ASCII spaces and tabs and the ideographic space U+3000.
    mutating func skipSpaces() {
        while index < bytes.count {
            if bytes[index] == 0x20 || bytes[index] == 0x09 {
                index += 1
            } else if index + 2 < bytes.count, bytes[index] == 0xE3, bytes[index + 1] == 0x80, bytes[index + 2] == 0x80 {
                index += 3
            } else {
                return
            }
        }
    }

    mutating func digits() -> Digits? {
        var run = Digits()
        while let (byte, length) = character(at: index), byte >= 0x30, byte <= 0x39 {
            guard run.count < 9 else { return nil }
            run.value = run.value * 10 + Int(byte - 0x30)
            run.count += 1
            index += length
        }
        return run
    }

    /// Consumes the character whose ASCII form is `byte` (given full-width or not) if it comes next.
    mutating func take(byte expected: UInt8) -> Bool {
        guard let (byte, length) = character(at: index), byte == expected else { return false }
        index += length
        return true
    }

    /// Consumes what must follow the month after `separator`, if it comes next.
    mutating func takeClosingMonth(_ separator: Separator) -> Bool {
        switch separator {
        case .ascii(let byte): take(byte: byte)
        case .chinese: take(Self.month)
        }
    }

    /// Consumes what must follow the day after `separator` (日, or nothing), if it comes next.
    mutating func takeClosingDay(_ separator: Separator) -> Bool {
        switch separator {
        case .ascii: true
        case .chinese: take(Self.day)
        }
    }

    /// Consumes the bytes of `expected`, a character written with several (年, 月, 日), if they come next.
    mutating func take(_ expected: [UInt8]) -> Bool {
        guard index + expected.count <= bytes.count,
            bytes[index..<(index + expected.count)].elementsEqual(expected)
        else { return false }
        index += expected.count
        return true
    }

    /// The separator after a four-digit year: `-`, `/`, `.` (repeated between month and day) or 年 (then 月 and 日).
    mutating func separator() -> Separator? {
        if take(Self.year) { return .chinese }
        guard let (byte, length) = character(at: index), byte == 0x2D || byte == 0x2F || byte == 0x2E else { return nil }
        index += length
        return .ascii(byte)
    }

    /// True at the end (spaces allowed), or before a time of day `H:MM[:SS[.fff]]` after a space
    /// or `T`, which spreadsheets append to dates and which a date field does not keep.
    mutating func isTimeOrEnd() -> Bool {
        skipSpaces()
        guard index < bytes.count else { return true }
        if let (byte, length) = character(at: index), byte == UInt8(ascii: "T") { index += length }
        guard let hours = digits(), (1...2).contains(hours.count), hours.value < 24, take(byte: 0x3A),
            let minutes = digits(), minutes.count == 2, minutes.value < 60
        else { return false }
        if take(byte: 0x3A) {
            guard let seconds = digits(), seconds.count == 2, seconds.value < 60 else { return false }
            if take(byte: 0x2E) { guard let fraction = digits(), !fraction.isEmpty else { return false } }
        }
        skipSpaces()
        return index == bytes.count
    }

    /// True at the end, or after a fraction of a day (`45293.5`): what follows a serial's digits.
    mutating func isSerialRest() -> Bool {
        if take(byte: 0x2E) { guard let fraction = digits(), !fraction.isEmpty else { return false } }
        skipSpaces()
        return index == bytes.count
    }
}
