import ArgumentParser

/// `suiji matters import FILE --department NAME`.
struct MattersImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Language.catalogue(.helpMattersImport),
        discussion: "The plan must cover at least 80% of each list; `suiji draw show`, `suiji report` and the nightly report warn below.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The department whose list it is, as the plan names it.")
    var department: String

    @OptionGroup var input: InputFileOptions

    func validate() throws {
        if department.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || department.contains(where: \.isNewline) {
            throw ValidationError("--department must be one non-empty line, the department as the plan names it")
        }
    }

    func run() throws { try input.runListImport(kind: .matters, scope: department, global: global) }
}
