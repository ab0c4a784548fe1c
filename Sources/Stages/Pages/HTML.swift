// The pages' HTML writer: a small typed tree of elements and text, rendered with ONE escaping
// function (`HTML.escape`) for every text and every attribute value, so that nothing that came from
// a file (a business name, a department, a reason, a seed) can open a tag, close an attribute or
// start an entity.
//
// Why our own and not Plot 0.14.0 (the offline mirror has it): Plot writes attribute values as they
// are (`name="value"`, Attribute.swift's `render()`: a `"` in a value ends the attribute), its text
// escaping keeps anything that looks like an entity (`&amp;` in a name is shown as `&`, `&lt;script`
// as `<script`), it passes control characters through, and it has no SVG elements. Wrapping it would
// mean escaping before it and trusting its raw nodes everywhere; the writer below is ~150 lines, has
// one escaping rule and renders SVG with the same code.
//
// The output is deterministic (attributes in the order given, no time, no random ids): a night run
// again writes the same bytes.

internal import Pipeline

/// An HTML (or inline SVG) element name our pages use.
enum Tag: String, Sendable {
    case html, head, meta, title, style, body, header, main, footer, nav, section, article, h1, h2, h3, p, a, ul, ol, li, dl, dt, dd
    case table, caption, thead, tbody, tr, th, td, code, span, strong, small, figure, figcaption, time, details, summary, div, br
    // Inline SVG (a `title` inside it is the shape's tooltip).
    case svg, g, rect, line, circle, text, polyline, path

    /// The name written.
    var name: String { rawValue }

    /// Elements with no content and no end tag.
    var isVoid: Bool { self == .meta || self == .br }
}

/// A node of a page: an element or text. Text and attribute values are escaped when rendered.
struct HTMLNode: Sendable, Hashable {
    fileprivate enum Kind: Sendable, Hashable {
        case element(Tag, [Attribute], [HTMLNode])
        case text(String)
        case stylesheet(String)
        case fragment([HTMLNode])
    }

    /// One attribute: a name of ours and a value that may come from a file.
    struct Attribute: Sendable, Hashable {
        /// The name (written as is: always a literal of our code).
        let name: String
        /// The value (escaped when written).
        let value: String
    }

    fileprivate let kind: Kind

    /// An element with attributes (in the order written) and children.
    static func element(_ tag: Tag, _ attributes: [(String, String)] = [], _ children: [HTMLNode] = []) -> HTMLNode {
        HTMLNode(kind: .element(tag, attributes.map { Attribute(name: $0.0, value: $0.1) }, children))
    }

    /// Text, escaped when written.
    static func text(_ text: String) -> HTMLNode { HTMLNode(kind: .text(text)) }

    /// Several nodes side by side.
    static func fragment(_ nodes: [HTMLNode]) -> HTMLNode { HTMLNode(kind: .fragment(nodes)) }

    /// Nothing.
    static let empty = HTMLNode(kind: .fragment([]))

    /// The page's stylesheet, our own (`page.css`), written inside `<style>` unescaped: CSS is not HTML
    /// text (`>` is a selector there). A `<` in it could end the element, so it is refused (nil).
    static func stylesheet(_ css: String) -> HTMLNode? {
        css.contains("<") ? nil : HTMLNode(kind: .stylesheet(css))
    }
}

