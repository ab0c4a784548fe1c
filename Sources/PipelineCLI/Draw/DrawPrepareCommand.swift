import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw prepare [--task SEQ…|--all] [--round N]`.
struct DrawPrepareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare",
        abstract: Language.catalogue(.helpDrawPrepare))

    @OptionGroup var global: GlobalOptions
    @OptionGroup var selection: DrawSelection

    @Flag(help: ArgumentHelp(Language.catalogue(.optAllowPartialTeams)))
    var allowPartialTeams = false

    func run() throws {
        try withDrawStore(global, access: .readWrite, command: "draw prepare") { draw, configuration in
            let (plan, id) = try draw.plan(year: selection.year, region: selection.region, configuration: configuration)
            for line in DrawGroups.awaitingReview(plan) { printError(Language.catalogue(.notePrefix) + line) }
            let made = try draw.prepare(
                plan: plan, planID: id, tasks: selection.selectedTasks, round: selection.round, allowPartialTeams: allowPartialTeams)
            if made.prepared.isEmpty && made.empty.isEmpty { print(Language.catalogue(.drawNothingToPrepare)) }
            for p in made.prepared {
                print(p.summary(in: Language.catalogue))
                for note in p.notes {
                    printError(Language.catalogue(.drawRoundNote, ["group": p.group.key, "round": "\(p.round.number)", "text": note]))
                }
            }
            for e in made.empty {
                printError(Language.catalogue(Message(.drawRoundNote, ["group": e.group, "round": "\(e.round)"], parts: ["text": e.text])))
            }
        }
    }
}
