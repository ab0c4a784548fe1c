// What a file is, by its first bytes rather than its name: departments rename files, and an
// `.xlsx` read as CSV fails with a message about text encodings that sends a person after the
// wrong problem.
//
//   PK\x03\x04 (a ZIP archive) holding xl/workbook.xml   an Excel workbook (.xlsx, .xlsm; WPS writes the same)
//   D0 CF 11 E0 A1 B1 1A E1 (an OLE2 compound file)      Excel 97–2003 (.xls) or WPS (.et): refused, with what to do
//   any other ZIP archive                                 refused: .xlsb, .ods, .docx … are not read
//   anything else                                         text, for the CSV and XML readers

internal import Foundation
internal import Pipeline
internal import ZIPFoundation

/// Tells workbooks, legacy binary workbooks and text apart by content.
public enum InputSniffer {
    /// What a file holds, for the readers.
    public enum Kind: Sendable, Hashable {
        /// An Office Open XML workbook.
        case workbook
        /// Text: CSV, TSV or XML.
        case text
    }

    /// The OLE2 compound-file signature (Excel 97–2003 `.xls`, WPS `.et`, and other old Office files).
    static let ole2Signature: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]

    /// The kind of the file at `path`; throws `MalformedFileError` for a file no reader takes.
    public static func sniff(path: String, displayName: String) throws -> Kind {
        let head = try FileRange(path: path, displayName: displayName).read(at: 0, count: 8)
        if head == ole2Signature {
            throw MalformedFileError(
                location: SourceLocation(file: displayName),
                Message(.inputLegacyWorkbook))
        }
        guard XLSXPackage.looksLikeZip(head) else { return .text }
        let package = try XLSXPackage(path: path, displayName: displayName, limits: XLSXLimits())
        if package.part(XLSXWorkbook.workbookPart) != nil { return .workbook }
        let what: MessageKey
        if package.part("xl/workbook.bin") != nil {
            what = .inputWhatXLSB
        } else if package.part("content.xml") != nil || package.part("mimetype") != nil {
            what = .inputWhatODS
        } else if package.part("word/document.xml") != nil {
            what = .inputWhatWord
        } else {
            what = .inputWhatZip
        }
        throw MalformedFileError(location: SourceLocation(file: displayName), Message(.inputNotReadable, parts: ["what": Message(what)]))
    }

    /// True if the file at `path` is a workbook (false for text and for files that cannot be read).
    public static func isWorkbook(path: String) -> Bool {
        (try? sniff(path: path, displayName: path)) == .workbook
    }
}
