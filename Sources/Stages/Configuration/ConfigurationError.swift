public import Pipeline

/// A configuration problem: a TOML syntax error, an unknown key or a bad value, with the file, the
/// line and the dotted key, printed as `suiji.toml:7: error: unknown key 'risk.multiplers'; …`.
public struct ConfigurationError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The configuration file as named to the user.
    public var file: String
    /// The 1-based line, or nil for the file as a whole.
    public var line: Int?
    /// The 1-based column, known for syntax errors only.
    public var column: Int?
    /// The dotted key, such as `risk.multipliers.A` or `risk.override[2].task` (blocks counted from 1);
    /// empty for syntax errors and unreadable files.
    public var key: String
    /// What is wrong and what is expected: a catalogue text.
    public var text: Message

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, _ text: Message) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.text = text
    }

    /// Creates an error whose words come whole from elsewhere (a loader's own).
    public init(file: String, line: Int? = nil, column: Int? = nil, key: String, message: String) {
        self.init(file: file, line: line, column: column, key: key, Message(verbatim: message))
    }

    /// What is wrong and what is expected, in English.
    public var message: String { MessageCatalogue(.en)(text) }

    /// Where the problem is.
    public var location: SourceLocation { SourceLocation(file: file, line: line, column: column) }

    /// The error as a diagnostic, for collectors and golden files.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: location) }

    /// `file:line: error: message`.
    public var description: String { diagnostic.description }
}

extension ConfigurationError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .configuration }
}
