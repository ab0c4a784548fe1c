// One clause of a quantity cell: the scanner and the reading of its tokens (the grammar is at
// the top of PlanCellGrammar.swift).

/// How a number is bounded by the words next to it.
enum Comparison: Sendable, Hashable {
    case atLeast, atMost, exact, approximately
}

/// What a number counts.
enum QuantityUnit: Sendable, Hashable {
    case percent, perMille, objects, times, measure, none, proportion
}

/// A number (or a range) with its unit and comparison, as scanned.
struct ScannedQuantity: Sendable, Hashable {
    var low: Double
    var high: Double?
    var unit: QuantityUnit
    var comparison: Comparison?
    var negative = false
    /// Times a year of a period written after the number (`1/年` 1, `1次/季度` 4).
    var perPeriod: Int?
    var text: String
    /// An indicative note from a parenthesis after it.
    var note: String?
}

/// A token of a clause.
enum ClauseToken: Sendable, Hashable {
    case text(String)
    case quantity(ScannedQuantity)
    case classes([RiskClass])
    /// A period word: times a year (每季度 4), and whether it was an annual word (全年, 每年).
    case period(Int)
    case note(String)
}

struct ClauseReader {
    let clause: String
    let shown: String
    let role: PlanCellRole

    static let atLeastWords = [
        "大于或等于", "大于等于", "不得低于", "不得少于", "不应低于", "不低于", "不少于", "不小于", "至少", "最低", "最少", "≥", ">=", "=>",
        "超过", "高于", "大于", ">",
    ]
    static let atMostWords = [
        "小于或等于", "小于等于", "不得超过", "不得高于", "不超过", "不高于", "不多于", "不大于", "最多", "至多", "最高", "≤", "<=", "=<",
        "低于", "小于", "<",
    ]
    static let exactWords = ["==", "="]
    static let approximateWords = ["大约", "约为", "约"]
    static let suffixAtLeast = ["(含)以上", "及以上", "或以上", "以上"]
    static let suffixAtMost = ["(含)以下", "及以下", "或以下", "以下", "以内"]
    static let objectUnits = ["家次", "户次", "户", "家", "所", "处"]
    static let measureUnits = [
        "平方米", "立方米", "万元", "亿元", "千元", "元", "万吨", "吨", "千克", "公斤", "kg", "公里", "千瓦", "米", "个月", "小时", "周岁", "岁",
        "年", "月", "日", "天", "人", "名", "床", "辆", "台", "套", "亩", "间", "张", "头", "只", "项", "批", "份", "座", "层", "个",
    ]
    static let periodWords: [(String, Int)] = [
        ("每个季度", 4), ("每季度", 4), ("每季", 4), ("每半年", 2), ("每个月", 12), ("每月", 12), ("每年", 1), ("全年", 1), ("年度", 1),
        ("一年", 1),
    ]
    static let periodsAfterSlash: [(String, Int)] = [("季度", 4), ("季", 4), ("半年", 2), ("年", 1), ("月", 12)]
    static let classWords: [(String, RiskClass)] = [("较高风险", .C), ("高风险", .D), ("一般风险", .B), ("低风险", .A)]
    static let chineseDigits: [Character: Int] = ["一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "十": 10]

    // MARK: Scanning

    func tokens() -> [ClauseToken] {
        let chars = Array(clause)
        var tokens: [ClauseToken] = []
        var index = 0
        var pending: Comparison?
        var pendingText = ""
        var negative = false

        func starts(_ word: String, at i: Int) -> Bool {
            let w = Array(word)
            return i + w.count <= chars.count && Array(chars[i..<(i + w.count)]) == w
        }
        func firstWord(_ words: [String], at i: Int) -> String? { words.first { starts($0, at: i) } }
        func number(at i: Int) -> (Double, Int)? {
            var j = i
            while j < chars.count, chars[j].isASCIIDigit { j += 1 }
            guard j > i else { return nil }
            if j + 1 < chars.count, chars[j] == ".", chars[j + 1].isASCIIDigit {
                j += 1
                while j < chars.count, chars[j].isASCIIDigit { j += 1 }
            }
            return Double(String(chars[i..<j])).map { ($0, j) }
        }
        // A comparison word binds to the next number when only filler stands between them
        // (`不低于总数的10%`); otherwise it was prose, and stays text.
        var gap = ""
        func flushPending() {
            if !pendingText.isEmpty || !gap.isEmpty { tokens.append(.text(pendingText + gap)) }
            pendingText = ""
            gap = ""
            pending = nil
        }

        while index < chars.count {
            if let word = firstWord(Self.atLeastWords, at: index) {
                flushPending()
                pending = .atLeast
                pendingText = word
                index += word.count
                continue
            }
            if let word = firstWord(Self.atMostWords, at: index) {
                flushPending()
                pending = .atMost
                pendingText = word
                index += word.count
                continue
            }
            if let word = firstWord(Self.exactWords + Self.approximateWords, at: index) {
                flushPending()
                pending = Self.exactWords.contains(word) ? .exact : .approximately
                pendingText = word
                index += word.count
                continue
            }
            if chars[index] == "-" || chars[index] == "负", index + 1 < chars.count, chars[index + 1].isASCIIDigit {
                pendingText += String(chars[index])
                negative = true
                index += 1
                continue
            }
            if let (value, end) = number(at: index) {
                if !gap.isEmpty {
                    if GrammarWords.scopeText(gap) == nil {
                        tokens.append(.text(gap))
                        gap = ""
                    } else {
                        flushPending()
                    }
                }
                var q = ScannedQuantity(low: value, unit: .none, comparison: pending, negative: negative, text: pendingText)
                negative = false
                pending = nil
                pendingText = ""
                var j = end
                q.unit = unit(at: &j, chars: chars)
                // A range: `5%-20%`, `10-20%`, `21%一60%`, `60-70家`.
                if j < chars.count, "-~一至到".contains(chars[j]), let (high, end2) = number(at: j + 1) {
                    var k = end2
                    let highUnit = unit(at: &k, chars: chars)
                    if q.unit == .none || q.unit == highUnit {
                        q.high = high
                        q.unit = highUnit
                        j = k
                    }
                }
                if j < chars.count, chars[j] == ":", let (_, end2) = number(at: j + 1), q.unit == .none {
                    q.unit = .proportion
                    j = end2
                }
                if j < chars.count, chars[j] == "/", q.unit == .none || q.unit == .times {
                    for (word, times) in Self.periodsAfterSlash where starts(word, at: j + 1) {
                        q.unit = .times
                        q.perPeriod = times
                        j += 1 + word.count
                        break
                    }
                }
                if let word = firstWord(Self.suffixAtLeast, at: j) {
                    q.comparison = .atLeast
                    j += word.count
                } else if let word = firstWord(Self.suffixAtMost, at: j) {
                    q.comparison = .atMost
                    j += word.count
                } else if starts("左右", at: j) {
                    q.comparison = .approximately
                    j += 2
                }
                q.text += String(chars[index..<j])
                tokens.append(.quantity(q))
                index = j
                continue
            }
            if let digit = Self.chineseDigits[chars[index]], index + 1 < chars.count, chars[index + 1] == "次" {
                var q = ScannedQuantity(
                    low: Double(digit), unit: .times, comparison: pending, text: pendingText + String(chars[index...(index + 1)]))
                pending = nil
                pendingText = ""
                var j = index + 2
                if j < chars.count, chars[j] == "/" {
                    for (word, times) in Self.periodsAfterSlash where starts(word, at: j + 1) {
                        q.perPeriod = times
                        j += 1 + word.count
                        break
                    }
                }
                tokens.append(.quantity(q))
                index = j
                continue
            }
            if pending != nil, !"(".contains(chars[index]), !chars[index].isUppercase {
                if let word = Self.periodWords.first(where: { starts($0.0, at: index) }) {
                    tokens.append(.period(word.1))
                    gap += word.0
                    index += word.0.count
                    continue
                }
                gap.append(chars[index])
                index += 1
                continue
            }
            flushPending()
            if chars[index] == "(" {
                if let close = chars[index...].firstIndex(of: ")") {
                    let inner = String(chars[(index + 1)..<close])
                    if inner.contains("为准") || inner.contains("实际") {
                        tokens.append(.note(inner))
                        index = close + 1
                        continue
                    }
                }
            }
            if let match = classLabel(at: index, chars: chars) {
                tokens.append(.classes(match.classes))
                index = match.end
                continue
            }
            if let word = Self.classWords.first(where: { starts($0.0, at: index) }) {
                tokens.append(.classes([word.1]))
                index += word.0.count
                continue
            }
            if let word = Self.periodWords.first(where: { starts($0.0, at: index) }) {
                tokens.append(.period(word.1))
                tokens.append(.text(word.0))
                index += word.0.count
                continue
            }
            tokens.append(.text(String(chars[index])))
            index += 1
        }
        flushPending()
        return tokens
    }

    /// The unit after a number (advancing past it).
    private func unit(at j: inout Int, chars: [Character]) -> QuantityUnit {
        func starts(_ word: String) -> Bool {
            let w = Array(word)
            return j + w.count <= chars.count && Array(chars[j..<(j + w.count)]) == w
        }
        if j < chars.count, chars[j] == "%" {
            j += 1
            return .percent
        }
        if j < chars.count, chars[j] == "‰" {
            j += 1
            return .perMille
        }
        if starts("次") {
            j += 1
            return .times
        }
        if let word = Self.objectUnits.first(where: starts) {
            j += word.count
            return .objects
        }
        if let word = Self.measureUnits.first(where: starts) {
            j += word.count
            return .measure
        }
        return .none
    }

    /// `A类`, `A、B类`, `A级`: class letters before 类 or 级.
    private func classLabel(at index: Int, chars: [Character]) -> (classes: [RiskClass], end: Int)? {
        var classes: [RiskClass] = []
        var j = index
        while j < chars.count, chars[j].isUppercase, let c = RiskClass(rawValue: String(chars[j])) {
            classes.append(c)
            j += 1
            if j < chars.count, "、,和及".contains(chars[j]), j + 1 < chars.count, RiskClass(rawValue: String(chars[j + 1])) != nil {
                j += 1
            }
        }
        guard !classes.isEmpty, j < chars.count, chars[j] == "类" || chars[j] == "级" else { return nil }
        return (classes, j + 1)
    }
}

extension ClauseReader {
    // MARK: Reading

