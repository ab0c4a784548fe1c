// A group's quotas: every task's quota by its own policy (the default policy, or the task's
// override), and per class the largest of them, so that the one draw of the group serves every
// task (DrawGroups.swift).
//
// A task's inputs, in order of precedence:
// - an override's `count` replaces the plan's ratio and count (a count alone);
// - else an override's `ratio` replaces the plan's ratio (the plan's count stays a minimum);
// - else the plan's ratio (its lower bound, `5%以上` → 5%) and count.
// The policy is the override's, else the default. Class ratios given by the plan itself for a task
// (`planClassRatios`, filled by whoever parses them from the plan) replace the policy of that task
// by those fixed ratios; an override's policy still wins over them.

/// A per-task exception to the quota rules.
public struct TaskQuotaOverride: Sendable, Hashable, Codable {
    /// A ratio replacing the plan's ratio (a fraction), or nil.
    public var ratio: Double?
    /// A count replacing the plan's ratio and count, or nil.
    public var count: Int?
    /// The policy for this task, or nil for the rules' default.
    public var policy: RiskQuotaPolicy?

    /// Creates an override.
    public init(ratio: Double? = nil, count: Int? = nil, policy: RiskQuotaPolicy? = nil) {
        self.ratio = ratio
        self.count = count
        self.policy = policy
    }
}

/// What one task's quota is computed from.
public struct TaskQuotaInputs: Sendable, Hashable, Codable {
    /// The policy.
    public var policy: RiskQuotaPolicy
    /// The ratio (a fraction), or nil.
    public var ratio: Double?
    /// The count, or nil.
    public var count: Int?

    /// Creates the inputs.
    public init(policy: RiskQuotaPolicy, ratio: Double?, count: Int?) {
        self.policy = policy
        self.ratio = ratio
        self.count = count
    }
}

/// The quota rules of a county: the default policy and per-task exceptions.
public struct QuotaRules: Sendable, Hashable, Codable {
    /// The policy of every task without an override.
    public var policy: RiskQuotaPolicy
    /// Exceptions by task 序号.
    public var overrides: [Int: TaskQuotaOverride]
    /// Class ratios the plan itself gives for a task (by 序号); they replace `policy` for that task.
    public var planClassRatios: [Int: [RiskClass: Double]]

    /// Rules; by default the documented policy, no overrides, no class ratios from the plan.
    public init(
        policy: RiskQuotaPolicy = .default, overrides: [Int: TaskQuotaOverride] = [:], planClassRatios: [Int: [RiskClass: Double]] = [:]
    ) {
        self.policy = policy
        self.overrides = overrides
        self.planClassRatios = planClassRatios
    }

    /// The policy, ratio and count of a task (precedence at the top of QuotaRules.swift).
    public func inputs(for task: PlanTask) -> TaskQuotaInputs {
        let override = overrides[task.seq]
        let policy =
            override?.policy ?? planClassRatios[task.seq].map { RiskQuotaPolicy(mode: .fixedRatios($0), visits: self.policy.visits) }
            ?? self.policy
        if let count = override?.count { return TaskQuotaInputs(policy: policy, ratio: nil, count: count) }
        if let ratio = override?.ratio { return TaskQuotaInputs(policy: policy, ratio: ratio, count: task.ratio.count) }
        return TaskQuotaInputs(policy: policy, ratio: task.ratio.min, count: task.ratio.count)
    }

    /// A group's quota: per class the largest of its tasks' quotas, each task with its own inputs;
    /// per class the most visits any task asks for.
    public func quota(of group: DrawGroup, population: [RiskClass: Int]) -> GroupQuota {
        var byTask: [Int: QuotaResult] = [:]
        var inputsByTask: [Int: TaskQuotaInputs] = [:]
        var perClass: [RiskClass: Int] = [:]
        var visits: [RiskClass: Int] = [:]
        var capped: Set<RiskClass> = []
        var notes: [String] = []
        for task in group.tasks {
            let inputs = inputs(for: task)
            let result = inputs.policy.quotas(planRatio: inputs.ratio, fixedCount: inputs.count, population: population)
            byTask[task.seq] = result
            inputsByTask[task.seq] = inputs
            for c in RiskClass.allCases {
                perClass[c] = max(perClass[c] ?? 0, result.perClass[c] ?? 0)
                visits[c] = max(visits[c] ?? 1, result.visits[c] ?? 1)
            }
            capped.formUnion(result.capped)
            if inputs.ratio == nil && inputs.count == nil {
                notes.append("task \(task.seq): the plan gives no ratio or count ('\(task.ratio.raw)'): it asks for nothing")
            }
            notes += result.notes.map { "task \(task.seq): \($0)" }
        }
        for c in RiskClass.allCases where visits[c] == nil { visits[c] = 1 }
        return GroupQuota(
            perClass: perClass, byTask: byTask, inputs: inputsByTask, visits: visits,
            capped: RiskClass.allCases.filter { capped.contains($0) }, notes: notes)
    }
}

/// A group's quota: per class the largest of its tasks' quotas.
public struct GroupQuota: Sendable, Hashable, Codable {
    /// Objects to draw per class (every class present).
    public var perClass: [RiskClass: Int]
    /// Each task's own quota result, by 序号.
    public var byTask: [Int: QuotaResult]
    /// Each task's inputs (policy, ratio, count), by 序号: what the commitment records.
    public var inputs: [Int: TaskQuotaInputs]
    /// Visits per round of each class: the most any task asks for.
    public var visits: [RiskClass: Int]
    /// Classes whose exact share some task capped at the class population, in A…D order.
    public var capped: [RiskClass]
    /// Remarks from the policy, prefixed with the task (`task 21: C: exact share … capped at …`).
    public var notes: [String]

    /// Creates a group quota.
    public init(
        perClass: [RiskClass: Int], byTask: [Int: QuotaResult], inputs: [Int: TaskQuotaInputs] = [:],
        visits: [RiskClass: Int] = [.A: 1, .B: 1, .C: 1, .D: 1], capped: [RiskClass], notes: [String]
    ) {
        self.perClass = perClass
        self.byTask = byTask
        self.inputs = inputs
        self.visits = visits
        self.capped = capped
        self.notes = notes
    }

    /// The total to draw.
    public var total: Int { perClass.values.reduce(0, +) }
}
