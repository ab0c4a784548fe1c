internal import Foundation
public import Pipeline
internal import TOMLKit

// The plan overrides file named by `[plan] overrides` in suiji.toml (resolved against the
// configuration file's folder): the operator's decisions on tasks the plan leaves open. TOML, so
// that it can be commented:
//
//     year = 2024                 # optional: refuse the file for another plan year
//     region = "140981"           # optional: likewise for another region
//     plan_code = "…"             # optional: 抽查计划编号 on the provincial platform
//     plan_name = "…"             # optional: 抽查计划名称 on the provincial platform
//     initiator = "…"             # optional: the initiator of tasks whose row names none
//
//     [[task]]
//     seq = 3                     # the plan's 序号 (required)
//     ratio = 0.10                # a fraction in (0, 1]; ratio_max = 0.20 for a range
//     count = 20                  # a number of objects; count_indicative = true for a guide
//     class_ratios = { A = 0.02, B = 0.05, C = 0.10, D = 0.20 }
//     frequency = 4               # times a year; frequency_at_least = true for a floor
//     window = [1, 11]            # first and last month
//     scopes = ["重点排污单位"]
//     initiator = "…"             # and cooperators = ["…", …]
//     task_code = "…"             # 抽查任务编号 on the provincial platform
//     note = "why"                # kept with the task
//
// Every key is checked; the first problem stops the command (exit 64) with the file, the line and
// what to write instead. Like the scope map, a missing or bad file never falls back to nothing.

/// A plan overrides file that cannot be used.
public struct PlanOverridesFileError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The file, as resolved from the configuration.
    public var file: String
    /// The 1-based line, if known.
    public var line: Int?
    /// What is wrong and what to do.
    public var text: Message

    /// Creates an error.
    public init(file: String, line: Int? = nil, _ text: Message) {
        self.file = file
        self.line = line
        self.text = text
    }

    /// ``text`` in English.
    public var message: String { text.english }

    /// The error as a diagnostic, in the language in force where it is printed.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: SourceLocation(file: file, line: line)) }

    /// `file[:line]: error: message`.
    public var description: String { diagnostic.description }

    /// Bad configuration: exit 64.
    public var exitStatus: ExitStatus { .usage }
}

/// Reads plan overrides files.
public enum PlanOverridesLoader {
    static let topKeys = ["year", "region", "plan_code", "plan_name", "initiator", "task"]
    static let taskKeys = [
        "seq", "ratio", "ratio_max", "count", "count_indicative", "class_ratios", "frequency", "frequency_at_least", "window", "scopes",
        "initiator", "cooperators", "task_code", "note",
    ]

    /// The overrides named by `[plan] overrides`, or nil when the key is empty.
    public static func load(_ configuration: Configuration) throws(PlanOverridesFileError) -> PlanOverrides? {
        guard let path = configuration.resolvedPlanOverridesPath else { return nil }
        return try load(path: path)
    }

