// The payload's XML, written by hand in the XSD's order (see PublicationPayload.swift).

/// A minimal indenting XML writer for the payload's fixed shape.
struct XMLWriter {
    /// The text so far.
    private(set) var text = ""

    /// Appends one line.
    mutating func line(_ content: String) {
        text += content
        text += "\n"
    }

    /// `<name>` on its own line.
    mutating func open(_ name: String, depth: Int) { line(indent(depth) + "<\(name)>") }

    /// `</name>` on its own line.
    mutating func close(_ name: String, depth: Int) { line(indent(depth) + "</\(name)>") }

    /// `<name>escaped value</name>` on one line.
    mutating func element(_ name: String, _ value: String, depth: Int) throws(PublicationPayloadError) {
        line(indent(depth) + "<\(name)>" + (try Self.escape(value, field: name)) + "</\(name)>")
    }

    /// Two spaces per level.
    private func indent(_ depth: Int) -> String { String(repeating: "  ", count: depth) }

    /// Text escaped for element content and double-quoted attributes.
    static func escape(_ value: String, field: String) throws(PublicationPayloadError) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar.value {
            case 0x26: out += "&amp;"
            case 0x3C: out += "&lt;"
            case 0x3E: out += "&gt;"
            case 0x22: out += "&quot;"
            case 0x09: out += "&#9;"
            case 0x0A: out += "&#10;"
            case 0x0D: out += "&#13;"
            case 0x00...0x1F, 0xFFFE, 0xFFFF:
                throw .notRepresentableInXML(field: field, scalar: scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
