// The grammar of the plan cells that carry quantities (抽查比例, 抽查频次, 抽查户数, the combined
// 抽查比例及频次, the risk-class column), replacing keyword spotting.
//
// A cell is split into clauses at `;` `,` `。` and line breaks (full- or half-width; never at a
// comma between digits). A clause is scanned into tokens:
//   quantity   [comparator] number [unit] [(含)] [suffix comparator], or a range `5%-20%`,
//              `21%一60%`, `10-20%`, `60-70家`; `1/年` and `1次/季度` carry their period;
//   comparator 以上 以下 不低于 不少于 不超过 不高于 至少 最低 最多 ≥ ≤ >= <= = …, bound to the number
//              NEXT to it: `县级及以下单位…不低于15%` is a floor of 15% (以下 stands after no number);
//   unit       % ‰; objects 户 家 个 所 处; times 次; measures 吨 万元 元 人 年 月 平方米 … (a number
//              with a measure is a threshold that belongs to the scope text: `年产量≥50吨的`);
//   class      A类 B类 C类 D类 (`A、B类`), 低风险 一般风险 较高风险 高风险;
//   period     每年 全年 年度 每半年 每季度 每月, before a ratio or a number of times;
//   note       a parenthesis saying `…为准`: the number before it is indicative.
// Everything else is text. A clause's text, trimmed of filler (`抽查比例`, `全年`, `之和`, …), is the
// scope of the clause's ratio (`重点单位100%`). A clause that names no quantity is a qualifier,
// unless it leaves the number undecided (`待定`, `一定比例`, `自行确定`, `按…执行`): then the cell
// is read only in part, and the part is reported, never filled in.

/// How a cell is used in the plan, which decides what a bare number means.
public enum PlanCellRole: Sendable, Hashable {
    /// 抽查比例: ratios (and counts written with a unit).
    case ratio
    /// 抽查比例及频次: ratios and frequencies.
    case ratioAndFrequency
    /// 抽查频次: a bare number is a number of times a year.
    case frequency
    /// 抽查户数: a bare number is a number of objects.
    case count
    /// 预估抽查对象数 and the like: numbers of objects, all indicative.
    case estimatedCount
    /// 信用风险分类要求: only per-class ratios count.
    case riskRequirement
    /// Any other cell (the window column): only frequencies are taken from it.
    case other
}

/// A frequency found in a cell.
public struct FoundFrequency: Sendable, Hashable {
    /// Inspections a year.
    public var perYear: Int
    /// True for a floor (`>=1`, `至少1次`).
    public var atLeast: Bool
    /// The clause it was read from, as written.
    public var text: String

    /// Creates a found frequency.
    public init(perYear: Int, atLeast: Bool, text: String) {
        self.perYear = perYear
        self.atLeast = atLeast
        self.text = text
    }
}

/// A number of objects found in a cell.
public struct FoundCount: Sendable, Hashable {
    /// The number.
    public var value: Int
    /// True when the plan marks it as a guide (`约`, `实际以…为准`, an estimate column).
    public var indicative: Bool
    /// The plan's words on it, if any.
    public var note: String?

    /// Creates a found count.
    public init(value: Int, indicative: Bool, note: String?) {
        self.value = value
        self.indicative = indicative
        self.note = note
    }
}

/// What one cell says, clause by clause.
public struct CellReading: Sendable, Hashable {
    /// Clauses with a ratio or a count, each with its scope words.
    public var segments: [RatioSegment] = []
    /// The text of each segment's clause as written (full-width forms mapped), in step with ``segments``.
    public var segmentTexts: [String] = []
    /// Per-class ratios.
    public var classRatios: [RiskClass: Double] = [:]
    /// Frequencies, including those implied by a per-period ratio (`每季度…25%`).
    public var frequencies: [FoundFrequency] = []
    /// Numbers of objects.
    public var counts: [FoundCount] = []
    /// Clauses without a quantity, kept as the plan's words.
    public var qualifiers: [String] = []
    /// Parts not understood, as texts for a person.
    public var problemTexts: [Message] = []
    /// Parts that are wrong, not merely unclear (a negative ratio).
    public var errorTexts: [Message] = []
    /// ``problemTexts`` in English.
    public var problems: [String] { problemTexts.map(\.english) }
    /// ``errorTexts`` in English.
    public var errors: [String] { errorTexts.map(\.english) }
    /// True when the cell says `不涉及` (outside credit-risk classification).
    public var exempt = false
    /// True when a ratio is stated for the whole year (`全年`, `每年`).
    public var annualRatio = false

    /// Creates an empty reading.
    public init() {}
}

