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
        let assignments = try draw.assignments(plan: plan, planID: planID).filter {
            (group == nil || $0.group == group) && (round == nil || $0.round == round)
        }
        let (entities, inspectors) = try draw.store.reading { sql in
            (
                try entityNames(sql, usccs: Set(assignments.map(\.uscc)), ledgerSeqs: Set(assignments.map(\.ledgerSeq)).sorted()),
                try inspectorNames(sql)
            )
        }
        var order: [String] = []
        var sheets: [String: [TaskSheetRow]] = [:]
        for assignment in assignments {
            guard let drawGroup = groups[assignment.group], let drawRound = drawGroup.schedule.round(assignment.round) else { continue }
            let deadline: String
            if let end = drawRound.end.civilDate, let due = try? PublicationDeadline(roundEnd: end, calendar: calendar).due {
                deadline = due.description
            } else {
                deadline = ""
            }
            let window = "\(drawRound.start) 至 \(drawRound.end)"
            for department in [drawGroup.initiator] + drawGroup.cooperators {
                let tasks = drawGroup.tasks.filter { $0.initiator == department || $0.cooperators.contains(department) }
                let taskText = tasks.map { task in
                    let id =
                        (try? PublicationIdentifier.task(region: plan.region, year: plan.year, taskSeq: task.seq, round: assignment.round))
                        ?? "\(task.seq)"
                    return "\(id) \(task.name)"
                }
                let team = assignment.inspectors.filter { $0.department == department }
                let entity = entities[assignment.uscc] ?? (name: "", address: "")
                if sheets[department] == nil { order.append(department) }
                sheets[department, default: []].append(
                    TaskSheetRow(
                        group: assignment.group, round: assignment.round, tasks: taskText.joined(separator: "；"),
                        matters: tasks.flatMap(\.matters).joined(separator: "；"), name: entity.name, uscc: assignment.uscc,
                        address: entity.address, inspectors: team.map { inspectors["\(department)|\($0.id)"] ?? "" }.joined(separator: "、"),
                        inspectorIDs: team.map(\.id).joined(separator: "、"), window: window, deadline: deadline))
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

    /// Name and address of each object, from a current register row (the first department's, by name, that has one).
    ///
    /// One pass over `register_rows` for the objects of the sheets' draws (`ledgerSeqs`): the table has
    /// no index that starts with the USCC, and a statement per 500 objects was a pass each.
    private static func entityNames(
        _ sql: any StageSQL, usccs: Set<String>, ledgerSeqs: [Int]
    ) throws -> [String: (name: String, address: String)] {
        guard !ledgerSeqs.isEmpty else { return [:] }
        var rows: [(department: String, id: Int64, row: SQLRow)] = []
        for row in try sql.rows(
            """
            SELECT r.uscc, r.name, r.address, d.name, r.id FROM register_rows r JOIN departments d ON d.id = r.department_id
            WHERE r.valid_to_import IS NULL
              AND r.uscc IN (\(RegisteredNames.objectsOfDraws(count: ledgerSeqs.count)))
            """, ledgerSeqs)
        where usccs.contains(try row.requiredText(0)) {
            rows.append((try row.requiredText(3), try row.requiredInteger(4), row))
        }
        // By department name in bytes (as SQLite's ORDER BY; a database's collation may differ), then row.
        rows.sort { a, b in a.department != b.department ? a.department.utf8.lexicographicallyPrecedes(b.department.utf8) : a.id < b.id }
        var found: [String: (name: String, address: String)] = [:]
        for (_, _, row) in rows {
            let uscc = try row.requiredText(0)
            if found[uscc] == nil { found[uscc] = (try row.requiredText(1), try row.text(2) ?? "") }
        }
        return found
    }

    /// Each current inspector's name, by `department|执法证号`.
    private static func inspectorNames(_ sql: any StageSQL) throws -> [String: String] {
        var names: [String: String] = [:]
        for row in try sql.rows(
            """
            SELECT d.name, i.inspector_id, i.name FROM inspector_rows i JOIN departments d ON d.id = i.department_id
            WHERE i.valid_to_import IS NULL
            """)
        {
            names["\(try row.requiredText(0))|\(try row.requiredText(1))"] = try row.requiredText(2)
        }
        return names
    }
}
