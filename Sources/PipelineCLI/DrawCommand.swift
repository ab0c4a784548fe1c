import ArgumentParser
import Fixtures
import Foundation
import Pipeline
import Stages

/// `suiji draw`: the fair draw of objects and inspectors (prepare, run, verify, export, show).
struct DrawCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "draw", abstract: "Prepare, run, verify and show the random draw of objects and inspectors.",
        subcommands: [
            DrawTickets.self, DrawPrepare.self, DrawRun.self, DrawVerifyLedger.self, DrawExport.self, DrawVerify.self,
            DrawShow.self, DrawCoverage.self, DrawBench.self,
        ])
}

/// Options that select the plan and its groups.
struct DrawSelection: ParsableArguments {
    @Option(help: "The plan year (default: the configuration's year, or the only plan stored).")
    var year: Int?

    @Option(help: "The region code (default: the configuration's region).")
    var region: String?

    @Option(name: .customLong("task"), parsing: .upToNextOption, help: "Task numbers (序号) whose groups to take (default: all).")
    var tasks: [Int] = []

    @Flag(help: "Every group (the default when no --task is given).")
    var all = false

    @Option(help: "The round (default: the next undrawn round of each group).")
    var round: Int?

    func validate() throws {
        if all && !tasks.isEmpty { throw ValidationError("give --task or --all, not both") }
        if let round, round < 1 { throw ValidationError("--round must be at least 1, got \(round)") }
    }

    var selectedTasks: [Int]? { tasks.isEmpty ? nil : tasks }
}

/// Runs a draw-store action, mapping its errors to exit statuses.
func withDrawStore<T>(_ global: GlobalOptions, access: StoreAccess, _ body: (DrawStore, Configuration) throws -> T) throws -> T {
    let configuration = try global.configuration()
    do {
        let store = try openStore(global.storePath(configuration), access: access, command: "draw")
        return try body(try DrawStore(store: store, configuration: configuration), configuration)
    } catch let error as DrawStoreError {
        printError(error.description)
        throw ExitCode(error.status.rawValue)
    } catch let error as StoreError {
        printError(error.description)
        throw ExitCode(ExitStatus.failure.rawValue)
    } catch let error as ScopeMapError {
        printError("error: \(error)")
        throw ExitCode(ExitStatus.failure.rawValue)
    } catch let error as ScopeMapFileError {
        // The operator's scope map is part of the configuration.
        printError(error.description)
        throw ExitCode(ExitStatus.usage.rawValue)
    }
}

/// `suiji draw tickets --seed SEED ID…`.
struct DrawTickets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tickets", abstract: "Print Rivest consistent-sampler tickets as `TICKET ID` lines, in sampling order.")

    @Option(help: "The seed string (for a draw: `<public seed>|<group>|<round>`).")
    var seed: String

    @Argument(help: "The ids (USCCs, or `inspectorId|USCC` for inspector tickets).")
    var ids: [String]

    func run() throws {
        for ticket in ConsistentSampler(seed: seed).order(ids) { print("\(ticket.text) \(ticket.id)") }
    }
}

/// `suiji draw prepare [--task SEQ…|--all] [--round N]`.
struct DrawPrepare: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: "Freeze the inputs of each group's next round and print the commitments to publish before the seed.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: DrawSelection

    @Flag(help: "Commit to keeping short inspector teams instead of failing.")
    var allowPartialTeams = false

    func run() throws {
        try withDrawStore(global, access: .readWrite) { draw, configuration in
            let (plan, id) = try draw.plan(year: selection.year, region: selection.region, configuration: configuration)
            let made = try draw.prepare(
                plan: plan, planID: id, tasks: selection.selectedTasks, round: selection.round, allowPartialTeams: allowPartialTeams)
            if made.isEmpty { print("nothing to prepare: every round of the selected groups is drawn") }
            for p in made {
                print(p.summary)
                for note in p.notes { printError("\(p.group.key) round \(p.round.number): note: \(note)") }
            }
        }
    }
}

/// `suiji draw run --seed SEED [--task SEQ…] [--round N] [--reason TEXT] [--allow-partial-teams]`.
struct DrawRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Draw the prepared groups with the public seed and append the draws to the ledger.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: DrawSelection

    @Option(help: "The public seed, exactly as announced.")
    var seed: String

    @Option(help: "Why a group and round already drawn is drawn again (required for a re-draw).")
    var reason: String?

    @Flag(help: "Keep short inspector teams (reported) instead of failing.")
    var allowPartialTeams = false

    func validate() throws {
        if let problem = Draw.problem(withPublicSeed: seed) {
            throw ValidationError("--seed must be non-empty, without '|', line breaks or outer spaces: \(problem)")
        }
    }

    func run() throws {
        try withDrawStore(global, access: .readWrite) { draw, configuration in
            let (plan, id) = try draw.plan(year: selection.year, region: selection.region, configuration: configuration)
            let done = try draw.run(
                plan: plan, planID: id, seed: seed, tasks: selection.selectedTasks, round: selection.round,
                reason: reason, allowPartialTeams: allowPartialTeams)
            for d in done {
                print(d.summary)
                for t in d.bundle.shortTeams ?? [] {
                    printError(
                        "warning: \(d.entry.group) round \(d.entry.round): \(t.department) is \(t.shortfall) inspector(s) short for \(t.uscc) (\(t.matched) of \(t.needed))"
                    )
                }
            }
        }
    }
}

