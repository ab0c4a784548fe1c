// The operator's decisions on tasks the plan leaves open (the overrides file named by
// `[plan] overrides` in suiji.toml; read by Stages' PlanOverridesLoader).
//
// A decision replaces the plan's value for one task and settles the questions of its kind: a
// ratio, count or class ratios settle the quantity questions; a frequency, a window, scopes or an
// initiator settle theirs. Every decision is noted on the task with the plan's own words, so
// `plan show` says where a value came from. Questions of a kind the decisions do not cover stay
// open, and the task stays undrawn.

/// The decisions for one task.
public struct PlanTaskOverride: Sendable, Hashable {
    /// The task's 序号.
    public var seq: Int
    /// The line of the overrides file where the decision is written.
    public var line: Int?
    /// The ratio (a floor, with an optional ceiling).
    public var ratio: RatioBound?
    /// The number of objects.
    public var count: TaskCount?
    /// Ratios per credit-risk class.
    public var classRatios: ClassRatios?
    /// The frequency.
    public var frequency: InspectionFrequency?
    /// The window: first and last month.
    public var window: TaskWindow?
    /// The object scopes.
    public var scopes: [String]?
    /// The initiating department.
    public var initiator: String?
    /// The cooperating departments.
    public var cooperators: [String]?
    /// 抽查任务编号 on the provincial platform.
    public var taskCode: String?
    /// Why, in the operator's words.
    public var note: String?

    /// Creates a decision.
    public init(
        seq: Int, line: Int? = nil, ratio: RatioBound? = nil, count: TaskCount? = nil, classRatios: ClassRatios? = nil,
        frequency: InspectionFrequency? = nil, window: TaskWindow? = nil, scopes: [String]? = nil, initiator: String? = nil,
        cooperators: [String]? = nil, taskCode: String? = nil, note: String? = nil
    ) {
        self.seq = seq
        self.line = line
        self.ratio = ratio
        self.count = count
        self.classRatios = classRatios
        self.frequency = frequency
        self.window = window
        self.scopes = scopes
        self.initiator = initiator
        self.cooperators = cooperators
        self.taskCode = taskCode
        self.note = note
    }

    /// The kinds of question these decisions settle.
    public var settles: Set<ReviewTopic> {
        var topics: Set<ReviewTopic> = []
        if ratio != nil || count != nil || classRatios != nil { topics.insert(.quantity) }
        if frequency != nil { topics.insert(.frequency) }
        if window != nil { topics.insert(.window) }
        if scopes != nil { topics.insert(.scopes) }
        if initiator != nil { topics.insert(.initiator) }
        return topics
    }
}

/// Every decision of an overrides file.
public struct PlanOverrides: Sendable, Hashable {
    /// The file, as named to the user.
    public var file: String
    /// The plan year the decisions are for, if the file says.
    public var year: Int?
    /// The region the decisions are for, if the file says.
    public var region: String?
    /// 抽查计划编号 on the provincial platform, for every task.
    public var planCode: String?
    /// 抽查计划名称 on the provincial platform, for every task.
    public var planName: String?
    /// The initiating department of every task whose plan row names none (a department's own plan).
    public var initiator: String?
    /// Decisions by 序号.
    public var tasks: [Int: PlanTaskOverride]

    /// Creates the decisions of a file.
    public init(
        file: String, year: Int? = nil, region: String? = nil, planCode: String? = nil, planName: String? = nil, initiator: String? = nil,
        tasks: [Int: PlanTaskOverride] = [:]
    ) {
        self.file = file
        self.year = year
        self.region = region
        self.planCode = planCode
        self.planName = planName
        self.initiator = initiator
        self.tasks = tasks
    }

