// Draw groups: the joint visit ("进一次门、查多项事").
//
// Tasks with the same initiating department, the same object scopes (as a set) and the same
// rounds (the same window and frequency, so every round has the same dates) form one group: one
// draw per round and one visit that covers all their matters. Text is compared after
// `PlanCellParser.clean`; scopes are compared as sets, so `A B` joins `B A`. Tasks whose rounds only
// partly coincide (2/year beside 4/year) are not joined.
//
// The group's departments are the initiator, then every cooperator of its tasks in task order,
// each once. Its quota per risk class is the largest of its tasks' quotas for that class
// (QuotaRules.swift): the one draw then serves every task.
//
// The group key is `<year>-G<lowest 序号 of its tasks, at least 2 digits>`, e.g. `2024-G02` for
// tasks 2 and 3 of 2024. It is derived from the plan, not from a running count, so it does not
// move when other tasks are added or regrouped, and it reads back to the plan's first task.

/// Tasks drawn together: same initiator, same scopes, same rounds.
public struct DrawGroup: Sendable, Hashable, Codable {
    /// `<year>-G<lowest seq>`, e.g. `2024-G02` (see the top of DrawGroups.swift).
    public var key: String
    /// The plan year.
    public var year: Int
    /// The plan's 6-digit region code.
    public var region: String
    /// 发起部门 (cleaned).
    public var initiator: String
    /// Every cooperating department of the group's tasks, in task order, each once, without the initiator.
    public var cooperators: [String]
    /// The object scopes (cleaned), unique, in code point order.
    public var scopes: [String]
    /// The tasks, in 序号 order.
    public var tasks: [PlanTask]
    /// The rounds shared by every task.
    public var schedule: RoundSchedule

    /// Creates a group.
    public init(
        key: String, year: Int, region: String, initiator: String, cooperators: [String], scopes: [String],
        tasks: [PlanTask], schedule: RoundSchedule
    ) {
        self.key = key
        self.year = year
        self.region = region
        self.initiator = initiator
        self.cooperators = cooperators
        self.scopes = scopes
        self.tasks = tasks
        self.schedule = schedule
    }

    /// The 序号 of the tasks.
    public var taskSeqs: [Int] { tasks.map(\.seq) }

    /// The initiator, then the cooperators.
    public var departments: [String] { [initiator] + cooperators }

    /// The key of the group whose lowest task number is `seq` in `year`: `2024-G02`.
    public static func key(year: Int, lowestSeq seq: Int) -> String {
        "\(year)-G" + zeroPadded(seq, width: 2)
    }
}

/// Forms the draw groups of a plan.
public enum DrawGroups {
    /// The groups of `plan`, ordered by their lowest task number (rules at the top of DrawGroups.swift).
    public static func form(_ plan: AnnualPlan) -> [DrawGroup] {
        struct Signature: Hashable {
            var initiator: String
            var scopes: [String]
            var rounds: [DrawRound]
        }
        var order: [Signature] = []
        var members: [Signature: [PlanTask]] = [:]
        var schedules: [Signature: RoundSchedule] = [:]
        // A task that needs review is not drawn until the plan overrides decide it (PlanTask.review).
        for task in plan.tasks.sorted(by: { $0.seq < $1.seq }) where !task.needsReview {
            let schedule = RoundSchedule(task: task, year: plan.year)
            let signature = Signature(
                initiator: PlanCellParser.clean(task.initiator),
                scopes: sortedUnique(task.scopes.map(PlanCellParser.clean).filter { !$0.isEmpty }),
                rounds: schedule.rounds)
            if members[signature] == nil {
                order.append(signature)
                schedules[signature] = schedule
            }
            members[signature, default: []].append(task)
        }
        return order.compactMap { signature in
            guard let tasks = members[signature], let first = tasks.first, let schedule = schedules[signature] else { return nil }
            var cooperators: [String] = []
            for task in tasks {
                for c in task.cooperators.map(PlanCellParser.clean) where !c.isEmpty && c != signature.initiator && !cooperators.contains(c)
                {
                    cooperators.append(c)
                }
            }
            return DrawGroup(
                key: DrawGroup.key(year: plan.year, lowestSeq: first.seq), year: plan.year, region: plan.region,
                initiator: signature.initiator, cooperators: cooperators, scopes: signature.scopes,
                tasks: tasks, schedule: schedule)
        }
    }

    /// One line per task the draw skips because it needs review, for the draw commands to print.
    public static func awaitingReview(_ plan: AnnualPlan) -> [String] {
        plan.tasks.filter(\.needsReview).sorted { $0.seq < $1.seq }.map { task in
            "task \(task.seq) is not drawn: it needs review (\(task.review.joined(separator: "; "))); decide it in the plan overrides file ([plan] overrides in suiji.toml) and import the plan again"
        }
    }

    static func sortedUnique(_ strings: [String]) -> [String] {
        Array(Set(strings)).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
