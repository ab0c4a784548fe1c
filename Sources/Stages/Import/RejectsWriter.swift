// The rejects file: every rejected row of an import with its line and reason, as CSV or, for a
// workbook, as a workbook; put in place only when the import's transaction commits.

internal import Foundation
internal import Pipeline

/// The default name of a rejects file.
public enum RejectsFileName {
    /// `<name>.rejects.xlsx` for a workbook (by content), `<name>.rejects.csv` otherwise.
    public static func of(_ inputPath: String) -> String {
        URL(fileURLWithPath: inputPath).lastPathComponent + (InputSniffer.isWorkbook(path: inputPath) ? ".rejects.xlsx" : ".rejects.csv")
    }
}

/// Writes rejected rows to a temporary file beside the target, renamed into place before the
/// import's transaction commits (a kill leaves either no file or the whole file): as CSV, or, for
/// a path ending in `.xlsx` (the default when the input was a workbook), as a workbook whose sheet
/// has the department's own header row.
struct RejectsWriter {
    /// The two columns after the department's own: the line and the reason, named in `language`.
    static func columns(_ language: UILanguage) -> [String] {
        let catalogue = MessageCatalogue(language)
        return [catalogue(.rejectsLine), catalogue(.rejectsReason)]
    }

    let path: String
    let temporary: String
    private let handle: FileHandle?
    private let workbook: XLSXWorkbookWriter?
    private var buffer: [UInt8] = []

    init(path: String, header: [String], sheet: String? = nil) throws {
        self.path = path
        if path.lowercased().hasSuffix(".xlsx") {
            let writer = try XLSXWorkbookWriter(path: path)
            try writer.addSheet(sheet ?? "rejects", header: header)
            workbook = writer
            handle = nil
            temporary = ""
            return
        }
        workbook = nil
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        temporary = TemporaryFile.path(for: path)
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw MalformedFileError(location: SourceLocation(file: path), message: "cannot create the rejects file")
        }
        self.handle = handle
        buffer.append(contentsOf: [0xEF, 0xBB, 0xBF]) // a BOM, so that spreadsheet programs read the Chinese text
        append(header)
    }

    mutating func append(_ fields: [String]) {
        if let workbook {
            // A full disk shows at commit, where the writer's error is thrown.
            try? workbook.appendRow(fields)
            return
        }
        CSVRecord.append(fields, to: &buffer, newline: [0x0D, 0x0A])
        if buffer.count > 1 << 20 { flush() }
    }

    private mutating func flush() {
        handle?.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }

    /// False once committed or discarded.
    private(set) var isOpen = true

    mutating func commit() throws {
        isOpen = false
        if let workbook {
            try workbook.commit()
            return
        }
        guard let handle else { return }
        flush()
        try handle.synchronize()
        try handle.close()
        if rename(temporary, path) != 0 {
            throw MalformedFileError(
                location: SourceLocation(file: path), message: "cannot write the rejects file: \(String(cString: strerror(errno)))")
        }
    }

    mutating func discard() {
        isOpen = false
        if let workbook {
            workbook.discard()
            return
        }
        try? handle?.close()
        unlink(temporary)
    }
}
