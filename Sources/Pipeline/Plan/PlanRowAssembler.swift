// From the rows of a plan table to tasks: the rules for merged cells.
//
// Plans are exported from spreadsheets whose cells are merged: a value written once for several
// rows arrives as the value and blanks below it. Two cases, both noted, never silent:
// - Fill-down. In a row WITH a 序号, a blank cell of a column that plans merge (地市, 发起部门,
//   配合部门, the window, the mode, the risk-class rule, 抽查类型, 股室, the platform's plan code
//   and name) takes the value above it, with a note naming the task it came from. 配合部门 only
//   when 发起部门 is blank too (a task may have no cooperating department; it always has an
//   initiator). Ratios, counts, frequencies, scopes and matters are never filled down: a blank
//   there is a question.
// - Continuation. A row WITHOUT a 序号 (its 序号 cell merged with the row above) continues the task
//   above: its matters and scopes are added to the task, its ratio or count becomes a part of the
//   task's ratio with the row's scope, and a department, window or frequency that differs from the
//   task's is a question for review.
// A repeated 序号 rejects the file (two rows claiming one task cannot both be right, and dropping
// either would lose a task). Rows whose 序号 is 合计 or 总计 are totals and skipped.

/// A row of a plan table: its cells by canonical column name, as written.
public struct PlanRow: Sendable, Hashable {
    /// Cells by canonical column (`seq`, `name`, `ratioAndFrequency`, …), exactly as written.
    public var cells: [String: String]
    /// The physical line of the file on which the row starts.
    public var line: Int

    /// Creates a row.
    public init(cells: [String: String], line: Int) {
        self.cells = cells
        self.line = line
    }

    /// The cell of a column, nil when the plan has no such column.
    public subscript(column: String) -> String? { cells[column] }

    /// True when the column's cell is missing or only whitespace.
    func isBlank(_ column: String) -> Bool { (cells[column] ?? "").trimmingWhitespace().isEmpty }
}

/// The table a row belongs to: which columns it has and how they are headed.
public struct PlanTableLayout: Sendable, Hashable {
    /// The file name shown in diagnostics.
    public var file: String
    /// Canonical column → 0-based index in the row.
    public var columns: [String: Int]
    /// Canonical column → the header as written (for messages).
    public var headers: [String: String]
    /// The plan year (windows that name another year are questioned).
    public var year: Int
    /// The worksheet, for a plan read from a workbook (locations are then its cells).
    public var sheet: String?

    /// Creates a layout.
    public init(file: String, columns: [String: Int], headers: [String: String], year: Int, sheet: String? = nil) {
        self.file = file
        self.sheet = sheet
        self.columns = columns
        self.headers = headers
        self.year = year
    }

    /// True when the plan has the column.
    public func has(_ column: String) -> Bool { columns[column] != nil }

    /// The header of a column as the plan writes it, else a standard name.
    public func label(_ column: String) -> String {
        (headers[column]?.replacing(#/\s+/#, with: "")).flatMap { $0.isEmpty ? nil : $0 } ?? PlanRowAssembler.standardLabels[column]
            ?? column
    }

    /// Where a column of a line is.
    public func location(_ column: String?, line: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column.flatMap { columns[$0] }.map { $0 + 1 }, sheet: sheet)
    }
}

/// A plan file that must be rejected as a whole, found while assembling its rows.
public struct PlanAssemblyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where.
    public var location: SourceLocation
    /// What happened and what to do.
    public var message: String

    /// `file:line:column: error: message`.
    public var description: String { "\(location): error: \(message)" }
}

/// Turns rows into tasks (rules at the top of PlanRowAssembler.swift).
public struct PlanRowAssembler: Sendable {
    /// The columns that plans merge over several rows, and so are filled down.
    public static let fillDownColumns = [
        "area", "initiator", "cooperators", "window", "mode", "riskRequirement", "inspectionType", "division", "planCode", "planName",
    ]
    /// The names used in messages for a column the plan does not head.
    public static let standardLabels: [String: String] = [
        "area": "地市", "seq": "序号", "name": "抽查任务名称", "matters": "抽查事项", "scopes": "抽查对象范围",
        "ratioAndFrequency": "抽查比例及频次", "ratio": "抽查比例", "frequency": "抽查频次", "count": "抽查户数",
        "estimatedCount": "预估抽查对象数", "riskRequirement": "信用风险分类要求", "window": "抽查检查起止时间", "initiator": "发起部门",
        "cooperators": "配合部门", "mode": "抽查检查模式", "inspectionType": "抽查类型", "division": "股室", "planCode": "抽查计划编号",
        "planName": "抽查计划名称", "taskCode": "抽查任务编号", "remarks": "备注",
    ]

