internal import Foundation
public import Pipeline

#if canImport(Glibc)
internal import Glibc
#endif

/// The text encodings suiji reads.
public enum TextEncoding: String, Sendable, Hashable, Codable, CaseIterable {
    /// UTF-8, with or without a byte-order mark.
    case utf8 = "utf-8"
    /// GB18030 (a superset of GBK and GB2312), common in Excel exports.
    case gb18030
}

/// How the caller wants the encoding chosen.
public enum EncodingChoice: String, Sendable, Hashable, Codable, CaseIterable {
    /// Detect: a UTF-8 BOM or valid UTF-8 means UTF-8, otherwise GB18030.
    case auto
    /// Force UTF-8.
    case utf8 = "utf-8"
    /// Force GB18030.
    case gb18030
}

/// A file that cannot be read as text: undecodable bytes, an unsupported encoding.
public struct DecodingError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// Where it happened.
    public var location: SourceLocation
    /// The byte offset in the file of the first bad byte.
    public var byteOffset: Int
    /// What happened and what to do: a catalogue text.
    public var text: Message

    /// What happened and what to do, in English.
    public var message: String { MessageCatalogue(.en)(text) }

    /// The diagnostic that says it.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: location) }

    /// `file:line: error: message`.
    public var description: String { diagnostic.description }
}

/// Turns chunks of file bytes into chunks of validated UTF-8, whatever the source encoding.
///
/// Line numbers and byte offsets refer to the original file. The decoder keeps incomplete
/// sequences between chunks, so input may arrive one byte at a time.
public struct TextDecoder {
    /// The encoding in use, once known.
    public private(set) var encoding: TextEncoding?
    private let choice: EncodingChoice
    private let displayName: String
    private var pending: [UInt8] = []
    private var sniffed = false
    private var offset = 0
    private var line = 1
    private var converter: GB18030Converter?

    /// Creates a decoder for a file shown to the user as `displayName`.
    public init(choice: EncodingChoice, displayName: String) {
        self.choice = choice
        self.displayName = displayName
    }

    /// The number of bytes needed before auto-detection decides (or the end of the file).
    static let sniffLength = 64 * 1024

    /// Feeds bytes; appends decoded UTF-8 to `output`.
    public mutating func decode(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) throws {
        if !sniffed {
            pending.append(contentsOf: bytes)
            if pending.count < Self.sniffLength { return }
            try decideEncoding(atEnd: false)
            let buffered = pending
            pending = []
            try buffered.withUnsafeBytes { raw in try convert(raw, into: &output, atEnd: false) }
            return
        }
        try convert(bytes, into: &output, atEnd: false)
    }

    /// Signals the end of the file; throws if it ends inside a multi-byte sequence.
    public mutating func finish(into output: inout [UInt8]) throws {
        if !sniffed {
            try decideEncoding(atEnd: true)
            let buffered = pending
            pending = []
            try buffered.withUnsafeBytes { raw in try convert(raw, into: &output, atEnd: false) }
        }
        let empty: [UInt8] = []
        try empty.withUnsafeBytes { raw in try convert(raw, into: &output, atEnd: true) }
    }

    private mutating func decideEncoding(atEnd: Bool) throws {
        sniffed = true
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let gbBOM: [UInt8] = [0x84, 0x31, 0x95, 0x33]
        if pending.starts(with: [0xFF, 0xFE]) || pending.starts(with: [0xFE, 0xFF]) {
            throw DecodingError(
                location: SourceLocation(file: displayName, line: 1), byteOffset: 0,
                text: Message(.decodeUTF16))
        }
        switch choice {
        case .utf8:
            encoding = .utf8
        case .gb18030:
            encoding = .gb18030
        case .auto:
            if pending.starts(with: bom) {
                encoding = .utf8
            } else if pending.starts(with: gbBOM) {
                encoding = .gb18030
            } else {
                // Valid UTF-8 is UTF-8. Otherwise the encoding under which the sample decodes
                // further wins, so that a UTF-8 file with one bad byte is reported at that byte,
                // not at its first Chinese character as if it were GB18030.
                // Both by the rules that decoding then applies; a tie goes to UTF-8.
                if let bad = UTF8Validator.firstInvalidOffset(pending, atEnd: atEnd) {
                    encoding = bad >= (try Self.firstGB18030Error(pending, displayName: displayName)) ? .utf8 : .gb18030
                } else {
                    encoding = .utf8
                }
            }
        }
        if encoding == .utf8, pending.starts(with: bom) {
            pending.removeFirst(3)
            offset = 3
        } else if encoding == .gb18030, pending.starts(with: gbBOM) {
            pending.removeFirst(4)
            offset = 4
        }
        if encoding == .gb18030 {
            converter = try GB18030Converter(displayName: displayName)
        }
    }

