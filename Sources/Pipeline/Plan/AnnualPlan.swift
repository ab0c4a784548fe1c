/// One task of the annual plan, typed values beside the raw cell text they came from.
///
/// A task the reader understood only in part ``needsReview``: ``review`` says what a person must
/// decide (in the plan overrides file named by `[plan] overrides`), and the draw skips the task
/// until then. ``notes`` record what the reader did that a person may want to know (a value
/// filled down from a merged cell, a name taken from the matter, a decision from the overrides).
public struct PlanTask: Sendable, Hashable, Codable {
    /// The plan's 序号.
    public var seq: Int
    /// 抽查任务名称.
    public var name: String
    /// 抽查事项, split into single matters.
    public var matters: [String]
    /// 抽查对象范围, split into single scopes.
    public var scopes: [String]
    /// The sampling ratio (or firm count) the draw uses.
    public var ratio: SamplingRatio
    /// The inspection frequency.
    public var frequency: InspectionFrequency
    /// The months in which the task runs.
    public var window: TaskWindow
    /// 发起部门.
    public var initiator: String
    /// 配合部门, as a list.
    public var cooperators: [String]
    /// 抽查检查模式 (e.g. 县抽县查), or nil if the plan has no such column; two modes in one cell
    /// (`市抽市查、市抽县(区)查`) are joined by `、` here and listed in ``modes``.
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
    /// The number of objects the plan names, firm or indicative.
    public var count: TaskCount
    /// Ratios per credit-risk class written in the plan, or nil when it gives none.
    public var classRatios: ClassRatios?
    /// The parts of the ratio cell, each with the words naming whom it applies to.
    public var segments: [RatioSegment]
    /// What a person must decide before the task is drawn; empty when the task was read in full.
    public var review: [String]
    /// What the reader did that a person may want to know.
    public var notes: [String]
    /// The provincial platform's codes for the task, if the plan or the overrides give them.
    public var platform: PlatformIdentity?

    /// Creates a task.
    public init(
        seq: Int, name: String, matters: [String], scopes: [String], ratio: SamplingRatio,
        frequency: InspectionFrequency, window: TaskWindow, initiator: String, cooperators: [String],
        mode: String?, inspectionType: String? = nil, riskRequirement: String? = nil, area: String? = nil,
        raw: [String: String], line: Int, count: TaskCount = .none, classRatios: ClassRatios? = nil,
        segments: [RatioSegment] = [], review: [String] = [], notes: [String] = [], platform: PlatformIdentity? = nil
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
        self.count = count
        self.classRatios = classRatios
        self.segments = segments
        self.review = review
        self.notes = notes
        self.platform = platform
    }

    /// True when a person must decide something before the task is drawn (see ``review``).
    public var needsReview: Bool { !review.isEmpty }

    /// Every department of the task: the initiator first, then the cooperators.
    public var departments: [String] { [initiator] + cooperators.filter { $0 != initiator } }

    /// The modes of the 抽查检查模式 cell, split on `、`.
    public var modes: [String] {
        (mode ?? "").split(separator: "、").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    private enum CodingKeys: String, CodingKey {
        case seq, name, matters, scopes, ratio, frequency, window, initiator, cooperators, mode
        case inspectionType, riskRequirement, area, raw, line
        case modes, count, classRatios, segments, needsReview, review, notes, platform
    }

    /// Decodes; the keys added after the first format may be absent (a task stored by an earlier suiji).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seq = try c.decode(Int.self, forKey: .seq)
        name = try c.decode(String.self, forKey: .name)
        matters = try c.decode([String].self, forKey: .matters)
        scopes = try c.decode([String].self, forKey: .scopes)
        ratio = try c.decode(SamplingRatio.self, forKey: .ratio)
        frequency = try c.decode(InspectionFrequency.self, forKey: .frequency)
        window = try c.decode(TaskWindow.self, forKey: .window)
        initiator = try c.decode(String.self, forKey: .initiator)
        cooperators = try c.decode([String].self, forKey: .cooperators)
        mode = try c.decodeIfPresent(String.self, forKey: .mode)
        inspectionType = try c.decodeIfPresent(String.self, forKey: .inspectionType)
        riskRequirement = try c.decodeIfPresent(String.self, forKey: .riskRequirement)
        area = try c.decodeIfPresent(String.self, forKey: .area)
        raw = try c.decode([String: String].self, forKey: .raw)
        line = try c.decode(Int.self, forKey: .line)
        count = try c.decodeIfPresent(TaskCount.self, forKey: .count) ?? .none
        classRatios = try c.decodeIfPresent(ClassRatios.self, forKey: .classRatios)
        segments = try c.decodeIfPresent([RatioSegment].self, forKey: .segments) ?? []
        review = try c.decodeIfPresent([String].self, forKey: .review) ?? []
        notes = try c.decodeIfPresent([String].self, forKey: .notes) ?? []
        platform = try c.decodeIfPresent(PlatformIdentity.self, forKey: .platform)
    }

    /// Encodes every key with explicit nulls (and `modes`, the mode cell split on `、`), except `classRatios` and `platform`, which are absent
    /// when the plan gives none.
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
        try c.encode(modes, forKey: .modes)
        try c.encode(inspectionType, forKey: .inspectionType)
        try c.encode(riskRequirement, forKey: .riskRequirement)
        try c.encode(area, forKey: .area)
        try c.encode(raw, forKey: .raw)
        try c.encode(line, forKey: .line)
        try c.encode(count, forKey: .count)
        try c.encodeIfPresent(classRatios, forKey: .classRatios)
        try c.encode(segments, forKey: .segments)
        try c.encode(needsReview, forKey: .needsReview)
        try c.encode(review, forKey: .review)
        try c.encode(notes, forKey: .notes)
        if let platform, !platform.isEmpty { try c.encode(platform, forKey: .platform) }
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
