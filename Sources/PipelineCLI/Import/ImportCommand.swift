import ArgumentParser
import Stages

/// `suiji import --department NAME FILE`: one department's register.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: Language.catalogue(.helpImport))

    @OptionGroup var global: GlobalOptions

    @Option(help: "The department that sent the register, e.g. 原平市市场监督管理局 (XML: default its department attribute).")
    var department: String?

    @OptionGroup var options: SnapshotOptions

    func validate() throws {
        if department == nil, (options.input.format ?? InputFormat.guess(path: options.input.file)) != .xml {
            throw ValidationError("--department is required for a CSV or XLSX register")
        }
    }

    func run() throws { try options.run(kind: .register, department: department, global: global) }
}
