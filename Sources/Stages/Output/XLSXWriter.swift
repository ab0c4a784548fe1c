// Workbooks we write: the rejects of a register that came as .xlsx, the task sheets of a draw.
//
// Minimal SpreadsheetML (ECMA-376 Part 1), what Excel, WPS, LibreOffice, openpyxl and calamine all
// open: [Content_Types].xml, _rels/.rels, xl/workbook.xml, xl/_rels/workbook.xml.rels, xl/styles.xml
// (one bold style for header rows), xl/worksheets/sheetN.xml. Every cell is an inline string
// (`t="inlineStr"`): text stays text (a USCC or an ID number never turns into 9.1E+17), and no cell
// is ever a formula, so a value such as `=HYPERLINK(…)` sent in a register is inert in the rejects
// workbook (formula injection needs a formula cell or a CSV; inline strings are neither).
//
// Our own XML writer, not a library: five escapes and a few fixed parts; each sheet is streamed to a
// temporary file as its rows come, so memory stays flat, and zipped (ZIPFoundation, deflate) with
// the fixed parts at the end, then renamed into place: a kill leaves no half workbook.

internal import Foundation
internal import Pipeline
internal import ZIPFoundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Writes an .xlsx workbook of text sheets, sheet by sheet and row by row.
public final class XLSXWorkbookWriter {
    /// A sheet being written: its name and the temporary file its XML goes to.
    private struct Sheet {
        var name: String
        var path: String
        var handle: FileHandle
        var rows = 0
    }

    /// The path of the finished workbook.
    public let path: String
    private let directory: URL
    private var sheets: [Sheet] = []
    private var buffer: [UInt8] = []
    private var closed = false

