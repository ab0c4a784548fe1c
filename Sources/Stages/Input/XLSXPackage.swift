// The ZIP package of an XLSX workbook: its parts, checked before any is read, and read as streams
// of decompressed chunks in bounded memory.
//
// ZIPFoundation reads the central directory (entries, names, sizes, CRCs) and inflates
// (`Data.decompress`, over zlib); `XLSXInflater` supplies the compressed bytes (see there why).
// ZIPFoundation keeps where an entry's data starts to itself, so we read the local header offset
// from its central directory record (by reflection, the one place we do) and check it against the
// local header's signature and name before trusting it.
//
// Hostile packages: every entry name is checked (no `..`, no absolute path, no drive letter, no
// NUL), the number of entries is bounded, and every part is inflated with its size and compression
// ratio checked as the bytes come.

internal import Foundation
internal import Pipeline
internal import ZIPFoundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Bounds that keep memory and time flat however hostile the workbook.
public struct XLSXLimits: Sendable, Hashable {
    /// The most bytes one part (a sheet, the shared strings) may inflate to (default 2 GiB).
    public var maxPartBytes: Int
    /// The most a part may inflate per compressed byte (default 200: XML sheets compress 10–30 times,
    /// zip bombs a thousand times and more), checked once `ratioGrace` bytes are out.
    public var maxCompressionRatio: Int
    /// Bytes a part may inflate to before its ratio is checked (default 1 MiB).
    public var ratioGrace: Int
    /// The most bytes a small part (workbook, relationships, styles) may have (default 16 MiB).
    public var maxSmallPartBytes: Int
    /// The most entries the package may hold (default 10,000).
    public var maxEntries: Int
    /// The most strings in the shared-strings table (default 16,777,216).
    public var maxSharedStrings: Int
    /// The most bytes of text in the shared-strings table (default 512 MiB).
    public var maxSharedStringBytes: Int
    /// The most bytes of one cell's text (default 1 MiB; Excel's own limit is 32,767 characters).
    public var maxCellBytes: Int
    /// The last column (default 16,384, Excel's XFD).
    public var maxColumns: Int
    /// The last row (default 1,048,576, Excel's).
    public var maxRows: Int

    /// Creates limits.
    public init(
        maxPartBytes: Int = 2 << 30, maxCompressionRatio: Int = 200, ratioGrace: Int = 1 << 20, maxSmallPartBytes: Int = 16 << 20,
        maxEntries: Int = 10_000, maxSharedStrings: Int = 1 << 24, maxSharedStringBytes: Int = 512 << 20, maxCellBytes: Int = 1 << 20,
        maxColumns: Int = 16_384, maxRows: Int = 1_048_576
    ) {
        self.maxPartBytes = maxPartBytes
        self.maxCompressionRatio = maxCompressionRatio
        self.ratioGrace = ratioGrace
        self.maxSmallPartBytes = maxSmallPartBytes
        self.maxEntries = maxEntries
        self.maxSharedStrings = maxSharedStrings
        self.maxSharedStringBytes = maxSharedStringBytes
        self.maxCellBytes = maxCellBytes
        self.maxColumns = maxColumns
        self.maxRows = maxRows
    }
}

/// One part of the package: where its bytes are and what the central directory says of them.
struct XLSXPart {
    /// The entry name, e.g. `xl/worksheets/sheet1.xml`.
    var name: String
    /// The ZIP entry.
    var entry: Entry
}

/// An opened XLSX package: its parts by name, checked.
final class XLSXPackage {
    let path: String
    let displayName: String
    let limits: XLSXLimits
    private let archive: Archive
    /// The parts by name (names compared as written; ZIP names are case-sensitive, and Excel's are lower case).
    private(set) var parts: [String: XLSXPart] = [:]

