// The task sheets a draw leaves each department: which businesses its inspectors visit, for which
// tasks and matters, who goes, in which window, and by when the results must be published. One
// sheet per department, in the workbook `suiji draw list --xlsx FILE` writes.
//
// Read from what the draw stored (the current ledger entry of each group and round, with its
// teams), the plan (tasks, matters, windows), the current registers (name and address of each
// object) and inspector registers (each inspector's name), and the working-day calendar (the
// publication deadline: the round's end plus 20 working days). A department's sheet lists every
// object drawn for a group whose tasks it initiates or cooperates in, with its own inspectors.

internal import Foundation
public import Pipeline

/// One drawn object on a department's task sheet.
public struct TaskSheetRow: Sendable, Hashable, Codable {
    /// The draw group and round.
    public var group: String
    /// The round.
    public var round: Int
    /// 任务: each of the department's tasks in the group as `抽查任务编号 任务名称`, joined by `；`.
    public var tasks: String
    /// 检查事项: the matters of those tasks, joined by `；`.
    public var matters: String
    /// 名称.
    public var name: String
    /// 统一社会信用代码.
    public var uscc: String
    /// 住所.
    public var address: String
    /// 检查人员: the department's inspectors on the team, by name, joined by `、`.
    public var inspectors: String
    /// 执法证号, in the same order.
    public var inspectorIDs: String
    /// 检查起止日期: the round's window.
    public var window: String
    /// 结果公示截止日期: the last day on which publishing the results is on time.
    public var deadline: String

    /// The cells in the order of `DrawTaskSheets.headers`.
    public var cells: [String] { [tasks, matters, name, uscc, address, inspectors, inspectorIDs, window, deadline] }
}

/// One department's sheet.
public struct DepartmentTaskSheet: Sendable, Hashable, Codable {
    /// The department.
    public var department: String
    /// Its objects, by group, round and drawing order.
    public var rows: [TaskSheetRow]
}

/// Builds and writes the departments' task sheets of the current draws.
public enum DrawTaskSheets {
    /// The header row of every sheet.
    public static let headers = ["任务", "检查事项", "名称", "统一社会信用代码", "住所", "检查人员", "执法证号", "检查起止日期", "结果公示截止日期"]

    /// The sheets of every department with a drawn object, for every current draw (or only `group`,
    /// only `round`), departments in the order of the plan's groups.
    public static func build(
        draw: DrawStore, plan: AnnualPlan, planID: Int64, group: String? = nil, round: Int? = nil, calendar: WorkingDayCalendar
    ) throws -> [DepartmentTaskSheet] {
        let groups = Dictionary(DrawGroups.form(plan).map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        // Names and addresses as every other output gives them (RegisteredNames' rule, in the same
        // pass over the registers as the assignments' names), inspectors' names as `draw show` does.
        // Only the chosen group's and round's objects are named (one pass either way, over fewer rows).
        let only: ((ObjectAssignment) -> Bool)? =
            group == nil && round == nil ? nil : { (group == nil || $0.group == group) && (round == nil || $0.round == round) }
        let (assignments, entities) = try draw.located(plan: plan, planID: planID, only: only)
        var order: [String] = []
        var sheets: [String: [TaskSheetRow]] = [:]
        // What every object of a round shares, made once a round (and department), not once an object.
        struct Shared {
            var departments: [String]
            var window: String
            var deadline: String
            var tasks: [String: (tasks: String, matters: String)]
        }
        var shared: [String: Shared] = [:]
        for assignment in assignments {
            let key = "\(assignment.group)|\(assignment.round)"
            if shared[key] == nil {
                guard let drawGroup = groups[assignment.group], let drawRound = drawGroup.schedule.round(assignment.round) else { continue }
                let deadline: String
                if let end = drawRound.end.civilDate, let due = try? PublicationDeadline(roundEnd: end, calendar: calendar).due {
                    deadline = due.description
                } else {
                    deadline = ""
                }
                let departments = [drawGroup.initiator] + drawGroup.cooperators
                var tasksOf: [String: (tasks: String, matters: String)] = [:]
                for department in departments {
                    let tasks = drawGroup.tasks.filter { $0.initiator == department || $0.cooperators.contains(department) }
                    let taskText = tasks.map { task in
                        let id =
                            (try? PublicationIdentifier.task(
                                region: plan.region, year: plan.year, taskSeq: task.seq, round: assignment.round))
                            ?? "\(task.seq)"
                        return "\(id) \(task.name)"
                    }
                    tasksOf[department] = (taskText.joined(separator: "；"), tasks.flatMap(\.matters).joined(separator: "；"))
                }
                shared[key] = Shared(
                    departments: departments, window: "\(drawRound.start) 至 \(drawRound.end)", deadline: deadline, tasks: tasksOf)
            }
            guard let common = shared[key] else { continue }
            let entity = entities[assignment.uscc]
            for department in common.departments {
                let team = assignment.inspectors.filter { $0.department == department }
                let tasks = common.tasks[department] ?? ("", "")
                if sheets[department] == nil { order.append(department) }
                sheets[department, default: []].append(
                    TaskSheetRow(
                        group: assignment.group, round: assignment.round, tasks: tasks.tasks, matters: tasks.matters,
                        name: entity?.name ?? "", uscc: assignment.uscc, address: entity?.address ?? "",
                        inspectors: team.map { $0.name ?? "" }.joined(separator: "、"), inspectorIDs: team.map(\.id).joined(separator: "、"),
                        window: common.window, deadline: common.deadline))
            }
        }
        return order.map { DepartmentTaskSheet(department: $0, rows: sheets[$0] ?? []) }
    }

    /// Writes the sheets as one workbook at `path` (written whole, then renamed into place).
    public static func write(_ sheets: [DepartmentTaskSheet], to path: String) throws {
        let writer = try XLSXWorkbookWriter(path: path)
        do {
            for sheet in sheets {
                try writer.addSheet(sheet.department, header: headers)
                for row in sheet.rows { try writer.appendRow(row.cells) }
            }
            try writer.commit()
        } catch {
            writer.discard()
            throw error
        }
    }
}
