/// The register contract checked on UTF-8 bytes, for the rows that plainly pass it.
///
/// `RegisterRowValidator` is the contract; the screen is a fast subset of it for bulk imports. It
/// accepts a row only when every check passes on the bytes as written and no value needs trimming
/// or width normalisation; it then gives what the validator would have normalised (risk class,
/// dates). Everything else, including every row the validator would reject, is `nil`: the caller
/// hands that row to the validator, which decides and words the rejection. So a row the screen
/// accepts is accepted by the validator with the same values (the tests hold it to that).
public struct RegisterRowScreen: Sendable {
    /// What the screen normalised in an accepted row; every other value is its bytes as written.
    public struct Accepted: Sendable, Hashable {
        /// The credit-risk class, or nil for unclassified (empty or 未分类).
        public var riskClass: RiskClass?
        /// 最近检查日期 as the 8 digits YYYYMMDD, or nil if empty.
        public var lastInspected: UInt64?
        /// 成立日期 as the 8 digits YYYYMMDD, or nil if empty.
        public var established: UInt64?
    }

    private let entityTypes: [[UInt8]]
    private let riskClasses: [([UInt8], RiskClass)]
    private static let unclassified = Array("未分类".utf8)

    /// Creates a screen for the contract's values.
    public init() {
        entityTypes = RegisterRowValidator.entityTypes.map { Array($0.utf8) }.sorted { $0.count < $1.count }
        riskClasses = RegisterRowValidator.riskClassNames.map { (Array($0.key.utf8), $0.value) }.sorted { $0.0.count < $1.0.count }
    }

    /// Screens a row given as the bytes of each field in `RegisterField.allCases` order (empty for
    /// an empty or absent field): the normalised values if it plainly passes, nil if the validator must decide.
    public func screen(_ values: UnsafeBufferPointer<UnsafeBufferPointer<UInt8>>) -> Accepted? {
        guard values.count == RegisterField.allCases.count else { return nil }
        for value in values
        where Self.needsTrim(value) || (Self.mayHoldSpecial(value) && ControlCharacters.containsControlBesidesLayout(utf8: value)) {
            return nil
        }
        for field in RegisterField.required where values[field.index].isEmpty { return nil }
        guard USCC.isValid(utf8: values[RegisterField.uscc.index]) else { return nil }
        let name = values[RegisterField.name.index]
        // Longer than the limit in bytes: the validator counts characters.
        guard name.count <= RegisterRowValidator.maxNameLength, !(Self.mayHoldSpecial(name) && Self.hasLineBreak(name)) else { return nil }
        guard values[RegisterField.address.index].count <= RegisterRowValidator.maxAddressLength else { return nil }
        let entityType = values[RegisterField.entityType.index]
        guard entityTypes.contains(where: { Self.equal($0, entityType) }) else { return nil }
        let region = values[RegisterField.regionCode.index]
        guard region.count == 6, region.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        var accepted = Accepted()
        let risk = values[RegisterField.riskClass.index]
        if !risk.isEmpty, !Self.equal(Self.unclassified, risk) {
            guard let known = riskClasses.first(where: { Self.equal($0.0, risk) }) else { return nil }
            accepted.riskClass = known.1
        }
        let lastInspected = values[RegisterField.lastInspected.index]
        if !lastInspected.isEmpty {
            guard let date = Self.date(lastInspected) else { return nil }
            accepted.lastInspected = date
        }
        let established = values[RegisterField.established.index]
        if !established.isEmpty {
            guard let date = Self.date(established) else { return nil }
            accepted.established = date
        }
        return accepted
    }

    /// A date read by `DateText` packed as the number `YYYYMMDD`; nil if it is not one.
    static func date(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64? {
        guard let date = DateText.parse(utf8: bytes) else { return nil }
        return UInt64(date.year * 10_000 + date.month * 100 + date.day)
    }

    /// Writes the ten bytes YYYY-MM-DD of a date from `date(_:)` into `buffer` at `start` (nothing if they do not fit).
    public static func writeISO(_ packed: UInt64, to buffer: UnsafeMutableBufferPointer<UInt8>, at start: Int) {
        guard start >= 0, start + 10 <= buffer.count else { return }
        let year = Int(packed / 10_000 % 10_000), month = Int(packed / 100 % 100), day = Int(packed % 100)
        let digit = { (value: Int) in UInt8(0x30 + value) }
        buffer[start] = digit(year / 1000)
        buffer[start + 1] = digit(year / 100 % 10)
        buffer[start + 2] = digit(year / 10 % 10)
        buffer[start + 3] = digit(year % 10)
        buffer[start + 4] = UInt8(ascii: "-")
        buffer[start + 5] = digit(month / 10)
        buffer[start + 6] = digit(month % 10)
        buffer[start + 7] = UInt8(ascii: "-")
        buffer[start + 8] = digit(day / 10)
        buffer[start + 9] = digit(day % 10)
    }

    /// True unless the value plainly needs no trim: its first byte is neither ASCII whitespace nor
    /// the lead byte of a multi-byte space, and it does not end in either (the test of `trimmingWhitespace`).
    static func needsTrim(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let head = bytes.first, let tail = bytes.last else { return false }
        func plain(_ byte: UInt8) -> Bool { byte > 0x20 && byte != 0xC2 && byte != 0xE1 && byte != 0xE2 && byte != 0xE3 }
        guard plain(head) else { return true }
        if tail < 0x80 { return tail <= 0x20 }
        let count = bytes.count
        let lead2 = count >= 2 ? bytes[count - 2] : 0
        let lead3 = count >= 3 ? bytes[count - 3] : 0
        return lead2 == 0xC2 || lead3 == 0xE1 || lead3 == 0xE2 || lead3 == 0xE3
    }

    /// False if no byte of `bytes` is below 0x20, 0x7F, 0xC2 or 0xE2: then they hold neither a
    /// control character nor a line break (each is written with one of those bytes), and the exact
    /// checks need not run. Eight bytes a step; these checks, a byte at a time over every value,
    /// were the larger part of the screen's instructions (callgrind, 100,000 rows).
    @inline(__always)
    static func mayHoldSpecial(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        let raw = UnsafeRawPointer(base)
        let n = bytes.count
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080, low7: UInt64 = 0x7F7F_7F7F_7F7F_7F7F
        /// The top bit of each byte of `x` that is zero, exactly.
        @inline(__always) func zeros(_ x: UInt64) -> UInt64 { ~(((x & low7) &+ low7) | x | low7) }
        var i = 0
        while i + 8 <= n {
            let word = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // Whether any byte is below 0x20 (exact as a yes or no; bytes 0x80 and above never count).
            if (word &- 0x20 &* ones) & ~word & high != 0 { return true }
            if zeros(word ^ (0x7F &* ones)) | zeros(word ^ (0xC2 &* ones)) | zeros(word ^ (0xE2 &* ones)) != 0 { return true }
            i += 8
        }
        while i < n {
            let byte = base[i]
            if byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2 { return true }
            i += 1
        }
        return false
    }

    /// `RegisterRowValidator.hasLineBreak` on bytes.
    static func hasLineBreak(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool { RegisterRowValidator.hasLineBreak(utf8: bytes) }

    private static func equal(_ known: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        known.count == bytes.count && known.withUnsafeBufferPointer { $0.elementsEqual(bytes) }
    }
}
