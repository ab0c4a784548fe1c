// Inspection results (检查结果), row by row: the contract of `suiji results import`.
//
// A result names a task of the plan (by 序号, or by its 抽查任务编号 `1409812024P017R01`, which also
// names the round), a round of that task, and an object drawn for that task and round: a USCC
// among the selections of a draw ledger entry of the task's draw group for that round. Anything
// else is a rejected row with the reason, never a guess. Results are codes or texts of the national
// list (domain.md §7); 核查方式 is checked against the national list but kept as written.
//
// A row whose `action` is 撤回 (or `withdraw`) withdraws the current result of that object instead:
// it is kept in history and its record is withdrawn from GSXT at the next publication.

/// The canonical fields of a results file, in the order of `TabularRow.values`.
public enum ResultField: String, Sendable, Hashable, Codable, CaseIterable {
    /// 任务序号 / 序号, or 抽查任务编号.
    case task
    /// 轮次 (optional when the task runs once a year or the task id names the round).
    case round
    /// 统一社会信用代码.
    case uscc
    /// 检查日期.
    case inspectedOn = "inspected_on"
    /// 检查结果: codes or texts separated by `;`, `；` or `、`.
    case results
    /// 核查方式.
    case method
    /// 后续处置 (kept, never published).
    case followUp = "follow_up"
    /// 备注 (kept, never published).
    case remarks
    /// 操作: empty for a result, 撤回 to withdraw the current one.
    case action

    /// The columns a results file must have.
    public static let required: [ResultField] = [.task, .uscc, .inspectedOn, .results]

    /// The position in a row's values.
    public var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }
}

/// One validated results row.
public struct InspectionResult: Sendable, Hashable, Codable {
    /// The task's 序号.
    public var taskSeq: Int
    /// The round number.
    public var round: Int
    /// The inspected object.
    public var uscc: String
    /// 检查日期 (nil only for a withdrawal, which may leave it empty).
    public var inspectedOn: CivilDate?
    /// The results, in order, without repeats (empty only for a withdrawal).
    public var codes: [ResultCode]
    /// 核查方式 as written.
    public var method: String?
    /// 后续处置.
    public var followUp: String?
    /// 备注.
    public var remarks: String?
    /// True if the row withdraws the current result.
    public var withdraws: Bool

    /// Creates a result.
    public init(
        taskSeq: Int, round: Int, uscc: String, inspectedOn: CivilDate?, codes: [ResultCode], method: String? = nil,
        followUp: String? = nil, remarks: String? = nil, withdraws: Bool = false
    ) {
        self.taskSeq = taskSeq
        self.round = round
        self.uscc = uscc
        self.inspectedOn = inspectedOn
        self.codes = codes
        self.method = method
        self.followUp = followUp
        self.remarks = remarks
        self.withdraws = withdraws
    }

    /// The key a correction replaces: task, round and object.
    public var key: String { "\(taskSeq)|\(round)|\(uscc)" }
}

/// The objects drawn for each draw group and round, as the draw ledger records them.
public struct DrawnObjects: Sendable, Hashable {
    /// USCCs drawn, by `<group key>|<round>`.
    public var byGroupRound: [String: Set<String>]

    /// Creates the table.
    public init(byGroupRound: [String: Set<String>] = [:]) { self.byGroupRound = byGroupRound }

    /// The key of a group's round: `2024-G17|1`.
    public static func key(group: String, round: Int) -> String { "\(group)|\(round)" }

    /// The objects drawn in a group's round, or nil if that round has not been drawn.
    public func drawn(group: String, round: Int) -> Set<String>? { byGroupRound[Self.key(group: group, round: round)] }
}

/// Checks results rows against the plan and the draw.
public struct ResultRowValidator: Sendable {
    /// 核查方式 of the national list (domain.md §7).
    public static let methodsInOrder = ["实地检查", "书面检查", "行政部门检查结果或专业意见", "检验检测", "网络监测", "委托专业机构辅助"]
    /// The same, as a set.
    public static let methods = Set(methodsInOrder)
    /// The `action` values that withdraw a result.
    public static let withdrawWords: Set<String> = ["撤回", "撤销", "withdraw", "withdrawn"]

    /// The plan results refer to.
    public let plan: AnnualPlan
    /// What was drawn.
    public let drawn: DrawnObjects
    private let tasks: [Int: PlanTask]
    private let groupOfTask: [Int: String]
    private let schedules: [Int: RoundSchedule]
    private var firstLine: [String: Int] = [:]

