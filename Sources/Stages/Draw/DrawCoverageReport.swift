import Foundation
public import Pipeline

// What the scope map leaves out, for the stored plan and the current registers (`suiji draw coverage`).
//
// A task "matches no entity" when its draw group's population is empty under the draw's own rules
// (DrawInputs.population): an entity of a category the group's scopes cover, in the plan's region,
// with an inspectable status, on a current register row of a counted department (`[draw]
// population`). The group's population is the task's: one draw serves every task of a group, so a
// task is empty exactly when its draw would find nothing. For each scope of such a task the report
// says whether the map knows it and how many current entities its categories hold before those
// rules ("candidates"), which tells a mapping gap (not in the map, or 0 candidates) from a rules
// gap (candidates all outside the region, inactive or held by other departments).
//
// A register category is "covered" when any task's scope maps to it; an uncovered category is listed
// with its number of current entities (distinct USCCs with a current row of that category, in any
// region or status). Gaps are information for the operator who edits the map, not a failure.

/// What the scope map leaves out: tasks that match no entity, plan scopes the map does not know,
/// and register categories no task covers.
public struct DrawCoverageReport: Sendable, Hashable, Codable {
    /// One scope of a task that matches no entity.
    public struct ScopeStatus: Sendable, Hashable, Codable {
        /// The scope as the plan writes it.
        public var scope: String
        /// True if the scope map has an entry (scope or alias) for it.
        public var inMap: Bool
        /// Current entities of the categories it covers, before the region, status and register rules.
        public var candidates: Int

        /// Creates a scope status.
        public init(scope: String, inMap: Bool, candidates: Int) {
            self.scope = scope
            self.inMap = inMap
            self.candidates = candidates
        }
    }

    /// A task whose scopes match no entity.
    public struct EmptyTask: Sendable, Hashable, Codable {
        /// The task's 序号.
        public var seq: Int
        /// 抽查任务名称.
        public var name: String
        /// The key of its draw group.
        public var group: String
        /// Its scopes, in plan order.
        public var scopes: [ScopeStatus]

        /// Creates a finding.
        public init(seq: Int, name: String, group: String, scopes: [ScopeStatus]) {
            self.seq = seq
            self.name = name
            self.group = group
            self.scopes = scopes
        }
    }

    /// A plan scope that no scope-map entry names, with the tasks that use it.
    public struct UnmappedScope: Sendable, Hashable, Codable {
        /// The scope (cleaned).
        public var scope: String
        /// The 序号 of the tasks naming it, ascending.
        public var tasks: [Int]

        /// Creates a finding.
        public init(scope: String, tasks: [Int]) {
            self.scope = scope
            self.tasks = tasks
        }
    }

    /// A register category that no task's scope covers, with its current entities.
    public typealias UncoveredCategory = ScopeCoverageReport.UncoveredCategory

    /// The counts behind the findings.
    public struct Totals: Sendable, Hashable, Codable {
        /// Tasks in the plan.
        public var tasks = 0
        /// Tasks whose scopes match no entity.
        public var tasksWithoutEntities = 0
        /// Distinct scopes (cleaned) named by the plan.
        public var scopes = 0
        /// Of those, scopes the map does not know.
        public var scopesNotInMap = 0
        /// Distinct categories (cleaned) on current register rows.
        public var categories = 0
        /// Of those, categories no task covers.
        public var uncoveredCategories = 0
        /// Distinct entities (USCCs) with a current register row.
        public var entities = 0
        /// Of those, entities none of whose current categories any task covers.
        public var entitiesOutsideEveryScope = 0

        /// All zero.
        public init() {}
    }

    /// The plan year.
    public var year: Int
    /// The plan's region code.
    public var region: String
    /// Where the scope map came from: its path, or `bundled`.
    public var scopeMap: String
    /// Whose registers count (`[draw] population`).
    public var population: String
    /// Tasks whose scopes match no entity, by 序号.
    public var tasksWithoutEntities: [EmptyTask]
    /// Plan scopes the map does not know, in the order the plan first names them.
    public var scopesNotInMap: [UnmappedScope]
    /// Register categories no task covers, in code point order.
    public var uncoveredCategories: [UncoveredCategory]
    /// The counts.
    public var totals: Totals

