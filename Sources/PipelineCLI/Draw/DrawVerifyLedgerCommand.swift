import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw verify-ledger`.
struct DrawVerifyLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-ledger", abstract: "Recompute the hash chain of the draw ledger and redo every draw; exit 1 on any edit.")

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let result = try withDrawStore(global, access: .readOnly) { draw, _ in try draw.store.verifyLedger() }
        if result.isValid {
            print(result.description)
        } else {
            printError(result.problems.map { "error: \($0)" }.joined(separator: "\n"))
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }
}
