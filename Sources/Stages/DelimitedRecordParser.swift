public import Pipeline

/// One record of a delimited file, with the physical line on which it starts.
public struct DelimitedRecord: Sendable, Hashable {
    /// The fields, unquoted, as UTF-8 text.
    public var fields: [String]
    /// The physical line on which the record starts (1-based).
    public var line: Int

    /// Creates a record.
    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }

    /// True if every field is empty or whitespace (a blank line, or a line of bare delimiters).
    public var isBlank: Bool { fields.allSatisfy { $0.allSatisfy(\.isWhitespace) } }
}

/// A file that is not well-formed as a whole: an unterminated quote, bad XML, undecodable bytes.
public struct MalformedFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public var location: SourceLocation
    /// What happened and what to do.
    public var message: String

    /// Creates an error.
    public init(location: SourceLocation, message: String) {
        self.location = location
        self.message = message
    }

    /// `file:line:column: error: message`.
    public var description: String { "\(location): error: \(message)" }
}

/// An RFC 4180 parser over UTF-8 bytes, fed in chunks of any size, down to one byte.
///
/// Beyond RFC 4180 it accepts LF or CRLF line ends, blank lines, and a quote inside an unquoted
/// field (kept literally). Line numbers count every line feed, including those inside quoted fields.
public struct DelimitedRecordParser: Sendable {
    private enum State: Sendable {
        case recordStart, fieldStart, unquoted, quoted, quoteInQuoted, afterCR
    }

    /// The field separator: `,` or a tab.
    public let delimiter: UInt8
    private let displayName: String
    private var state: State = .recordStart
    private var field: [UInt8] = []
    private var fields: [String] = []
    private var line = 1
    private var recordLine = 1
    private var quoteLine = 1

    /// Creates a parser for a file shown to the user as `displayName`.
    public init(delimiter: UInt8, displayName: String) {
        self.delimiter = delimiter
        self.displayName = displayName
        field.reserveCapacity(256)
    }

    /// The physical line the parser is on.
    public var currentLine: Int { line }

    private mutating func endField() {
        fields.append(String(decoding: field, as: UTF8.self))
        field.removeAll(keepingCapacity: true)
    }

    private mutating func endRecord(_ emit: (DelimitedRecord) throws -> Void) rethrows {
        endField()
        let record = DelimitedRecord(fields: fields, line: recordLine)
        fields = []
        fields.reserveCapacity(record.fields.count)
        try emit(record)
    }

    /// Outside quotes: a delimiter ends the field, LF or CR the record; true if `byte` was one of them.
    @inline(__always)
    private mutating func endsFieldOrRecord(_ byte: UInt8, _ emit: (DelimitedRecord) throws -> Void) rethrows -> Bool {
        switch byte {
        case delimiter:
            endField()
            state = .fieldStart
        case 0x0A:
            line += 1
            try endRecord(emit)
            state = .recordStart
        case 0x0D:
            try endRecord(emit)
            state = .afterCR
        default:
            return false
        }
        return true
    }

    /// Consumes bytes of validated UTF-8, calling `emit` for every completed record.
    public mutating func consume(_ bytes: UnsafeRawBufferPointer, _ emit: (DelimitedRecord) throws -> Void) rethrows {
        let quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        for byte in bytes {
            switch state {
            case .afterCR:
                if byte == lf {
                    line += 1
                    state = .recordStart
                    continue
                }
                state = .recordStart
                fallthrough
            case .recordStart:
                if byte == lf {
                    line += 1  // blank line
                    continue
                }
                if byte == cr {
                    state = .afterCR
                    continue
                }
                recordLine = line
                fallthrough
            case .fieldStart:
                if byte == quote {
                    state = .quoted
                    quoteLine = line
                } else if try endsFieldOrRecord(byte, emit) {
                    continue
                } else {
                    field.append(byte)
                    state = .unquoted
                }
            case .unquoted:
                if try !endsFieldOrRecord(byte, emit) { field.append(byte) }
            case .quoted:
                if byte == quote {
                    state = .quoteInQuoted
                } else {
                    if byte == lf { line += 1 }
                    field.append(byte)
                }
            case .quoteInQuoted:
                if byte == quote {
                    field.append(quote)
                    state = .quoted
                } else if try endsFieldOrRecord(byte, emit) {
                    continue
                } else {
                    // `"abc"def`: not RFC 4180; keep the text rather than lose it.
                    field.append(byte)
                    state = .unquoted
                }
            }
        }
    }

    /// Ends the input: emits a last record without a line end, or throws on an unterminated quote.
    public mutating func finish(_ emit: (DelimitedRecord) throws -> Void) throws {
        switch state {
        case .quoted:
            throw MalformedFileError(
                location: SourceLocation(file: displayName, line: quoteLine, column: fields.count + 1),
                message: "the quoted field that starts on line \(quoteLine) is never closed; the file may be truncated")
        case .fieldStart, .unquoted, .quoteInQuoted:
            try endRecord(emit)
        case .recordStart, .afterCR:
            break
        }
        state = .recordStart
    }
}
