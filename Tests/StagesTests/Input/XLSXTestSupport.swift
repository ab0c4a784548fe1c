import Foundation
import Pipeline
import ZIPFoundation

@testable import Stages

/// A workbook built in a test, part by part, the way Excel lays one out (no binary fixtures).
struct TestWorkbook {
    /// One sheet: its name, its `<sheetData>` rows (and anything after them), hidden or not.
    struct Sheet {
        var name: String
        var body: String
        var hidden = false
    }

    var sheets: [Sheet] = []
    /// The `<si>` items of the shared-strings table, as XML (nil: no table).
    var sharedStrings: [String]?
    /// The `<numFmts>` and `<cellXfs>` of styles.xml (nil: no styles part).
    var styles: String?
    var date1904 = false
    /// Parts added or replaced as they are (name, bytes).
    var extraParts: [(String, [UInt8])] = []
    /// Parts left out by name.
    var omitted: Set<String> = []

    /// A sheet of text cells from a grid, every text a shared string, as Excel writes them
    /// (empty texts leave the cell out); `numbers` are columns (1-based) whose digits are written as numbers.
    /// `dates` are columns whose dates are written as Excel stores a typed date: a serial in a date style.
    static func excel(_ grid: [[String]], sheet: String = "Sheet1", numbers: Set<Int> = [], dates: Set<Int> = []) -> TestWorkbook {
        var strings: [String] = []
        var index: [String: Int] = [:]
        var body = ""
        let epoch = CivilDate.daysSince1970(year: 1899, month: 12, day: 30)
        for (r, row) in grid.enumerated() {
            body += "<row r=\"\(r + 1)\">"
            for (c, text) in row.enumerated() where !text.isEmpty {
                let reference = SourceLocation.columnName(c + 1) + "\(r + 1)"
                if r > 0, numbers.contains(c + 1), !text.isEmpty,
                    text.unicodeScalars.allSatisfy({ $0.properties.numericType != nil && $0.isASCII })
                {
                    body += "<c r=\"\(reference)\"><v>\(text)</v></c>"
                    continue
                }
                if r > 0, dates.contains(c + 1), let date = DateText.parse(text) {
                    body += "<c r=\"\(reference)\" s=\"1\"><v>\(date.daysSince1970 - epoch)</v></c>"
                    continue
                }
                let id = index[text] ?? strings.count
                if index[text] == nil {
                    index[text] = id
                    strings.append(text)
                }
                body += "<c r=\"\(reference)\" t=\"s\"><v>\(id)</v></c>"
            }
            body += "</row>"
        }
        return TestWorkbook(
            sheets: [Sheet(name: sheet, body: "<sheetData>\(body)</sheetData>")],
            sharedStrings: strings.map { "<t xml:space=\"preserve\">\(XLSXWorkbookWriter.escape(XLSXEscapes.encode($0)))</t>" },
            styles: "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>")
    }

    /// The parts of the package, in the order they are written.
    var parts: [(String, [UInt8])] {
        var parts: [(String, String)] = []
        parts.append(
            (
                "[Content_Types].xml",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>
                """
            ))
        parts.append(
            (
                "_rels/.rels",
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>
                """
            ))
        var sheetList = ""
        var relationships = ""
        for (index, sheet) in sheets.enumerated() {
            sheetList +=
                "<sheet name=\"\(XLSXWorkbookWriter.escape(sheet.name))\" sheetId=\"\(index + 1)\"\(sheet.hidden ? " state=\"hidden\"" : "") r:id=\"rId\(index + 1)\"/>"
            relationships +=
                "<Relationship Id=\"rId\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }
        if sharedStrings != nil {
            relationships +=
                "<Relationship Id=\"rIdS\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
        }
        if styles != nil {
            relationships +=
                "<Relationship Id=\"rIdY\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"/xl/styles.xml\"/>"
        }
        parts.append(
            (
                "xl/workbook.xml",
                """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\(date1904 ? "<workbookPr date1904=\"1\"/>" : "")<sheets>\(sheetList)</sheets></workbook>
                """
            ))
        parts.append(
            (
                "xl/_rels/workbook.xml.rels",
                """
                <?xml version="1.0" encoding="UTF-8"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(relationships)</Relationships>
                """
            ))
        if let sharedStrings {
            parts.append(
                (
                    "xl/sharedStrings.xml",
                    """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\(sharedStrings.count)" uniqueCount="\(sharedStrings.count)">\(sharedStrings.map { "<si>\($0)</si>" }.joined())</sst>
                    """
                ))
        }
        if let styles {
            parts.append(
                (
                    "xl/styles.xml",
                    """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\(styles)</styleSheet>
                    """
                ))
        }
        for (index, sheet) in sheets.enumerated() {
            parts.append(
                (
                    "xl/worksheets/sheet\(index + 1).xml",
                    """
                    <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                    <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\(sheet.body)</worksheet>
                    """
                ))
        }
        var bytes = parts.filter { !omitted.contains($0.0) }.map { ($0.0, Array($0.1.utf8)) }
        for (name, content) in extraParts {
            bytes.removeAll { $0.0 == name }
            bytes.append((name, content))
        }
        return bytes
    }

