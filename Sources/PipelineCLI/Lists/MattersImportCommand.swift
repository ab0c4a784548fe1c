import ArgumentParser

/// `suiji matters import FILE --department NAME`.
struct MattersImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: Language.catalogue(.helpMattersImport),
        discussion: Language.catalogue(.helpMattersImportDiscussion))

    @OptionGroup var global: GlobalOptions

    @Option(help: ArgumentHelp(Language.catalogue(.optDepartment3)))
    var department: String

    @OptionGroup var input: InputFileOptions

    func validate() throws {
        if department.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || department.contains(where: \.isNewline) {
            throw ValidationError(Language.catalogue(.usageDepartmentOneLine))
        }
    }

    func run() throws { try input.runListImport(kind: .matters, scope: department, global: global) }
}
