import ArgumentParser
import Foundation
import Pipeline
import Stages

extension InputFileOptions {
    /// Runs a list import (watchlist or matter list) and prints diagnostics (stderr) and the summary (stdout).
    func runListImport(kind: ListKind, scope: String, global: GlobalOptions) throws {
        let configuration = try global.configuration()
        let store = try openStageStore(
            global.storePath(configuration), configuration: configuration, access: dryRun ? .readOnly : .readWrite,
            command: "\(kind.rawValue) import")
        var request = ListImportRequest(
            kind: kind, path: file, scope: scope, format: format, encoding: encoding, dryRun: dryRun,
            rejectsPath: rejectsPath(configuration))
        request.language = Language.inForce
        let report = try ListImporter(store: store).run(request)
        for diagnostic in report.diagnostics { printError(diagnostic.rendered(in: Language.inForce)) }
        print(report.summary(in: Language.catalogue))
        guard dryRun, !report.alreadyImported else { return try finish(with: report.status) }
        try finish(with: .dryRun(rejected: report.rowsRejected > 0, wouldChange: report.added + report.changed + report.removed > 0))
    }
}
