/// A unified social credit code (统一社会信用代码, GB 32100-2015) that passed validation.
///
/// Layout (1-based): 1 registering department (9 = market regulation; also 1–8, A, N, Y),
/// 2 type (under 9: 1 企业, 2 个体工商户, 3 农民专业合作社), 3–8 region code (digits),
/// 9–17 organisation code (GB 11714, with its own mod-11 check), 18 check character.
///
/// Validation is strict and does not normalise: no trimming, no upper-casing. Lowercase letters,
/// spaces and full-width characters are reported as invalid characters, so an operator sees what
/// the register really holds; a caller that wants to be lenient trims or upper-cases first.
public struct USCC: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 18 characters, exactly as validated.
    public let text: String

    private init(unchecked text: String) { self.text = text }

    /// Validates a code from a register, or returns nil; use `validate(_:)` to learn why.
    public init?(_ text: String) {
        guard case .success(let code) = USCC.validate(text) else { return nil }
        self = code
    }

    /// The code itself.
    public var description: String { text }

    // MARK: Tables

    /// The 31 symbols of the code in value order (0–30); I, O, S, V and Z never occur.
    public static let charset: [Character] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")

    /// The weights of characters 1–17 in the check computation.
    public static let weights: [Int] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Invalid marker in `valueOfByte`.
    private static let invalid: UInt8 = 0xFF

    /// The value (0–30) of each ASCII byte in the charset, 0xFF for every other byte.
    private static let valueOfByte: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in "0123456789ABCDEFGHJKLMNPQRTUWXY".utf8.enumerated() {
            table[Int(byte)] = UInt8(value)
        }
        return table
    }()

    /// The ASCII byte of each value 0–30.
    private static let byteOfValue: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)

    // MARK: Validation

    /// Checks length, charset, region digits and the check character, in that order.
    ///
    /// Positions in problems are 1-based character positions. Codes starting with A, N or Y
    /// (and any other department symbol) are accepted. A string of exactly 15 ASCII digits is
    /// reported as `.legacyRegistrationNumber` rather than `.wrongLength(15)`.
    public static func validate(_ text: String) -> Result<USCC, USCCProblem> {
        let outcome =
            text.utf8.withContiguousStorageIfAvailable { scan($0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { scan($0) }
        switch outcome {
        case .valid: return .success(USCC(unchecked: text))
        case .problem(let problem): return .failure(problem)
        case .nonASCII: return .failure(slowProblem(text))
        }
    }

    /// True if the UTF-8 bytes are a valid code: the same test as `validate(_:)`, without making text.
    public static func isValid(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if case .valid = scan(bytes) { return true }
        return false
    }

    /// The result of the byte scan.
    private enum Scan {
        case valid
        case problem(USCCProblem)
        case nonASCII
    }

    /// The hot path: ASCII bytes, one table lookup per byte, no String slicing.
    private static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Scan {
        if bytes.count != 18 {
            var allDigits = true
            for byte in bytes {
                if byte >= 0x80 { return .nonASCII }
                if byte < 0x30 || byte > 0x39 { allDigits = false }
            }
            if bytes.count == 15 && allDigits { return .problem(.legacyRegistrationNumber) }
            return .problem(.wrongLength(bytes.count))
        }
        let table = valueOfByte
        let factors = weights
        var sum = 0
        for index in 0..<17 {
            let byte = bytes[index]
            let value = table[Int(byte)]
            if value == invalid { return invalidByte(at: index, in: bytes) }
            sum &+= Int(value) &* factors[index]
        }
        let last = bytes[17]
        if table[Int(last)] == invalid { return invalidByte(at: 17, in: bytes) }
        for index in 2..<8 where bytes[index] > 0x39 {
            return .problem(.regionNotDigits)
        }
        let expected = byteOfValue[checkValue(sum)]
        if last != expected {
            return .problem(
                .badCheckCharacter(
                    found: Character(Unicode.Scalar(last)),
                    expected: Character(Unicode.Scalar(expected))
                ))
        }
        return .valid
    }

    /// An invalid byte: a problem if the text is ASCII, else the Character-based slow path decides.
    private static func invalidByte(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Scan {
        if bytes.contains(where: { $0 >= 0x80 }) { return .nonASCII }
        return .problem(.invalidCharacter(Character(Unicode.Scalar(bytes[index])), position: index + 1))
    }

    /// The check value (0–30) for a weighted sum: 31 − (sum mod 31), with 31 read as 0.
    private static func checkValue(_ sum: Int) -> Int {
        let value = 31 - sum % 31
        return value == 31 ? 0 : value
    }

    /// The rare path for text with non-ASCII characters: positions and length count Characters.
    private static func slowProblem(_ text: String) -> USCCProblem {
        let characters = Array(text)
        if characters.count != 18 {
            return .wrongLength(characters.count)
        }
        for (index, character) in characters.enumerated() {
            guard let ascii = character.asciiValue, valueOfByte[Int(ascii)] != invalid else {
                return .invalidCharacter(character, position: index + 1)
            }
        }
        // Unreachable for non-ASCII text, kept total: report the first character.
        return .invalidCharacter(characters[0], position: 1)
    }

    /// The check character for the first 17 characters given as UTF-8 bytes, or nil if they are
    /// not exactly 17 symbols of the charset.
    public static func checkCharacter(for first17: some Collection<UInt8>) -> Character? {
        guard first17.count == 17 else { return nil }
        let table = valueOfByte
        var sum = 0
        for (index, byte) in first17.enumerated() {
            let value = table[Int(byte)]
            if value == invalid { return nil }
            sum &+= Int(value) &* weights[index]
        }
        return Character(Unicode.Scalar(byteOfValue[checkValue(sum)]))
    }

    /// True for an old 15-digit business registration number (注册号, GS 15-2006), so callers
    /// can report it apart from a malformed USCC.
    public static func isLegacyRegistrationNumber(_ text: String) -> Bool {
        var count = 0
        for byte in text.utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return false }
            count += 1
        }
        return count == 15
    }

    /// Builds a valid code from its parts, computing the check character; nil if a part is
    /// malformed (department and type must be charset symbols, region 6 ASCII digits,
    /// organisation 9 charset symbols).
    public static func make(department: Character, type: Character, region: String, organization: String) -> USCC? {
        guard let departmentByte = department.asciiValue, let typeByte = type.asciiValue else { return nil }
        var bytes: [UInt8] = [departmentByte, typeByte]
        bytes.reserveCapacity(18)
        let regionBytes = Array(region.utf8)
        guard regionBytes.count == 6, regionBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        bytes += regionBytes
        let organizationBytes = Array(organization.utf8)
        guard organizationBytes.count == 9 else { return nil }
        bytes += organizationBytes
        guard let check = checkCharacter(for: bytes), let checkByte = check.asciiValue else { return nil }
        bytes.append(checkByte)
        return USCC(unchecked: String(decoding: bytes, as: UTF8.self))
    }

    // MARK: Parts

    /// Character `offset` (0-based) of the validated ASCII text.
    private func character(at offset: Int) -> Character {
        var iterator = text.utf8.dropFirst(offset).makeIterator()
        return Character(Unicode.Scalar(iterator.next() ?? 0x3F))
    }

    /// Characters `range` (0-based) of the validated ASCII text.
    private func part(_ range: Range<Int>) -> String {
        String(decoding: text.utf8.dropFirst(range.lowerBound).prefix(range.count), as: UTF8.self)
    }

    /// Character 1: the registering department (9 = market regulation).
    public var registeringDepartment: Character { character(at: 0) }

    /// Character 2: the type of entity within the department (under 9: 1 企业, 2 个体工商户, 3 农民专业合作社).
    public var typeCode: Character { character(at: 1) }

    /// Characters 3–8: the region code of the registering authority.
    public var regionCode: String { part(2..<8) }

    /// Characters 9–17: the organisation code (主体标识码, GB 11714).
    public var organizationCode: String { part(8..<17) }

    /// Character 18: the check character.
    public var checkCharacter: Character { character(at: 17) }

    /// Whether the organisation code's own GB 11714 mod-11 check holds; a failure is a warning only.
    public var organizationCodeCheckIsValid: Bool {
        USCC.organizationCodeCheckIsValid(text.utf8.dropFirst(8).prefix(9))
    }

    /// GB 11714: weights 3 7 9 10 5 8 4 2 over digits (0–9) and letters (A=10 … Z=35);
    /// check = 11 − (sum mod 11), written X for 10 and 0 for 11.
    static func organizationCodeCheckIsValid(_ code: some Collection<UInt8>) -> Bool {
        guard code.count == 9 else { return false }
        let codeWeights = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        var last: UInt8 = 0
        for (index, byte) in code.enumerated() {
            if index == 8 { last = byte; break }
            let value: Int
            switch byte {
            case 0x30...0x39: value = Int(byte - 0x30)
            case 0x41...0x5A: value = Int(byte - 0x41) + 10
            default: return false
            }
            sum += value * codeWeights[index]
        }
        return last == organizationCheckByte(sum)
    }

    /// The GB 11714 check byte for a weighted sum of the first 8 characters.
    static func organizationCheckByte(_ sum: Int) -> UInt8 {
        let value = 11 - sum % 11
        switch value {
        case 10: return 0x58 // X
        case 11: return 0x30 // 0
        default: return 0x30 + UInt8(value)
        }
    }

    /// Appends the GB 11714 check character to an 8-character organisation code body, or nil if
    /// the body is not 8 digits or uppercase ASCII letters.
    public static func organizationCode(body: String) -> String? {
        let bytes = Array(body.utf8)
        guard bytes.count == 8 else { return nil }
        let codeWeights = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (index, byte) in bytes.enumerated() {
            switch byte {
            case 0x30...0x39: sum += Int(byte - 0x30) * codeWeights[index]
            case 0x41...0x5A: sum += (Int(byte - 0x41) + 10) * codeWeights[index]
            default: return nil
            }
        }
        return String(decoding: bytes + [organizationCheckByte(sum)], as: UTF8.self)
    }

    // MARK: Codable

    /// Decodes a single string and validates it; an invalid code is a data-corruption error.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        switch USCC.validate(text) {
        case .success(let code): self = code
        case .failure(let problem):
            throw DecodingError.dataCorruptedError(in: container, debugDescription: problem.description)
        }
    }

    /// Encodes the code as a single string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// Why a text is not a valid USCC; descriptions are for operators.
