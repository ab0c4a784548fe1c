// The typed values of a plan task, each beside the raw text it came from. Every encoder writes
// every key (explicit nulls) so that `plan show --json` has one shape; keys that did not exist in
// the first format (`atLeast`, …) decode as absent-means-default, so tasks stored by an earlier
// suiji still read.

/// A sampling ratio as the plan states it: a minimum fraction, an optional maximum, or a fixed count.
public struct SamplingRatio: Sendable, Hashable, Codable {
    /// The minimum fraction of the population to draw (0.05 for `5%以上`), if the plan gives one.
    public var min: Double?
    /// The upper bound of a range such as `5%-20%`, if given.
    public var max: Double?
    /// A fixed number of objects the draw must reach (`1户`), if the plan gives a firm count; an
    /// indicative count (`实际以…为准`) is in ``PlanTask/count`` only.
    public var count: Int?
    /// True when the cell says the task is outside credit-risk classification (`不涉及信用风险分类`).
    public var exemptFromRiskClasses: Bool
    /// The cell text this was read from, exactly.
    public var raw: String

    /// Creates a ratio.
    public init(min: Double? = nil, max: Double? = nil, count: Int? = nil, exemptFromRiskClasses: Bool = false, raw: String) {
        self.min = min
        self.max = max
        self.count = count
        self.exemptFromRiskClasses = exemptFromRiskClasses
        self.raw = raw
    }

    /// True if neither a fraction nor a count is known.
    public var isUnset: Bool { min == nil && count == nil }

    private enum CodingKeys: String, CodingKey { case min, max, count, exemptFromRiskClasses, raw }

    /// Encodes with explicit nulls, so that consumers see every key.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
        try c.encode(count, forKey: .count)
        try c.encode(exemptFromRiskClasses, forKey: .exemptFromRiskClasses)
        try c.encode(raw, forKey: .raw)
    }
}

/// How often a task is inspected in the plan year.
public struct InspectionFrequency: Sendable, Hashable, Codable {
    /// Inspections per year (quarterly = 4), or nil if the cell could not be read.
    public var perYear: Int?
    /// True when the plan sets a floor (`>=1`, `不少于1次`), false when it says exactly (`=1`, `1次/年`).
    public var atLeast: Bool
    /// The cell text this was read from, exactly.
    public var raw: String

    /// Creates a frequency.
    public init(perYear: Int?, atLeast: Bool = false, raw: String) {
        self.perYear = perYear
        self.atLeast = atLeast
        self.raw = raw
    }

    private enum CodingKeys: String, CodingKey { case perYear, atLeast, raw }

    /// Decodes; a frequency stored before `atLeast` existed is exact.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        perYear = try c.decodeIfPresent(Int.self, forKey: .perYear)
        atLeast = try c.decodeIfPresent(Bool.self, forKey: .atLeast) ?? false
        raw = try c.decode(String.self, forKey: .raw)
    }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(perYear, forKey: .perYear)
        try c.encode(atLeast, forKey: .atLeast)
        try c.encode(raw, forKey: .raw)
    }
}

/// The months of the plan year in which a task runs, inclusive.
public struct TaskWindow: Sendable, Hashable, Codable {
    /// First month, 1...12, or nil if unreadable.
    public var startMonth: Int?
    /// Last month, 1...12, or nil if unreadable.
    public var endMonth: Int?
    /// The cell text this was read from, exactly.
    public var raw: String

    /// Creates a window.
    public init(startMonth: Int?, endMonth: Int?, raw: String) {
        self.startMonth = startMonth
        self.endMonth = endMonth
        self.raw = raw
    }

    private enum CodingKeys: String, CodingKey { case startMonth, endMonth, raw }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(startMonth, forKey: .startMonth)
        try c.encode(endMonth, forKey: .endMonth)
        try c.encode(raw, forKey: .raw)
    }
}

/// A number of objects the plan names (an 抽查户数 column, or `(20户)` beside a ratio).
public struct TaskCount: Sendable, Hashable, Codable {
    /// The number, or nil if the plan gives none.
    public var value: Int?
    /// True when the plan marks the number as a guide, not a floor (`实际以…为准`, `约`, an
    /// estimate column): the draw does not have to reach it.
    public var indicative: Bool
    /// The plan's own words on the number (`实际以联合双随机牵头单位抽查数为准。`), if any.
    public var note: String?

