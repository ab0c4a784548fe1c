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
public struct MalformedFileError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// Where the problem is.
    public var location: SourceLocation
    /// What happened and what to do: a catalogue text.
    public var text: Message

    /// Creates an error.
    public init(location: SourceLocation, _ text: Message) {
        self.location = location
        self.text = text
    }

    /// Creates an error whose words come whole from elsewhere (a library's or the system's).
    public init(location: SourceLocation, message: String) {
        self.init(location: location, Message(verbatim: message))
    }

    /// The text in English.
    public var message: String { MessageCatalogue(.en)(text) }

    /// The diagnostic it makes.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: location) }

    /// `file:line:column: error: message`.
    public var description: String { diagnostic.description }
}

/// An RFC 4180 parser over UTF-8 bytes, fed in chunks of any size, down to one byte.
///
/// Beyond RFC 4180 it accepts LF or CRLF line ends, blank lines, and a quote inside an unquoted
/// field (kept literally). Line numbers count every line end: LF, CRLF (once) and, outside quotes,
/// a lone CR (which ends a record, so it ends a line); inside quoted fields every line feed counts.
///
/// The fields of a record are gathered as bytes in one reused buffer and handed out as a
/// `RawDelimitedRecord`; runs of plain bytes are copied at once, not byte by byte.
public struct DelimitedRecordParser: Sendable {
    private enum State: Sendable {
        case recordStart, fieldStart, unquoted, quoted, quoteInQuoted, afterCR
    }

    /// The field separator: `,` or a tab.
    public let delimiter: UInt8
    private let displayName: String
    private var state: State = .recordStart
    private var recordBytes: [UInt8] = []
    private var fieldEnds: [Int] = []
    private var line = 1
    private var recordLine = 1
    private var quoteLine = 1

    /// Creates a parser for a file shown to the user as `displayName`.
    public init(delimiter: UInt8, displayName: String) {
        self.delimiter = delimiter
        self.displayName = displayName
        recordBytes.reserveCapacity(1024)
        fieldEnds.reserveCapacity(32)
    }

    /// The physical line the parser is on.
    public var currentLine: Int { line }

    private mutating func endField() {
        fieldEnds.append(recordBytes.count)
    }

    private mutating func endRecord(_ emit: (RawDelimitedRecord) throws -> Void) rethrows {
        endField()
        let line = recordLine
        try recordBytes.withUnsafeBufferPointer { bytes in
            try fieldEnds.withUnsafeBufferPointer { ends in try emit(RawDelimitedRecord(bytes: bytes, ends: ends, line: line)) }
        }
        recordBytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
    }

    /// Outside quotes: a delimiter ends the field, LF or CR the record; true if `byte` was one of them.
    @inline(__always)
    private mutating func endsFieldOrRecord(_ byte: UInt8, _ emit: (RawDelimitedRecord) throws -> Void) rethrows -> Bool {
        switch byte {
        case delimiter:
            endField()
            state = .fieldStart
        case 0x0A:
            line += 1
            try endRecord(emit)
            state = .recordStart
        case 0x0D:
            // A CR ends the line as well as the record: CRLF counts once (the LF after it is
            // skipped), a lone CR (old Mac files) counts too, so every record has a line of its own.
            line += 1
            try endRecord(emit)
            state = .afterCR
        default:
            return false
        }
        return true
    }

