import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw coverage [--json]`.
struct DrawCoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: Language.catalogue(.helpDrawCoverage),
        discussion: Language.catalogue(.helpDrawCoverageDiscussion))

    @OptionGroup var global: GlobalOptions

    @OptionGroup var planKey: PlanKeyOptions

    @Flag(help: ArgumentHelp(Language.catalogue(.optJson)))
    var json = false

    func run() throws {
        try withDrawStore(global, access: .readOnly, command: "draw coverage") { draw, configuration in
            let (plan, _) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            let report = try draw.coverage(plan: plan, scopeMapSource: ScopeMapLoader.source(configuration))
            print(json ? try report.json() : report.text(in: Language.catalogue))
            if let warning = report.warningText { printError(Language.catalogue(.warningPrefix) + Language.catalogue(warning)) }
        }
    }
}
