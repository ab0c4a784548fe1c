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
        if let problem = Draw.problemText(withPublicSeed: seed) {
            throw ValidationError(
                Language.catalogue(Message(.usageSeed, ["max": "\(Draw.maximumSeedBytes)"], parts: ["problem": problem])))
        }
    }

    func run() throws {
        try withDrawStore(global, access: .readWrite, command: "draw run") { draw, configuration in
            let (plan, id) = try draw.plan(year: selection.year, region: selection.region, configuration: configuration)
            for line in DrawGroups.awaitingReview(plan) { printError(Language.catalogue(.notePrefix) + line) }
            let outcome = try draw.run(
                plan: plan, planID: id, seed: seed, tasks: selection.selectedTasks, round: selection.round,
                reason: reason, allowPartialTeams: allowPartialTeams)
            for e in outcome.empty {
                printError(Language.catalogue(Message(.drawRoundNote, ["group": e.group, "round": "\(e.round)"], parts: ["text": e.text])))
            }
            for d in outcome.done {
                print(d.summary(in: Language.catalogue))
                for t in d.bundle.shortTeams ?? [] {
                    printError(
                        Language.catalogue(.warningPrefix)
                            + Language.catalogue(
                                .drawShortTeam,
                                [
                                    "group": d.entry.group, "round": "\(d.entry.round)", "department": t.department,
                                    "count": "\(t.shortfall)",
                                    "uscc": t.uscc, "matched": "\(t.matched)", "needed": "\(t.needed)",
                                ]))
                }
            }
            if !outcome.failed.isEmpty { throw DrawRunFailures(failed: outcome.failed) }
        }
    }
}