    /// Consumes bytes of validated UTF-8, calling `emit` with a view of every completed record.
    public mutating func consumeRaw(_ raw: UnsafeRawBufferPointer, _ emit: (RawDelimitedRecord) throws -> Void) rethrows {
        let bytes = raw.bindMemory(to: UInt8.self)
        let quote: UInt8 = 0x22, lf: UInt8 = 0x0A, cr: UInt8 = 0x0D
        let n = bytes.count
        var i = 0
        while i < n {
            let byte = bytes[i]
            switch state {
            case .afterCR:
                state = .recordStart
                if byte == lf { i += 1 } // the LF of a CRLF, already counted
            case .recordStart:
                if byte == lf {
                    line += 1 // blank line
                    i += 1
                } else if byte == cr {
                    line += 1 // a blank line ending in CR or CRLF
                    state = .afterCR
                    i += 1
                } else {
                    recordLine = line
                    if let next = try lineRecord(bytes, from: i, emit) {
                        i = next
                        continue
                    }
                    state = .fieldStart
                }
            case .fieldStart:
                if byte == quote {
                    state = .quoted
                    quoteLine = line
                    i += 1
                } else {
                    state = .unquoted // a delimiter or line end here ends an empty field
                }
            case .unquoted:
                var end = Self.nextSpecial(in: bytes, from: i, delimiter: delimiter)
                while end < n {
                    let b = bytes[end]
                    if b == delimiter || b == lf || b == cr { break }
                    end += 1
                }
                if end > i { recordBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end])) }
                i = end
                if i < n {
                    _ = try endsFieldOrRecord(bytes[i], emit)
                    i += 1
                }
            case .quoted:
                var end = i
                while end < n {
                    let b = bytes[end]
                    if b == quote { break }
                    if b == lf { line += 1 }
                    end += 1
                }
                if end > i { recordBytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<end])) }
                i = end
                if i < n {
                    state = .quoteInQuoted
                    i += 1
                }
            case .quoteInQuoted:
                if byte == quote {
                    recordBytes.append(quote)
                    state = .quoted
                    i += 1
                } else if try endsFieldOrRecord(byte, emit) {
                    i += 1
                } else {
                    // `"abc"def`: not RFC 4180; keep the text rather than lose it.
                    state = .unquoted
                }
            }
        }
    }

    /// A record that lies whole in `bytes` from `start` on one line, without a quote or CR, handed
    /// to `emit` as a view of `bytes` itself (its fields one delimiter apart), with nothing copied;
    /// returns the offset after its LF. Any other record: nil, and nothing has changed.
    ///
    /// Almost every line of a register is such a record. Taking them whole, the delimiters found
    /// eight bytes a step, replaced the state machine's field-by-field copies (callgrind, 100,000
    /// rows: the parser and its copies were a quarter of a re-import's instructions).
    @inline(__always)
    private mutating func lineRecord(
        _ bytes: UnsafeBufferPointer<UInt8>, from start: Int, _ emit: (RawDelimitedRecord) throws -> Void
    ) rethrows -> Int? {
        guard let base = bytes.baseAddress else { return nil }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let delimiters = ones &* UInt64(delimiter), lineFeeds = ones &* 0x0A, returns = ones &* 0x0D, quotes = ones &* 0x22
        fieldEnds.removeAll(keepingCapacity: true)
        /// Handles a delimiter, LF, CR or quote at `k`: the offset after the record at its LF, -1 to give up, 0 to go on.
        @inline(__always) func special(_ k: Int, _ emit: (RawDelimitedRecord) throws -> Void) rethrows -> Int {
            let b = bytes[k]
            if b == delimiter {
                fieldEnds.append(k - start)
                return 0
            }
            guard b == 0x0A else {
                fieldEnds.removeAll(keepingCapacity: true)
                return -1
            }
            fieldEnds.append(k - start)
            line += 1
            let record = UnsafeBufferPointer(rebasing: bytes[start..<k])
            try fieldEnds.withUnsafeBufferPointer { ends in
                try emit(RawDelimitedRecord(bytes: record, ends: ends, line: recordLine, gap: 1))
            }
            fieldEnds.removeAll(keepingCapacity: true)
            return k + 1
        }
        var i = start
        while i + 8 <= n {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            var found =
                Self.matches(word, delimiters) | Self.matches(word, lineFeeds) | Self.matches(word, returns) | Self.matches(word, quotes)
            while found != 0 {
                let outcome = try special(i + found.trailingZeroBitCount >> 3, emit)
                if outcome > 0 { return outcome }
                if outcome < 0 { return nil }
                found &= found &- 1
            }
            i += 8
        }
        while i < n {
            let b = bytes[i]
            if b == delimiter || b == 0x0A || b == 0x0D || b == 0x22 {
                let outcome = try special(i, emit)
                if outcome > 0 { return outcome }
                if outcome < 0 { return nil }
            }
            i += 1
        }
        // The line goes on in the next chunk: the state machine takes it.
        fieldEnds.removeAll(keepingCapacity: true)
        return nil
    }

    /// The top bit of each byte of `word` that equals the byte repeated in `pattern`, exactly (no carry crosses bytes).
    @inline(__always)
    static func matches(_ word: UInt64, _ pattern: UInt64) -> UInt64 {
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        let x = word ^ pattern
        return ~(((x & low7) &+ low7) | x | low7)
    }

    /// The offset of the first word of eight bytes, from `start`, holding the delimiter, LF or CR
    /// (or where fewer than eight bytes are left): the bytes before it end no field.
    ///
    /// Eight bytes a step: each byte of a word is compared exactly with the three (no carry crosses
    /// bytes). Field text is mostly CJK, bytes of 0x80 and above, in long runs; scanning them a byte
    /// at a time was the larger part of the parser's instructions (callgrind, 100,000 rows).
    @inline(__always)
    static func nextSpecial(in bytes: UnsafeBufferPointer<UInt8>, from start: Int, delimiter: UInt8) -> Int {
        guard let base = bytes.baseAddress else { return start }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101
        let delimiters = ones &* UInt64(delimiter), lineFeeds = ones &* 0x0A, returns = ones &* 0x0D
        var i = start
        while i + 8 <= n {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if Self.matches(word, delimiters) | Self.matches(word, lineFeeds) | Self.matches(word, returns) != 0 { return i }
            i += 8
        }
        return i
    }

    /// Ends the input, handing a last record without a line end to `emit` as a view.
    public mutating func finishRaw(_ emit: (RawDelimitedRecord) throws -> Void) throws {
        switch state {
        case .quoted:
            throw MalformedFileError(
                location: SourceLocation(file: displayName, line: quoteLine, column: fieldEnds.count + 1),
                Message(.inputUnclosedQuote, ["line": "\(quoteLine)"]))
        case .fieldStart, .unquoted, .quoteInQuoted:
            try endRecord(emit)
        case .recordStart, .afterCR:
            break
        }
        state = .recordStart
    }
}

