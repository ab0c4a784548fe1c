import ArgumentParser
import Foundation
import Pipeline
import Stages

/// `suiji draw verify BUNDLE`.
struct DrawVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: Language.catalogue(.helpDrawVerify)
    )

    @Argument(help: ArgumentHelp(Language.catalogue(.optBundle)))
    var bundle: String

    func run() throws {
        let result: DrawVerification
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: bundle))
            let format = try JSONDecoder().decode(Format.self, from: data).format
            if format == PublicDrawBundle.currentFormat {
                result = try JSONDecoder().decode(PublicDrawBundle.self, from: data).verify()
            } else {
                result = try JSONDecoder().decode(DrawBundle.self, from: data).verify()
            }
        } catch {
            printError(Language.catalogue(.drawBundleUnreadable, ["file": bundle, "reason": "\(error)"]))
            throw ExitCode(ExitStatus.dataRejected.rawValue)
        }
        print(result.text(in: Language.catalogue))
        if !result.isValid { throw ExitCode(ExitStatus.failure.rawValue) }
    }

    private struct Format: Decodable { var format: String }
}