    /// Creates a validator for one file.
    public init(plan: AnnualPlan, drawn: DrawnObjects) {
        self.plan = plan
        self.drawn = drawn
        var tasks: [Int: PlanTask] = [:]
        for task in plan.tasks { tasks[task.seq] = task }
        self.tasks = tasks
        self.schedules = tasks.mapValues { RoundSchedule(task: $0, year: plan.year) }
        var groups: [Int: String] = [:]
        for group in DrawGroups.form(plan) {
            for seq in group.taskSeqs { groups[seq] = group.key }
        }
        self.groupOfTask = groups
    }

    /// The draw group key of a task.
    public func group(ofTask seq: Int) -> String? { groupOfTask[seq] }

    /// Warnings about a row accepted as written: a 核查方式 not on the national list, an inspection
    /// date outside the round.
    public func notes(_ record: InspectionResult) -> [(field: ResultField, message: Message)] {
        var notes: [(field: ResultField, message: Message)] = []
        if let method = record.method {
            let pieces = method.split(whereSeparator: { ResultCode.separators.contains($0) }).map { String($0).trimmingWhitespace() }
            if let odd = pieces.first(where: { !$0.isEmpty && !Self.methods.contains($0) }) {
                notes.append(
                    (
                        .method,
                        Message(.resultMethodNotListed, ["method": odd, "list": Self.methodsInOrder.joined(separator: "、")])
                    ))
            }
        }
        if let date = record.inspectedOn, let round = schedules[record.taskSeq]?.round(record.round),
            let start = round.start.civilDate, let end = round.end.civilDate, date < start || date > end
        {
            notes.append(
                (
                    .inspectedOn,
                    Message(
                        .resultDateOutsideRound,
                        [
                            "date": "\(date)", "seq": "\(record.taskSeq)", "round": "\(record.round)", "start": "\(round.start)",
                            "end": "\(round.end)",
                        ])
                ))
        }
        return notes
    }

