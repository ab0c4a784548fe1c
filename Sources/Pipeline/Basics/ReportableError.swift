// The one path from an error to what a person reads and to the exit status of the command.
//
// Every error that can stop a command adopts `ReportableError`: its description says what
// happened, where and what to do, and `exitStatus` says how the command ends. The `suiji`
// executable catches errors in one place (`Suiji.main`), prints the description to standard error
// and exits with the status; no command maps errors to exit codes on its own.

/// An error a person reads (what happened, where, what to do) with the exit status a command ends with.
public protocol ReportableError: Error, CustomStringConvertible {
    /// The exit status of a command that stops on this error.
    var exitStatus: ExitStatus { get }
}

/// An error about a place in an input, printed as its diagnostic line in the language in force
/// (`path:line: error: text`).
public protocol DiagnosticReportableError: ReportableError {
    /// The diagnostic that says it.
    var diagnostic: Diagnostic { get }
}
