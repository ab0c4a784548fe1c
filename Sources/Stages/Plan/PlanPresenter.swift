internal import Foundation
public import Pipeline

/// Renders a plan for `suiji plan show`: a readable table, or JSON.
public enum PlanPresenter {
    /// The plan as a text table.
    public static func table(_ plan: AnnualPlan) -> String {
        var table = TextTable(headers: ["序号", "任务名称", "比例", "频次/年", "起止月", "发起部门", "配合部门", "对象范围"])
        for task in plan.tasks {
            let ratio: String
            if let count = task.ratio.count {
                ratio = "\(count)户"
            } else if let min = task.ratio.min {
                ratio = "≥" + percent(min) + (task.ratio.max.map { "–" + percent($0) } ?? "")
            } else {
                ratio = "?"
            }
            let window = task.window.startMonth.flatMap { s in task.window.endMonth.map { "\(s)–\($0)" } } ?? "?"
            table.rows.append([
                String(task.seq), TextTable.truncate(task.name, to: 36), ratio, task.frequency.perYear.map(String.init) ?? "?", window,
                task.initiator, task.cooperators.joined(separator: "、"), TextTable.truncate(task.scopes.joined(separator: " | "), to: 30),
            ])
        }
        return "plan \(plan.year) \(plan.region): \(plan.tasks.count) tasks\n" + table.render()
    }

    static func percent(_ fraction: Double) -> String {
        let value = (fraction * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }

    /// The plan as pretty-printed JSON (`{"region":…,"tasks":[…],"year":…}`, keys sorted, no final newline).
    public static func json(_ plan: AnnualPlan) throws -> String {
        String(try CanonicalJSON(encoding: plan).prettyText.dropLast())
    }
}
