internal import Foundation
internal import Pipeline

/// Watches the bytes before the root element and refuses what could declare entities.
///
/// The prolog may hold only an XML declaration, comments, processing instructions, whitespace and
/// a DOCTYPE; the guard skips the first four and refuses `<!D…` at its `<`. Its byte checks hold
/// only in ASCII-compatible encodings, so a file that starts like UTF-16, UTF-32 or EBCDIC, or
/// whose XML declaration names an encoding outside a short list, is refused too. Anything else
/// unexpected ends the guard's watch: it is not well-formed, and libxml2 stops there itself.
struct XMLPrologGuard {
    /// What the guard concluded from one more byte.
    enum Verdict: Equatable {
        /// Still in the prolog.
        case undecided
        /// The root element (or something libxml2 will reject) has begun; nothing more to watch.
        case passed
        /// The file must not be parsed; the position is that of the offending markup.
        case refused(line: Int, column: Int, message: Message)
    }

    private enum State {
        case prolog, lessThan, bang, bangDash, comment, commentDash, commentDashDash, instruction, instructionQuestion
    }

    /// Encodings in which `<`, `!`, `>`, `-`, `?` and the line feed are always themselves (upper case).
    static let readableEncodings: Set<String> = [
        "UTF-8", "UTF8", "GB18030", "GBK", "GB2312", "CP936", "EUC-CN", "US-ASCII", "ASCII", "ISO-8859-1", "LATIN1",
    ]

    /// The message for a refused DOCTYPE.
    static let doctypeRefusal = Message(.xmlDoctype)

    private var state = State.prolog
    private var index = 0
    private var bomLength = 0
    private var line = 1
    private var column = 0
    private var markLine = 1
    private var markColumn = 1
    private var declaration: [UInt8]?

    /// Takes the next byte of the file.
    mutating func inspect(_ byte: UInt8) -> Verdict {
        defer { index += 1 }
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        if index < 3, bomLength == index, byte == bom[index] {
            bomLength += 1
        } else if byte == 0x0A {
            line += 1
            column = 0
        } else if byte & 0xC0 != 0x80 {
            column += 1 // libxml2 counts characters; UTF-8 continuation bytes add none
        }
        if (index == 0 && [0x00, 0xFE, 0xFF, 0x4C].contains(byte)) || (index == 1 && byte == 0x00) {
            return .refused(
                line: 1, column: 1,
                message: Message(.xmlUTF16))
        }
        switch state {
        case .prolog:
            if byte == UInt8(ascii: "<") {
                markLine = line
                markColumn = column
                state = .lessThan
            }
        case .lessThan:
            switch byte {
            case UInt8(ascii: "?"):
                state = .instruction
                declaration = markLine == 1 && markColumn == 1 ? [] : nil
            case UInt8(ascii: "!"):
                state = .bang
            default:
                return .passed
            }
        case .bang:
            switch byte {
            case UInt8(ascii: "-"): state = .bangDash
            case UInt8(ascii: "D"): return .refused(line: markLine, column: markColumn, message: Self.doctypeRefusal)
            default: return .passed // not well-formed; libxml2 stops at it
            }
        case .bangDash:
            guard byte == UInt8(ascii: "-") else { return .passed }
            state = .comment
        case .comment:
            if byte == UInt8(ascii: "-") { state = .commentDash }
        case .commentDash:
            state = byte == UInt8(ascii: "-") ? .commentDashDash : .comment
        case .commentDashDash:
            if byte == UInt8(ascii: ">") {
                state = .prolog
            } else if byte != UInt8(ascii: "-") {
                state = .comment
            }
        case .instruction:
            if byte == UInt8(ascii: "?") {
                state = .instructionQuestion
            } else {
                collect(byte)
            }
        case .instructionQuestion:
            if byte == UInt8(ascii: ">") {
                state = .prolog
                defer { declaration = nil }
                if let declaration, let encoding = Self.declaredEncoding(in: declaration),
                    !Self.readableEncodings.contains(encoding.uppercased())
                {
                    return .refused(
                        line: markLine, column: markColumn,
                        message: Message(.xmlEncoding, ["encoding": encoding]))
                }
            } else if byte != UInt8(ascii: "?") {
                collect(UInt8(ascii: "?"))
                collect(byte)
                state = .instruction
            } else {
                collect(byte)
            }
        }
        return .undecided
    }

    private mutating func collect(_ byte: UInt8) {
        if declaration != nil, let count = declaration?.count, count < 512 { declaration?.append(byte) }
    }

    /// The value of `encoding="…"` in the text of an XML declaration, if there is one.
    static func declaredEncoding(in declaration: [UInt8]) -> String? {
        let text = String(decoding: declaration, as: UTF8.self)
        guard let keyword = text.range(of: "encoding") else { return nil }
        var rest = text[keyword.upperBound...].drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard rest.first == "=" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }
}
