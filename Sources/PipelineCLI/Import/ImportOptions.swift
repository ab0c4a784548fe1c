import ArgumentParser
import Foundation
import Stages

/// The file options of every import: the file, its format and encoding, dry run and rejects.
struct InputFileOptions: ParsableArguments {
    @Argument(help: "The file to import (CSV/TSV, XML or an Excel .xlsx workbook).")
    var file: String

    @Option(help: "csv, xml or xlsx (default: a workbook by its content, else by the file's extension).")
    var format: InputFormat?

    @Option(help: "The worksheet of a workbook: its name or its number (default: the first visible sheet).")
    var sheet: String?

    @Option(help: "auto, utf-8 or gb18030 (CSV; XML names its encoding in its declaration).")
    var encoding: EncodingChoice = .auto

    @Flag(help: "Validate and print what would change, without writing anything.")
    var dryRun = false

    @Option(
        help:
            "Where to write rejected rows: .xlsx for a workbook, else CSV (default: <rejects folder>/<file>.rejects.xlsx for a workbook, .rejects.csv otherwise)."
    )
    var rejects: String?

    /// `--rejects`, else `<rejects folder>/<file>.rejects.xlsx` (a workbook) or `.rejects.csv`; none in a
    /// dry run, which writes nothing anywhere (a `--rejects` given with it is ignored, with a note on standard error).
    func rejectsPath(_ configuration: Configuration) -> String? {
        if dryRun {
            if let rejects {
                printError("note: a dry run writes nothing, not even --rejects \(rejects); rejected rows are listed here instead")
            }
            return nil
        }
        if let rejects { return rejects }
        return URL(fileURLWithPath: configuration.resolvedPath(\.paths.rejects)).appendingPathComponent(RejectsFileName.of(file)).path
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
        let request = SnapshotImportRequest(
            kind: kind, path: input.file, department: department, format: input.format, encoding: input.encoding,
            dryRun: input.dryRun, rejectsPath: input.rejectsPath(configuration), allowMassRemoval: allowMassRemoval,
            validateXML: validate, sheet: input.sheet)
        let report: SnapshotImportReport
        if kind == .register, let address = PostgresAddress.of(storePath) {
            // A register into PostgreSQL (the county's lane: the configuration's region).
            report = try PostgresRegisterImporter.importFile(request, into: address, region: configuration.region)
        } else {
            let store = try openStore(
                storePath, access: input.dryRun ? .readOnly : .readWrite, command: command, creating: kind == .register)
            report = try SnapshotImporter(store: store).run(request)
        }
        let limit = input.dryRun ? 20 : Int.max
        var shown = 0
        for diagnostic in report.diagnostics {
            if diagnostic.severity == .error { shown += 1 }
            if shown > limit { continue }
            printError(diagnostic.description)
        }
        if shown > limit { printError("… and \(shown - limit) more rejected rows") }
        print(report.summary(in: Language.catalogue))
        guard input.dryRun, report.outcome == .dryRun else { return try finish(with: report.status) }
        try finish(
            with: .dryRun(rejected: report.rowsRejected > 0, wouldChange: report.added + report.changed + report.removed > 0))
    }
}
