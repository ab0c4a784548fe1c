import ArgumentParser

/// `suiji inspectors import --department NAME FILE`.
struct InspectorsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Language.catalogue(.helpInspectorsImport))

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optDepartment2)))
    var department: String

    @OptionGroup var options: SnapshotOptions

    func run() throws { try options.run(kind: .inspectors, department: department, global: global) }
}
