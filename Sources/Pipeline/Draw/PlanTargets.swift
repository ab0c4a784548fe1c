// The plan's own targets (domain.md §2), measured:
//
// - Risk-classification application rate, year-wide: of every object drawn by the year's current
//   draws (an object drawn in two draws counts twice), the share with a credit-risk class of its own
//   at draw time. Required: at least 95%. Not measured before anything is drawn.
// - Matter coverage, per department with an imported 抽查事项清单 (its list of inspection matters):
//   the share of the listed matters that some task of the plan in which the department takes part
//   (as initiator or cooperator) lists. Required: at least 80%. Also reported: the listed matters
//   of tasks already drawn this year (progress, not a target).
// Matters match after normalising both texts (our rule): `PlanCellParser.clean`, then a leading
// number (`1.`, `1、`, `（1）`, `①`) and trailing punctuation (`。；;，,.`) removed. A plan that
// writes a matter differently from the list is a miss: the report lists the unmatched matters so
// that a person can align the texts.

/// One department's matter coverage.
public struct MatterCoverage: Sendable, Hashable, Codable {
    /// The department.
    public var department: String
    /// Matters on its list.
    public var listed: Int
    /// Listed matters some task of the plan it takes part in lists.
    public var inPlan: Int
    /// Listed matters of its tasks already drawn this year.
    public var drawn: Int
    /// Listed matters the plan does not cover, in list order.
    public var missing: [String]

    /// Creates a coverage.
    public init(department: String, listed: Int, inPlan: Int, drawn: Int, missing: [String]) {
        self.department = department
        self.listed = listed
        self.inPlan = inPlan
        self.drawn = drawn
        self.missing = missing
    }

    /// inPlan ÷ listed, or nil for an empty list.
    public var rate: Double? { listed == 0 ? nil : Double(inPlan) / Double(listed) }

    /// True when the rate is below 80%.
    public var belowTarget: Bool { (rate ?? 1) < PlanTargets.requiredMatterCoverage }
}

/// The plan's targets, measured (rules at the top of PlanTargets.swift).
public struct PlanTargets: Sendable, Hashable, Codable {
    /// The least share of drawn objects with a class of their own (the plan's 95%).
    public static let requiredApplicationRate = 0.95
    /// The least share of a department's listed matters the plan must cover (the plan's 80%).
    public static let requiredMatterCoverage = 0.80

    /// Objects drawn this year (current draws).
    public var drawnObjects: Int
    /// Of them, those with a class of their own.
    public var classifiedObjects: Int
    /// Per department with a matter list, in name order.
    public var coverage: [MatterCoverage]
    /// Departments of the plan without an imported matter list, in name order.
    public var departmentsWithoutList: [String]

    /// Creates measured targets.
    public init(drawnObjects: Int, classifiedObjects: Int, coverage: [MatterCoverage], departmentsWithoutList: [String]) {
        self.drawnObjects = drawnObjects
        self.classifiedObjects = classifiedObjects
        self.coverage = coverage
        self.departmentsWithoutList = departmentsWithoutList
    }

    /// classified ÷ drawn, or nil before anything is drawn.
    public var applicationRate: Double? { drawnObjects == 0 ? nil : Double(classifiedObjects) / Double(drawnObjects) }

