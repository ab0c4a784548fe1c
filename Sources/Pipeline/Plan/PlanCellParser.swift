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
        public var problem: String?

        /// Creates an outcome.
        public init(value: Value, problem: String?) {
            self.value = value
            self.problem = problem
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
        let parts = splitCombined(raw)
        var ratioParts: [String] = []
        var frequencyParts: [String] = []
        var unknown: [String] = []
        for part in parts {
            if looksLikeFrequency(part) {
                frequencyParts.append(part)
            } else if looksLikeRatio(part) {
                ratioParts.append(part)
            } else {
                unknown.append(part)
            }
        }
        let ratio: Outcome<SamplingRatio>
        if ratioParts.count == 1 {
            ratio = self.ratio(ratioParts[0])
        } else if ratioParts.isEmpty {
            ratio = Outcome(value: SamplingRatio(raw: ""), problem: "no sampling ratio in '\(raw)'")
        } else {
            ratio = Outcome(
                value: SamplingRatio(raw: ratioParts.joined(separator: "; ")), problem: "more than one sampling ratio in '\(raw)'")
        }
        let frequency: Outcome<InspectionFrequency>
        if frequencyParts.count == 1 {
            frequency = self.frequency(frequencyParts[0])
        } else if frequencyParts.isEmpty {
            frequency = Outcome(value: InspectionFrequency(perYear: nil, raw: ""), problem: "no inspection frequency in '\(raw)'")
        } else {
            frequency = Outcome(
                value: InspectionFrequency(perYear: nil, raw: frequencyParts.joined(separator: "; ")),
                problem: "more than one inspection frequency in '\(raw)'")
        }
        if !unknown.isEmpty, ratio.problem == nil, frequency.problem == nil {
            // Text we do not understand beside a readable ratio and frequency: keep both values,
            // and say what was ignored.
            return (ratio, Outcome(value: frequency.value, problem: "ignored '\(unknown.joined(separator: "; "))' in '\(raw)'"))
        }
        return (ratio, frequency)
    }

    static func splitCombined(_ raw: String) -> [String] {
        let text = clean(raw)
        var parts = text.split(whereSeparator: { $0 == ";" }).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        if parts.count == 1 {
            parts = text.split(whereSeparator: { $0 == "," }).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        }
        if parts.count == 1, let only = parts.first, only.contains("%"), only.contains("次") || only.contains("/") || only.contains("=") {
            // `10% 1次/年`: a space is the only separator.
            let spaced = only.split(whereSeparator: { $0 == " " }).map(String.init)
            if spaced.count > 1 { parts = spaced }
        }
        return parts
    }

    static func looksLikeFrequency(_ part: String) -> Bool {
        if part.contains("%") { return false }
        if part.contains("次") || part.contains("/年") || part.contains("季度") || part.contains("/月") || part.contains("半年") {
            return true
        }
        return part.wholeMatch(of: #/(?:>=|≥|==|=)\s*\d+/#) != nil
    }

    static func looksLikeRatio(_ part: String) -> Bool {
        part.contains("%") || part.contains("户") || part.contains("家") || part.contains("不涉及")
    }

    /// Reads a sampling ratio: `10%`, `5%以上`, `不低于20%`, `抽查比例不低于30%`, `≥20%`, `5%-20%`,
    /// `21%一60%`, a count `1户`, or `不涉及信用风险分类`.
    public static func ratio(_ raw: String) -> Outcome<SamplingRatio> {
        let text = clean(raw).replacingOccurrences(of: " ", with: "")
        if text.isEmpty {
            return Outcome(value: SamplingRatio(raw: raw), problem: "the sampling ratio is empty")
        }
        if text.contains("不涉及") {
            return Outcome(
                value: SamplingRatio(exemptFromRiskClasses: true, raw: raw),
                problem: "'\(raw)' gives no sampling ratio; set one for this task in the risk policy")
        }
        if let match = text.firstMatch(of: #/(\d+(?:\.\d+)?)%?\s*[-~—–一至到]\s*(\d+(?:\.\d+)?)%/#) {
            guard let low = fraction(match.output.1), let high = fraction(match.output.2), low <= high else {
                return Outcome(value: SamplingRatio(raw: raw), problem: "'\(raw)' is not a valid ratio range")
            }
            return Outcome(value: SamplingRatio(min: low, max: high, raw: raw), problem: nil)
        }
        let percents = text.matches(of: #/(\d+(?:\.\d+)?)%/#)
        if percents.count == 1, let match = percents.first {
            guard let value = fraction(match.output.1) else {
                return Outcome(value: SamplingRatio(raw: raw), problem: "'\(raw)' is not a percentage between 0 and 100")
            }
            if text.contains("以下") || text.contains("不超过") || text.contains("不高于") || text.contains("≤") || text.contains("<=") {
                return Outcome(
                    value: SamplingRatio(max: value, raw: raw),
                    problem: "'\(raw)' gives only an upper bound; the minimum ratio is left unset")
            }
            return Outcome(value: SamplingRatio(min: value, raw: raw), problem: nil)
        }
        if percents.isEmpty, let match = text.wholeMatch(of: #/(?:抽查|抽取|不少于|至少|≥|>=)*(\d+)(?:户|家)(?:以上)?/#) {
            if let count = Int(match.output.1), count > 0 {
                return Outcome(value: SamplingRatio(count: count, raw: raw), problem: nil)
            }
        }
        return Outcome(value: SamplingRatio(raw: raw), problem: "cannot read a sampling ratio from '\(raw)'")
    }

    private static func fraction(_ digits: Substring) -> Double? {
        guard let percent = Double(digits), percent > 0, percent <= 100 else { return nil }
        return percent / 100
    }

    /// Reads a frequency: `1次/年`, `1/年`, `抽查1次`, `1次/季度` (4), `2次/年`, `=1`, `>=1`, `1次/半年` (2), `1次/月` (12).
    public static func frequency(_ raw: String) -> Outcome<InspectionFrequency> {
        let text = clean(raw).replacingOccurrences(of: " ", with: "")
        func found(_ digits: Substring, times multiplier: Int) -> Outcome<InspectionFrequency> {
            guard let n = Int(digits), n > 0 else {
                return Outcome(value: InspectionFrequency(perYear: nil, raw: raw), problem: "'\(raw)' is not a positive frequency")
            }
            return Outcome(value: InspectionFrequency(perYear: n * multiplier, raw: raw), problem: nil)
        }
        if let m = text.wholeMatch(of: #/(?:抽查|检查)?(?:每年|年)?(\d+)次?/年/#) { return found(m.output.1, times: 1) }
        if let m = text.wholeMatch(of: #/(?:抽查|检查)?每年(?:抽查|检查)?(\d+)次/#) { return found(m.output.1, times: 1) }
        if let m = text.wholeMatch(of: #/(?:抽查|检查)?(\d+)次?/(?:季度|季)/#) { return found(m.output.1, times: 4) }
        if let m = text.wholeMatch(of: #/(?:抽查|检查)?每季度?(?:抽查|检查)?(\d+)次/#) { return found(m.output.1, times: 4) }
        if let m = text.wholeMatch(of: #/(?:抽查|检查)?(\d+)次?/半年/#) { return found(m.output.1, times: 2) }
        if let m = text.wholeMatch(of: #/(?:抽查|检查)?(\d+)次?/月/#) { return found(m.output.1, times: 12) }
        if let m = text.wholeMatch(of: #/(?:>=|≥|==|=)?(\d+)/#) { return found(m.output.1, times: 1) }
        if let m = text.wholeMatch(of: #/(?:抽查|检查)?(\d+)次/#) { return found(m.output.1, times: 1) }
        return Outcome(value: InspectionFrequency(perYear: nil, raw: raw), problem: "cannot read an inspection frequency from '\(raw)'")
    }

    // MARK: Window

    /// Reads the months of a task: `1月-11月`, `1-11月`, `1月至11月`, `2024年1月-11月`, `全年`, `7月`.
    public static func window(_ raw: String) -> Outcome<TaskWindow> {
        var text = clean(raw).replacingOccurrences(of: " ", with: "")
        text = text.replacing(#/\d{4}年/#, with: "")
        func months(_ a: Substring, _ b: Substring) -> Outcome<TaskWindow> {
            guard let start = Int(a), let end = Int(b), (1...12).contains(start), (1...12).contains(end), start <= end else {
                return Outcome(
                    value: TaskWindow(startMonth: nil, endMonth: nil, raw: raw),
                    problem: "'\(raw)' is not a window of months within one year")
            }
            return Outcome(value: TaskWindow(startMonth: start, endMonth: end, raw: raw), problem: nil)
        }
        if text == "全年" { return months("1", "12") }
        if let m = text.wholeMatch(of: #/(\d{1,2})月?份?[-~—–一至到](\d{1,2})月份?/#) { return months(m.output.1, m.output.2) }
        if let m = text.wholeMatch(of: #/(\d{1,2})月份?/#) { return months(m.output.1, m.output.1) }
        return Outcome(value: TaskWindow(startMonth: nil, endMonth: nil, raw: raw), problem: "cannot read a window of months from '\(raw)'")
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
