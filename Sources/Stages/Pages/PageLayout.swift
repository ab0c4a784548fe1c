// The frame every page shares: the document head (charset, viewport for phones, title, the inline
// stylesheet `Resources/page.css` with its print rules), then header, main and footer. Pages are
// self-contained: no script, no font, no image or stylesheet from elsewhere.

internal import Foundation

/// A page's frame.
enum PageLayout {
    /// The stylesheet compiled into suiji.
    static func stylesheet() throws -> HTMLNode {
        let css = try EmbeddedResources.text(named: "page.css")
        guard let node = HTMLNode.stylesheet(css) else {
            throw EmbeddedResourceError(name: "page.css (it must not contain '<')")
        }
        return node
    }

    /// The whole document.
    static func document(
        language: String, title: String, stylesheet: HTMLNode, header: [HTMLNode], main: [HTMLNode], footer: [HTMLNode]
    ) -> String {
        HTML.document(
            .element(
                .html, [("lang", language)],
                [
                    .el(
                        .head,
                        [
                            .element(.meta, [("charset", "utf-8")]),
                            .element(.meta, [("name", "viewport"), ("content", "width=device-width, initial-scale=1")]),
                            .el(.title, title),
                            .el(.style, [stylesheet]),
                        ]),
                    .el(.body, [.el(.header, header), .el(.main, main), .el(.footer, footer)]),
                ]))
    }

    /// A section with a heading and an id (the heading's anchor).
    static func section(id: String, _ title: String, _ children: [HTMLNode]) -> HTMLNode {
        .element(.section, [("id", id)], [.el(.h2, title)] + children)
    }

    /// `<p class="none">…</p>`: what a section says when it has nothing.
    static func nothing(_ text: String) -> HTMLNode { .el(.p, class: "none", text) }

    /// A hash, broken anywhere on a narrow screen.
    static func hash(_ hash: String) -> HTMLNode { .el(.code, class: "hash", hash) }
}

/// Writes a page's file: atomically (``AtomicFileWriter``, the one temporary-file scheme), and not at
/// all when the file already holds the same bytes (a night or a publication run again touches nothing).
enum PageFile {
    /// Writes `text` to `path` unless it already holds it; true when it wrote.
    @discardableResult
    static func write(_ text: String, to path: String) throws -> Bool {
        let bytes = Array(text.utf8)
        if let existing = FileManager.default.contents(atPath: path), existing.elementsEqual(bytes) { return false }
        try AtomicFileWriter.createDirectory((path as NSString).deletingLastPathComponent)
        try AtomicFileWriter.write(bytes, to: path)
        return true
    }
}
