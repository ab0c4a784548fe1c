import ArgumentParser
import Stages

/// `suiji import --department NAME FILE`: one department's register.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: Language.catalogue(.helpImport))

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optDepartment)))
    var department: String?

    @OptionGroup var options: SnapshotOptions

    func validate() throws {
        if department == nil, (options.input.format ?? InputFormat.guess(path: options.input.file)) != .xml {
            throw ValidationError(Language.catalogue(.usageDepartmentRequired))
        }
    }

    func run() throws { try options.run(kind: .register, department: department, global: global) }
}
