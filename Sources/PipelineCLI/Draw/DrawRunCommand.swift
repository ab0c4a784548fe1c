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

    @Option(help: ArgumentHelp(Language.catalogue(.optSeed)))
    var seed: String

    @Option(help: ArgumentHelp(Language.catalogue(.optReason)))
    var reason: String?

    @Flag(help: ArgumentHelp(Language.catalogue(.optAllowPartialTeams2)))
    var allowPartialTeams = false

    func validate() throws {
        if let problem = Draw.problem(withPublicSeed: seed) {
            throw ValidationError(Language.catalogue(.usageSeed, ["max": "\(Draw.maximumSeedBytes)", "problem": problem]))
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