    /// The offset of the first byte that GB18030 cannot decode (the count if none).
    static func firstGB18030Error(_ bytes: [UInt8], displayName: String) throws -> Int {
        let converter = try GB18030Converter(displayName: displayName)
        var output: [UInt8] = []
        var offset = 0, line = 1
        do {
            try bytes.withUnsafeBytes { try converter.convert($0, into: &output, atEnd: false, offset: &offset, line: &line) }
            return bytes.count
        } catch let error as DecodingError {
            return error.byteOffset
        }
    }

    private mutating func convert(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8], atEnd: Bool) throws {
        if encoding == .gb18030, let converter {
            try converter.convert(bytes, into: &output, atEnd: atEnd, offset: &offset, line: &line)
            return
        }
        // UTF-8: validate, carrying an incomplete trailing sequence to the next chunk.
        var validator = UTF8Validator(carry: pending)
        pending = []
        let start = output.count
        do {
            try validator.validate(bytes, into: &output, atEnd: atEnd)
        } catch let failure {
            let badOffset = offset + failure.position - validator.carryCountAtStart
            let linesBefore = output[start...].prefix(failure.validBytes).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw DecodingError(
                location: SourceLocation(file: displayName, line: line + linesBefore), byteOffset: badOffset,
                text: Message(.decodeBadUTF8, ["byte": String(failure.byte, radix: 16, uppercase: true), "offset": "\(badOffset)"]))
        }
        pending = validator.carry
        line += output.withUnsafeBufferPointer { Self.lineFeeds(UnsafeBufferPointer(rebasing: $0[start...])) }
        offset += bytes.count
    }
}

extension TextDecoder {
    /// The number of line feeds in `bytes`, eight bytes at a time: each byte of a word is compared
    /// with LF exactly (no carry crosses bytes), and the matches are counted by `nonzeroBitCount`.
    static func lineFeeds(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base)
        var count = 0
        var i = 0
        let low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        while i + 8 <= n {
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            // A byte of x is zero exactly where the input byte is LF: its top bit is set in `zero`.
            var zero = ~(((x & low7) &+ low7) | x | low7)
            // Counted bit by bit (a line has hundreds of bytes): the baseline x86-64 target has no popcount instruction.
            while zero != 0 {
                count += 1
                zero &= zero &- 1
            }
            i += 8
        }
        while i < n {
            if base[i] == 0x0A { count += 1 }
            i += 1
        }
        return count
    }
}

/// A streaming UTF-8 validator that copies valid bytes and keeps an incomplete tail.
struct UTF8Validator {
    /// Bytes of an incomplete sequence carried from the previous chunk.
    var carry: [UInt8]
    /// How many carried bytes the current chunk started with.
    let carryCountAtStart: Int

    struct Failure: Error {
        /// Position of the bad byte counted from the start of carry + chunk.
        var position: Int
        /// The bad byte.
        var byte: UInt8
        /// How many bytes were valid before it.
        var validBytes: Int
    }

    init(carry: [UInt8]) {
        self.carry = carry
        self.carryCountAtStart = carry.count
    }

    /// The offset of the first byte that breaks UTF-8 in `bytes`, or nil if there is none (an
    /// incomplete final sequence is allowed unless `atEnd`).
    static func firstInvalidOffset(_ bytes: [UInt8], atEnd: Bool) -> Int? {
        var validator = UTF8Validator(carry: [])
        var sink: [UInt8] = []
        sink.reserveCapacity(bytes.count)
        var failure: Failure?
        bytes.withUnsafeBytes { raw in
            do throws(Failure) { try validator.validate(raw, into: &sink, atEnd: atEnd) } catch { failure = error }
        }
        return failure?.position
    }

    /// Appends the valid bytes of carry + chunk to `output`; keeps an incomplete tail in `carry`.
    mutating func validate(_ chunk: UnsafeRawBufferPointer, into output: inout [UInt8], atEnd: Bool) throws(Failure) {
        if carry.isEmpty {
            try Self.validate(chunk, into: &output, carry: &carry, atEnd: atEnd)
        } else {
            // Only the few bytes of a sequence cut by the chunk boundary are copied ahead of it.
            var combined = carry
            carry = []
            combined.append(contentsOf: chunk)
            var failure: Failure?
            combined.withUnsafeBytes { bytes in
                do throws(Failure) { try Self.validate(bytes, into: &output, carry: &carry, atEnd: atEnd) } catch { failure = error }
            }
            if let failure { throw failure }
        }
    }

