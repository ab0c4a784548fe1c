internal import Foundation
public import Pipeline

/// Renders a plan for `suiji plan show`: a readable table, or JSON.
public enum PlanPresenter {
    /// The plan as a text table; a task that needs review is marked `!` beside its number.
    public static func table(_ plan: AnnualPlan, in words: MessageCatalogue = MessageCatalogue(.en)) -> String {
        var table = TextTable(headers: words(.planShowHeaders).split(separator: "|").map(String.init))
        for task in plan.tasks {
            let window = task.window.startMonth.flatMap { s in task.window.endMonth.map { "\(s)–\($0)" } } ?? "?"
            let frequency = task.frequency.perYear.map { (task.frequency.atLeast ? "≥" : "") + String($0) } ?? "?"
            table.rows.append([
                String(task.seq) + (task.needsReview ? "!" : ""), TextTable.truncate(task.name, to: 36), ratioText(task), frequency, window,
                task.initiator, task.cooperators.joined(separator: "、"), TextTable.truncate(task.scopes.joined(separator: " | "), to: 30),
            ])
        }
        let review = plan.tasks.filter(\.needsReview).map { String($0.seq) }
        let footer = review.isEmpty ? "" : words(.planShowReview, ["tasks": review.joined(separator: ", ")]) + "\n"
        let title = words(.planShowTitle, ["year": "\(plan.year)", "region": plan.region, "count": "\(plan.tasks.count)"])
        return title + "\n" + table.render() + footer
    }

    /// The short form of a task's ratio: `≥5%`, `≥10%–20%`, `20户`, `A2% B5% C10% D20%`, `?`.
    static func ratioText(_ task: PlanTask) -> String {
        var parts: [String] = []
        if let min = task.ratio.min { parts.append("≥" + percent(min) + (task.ratio.max.map { "–" + percent($0) } ?? "")) }
        if let value = task.count.value { parts.append("\(value)户" + (task.count.indicative ? "(约)" : "")) }
        if let c = task.classRatios { parts.append("A\(percent(c.a)) B\(percent(c.b)) C\(percent(c.c)) D\(percent(c.d))") }
        return parts.isEmpty ? "?" : parts.joined(separator: " ")
    }

    static func percent(_ fraction: Double) -> String {
        let value = (fraction * 1000).rounded() / 10
        return value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }

    /// The plan as `plan show --json` prints it (``JSONOutput``, kind `plan`: keys sorted, no final newline).
    public static func json(_ plan: AnnualPlan) throws -> String {
        try JSONOutput.text(plan, kind: "plan")
    }
}
