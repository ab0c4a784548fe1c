// Writes generated registers to disk as the departments send them: CSV (UTF-8, UTF-8 with BOM and
// CRLF, GB18030), XML or an Excel workbook, with a sidecar JSON that lists every bad row, its line
// (a workbook's row) and its defect.

internal import Foundation
internal import Pipeline
internal import Stages

#if canImport(Glibc)
internal import Glibc
#endif

/// How a generated register is written.
public enum RegisterFileLayout: String, Sendable, Hashable, CaseIterable, Codable {
    /// CSV, UTF-8, LF.
    case csv
    /// CSV, UTF-8 with a BOM, CRLF.
    case csvBOMCRLF = "csv-bom-crlf"
    /// CSV, GB18030, CRLF (as Windows spreadsheet exports are).
    case csvGB18030 = "csv-gb18030"
    /// XML, UTF-8, one element per field.
    case xml
    /// An Excel workbook (.xlsx), one sheet, every value a text cell.
    case xlsx
}

/// One bad row of a generated file, for the sidecar.
public struct SidecarEntry: Sendable, Hashable, Codable {
    /// The physical line the record starts on.
    public var line: Int
    /// The 0-based data row.
    public var row: Int
    /// The defect.
    public var defect: RegisterDefect
    /// The canonical name of the column at fault.
    public var column: String?
    /// For a repeated USCC: the line of the first occurrence.
    public var firstLine: Int?
}

/// Writes `RegisterGenerator` output to files.
public enum RegisterFileWriter {
    /// Writes `generator`'s rows to `path` in `layout`, and the sidecar to `sidecarPath` if given.
    /// Returns the sidecar entries.
    @discardableResult
    public static func write(
        _ generator: RegisterGenerator, layout: RegisterFileLayout, to path: String, sidecarPath: String? = nil
    ) throws -> [SidecarEntry] {
        if layout == .xlsx { return try writeWorkbook(generator, to: path, sidecarPath: sidecarPath) }
        guard
            let handle = FileHandle(forWritingAtPath: path)
                ?? {
                    _ = FileManager.default.createFile(atPath: path, contents: nil)
                    return FileHandle(forWritingAtPath: path)
                }()
        else {
            throw MalformedFileError(location: SourceLocation(file: path), message: "cannot create the file")
        }
        try handle.truncate(atOffset: 0)
        defer { try? handle.close() }
        let encoder = layout == .csvGB18030 ? try GB18030Encoder() : nil
        var buffer: [UInt8] = []
        var sidecar: [SidecarEntry] = []
        var lineOfRow: [Int: Int] = [:]
        let newline: [UInt8] = layout == .csv || layout == .xml ? [0x0A] : [0x0D, 0x0A]
        var line = 1
        func flush() throws {
            if let encoder {
                handle.write(Data(try encoder.convert(buffer)))
            } else {
                handle.write(Data(buffer))
            }
            buffer.removeAll(keepingCapacity: true)
        }
        func count(_ text: String) -> Int { text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
        switch layout {
        case .csv, .csvBOMCRLF, .csvGB18030:
            if layout == .csvBOMCRLF { buffer += [0xEF, 0xBB, 0xBF] }
            CSVRecord.append(RegisterGenerator.header, to: &buffer, newline: newline, spreadsheetSafe: false)
            line += 1
        case .xml:
            buffer += Array(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<registry department=\"\(escape(generator.options.departmentName))\">\n".utf8)
            line += 2
        case .xlsx:
            break // written by writeWorkbook
        }
        for row in generator.rows() {
            let start = line
            if row.defect == nil || row.defect == .duplicateUSCC { lineOfRow[row.index] = start }
            if let defect = row.defect {
                sidecar.append(
                    SidecarEntry(
                        line: start, row: row.index, defect: defect, column: row.defectColumn?.name,
                        firstLine: row.duplicateOf.flatMap { lineOfRow[$0] }))
            }
            switch layout {
            case .csv, .csvBOMCRLF, .csvGB18030:
                CSVRecord.append(row.fields, to: &buffer, newline: newline, spreadsheetSafe: false)
                line += 1 + row.fields.reduce(0) { $0 + count($1) }
            case .xml:
                var text = "  <entity>\n"
                for (index, field) in row.fields.enumerated() where !field.isEmpty {
                    let name = RegisterGenerator.header[index]
                    text += "    <\(name)>\(escape(field))</\(name)>\n"
                }
                text += "  </entity>\n"
                line += count(text)
                buffer += Array(text.utf8)
            case .xlsx:
                break // written by writeWorkbook
            }
            if buffer.count > 1 << 20 { try flush() }
        }
        if layout == .xml { buffer += Array("</registry>\n".utf8) }
        try flush()
        try writeSidecar(sidecar, to: sidecarPath)
        return sidecar
    }

    private static func writeSidecar(_ sidecar: [SidecarEntry], to path: String?) throws {
        guard let path else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(sidecar).write(to: URL(fileURLWithPath: path))
    }

    /// A workbook of one sheet: the header in row 1, the register's rows from row 2 (a row's "line").
    private static func writeWorkbook(_ generator: RegisterGenerator, to path: String, sidecarPath: String?) throws -> [SidecarEntry] {
        let writer = try XLSXWorkbookWriter(path: path)
        var sidecar: [SidecarEntry] = []
        var lineOfRow: [Int: Int] = [:]
        do {
            try writer.addSheet("Sheet1", header: RegisterGenerator.header)
            for row in generator.rows() {
                let line = row.index + 2
                if row.defect == nil || row.defect == .duplicateUSCC { lineOfRow[row.index] = line }
                if let defect = row.defect {
                    sidecar.append(
                        SidecarEntry(
                            line: line, row: row.index, defect: defect, column: row.defectColumn?.name,
                            firstLine: row.duplicateOf.flatMap { lineOfRow[$0] }))
                }
                try writer.appendRow(row.fields)
            }
            try writer.commit()
        } catch {
            writer.discard()
            throw error
        }
        try writeSidecar(sidecar, to: sidecarPath)
        return sidecar
    }

    /// XML text escaping for element content and attribute values.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// UTF-8 to GB18030 through glibc's iconv.
final class GB18030Encoder {
    private let handle: iconv_t

    deinit { iconv_close(handle) }

    init() throws {
        guard let h = iconv_open("GB18030", "UTF-8"), h != iconv_t(bitPattern: -1) else {
            throw MalformedFileError(location: SourceLocation(file: "iconv"), message: "this system's iconv cannot convert to GB18030")
        }
        handle = h
    }

    /// Converts whole UTF-8 text (chunks end on character boundaries here).
    func convert(_ input: [UInt8]) throws -> [UInt8] {
        var output = [UInt8](repeating: 0, count: input.count * 2 + 16)
        var produced = 0
        try input.withUnsafeBufferPointer { source in
            try output.withUnsafeMutableBufferPointer { target in
                var inPointer = UnsafeMutableRawPointer(mutating: source.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var inLeft = source.count
                var outPointer = UnsafeMutableRawPointer(target.baseAddress).map { $0.assumingMemoryBound(to: CChar.self) }
                var outLeft = target.count
                if iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft) == -1 {
                    throw MalformedFileError(
                        location: SourceLocation(file: "iconv"), message: "cannot encode as GB18030: \(String(cString: strerror(errno)))")
                }
                produced = target.count - outLeft
            }
        }
        return Array(output[0..<produced])
    }
}
