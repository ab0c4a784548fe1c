import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw show [--json] [--assignments]`.
struct DrawShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: Language.catalogue(.helpDrawShow))

    @OptionGroup var global: GlobalOptions

    @OptionGroup var planKey: PlanKeyOptions

    @Flag(help: ArgumentHelp(Language.catalogue(.optJson)))
    var json = false

    @Flag(help: ArgumentHelp(Language.catalogue(.optAssignments)))
    var assignments = false

    func run() throws {
        try withDrawStore(global, access: .readOnly, command: "draw show") { draw, configuration in
            let (plan, id) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            if assignments {
                let list = try draw.assignments(plan: plan, planID: id)
                if json {
                    print(try JSONOutput.text(["assignments": list], kind: "draw-assignments"))
                } else {
                    for a in list { print(a.text(in: Language.catalogue)) }
                }
            } else {
                let overview = try draw.summaries(plan: plan, planID: id)
                print(json ? try JSONOutput.text(overview, kind: "draw-overview") : overview.text(in: Language.catalogue))
                for w in overview.targets.warningTexts { printError(Language.catalogue(.warningPrefix) + Language.catalogue(w)) }
                for r in overview.rounds where r.status == "drawn" && r.belowRequiredRate {
                    printError(
                        Language.catalogue(.warningPrefix)
                            + Language.catalogue(
                                .showBelowRequiredRate,
                                ["group": r.group, "round": "\(r.round)", "rate": String(format: "%.1f%%", (r.applicationRate ?? 0) * 100)])
                    )
                }
            }
        }
    }
}