    /// Measures the targets.
    ///
    /// - Parameters:
    ///   - plan: the annual plan.
    ///   - drawnTasks: 序号 of the tasks whose group has a current draw with at least one object.
    ///   - drawnObjects: objects of the year's current draws.
    ///   - classifiedObjects: of them, those with a class of their own.
    ///   - matterLists: each department's listed matters, in list order.
    public static func measure(
        plan: AnnualPlan, drawnTasks: Set<Int>, drawnObjects: Int, classifiedObjects: Int, matterLists: [String: [String]]
    ) -> PlanTargets {
        var coverage: [MatterCoverage] = []
        for department in matterLists.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let listed = matterLists[department] ?? []
            let tasks = plan.tasks.filter { t in
                PlanCellParser.clean(t.initiator) == department || t.cooperators.map(PlanCellParser.clean).contains(department)
            }
            let planned = Set(tasks.flatMap(\.matters).map(normalise))
            let drawn = Set(tasks.filter { drawnTasks.contains($0.seq) }.flatMap(\.matters).map(normalise))
            var seen: Set<String> = []
            var inPlan = 0
            var inDrawn = 0
            var missing: [String] = []
            for matter in listed {
                let key = normalise(matter)
                guard seen.insert(key).inserted else { continue }
                if planned.contains(key) { inPlan += 1 } else { missing.append(matter) }
                if drawn.contains(key) { inDrawn += 1 }
            }
            coverage.append(MatterCoverage(department: department, listed: seen.count, inPlan: inPlan, drawn: inDrawn, missing: missing))
        }
        var departments: Set<String> = []
        for t in plan.tasks {
            departments.insert(PlanCellParser.clean(t.initiator))
            for c in t.cooperators { departments.insert(PlanCellParser.clean(c)) }
        }
        let without = departments.filter { !$0.isEmpty && matterLists[$0] == nil }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return PlanTargets(
            drawnObjects: drawnObjects, classifiedObjects: classifiedObjects, coverage: coverage, departmentsWithoutList: without)
    }

    /// A matter's text for matching (top of PlanTargets.swift).
    public static func normalise(_ matter: String) -> String {
        var s = Substring(PlanCellParser.clean(matter))
        let circled: Set<Character> = ["①", "②", "③", "④", "⑤", "⑥", "⑦", "⑧", "⑨", "⑩"]
        if let first = s.first, circled.contains(first) {
            s = s.dropFirst()
        } else if let first = s.first, first == "(" || first == "（" {
            let digits = s.dropFirst().prefix { $0.isASCII && $0.isNumber }
            let rest = s.dropFirst(1 + digits.count)
            if !digits.isEmpty, let close = rest.first, close == ")" || close == "）" { s = rest.dropFirst() }
        } else {
            let digits = s.prefix { $0.isASCII && $0.isNumber }
            let rest = s.dropFirst(digits.count)
            if !digits.isEmpty, let mark = rest.first, [".", "、", "．", ")", "）"].contains(mark) { s = rest.dropFirst() }
        }
        let trailing: Set<Character> = ["。", "；", ";", "，", ",", ".", "、"]
        while let last = s.last, trailing.contains(last) || last.isWhitespace { s = s.dropLast() }
        while let first = s.first, first.isWhitespace { s = s.dropFirst() }
        return String(s)
    }

    /// A warning per target missed, in English (``warningTexts``).
    public var warnings: [String] { warningTexts.map(MessageCatalogue(.en).callAsFunction) }

    /// A warning per target missed: the application rate below 95%, each department below 80%.
    public var warningTexts: [Message] {
        var out: [Message] = []
        if let rate = applicationRate, rate < Self.requiredApplicationRate {
            out.append(
                Message(.targetsBelowRate, ["rate": Self.percent(rate), "drawn": "\(drawnObjects)", "classified": "\(classifiedObjects)"]))
        }
        for c in coverage where c.belowTarget {
            out.append(
                Message(
                    .targetsBelowCoverage,
                    [
                        "department": c.department, "inPlan": "\(c.inPlan)", "listed": "\(c.listed)", "rate": Self.percent(c.rate ?? 0),
                        "missing": c.missing.joined(separator: "; "),
                    ]))
        }
        return out
    }

    /// The measured targets as report lines in English (``lines(in:)``).
    public var lines: [String] { lines(in: MessageCatalogue(.en)) }

    /// The measured targets as report lines in the catalogue's language (warnings included, each after `warning: `).
    public func lines(in words: MessageCatalogue) -> [String] {
        var out: [Message] = []
        if let rate = applicationRate {
            out.append(
                Message(.targetsRate, ["rate": Self.percent(rate), "classified": "\(classifiedObjects)", "drawn": "\(drawnObjects)"]))
        } else {
            out.append(Message(.targetsNothingDrawn))
        }
        for c in coverage {
            out.append(
                Message(
                    .targetsCoverage,
                    [
                        "department": c.department, "inPlan": "\(c.inPlan)", "listed": "\(c.listed)", "rate": Self.percent(c.rate ?? 1),
                        "drawn": "\(c.drawn)",
                    ]))
        }
        if coverage.isEmpty {
            out.append(Message(.targetsNoList))
        } else if !departmentsWithoutList.isEmpty {
            out.append(Message(.targetsNotMeasured, ["departments": departmentsWithoutList.joined(separator: ", ")]))
        }
        return out.map { words($0) } + warningTexts.map { words(.warningPrefix) + words($0) }
    }

    /// `93.1%`.
    public static func percent(_ rate: Double) -> String {
        let tenths = Int((rate * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