    /// True when every task matches an entity, every scope is mapped and every category is covered.
    public var isComplete: Bool { tasksWithoutEntities.isEmpty && scopesNotInMap.isEmpty && uncoveredCategories.isEmpty }

    /// The report for a plan over the current registers, with the draw's population rules.
    ///
    /// - Parameters:
    ///   - plan: the annual plan.
    ///   - inputs: the current registers (`Store.drawInputs()`).
    ///   - scopeMap: the scope map in force.
    ///   - rules: the population rules of the configuration.
    ///   - scopeMapSource: where the map came from, for the reader: its path, or `bundled`.
    public init(plan: AnnualPlan, inputs: DrawInputs, scopeMap: ScopeMap, rules: PopulationRules, scopeMapSource: String) {
        year = plan.year
        region = plan.region
        self.scopeMap = scopeMapSource
        population =
            rules.registers == .initiatorOnly
            ? Configuration.Population.initiator.rawValue
            : Configuration.Population.initiatorAndCooperators.rawValue

        // Entities counted by number over the rows of categories (`byCategory`), each counted once
        // per count by a stamp: sets of USCC texts took 4.7 s over a million register rows.
        let (entityOf, entityCount) = inputs.entityNumbers()
        var stampOf = [UInt32](repeating: 0, count: entityCount)
        var stamp: UInt32 = 0
        func entities<Categories: Sequence<String>>(in categories: Categories) -> Int {
            stamp += 1
            var count = 0
            for category in categories {
                for row in inputs.byCategory[category] ?? [] where stampOf[Int(entityOf[row])] != stamp {
                    stampOf[Int(entityOf[row])] = stamp
                    count += 1
                }
            }
            return count
        }
        func candidates(_ scope: String) -> Int { entities(in: scopeMap.categories(forScope: scope)) }

        var empty: [EmptyTask] = []
        for group in DrawGroups.form(plan) where inputs.population(of: group, scopeMap: scopeMap, rules: rules).members.isEmpty {
            for task in group.tasks {
                let scopes = task.scopes.map {
                    ScopeStatus(scope: $0, inMap: scopeMap.entry(forScope: $0) != nil, candidates: candidates($0))
                }
                empty.append(EmptyTask(seq: task.seq, name: task.name, group: group.key, scopes: scopes))
            }
        }
        tasksWithoutEntities = empty.sorted { $0.seq < $1.seq }

        var scopeOrder: [String] = []
        var tasksOfScope: [String: [Int]] = [:]
        var covered: Set<String> = []
        for task in plan.tasks.sorted(by: { $0.seq < $1.seq }) {
            for scope in task.scopes.map(PlanCellParser.clean) where !scope.isEmpty {
                if tasksOfScope[scope] == nil { scopeOrder.append(scope) }
                if tasksOfScope[scope]?.last != task.seq { tasksOfScope[scope, default: []].append(task.seq) }
                covered.formUnion(scopeMap.categories(forScope: scope))
            }
        }
        scopesNotInMap = scopeOrder.filter { scopeMap.entry(forScope: $0) == nil }.map {
            UnmappedScope(scope: $0, tasks: tasksOfScope[$0] ?? [])
        }

        let categories = inputs.byCategory.keys
        uncoveredCategories = categories.filter { !covered.contains($0) }
            .map { UncoveredCategory(category: $0, entities: entities(in: CollectionOfOne($0))) }
            .sorted { $0.category.utf8.lexicographicallyPrecedes($1.category.utf8) }

        let reached = entities(in: categories.filter { covered.contains($0) })
        var totals = Totals()
        totals.tasks = plan.tasks.count
        totals.tasksWithoutEntities = tasksWithoutEntities.count
        totals.scopes = scopeOrder.count
        totals.scopesNotInMap = scopesNotInMap.count
        totals.categories = categories.count
        totals.uncoveredCategories = uncoveredCategories.count
        totals.entities = entityCount
        totals.entitiesOutsideEveryScope = entityCount - reached
        self.totals = totals
    }

    // MARK: Output

    /// The report as aligned tables, in English.
    public var text: String { text(in: MessageCatalogue(.en)) }

