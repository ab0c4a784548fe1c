public import Pipeline

/// The outcome of `suiji plan import`: what happened, what was found, and the exit status.
public struct PlanImportReport: Sendable {
    /// What the store did, if the file could be read.
    public var outcome: PlanImportOutcome?
    /// Warnings and errors about the file, in order.
    public var diagnostics: [Diagnostic]
    /// The exit status for the command.
    public var status: ExitStatus
}

/// Reads a plan file and stores it: the stage behind `suiji plan import`.
public struct PlanImportJob {
    /// The store to write to.
    public let store: Store
    /// The clock for timestamps.
    public let clock: Clock

    /// Creates the job.
    public init(store: Store, clock: Clock = .system) {
        self.store = store
        self.clock = clock
    }

    /// Imports one plan file. A missing required column or an unreadable file changes nothing (exit 65).
    /// `digest` is the file's, when the caller has already computed it.
    public func run(_ source: PlanSource, digest known: FileDigest? = nil) throws -> PlanImportReport {
        var diagnostics = DiagnosticCollector()
        let plan: AnnualPlan
        let digest: FileDigest
        do {
            digest = try known ?? FileDigest.of(path: source.path, displayName: source.displayName)
            plan = try PlanReader().run(source, diagnostics: &diagnostics)
        } catch let error as PlanFileError {
            diagnostics.emit(Diagnostic(.error, error.message, at: error.location))
            return PlanImportReport(outcome: nil, diagnostics: diagnostics.diagnostics, status: .dataRejected)
        } catch let error as MalformedFileError {
            diagnostics.emit(Diagnostic(.error, error.message, at: error.location))
            return PlanImportReport(outcome: nil, diagnostics: diagnostics.diagnostics, status: .dataRejected)
        } catch let error as DecodingError {
            diagnostics.emit(Diagnostic(.error, error.message, at: error.location))
            return PlanImportReport(outcome: nil, diagnostics: diagnostics.diagnostics, status: .dataRejected)
        }
        let outcome = try store.importPlan(plan, fileName: source.displayName, digest: digest, clock: clock)
        return PlanImportReport(
            outcome: outcome, diagnostics: diagnostics.diagnostics, status: diagnostics.hasErrors ? .dataRejected : .success)
    }
}
