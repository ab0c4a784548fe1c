public import Pipeline

/// A configuration problem: a TOML syntax error, an unknown key or a bad value, with the file, the
/// line and the dotted key, printed as `suiji.toml:7: error: unknown key 'risk.multiplers'; …`.
public struct ConfigurationError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file as named to the user.
    public var file: String
    /// The 1-based line, or nil for the file as a whole.
    public var line: Int?
    /// The 1-based column, known for syntax errors only.
    public var column: Int?
    /// The dotted key, such as `risk.multipliers.A` or `risk.override[2].task` (blocks counted from 1);
    /// empty for syntax errors and unreadable files.
    public var key: String
    /// What is wrong and what is expected.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    /// Where the problem is.
    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    /// The error as a diagnostic, for collectors and golden files.
    public var diagnostic: Diagnostic { Diagnostic(.error, verbatim: message, at: location) }

    /// `file:line: error: message`.
    public var description: String { diagnostic.description }
}

extension ConfigurationError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .configuration }
}