    /// Applies the decisions for `task` and drops the questions they settle.
    public func apply(to task: inout PlanTask, questions: inout [ReviewQuestion], diagnostics: inout DiagnosticCollector) {
        if planCode != nil || planName != nil {
            var platform = task.platform ?? PlatformIdentity()
            platform.planCode = planCode ?? platform.planCode
            platform.planName = planName ?? platform.planName
            task.platform = platform
        }
        if let initiator, task.initiator.isEmpty, tasks[task.seq]?.initiator == nil {
            task.initiator = initiator
            let settled = questions.filter { $0.topic == .initiator }.count
            questions.removeAll { $0.topic == .initiator }
            let text = Self.settling(Message(.planNoteInitiatorFrom, ["text": initiator, "file": file]), settled)
            task.notes.append(text.english)
            diagnostics.emit(
                Diagnostic(.note, Message(.planTaskNote, ["seq": "\(task.seq)"], parts: ["text": text]), at: SourceLocation(file: file)))
        }
        guard let decision = tasks[task.seq] else { return }
        var decided: [Message] = []
        if let ratio = decision.ratio {
            task.ratio.min = ratio.min
            task.ratio.max = ratio.max
            decided.append(
                Message(.planDecidedRatio, ["ratio": Self.percent(ratio.min) + (ratio.max.map { "–" + Self.percent($0) } ?? "")]))
        }
        if let count = decision.count {
            task.count = count
            task.ratio.count = count.indicative ? nil : count.value
            decided.append(
                count.value.map { Message(count.indicative ? .planDecidedCountIndicative : .planDecidedCount, ["count": "\($0)"]) }
                    ?? Message(.planDecidedNoCount))
        }
        if let classRatios = decision.classRatios {
            task.classRatios = classRatios
            decided.append(
                Message(
                    .planDecidedClassRatios,
                    [
                        "a": Self.percent(classRatios.a), "b": Self.percent(classRatios.b), "c": Self.percent(classRatios.c),
                        "d": Self.percent(classRatios.d),
                    ]))
        }
        if let frequency = decision.frequency {
            task.frequency = frequency
            decided.append(
                Message(
                    frequency.atLeast ? .planDecidedFrequencyAtLeast : .planDecidedFrequency,
                    ["count": frequency.perYear.map(String.init) ?? "?"]))
        }
        if let window = decision.window {
            task.window = window
            decided.append(Message(.planDecidedWindow, ["start": "\(window.startMonth ?? 0)", "end": "\(window.endMonth ?? 0)"]))
        }
        if let scopes = decision.scopes {
            task.scopes = scopes
            decided.append(Message(.planDecidedScopes, ["list": scopes.joined(separator: "、")]))
        }
        if let initiator = decision.initiator {
            task.initiator = initiator
            decided.append(Message(.planDecidedInitiator, ["text": initiator]))
        }
        if let cooperators = decision.cooperators {
            task.cooperators = cooperators
            decided.append(Message(.planDecidedCooperators, ["list": cooperators.joined(separator: "、")]))
        }
        if let code = decision.taskCode {
            var platform = task.platform ?? PlatformIdentity()
            platform.taskCode = code
            task.platform = platform
            decided.append(Message(.planDecidedTaskCode, ["code": code]))
        }
        let settled = decision.settles
        let before = questions.count
        questions.removeAll { settled.contains($0.topic) }
        let place = file + (decision.line.map { ":\($0)" } ?? "")
        let list = Message.list(decided) ?? Message(verbatim: "")
        let decidedText =
            decision.note.map { Message(.planNoteDecidedNoted, ["place": place, "note": $0], parts: ["decided": list]) }
            ?? Message(.planNoteDecided, ["place": place], parts: ["decided": list])
        let text = Self.settling(decidedText, before - questions.count)
        task.notes.append(text.english)
        diagnostics.emit(
            Diagnostic(
                .note, Message(.planTaskNote, ["seq": "\(task.seq)"], parts: ["text": text]),
                at: SourceLocation(file: file, line: decision.line)))
    }

    /// `text`, saying how many questions it settles when it settles some.
    static func settling(_ text: Message, _ settled: Int) -> Message {
        settled > 0 ? Message(.planNoteSettles, ["count": "\(settled)"], parts: ["text": text]) : text
    }

    /// `12.5%`, `5%`; `?` for none.
    static func percent(_ fraction: Double?) -> String {
        guard let fraction else { return "?" }
        let value = (fraction * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}