    /// Reads and checks an overrides file.
    public static func load(path: String) throws(PlanOverridesFileError) -> PlanOverrides {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw PlanOverridesFileError(file: path, Message(.overridesMissing))
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw PlanOverridesFileError(file: path, Message(.overridesNotUTF8))
        }
        return try parse(text: text, file: path)
    }

    /// Parses overrides text; `file` names it in errors and notes.
    public static func parse(text: String, file: String) throws(PlanOverridesFileError) -> PlanOverrides {
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw PlanOverridesFileError(file: file, line: error.source.begin.line, Message(.tomlSyntax, ["reason": error.description]))
        } catch {
            throw PlanOverridesFileError(file: file, Message(.tomlSyntax, ["reason": "\(error)"]))
        }
        let lines = TOMLKeyLines(text: text)
        func fail(_ key: ConfigKey, _ text: Message) -> PlanOverridesFileError {
            PlanOverridesFileError(file: file, line: lines.line(of: key), text)
        }
        let top = ConfigKey.root
        for key in root.keys where !topKeys.contains(key) {
            throw fail(top.appending(key), Message(.overridesUnknownTopKey, ["key": key, "list": topKeys.joined(separator: ", ")]))
        }
        var overrides = PlanOverrides(file: file)
        if let value = root["year"] {
            guard let year = value.int, (2000...2100).contains(year) else {
                throw fail(top.appending("year"), Message(.overridesYear))
            }
            overrides.year = year
        }
        if let value = root["region"] {
            guard let region = value.string, region.utf8.count == 6, region.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw fail(top.appending("region"), Message(.overridesRegion))
            }
            overrides.region = region
        }
        overrides.planCode = try textValue(root, "plan_code", at: top, fail: fail)
        if let code = overrides.planCode, !PlatformIdentity.isValidCode(code) {
            throw fail(top.appending("plan_code"), Message(.overridesCode, ["key": "plan_code"]))
        }
        overrides.planName = try textValue(root, "plan_name", at: top, fail: fail)
        overrides.initiator = try textValue(root, "initiator", at: top, fail: fail)
        guard let tasks = root["task"] else { return overrides }
        guard let array = tasks.array else { throw fail(top.appending("task"), Message(.overridesTaskBlocks)) }
        for index in 0..<array.count {
            let key = top.appending("task").appending(index: index)
            guard let table = array[index].table else { throw fail(key, Message(.overridesTaskTable)) }
            let decision = try task(table, at: key, line: lines.line(of: key), fail: fail)
            if overrides.tasks[decision.seq] != nil {
                throw fail(key.appending("seq"), Message(.overridesTaskTwice, ["seq": "\(decision.seq)"]))
            }
            overrides.tasks[decision.seq] = decision
        }
        return overrides
    }

    private static func task(
        _ table: TOMLTable, at key: ConfigKey, line: Int?, fail: (ConfigKey, Message) -> PlanOverridesFileError
    ) throws(PlanOverridesFileError) -> PlanTaskOverride {
        for name in table.keys where !taskKeys.contains(name) {
            throw fail(key.appending(name), Message(.overridesUnknownTaskKey, ["key": name, "list": taskKeys.joined(separator: ", ")]))
        }
        guard let seq = table["seq"]?.int, seq >= 1 else {
            throw fail(key.appending("seq"), Message(.overridesSeq))
        }
        var decision = PlanTaskOverride(seq: seq, line: line)
        func fraction(_ name: String) throws(PlanOverridesFileError) -> Double? {
            guard let value = table[name] else { return nil }
            guard let number = value.double ?? value.int.map(Double.init), number > 0, number <= 1 else {
                throw fail(key.appending(name), Message(.overridesFraction, ["key": name]))
            }
            return number
        }
        func flag(_ name: String) throws(PlanOverridesFileError) -> Bool {
            guard let value = table[name] else { return false }
            guard let flag = value.bool else { throw fail(key.appending(name), Message(.overridesBool, ["key": name])) }
            return flag
        }
        if let min = try fraction("ratio") {
            let max = try fraction("ratio_max")
            if let max, max < min { throw fail(key.appending("ratio_max"), Message(.overridesRatioMaxBelow)) }
            decision.ratio = RatioBound(min: min, max: max)
        } else if table["ratio_max"] != nil {
            throw fail(key.appending("ratio_max"), Message(.overridesRatioMaxAlone))
        }
        if let value = table["count"] {
            guard let count = value.int, count >= 1 else {
                throw fail(key.appending("count"), Message(.overridesCount))
            }
            decision.count = TaskCount(value: count, indicative: try flag("count_indicative"))
        }
        if let value = table["class_ratios"] {
            guard let classes = value.table else {
                throw fail(
                    key.appending("class_ratios"), Message(.overridesClassRatiosTable))
            }
            var ratios: [String: Double] = [:]
            for name in ["A", "B", "C", "D"] {
                guard let v = classes[name], let number = v.double ?? v.int.map(Double.init), number >= 0, number <= 1 else {
                    throw fail(key.appending("class_ratios"), Message(.overridesClassRatiosAll))
                }
                ratios[name] = number
            }
            if let extra = classes.keys.first(where: { !["A", "B", "C", "D"].contains($0) }) {
                throw fail(key.appending("class_ratios"), Message(.overridesClassRatiosExtra, ["extra": extra]))
            }
            decision.classRatios = ClassRatios(a: ratios["A"] ?? 0, b: ratios["B"] ?? 0, c: ratios["C"] ?? 0, d: ratios["D"] ?? 0)
        }
        if let value = table["frequency"] {
            guard let perYear = value.int, (1...366).contains(perYear) else {
                throw fail(key.appending("frequency"), Message(.overridesFrequency))
            }
            decision.frequency = InspectionFrequency(perYear: perYear, atLeast: try flag("frequency_at_least"), raw: "")
        }
        if let value = table["window"] {
            guard let months = value.array, months.count == 2, let first = months[0].int, let last = months[1].int,
                (1...12).contains(first), (1...12).contains(last), first <= last
            else {
                throw fail(key.appending("window"), Message(.overridesWindow))
            }
            decision.window = TaskWindow(startMonth: first, endMonth: last, raw: "")
        }
        decision.scopes = try listValue(table, "scopes", at: key, fail: fail)
        decision.initiator = try textValue(table, "initiator", at: key, fail: fail)
        decision.cooperators = try listValue(table, "cooperators", at: key, fail: fail)
        decision.taskCode = try textValue(table, "task_code", at: key, fail: fail)
        if let code = decision.taskCode, !PlatformIdentity.isValidCode(code) {
            throw fail(key.appending("task_code"), Message(.overridesCode, ["key": "task_code"]))
        }
        decision.note = try textValue(table, "note", at: key, fail: fail)
        if decision.settles.isEmpty, decision.cooperators == nil, decision.taskCode == nil {
            throw fail(
                key, Message(.overridesDecidesNothing, ["seq": "\(seq)"]))
        }
        return decision
    }

    private static func textValue(
        _ table: TOMLTable, _ name: String, at key: ConfigKey, fail: (ConfigKey, Message) -> PlanOverridesFileError
    ) throws(PlanOverridesFileError) -> String? {
        guard let value = table[name] else { return nil }
        guard let text = value.string?.trimmingWhitespace(), !text.isEmpty else {
            throw fail(key.appending(name), Message(.overridesText, ["key": name]))
        }
        return text
    }

    private static func listValue(
        _ table: TOMLTable, _ name: String, at key: ConfigKey, fail: (ConfigKey, Message) -> PlanOverridesFileError
    ) throws(PlanOverridesFileError) -> [String]? {
        guard let value = table[name] else { return nil }
        guard let array = value.array, !array.isEmpty else {
            throw fail(key.appending(name), Message(.overridesList, ["key": name]))
        }
        var out: [String] = []
        for index in 0..<array.count {
            guard let text = array[index].string?.trimmingWhitespace(), !text.isEmpty else {
                throw fail(key.appending(name), Message(.overridesListEmpty, ["key": name]))
            }
            out.append(text)
        }
        return out
    }
}