    /// Checks `bytes` (eight at a time while they are ASCII), appends the valid ones to `output`
    /// in one copy, and leaves an incomplete final sequence in `carry` unless `atEnd`.
    private static func validate(
        _ bytes: UnsafeRawBufferPointer, into output: inout [UInt8], carry: inout [UInt8], atEnd: Bool
    ) throws(Failure) {
        let n = bytes.count
        var i = 0
        func keep(_ count: Int) { output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<count])) }
        while i < n {
            // Eight ASCII bytes at once: no byte has its top bit set.
            if i + 8 <= n {
                let high = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080
                // The ASCII bytes ahead of the first byte with its top bit set are skipped at once.
                i += high == 0 ? 8 : high.trailingZeroBitCount >> 3
                if high == 0 { continue }
            }
            guard i < n else { break }
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            // A three-byte sequence led by E1...EC or EE...EF (all of CJK) takes any two continuation
            // bytes: checked at once, without the general case's bounds (a third of a UTF-8 import's reading).
            if i + 3 <= n, b0 >= 0xE1, b0 != 0xED, bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80, b0 <= 0xEF {
                i += 3
                // A run of them (a name, an address) without going back to the ASCII test.
                while i + 3 <= n {
                    let lead = bytes[i]
                    guard lead >= 0xE1, lead <= 0xEF, lead != 0xED, bytes[i + 1] & 0xC0 == 0x80, bytes[i + 2] & 0xC0 == 0x80 else { break }
                    i += 3
                }
                continue
            }
            let length: Int
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            switch b0 {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; lower = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; upper = 0x9F
            case 0xF0: length = 4; lower = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; upper = 0x8F
            default:
                keep(i)
                throw Failure(position: i, byte: b0, validBytes: i)
            }
            if i + length > n {
                // Incomplete at the end of the chunk: check what we have, then carry it.
                for k in 1..<(n - i) {
                    let b = bytes[i + k]
                    let ok = k == 1 ? (b >= lower && b <= upper) : (b >= 0x80 && b <= 0xBF)
                    if !ok {
                        keep(i)
                        throw Failure(position: i + k, byte: b, validBytes: i)
                    }
                }
                if atEnd {
                    keep(i)
                    throw Failure(position: i, byte: b0, validBytes: i)
                }
                carry = Array(bytes[i..<n])
                keep(i)
                return
            }
            for k in 1..<length {
                let b = bytes[i + k]
                let ok = k == 1 ? (b >= lower && b <= upper) : (b >= 0x80 && b <= 0xBF)
                if !ok {
                    keep(i)
                    throw Failure(position: i + k, byte: b, validBytes: i)
                }
            }
            i += length
        }
        keep(n)
    }
}

/// GB18030 to UTF-8 through glibc's iconv; one owner of the iconv handle.
final class GB18030Converter {
    private let handle: iconv_t
    private let displayName: String
    private var carry: [UInt8] = []

    init(displayName: String) throws {
        self.displayName = displayName
        guard let h = iconv_open("UTF-8", "GB18030"), h != iconv_t(bitPattern: -1) else {
            throw DecodingError(
                location: SourceLocation(file: displayName), byteOffset: 0,
                text: Message(.decodeNoIconv))
        }
        handle = h
    }

    deinit { iconv_close(handle) }

    func convert(_ chunk: UnsafeRawBufferPointer, into output: inout [UInt8], atEnd: Bool, offset: inout Int, line: inout Int) throws {
        var input = carry
        input.append(contentsOf: chunk)
        carry = []
        if input.isEmpty { return }
        let consumed: Int
        let failure: (position: Int, code: Int32)?
        (consumed, failure) = input.withUnsafeMutableBytes { inRaw -> (Int, (Int, Int32)?) in
            guard let inBase = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self) else { return (0, nil) }
            var inPtr: UnsafeMutablePointer<CChar>? = inBase
            var inLeft = inRaw.count
            var scratch = [UInt8](repeating: 0, count: max(inRaw.count * 2, 64))
            while inLeft > 0 {
                let (result, produced, code): (Int, Int, Int32) = scratch.withUnsafeMutableBytes { outRaw in
                    var outPtr: UnsafeMutablePointer<CChar>? = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var outLeft = outRaw.count
                    let r = iconv(handle, &inPtr, &inLeft, &outPtr, &outLeft)
                    return (r, outRaw.count - outLeft, r == -1 ? errno : 0)
                }
                output.append(contentsOf: scratch[0..<produced])
                if result == -1 {
                    if code == E2BIG { continue }
                    let position = inRaw.count - inLeft
                    if code == EINVAL { return (position, nil) } // incomplete: carry the rest
                    return (position, (position, code))
                }
            }
            return (inRaw.count, nil)
        }
        // Count lines in what was consumed: 0x0A is never a trail byte in GB18030.
        for byte in input[0..<consumed] where byte == 0x0A { line += 1 }
        if let failure {
            let bad = offset + failure.position
            let byte = input[failure.position]
            throw DecodingError(
                location: SourceLocation(file: displayName, line: line), byteOffset: bad,
                text: Message(.decodeBadGB18030, ["byte": String(byte, radix: 16, uppercase: true), "offset": "\(bad)"]))
        }
        offset += consumed
        if consumed < input.count {
            if atEnd {
                throw DecodingError(
                    location: SourceLocation(file: displayName, line: line), byteOffset: offset,
                    text: Message(.decodeTruncatedGB18030, ["offset": "\(offset)"]))
            }
            carry = Array(input[consumed...])
        }
    }
}

extension DecodingError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .dataRejected }
}