    /// Starts a workbook to be put at `path` by `commit()`.
    public init(path: String) throws {
        self.path = path
        directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit { if !closed { discard() } }

    /// A temporary name beside the workbook in the one scheme the night's sweep knows (``TemporaryFile``).
    private func temporaryPath(_ tag: String) -> String { TemporaryFile.path(for: path + tag) }

    /// Starts a new sheet (finishing the current one); `header`, if any, is its first row, in bold.
    public func addSheet(_ name: String, header: [String]? = nil) throws {
        try finishSheet()
        let safe = Self.sheetName(name, taken: Set(sheets.map { $0.name.lowercased() }))
        let file = temporaryPath("-sheet\(sheets.count + 1)")
        guard FileManager.default.createFile(atPath: file, contents: nil), let handle = FileHandle(forWritingAtPath: file) else {
            throw MalformedFileError(location: SourceLocation(file: path), message: "cannot create a temporary file for the workbook")
        }
        sheets.append(Sheet(name: safe, path: file, handle: handle))
        buffer.append(contentsOf: Array(Self.sheetHead.utf8))
        if let header { try appendRow(header, style: 1) }
    }

    /// Appends a row of text cells to the current sheet (column A on; empty texts leave the cell out).
    ///
    /// The XML goes to the buffer as bytes: a string made and copied to an array per cell, and
    /// every cell's first and last Character found by breaking it into grapheme clusters, were 17%
    /// of `suiji draw list` (62,100 rows, 9 cells each, `perf record`).
    public func appendRow(_ cells: [String], style: Int = 0) throws {
        if sheets.isEmpty { try addSheet("Sheet1") }
        let number = (sheets.last?.rows ?? 0) + 1
        sheets[sheets.count - 1].rows = number
        let row = String(number)
        append("<row r=\"")
        append(row)
        append("\">")
        for (index, text) in cells.enumerated() where !text.isEmpty {
            while columnNames.count <= index { columnNames.append(SourceLocation.columnName(columnNames.count + 1)) }
            append("<c r=\"")
            append(columnNames[index])
            append(row)
            append("\"")
            if style != 0 {
                append(" s=\"")
                append(String(style))
                append("\"")
            }
            append(" t=\"inlineStr\"><is><t")
            if Self.isWhitespace(text.unicodeScalars.first) || Self.isWhitespace(text.unicodeScalars.last) {
                append(" xml:space=\"preserve\"")
            }
            append(">")
            appendEscaped(XLSXEscapes.encode(text))
            append("</t></is></c>")
        }
        append("</row>")
        if buffer.count > 1 << 20 { try flush() }
    }

    /// Column letters by index (A, B, …), made once.
    private var columnNames: [String] = []

    @inline(__always) private func append(_ text: StaticString) {
        text.withUTF8Buffer { buffer.append(contentsOf: $0) }
    }

    @inline(__always) private func append(_ text: String) {
        var text = text
        text.withUTF8 { buffer.append(contentsOf: $0) }
    }

    /// Appends `text` with the five escapes of ``escape(_:)``.
    private func appendEscaped(_ text: String) {
        var text = text
        text.withUTF8 { Self.escape($0, into: &buffer) }
    }

    /// Whether a text's first or last scalar is white space (then the cell keeps its spaces).
    @inline(__always) private static func isWhitespace(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }

    private func flush() throws {
        guard let sheet = sheets.last else { return }
        try sheet.handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func finishSheet() throws {
        guard let sheet = sheets.last else { return }
        buffer.append(contentsOf: Array(Self.sheetTail.utf8))
        try flush()
        try sheet.handle.close()
    }

    /// Zips the parts, syncs the file and renames it into place.
    public func commit() throws {
        if sheets.isEmpty { try addSheet("Sheet1") }
        try finishSheet()
        closed = true
        let zipPath = temporaryPath("")
        defer {
            for sheet in sheets { unlink(sheet.path) }
            unlink(zipPath)
        }
        unlink(zipPath)
        do {
            let archive = try Archive(url: URL(fileURLWithPath: zipPath), accessMode: .create)
            func add(_ name: String, _ text: String) throws {
                let data = Data(text.utf8)
                try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) {
                    position, size in
                    data.subdata(in: Int(position)..<(Int(position) + size))
                }
            }
            try add("[Content_Types].xml", contentTypes)
            try add("_rels/.rels", Self.packageRelationships)
            try add("xl/workbook.xml", workbook)
            try add("xl/_rels/workbook.xml.rels", workbookRelationships)
            try add("xl/styles.xml", Self.styles)
            for (index, sheet) in sheets.enumerated() {
                try archive.addEntry(
                    with: "xl/worksheets/sheet\(index + 1).xml", fileURL: URL(fileURLWithPath: sheet.path), compressionMethod: .deflate)
            }
        } catch let error as MalformedFileError {
            throw error
        } catch {
            throw MalformedFileError(location: SourceLocation(file: path), message: "cannot write the workbook: \(error)")
        }
        let descriptor = open(zipPath, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        guard rename(zipPath, path) == 0 else {
            throw MalformedFileError(
                location: SourceLocation(file: path), message: "cannot write the workbook: \(String(cString: strerror(errno)))")
        }
    }

    /// Removes the temporary files; nothing is written.
    public func discard() {
        closed = true
        for sheet in sheets {
            try? sheet.handle.close()
            unlink(sheet.path)
        }
    }

    // MARK: The parts

    private var contentTypes: String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
            """
        for index in sheets.indices {
            text +=
                "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }
        return text + "</Types>"
    }

    private static let packageRelationships = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
        <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
        </Relationships>
        """

    private var workbook: String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>
            """
        for (index, sheet) in sheets.enumerated() {
            text += "<sheet name=\"\(Self.escape(sheet.name))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }
        return text + "</sheets></workbook>"
    }

    private var workbookRelationships: String {
        var text = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            """
        for index in sheets.indices {
            text +=
                "<Relationship Id=\"rId\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        text +=
            "<Relationship Id=\"rId\(sheets.count + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        return text + "</Relationships>"
    }

    /// Style 0 plain, style 1 bold (header rows).
    private static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
        <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>\
        <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
        </styleSheet>
        """

    private static let sheetHead = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
        """
    private static let sheetTail = "</sheetData></worksheet>"

    /// Text for XML content and attribute values: the five escapes.
    ///
    /// Over the UTF-8 bytes, not the Characters: the five are ASCII, and no byte of a multi-byte
    /// sequence is ASCII. Characters missed a `<` that a combining mark follows (one Character with
    /// it), which made the sheet's XML ill-formed; and breaking every cell into grapheme clusters
    /// was a fifth of `suiji draw list`'s time (104,218 objects, `perf record`).
    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { escaped($0) != nil }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        var text = text
        text.withUTF8 { escape($0, into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `bytes` (UTF-8) to `out` with the five escapes: runs without one are copied whole.
    static func escape(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        var start = 0
        for (index, byte) in bytes.enumerated() {
            guard let entity = escaped(byte) else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            entity.withUTF8Buffer { out.append(contentsOf: $0) }
            start = index + 1
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
    }

    /// The entity that stands for a markup byte; nil for any other byte.
    @inline(__always) private static func escaped(_ byte: UInt8) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): return "&amp;"
        case UInt8(ascii: "<"): return "&lt;"
        case UInt8(ascii: ">"): return "&gt;"
        case UInt8(ascii: "\""): return "&quot;"
        case UInt8(ascii: "'"): return "&apos;"
        default: return nil
        }
    }

    /// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`, not empty, unique
    /// (ignoring case) among `taken`.
    static func sheetName(_ wanted: String, taken: Set<String>) -> String {
        var name = String(wanted.map { "[]:*?/\\".contains($0) ? "_" : $0 }).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        if name.isEmpty { name = "Sheet" }
        name = String(name.prefix(31))
        var candidate = name
        var number = 2
        while taken.contains(candidate.lowercased()) {
            let suffix = " (\(number))"
            candidate = String(name.prefix(31 - suffix.count)) + suffix
            number += 1
        }
        return candidate
    }
}
