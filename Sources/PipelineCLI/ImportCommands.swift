public import ArgumentParser
import Foundation
public import Stages

/// The file options of every import: the file, its format and encoding, dry run and rejects.
struct InputFileOptions: ParsableArguments {
    @Argument(help: "The file to import (CSV/TSV or XML).")
    var file: String

    @Option(help: "csv or xml (default: by the file's extension).")
    var format: InputFormat?

    @Option(help: "auto, utf-8 or gb18030 (CSV; XML names its encoding in its declaration).")
    var encoding: EncodingChoice = .auto

    @Flag(help: "Validate and print what would change, without writing anything.")
    var dryRun = false

    @Option(help: "Where to write rejected rows as CSV (default: <rejects folder>/<file>.rejects.csv).")
    var rejects: String?

    /// `--rejects`, else `<rejects folder>/<file>.rejects.csv`; none in a dry run unless asked for.
    func rejectsPath(_ configuration: Configuration) -> String? {
        if let rejects { return rejects }
        if dryRun { return nil }
        let base = URL(fileURLWithPath: file).lastPathComponent
        return URL(fileURLWithPath: configuration.resolvedPath(\.paths.rejects)).appendingPathComponent("\(base).rejects.csv").path
    }
}

/// Options shared by the snapshot imports (registers, inspectors, avoidance).
struct SnapshotOptions: ParsableArguments {
    @OptionGroup var input: InputFileOptions

    @Flag(help: "Accept a snapshot that removes more than 20% of the current rows.")
    var allowMassRemoval = false

    @Flag(help: "Validate an XML register against the bundled XSD (Resources/register.xsd).")
    var validate = false

    /// Runs the import and prints diagnostics (stderr) and the summary (stdout).
    func run(kind: SnapshotKind, department: String?, global: GlobalOptions) throws {
        let configuration = try global.configuration()
        let storePath = global.storePath(configuration)
        let command = kind == .register ? "import" : "\(kind.rawValue) import"
        let store = try openStore(storePath, access: input.dryRun ? .readOnly : .readWrite, command: command)
        let request = SnapshotImportRequest(
            kind: kind, path: input.file, department: department, format: input.format, encoding: input.encoding,
            dryRun: input.dryRun, rejectsPath: input.rejectsPath(configuration), allowMassRemoval: allowMassRemoval,
            validateXML: validate)
        let report = try SnapshotImporter(store: store).run(request)
        let limit = input.dryRun ? 20 : Int.max
        var shown = 0
        for diagnostic in report.diagnostics {
            if diagnostic.severity == .error { shown += 1 }
            if shown > limit { continue }
            printError(diagnostic.description)
        }
        if shown > limit { printError("… and \(shown - limit) more rejected rows") }
        print(report.summary)
        try finish(with: report.status)
    }
}

/// `suiji import --department NAME FILE`: one department's register.
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a department's register of entities (a full snapshot; history is kept).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The department that sent the register, e.g. 原平市市场监督管理局 (XML: default its department attribute).")
    var department: String?

    @OptionGroup var options: SnapshotOptions

    func validate() throws {
        if department == nil, (options.input.format ?? InputFormat.guess(path: options.input.file)) == .csv {
            throw ValidationError("--department is required for a CSV register")
        }
    }

    func run() throws { try options.run(kind: .register, department: department, global: global) }
}

/// `suiji inspectors import --department NAME FILE`.
struct InspectorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspectors", abstract: "Enforcement staff per department.", subcommands: [InspectorsImport.self])
}

/// `suiji inspectors import`.
struct InspectorsImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import a department's inspector register (执法证号, 姓名, 状态, 执法领域).")

    @OptionGroup var global: GlobalOptions

    @Option(help: "The department the inspectors belong to.")
    var department: String

    @OptionGroup var options: SnapshotOptions

    func run() throws { try options.run(kind: .inspectors, department: department, global: global) }
}

/// `suiji avoidance`.
struct AvoidanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avoidance", abstract: "The avoidance (回避) list.", subcommands: [AvoidanceImport.self])
}

/// `suiji avoidance import FILE`.
struct AvoidanceImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import the avoidance list (执法证号, 统一社会信用代码, 回避原因).")

    @OptionGroup var global: GlobalOptions

    @OptionGroup var options: SnapshotOptions

    func run() throws { try options.run(kind: .avoidance, department: nil, global: global) }
}

extension InputFormat: ExpressibleByArgument {}
