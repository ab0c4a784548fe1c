import ArgumentParser

/// `suiji avoidance import FILE`.
struct AvoidanceImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import the avoidance list (执法证号, 统一社会信用代码, 回避原因).")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var options: SnapshotOptions

    func run() throws { try options.run(kind: .avoidance, department: nil, global: global) }
}
