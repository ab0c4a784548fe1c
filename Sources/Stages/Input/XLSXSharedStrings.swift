// The shared-strings table of an XLSX workbook (xl/sharedStrings.xml): every text Excel writes to a
// cell is put here once and the cell holds its index. It is the one part of a workbook that must
// be held in memory while the sheet is read, since any cell may name any string.
//
// The table is kept as bytes, not Strings: the text of each string, its length first (a varint),
// back to back in blocks of 4 MiB that are never moved or copied as the table grows, and one 32-bit
// offset per string. A String each would cost 16 bytes plus a heap object for any text over 15
// bytes; a register of a million rows has about five million distinct strings (names, addresses,
// codes, people, phones), about 110 MB of text, which this holds in about 135 MB. Its size is
// bounded by `XLSXLimits.maxSharedStrings` and `maxSharedStringBytes`.
//
// Rich text (`<r>` runs) is joined; phonetic guides (`<rPh>`, furigana) are not text of the cell and
// are left out; `_xHHHH_` escapes (how OOXML writes characters XML cannot hold, such as a carriage
// return `_x000D_`) are decoded.

internal import Foundation
internal import Pipeline

/// The shared strings of a workbook, by index, as UTF-8 bytes.
final class XLSXSharedStrings {
    static let blockSize = 4 << 20

    private var blocks: [UnsafeMutableBufferPointer<UInt8>] = []
    private var used = 0
    /// Per string: its block (the top 10 bits) and its offset in the block (the low 22 bits).
    private var starts: [UInt32] = []
    private var totalBytes = 0

    /// The number of strings.
    var count: Int { starts.count }
    /// Bytes of text held (lengths included), for the memory measurement.
    var bytesHeld: Int { totalBytes }
    /// Bytes of memory taken: the blocks and the offsets.
    var memoryFootprint: Int { blocks.count * Self.blockSize + starts.capacity * 4 }

    init() {}

    deinit { for block in blocks { block.deallocate() } }

    /// Reads the table from its part; `limits` bound its size.
    convenience init(package: XLSXPackage, part: XLSXPart, chunkSize: Int? = nil) throws {
        self.init()
        let stream = try package.stream(part)
        defer { stream.stop() }
        try read(chunks: XLSXRechunk.source(stream.next, size: chunkSize), part: part.name, package: package)
    }

    /// Reads `<sst>` from `chunks`.
    func read(chunks: @escaping FileChunks.Source, part: String, package: XLSXPackage) throws {
        let limits = package.limits
        let reader = try XLSXXMLReader(chunks: chunks, part: part, displayName: package.displayName)
        let si = reader.intern("si"), t = reader.intern("t"), rPh = reader.intern("rPh"), sst = reader.intern("sst")
        var text: [UInt8] = []
        var inString = false, inText = false, phonetic = 0
        try reader.capturing {
            while try reader.read() {
                switch reader.kind {
                case .start:
                    let name = reader.name
                    if name == si {
                        inString = true
                        text.removeAll(keepingCapacity: true)
                        if reader.isEmptyElement { try add(text, limits: limits, reader: reader) }
                    } else if name == t, inString, phonetic == 0 {
                        inText = !reader.isEmptyElement
                    } else if name == rPh {
                        if !reader.isEmptyElement { phonetic += 1 }
                    } else if name == sst {
                        reader.attributes { key, value in
                            if XLSXWorkbook.string(key) == "uniqueCount", let expected = Int(String(decoding: value, as: UTF8.self)) {
                                starts.reserveCapacity(min(max(expected, 0), limits.maxSharedStrings))
                            }
                        }
                    }
                case .text where inText:
                    let bytes = reader.text
                    guard text.count + bytes.count <= limits.maxCellBytes else {
                        throw reader.error("string \(count) is longer than \(limits.maxCellBytes) bytes, the limit for one cell")
                    }
                    text.append(contentsOf: bytes)
                case .end:
                    let name = reader.name
                    if name == t {
                        inText = false
                    } else if name == rPh {
                        phonetic -= 1
                    } else if name == si, inString {
                        inString = false
                        try add(text, limits: limits, reader: reader)
                    }
                default:
                    break
                }
            }
        }
    }

