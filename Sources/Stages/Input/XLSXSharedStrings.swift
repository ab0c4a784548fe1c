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

    // Read for every shared-string cell of the sheet, from one thread, never while written: no exclusivity checks.
    @exclusivity(unchecked) private var blocks: [UnsafeMutableBufferPointer<UInt8>] = []
    private var used = 0
    /// Per string: its block (the top 10 bits) and its offset in the block (the low 22 bits).
    @exclusivity(unchecked) private var starts: [UInt32] = []
    private var totalBytes = 0

    /// The number of strings.
    var count: Int { starts.count }
    /// Bytes of text held (lengths included), for the memory measurement.
    var bytesHeld: Int { totalBytes }
    /// Bytes of memory taken: the blocks and the offsets.
    var memoryFootprint: Int { blocks.count * Self.blockSize + starts.capacity * 4 }

    init() {}

    deinit { for block in blocks { block.deallocate() } }

    /// Reads the table from its part; `limits` bound its size. `pieceSize` feeds the parser that
    /// many bytes at a time (tests: 1, 7).
    convenience init(package: XLSXPackage, part: XLSXPart, pieceSize: Int? = nil) throws {
        self.init()
        let reader = XLSXSharedStringsReader(table: self, limits: package.limits)
        let parser = try XLSXSAXParser(part: part.name, displayName: package.displayName, handler: reader)
        reader.parser = parser
        reader.intern()
        try XLSXInflater(package: package, part: part, limit: package.limits.maxPartBytes).parse(with: parser, pieceSize: pieceSize)
    }

    /// Adds a string (its raw text, escapes not yet decoded); the error if a limit is passed.
    fileprivate func add(_ raw: [UInt8], limits: XLSXLimits) -> Message? {
        guard count < limits.maxSharedStrings else { return Message(.xlsxTooManyStrings, ["max": "\(limits.maxSharedStrings)"]) }
        let text = XLSXEscapes.decode(raw)
        var length: [UInt8] = []
        var rest = text.count
        repeat {
            length.append(UInt8(rest & 0x7F) | (rest >= 0x80 ? 0x80 : 0))
            rest >>= 7
        } while rest > 0
        let size = length.count + text.count
        guard totalBytes + size <= limits.maxSharedStringBytes else {
            return Message(.xlsxStringsTooLarge, ["max": "\(limits.maxSharedStringBytes)"])
        }
        guard size <= Self.blockSize else { return Message(.xlsxStringTooLong, ["index": "\(count)", "max": "\(Self.blockSize)"]) }
        if blocks.isEmpty || used + size > Self.blockSize {
            guard blocks.count < 1024 else { return Message(.xlsxStrings4GiB) }
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
        return nil
    }

    /// Makes room for `expected` strings (the table's `uniqueCount`), within the limit.
    fileprivate func reserve(_ expected: Int, limits: XLSXLimits) {
        starts.reserveCapacity(min(max(expected, 0), limits.maxSharedStrings))
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

/// Reads `<sst>`: each `<si>`'s text (its `<t>`, or its runs' `<t>`s joined; phonetic `<rPh>` left out) into the table.
final class XLSXSharedStringsReader: XLSXSAXHandler {
    private let table: XLSXSharedStrings
    private let limits: XLSXLimits
    /// The parser calling this handler (it owns the handler and outlives every call).
    unowned(unsafe) var parser: XLSXSAXParser?
    private var si: XLSXSAXParser.Name = nil, t: XLSXSAXParser.Name = nil, rPh: XLSXSAXParser.Name = nil
    private var sst: XLSXSAXParser.Name = nil, uniqueCount: XLSXSAXParser.Name = nil
    @exclusivity(unchecked) private var text: [UInt8] = []
    @exclusivity(unchecked) private var inString = false
    @exclusivity(unchecked) private var inText = false
    @exclusivity(unchecked) private var phonetic = 0
    @exclusivity(unchecked) private var failed = false

    init(table: XLSXSharedStrings, limits: XLSXLimits) {
        self.table = table
        self.limits = limits
        text.reserveCapacity(256)
    }

    /// Looks up the names once the parser exists.
    func intern() {
        guard let parser else { return }
        si = parser.intern("si")
        t = parser.intern("t")
        rPh = parser.intern("rPh")
        sst = parser.intern("sst")
        uniqueCount = parser.intern("uniqueCount")
    }

    private func fail(_ text: Message) {
        failed = true
        guard let parser else { return }
        parser.fail(parser.error(text))
    }

    func start(_ name: XLSXSAXParser.Name, _ attributes: XLSXAttributes) {
        if name == si {
            inString = true
            text.removeAll(keepingCapacity: true)
        } else if name == t {
            inText = inString && phonetic == 0
        } else if name == rPh {
            phonetic += 1
        } else if name == sst, let value = attributes.value(uniqueCount), let expected = XLSXNumbers.integer(value) {
            table.reserve(expected, limits: limits)
        }
    }

    func end(_ name: XLSXSAXParser.Name) {
        if name == t {
            inText = false
        } else if name == rPh {
            phonetic -= 1
        } else if name == si, inString, !failed {
            inString = false
            if let problem = table.add(text, limits: limits) { fail(problem) }
        }
    }

    func text(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard inText, !failed else { return }
        guard text.count + bytes.count <= limits.maxCellBytes else {
            fail(Message(.xlsxStringCellLimit, ["index": "\(table.count)", "max": "\(limits.maxCellBytes)"]))
            return
        }
        text.append(contentsOf: bytes)
    }
}

/// Numbers as the parts write them.
enum XLSXNumbers {
    /// A non-negative decimal integer, or nil.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty, bytes.count <= 18 else { return nil }
        var value = 0
        for byte in bytes {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }
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