/// Reads quantity cells by the grammar at the top of PlanCellGrammar.swift.
public enum PlanCellGrammar {
    /// Reads one cell.
    public static func read(_ raw: String, role: PlanCellRole) -> CellReading {
        var reading = CellReading()
        var lastQualifierSentence: Int?
        var sentence = -1
        for (scan, shown, number) in clauses(of: raw) {
            let before = (segments: reading.segments.count, qualifiers: reading.qualifiers.count)
            ClauseReader(clause: scan, shown: shown, role: role).read(into: &reading)
            // `属于人员密集场所的重点单位,每月抽查比例不低于10%`: words before a comma name whom the
            // ratio after it applies to, when the ratio's own clause names nobody.
            if number == sentence, reading.segments.count == before.segments + 1, reading.segments[before.segments].scope == nil,
                before.qualifiers > 0, reading.qualifiers.count == before.qualifiers, let lastQualifier = lastQualifierSentence,
                lastQualifier == number
            {
                reading.segments[before.segments].scope = reading.qualifiers.removeLast()
            }
            if reading.qualifiers.count > before.qualifiers { lastQualifierSentence = number }
            sentence = number
        }
        return reading
    }

    /// The cell with full-width forms, dashes and comparison signs in one spelling, spaces removed.
    static func normalize(_ raw: String) -> String {
        var text = PlanCellParser.normalizeWidth(raw)
        for (from, to) in [("—", "-"), ("–", "-"), ("〜", "~"), ("≧", "≥"), ("≦", "≤"), ("﹪", "%"), ("∶", ":")] {
            text = text.replacingOccurrences(of: from, with: to)
        }
        text.removeAll { $0 == " " || $0 == "\t" || $0 == "\u{00A0}" }
        return text
    }

    /// The clauses of a cell, each as scanned (spaces removed) and as shown (full-width forms
    /// mapped, spaces kept, trimmed), with list numbering (`(一)`, `1.`, `①`) dropped from the scan.
    static func clauses(of raw: String) -> [(scan: String, shown: String, sentence: Int)] {
        // normalizeWidth maps scalar for scalar, so the written text and its normalized form
        // split at the same places; the clause is shown as written.
        let original = Array(raw)
        let text = Array(PlanCellParser.normalizeWidth(raw))
        guard original.count == text.count else { return [(normalize(raw), raw.trimmingWhitespace(), 0)] }
        var clauses: [(String, String, Int)] = []
        var sentence = 0
        var current = ""
        var shown = ""
        var depth = 0
        func close() {
            let scan = normalize(current).replacing(
                #/^(?:\([一二三四五六七八九十]+\)|[一二三四五六七八九十]+、|\d+[.、)](?!\d)|[①-⑩])/#, with: "")
            if !scan.isEmpty { clauses.append((scan, shown.trimmingWhitespace(), sentence)) }
            current = ""
            shown = ""
        }
        func neighbour(_ from: Int, _ step: Int) -> Character? {
            var i = from + step
            while i >= 0, i < text.count, text[i] == " " || text[i] == "\t" { i += step }
            return i >= 0 && i < text.count ? text[i] : nil
        }
        for (index, char) in text.enumerated() {
            if char == "(" { depth += 1 }
            if char == ")" { depth = max(0, depth - 1) }
            let isDigitComma =
                char == "," && index > 0 && index + 1 < text.count && text[index - 1].isASCIIDigit && text[index + 1].isASCIIDigit
            // `10% 1次/年`: a space after a percentage and before a number separates two parts.
            let isPartSpace =
                (char == " " || char == "\t") && neighbour(index, -1) == "%"
                && (neighbour(index, 1).map { $0.isASCIIDigit || "=>≥".contains($0) } ?? false)
            if depth == 0, isPartSpace || (!isDigitComma && ";,。\n\r".contains(char)) {
                close()
                if char != "," { sentence += 1 }
            } else {
                current.append(char)
                shown.append(original[index])
            }
        }
        close()
        return clauses
    }
}

/// The words the grammar trims or flags.
enum GrammarWords {
    /// Words that say nothing about whom or how many: trimmed from the ends of a clause's text.
    static let filler = [
        "抽查比例之和", "检查比例之和", "抽查比例为", "抽查比例", "检查比例", "抽取比例", "抽查频次", "检查频次", "抽查数量", "抽查户数",
        "现场检查", "随机抽取", "随机抽查", "双随机", "原则上", "之和", "总数的", "总数", "抽查", "检查", "抽取", "比例", "频次", "数量",
        "每个季度", "每季度", "每季", "每半年", "每个月", "每月", "全年", "每年", "年度", "对象", "进行", "实施", "开展", "不得", "应当", "各", "共", "计", "为", "按", "的", "对",
        "约", "次",
        "(", ")", ":", "、", ".", "/",
    ]

    /// Words that leave a number to be decided later: a clause with one is read only in part.
    static let undecided = ["待定", "一定比例", "自行确定", "视情况", "另行确定", "执行", "若干"]

    /// The clause's text with filler trimmed from both ends; nil when nothing is left.
    static func scopeText(_ text: String) -> String? {
        var text = text
        var changed = true
        while changed {
            changed = false
            for word in filler {
                if text.hasPrefix(word) {
                    text.removeFirst(word.count)
                    changed = true
                }
                if text.hasSuffix(word) {
                    text.removeLast(word.count)
                    changed = true
                }
            }
        }
        return text.isEmpty ? nil : text
    }
}

extension Character {
    /// `0`…`9`.
    var isASCIIDigit: Bool { isASCII && isNumber }
}