    private func add(_ raw: [UInt8], limits: XLSXLimits, reader: XLSXXMLReader) throws {
        guard count < limits.maxSharedStrings else {
            throw reader.error(
                "the workbook has more than \(limits.maxSharedStrings) shared strings, the limit; the file is refused whole (split the register)"
            )
        }
        let text = XLSXEscapes.decode(raw)
        var length: [UInt8] = []
        var rest = text.count
        repeat {
            length.append(UInt8(rest & 0x7F) | (rest >= 0x80 ? 0x80 : 0))
            rest >>= 7
        } while rest > 0
        let size = length.count + text.count
        guard totalBytes + size <= limits.maxSharedStringBytes else {
            throw reader.error(
                "the shared strings hold more than \(limits.maxSharedStringBytes) bytes of text, the limit; the file is refused whole (split the register)"
            )
        }
        guard size <= Self.blockSize else {
            throw reader.error("string \(count) is longer than \(Self.blockSize) bytes, the most one string may hold")
        }
        if blocks.isEmpty || used + size > Self.blockSize {
            guard blocks.count < 1024 else { throw reader.error("the shared strings need more than 4 GiB; the file is refused whole") }
            blocks.append(UnsafeMutableBufferPointer<UInt8>.allocate(capacity: Self.blockSize))
            used = 0
        }
        let blockIndex = blocks.count - 1
        let block = blocks[blockIndex]
        starts.append(UInt32(blockIndex) << 22 | UInt32(used))
        var at = used
        for byte in length {
            block[at] = byte
            at += 1
        }
        text.withUnsafeBufferPointer { source in
            if let base = source.baseAddress, let target = block.baseAddress { (target + at).initialize(from: base, count: source.count) }
        }
        used = at + text.count
        totalBytes += size
    }

    /// String `index`'s bytes, valid while the table lives; nil if there is no such string.
    func bytes(_ index: Int) -> UnsafeBufferPointer<UInt8>? {
        guard index >= 0, index < starts.count else { return nil }
        let start = starts[index]
        let block = blocks[Int(start >> 22)]
        var at = Int(start & 0x3F_FFFF)
        var length = 0, shift = 0
        while true {
            let byte = block[at]
            at += 1
            length |= Int(byte & 0x7F) << shift
            if byte & 0x80 == 0 { break }
            shift += 7
        }
        return UnsafeBufferPointer(rebasing: block[at..<(at + length)])
    }

    /// String `index` as text.
    func string(_ index: Int) -> String? { bytes(index).map { String(decoding: $0, as: UTF8.self) } }
}

/// OOXML's `_xHHHH_` escapes of characters XML cannot hold (ECMA-376 22.9.2.19, ST_Xstring).
enum XLSXEscapes {
    /// The text with every `_xHHHH_` replaced by its character (`_x005F_` is a literal underscore).
    static func decode(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(UInt8(ascii: "_")) else { return bytes }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "_"), index + 6 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
                bytes[index + 6] == UInt8(ascii: "_"), let value = hex(bytes[(index + 2)..<(index + 6)]),
                let scalar = Unicode.Scalar(value)
            {
                out.append(contentsOf: String(Character(scalar)).utf8)
                index += 7
                continue
            }
            out.append(bytes[index])
            index += 1
        }
        return out
    }

    /// Text as a cell may hold it: characters XML 1.0 cannot carry (controls other than tab and line
    /// feed) and a literal `_xHHHH_` escaped; a carriage return too, as Excel writes it, since XML
    /// readers turn a CR LF in text into a line feed.
    static func encode(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0 == "_" || $0.value >= 0xFFFE }) else { return text }
        var out = ""
        let scalars = Array(text.unicodeScalars)
        for (index, scalar) in scalars.enumerated() {
            let value = scalar.value
            if value < 0x20 && value != 0x09 && value != 0x0A || value == 0xFFFE || value == 0xFFFF {
                out += "_x" + String(value, radix: 16, uppercase: true).leftPadded(to: 4) + "_"
            } else if scalar == "_", index + 6 < scalars.count, scalars[index + 1] == "x", scalars[index + 6] == "_",
                scalars[(index + 2)..<(index + 6)].allSatisfy({ $0.properties.isASCIIHexDigit })
            {
                out += "_x005F_"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func hex(_ digits: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for byte in digits {
            let digit: UInt32
            switch byte {
            case 0x30...0x39: digit = UInt32(byte - 0x30)
            case 0x41...0x46: digit = UInt32(byte - 0x41 + 10)
            case 0x61...0x66: digit = UInt32(byte - 0x61 + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}

/// Re-cuts a chunk source into pieces of a fixed size (tests feed the parsers 1 and 7 bytes at a time).
enum XLSXRechunk {
    /// `source` as it is, or re-cut into pieces of `size` bytes.
    static func source(_ source: @escaping FileChunks.Source, size: Int?) -> FileChunks.Source {
        guard let size, size > 0 else { return source }
        var pending: [UInt8] = []
        var offset = 0
        return {
            while offset >= pending.count {
                guard let next = try source() else { return nil }
                pending = next
                offset = 0
            }
            let end = min(offset + size, pending.count)
            defer { offset = end }
            return Array(pending[offset..<end])
        }
    }
}
