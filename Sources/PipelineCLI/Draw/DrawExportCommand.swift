import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw export --group KEY --round N --out FILE [--public]`.
struct DrawExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: Language.catalogue(.helpDrawExport),
        discussion: """
            Without --public: the auditor bundle for the supervising authority (every member's class and watchlist reasons, \
            the salting secret, the inspector pools, avoidance pairs and teams). With --public: the bundle to publish, \
            without any risk class, watchlist reason, avoidance pair or inspector. Both verify with `suiji draw verify` \
            and `python3 scripts/verify_draw.py`.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "The group key, e.g. 2024-G02.")
    var group: String

    @Option(help: "The round.")
    var round: Int

    @OptionGroup var planKey: PlanKeyOptions

    @Option(help: "The bundle file to write.")
    var out: String

    @Flag(name: .customLong("public"), help: "Write the public bundle (no class, no watchlist reason, no avoidance pair, no inspector).")
    var isPublic = false

    func run() throws {
        try withDrawStore(global, access: .readOnly) { draw, configuration in
            let (_, id) = try draw.plan(year: planKey.year, region: planKey.region, configuration: configuration)
            let (bundle, entry) = try draw.bundle(planID: id, group: group, round: round)
            let text: String
            if isPublic {
                guard !bundle.commitment.isLegacy else {
                    throw DrawStoreError(
                        .failure,
                        "\(group) round \(round) was drawn from a commitment of the first format, which has no public form; only its auditor bundle can be exported"
                    )
                }
                let publicBundle = bundle.publicBundle
                if publicBundle.countsRevealClasses {
                    printError(
                        "warning: \(group) round \(round): every member is of one class, so the public class counts tell each member's class"
                    )
                }
                text = publicBundle.prettyJSON
            } else {
                text = bundle.prettyJSON
            }
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: out))
            } catch {
                throw DrawStoreError(.failure, "cannot write \(out): \(error.localizedDescription)")
            }
            print(
                "wrote \(out): \(isPublic ? "public" : "auditor") bundle of \(group) round \(round), ledger #\(entry.seq), commitment \(bundle.commitmentHash)"
            )
        }
    }
}