public enum USCCProblem: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// Not 18 characters (the payload is the number of characters; 0 for an empty cell).
    case wrongLength(Int)
    /// 15 ASCII digits: an old business registration number (注册号), not a USCC.
    case legacyRegistrationNumber
    /// A character outside `0-9 A-H J-N P-R T U W-Y` (I O S V Z, lowercase, spaces, full-width…) at a 1-based position.
    case invalidCharacter(Character, position: Int)
    /// Characters 3–8 (the region code) are not all digits.
    case regionNotDigits
    /// The 18th character does not match the one computed from the first 17.
    case badCheckCharacter(found: Character, expected: Character)

    /// One line in operator English.
    public var description: String { MessageCatalogue(.en)(text) }

    /// The catalogue text.
    public var text: Message {
        switch self {
        case .wrongLength(0):
            return Message(.usccEmpty)
        case .wrongLength(let count):
            return Message(.usccLength, ["count": "\(count)"])
        case .legacyRegistrationNumber:
            return Message(.usccLegacy)
        case .invalidCharacter(let character, let position):
            let values = ["character": USCCProblem.show(character), "position": "\(position)"]
            if let ascii = character.asciiValue, ascii >= 0x61 && ascii <= 0x7A {
                return Message(.usccLowercase, values)
            }
            return Message(.usccInvalidCharacter, values)
        case .regionNotDigits:
            return Message(.usccRegionNotDigits)
        case .badCheckCharacter(let found, let expected):
            return Message(.usccCheckCharacter, ["found": String(found), "expected": String(expected)])
        }
    }

    /// The text, followed when `legacyHint` by what to do about a legacy 15-digit 注册号.
    public func text(legacyHint: Bool) -> Message { legacyHint ? Message(.rowUSCCLegacy, parts: ["problem": text]) : text }

    /// A character quoted, or as U+XXXX if it is whitespace or a control character.
    private static func show(_ character: Character) -> String {
        if character.isWhitespace
            || character.unicodeScalars.contains(where: {
                $0.properties.generalCategory == .control || $0.properties.generalCategory == .format
            })
        {
            return character.unicodeScalars.map { "U+" + zeroPadded($0.value, width: 4, radix: 16, uppercase: true) }.joined(separator: " ")
        }
        return "'\(character)'"
    }
}

extension USCCProblem {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .dataRejected }
}
