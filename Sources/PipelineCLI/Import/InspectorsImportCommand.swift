import ArgumentParser

/// `suiji inspectors import --department NAME FILE`.
struct InspectorsImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a department's inspector register (执法证号, 姓名, 状态, 执法领域).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The department the inspectors belong to.")
    var department: String

    @OptionGroup var options: SnapshotOptions

    func run() throws { try options.run(kind: .inspectors, department: department, global: global) }
}
