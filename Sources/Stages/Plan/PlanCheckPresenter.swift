public import Pipeline

// `suiji plan check FILE`: every task's cells as written, each beside what suiji read from it,
// and every cell a person must decide marked `✗` with the question. Questions that concern no
// single cell (a column the plan lacks) are listed under the task.

/// Renders the check of a plan file.
public enum PlanCheckPresenter {
    /// The report in the language of `words`; `diagnostics` are the reader's (their columns place the
    /// questions, and they carry the notes and questions as catalogue texts).
    public static func render(_ table: PlanTable, diagnostics: [Diagnostic], in words: MessageCatalogue = MessageCatalogue(.en)) -> String {
        let plan = table.plan
        let layout = table.layout
        let byIndex = Dictionary(layout.columns.map { ($0.value, $0.key) }, uniquingKeysWith: { a, _ in a })
        let order = layout.columns.values.sorted()
        let review = plan.tasks.filter(\.needsReview)
        var out =
            words(
                .planCheckTitle,
                [
                    "year": "\(plan.year)", "region": plan.region, "file": layout.file, "count": "\(plan.tasks.count)",
                    "review": "\(review.count)",
                ]) + "\n"
        func about(_ task: PlanTask, _ key: MessageKey, _ severity: Severity) -> [Diagnostic] {
            diagnostics.filter { $0.severity == severity && $0.text.key == key && $0.text.values["seq"] == "\(task.seq)" }
        }
        func said(_ diagnostic: Diagnostic) -> String { diagnostic.text.parts["text"].map { words($0) } ?? words(diagnostic.text) }
        for task in plan.tasks {
            let heading = words(task.needsReview ? .planCheckTaskReview : .planCheckTask, ["seq": "\(task.seq)", "line": "\(task.line)"])
            out += "\n\(heading)\n"
            let questions = about(task, .planTaskNeedsReview, .warning)
            var placed: Set<Int> = []
            for index in order {
                guard let column = byIndex[index] else { continue }
                let raw = PlanReader.oneLine(task.raw[column] ?? "")
                let mine = questions.enumerated().filter { $0.element.location?.column == index + 1 }
                placed.formUnion(mine.map(\.offset))
                let mark = mine.isEmpty ? "  " : "✗ "
                out += "  \(mark)\(layout.label(column)): \(raw.isEmpty ? words(.planCheckBlank) : raw)\n"
                if let value = parsed(column, task, words), value != raw { out += "      → \(value)\n" }
                for (_, question) in mine { out += "      ✗ \(said(question))\n" }
            }
            for (offset, question) in questions.enumerated() where !placed.contains(offset) {
                out += "  ✗ \(said(question))\n"
            }
            for note in about(task, .planTaskNote, .note) { out += "  " + words(.planCheckNote, ["text": said(note)]) + "\n" }
        }
        out +=
            "\n"
            + (review.isEmpty
                ? words(.planCheckAllRead)
                : words(.planCheckReview, ["count": "\(review.count)", "tasks": review.map { String($0.seq) }.joined(separator: ", ")]))
            + "\n"
        return out
    }

    /// What suiji read from a column of a task, or nil when the column is shown as written.
    static func parsed(_ column: String, _ task: PlanTask, _ words: MessageCatalogue) -> String? {
        func several(_ items: [String], _ key: MessageKey, none: MessageKey) -> String {
            items.count > 1 ? words(key, ["list": items.joined(separator: " | ")]) : items.first ?? words(none)
        }
        switch column {
        case "ratioAndFrequency": return joined([quantity(task, words), frequency(task, words)], words)
        case "ratio": return quantity(task, words)
        case "count", "estimatedCount": return count(task, words)
        case "frequency": return frequency(task, words)
        case "window":
            guard let s = task.window.startMonth, let e = task.window.endMonth else { return words(.planValueWindowUnset) }
            return words(.planValueMonths, ["start": "\(s)", "end": "\(e)"])
        case "name": return task.name
        case "matters": return several(task.matters, .planValueMatters, none: .planValueNoMatter)
        case "scopes": return several(task.scopes, .planValueScopes, none: .planValueNoScope)
        case "initiator": return task.initiator.isEmpty ? words(.planValueNoInitiator) : task.initiator
        case "cooperators": return several(task.cooperators, .planValueCooperators, none: .planValueNoCooperator)
        case "mode": return task.modes.count > 1 ? words(.planValueModes, ["list": task.modes.joined(separator: " | ")]) : task.modes.first
        case "riskRequirement":
            return task.ratio.exemptFromRiskClasses
                ? words(.planValueExempt) : task.classRatios == nil ? nil : quantity(task, words)
        default: return nil
        }
    }

    static func quantity(_ task: PlanTask, _ words: MessageCatalogue) -> String {
        var parts: [String] = []
        if let min = task.ratio.min {
            let low = PlanPresenter.percent(min)
            parts.append(
                task.ratio.max.map { words(.planValueRatioRange, ["min": low, "max": PlanPresenter.percent($0)]) }
                    ?? words(.planValueRatio, ["min": low]))
        } else {
            parts.append(words(.planValueRatioUnset))
        }
        if task.count.value != nil { parts.append(count(task, words)) }
        if let c = task.classRatios {
            parts.append(
                words(
                    .planValueClassRatios,
                    [
                        "a": PlanPresenter.percent(c.a), "b": PlanPresenter.percent(c.b), "c": PlanPresenter.percent(c.c),
                        "d": PlanPresenter.percent(c.d),
                    ]))
        }
        if task.segments.count > 1 || task.segments.contains(where: { $0.scope != nil }) {
            let list = task.segments.map { segment in
                let ratio = segment.ratio.map { b in
                    b.min.map { "≥" + PlanPresenter.percent($0) } ?? b.max.map { "≤" + PlanPresenter.percent($0) } ?? "?"
                }
                return [segment.scope, ratio, segment.count.map { "\($0)户" }].compactMap { $0 }.joined(separator: " ")
            }
            parts.append(words(.planValueParts, ["list": list.joined(separator: " / ")]))
        }
        return joined(parts, words)
    }

    /// `items` joined by the language's semicolon.
    static func joined(_ items: [String], _ words: MessageCatalogue) -> String {
        Message.list(items.map { Message(verbatim: $0) }).map { words($0) } ?? ""
    }

    static func count(_ task: PlanTask, _ words: MessageCatalogue) -> String {
        guard let value = task.count.value else { return words(.planValueCountUnset) }
        guard task.count.indicative else { return words(.planValueCount, ["count": "\(value)"]) }
        return task.count.note.map { words(.planValueCountGuideNoted, ["count": "\(value)", "note": $0]) }
            ?? words(.planValueCountGuide, ["count": "\(value)"])
    }

    static func frequency(_ task: PlanTask, _ words: MessageCatalogue) -> String {
        guard let n = task.frequency.perYear else { return words(.planValueFrequencyUnset) }
        return words(task.frequency.atLeast ? .planValueFrequencyAtLeast : .planValueFrequencyExactly, ["count": "\(n)"])
    }
}
