/// One step of the pipeline: typed input in, typed output out, findings to a collector.
///
/// Stages throw only for what stops the run (a malformed file, a missing column); a rejected
/// row is a diagnostic.
public protocol PipelineStage<Input, Output> {
    /// What the stage consumes.
    associatedtype Input
    /// What the stage produces.
    associatedtype Output
    /// Runs the stage.
    func run(_ input: Input, diagnostics: inout DiagnosticCollector) throws -> Output
}
