// One task's values from its rows: the cells read by the grammar (PlanCellGrammar.swift), merged
// over the task's own row and its continuation rows, and every part that is not understood turned
// into a question for review. Never a guess: a question leaves the value unset (or as the plan's
// first reading) and the draw skips the task until the overrides decide it.

/// What a question for review is about; an override of that kind settles it.
public enum ReviewTopic: String, Sendable, Hashable, CaseIterable {
    /// The ratio, count or class ratios.
    case quantity
    /// The frequency.
    case frequency
    /// The window of months.
    case window
    /// The object scopes.
    case scopes
    /// The initiating department.
    case initiator
}

/// A question the reader leaves for a person.
public struct ReviewQuestion: Sendable, Hashable {
    /// What it is about.
    public var topic: ReviewTopic
    /// The canonical column it concerns, if one.
    public var column: String?
    /// The line of the file.
    public var line: Int
    /// The question, in words a person can act on.
    public var text: Message
    /// ``text`` in English (as the stored task keeps it).
    public var message: String { text.english }
}

struct PlanTaskResolver {
    let layout: PlanTableLayout
    let rows: PlanRowAssembler.TaskRows

    /// A cell read by the grammar.
    struct Read {
        var column: String
        var line: Int
        var raw: String
        var reading: CellReading
        /// The scope cell of the row it is in, for the parts of a task spread over several rows.
        var rowScope: String?
    }

    static let quantityColumns: [(String, PlanCellRole)] = [
        ("ratioAndFrequency", .ratioAndFrequency), ("ratio", .ratio), ("count", .count), ("estimatedCount", .estimatedCount),
        ("frequency", .frequency), ("riskRequirement", .riskRequirement), ("window", .other), ("remarks", .other),
    ]

