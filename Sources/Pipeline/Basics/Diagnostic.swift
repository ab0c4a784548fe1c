/// How serious a diagnostic is: a note informs, a warning keeps the value unset, an error rejects.
public enum Severity: String, Sendable, Hashable, Codable, Comparable {
    /// Information only.
    case note
    /// Something was not understood; the value is left unset, never guessed.
    case warning
    /// A row or file was rejected.
    case error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    /// Orders notes before warnings before errors.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A position in an input file: a path, a physical line and a 1-based column (a field index for tables);
/// in a spreadsheet, a sheet, a row and a column, written as Excel writes a cell (`reg.xlsx:Sheet1!C42`).
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The path of the file as the user named it.
    public var file: String
    /// The 1-based physical line (in a spreadsheet: the row number), or nil for the file as a whole.
    public var line: Int?
    /// The 1-based column (for delimited files: the field number; in a spreadsheet: A = 1), or nil.
    public var column: Int?
    /// The worksheet, for a spreadsheet; nil for text files.
    public var sheet: String?

    /// Creates a location.
    public init(file: String, line: Int? = nil, column: Int? = nil, sheet: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.sheet = sheet
    }

    /// `file:line:column`, leaving out what is unknown (control characters of the name escaped); in a spreadsheet `file:Sheet!C42`
    /// (`file:Sheet!42` without a column, `file:Sheet` for the sheet as a whole).
    public var description: String {
        var text = ControlCharacters.escaped(file)
        if let sheet {
            text += ":" + Self.quotedSheetName(sheet)
            if let line { text += "!" + (column.map(Self.columnName) ?? "") + "\(line)" }
            return text
        }
        if let line {
            text += ":\(line)"
            if let column { text += ":\(column)" }
        }
        return text
    }

    /// The letters of a 1-based column as Excel writes them: 1 is A, 27 is AA, 16384 is XFD.
    public static func columnName(_ column: Int) -> String {
        guard column > 0 else { return "?" }
        var letters: [UInt8] = []
        var rest = column
        while rest > 0 {
            letters.append(UInt8(ascii: "A") + UInt8((rest - 1) % 26))
            rest = (rest - 1) / 26
        }
        return String(decoding: letters.reversed(), as: UTF8.self)
    }

    /// A sheet name as a cell reference writes it: quoted (`'My sheet'`, inner quotes doubled)
    /// unless it is only letters, digits, underscores and periods and does not start with a digit.
    public static func quotedSheetName(_ name: String) -> String {
        let plain =
            !name.isEmpty && !(name.first?.isNumber ?? false)
            && name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }
        return plain ? name : "'" + name.replacing("'", with: "''") + "'"
    }
}

/// One finding about the input, printed as `path:line:column: severity: message [context]`, in the
/// language in force (``rendered(in:)``); `description` is the English line, for logs and goldens.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious it is.
    public var severity: Severity
    /// What happened, in words an operator understands: a catalogue text.
    public var text: Message
    /// Where it happened, if it concerns a file.
    public var location: SourceLocation?
    /// Extra key-value context, such as `entity=9111…`.
    public var context: [String: String]

    /// Creates a diagnostic.
    public init(_ severity: Severity, _ text: Message, at location: SourceLocation? = nil, context: [String: String] = [:]) {
        self.severity = severity
        self.text = text
        self.location = location
        self.context = context
    }

    /// Creates a diagnostic whose words come whole from elsewhere (a library's or the system's).
    public init(_ severity: Severity, verbatim: String, at location: SourceLocation? = nil, context: [String: String] = [:]) {
        self.init(severity, Message(verbatim: verbatim), at: location, context: context)
    }

    /// The text in English.
    public var message: String { MessageCatalogue(.en)(text) }

    /// The one-line form in English, used in logs and golden files (``rendered(in:)``).
    public var description: String { rendered(in: .en) }

    /// The one-line form in `language`; every control character of the input it quotes (file name,
    /// message, context) is escaped (``ControlCharacters/escaped(_:)``).
    public func rendered(in language: UILanguage) -> String {
        let catalogue = MessageCatalogue(language)
        var line = ""
        if let location { line += "\(location): " }
        line += catalogue(severity.prefixKey) + catalogue(text)
        if !context.isEmpty {
            let pairs = context.keys.sorted().map { "\($0)=\(context[$0] ?? "")" }
            line += " [\(pairs.joined(separator: ", "))]"
        }
        return ControlCharacters.escaped(line)
    }
}

extension Severity {
    /// The catalogue key of the word before a diagnostic's text (`error: `, `错误：`).
    public var prefixKey: MessageKey {
        switch self {
        case .note: .notePrefix
        case .warning: .warningPrefix
        case .error: .errorPrefix
        }
    }
}

/// Collects diagnostics from a stage; only what stops the run is thrown.
public struct DiagnosticCollector: Sendable {
    /// Everything collected so far, in order.
    public private(set) var diagnostics: [Diagnostic] = []

    /// Creates an empty collector.
    public init() {}

    /// Adds one diagnostic.
    public mutating func emit(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    /// True if any error was collected.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// The number of diagnostics of a severity.
    public func count(_ severity: Severity) -> Int { diagnostics.filter { $0.severity == severity }.count }
}

extension Diagnostic: Codable {
    private enum CodingKeys: String, CodingKey {
        case severity, message, location, context
    }

    /// Reads a diagnostic written by ``encode(to:)``; its text comes back as the English words.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try container.decode(Severity.self, forKey: .severity),
            verbatim: try container.decode(String.self, forKey: .message),
            at: try container.decodeIfPresent(SourceLocation.self, forKey: .location),
            context: try container.decode([String: String].self, forKey: .context))
    }

    /// Writes the severity, the English text (machine formats stay in one language), the location and the context.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(severity, forKey: .severity)
        try container.encode(message, forKey: .message)
        try container.encodeIfPresent(location, forKey: .location)
        try container.encode(context, forKey: .context)
    }
}
