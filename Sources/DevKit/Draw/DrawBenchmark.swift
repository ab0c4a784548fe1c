import Foundation
public import Pipeline
internal import Stages

// Release-build benchmarks of the draw (`suiji draw bench`, hidden):
// (a) every group of a plan drawn over N generated entities (RegisterGenerator with the plan's scope
//     texts as categories, no bad rows): populations, quotas, commitment hashes and draws;
// (b) inspector matching of M objects against I inspectors in D departments, grouped as draw groups
//     of an initiator and `cooperators` cooperating departments (M / D objects per group), the
//     groups on every core as `draw run` does (until issue 20 one after the other; the phase
//     `match` is the sum over groups, the time on one core).

/// Timings of the draw benchmark, in seconds.
public struct DrawBenchmarkReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Entities generated.
    public var entities: Int
    /// Groups drawn.
    public var groups: Int
    /// Objects drawn over every group.
    public var drawn: Int
    /// Generating the entities (not part of the draw).
    public var generateSeconds: Double
    /// Cleaning and indexing the entities (what loading from the store does).
    public var indexSeconds: Double
    /// Populations, quotas, commitment hashes and draws of every group.
    public var drawSeconds: Double
    /// Objects matched.
    public var objects: Int
    /// Inspectors in the pools.
    public var inspectors: Int
    /// Departments.
    public var departments: Int
    /// Teams formed (object × department).
    public var teams: Int
    /// The matching.
    public var matchSeconds: Double
    /// The draw's phases (commitment: population, quotas and the commitment's hash, as `draw prepare`
    /// makes them; draw: the bundle, as `draw run` makes it) and the matching's (match): CPU seconds
    /// summed over groups (run in parallel).
    public var phases: [String: Double]

    /// A readable summary.
    public var description: String {
        func s(_ x: Double) -> String { String(format: "%.3f s", x) }
        return """
            draw: \(entities) entities, \(groups) groups (all tasks), \(drawn) drawn: index \(s(indexSeconds)), prepare+commit+draw \(s(drawSeconds)) (generation \(s(generateSeconds)) not counted)
              phases: \(phases.keys.sorted().map { "\($0) \(s(phases[$0] ?? 0))" }.joined(separator: ", "))
            match: \(objects) objects, \(inspectors) inspectors in \(departments) departments, \(teams) teams: \(s(matchSeconds))
            """
    }
}

/// The draw benchmark.
public enum DrawBenchmark {
    /// Runs both parts.
    public static func run(
        plan: AnnualPlan, scopeMap: ScopeMap, entities count: Int, objects: Int, inspectors: Int, departments: Int,
        cooperators: Int, seed: String = "20240101"
    ) throws -> DrawBenchmarkReport {
        @Sendable func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try body()
            return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let groups = DrawGroups.form(plan)
        // Every entity is in the SAMR register and in the initiators' registers of the tasks covering its category.
        var initiatorsOf: [String: [String]] = [:]
        for group in groups {
            for category in scopeMap.categories(forScopes: group.scopes) { initiatorsOf[category, default: []].append(group.initiator) }
        }
        var options = RegisterGenerator.Options(seed: 7, rows: count, badRowRate: 0)
        options.categories = RegisterGenerator.planScopes
        let generator = RegisterGenerator(options: options)
        let (raw, generateSeconds): ([DrawEntity], Double) = time {
            var out: [DrawEntity] = []
            out.reserveCapacity(count)
            for row in generator.rows() {
                let category = row[.category]
                let riskText = row[.riskClass]
                out.append(
                    DrawEntity(
                        uscc: row[.uscc], category: category, region: row[.regionCode], status: row[.status],
                        riskClass: RegisterRowValidator.riskClassNames[riskText],
                        departments: [RegisterGenerator.defaultDepartmentName] + (initiatorsOf[category] ?? [])))
            }
            return out
        }
        let (inputs, indexSeconds) = time { DrawInputs(entities: raw) }
        let rules = DrawRules(.defaults)
        var phases: [String: Double] = [:]
        let (drawn, drawSeconds) = try time { () throws -> Int in
            // Groups are independent: on every core, as `draw prepare` and `draw run` do, through the
            // same functions (Draw.prepare, DrawBundle.draw; no inspectors here: matching is measured in (b)).
            let perGroup = try ParallelMap.map(groups.count) { i -> (Int, [Double]) in
                let group = groups[i]
                guard let round = group.schedule.rounds.first else { return (0, [0, 0]) }
                let (prepared, t1) = try time {
                    try Draw.prepare(
                        group: group, round: round.number, inputs: inputs, exclusions: [], scopeMap: scopeMap,
                        rules: DrawStore.rules(rules, allowPartialTeams: true), saltKey: String(repeating: "5a", count: 32))
                }
                var commitment = prepared.commitment
                commitment.inspectors = nil // no inspectors in (a): matching is timed in (b)
                let (n, t2) = try time {
                    try DrawBundle.draw(commitment: commitment, publicSeed: seed, hash: prepared.hash).selection.order.count
                }
                return (n, [t1, t2])
            }
            for (name, k) in [("commitment", 0), ("draw", 1)] { phases[name] = perGroup.reduce(0) { $0 + $1.1[k] } }
            return perGroup.reduce(0) { $0 + $1.0 }
        }

        // (b) matching.
        let names = (0..<max(1, departments)).map { "部门\($0 + 1)" }
        var pool: [Inspector] = []
        for i in 0..<inspectors {
            pool.append(Inspector(id: String(format: "ZF%06d", i), name: "检查员\(i)", department: names[i % names.count]))
        }
        let objectIDs = RegisterGenerator(options: RegisterGenerator.Options(seed: 11, rows: objects, badRowRate: 0)).rows().map {
            $0[.uscc]
        }
        var avoidance: [AvoidancePair] = []
        for (k, uscc) in objectIDs.enumerated() where k % 50 == 0 {
            avoidance.append(AvoidancePair(inspectorId: pool[k % pool.count].id, uscc: uscc))
        }
        let perGroup = (objectIDs.count + names.count - 1) / names.count
        let (pool_, avoidance_, names_) = (pool, avoidance, names)
        let (teams, matchSeconds) = try time { () throws -> Int in
            // Groups are independent: on every core, as `draw run` matches them (each group's
            // matching itself is sequential: its load caps depend on the objects before).
            let perMatch = try ParallelMap.map(names_.count) { g -> (Int, Double) in
                let slice = Array(objectIDs.dropFirst(g * perGroup).prefix(perGroup))
                guard !slice.isEmpty else { return (0, 0) }
                let depts = (0...min(cooperators, names_.count - 1)).map { names_[(g + $0) % names_.count] }
                let (match, seconds) = try time {
                    let setup = InspectorSetup(
                        inspectors: pool_, avoidance: avoidance_, departments: depts,
                        population: slice.map { PopulationMember(uscc: $0, riskClass: nil) },
                        rules: MatchingRules(allowPartialTeams: true))
                    return try setup.match(objects: slice, departments: depts, seedString: "\(seed)|B\(g)|1")
                }
                return (match.assignments.count, seconds)
            }
            phases["match"] = perMatch.reduce(0) { $0 + $1.1 }
            return perMatch.reduce(0) { $0 + $1.0 }
        }
        return DrawBenchmarkReport(
            entities: count, groups: groups.count, drawn: drawn, generateSeconds: generateSeconds, indexSeconds: indexSeconds,
            drawSeconds: drawSeconds, objects: objects, inspectors: inspectors, departments: names.count, teams: teams,
            matchSeconds: matchSeconds, phases: phases)
    }
}