    func resolve(diagnostics: inout DiagnosticCollector) -> (PlanTask, [ReviewQuestion]) {
        let seq = rows.seq
        let line = rows.row.line
        let cells = rows.filled
        var questions: [ReviewQuestion] = []
        var notes = rows.notes
        func ask(_ topic: ReviewTopic, _ column: String?, _ text: Message, line: Int = line) {
            questions.append(ReviewQuestion(topic: topic, column: column, line: line, text: text))
        }
        func note(_ text: Message, _ column: String? = nil, line: Int = line) {
            notes.append(text.english)
            diagnostics.emit(
                Diagnostic(
                    .note, Message(.planTaskNote, ["seq": "\(seq)"], parts: ["text": text]), at: layout.location(column, line: line)))
        }
        func cleaned(_ column: String, in row: [String: String]) -> String { PlanCellParser.clean(row[column] ?? "") }
        let label = layout.label

        // Matters, scopes and the name.
        var matters = PlanCellParser.matters(cells["matters"] ?? "")
        var scopes = PlanCellParser.scopes(cells["scopes"] ?? "")
        for row in rows.continuation {
            note(Message(.planNoteContinues, ["line": "\(row.line)", "column": label("seq")]))
            for matter in PlanCellParser.matters(row["matters"] ?? "") where !matters.contains(matter) { matters.append(matter) }
            for scope in PlanCellParser.scopes(row["scopes"] ?? "") where !scopes.contains(scope) { scopes.append(scope) }
        }
        var name = (cells["name"] ?? "").trimmingWhitespace()
        if name.isEmpty {
            let why =
                layout.has("name") ? Message(.planNoteNameCellEmpty, ["column": label("name")]) : Message(.planNoteNoNameColumn)
            if let matter = matters.first {
                name = matter
                note(Message(.planNoteNameFrom, ["column": label("matters")], parts: ["why": why]), "name")
            } else if !scopes.isEmpty {
                name = scopes.joined(separator: "、")
                note(Message(.planNoteNameFrom, ["column": label("scopes")], parts: ["why": why]), "name")
            }
        }
        if !layout.has("scopes") {
            ask(.scopes, nil, Message(.planQuestionNoScopeColumn))
        } else if scopes.isEmpty {
            ask(.scopes, "scopes", Message(.planQuestionNoScope))
        }

        // Quantities: every quantity cell of the task's rows, read by the grammar.
        var reads: [Read] = []
        let hasPartRows = rows.continuation.contains { row in
            ["ratioAndFrequency", "ratio", "count", "estimatedCount"].contains { !row.isBlank($0) }
        }
        for (index, row) in ([rows.row] + rows.continuation).enumerated() {
            let rowCells = index == 0 ? cells : row.cells
            for (column, role) in Self.quantityColumns {
                guard let raw = rowCells[column], !raw.trimmingWhitespace().isEmpty else { continue }
                if index > 0, column == "riskRequirement" || column == "window" { continue }
                let scope = hasPartRows ? PlanCellParser.clean(rowCells["scopes"] ?? "") : ""
                reads.append(
                    Read(
                        column: column, line: row.line, raw: raw, reading: PlanCellGrammar.read(raw, role: role),
                        rowScope: scope.isEmpty ? nil : scope))
            }
        }
        for read in reads {
            for error in read.reading.errorTexts {
                diagnostics.emit(
                    Diagnostic(
                        .error, Message(.planTaskLeftUnset, ["seq": "\(seq)"], parts: ["text": error]),
                        at: layout.location(read.column, line: read.line)))
                ask(.quantity, read.column, error, line: read.line)
            }
            for problem in read.reading.problemTexts {
                ask(read.column == "frequency" ? .frequency : .quantity, read.column, problem, line: read.line)
            }
        }
        let quantityReads = reads.filter { ["ratioAndFrequency", "ratio", "count", "estimatedCount"].contains($0.column) }
        var segments: [RatioSegment] = []
        var segmentRaw: [String] = []
        for read in quantityReads where read.column == "ratio" || read.column == "ratioAndFrequency" {
            for (index, var segment) in read.reading.segments.enumerated() {
                if segment.scope == nil { segment.scope = read.rowScope }
                segments.append(segment)
                segmentRaw.append(read.reading.segmentTexts.indices.contains(index) ? read.reading.segmentTexts[index] : read.raw)
            }
        }
        let exempt = reads.contains { $0.reading.exempt }
        let ratioColumn = ["ratioAndFrequency", "ratio", "count", "estimatedCount"].first { layout.has($0) }
        var ratio = SamplingRatio(exemptFromRiskClasses: exempt, raw: cells[ratioColumn ?? ""] ?? "")
        let bounds = segments.compactMap(\.ratio).reduce(into: [RatioBound]()) { out, b in if !out.contains(b) { out.append(b) } }
        if bounds.count > 1 {
            let parts = zip(segments, segmentRaw).filter { $0.0.ratio != nil }.map { Message(.quoted, ["text": $0.1]) }
            ask(
                .quantity, ratioColumn,
                Message(.planQuestionDifferentRatios, parts: ["parts": Message.list(parts, .listComma) ?? Message(verbatim: "")]))
        } else if let bound = bounds.first, let index = segments.firstIndex(where: { $0.ratio != nil }) {
            // A ratio from a cell read only in part is not used: the part not read may change it.
            let partial = questions.contains { $0.topic == .quantity && ($0.column == "ratio" || $0.column == "ratioAndFrequency") }
            if partial {
                ratio.max = nil
            } else if let min = bound.min {
                ratio.min = min
                ratio.max = bound.max
                ratio.raw = segments.count == 1 ? segmentRaw[index] : ratio.raw
            } else {
                ratio.max = bound.max
                ask(.quantity, ratioColumn, Message(.planCellUpperBoundOnly, ["text": segmentRaw[index]]))
            }
        }

        // Counts: a firm one is a floor for the draw; an indicative one is kept with its note.
        let found = quantityReads.flatMap(\.reading.counts)
        let firm = found.filter { !$0.indicative }.map(\.value).reduce(into: [Int]()) { out, v in if !out.contains(v) { out.append(v) } }
        var count = TaskCount.none
        if firm.count > 1 {
            ask(
                .quantity, ratioColumn,
                Message(.planQuestionDifferentCounts, ["counts": firm.map(String.init).joined(separator: ", ")]))
        } else if let value = firm.first {
            count = TaskCount(value: value)
            ratio.count = value
        } else if let guide = found.first(where: \.indicative) {
            count = TaskCount(value: guide.value, indicative: true, note: guide.note)
            note(
                guide.note.map { Message(.planNoteCountGuideNoted, ["count": "\(guide.value)", "note": $0]) }
                    ?? Message(.planNoteCountGuide, ["count": "\(guide.value)"]), "count")
        }

        // Class ratios written in the plan.
        var byClass: [RiskClass: Double] = [:]
        for read in reads {
            for (c, value) in read.reading.classRatios {
                if let other = byClass[c], other != value {
                    ask(.quantity, read.column, Message(.planQuestionClassTwoRatios, ["class": c.rawValue]), line: read.line)
                }
                byClass[c] = value
            }
        }
        var classRatios: ClassRatios?
        if let a = byClass[.A], let b = byClass[.B], let c = byClass[.C], let d = byClass[.D] {
            classRatios = ClassRatios(a: a, b: b, c: c, d: d)
        } else if !byClass.isEmpty {
            let given = RiskClass.allCases.filter { byClass[$0] != nil }.map(\.rawValue).joined(separator: ", ")
            ask(.quantity, nil, Message(.planQuestionClassesPartial, ["classes": given]))
        }
        if ratio.min == nil, ratio.count == nil, classRatios == nil, !questions.contains(where: { $0.topic == .quantity }) {
            if ratioColumn == nil {
                ask(.quantity, nil, Message(.planQuestionNoRatioColumn))
            } else if exempt {
                ask(.quantity, ratioColumn, Message(.planQuestionNoRatioIn, ["text": ratio.raw]))
            } else {
                ask(.quantity, ratioColumn, Message(.planQuestionNoRatio))
            }
        }

        // Frequency: from any column (a per-quarter frequency in the time column counts).
        var frequencies: [(Read, FoundFrequency)] = []
        for read in reads {
            for f in read.reading.frequencies where !frequencies.contains(where: { $0.1.perYear == f.perYear && $0.1.atLeast == f.atLeast })
            {
                frequencies.append((read, f))
            }
        }
        var frequency = InspectionFrequency(perYear: nil, raw: "")
        if frequencies.count > 1 {
            let items = frequencies.map { Message(.planQuestionFrequencyIn, ["text": $0.1.text, "column": label($0.0.column)]) }
            ask(
                .frequency, frequencies.first?.0.column,
                Message(.planQuestionDifferentFrequencies, parts: ["list": Message.list(items, .listComma) ?? Message(verbatim: "")]))
        } else if let (read, f) = frequencies.first {
            frequency = InspectionFrequency(perYear: f.perYear, atLeast: f.atLeast, raw: f.text)
            if !["frequency", "ratioAndFrequency"].contains(read.column) {
                note(Message(.planNoteFrequencyFrom, ["text": f.text, "column": label(read.column)]), read.column, line: read.line)
            }
            if reads.contains(where: \.reading.annualRatio), f.perYear > 1 {
                ask(
                    .quantity, ratioColumn,
                    Message(.planQuestionAnnualRatio, ["rounds": "\(f.perYear)"]))
            }
        } else {
            note(Message(.planNoteNoFrequency))
        }

        // Window.
        var window = TaskWindow(startMonth: nil, endMonth: nil, raw: cells["window"] ?? "")
        if let raw = cells["window"], !raw.trimmingWhitespace().isEmpty {
            let reading = PlanCellParser.windowReading(raw)
            let frequencyOnly = reads.contains { $0.column == "window" && !$0.reading.frequencies.isEmpty }
            if reading.problem != nil, frequencyOnly {
                window = TaskWindow(startMonth: 1, endMonth: 12, raw: raw)
                note(Message(.planNoteWindowIsFrequency, ["column": label("window")]), "window")
            } else if let problem = reading.problemText {
                ask(.window, "window", problem)
            } else {
                window = reading.window
            }
            let others = Set(reading.years.filter { $0 != layout.year }).sorted()
            if !others.isEmpty {
                let years = others.map(String.init).joined(separator: ", ")
                ask(
                    .window, "window",
                    Message(.planQuestionOtherYear, ["text": PlanCellParser.clean(raw), "years": years, "year": "\(layout.year)"]))
            }
        } else {
            note(
                layout.has("window")
                    ? Message(.planNoteWindowEmpty, ["column": label("window")]) : Message(.planNoteNoWindowColumn))
        }
        for row in rows.continuation where !row.isBlank("window") && cleaned("window", in: row.cells) != cleaned("window", in: cells) {
            ask(
                .window, "window", Message(.planQuestionPartWindow, ["line": "\(row.line)", "text": cleaned("window", in: row.cells)]),
                line: row.line)
        }

        // Departments.
        let initiator = cleaned("initiator", in: cells)
        if !layout.has("initiator") {
            ask(.initiator, nil, Message(.planQuestionNoInitiatorColumn))
        } else if initiator.isEmpty {
            ask(.initiator, "initiator", Message(.planQuestionNoInitiator))
        }
        var cooperators = PlanCellParser.departments(cells["cooperators"] ?? "")
        for row in rows.continuation {
            let other = cleaned("initiator", in: row.cells)
            if !other.isEmpty, other != initiator {
                ask(
                    .initiator, "initiator", Message(.planQuestionPartInitiator, ["line": "\(row.line)", "text": other]),
                    line: row.line)
            }
            for c in PlanCellParser.departments(row["cooperators"] ?? "") where c != initiator && !cooperators.contains(c) {
                cooperators.append(c)
                note(Message(.planNoteCooperatorFrom, ["text": c, "line": "\(row.line)"]), "cooperators", line: row.line)
            }
        }

        let mode = cells["mode"].map { PlanCellParser.clean($0) }.flatMap { $0.isEmpty ? nil : $0 }
        func code(_ column: String) -> String? {
            guard let text = nonEmpty(cleaned(column, in: cells)) else { return nil }
            guard PlatformIdentity.isValidCode(text) else {
                diagnostics.emit(
                    Diagnostic(
                        .warning,
                        Message(.planNotPlatformCode, ["seq": "\(seq)", "text": text]),
                        at: layout.location(column, line: line)))
                return nil
            }
            return text
        }
        let platform = PlatformIdentity(
            planCode: code("planCode"), planName: nonEmpty(cleaned("planName", in: cells)), taskCode: code("taskCode"))
        var raw: [String: String] = [:]
        for column in layout.columns.keys { raw[column] = rows.row.cells[column] ?? "" }
        let task = PlanTask(
            seq: seq, name: name, matters: matters, scopes: scopes, ratio: ratio, frequency: frequency, window: window,
            initiator: initiator, cooperators: cooperators.filter { $0 != initiator || initiator.isEmpty }, mode: mode,
            inspectionType: cells["inspectionType"].map { PlanCellParser.clean($0) },
            riskRequirement: cells["riskRequirement"].map { $0.trimmingWhitespace() }, area: cells["area"].map { PlanCellParser.clean($0) },
            raw: raw, line: line, count: count, classRatios: classRatios, segments: segments, notes: notes,
            platform: platform.isEmpty ? nil : platform)
        return (task, questions)
    }

    private func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
