// The night's rejected rows by reason, read back from the rejects files the imports wrote (the store
// keeps the counts, the files keep the reasons: `line` and `reason` are their last two columns,
// CSV or workbook alike).
//
// Reasons name the values at fault (`USCC check character is 'Q', expected 'F'`), so no two are
// alike; they are grouped by their pattern: every quoted value, every number and every code with
// a digit in it replaced by `…` (`USCC check character is '…', expected '…'`). The rule is ours
// and deliberately plain: the same reason for another row or value falls in the same bar.

internal import Foundation
internal import Pipeline

/// One bar of the rejects chart.
struct RejectReason: Sendable, Hashable {
    /// The reason with its values taken out.
    var pattern: String
    /// Rows rejected for it tonight.
    var rows: Int
    /// The rejects files holding them, workspace-relative, in the order first met.
    var files: [String]
}

/// Reads reasons from rejects files and groups them.
enum RejectReasons {
    /// The reasons of every rejects file, grouped by pattern, most rows first (then by pattern).
    /// Files that cannot be read are returned apart, with what went wrong.
    static func tally(files: [(relative: String, absolute: String)]) -> (reasons: [RejectReason], unreadable: [String]) {
        var byPattern: [String: RejectReason] = [:]
        var unreadable: [String] = []
        for file in files {
            let reasons: [String]
            do {
                reasons = try read(path: file.absolute, displayName: file.relative)
            } catch {
                unreadable.append("\(file.relative): \(error)")
                continue
            }
            for reason in reasons {
                let key = pattern(of: reason)
                var entry = byPattern[key] ?? RejectReason(pattern: key, rows: 0, files: [])
                entry.rows += 1
                if !entry.files.contains(file.relative) { entry.files.append(file.relative) }
                byPattern[key] = entry
            }
        }
        let sorted = byPattern.values.sorted { a, b in
            a.rows != b.rows ? a.rows > b.rows : a.pattern.utf8.lexicographicallyPrecedes(b.pattern.utf8)
        }
        return (sorted, unreadable)
    }

    /// The reasons of one rejects file, one per rejected row: the last column of each row after the
    /// header (whose last column must be `reason`).
    static func read(path: String, displayName: String) throws -> [String] {
        var rows: [[String]] = []
        if InputSniffer.isWorkbook(path: path) {
            let sheet = try XLSXSheet(path: path, displayName: displayName, sheet: nil)
            defer { sheet.stop() }
            while let row = try sheet.nextRow() {
                var fields: [String] = []
                for cell in row.cells {
                    while fields.count < cell.column - 1 { fields.append("") }
                    fields.append(cell.value)
                }
                rows.append(fields)
            }
        } else {
            let reader = try DelimitedFileReader(path: path, displayName: displayName, delimiter: 0x2C)
            while let record = try reader.next() { rows.append(record.fields) }
        }
        let reasonColumns = Set(UILanguage.allCases.map { MessageCatalogue($0)(.rejectsReason) })
        guard let header = rows.first, let last = header.last, reasonColumns.contains(last) else {
            throw MalformedFileError(location: SourceLocation(file: displayName), Message(.inputNotRejectsFile))
        }
        let column = header.count - 1
        return rows.dropFirst().filter { !$0.allSatisfy(\.isEmpty) }.map { column < $0.count ? $0[column] : "" }
    }

    /// The reason with its values replaced by `…`: quoted values (`'…'`, `“…”`), and every word (a
    /// run of letters and digits) that holds a digit.
    static func pattern(of reason: String) -> String {
        var out = ""
        let scalars = Array(reason.unicodeScalars)
        var index = 0
        // Full-width digits and letters count as word scalars; the full-width punctuation between them does not.
        func isWordScalar(_ s: Unicode.Scalar) -> Bool {
            s.properties.isAlphabetic && s.value < 0x2E80 || ("0"..."9").contains(s) || s == "_"
                || (0xFF10...0xFF19).contains(s.value) || (0xFF21...0xFF3A).contains(s.value) || (0xFF41...0xFF5A).contains(s.value)
        }
        while index < scalars.count {
            let scalar = scalars[index]
            // A quoted value: a quote after a space, `(` or the start, closed by the next quote
            // that is followed by a space, punctuation or the end.
            if scalar == "'", index == 0 || [" ", "("].contains(scalars[index - 1]) {
                var end = index + 1
                while end < scalars.count {
                    if scalars[end] == "'", end + 1 == scalars.count || !isWordScalar(scalars[end + 1]) { break }
                    end += 1
                }
                if end < scalars.count {
                    out += "'…'"
                    index = end + 1
                    continue
                }
            }
            // A value in Chinese quotes (the catalogue's Chinese reasons quote values as “…”).
            if scalar == "“", let close = scalars[(index + 1)...].firstIndex(of: "”") {
                out += "“…”"
                index = close + 1
                continue
            }
            if isWordScalar(scalar) {
                var end = index
                while end < scalars.count, isWordScalar(scalars[end]) { end += 1 }
                let word = scalars[index..<end]
                if word.contains(where: { ("0"..."9").contains($0) || (0xFF10...0xFF19).contains($0.value) }) {
                    out += "…"
                } else {
                    out.unicodeScalars.append(contentsOf: word)
                }
                index = end
                continue
            }
            out.unicodeScalars.append(scalar)
            index += 1
        }
        return out
    }
}