/// Timings of loading the draw's inputs from a SQLite store (issue 19's seam, issue 20's hot path).
public struct DrawInputsLoadReport: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Current register rows in the store.
    public var rows: Int
    /// Importing the generated register (not part of the load).
    public var importSeconds: Double
    /// The draw's load (`drawInputs()`): SQLite's fast path, GRDB's cursor straight into the inputs' columns; best of the runs.
    public var fastPathSeconds: Double
    /// The same inputs read through the stages' seam (rows of values first, as PostgreSQL's are); best of the runs.
    public var seamSeconds: Double
    /// Runs of each.
    public var runs: Int

    /// A readable summary.
    public var description: String {
        func s(_ x: Double) -> String { String(format: "%.3f s", x) }
        return """
            draw inputs from SQLite: \(rows) current register rows (import \(s(importSeconds)) not counted), best of \(runs): \
            drawInputs() \(s(fastPathSeconds)), through the seam \(s(seamSeconds)) (\(String(format: "%.2f", seamSeconds / max(fastPathSeconds, 1e-9)))x)
            """
    }
}

extension DrawBenchmark {
    /// Imports a generated register of `rows` rows into a new SQLite store in `folder` and times
    /// loading the draw's inputs from it, by the draw's own path and through the seam; both must
    /// give the same inputs.
    public static func loadInputs(rows: Int, folder: String, runs: Int = 3) throws -> DrawInputsLoadReport {
        func time<T>(_ body: () throws -> T) rethrows -> (T, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try body()
            return (value, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let register = folder + "/register.csv"
        try RegisterFileWriter.write(
            RegisterGenerator(options: RegisterGenerator.Options(seed: 7, rows: rows, badRowRate: 0)), layout: .csv, to: register)
        let store = try Store(path: folder + "/suiji.sqlite")
        let (_, importSeconds) = try time {
            try SnapshotImporter(store: store).run(
                SnapshotImportRequest(kind: .register, path: register, department: RegisterGenerator.defaultDepartmentName))
        }
        var fast = Double.infinity, seam = Double.infinity
        for _ in 0..<max(1, runs) {
            let (a, t1) = try time { try store.drawInputs() }
            let (b, t2) = try time { try DrawInputRows.read(store) }
            guard a.entities == b.entities, a.inspectors == b.inspectors, a.watchlist == b.watchlist else { throw BenchmarkMismatch() }
            fast = min(fast, t1)
            seam = min(seam, t2)
        }
        return DrawInputsLoadReport(rows: rows, importSeconds: importSeconds, fastPathSeconds: fast, seamSeconds: seam, runs: max(1, runs))
    }
}

/// The two ways of loading the draw's inputs gave different inputs.
struct BenchmarkMismatch: Error, CustomStringConvertible {
    var description: String { "the draw's inputs read through the seam differ from drawInputs()'s" }
}