    /// Opens and checks the package: readable as a ZIP, a bounded number of entries, every name safe.
    init(path: String, displayName: String, limits: XLSXLimits) throws {
        self.path = path
        self.displayName = displayName
        self.limits = limits
        do {
            archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read)
        } catch {
            throw MalformedFileError(
                location: SourceLocation(file: displayName),
                Message(.xlsxDamagedZip, ["detail": "\(error)"]))
        }
        var count = 0
        for entry in archive {
            count += 1
            guard count <= limits.maxEntries else {
                throw error(Message(.xlsxTooManyParts, ["max": "\(limits.maxEntries)"]))
            }
            let name = entry.path
            if let problem = Self.problem(withName: name) {
                throw error(Message(.xlsxBadPartName, ["name": name], parts: ["problem": problem]))
            }
            if parts[name] == nil, entry.type == .file { parts[name] = XLSXPart(name: name, entry: entry) }
        }
    }

    private func error(_ text: Message) -> MalformedFileError {
        MalformedFileError(location: SourceLocation(file: displayName), text)
    }

    /// Why an entry name is refused, or nil: path traversal, absolute paths, drive letters, NUL.
    static func problem(withName name: String) -> Message? {
        if name.utf8.contains(0) { return Message(.xlsxNameNUL) }
        if name.hasPrefix("/") || name.hasPrefix("\\") { return Message(.xlsxNameAbsolute) }
        let bytes = Array(name.utf8)
        if bytes.count >= 2, bytes[1] == UInt8(ascii: ":"), (bytes[0] | 0x20) >= UInt8(ascii: "a"), (bytes[0] | 0x20) <= UInt8(ascii: "z") {
            return Message(.xlsxNameDrive)
        }
        if name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).contains("..") { return Message(.xlsxNameClimbs) }
        return nil
    }

    /// The part with this name, if the package has it.
    func part(_ name: String) -> XLSXPart? { parts[name] }

    /// The whole of a small part (workbook, relationships, styles), at most `maxSmallPartBytes`.
    func smallPart(_ name: String) throws -> [UInt8]? {
        guard let part = parts[name] else { return nil }
        var bytes: [UInt8] = []
        try XLSXInflater(package: self, part: part, limit: limits.maxSmallPartBytes).run { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// Where the entry's compressed bytes begin in the file: its local header's offset from the
    /// central directory (see the file's opening comment), checked against the local header.
    func dataOffset(of part: XLSXPart, file: FileRange) throws -> UInt64 {
        let record = Mirror(reflecting: part.entry).descendant("centralDirectoryStructure", "relativeOffsetOfLocalHeader")
        guard let offset = record as? UInt32 else {
            throw error(Message(.xlsxPartNoStart, ["part": part.name]))
        }
        guard offset != UInt32.max else {
            throw error(Message(.xlsxPartZip64, ["part": part.name]))
        }
        let header = try file.read(at: UInt64(offset), count: 30)
        func number(_ at: Int, _ width: Int) -> Int {
            (0..<width).reduce(0) { $0 | Int(header[at + $1]) << (8 * $1) }
        }
        guard header.count == 30, number(0, 4) == 0x0403_4B50 else {
            throw error(Message(.xlsxPartNoLocalHeader, ["part": part.name]))
        }
        let nameLength = number(26, 2)
        let extraLength = number(28, 2)
        let name = try file.read(at: UInt64(offset) + 30, count: nameLength)
        guard name.count == nameLength, name == Array(part.name.utf8) || String(decoding: name, as: UTF8.self) == part.name else {
            throw error(Message(.xlsxPartOtherHeader, ["part": part.name]))
        }
        return UInt64(offset) + 30 + UInt64(nameLength) + UInt64(extraLength)
    }

    /// An error about a part, in the workbook's terms.
    func partError(_ part: String, _ text: Message) -> MalformedFileError {
        MalformedFileError(location: SourceLocation(file: displayName), Message(.xlsxPart, ["part": part], parts: ["text": text]))
    }

    /// True if the file begins like a ZIP archive (a local header, or the end record of an empty one).
    static func looksLikeZip(_ head: [UInt8]) -> Bool {
        guard head.count >= 4, head[0] == 0x50, head[1] == 0x4B else { return false }
        return (head[2], head[3]) == (0x03, 0x04) || (head[2], head[3]) == (0x05, 0x06)
    }
}

/// Reads byte ranges of a file with `pread` (no shared file position: safe beside another reader).
final class FileRange: @unchecked Sendable {
    private let descriptor: Int32
    let displayName: String

    init(path: String, displayName: String) throws {
        descriptor = try openRegularFile(path, displayName: displayName)
        self.displayName = displayName
    }

    deinit { close(descriptor) }

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        guard count > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress.map { $0 + done }, count - done, off_t(offset) + off_t(done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw MalformedFileError(
                    location: SourceLocation(file: displayName), Message(.xlsxCannotRead, ["reason": String(cString: strerror(errno))]))
            }
            if got == 0 { break }
            done += got
        }
        if done < count { bytes.removeLast(count - done) }
        return bytes
    }
}