/// `suiji draw verify-ledger`.
struct DrawVerifyLedger: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-ledger", abstract: "Recompute the hash chain of the draw ledger and redo every draw; exit 1 on any edit.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let result = try withDrawStore(global, access: .readOnly) { draw, _ in try draw.store.verifyLedger() }
        if result.isValid {
            print(result.description)
        } else {
            printError(result.problems.map { "error: \($0)" }.joined(separator: "\n"))
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }
}

/// `suiji draw export --group KEY --round N --out FILE`.
struct DrawExport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a self-contained bundle of a draw that anyone can verify without the store.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The group key, e.g. 2024-G02.")
    var group: String

    @Option(help: "The round.")
    var round: Int

    @OptionGroup var planKey: PlanKeyOptions

    @Option(help: "The bundle file to write.")
    var out: String

    func run() throws {
        try withDrawStore(global, access: .readOnly) { draw, configuration in
            let (_, id) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            let (bundle, entry) = try draw.bundle(planID: id, group: group, round: round)
            do {
                try Data(bundle.prettyJSON.utf8).write(to: URL(fileURLWithPath: out))
            } catch {
                throw DrawStoreError(.failure, "cannot write \(out): \(error.localizedDescription)")
            }
            print("wrote \(out): \(group) round \(round), ledger #\(entry.seq), commitment \(bundle.commitmentHash)")
        }
    }
}

/// `suiji draw verify BUNDLE`.
struct DrawVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-derive a bundle's sample and teams without the store; print OK or every difference.")

    @Argument(help: "The bundle file.")
    var bundle: String

    func run() throws {
        let decoded: DrawBundle
        do {
            decoded = try JSONDecoder().decode(DrawBundle.self, from: Data(contentsOf: URL(fileURLWithPath: bundle)))
        } catch {
            printError("\(bundle): error: cannot read the bundle: \(error)")
            throw ExitCode(ExitStatus.dataRejected.rawValue)
        }
        let result = decoded.verify()
        print(result.description)
        if !result.isValid { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}

/// `suiji draw show [--json] [--assignments]`.
struct DrawShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Per group and round: population, quota and drawn per class; or each object's inspectors.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var planKey: PlanKeyOptions

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "List each drawn object with its inspectors.")
    var assignments = false

    func run() throws {
        try withDrawStore(global, access: .readOnly) { draw, configuration in
            let (plan, id) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            if assignments {
                let list = try draw.assignments(plan: plan, planID: id)
                if json {
                    print(String(decoding: try encoder.encode(["assignments": list]), as: UTF8.self))
                } else {
                    for a in list {
                        let team = a.inspectors.map { "\($0.id) (\($0.department))" }.joined(separator: ", ")
                        print("\(a.group) round \(a.round) \(a.uscc) \(a.riskClass ?? "-"): \(team)\(a.shortTeam ? "  [short]" : "")")
                    }
                }
            } else {
                let overview = try draw.summaries(plan: plan, planID: id)
                print(json ? String(decoding: try encoder.encode(overview), as: UTF8.self) : overview.text)
                for r in overview.rounds where r.status == "drawn" && r.belowRequiredRate {
                    printError(
                        "warning: \(r.group) round \(r.round): risk classification applied to \(String(format: "%.1f%%", (r.applicationRate ?? 0) * 100)) of drawn objects, below the required 95%"
                    )
                }
            }
        }
    }
}

/// `suiji draw coverage [--json]`.
struct DrawCoverage: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "List the tasks whose scopes match no entity, the scopes the scope map lacks and the categories no task covers.",
        discussion: "Gaps are information: the exit status is 0 with a warning on standard error.")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var planKey: PlanKeyOptions

    @Flag(help: "Print JSON.")
    var json = false

    func run() throws {
        try withDrawStore(global, access: .readOnly) { draw, configuration in
            let (plan, _) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            let report = try draw.coverage(plan: plan, scopeMapSource: ScopeMapLoader.source(configuration))
            print(json ? try report.json() : report.text)
            if let warning = report.warning { printError(warning) }
        }
    }
}

/// `suiji draw bench` (hidden): the release benchmarks of issues 4 and 5.
struct DrawBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmark the draw and the inspector matching on generated data.", shouldDisplay: false)

    @Option(help: "Entities to draw over (all 42 tasks of the bundled seed plan).")
    var entities = 1_000_000

    @Option(help: "Objects to match.")
    var objects = 50_000

    @Option(help: "Inspectors.")
    var inspectors = 2_000

    @Option(help: "Departments.")
    var departments = 10

    @Option(help: "Cooperating departments per matching group (besides the initiator).")
    var cooperators = 1

    func run() throws {
        var diagnostics = DiagnosticCollector()
        let plan = try PlanReader().run(
            PlanSource(path: FixtureFiles.yuanpingPlan.path, year: 2024, region: "140981"), diagnostics: &diagnostics)
        let report = try DrawBenchmark.run(
            plan: plan, scopeMap: try BundledScopeMap.load(), entities: entities, objects: objects,
            inspectors: inspectors, departments: departments, cooperators: cooperators)
        print(report)
    }
}
