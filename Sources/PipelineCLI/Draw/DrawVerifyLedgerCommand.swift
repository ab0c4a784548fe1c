import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw verify-ledger [--anchor HASH]`.
struct DrawVerifyLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-ledger", abstract: Language.catalogue(.helpDrawVerifyLedger),
        discussion: """
            With --anchor HASH (a ledger head published elsewhere: in a commitment, a publication payload's drawLedgerHead, \
            or an earlier `verify-ledger` line), also check that the ledger still holds that entry: deleting the ledger's \
            last entries is only visible against such an anchor.
            """)

    @OptionGroup var global: GlobalOptions

    @Option(help: "A ledger head published elsewhere (64 hex digits) that the ledger must still hold.")
    var anchor: String?

    func validate() throws {
        if let anchor, anchor.utf8.count != 64 || !anchor.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            throw ValidationError("--anchor must be 64 lowercase hex digits (a ledger entry hash), got '\(anchor)'")
        }
    }

    func run() throws {
        let result = try withDrawStore(global, access: .readOnly) { draw, _ in try draw.store.verifyLedger(anchor: anchor) }
        if result.isValid {
            print(result.description + (anchor.map { "; anchor \($0) found" } ?? ""))
        } else {
            printError(result.problems.map { "error: \($0)" }.joined(separator: "\n"))
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }
}