    /// Writes the workbook (deflated parts) to `path`.
    func write(to path: String) throws {
        try writeZip(parts, to: path)
    }
}

/// Writes a ZIP of `parts` with ZIPFoundation (deflated unless `stored`).
func writeZip(_ parts: [(String, [UInt8])], to path: String, stored: Bool = false) throws {
    try? FileManager.default.removeItem(atPath: path)
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
    for (name, bytes) in parts {
        let data = Data(bytes)
        try archive.addEntry(
            with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: stored ? .none : .deflate
        ) { position, size in
            data.subdata(in: Int(position)..<(Int(position) + size))
        }
    }
}

/// Adds one part whose bytes `generate` hands out in pieces (the whole never in memory) to the ZIP at `path`.
func addGeneratedPart(
    _ name: String, size: Int, to path: String, stored: Bool = false, generate: @escaping (_ offset: Int, _ count: Int) -> Data
) throws {
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .update)
    try archive.addEntry(
        with: name, type: .file, uncompressedSize: Int64(size), compressionMethod: stored ? .none : .deflate, bufferSize: 1 << 16
    ) { position, count in
        generate(Int(position), count)
    }
}

/// Every row of a sheet stream.
func readRows(_ stream: XLSXTabularStream) throws -> [TabularRow] {
    var rows: [TabularRow] = []
    while let row = try stream.next() { rows.append(row) }
    try stream.finish()
    return rows
}

/// The description of the error `body` throws, or nil if it throws none.
func thrownDescription(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// Rewrites fields of one entry of the ZIP at `path`, in its local header and its central directory
/// record: what a crafted file would claim (tests of hostile workbooks).
func patchZipEntry(_ path: String, _ name: String, method: UInt16? = nil, uncompressedSize: UInt32? = nil, crc: UInt32? = nil) throws {
    var bytes = try fileBytes(path)
    let nameBytes = Array(name.utf8)
    func put16(_ value: UInt16, at offset: Int) {
        bytes[offset] = UInt8(value & 0xFF)
        bytes[offset + 1] = UInt8(value >> 8)
    }
    func put32(_ value: UInt32, at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8((value >> (8 * UInt32(index))) & 0xFF) }
    }
    func matches(_ signature: [UInt8], at offset: Int, nameAt: Int) -> Bool {
        offset + nameAt + nameBytes.count <= bytes.count && Array(bytes[offset..<(offset + 4)]) == signature
            && Array(bytes[(offset + nameAt)..<(offset + nameAt + nameBytes.count)]) == nameBytes
    }
    var offset = 0
    while offset + 4 <= bytes.count {
        if matches([0x50, 0x4B, 0x03, 0x04], at: offset, nameAt: 30) {
            if let method { put16(method, at: offset + 8) }
            if let crc { put32(crc, at: offset + 14) }
            if let uncompressedSize { put32(uncompressedSize, at: offset + 22) }
        } else if matches([0x50, 0x4B, 0x01, 0x02], at: offset, nameAt: 46) {
            if let method { put16(method, at: offset + 10) }
            if let crc { put32(crc, at: offset + 16) }
            if let uncompressedSize { put32(uncompressedSize, at: offset + 24) }
        }
        offset += 1
    }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}
