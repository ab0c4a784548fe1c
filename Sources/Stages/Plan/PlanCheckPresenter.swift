public import Pipeline

// `suiji plan check FILE`: every task's cells as written, each beside what suiji read from it,
// and every cell a person must decide marked `✗` with the question. Questions that concern no
// single cell (a column the plan lacks) are listed under the task.

/// Renders the check of a plan file.
public enum PlanCheckPresenter {
    /// The report; `diagnostics` are the reader's (their columns place the questions).
    public static func render(_ table: PlanTable, diagnostics: [Diagnostic]) -> String {
        let plan = table.plan
        let layout = table.layout
        let byIndex = Dictionary(layout.columns.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        let order = layout.columns.values.sorted()
        let review = plan.tasks.filter(\.needsReview)
        var out =
            "plan \(plan.year) \(plan.region) (\(layout.file)): \(Count.of(plan.tasks.count, "task")), \(Count.number(review.count)) need review\n"
        for task in plan.tasks {
            out += "\ntask \(task.seq) (line \(task.line))" + (task.needsReview ? " ✗ needs review" : "") + "\n"
            let questions = diagnostics.filter {
                $0.severity == .warning && $0.message.hasPrefix("task \(task.seq) needs review: ")
            }
            var placed: Set<Int> = []
            for index in order {
                guard let column = byIndex[index] else { continue }
                let raw = PlanReader.oneLine(task.raw[column] ?? "")
                let mine = questions.enumerated().filter { $0.element.location?.column == index + 1 }
                placed.formUnion(mine.map(\.offset))
                let mark = mine.isEmpty ? "  " : "✗ "
                out += "  \(mark)\(layout.label(column)): \(raw.isEmpty ? "(blank)" : raw)\n"
                if let value = parsed(column, task), value != raw { out += "      → \(value)\n" }
                for (_, question) in mine { out += "      ✗ \(question.message.dropFirst("task \(task.seq) needs review: ".count))\n" }
            }
            for (offset, question) in questions.enumerated() where !placed.contains(offset) {
                out += "  ✗ \(question.message.dropFirst("task \(task.seq) needs review: ".count))\n"
            }
            for note in task.notes { out += "  note: \(note)\n" }
        }
        out +=
            review.isEmpty
            ? "\nevery task was read in full\n"
            : "\n\(review.count) task(s) need review and will not be drawn: \(review.map { String($0.seq) }.joined(separator: ", ")); decide them in the overrides file named by [plan] overrides in suiji.toml\n"
        return out
    }

    /// What suiji read from a column of a task, or nil when the column is shown as written.
    static func parsed(_ column: String, _ task: PlanTask) -> String? {
        switch column {
        case "ratioAndFrequency": return [quantity(task), frequency(task)].joined(separator: "; ")
        case "ratio": return quantity(task)
        case "count", "estimatedCount": return count(task)
        case "frequency": return frequency(task)
        case "window":
            guard let s = task.window.startMonth, let e = task.window.endMonth else { return "window unset" }
            return "months \(s)–\(e)"
        case "name": return task.name
        case "matters":
            return task.matters.count > 1 ? "matters: " + task.matters.joined(separator: " | ") : task.matters.first ?? "no matter"
        case "scopes": return task.scopes.count > 1 ? "scopes: " + task.scopes.joined(separator: " | ") : task.scopes.first ?? "no scope"
        case "initiator": return task.initiator.isEmpty ? "no initiator" : task.initiator
        case "cooperators":
            return task.cooperators.count > 1
                ? "cooperators: " + task.cooperators.joined(separator: " | ") : task.cooperators.first ?? "none"
        case "mode": return task.modes.count > 1 ? "modes: " + task.modes.joined(separator: " | ") : task.modes.first
        case "riskRequirement":
            return task.ratio.exemptFromRiskClasses ? "outside credit-risk classification" : task.classRatios == nil ? nil : quantity(task)
        default: return nil
        }
    }

    static func quantity(_ task: PlanTask) -> String {
        var parts: [String] = []
        if let min = task.ratio.min {
            parts.append("ratio ≥" + PlanPresenter.percent(min) + (task.ratio.max.map { " at most " + PlanPresenter.percent($0) } ?? ""))
        } else {
            parts.append("ratio unset")
        }
        if task.count.value != nil { parts.append(count(task)) }
        if let c = task.classRatios {
            parts.append(
                "class ratios A \(PlanPresenter.percent(c.a)), B \(PlanPresenter.percent(c.b)), C \(PlanPresenter.percent(c.c)), D \(PlanPresenter.percent(c.d))"
            )
        }
        if task.segments.count > 1 || task.segments.contains(where: { $0.scope != nil }) {
            let list = task.segments.map { segment in
                let ratio = segment.ratio.map { b in
                    b.min.map { "≥" + PlanPresenter.percent($0) } ?? b.max.map { "≤" + PlanPresenter.percent($0) } ?? "?"
                }
                return [segment.scope, ratio, segment.count.map { "\($0)户" }].compactMap { $0 }.joined(separator: " ")
            }
            parts.append("parts: " + list.joined(separator: " / "))
        }
        return parts.joined(separator: "; ")
    }

    static func count(_ task: PlanTask) -> String {
        guard let value = task.count.value else { return "count unset" }
        return "count \(value)" + (task.count.indicative ? " (a guide" + (task.count.note.map { ": \($0)" } ?? "") + ")" : "")
    }

    static func frequency(_ task: PlanTask) -> String {
        guard let n = task.frequency.perYear else { return "frequency unset" }
        return "\(n)/year" + (task.frequency.atLeast ? " at least" : " exactly")
    }
}
