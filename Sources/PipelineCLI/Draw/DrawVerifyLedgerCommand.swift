import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw verify-ledger [--anchor HASH]`.
struct DrawVerifyLedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-ledger", abstract: Language.catalogue(.helpDrawVerifyLedger),
        discussion: Language.catalogue(.helpVerifyLedgerDiscussion))

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optAnchor)))
    var anchor: String?

    func validate() throws {
        if let anchor, anchor.utf8.count != 64 || !anchor.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
            throw ValidationError(Language.catalogue(.usageAnchor, ["value": anchor]))
        }
    }

    func run() throws {
        let result = try withDrawStore(global, access: .readOnly, command: "draw verify-ledger") { draw, _ in
            try draw.store.verifyLedger(anchor: anchor)
        }
        if result.isValid {
            print(
                Language.catalogue(.ledgerOK, ["count": "\(result.entries)", "head": result.head])
                    + (anchor.map { Language.catalogue(.ledgerAnchorFound, ["anchor": $0]) } ?? ""))
        } else {
            printError(result.problems.map { Language.catalogue(.errorPrefix) + $0 }.joined(separator: "\n"))
            throw ExitCode(ExitStatus.failure.rawValue)
        }
    }
}
