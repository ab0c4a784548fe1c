internal import Foundation

/// The line of every key, table header and array element of a TOML document.
///
/// TOMLKit reports positions of syntax errors only, so this scans the (already valid) text once:
/// `[table]` and `[[array.of.tables]]` headers (counted, so the n-th block is element n), `key =`
/// lines with dotted and quoted keys, inline tables and arrays (their keys and elements get the
/// line they are written on), strings of all four kinds and comments.
struct TOMLKeyLines {
    private var lines: [ConfigKey: Int] = [:]

    /// Scans a document.
    init(text: String) {
        var scanner = Scanner(bytes: Array(text.utf8))
        scanner.scanDocument()
        lines = scanner.lines
    }

    /// The line of a key; failing that, of the nearest enclosing key that was written.
    func line(of key: ConfigKey) -> Int? {
        var key = key
        while true {
            if let line = lines[key] { return line }
            if key.components.isEmpty { return nil }
            key.components.removeLast()
        }
    }

    /// `A-Z a-z 0-9 _ -`: the characters of a bare key.
    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var position = 0
        var line = 1
        var lines: [ConfigKey: Int] = [:]
        /// How many `[[…]]` blocks each array of tables has had so far.
        var arrayTableCounts: [ConfigKey: Int] = [:]
        /// The table the next `key = value` lines belong to.
        var current = ConfigKey.root

        init(bytes: [UInt8]) { self.bytes = bytes }

        var peek: UInt8? { position < bytes.count ? bytes[position] : nil }

        func peek(_ offset: Int) -> UInt8? { position + offset < bytes.count ? bytes[position + offset] : nil }

        mutating func advance(_ count: Int = 1) {
            for _ in 0..<count where position < bytes.count {
                if bytes[position] == UInt8(ascii: "\n") { line += 1 }
                position += 1
            }
        }

        mutating func record(_ key: ConfigKey, at line: Int) {
            if lines[key] == nil { lines[key] = line }
        }

        mutating func skipSpaces() {
            while let byte = peek, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") { advance() }
        }

