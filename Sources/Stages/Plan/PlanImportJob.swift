public import Pipeline

/// The outcome of `suiji plan import`: what happened, what was found, and the exit status.
public struct PlanImportReport: Sendable {
    /// What the store did, if the file could be read and stored.
    public var outcome: PlanImportOutcome?
    /// Notes, warnings and errors about the file, in order.
    public var diagnostics: [Diagnostic]
    /// The exit status for the command.
    public var status: ExitStatus
    /// The plan as read (nil when the file could not be read).
    public var plan: AnnualPlan?
}

/// Reads a plan file and stores it: the stage behind `suiji plan import`.
public struct PlanImportJob {
    /// The store to write to: SQLite, or a county's lane of PostgreSQL.
    public let store: any StageStore
    /// The clock for timestamps.
    public let clock: Clock
    /// The reader (header aliases and overrides in force).
    public let reader: PlanReader?
    /// True to store a plan that removes more than a fifth of the stored tasks.
    public let allowMassRemoval: Bool

    /// Creates the job; the reader defaults to the bundled headers and no overrides.
    public init(store: any StageStore, clock: Clock = .system, reader: PlanReader? = nil, allowMassRemoval: Bool = false) {
        self.store = store
        self.clock = clock
        self.reader = reader
        self.allowMassRemoval = allowMassRemoval
    }

    /// Imports one plan file. A file that cannot be used, or an import refused as a mass removal,
    /// changes nothing (exit 65). Tasks that need review are stored with their questions, reported
    /// as warnings, and not drawn until decided (`suiji plan check` exits 65 on them).
    /// `digest` is the file's, when the caller has already computed it.
    public func run(_ source: PlanSource, digest known: FileDigest? = nil) throws -> PlanImportReport {
        var diagnostics = DiagnosticCollector()
        let plan: AnnualPlan
        let digest: FileDigest
        func rejected(_ error: any DiagnosticReportableError) -> PlanImportReport {
            diagnostics.emit(error.diagnostic)
            return PlanImportReport(outcome: nil, diagnostics: diagnostics.diagnostics, status: .dataRejected, plan: nil)
        }
        do {
            digest = try known ?? FileDigest.of(path: source.path, displayName: source.displayName)
            plan = try (reader ?? PlanReader()).run(source, diagnostics: &diagnostics)
        } catch let error as PlanFileError {
            return rejected(error)
        } catch let error as MalformedFileError {
            return rejected(error)
        } catch let error as DecodingError {
            return rejected(error)
        }
        do {
            let outcome = try store.importPlan(
                plan, fileName: source.displayName, digest: digest, clock: clock, allowMassRemoval: allowMassRemoval)
            return PlanImportReport(
                outcome: outcome, diagnostics: diagnostics.diagnostics, status: diagnostics.hasErrors ? .dataRejected : .success, plan: plan
            )
        } catch let error as PlanMassRemovalError {
            diagnostics.emit(Diagnostic(.error, error.text, at: SourceLocation(file: source.displayName)))
            return PlanImportReport(outcome: nil, diagnostics: diagnostics.diagnostics, status: .dataRejected, plan: nil)
        } catch let error as PlanLaneError {
            diagnostics.emit(Diagnostic(.error, error.text, at: SourceLocation(file: source.displayName)))
            return PlanImportReport(outcome: nil, diagnostics: diagnostics.diagnostics, status: .dataRejected, plan: nil)
        }
    }
}