    /// Creates a count.
    public init(value: Int? = nil, indicative: Bool = false, note: String? = nil) {
        self.value = value
        self.indicative = indicative
        self.note = note
    }

    /// No count.
    public static let none = TaskCount()

    private enum CodingKeys: String, CodingKey { case value, indicative, note }

    /// Decodes; `indicative` and `note` may be absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        value = try c.decodeIfPresent(Int.self, forKey: .value)
        indicative = try c.decodeIfPresent(Bool.self, forKey: .indicative) ?? false
        note = try c.decodeIfPresent(String.self, forKey: .note)
    }

    /// Encodes `value` (explicit null) and `indicative`; `note` only when there is one.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(value, forKey: .value)
        try c.encode(indicative, forKey: .indicative)
        try c.encodeIfPresent(note, forKey: .note)
    }
}

/// Ratios per credit-risk class written in the plan (`A类2%、B类5%、C类10%、D类20%`): for this task
/// they replace the configured policy (the draw reads them from ``PlanTask/classRatios``).
public struct ClassRatios: Sendable, Hashable, Codable {
    /// Class A (信用风险低).
    public var a: Double
    /// Class B (一般).
    public var b: Double
    /// Class C (较高).
    public var c: Double
    /// Class D (高).
    public var d: Double

    /// Creates class ratios (fractions in 0…1).
    public init(a: Double, b: Double, c: Double, d: Double) {
        self.a = a
        self.b = b
        self.c = c
        self.d = d
    }

    /// The ratio of a class.
    public subscript(riskClass: RiskClass) -> Double {
        switch riskClass {
        case .A: a
        case .B: b
        case .C: c
        case .D: d
        }
    }

    private enum CodingKeys: String, CodingKey {
        case a = "A"
        case b = "B"
        case c = "C"
        case d = "D"
    }
}

/// A fraction with an optional upper bound, as one part of a ratio cell states it.
public struct RatioBound: Sendable, Hashable, Codable {
    /// The minimum fraction, or nil when the part gives only an upper bound.
    public var min: Double?
    /// The maximum fraction, if any.
    public var max: Double?

    /// Creates a bound.
    public init(min: Double?, max: Double? = nil) {
        self.min = min
        self.max = max
    }

    private enum CodingKeys: String, CodingKey { case min, max }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(min, forKey: .min)
        try c.encode(max, forKey: .max)
    }
}

/// One part of a ratio cell with its own population (`重点单位100%`), or the whole cell when it has one.
public struct RatioSegment: Sendable, Hashable, Codable {
    /// The words of the part that name whom it applies to (`重点单位`), or nil when it names nobody.
    public var scope: String?
    /// The part's ratio, if it gives one.
    public var ratio: RatioBound?
    /// The part's number of objects, if it gives one.
    public var count: Int?

    /// Creates a segment.
    public init(scope: String?, ratio: RatioBound?, count: Int?) {
        self.scope = scope
        self.ratio = ratio
        self.count = count
    }

    private enum CodingKeys: String, CodingKey { case scope, ratio, count }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scope, forKey: .scope)
        try c.encode(ratio, forKey: .ratio)
        try c.encode(count, forKey: .count)
    }
}

/// The provincial platform's identities of a task (抽查计划编号/名称, 抽查任务编号): when given, the
/// publication payloads carry them instead of the codes suiji derives.
public struct PlatformIdentity: Sendable, Hashable, Codable {
    /// 抽查计划编号, if given.
    public var planCode: String?
    /// 抽查计划名称, if given.
    public var planName: String?
    /// 抽查任务编号, if given.
    public var taskCode: String?

    /// Creates identities.
    public init(planCode: String? = nil, planName: String? = nil, taskCode: String? = nil) {
        self.planCode = planCode
        self.planName = planName
        self.taskCode = taskCode
    }

    /// True when nothing is given.
    public var isEmpty: Bool { planCode == nil && planName == nil && taskCode == nil }

    /// True for 1 to 40 characters of `0-9A-Za-z`: what the payloads can carry as an id.
    public static func isValidCode(_ code: String) -> Bool {
        (1...40).contains(code.utf8.count)
            && code.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) }
    }

    private enum CodingKeys: String, CodingKey { case planCode, planName, taskCode }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(planCode, forKey: .planCode)
        try c.encode(planName, forKey: .planName)
        try c.encode(taskCode, forKey: .taskCode)
    }
}