/// Rendering and escaping.
enum HTML {
    /// THE escaping function of the pages: `&`, `<`, `>`, `"` and `'` as character references, and
    /// every control character (ControlCharacters: C0 but tab and line breaks, DEL, C1, line and
    /// paragraph separators, bidirectional controls) shown as `\u{…}`, as every other output of
    /// suiji shows them. Safe in text and in a double-quoted attribute value alike.
    static func escape(_ text: String) -> String {
        let visible = ControlCharacters.escaped(text, keepingLines: true)
        var out = ""
        out.reserveCapacity(visible.utf8.count)
        for scalar in visible.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A whole document: `<!DOCTYPE html>`, then the root, then a final newline.
    static func document(_ root: HTMLNode) -> String {
        var out = "<!DOCTYPE html>\n"
        render(root, into: &out)
        out += "\n"
        return out
    }

    /// The markup of one node.
    static func render(_ node: HTMLNode) -> String {
        var out = ""
        render(node, into: &out)
        return out
    }

    /// Elements whose content starts on a new line, and that end one.
    private static let newlineInside: Set<Tag> = [
        .head, .body, .header, .main, .footer, .section, .table, .thead, .tbody, .ul, .ol, .dl, .svg,
    ]
    /// Elements that end a line.
    private static let newlineAfter: Set<Tag> = [.tr, .li, .p, .h1, .h2, .h3, .figure, .nav, .div]

    private static func render(_ node: HTMLNode, into out: inout String) {
        switch node.kind {
        case .text(let text):
            out += escape(text)
        case .stylesheet(let css):
            out += css
        case .fragment(let nodes):
            for child in nodes { render(child, into: &out) }
        case .element(let tag, let attributes, let children):
            out += "<" + tag.name
            for attribute in attributes { out += " " + attribute.name + "=\"" + escape(attribute.value) + "\"" }
            out += ">"
            guard !tag.isVoid else { return }
            // Blocks on lines of their own: readable source, the same bytes every time.
            if Self.newlineInside.contains(tag) { out += "\n" }
            for child in children { render(child, into: &out) }
            out += "</" + tag.name + ">"
            if Self.newlineInside.contains(tag) || Self.newlineAfter.contains(tag) { out += "\n" }
        }
    }
}

// MARK: Building

/// Shorthands for the elements pages are made of.
extension HTMLNode {
    /// `<tag class="…">text</tag>`.
    static func el(_ tag: Tag, class name: String? = nil, _ text: String) -> HTMLNode {
        .element(tag, name.map { [("class", $0)] } ?? [], [.text(text)])
    }

    /// `<tag class="…">children</tag>`.
    static func el(_ tag: Tag, class name: String? = nil, _ children: [HTMLNode]) -> HTMLNode {
        .element(tag, name.map { [("class", $0)] } ?? [], children)
    }

    /// A link (`href` escaped like every value).
    static func link(_ href: String, _ text: String) -> HTMLNode { .element(.a, [("href", href)], [.text(text)]) }

    /// A table: a caption, the header row, then the rows (each cell a node). A wide table scrolls
    /// inside its own box on a phone instead of widening the page; with `cards`, each row becomes a
    /// card on a phone instead, every cell under its column's name (`data-label`, page.css).
    static func table(caption: String? = nil, class name: String? = nil, cards: Bool = false, headers: [String], rows: [[HTMLNode]])
        -> HTMLNode
    {
        var children: [HTMLNode] = []
        if let caption { children.append(.el(.caption, caption)) }
        children.append(.el(.thead, [.el(.tr, headers.map { .element(.th, [("scope", "col")], [.text($0)]) })]))
        children.append(
            .el(
                .tbody,
                rows.map { cells in
                    .el(
                        .tr,
                        cells.enumerated().map { index, cell in
                            .element(.td, cards && index < headers.count ? [("data-label", headers[index])] : [], [cell])
                        })
                }))
        let classes = ([name] + [cards ? "cards" : nil]).compactMap { $0 }.joined(separator: " ")
        return .el(.div, class: cards ? "cardbox" : "scroll", [.element(.table, classes.isEmpty ? [] : [("class", classes)], children)])
    }

    /// A number cell's content: the figure, grouped by thousands.
    static func number(_ value: Int) -> HTMLNode { .el(.span, class: "num", PageFormat.integer(value)) }
}

/// How numbers and paths are written on the pages.
enum PageFormat {
    /// `3071` as `3,071`.
    static func integer(_ value: Int) -> String { Count.number(value) }

    /// A share as a percentage with one decimal: `0.95` as `95.0%`.
    static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// A relative path as an `href`: each segment percent-encoded (RFC 3986's unreserved characters
    /// kept), so that a file name with `#`, `?`, `%` or a space still names the file.
    static func href(_ relativePath: String) -> String {
        relativePath.split(separator: "/", omittingEmptySubsequences: false).map { segment in
            var out = ""
            for byte in segment.utf8 {
                switch byte {
                case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2D, 0x2E, 0x5F, 0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
                default:
                    let hex = Array("0123456789ABCDEF")
                    out += "%" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
                }
            }
            return out
        }.joined(separator: "/")
    }

    /// The path of `target` relative to the folder `from` (both absolute and normalised).
    static func relativePath(of target: String, from folder: String) -> String {
        let t = target.split(separator: "/").map(String.init)
        let f = folder.split(separator: "/").map(String.init)
        var common = 0
        while common < t.count, common < f.count, t[common] == f[common] { common += 1 }
        return (Array(repeating: "..", count: f.count - common) + t[common...]).joined(separator: "/")
    }
}
