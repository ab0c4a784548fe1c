import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw export --group KEY --round N --out FILE`.
struct DrawExportCommand: ParsableCommand {
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