    /// Reads the clause's tokens into the cell's reading.
    func read(into reading: inout CellReading) {
        let tokens = tokens()
        var text = ""
        var ratios: [ScannedQuantity] = []
        var counts: [ScannedQuantity] = []
        var labels: [RiskClass] = []
        var period: Int?
        var sawQuantity = false
        var sawClasses = false

        func textAfter(_ index: Int) -> String {
            tokens[(index + 1)...].reduce(into: "") { out, token in if case .text(let t) = token { out += t } }
        }
        func asFrequency(_ q: ScannedQuantity) {
            let times = Int(q.low)
            guard Double(times) == q.low, times > 0, q.high == nil else {
                reading.problemTexts.append(Message(.planCellNotWholeTimes, ["text": q.text]))
                return
            }
            let perYear = times * (q.perPeriod ?? period ?? 1)
            reading.frequencies.append(FoundFrequency(perYear: perYear, atLeast: q.comparison == .atLeast, text: shown))
            sawQuantity = true
        }

        for (index, token) in tokens.enumerated() {
            switch token {
            case .text(let t):
                text += t
            case .classes(let c):
                labels = c
                sawClasses = true
            case .period(let p):
                period = p
            case .note(let note):
                if var last = counts.popLast() {
                    last.note = note
                    counts.append(last)
                } else if role == .count || role == .estimatedCount, var last = reading.counts.popLast() {
                    last.indicative = true
                    last.note = note
                    reading.counts.append(last)
                } else {
                    text += "(\(note))"
                }
            case .quantity(let q):
                var unit = q.unit
                if unit == .none {
                    switch role {
                    case .frequency, .ratioAndFrequency: unit = .times
                    case .count, .estimatedCount: unit = .objects
                    case .other: unit = .measure
                    case .ratio, .riskRequirement:
                        reading.problemTexts.append(Message(.planCellNoUnit, ["text": q.text]))
                        sawQuantity = true
                        continue
                    }
                }
                switch unit {
                case .percent, .perMille:
                    if role == .other { continue }
                    sawQuantity = true
                    let scale = unit == .percent ? 100.0 : 1000.0
                    if q.negative {
                        reading.errorTexts.append(Message(.planCellNegativeRatio, ["text": q.text]))
                        continue
                    }
                    let low = q.low / scale
                    let high = q.high.map { $0 / scale }
                    guard low > 0, low <= 1, high.map({ $0 >= low && $0 <= 1 }) ?? true else {
                        reading.problemTexts.append(Message(.planCellRatioOutOfRange, ["text": q.text]))
                        continue
                    }
                    if !labels.isEmpty {
                        if q.comparison == .atMost || high != nil {
                            reading.problemTexts.append(
                                Message(
                                    .planCellClassRatioNotSingle,
                                    ["text": q.text, "classes": labels.map(\.rawValue).joined(separator: "、")]))
                        } else {
                            for c in labels { reading.classRatios[c] = low }
                        }
                        labels = []
                    } else if role == .riskRequirement {
                        reading.problemTexts.append(Message(.planCellRiskRatioNoClass, ["text": q.text]))
                    } else {
                        ratios.append(ScannedQuantity(low: low, high: high, unit: .percent, comparison: q.comparison, text: q.text))
                        if let period, period > 1 {
                            reading.frequencies.append(FoundFrequency(perYear: period, atLeast: false, text: shown))
                        } else if period == 1 {
                            reading.annualRatio = true
                        }
                    }
                case .objects:
                    if role == .other || role == .riskRequirement { continue }
                    sawQuantity = true
                    counts.append(q)
                case .times:
                    if GrammarWords.scopeText(textAfter(index)) != nil {
                        text += q.text // `受到1次(含)以上处罚的单位`: a threshold, part of the scope.
                    } else if role != .riskRequirement {
                        asFrequency(q)
                    }
                case .measure, .none:
                    text += q.text
                case .proportion:
                    if role == .other { continue }
                    sawQuantity = true
                    reading.problemTexts.append(Message(.planCellProportion, ["text": q.text]))
                }
            }
        }

        if ratios.count > 1 {
            reading.problemTexts.append(Message(.planCellSeveralRatios, ["text": shown, "count": "\(ratios.count)"]))
        }
        var firm: Int?
        for q in counts {
            let value = Int(q.low)
            if q.negative || Double(value) != q.low || value <= 0 {
                reading.errorTexts.append(Message(.planCellCountNotPositive, ["text": q.text]))
            } else if q.high != nil {
                reading.problemTexts.append(Message(.planCellCountRange, ["text": q.text]))
            } else if q.comparison == .atMost {
                reading.problemTexts.append(Message(.planCellCountUpperBound, ["text": q.text]))
            } else {
                let indicative = role == .estimatedCount || q.comparison == .approximately || q.note != nil
                reading.counts.append(FoundCount(value: value, indicative: indicative, note: q.note))
                if !indicative, firm == nil { firm = value }
            }
        }
        let scope = GrammarWords.scopeText(text)
        if ratios.count == 1, let r = ratios.first {
            let bound = q(r)
            reading.segments.append(RatioSegment(scope: scope, ratio: bound, count: firm))
            reading.segmentTexts.append(shown)
        } else if ratios.isEmpty, let firm {
            reading.segments.append(RatioSegment(scope: scope, ratio: nil, count: firm))
            reading.segmentTexts.append(shown)
        }
        if !sawQuantity, !sawClasses, let scope {
            if role == .other { return }
            if scope.contains("不涉及") {
                reading.exempt = true
            } else if role == .riskRequirement {
                return
            } else if let word = GrammarWords.undecided.first(where: { scope.contains($0) }) {
                reading.problemTexts.append(Message(.planCellUndecided, ["text": shown, "word": word]))
            } else {
                reading.qualifiers.append(scope)
            }
        }
    }

    /// A scanned ratio as a bound: a floor unless the plan gives only a ceiling.
    private func q(_ r: ScannedQuantity) -> RatioBound {
        r.comparison == .atMost ? RatioBound(min: nil, max: r.high ?? r.low) : RatioBound(min: r.low, max: r.high)
    }
}