    /// The report as aligned tables in the language of `words`.
    public func text(in words: MessageCatalogue) -> String {
        func headers(_ key: MessageKey) -> [String] { words(key).split(separator: "|").map(String.init) }
        var lines = [words(.coverageTitle, ["year": "\(year)", "region": region, "map": scopeMap, "population": population]), ""]
        if tasksWithoutEntities.isEmpty {
            lines.append(words(.coverageTasksUnmatchedNone))
        } else {
            lines.append(words(.coverageTasksUnmatched, ["count": "\(tasksWithoutEntities.count)"]))
            var table = TextTable(headers: headers(.coverageTaskHeaders))
            for task in tasksWithoutEntities {
                let scopes =
                    task.scopes.isEmpty ? [ScopeStatus(scope: words(.coverageNoScope), inMap: false, candidates: 0)] : task.scopes
                for (i, scope) in scopes.enumerated() {
                    let head = i == 0 ? [String(task.seq), task.group, TextTable.truncate(task.name, to: 36)] : ["", "", ""]
                    table.rows.append(
                        head + [scope.scope, words(scope.inMap ? .wordYes : .wordNo), scope.inMap ? String(scope.candidates) : "-"])
                }
            }
            lines.append(table.render())
        }
        lines.append("")
        if scopesNotInMap.isEmpty {
            lines.append(words(.coverageScopesNotInMapNone))
        } else {
            lines.append(words(.coverageScopesNotInMap, ["count": "\(scopesNotInMap.count)"]))
            var table = TextTable(headers: headers(.coverageScopeHeaders))
            table.rows = scopesNotInMap.map { [$0.scope, $0.tasks.map(String.init).joined(separator: ", ")] }
            lines.append(table.render())
        }
        lines.append("")
        if uncoveredCategories.isEmpty {
            lines.append(words(.coverageCategoriesNone))
        } else {
            lines.append(words(.coverageCategories, ["count": "\(uncoveredCategories.count)"]))
            var table = TextTable(headers: headers(.coverageCategoryHeaders))
            table.rows = uncoveredCategories.map { [$0.category, String($0.entities)] }
            lines.append(table.render())
        }
        lines.append("")
        var table = TextTable(headers: headers(.coverageTotalsHeaders))
        table.rows = [
            [
                words(.coverageTotalTasks), String(totals.tasks),
                words(.coverageTotalTasksGap, ["count": "\(totals.tasksWithoutEntities)"]),
            ],
            [words(.coverageTotalScopes), String(totals.scopes), words(.coverageTotalScopesGap, ["count": "\(totals.scopesNotInMap)"])],
            [
                words(.coverageTotalCategories), String(totals.categories),
                words(.coverageTotalCategoriesGap, ["count": "\(totals.uncoveredCategories)"]),
            ],
            [
                words(.coverageTotalEntities), String(totals.entities),
                words(.coverageTotalEntitiesGap, ["count": "\(totals.entitiesOutsideEveryScope)"]),
            ],
        ]
        lines.append(table.render())
        return lines.joined(separator: "\n")
    }

    /// One line for standard error naming the kinds of gap found (without `warning: `), or nil when there are none.
    public var warningText: Message? {
        let gaps = [
            (totals.tasksWithoutEntities, MessageKey.coverageGapTasks), (totals.scopesNotInMap, .coverageGapScopes),
            (totals.uncoveredCategories, .coverageGapCategories),
        ].filter { $0.0 > 0 }.map { Message($0.1, ["count": "\($0.0)"]) }
        return Message.list(gaps, .listComma).map { Message(.coverageGaps, parts: ["gaps": $0]) }
    }

    /// ``warningText`` in English, after `warning: `.
    public var warning: String? { warningText.map { "warning: " + $0.english } }

    /// The report as JSON: keys in code point order, two-space indentation, no final newline.
    ///
    /// Written by `CanonicalJSON` rather than `JSONEncoder`'s pretty printer, whose spacing is not
    /// promised across Foundation releases, so that scripts and golden files see the same bytes.
    public func json() throws -> String {
        try JSONOutput.text(self, kind: "draw-coverage")
    }
}

extension DrawStore {
    /// The scope coverage of `plan` over the current registers (or `inputs`), with this store's
    /// scope map and population rules.
    public func coverage(plan: AnnualPlan, scopeMapSource: String, inputs: DrawInputs? = nil) throws -> DrawCoverageReport {
        let inputs = try inputs ?? store.drawInputs()
        return DrawCoverageReport(
            plan: plan, inputs: inputs, scopeMap: try scopeMap(), rules: rules.population, scopeMapSource: scopeMapSource)
    }
}