        mutating func skipBlank() {
            while let byte = peek {
                switch byte {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): advance()
                case UInt8(ascii: "#"):
                    while let byte = peek, byte != UInt8(ascii: "\n") { advance() }
                default: return
                }
            }
        }

        mutating func scanDocument() {
            while true {
                skipBlank()
                guard let byte = peek else { return }
                let start = position
                if byte == UInt8(ascii: "[") { scanHeader() } else { scanKeyValue(in: current) }
                // The text is valid TOML, but never loop on a byte the scanner does not understand.
                if position == start { advance() }
            }
        }

        mutating func scanHeader() {
            let headerLine = line
            advance()
            let isArrayOfTables = peek == UInt8(ascii: "[")
            if isArrayOfTables { advance() }
            let names = scanKey()
            skipSpaces()
            while peek == UInt8(ascii: "]") { advance() }
            var key = ConfigKey.root
            for (offset, name) in names.enumerated() {
                key = key.appending(name)
                if isArrayOfTables, offset == names.count - 1 {
                    let count = arrayTableCounts[key] ?? 0
                    arrayTableCounts[key] = count + 1
                    record(key, at: headerLine)
                    key = key.appending(index: count)
                } else if let count = arrayTableCounts[key] {
                    key = key.appending(index: count - 1)
                }
                record(key, at: headerLine)
            }
            current = key
        }

        mutating func scanKeyValue(in table: ConfigKey) {
            let keyLine = line
            var key = table
            for name in scanKey() {
                key = key.appending(name)
                record(key, at: keyLine)
            }
            skipSpaces()
            if peek == UInt8(ascii: "=") { advance() }
            skipSpaces()
            scanValue(at: key)
        }

        /// A possibly dotted key: bare, "basic" or 'literal' parts.
        mutating func scanKey() -> [String] {
            var names: [String] = []
            while true {
                skipSpaces()
                guard let byte = peek else { break }
                if byte == UInt8(ascii: "\"") {
                    names.append(scanBasicString())
                } else if byte == UInt8(ascii: "'") {
                    names.append(scanLiteralString())
                } else {
                    let start = position
                    while let byte = peek, TOMLKeyLines.isBareKeyByte(byte) { advance() }
                    guard position > start else { break }
                    names.append(String(decoding: bytes[start..<position], as: UTF8.self))
                }
                skipSpaces()
                guard peek == UInt8(ascii: ".") else { break }
                advance()
            }
            return names
        }

        mutating func scanValue(at key: ConfigKey) {
            guard let byte = peek else { return }
            switch byte {
            case UInt8(ascii: "\""):
                if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                    skipMultilineString(quote: UInt8(ascii: "\""), escapes: true)
                } else {
                    _ = scanBasicString()
                }
            case UInt8(ascii: "'"):
                if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                    skipMultilineString(quote: UInt8(ascii: "'"), escapes: false)
                } else {
                    _ = scanLiteralString()
                }
            case UInt8(ascii: "["):
                advance()
                var index = 0
                while true {
                    skipBlank()
                    guard let byte = peek else { return }
                    if byte == UInt8(ascii: "]") {
                        advance()
                        return
                    }
                    let start = position
                    let element = key.appending(index: index)
                    record(element, at: line)
                    scanValue(at: element)
                    index += 1
                    skipBlank()
                    if peek == UInt8(ascii: ",") { advance() }
                    if position == start { advance() }
                }
            case UInt8(ascii: "{"):
                advance()
                while true {
                    skipBlank()
                    guard let byte = peek else { return }
                    if byte == UInt8(ascii: "}") {
                        advance()
                        return
                    }
                    let start = position
                    scanKeyValue(in: key)
                    skipBlank()
                    if peek == UInt8(ascii: ",") { advance() }
                    if position == start { advance() }
                }
            default:
                // Numbers, booleans, dates: up to the next delimiter (a date-time may hold a space).
                while let byte = peek,
                    byte != UInt8(ascii: ","), byte != UInt8(ascii: "]"), byte != UInt8(ascii: "}"),
                    byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "#")
                {
                    advance()
                }
            }
        }

        /// A "basic" string with escapes, decoded (keys need their real text).
        mutating func scanBasicString() -> String {
            advance()
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                raw.removeAll()
            }
            while let byte = peek, byte != UInt8(ascii: "\n") {
                if byte == UInt8(ascii: "\"") {
                    advance()
                    break
                }
                if byte == UInt8(ascii: "\\") {
                    flush()
                    advance()
                    guard let escape = peek else { break }
                    advance()
                    switch escape {
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "e"): scalars.append("\u{1B}")
                    case UInt8(ascii: "u"), UInt8(ascii: "U"):
                        let width = escape == UInt8(ascii: "u") ? 4 : 8
                        let end = min(position + width, bytes.count)
                        let hex = String(decoding: bytes[position..<end], as: UTF8.self)
                        advance(width)
                        if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) { scalars.append(scalar) }
                    default: scalars.append(Unicode.Scalar(escape))
                    }
                    continue
                }
                raw.append(byte)
                advance()
            }
            flush()
            return String(scalars)
        }

        /// A 'literal' string, taken as written.
        mutating func scanLiteralString() -> String {
            advance()
            let start = position
            while let byte = peek, byte != UInt8(ascii: "'"), byte != UInt8(ascii: "\n") { advance() }
            let text = String(decoding: bytes[start..<position], as: UTF8.self)
            if peek == UInt8(ascii: "'") { advance() }
            return text
        }

        /// A """multi-line""" or '''multi-line''' string, which may end in up to two extra quotes.
        mutating func skipMultilineString(quote: UInt8, escapes: Bool) {
            advance(3)
            while let byte = peek {
                if escapes, byte == UInt8(ascii: "\\") {
                    advance(2)
                    continue
                }
                if byte == quote, peek(1) == quote, peek(2) == quote {
                    advance(3)
                    var extra = 0
                    while extra < 2, peek == quote {
                        advance()
                        extra += 1
                    }
                    return
                }
                advance()
            }
        }
    }
}
