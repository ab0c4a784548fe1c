/// A sampling ratio as the plan states it: a minimum fraction, an optional maximum, or a fixed count.
public struct SamplingRatio: Sendable, Hashable, Codable {
    /// The minimum fraction of the population to draw (0.05 for `5%以上`), if the plan gives one.
    public var min: Double?
    /// The upper bound of a range such as `5%-20%`, if given.
    public var max: Double?
    /// A fixed number of objects (`1户`), if the plan gives a count instead of a fraction.
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
    /// The cell text this was read from, exactly.
    public var raw: String

    /// Creates a frequency.
    public init(perYear: Int?, raw: String) {
        self.perYear = perYear
        self.raw = raw
    }

    private enum CodingKeys: String, CodingKey { case perYear, raw }

    /// Encodes with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(perYear, forKey: .perYear)
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

/// One task of the annual plan, typed values beside the raw cell text they came from.
public struct PlanTask: Sendable, Hashable, Codable {
    /// The plan's 序号.
    public var seq: Int
    /// 抽查任务名称.
    public var name: String
    /// 抽查事项, split into single matters.
    public var matters: [String]
    /// 抽查对象范围, split into single scopes.
    public var scopes: [String]
    /// The sampling ratio (or count).
    public var ratio: SamplingRatio
    /// The inspection frequency.
    public var frequency: InspectionFrequency
    /// The months in which the task runs.
    public var window: TaskWindow
    /// 发起部门.
    public var initiator: String
    /// 配合部门, as a list.
    public var cooperators: [String]
    /// 抽查检查模式 (e.g. 县抽县查), or nil if the plan has no such column.
    public var mode: String?
    /// 抽查类型 (定向 / 不定向), if the plan has such a column.
    public var inspectionType: String?
    /// 智慧监管（信用风险分类）要求, as written.
    public var riskRequirement: String?
    /// 地市 or the plan's area column, as written.
    public var area: String?
    /// Every cell of the row by canonical column name, exactly as written.
    public var raw: [String: String]
    /// The physical line of the plan file on which the row starts.
    public var line: Int

    /// Creates a task.
    public init(
        seq: Int, name: String, matters: [String], scopes: [String], ratio: SamplingRatio,
        frequency: InspectionFrequency, window: TaskWindow, initiator: String, cooperators: [String],
        mode: String?, inspectionType: String? = nil, riskRequirement: String? = nil, area: String? = nil,
        raw: [String: String], line: Int
    ) {
        self.seq = seq
        self.name = name
        self.matters = matters
        self.scopes = scopes
        self.ratio = ratio
        self.frequency = frequency
        self.window = window
        self.initiator = initiator
        self.cooperators = cooperators
        self.mode = mode
        self.inspectionType = inspectionType
        self.riskRequirement = riskRequirement
        self.area = area
        self.raw = raw
        self.line = line
    }

    /// Every department of the task: the initiator first, then the cooperators.
    public var departments: [String] { [initiator] + cooperators.filter { $0 != initiator } }

    private enum CodingKeys: String, CodingKey {
        case seq, name, matters, scopes, ratio, frequency, window, initiator, cooperators, mode
        case inspectionType, riskRequirement, area, raw, line
    }

    /// Encodes in the documented key order with explicit nulls.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(seq, forKey: .seq)
        try c.encode(name, forKey: .name)
        try c.encode(matters, forKey: .matters)
        try c.encode(scopes, forKey: .scopes)
        try c.encode(ratio, forKey: .ratio)
        try c.encode(frequency, forKey: .frequency)
        try c.encode(window, forKey: .window)
        try c.encode(initiator, forKey: .initiator)
        try c.encode(cooperators, forKey: .cooperators)
        try c.encode(mode, forKey: .mode)
        try c.encode(inspectionType, forKey: .inspectionType)
        try c.encode(riskRequirement, forKey: .riskRequirement)
        try c.encode(area, forKey: .area)
        try c.encode(raw, forKey: .raw)
        try c.encode(line, forKey: .line)
    }
}

/// The annual inspection plan of one region and year.
public struct AnnualPlan: Sendable, Hashable, Codable {
    /// The plan year.
    public var year: Int
    /// The 6-digit region code of the county.
    public var region: String
    /// The tasks in 序号 order.
    public var tasks: [PlanTask]

    /// Creates a plan.
    public init(year: Int, region: String, tasks: [PlanTask]) {
        self.year = year
        self.region = region
        self.tasks = tasks
    }
}
