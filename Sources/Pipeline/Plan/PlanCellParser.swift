/// Reads the irregular cells of an annual plan into typed values.
///
/// Every function returns the typed value with the raw text kept beside it, and a problem
/// message when the cell could not be read. The value is then left unset: never guessed.
public enum PlanCellParser {
    /// A parsed value and, if it could not be read in full, why.
    public struct Outcome<Value: Sendable & Hashable>: Sendable, Hashable {
        /// The value, with unset parts where the cell was unreadable.
        public var value: Value
        /// Why the cell (or part of it) was not understood, or nil.
        public var problemText: Message?
        /// ``problemText`` in English.
        public var problem: String? { problemText?.english }

        /// Creates an outcome.
        public init(value: Value, problem: Message?) {
            self.value = value
            self.problemText = problem
        }
    }

    /// Maps full-width ASCII forms (`％`, `１`, `；`) and the ideographic space to their ASCII forms.
    public static func normalizeWidth(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E:
                scalars.append(Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar)
            case 0x3000:
                scalars.append(" ")
            default:
                scalars.append(scalar)
            }
        }
        return String(scalars)
    }

    /// The cell with full-width forms mapped and surrounding whitespace removed.
    public static func clean(_ text: String) -> String {
        normalizeWidth(text).trimmingWhitespace()
    }

    // MARK: Ratio and frequency

    /// Splits a combined 抽查比例及频次 cell (`10%；1次/年`) into its ratio and frequency.
    public static func ratioAndFrequency(_ raw: String) -> (ratio: Outcome<SamplingRatio>, frequency: Outcome<InspectionFrequency>) {
        let reading = PlanCellGrammar.read(raw, role: .ratioAndFrequency)
        return (ratio(from: reading, raw: raw), frequency(from: reading, raw: raw, combined: true))
    }

    /// Reads a sampling ratio: `10%`, `5%以上`, `不低于20%`, `抽查比例不低于30%`, `≥20%`, `5%-20%`,
    /// `21%一60%`, a count `1户`, or `不涉及信用风险分类`. One cell of one part only: a cell with
    /// several parts (`重点单位100%;一般单位50%`) is a problem here; the plan reader keeps its parts.
    public static func ratio(_ raw: String) -> Outcome<SamplingRatio> {
        ratio(from: PlanCellGrammar.read(raw, role: .ratio), raw: raw)
    }

    static func ratio(from reading: CellReading, raw: String) -> Outcome<SamplingRatio> {
        let unset = SamplingRatio(exemptFromRiskClasses: reading.exempt, raw: raw)
        if let error = reading.errorTexts.first { return Outcome(value: unset, problem: error) }
        if clean(raw).isEmpty { return Outcome(value: unset, problem: Message(.planCellRatioEmpty)) }
        if let problem = reading.problemTexts.first { return Outcome(value: unset, problem: problem) }
        let withRatio = reading.segments.filter { $0.ratio != nil }
        if withRatio.count > 1 {
            return Outcome(value: unset, problem: Message(.planCellRatioParts, ["text": raw, "count": "\(withRatio.count)"]))
        }
        let firm = reading.counts.first { !$0.indicative }?.value
        if let index = reading.segments.firstIndex(where: { $0.ratio != nil }), let bound = reading.segments[index].ratio {
            let raw = reading.segmentTexts.indices.contains(index) ? reading.segmentTexts[index] : raw
            guard let min = bound.min else {
                return Outcome(
                    value: SamplingRatio(max: bound.max, count: firm, exemptFromRiskClasses: reading.exempt, raw: raw),
                    problem: Message(.planCellUpperBoundOnly, ["text": raw]))
            }
            return Outcome(
                value: SamplingRatio(min: min, max: bound.max, count: firm, exemptFromRiskClasses: reading.exempt, raw: raw), problem: nil)
        }
        if let firm {
            let raw = reading.segmentTexts.first ?? raw
            return Outcome(value: SamplingRatio(count: firm, exemptFromRiskClasses: reading.exempt, raw: raw), problem: nil)
        }
        if reading.exempt {
            return Outcome(value: unset, problem: Message(.planCellNoRatioRiskPolicy, ["text": raw]))
        }
        return Outcome(value: unset, problem: Message(.planCellUnreadableRatio, ["text": raw]))
    }

    /// Reads a frequency: `1次/年`, `1/年`, `抽查1次`, `1次/季度` (4), `2次/年`, `=1`, `>=1` (at least),
    /// `1次/半年` (2), `1次/月` (12), `每年2次`, `每季度各抽查1次` (4).
    public static func frequency(_ raw: String) -> Outcome<InspectionFrequency> {
        frequency(from: PlanCellGrammar.read(raw, role: .frequency), raw: raw)
    }

    static func frequency(from reading: CellReading, raw: String, combined: Bool = false) -> Outcome<InspectionFrequency> {
        let distinct = reading.frequencies.reduce(into: [FoundFrequency]()) { out, f in
            if !out.contains(where: { $0.perYear == f.perYear && $0.atLeast == f.atLeast }) { out.append(f) }
        }
        guard let only = distinct.first else {
            return Outcome(
                value: InspectionFrequency(perYear: nil, raw: combined ? "" : raw),
                problem: Message(combined ? .planCellNoFrequency : .planCellUnreadableFrequency, ["text": raw]))
        }
        guard distinct.count == 1 else {
            return Outcome(
                value: InspectionFrequency(perYear: nil, raw: raw),
                problem: Message(
                    .planCellSeveralFrequencies,
                    ["text": raw, "count": "\(distinct.count)", "list": distinct.map(\.text).joined(separator: ", ")]))
        }
        return Outcome(value: InspectionFrequency(perYear: only.perYear, atLeast: only.atLeast, raw: only.text), problem: nil)
    }

    // MARK: Window

    /// What a window cell says: the months, the years it names and why it was not understood.
    public struct WindowReading: Sendable, Hashable {
        /// The months (unset where unreadable).
        public var window: TaskWindow
        /// Four-digit years written in the cell (`2023年6-12月`), in order.
        public var years: [Int]
        /// Why the cell (or part of it) was not understood, or nil.
        public var problemText: Message?
        /// ``problemText`` in English.
        public var problem: String? { problemText?.english }
    }

    /// Reads the months of a task: `1月-11月`, `1-11月`, `3月—12月`, `1月至11月`, `2024年1月-11月`,
    /// `2026年1月1日-2026年12月31日` (whole months only), `全年`, `上半年`, `7月`.
    public static func window(_ raw: String) -> Outcome<TaskWindow> {
        let reading = windowReading(raw)
        return Outcome(value: reading.window, problem: reading.problemText)
    }

    /// Reads a window cell with the years it names (see ``window(_:)``).
    public static func windowReading(_ raw: String) -> WindowReading {
        var text = PlanCellGrammar.normalize(raw).replacingOccurrences(of: "份", with: "")
        let years = text.matches(of: #/(\d{4})年/#).compactMap { Int($0.output.1) }
        text = text.replacing(#/\d{4}年/#, with: "")
        let unset = TaskWindow(startMonth: nil, endMonth: nil, raw: raw)
        func months(_ a: Int?, _ b: Int?, startDay: Int? = nil, endDay: Int? = nil) -> WindowReading {
            guard let start = a, let end = b, (1...12).contains(start), (1...12).contains(end), start <= end else {
                return WindowReading(window: unset, years: years, problemText: Message(.planCellWindowNotOneYear, ["text": raw]))
            }
            if let startDay, startDay != 1 {
                return WindowReading(
                    window: unset, years: years,
                    problemText: Message(.planCellWindowStartDay, ["text": raw, "day": "\(startDay)", "month": "\(start)"]))
            }
            if let endDay, endDay != PlanDate.daysIn(month: end, year: years.last ?? 2001), !(end == 2 && endDay == 29) {
                return WindowReading(
                    window: unset, years: years,
                    problemText: Message(.planCellWindowEndDay, ["text": raw, "day": "\(endDay)", "month": "\(end)"]))
            }
            return WindowReading(window: TaskWindow(startMonth: start, endMonth: end, raw: raw), years: years, problemText: nil)
        }
        switch text {
        case "全年": return months(1, 12)
        case "上半年": return months(1, 6)
        case "下半年": return months(7, 12)
        default: break
        }
        if let m = text.wholeMatch(of: #/(\d{1,2})月?(?:(\d{1,2})日)?[-~一至到](\d{1,2})月?(?:(\d{1,2})日)?/#) {
            return months(
                Int(m.output.1), Int(m.output.3), startDay: m.output.2.flatMap { Int($0) }, endDay: m.output.4.flatMap { Int($0) })
        }
        if let m = text.wholeMatch(of: #/(\d{1,2})月/#) { return months(Int(m.output.1), Int(m.output.1)) }
        return WindowReading(window: unset, years: years, problemText: Message(.planCellUnreadableWindow, ["text": raw]))
    }

    // MARK: Lists

    /// Splits a list of departments on `、` `，` `,` `；` `;` `/` and whitespace.
    public static func departments(_ raw: String) -> [String] {
        clean(raw).split(whereSeparator: { "、,;/ \t\n\r".contains($0) }).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    /// Splits object scopes on whitespace and `;` `,` (half- or full-width). `、` stays inside a scope,
    /// since `包装装潢、其他印刷品印刷单位` is one scope in the plans we have seen.
    public static func scopes(_ raw: String) -> [String] {
        clean(raw).split(whereSeparator: { ",; \t\n\r".contains($0) }).map(String.init).filter { !$0.isEmpty }
    }

    /// Splits matters on `;` (half- or full-width) and line breaks, dropping list numbering (`1.`, `2、`).
    public static func matters(_ raw: String) -> [String] {
        let pieces = normalizeWidth(raw).split(whereSeparator: { $0 == ";" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        return pieces.map { piece in
            String(piece).trimmingWhitespace().replacing(#/^\d+\s*[.、)]\s*/#, with: "").trimmingWhitespace()
        }.filter { !$0.isEmpty }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs, line breaks and ideographic spaces.
    public func trimmingWhitespace() -> String {
        // Fast path: most cells begin and end with a byte that is neither ASCII whitespace nor the
        // lead byte of a multi-byte space (U+0085/U+00A0: C2; U+1680: E1; U+2000–U+205F: E2; U+3000: E3).
        let bytes = utf8
        guard let head = bytes.first, let tail = bytes.last else { return self }
        func plain(_ byte: UInt8) -> Bool {
            byte > 0x20 && byte != 0xC2 && byte != 0xE1 && byte != 0xE2 && byte != 0xE3
        }
        // The last byte of a multi-byte character is a continuation byte; check the scalar instead.
        if plain(head), tail > 0x20, tail < 0x80 { return self }
        if plain(head), tail >= 0x80 {
            // Non-ASCII whitespace scalars are U+0085, U+00A0 (lead C2), U+1680 (E1), U+2000–U+205F
            // (E2) and U+3000 (E3); a text ending in any other multi-byte character needs no trim.
            let count = bytes.count
            let lead2 = count >= 2 ? bytes[bytes.index(bytes.endIndex, offsetBy: -2)] : 0
            let lead3 = count >= 3 ? bytes[bytes.index(bytes.endIndex, offsetBy: -3)] : 0
            if lead2 != 0xC2, lead3 != 0xE1, lead3 != 0xE2, lead3 != 0xE3 { return self }
        }
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }

    /// Replaces every occurrence of a literal substring.
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        replacing(target, with: replacement)
    }
}