/// One record of a delimited file as the parser holds it: the unquoted bytes of every field, back
/// to back (or `gap` bytes apart: a line taken whole, its delimiters left between the fields), and
/// where each field ends. A view into the parser's buffers or the decoded text, valid only during
/// the call that receives it; `record` copies it out as text.
public struct RawDelimitedRecord {
    /// The fields' bytes, concatenated (`gap` bytes apart).
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The end offset in `bytes` of each field.
    public let ends: UnsafeBufferPointer<Int>
    /// The physical line on which the record starts (1-based).
    public let line: Int
    /// The bytes between one field's end and the next one's start: 0, or 1 (a delimiter).
    var gap = 0

    /// The number of fields.
    public var count: Int { ends.count }

    /// The bytes of field `index`; empty for an index past the last field.
    public func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
        guard index >= 0, index < ends.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = index == 0 ? 0 : ends[index - 1] + gap
        let end = ends[index]
        guard start <= end, end <= bytes.count else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(rebasing: bytes[start..<end])
    }

    /// The record with its fields as text.
    public var record: DelimitedRecord {
        DelimitedRecord(fields: (0..<count).map { String(decoding: field($0), as: UTF8.self) }, line: line)
    }

    /// Calls `body` with a raw view of a record held as text (the header reader's queue).
    public static func withRaw<T>(_ record: DelimitedRecord, _ body: (RawDelimitedRecord) throws -> T) rethrows -> T {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for field in record.fields {
            bytes.append(contentsOf: field.utf8)
            ends.append(bytes.count)
        }
        return try bytes.withUnsafeBufferPointer { b in
            try ends.withUnsafeBufferPointer { e in try body(RawDelimitedRecord(bytes: b, ends: e, line: record.line)) }
        }
    }
}

extension MalformedFileError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .dataRejected }
}
