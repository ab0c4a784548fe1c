import Foundation
import GRDB
import Testing

@testable import Stages

/// The text a person reads on a page: the markup without `<style>`, tags as spaces, character
/// references decoded, runs of white space as one space.
func visibleText(_ html: String) -> String {
    var text = html
    while let open = text.range(of: "<style"), let close = text.range(of: "</style>", range: open.upperBound..<text.endIndex) {
        text.removeSubrange(open.lowerBound..<close.upperBound)
    }
    var out = ""
    var inTag = false
    for character in text {
        if character == "<" {
            inTag = true
            out += " "
        } else if character == ">" && inTag {
            inTag = false
        } else if !inTag {
            out.append(character)
        }
    }
    for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
        out = out.replacingOccurrences(of: entity, with: character)
    }
    return out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
}

/// Every value the public pages must never show, read from the demo's store: every address, phone
/// and legal representative of every register row, every inspector's id and name.
func forbiddenValues(store path: String) throws -> [(what: String, value: String)] {
    let queue = try DatabaseQueue(
        path: path,
        configuration: {
            var c = GRDB.Configuration(); c.readonly = true; return c
        }())
    defer { try? queue.close() }
    return try queue.read { db in
        var values: [(String, String)] = []
        for (column, what) in [("address", "address"), ("phone", "phone"), ("legal_rep", "legal representative")] {
            for value in try String.fetchAll(
                db, sql: "SELECT DISTINCT \(column) FROM register_rows WHERE \(column) IS NOT NULL AND \(column) != ''")
            {
                values.append((what, value))
            }
        }
        for value in try String.fetchAll(db, sql: "SELECT DISTINCT inspector_id FROM inspector_rows") {
            values.append(("inspector id", value))
        }
        for value in try String.fetchAll(db, sql: "SELECT DISTINCT name FROM inspector_rows") { values.append(("inspector", value)) }
        return values
    }
}

/// What the public pages may show that can hold a forbidden value by chance: every registered
/// business name, and the plan's task names, matters and departments; longest first.
func publicTexts(store path: String) throws -> [String] {
    let store = try Store(path: path, access: .readOnly)
    let texts = try store.reading { sql in
        var texts = Set(try sql.texts("SELECT DISTINCT name FROM register_rows"))
        for stored in try ResultsStore.plans(in: sql) {
            texts.insert(Publisher.planName(stored.plan))
            for task in stored.plan.tasks {
                texts.formUnion([task.name, task.initiator] + task.cooperators + task.matters)
            }
        }
        return texts
    }
    return texts.filter { !$0.isEmpty }.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
}

/// `text` with every occurrence of each of `texts` replaced by `▮`.
func masking(_ text: String, _ texts: [String]) -> String {
    texts.reduce(text) { holds($0, $1) ? $0.replacingOccurrences(of: $1, with: "▮") : $0 }
}

/// True when `text` holds `part`: C's `strstr` on the UTF-8 bytes, fast enough for the thousands of
/// values the scan looks for (Foundation's search took seconds).
func holds(_ text: String, _ part: String) -> Bool {
    text.withCString { haystack in part.withCString { strstr(haystack, $0) != nil } }
}

/// The markup without its `<style>` element (the stylesheet names every class the pages use).
func withoutStylesheet(_ html: String) -> String {
    guard let open = html.range(of: "<style>"), let close = html.range(of: "</style>") else { return html }
    return String(html[..<open.lowerBound] + html[close.upperBound...])
}