    /// The table's layout.
    public let layout: PlanTableLayout
    /// The operator's decisions, if an overrides file is in force.
    public let overrides: PlanOverrides?
    /// The tasks finished so far, in file order.
    public private(set) var tasks: [PlanTask] = []

    private var current: TaskRows?
    private var lastFilled: [String: (value: String, seq: Int)] = [:]
    private var seenSeq: [Int: Int] = [:]

    /// The rows of one task: its own (after fill-down) and the continuation rows below it.
    struct TaskRows: Sendable {
        var seq: Int
        var row: PlanRow
        var filled: [String: String]
        var continuation: [PlanRow] = []
        var notes: [String] = []
    }

    /// Creates an assembler.
    public init(layout: PlanTableLayout, overrides: PlanOverrides? = nil) {
        self.layout = layout
        self.overrides = overrides
    }

    /// Takes one row: a task, a continuation of the task above, a total (skipped) or a bad row
    /// (reported and skipped). Throws when the file must be rejected (a repeated 序号).
    public mutating func add(_ row: PlanRow, diagnostics: inout DiagnosticCollector) throws(PlanAssemblyError) {
        let seqText = PlanCellParser.clean(row["seq"] ?? "")
        if seqText.hasPrefix("合计") || seqText.hasPrefix("总计") { return }
        if seqText.isEmpty {
            guard current != nil else {
                diagnostics.emit(
                    Diagnostic(
                        .error, Message(.planRowWithoutSeq),
                        at: layout.location("seq", line: row.line)))
                return
            }
            current?.continuation.append(row)
            return
        }
        guard let seq = Int(seqText.replacing(#/[.、]$/#, with: "")), seq > 0 else {
            diagnostics.emit(
                Diagnostic(
                    .error, Message(.planSeqNotInteger, ["seq": row["seq"] ?? ""]),
                    at: layout.location("seq", line: row.line)))
            return
        }
        if let first = seenSeq[seq] {
            throw PlanAssemblyError(
                location: layout.location("seq", line: row.line),
                message:
                    "task number \(seq) repeats the task on line \(first); the file is rejected (dropping either row would lose a task): give each task its own 序号"
            )
        }
        seenSeq[seq] = row.line
        finishCurrent(diagnostics: &diagnostics)
        var filled = row.cells
        var notes: [String] = []
        for column in Self.fillDownColumns where layout.has(column) {
            // A task may have no cooperating department, but never lacks an initiator: a blank
            // 配合部门 is a merged cell only when the 发起部门 beside it is blank too.
            let merged = column != "cooperators" || !layout.has("initiator") || row.isBlank("initiator")
            if merged, row.isBlank(column), let above = lastFilled[column] {
                filled[column] = above.value
                let note = Message(
                    .planNoteFilledDown,
                    ["column": layout.label(column), "text": PlanCellParser.clean(above.value), "seq": "\(above.seq)"])
                notes.append(note.english)
                diagnostics.emit(
                    Diagnostic(
                        .note, Message(.planTaskNote, ["seq": "\(seq)"], parts: ["text": note]), at: layout.location(column, line: row.line)
                    ))
            }
            if let value = filled[column], !value.trimmingWhitespace().isEmpty { lastFilled[column] = (value, seq) }
        }
        current = TaskRows(seq: seq, row: row, filled: filled, notes: notes)
    }

    /// Finishes the last task and checks the overrides against the plan; call once, after the last row.
    public mutating func finish(diagnostics: inout DiagnosticCollector) {
        finishCurrent(diagnostics: &diagnostics)
        guard let overrides else { return }
        let known = Set(tasks.map(\.seq))
        for (seq, override) in overrides.tasks.sorted(by: { $0.key < $1.key }) where !known.contains(seq) {
            diagnostics.emit(
                Diagnostic(
                    .error, Message(.planOverrideUnknownTask, ["seq": "\(seq)"]),
                    at: SourceLocation(file: overrides.file, line: override.line)))
        }
    }

    private mutating func finishCurrent(diagnostics: inout DiagnosticCollector) {
        guard let rows = current else { return }
        current = nil
        let resolver = PlanTaskResolver(layout: layout, rows: rows)
        var (task, questions) = resolver.resolve(diagnostics: &diagnostics)
        overrides?.apply(to: &task, questions: &questions, diagnostics: &diagnostics)
        task.review = questions.map(\.message)
        for question in questions {
            diagnostics.emit(
                Diagnostic(
                    .warning, Message(.planTaskNeedsReview, ["seq": "\(task.seq)"], parts: ["text": question.text]),
                    at: layout.location(question.column, line: question.line)))
        }
        tasks.append(task)
    }
}
