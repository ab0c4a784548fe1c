import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw verify BUNDLE`.
struct DrawVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-derive a bundle's sample and teams without the store; print OK or every difference.")

    @Argument(help: "The bundle file.")
    var bundle: String

    func run() throws {
        let decoded: DrawBundle
        do {
            decoded = try JSONDecoder().decode(DrawBundle.self, from: Data(contentsOf: URL(fileURLWithPath: bundle)))
        } catch {
            printError("\(bundle): error: cannot read the bundle: \(error)")
            throw ExitCode(ExitStatus.dataRejected.rawValue)
        }
        let result = decoded.verify()
        print(result.description)
        if !result.isValid { throw ExitCode(ExitStatus.failure.rawValue) }
    }
}
