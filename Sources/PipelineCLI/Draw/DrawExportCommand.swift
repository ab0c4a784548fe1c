import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw export --group KEY --round N --out FILE [--public]`.
struct DrawExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: Language.catalogue(.helpDrawExport),
        discussion: Language.catalogue(.helpDrawExportDiscussion))

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optGroup)))
    var group: String

    @Option(help: ArgumentHelp(Language.catalogue(.optRound)))
    var round: Int

    @OptionGroup var planKey: PlanKeyOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optOut)))
    var out: String

    @Flag(name: .customLong("public"), help: ArgumentHelp(Language.catalogue(.optIsPublic)))
    var isPublic = false

    func run() throws {
        try withDrawStore(global, access: .readOnly, command: "draw export") { draw, configuration in
            let (_, id) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            let (bundle, entry) = try draw.bundle(planID: id, group: group, round: round)
            let text: String
            if isPublic {
                guard !bundle.commitment.isLegacy else {
                    throw DrawStoreError(.failure, Message(.drawFirstFormatNoPublic, ["group": group, "round": "\(round)"]))
                }
                let publicBundle = bundle.publicBundle
                if publicBundle.countsRevealClasses {
                    printError(
                        Language.catalogue(.warningPrefix)
                            + Language.catalogue(.drawPublicCountsReveal, ["group": group, "round": "\(round)"]))
                }
                text = publicBundle.prettyJSON
            } else {
                text = bundle.prettyJSON
            }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out))
            } catch {
                throw DrawStoreError(.failure, Message(.fileCannotWrite, ["path": out, "reason": error.localizedDescription]))
            }
            print(
                "wrote \(out): \(isPublic ? "public" : "auditor") bundle of \(group) round \(round), ledger #\(entry.seq), commitment \(bundle.commitmentHash)"
            )
        }
    }
}
