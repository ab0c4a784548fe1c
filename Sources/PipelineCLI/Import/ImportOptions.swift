import ArgumentParser
import Foundation
import Pipeline
import Stages

/// The file options of every import: the file, its format and encoding, dry run and rejects.
struct InputFileOptions: ParsableArguments {
    @Argument(help: ArgumentHelp(Language.catalogue(.optFile)))
    var file: String

    @Option(help: ArgumentHelp(Language.catalogue(.optFormat)))
    var format: InputFormat?

    @Option(help: ArgumentHelp(Language.catalogue(.optSheet)))
    var sheet: String?

    @Option(help: ArgumentHelp(Language.catalogue(.optEncoding)))
    var encoding: EncodingChoice = .auto

    @Flag(help: ArgumentHelp(Language.catalogue(.optDryRun)))
    var dryRun = false

    @Option(
        help: ArgumentHelp(Language.catalogue(.optRejects)))
    var rejects: String?

    /// `--rejects`, else `<rejects folder>/<file>.rejects.xlsx` (a workbook) or `.rejects.csv`; none in a
    /// dry run, which writes nothing anywhere (a `--rejects` given with it is ignored, with a note on standard error).
    func rejectsPath(_ configuration: Configuration) -> String? {
        if dryRun {
            if let rejects {
                printError(Language.catalogue(.notePrefix) + Language.catalogue(.importDryRunNoRejects, ["path": rejects]))
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

    @Flag(help: ArgumentHelp(Language.catalogue(.optAllowMassRemoval)))
    var allowMassRemoval = false

    @Flag(help: ArgumentHelp(Language.catalogue(.optValidate)))
    var validate = false

    /// Runs the import and prints diagnostics (stderr) and the summary (stdout).
    func run(kind: SnapshotKind, department: String?, global: GlobalOptions) throws {
        let configuration = try global.configuration()
        let storePath = global.storePath(configuration)
        let command = kind == .register ? "import" : "\(kind.rawValue) import"
        var request = SnapshotImportRequest(
            kind: kind, path: input.file, department: department, format: input.format, encoding: input.encoding,
            dryRun: input.dryRun, rejectsPath: input.rejectsPath(configuration), allowMassRemoval: allowMassRemoval,
            validateXML: validate, sheet: input.sheet)
        request.language = Language.inForce
        let report: SnapshotImportReport
        if kind == .register, let address = PostgresAddress.of(storePath) {
            // A register into PostgreSQL (the county's lane: the configuration's region).
            #if SUIJI_TESTING
            let checkpoint = FaultInjection.fromEnvironment() // the kill tests' hook, debug builds only
            #else
            let checkpoint: (String) -> Void = { _ in }
            #endif
            report = try PostgresRegisterImporter.importFile(request, into: address, region: configuration.region, checkpoint: checkpoint)
        } else if kind != .register {
            // Inspectors and avoidance: through the stages' seam, into SQLite or a county's lane of PostgreSQL.
            let store = try openStageStore(
                storePath, configuration: configuration, access: input.dryRun ? .readOnly : .readWrite, command: command)
            report = try store.importSnapshot(request)
        } else {
            let store = try openStore(
                storePath, access: input.dryRun ? .readOnly : .readWrite, command: command, creating: kind == .register)
            report = try SnapshotImporter(store: store).run(request)
        }
        let limit = input.dryRun ? 20 : Int.max
        var shown = 0
        var printed: [Diagnostic] = []
        for diagnostic in report.diagnostics {
            if diagnostic.severity == .error { shown += 1 }
            if shown > limit { continue }
            printed.append(diagnostic)
        }
        printErrors(try renderedOnEveryCore(printed))
        if shown > limit { printError(Language.catalogue(.importMoreRejected, ["count": "\(shown - limit)"])) }
        print(report.summary(in: Language.catalogue))
        guard input.dryRun, report.outcome == .dryRun else { return try finish(with: report.status) }
        try finish(
            with: .dryRun(rejected: report.rowsRejected > 0, wouldChange: report.added + report.changed + report.removed > 0))
    }
}