    /// Validates one row given in `ResultField.allCases` order (nil = column absent); what an
    /// accepted row leaves unset is added to `warnings`.
    public mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<InspectionResult, RowRejection> {
        func text(_ field: ResultField) -> String? {
            guard field.index < values.count, let raw = values[field.index] else { return nil }
            let trimmed = raw.trimmingWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
        func reject(_ field: ResultField?, _ key: MessageKey, _ values: [String: String] = [:]) -> Result<InspectionResult, RowRejection> {
            .failure(RowRejection(fieldName: field?.rawValue, Message(key, values)))
        }
        if let rejection = RowRejection.controlCharacter(in: values, fields: ResultField.allCases.map(\.rawValue)) {
            return .failure(rejection)
        }
        var withdraws = false
        if let action = text(.action) {
            guard Self.withdrawWords.contains(action.lowercased()) || action == "录入" || action.lowercased() == "result" else {
                return reject(
                    .action, .resultAction, ["action": action])
            }
            withdraws = Self.withdrawWords.contains(action.lowercased())
        }
        guard let taskText = text(.task) else { return .failure(.empty(ResultField.task.rawValue)) }
        guard let uscc = text(.uscc) else { return .failure(.empty(ResultField.uscc.rawValue)) }

        // The task: a 序号, or a task id naming this plan's region and year.
        let seq: Int
        var roundFromID: Int?
        if let number = Int(PlanCellParser.normalizeWidth(taskText)) {
            seq = number
        } else {
            switch Self.parseTaskID(taskText) {
            case .none:
                return reject(.task, .resultTaskUnknownForm, ["task": taskText, "example": "\(plan.region)\(plan.year)P017R01"])
            case let .some(id):
                guard id.region == plan.region, id.year == plan.year else {
                    return reject(
                        .task, .resultTaskOtherPlan,
                        ["task": taskText, "idRegion": id.region, "idYear": "\(id.year)", "year": "\(plan.year)", "region": plan.region])
                }
                seq = id.seq
                roundFromID = id.round
            }
        }
        guard let task = tasks[seq], let groupKey = groupOfTask[seq] else {
            return reject(.task, .resultTaskNotInPlan, ["seq": "\(seq)", "year": "\(plan.year)", "region": plan.region])
        }

        // The round.
        let schedule = schedules[task.seq] ?? RoundSchedule(task: task, year: plan.year)
        var round: Int
        if let roundText = text(.round) {
            guard
                let number = Int(
                    PlanCellParser.normalizeWidth(roundText).replacing("第", with: "").replacing("轮", with: "").replacing("次", with: ""))
            else {
                return reject(.round, .resultRoundNotNumber, ["round": roundText])
            }
            if let roundFromID, roundFromID != number {
                return reject(.round, .resultRoundContradicts, ["round": "\(number)", "task": taskText, "idRound": "\(roundFromID)"])
            }
            round = number
        } else if let roundFromID {
            round = roundFromID
        } else if schedule.rounds.count == 1 {
            round = 1
        } else {
            return reject(.round, .resultRoundEmpty, ["seq": "\(seq)", "rounds": "\(schedule.rounds.count)", "year": "\(plan.year)"])
        }
        guard schedule.round(round) != nil else {
            let count = schedule.rounds.count
            return reject(
                .round, .resultNoSuchRound,
                [
                    "seq": "\(seq)", "round": "\(round)", "count": "\(count)", "year": "\(plan.year)",
                    "list": schedule.rounds.map(\.description).joined(separator: ", "),
                ])
        }

        // The object: drawn for this task's group and round.
        guard let objects = drawn.drawn(group: groupKey, round: round) else {
            return reject(
                .uscc, .resultRoundNotDrawn, ["seq": "\(seq)", "round": "\(round)", "group": groupKey])
        }
        guard objects.contains(uscc) else {
            return reject(
                .uscc, .resultNotDrawn, ["uscc": uscc, "seq": "\(seq)", "round": "\(round)", "group": groupKey])
        }
        let key = "\(seq)|\(round)|\(uscc)"
        if let first = firstLine[key] {
            return reject(.uscc, .resultRepeated, ["uscc": uscc, "seq": "\(seq)", "round": "\(round)", "line": "\(first)"])
        }

        // The date and the results (a withdrawal may leave them empty).
        // The date is required of a result; a withdrawal may leave it out, so there it is optional.
        var inspectedOn: CivilDate?
        var unreadable: RowWarning?
        if let raw = text(.inspectedOn) {
            if let date = DateText.parse(raw) {
                inspectedOn = date
            } else if withdraws {
                unreadable = .unreadableDate(ResultField.inspectedOn.rawValue, raw)
            } else {
                return reject(.inspectedOn, .resultDateNotDate, ["value": raw, "forms": DateText.acceptedForms])
            }
        } else if !withdraws {
            return .failure(.empty(ResultField.inspectedOn.rawValue))
        }
        var codes: [ResultCode] = []
        if let cell = text(.results) {
            do {
                codes = try ResultCode.parseCell(cell)
            } catch {
                return .failure(
                    RowRejection(
                        fieldName: ResultField.results.rawValue, error.text))
            }
        } else if !withdraws {
            return reject(.results, .resultResultsEmpty)
        }
        firstLine[key] = line
        if let unreadable { warnings.append(unreadable) }
        return .success(
            InspectionResult(
                taskSeq: seq, round: round, uscc: uscc, inspectedOn: inspectedOn, codes: codes, method: text(.method),
                followUp: text(.followUp), remarks: text(.remarks), withdraws: withdraws))
    }

    /// The parts of a task id `<region:6><year:4>P<seq:3>[R<round:2>]`, or nil.
    public static func parseTaskID(_ text: String) -> (region: String, year: Int, seq: Int, round: Int?)? {
        let bytes = Array(PlanCellParser.normalizeWidth(text).uppercased().utf8)
        let isDigit = { (byte: UInt8) in byte >= 0x30 && byte <= 0x39 }
        guard bytes.count == 14 || bytes.count == 17, bytes[10] == UInt8(ascii: "P"),
            bytes[0..<10].allSatisfy(isDigit), bytes[11..<14].allSatisfy(isDigit)
        else { return nil }
        func number(_ slice: ArraySlice<UInt8>) -> Int? { Int(String(decoding: slice, as: UTF8.self)) }
        guard let year = number(bytes[6..<10]), let seq = number(bytes[11..<14]) else { return nil }
        var round: Int?
        if bytes.count == 17 {
            guard bytes[14] == UInt8(ascii: "R"), bytes[15..<17].allSatisfy(isDigit), let value = number(bytes[15..<17]) else { return nil }
            round = value
        }
        return (String(decoding: bytes[0..<6], as: UTF8.self), year, seq, round)
    }
}

extension PlanDate {
    /// The same day as a `CivilDate`.
    public var civilDate: CivilDate? { CivilDate(year: year, month: month, day: day) }
}
