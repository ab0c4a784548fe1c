/// Control characters in text from outside: the one rule of what names, departments, file names
/// and seeds may not hold, and the one way any input text is printed to a terminal or a report.
///
/// A control character is a Unicode `Cc` character (C0 U+0000–U+001F, DEL U+007F, C1
/// U+0080–U+009F), a line or paragraph separator (U+2028, U+2029), or a bidirectional control
/// (U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), which reorders what a terminal shows. Printed
/// raw, such a character can clear a terminal, move its cursor, forge a line of a report or
/// make a name read backwards; stored, it hides in every later output.
public enum ControlCharacters {
    /// True for a control character (see the type's description).
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// True for what free text may hold beside its words: a line feed, a carriage return or a tab
    /// (an address or a remark written on two lines in a spreadsheet cell).
    public static func isLayout(_ scalar: Unicode.Scalar) -> Bool { scalar == "\n" || scalar == "\r" || scalar == "\t" }

    /// The first control character of `text` and its 1-based position in characters, if any;
    /// `allowingLayout` lets line feeds, carriage returns and tabs pass.
    public static func first(in text: String, allowingLayout: Bool = false) -> (scalar: Unicode.Scalar, position: Int)? {
        var position = 0
        for character in text {
            position += 1
            for scalar in character.unicodeScalars where isControl(scalar) && !(allowingLayout && isLayout(scalar)) {
                return (scalar, position)
            }
        }
        return nil
    }

    /// The words for a control character found at a position, e.g. `a control character, U+0000 (NUL), at character 5`.
    public static func describeText(_ found: (scalar: Unicode.Scalar, position: Int)) -> Message {
        Message(.controlCharFound, ["name": name(found.scalar), "position": "\(found.position)"])
    }

    /// Why `text` (a `what`, such as ``MessageKey/wordDepartmentName``) is refused, or nil if it holds no control character.
    public static func refusal(of text: String, as what: MessageKey, allowingLayout: Bool = false) -> Message? {
        guard let found = first(in: text, allowingLayout: allowingLayout) else { return nil }
        return Message(.controlCharRefusal, ["text": escaped(text)], parts: ["what": Message(what), "found": describeText(found)])
    }

    /// True if UTF-8 bytes hold a control character other than a line feed, carriage return or
    /// tab: the imports' fast path, which hands such a row to the validator to be refused.
    @inlinable
    public static func containsControlBesidesLayout(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte < 0x20 {
                if byte != 0x0A && byte != 0x0D && byte != 0x09 { return true }
            } else if byte == 0x7F {
                return true
            } else if byte == 0xC2, index + 1 < count, bytes[index + 1] >= 0x80, bytes[index + 1] <= 0x9F {
                return true
            } else if byte == 0xE2, index + 2 < count {
                let second = bytes[index + 1], third = bytes[index + 2]
                if second == 0x80, third == 0x8E || third == 0x8F || (0xA8...0xAE).contains(third) { return true }
                if second == 0x81, (0xA6...0xA9).contains(third) { return true }
            }
            index += 1
        }
        return false
    }

    /// `U+0007 (BEL)`, `U+202E`: how a message names a control character.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let code =
            "U+" + String(repeating: "0", count: max(0, 4 - String(scalar.value, radix: 16).count))
            + String(scalar.value, radix: 16, uppercase: true)
        let names: [UInt32: String] = [
            0x00: "NUL", 0x07: "BEL", 0x08: "BS", 0x09: "TAB", 0x0A: "LF", 0x0B: "VT", 0x0C: "FF", 0x0D: "CR", 0x1B: "ESC", 0x7F: "DEL",
        ]
        return names[scalar.value].map { "\(code) (\($0))" } ?? code
    }

    /// False when no UTF-8 byte of `text` can begin a control character (a byte below 0x20 other
    /// than a kept line feed or tab, DEL, or the lead byte 0xC2 or 0xE2 of the other ranges):
    /// ``escaped(_:keepingLines:)``'s byte scan, which spares most text the walk by scalars. (That
    /// walk was about a tenth of printing a re-import's 16,000 diagnostics, by `perf`.)
    private static func mayHoldControl(_ utf8: String.UTF8View, keepingLines: Bool) -> Bool {
        func scan(_ bytes: some Sequence<UInt8>) -> Bool {
            for byte in bytes {
                if byte < 0x20 {
                    if !(keepingLines && (byte == 0x0A || byte == 0x09)) { return true }
                } else if byte == 0x7F || byte == 0xC2 || byte == 0xE2 {
                    return true
                }
            }
            return false
        }
        // A native string's bytes are contiguous: read directly rather than through the view's index.
        return utf8.withContiguousStorageIfAvailable { scan($0) } ?? scan(utf8)
    }

    /// `text` with every control character written as `\u{XX}`, so that no input reaches a
    /// terminal or a report raw: the one function every printed input goes through. (A backslash
    /// stays as it is: Windows paths read as they are written.)
    /// With `keepingLines`, line feeds and tabs stay (text of several lines, a CSV cell).
    public static func escaped(_ text: String, keepingLines: Bool = false) -> String {
        func escapes(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) && !(keepingLines && (scalar == "\n" || scalar == "\t")) }
        guard mayHoldControl(text.utf8, keepingLines: keepingLines) else { return text }
        guard text.unicodeScalars.contains(where: escapes) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if escapes(scalar) {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}
