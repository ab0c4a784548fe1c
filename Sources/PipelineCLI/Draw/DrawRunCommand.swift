import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw run --seed SEED [--task SEQ…] [--round N] [--reason TEXT] [--allow-partial-teams]`.
struct DrawRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: Language.catalogue(.helpDrawRun))

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
            throw ValidationError(
                "--seed must be one line of printable characters (at most \(Draw.maximumSeedBytes) bytes), without '|' or outer spaces: \(problem)"
            )
        }
    }

    func run() throws {
        try withDrawStore(global, access: .readWrite) { draw, configuration in
            let (plan, id) = try draw.plan(year: selection.year, region: selection.region, configuration: configuration)
            for line in DrawGroups.awaitingReview(plan) { printError("note: \(line)") }
            let outcome = try draw.run(
                plan: plan, planID: id, seed: seed, tasks: selection.selectedTasks, round: selection.round,
                reason: reason, allowPartialTeams: allowPartialTeams)
            for e in outcome.empty { printError("\(e.group) round \(e.round): note: \(e.reason)") }
            for d in outcome.done {
                print(d.summary(in: Language.catalogue))
                for t in d.bundle.shortTeams ?? [] {
                    printError(
                        "warning: \(d.entry.group) round \(d.entry.round): \(t.department) is \(t.shortfall) inspector(s) short for \(t.uscc) (\(t.matched) of \(t.needed))"
                    )
                }
            }
            if !outcome.failed.isEmpty { throw DrawRunFailures(failed: outcome.failed) }
        }
    }
}
