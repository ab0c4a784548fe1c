import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw quotas [--json]`.
struct DrawQuotasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quotas",
        abstract: Language.catalogue(.helpDrawQuotas)
    )

    @OptionGroup var global: GlobalOptions

    @OptionGroup var planKey: PlanKeyOptions

    @Flag(help: ArgumentHelp(Language.catalogue(.optJson)))
    var json = false

    func run() throws {
        try withDrawStore(global, access: .readOnly, command: "draw quotas") { draw, configuration in
            let (plan, _) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            let audit = try draw.quotaAudit(plan: plan)
            if json {
                print(try JSONOutput.text(audit, kind: "draw-quotas"))
            } else {
                print(audit.text(in: Language.catalogue))
            }
        }
    }
}
