/// The canonical fields of an entity register, in the order of the rejects file and the XSD.
public enum RegisterField: String, Sendable, Hashable, Codable, CaseIterable {
    /// 统一社会信用代码.
    case uscc
    /// 名称.
    case name
    /// 主体类型.
    case entityType = "entity_type"
    /// 行业类别: matched to a task's object scope.
    case category
    /// 登记机关.
    case registrationAuthority = "registration_authority"
    /// 行政区划代码.
    case regionCode = "region_code"
    /// 住所.
    case address
    /// 法定代表人 / 经营者.
    case legalRep = "legal_rep"
    /// 信用风险分类.
    case riskClass = "risk_class"
    /// 登记状态.
    case status
    /// 最近检查日期.
    case lastInspected = "last_inspected"
    /// 成立日期.
    case established
    /// 联系电话.
    case phone

    /// The fields that must be present and non-empty.
    public static let required: [RegisterField] = [.uscc, .name, .entityType, .category, .regionCode, .status]

    /// The position of the field in `allCases`.
    public var index: Int {
        switch self {
        case .uscc: 0
        case .name: 1
        case .entityType: 2
        case .category: 3
        case .registrationAuthority: 4
        case .regionCode: 5
        case .address: 6
        case .legalRep: 7
        case .riskClass: 8
        case .status: 9
        case .lastInspected: 10
        case .established: 11
        case .phone: 12
        }
    }
}

/// One validated row of a department's register.
public struct EntityRecord: Sendable, Hashable, Codable {
    /// The USCC, validated.
    public var uscc: String
    /// 名称.
    public var name: String
    /// 主体类型, one of `RegisterRowValidator.entityTypes`.
    public var entityType: String
    /// 行业类别.
    public var category: String
    /// 登记机关.
    public var registrationAuthority: String?
    /// 6-digit region code.
    public var regionCode: String
    /// 住所.
    public var address: String?
    /// 法定代表人.
    public var legalRep: String?
    /// The credit-risk class, or nil for unclassified.
    public var riskClass: RiskClass?
    /// 登记状态 as written (存续, 在业, 吊销, 注销, 迁出 …).
    public var status: String
    /// 最近检查日期 as YYYY-MM-DD.
    public var lastInspected: String?
    /// 成立日期 as YYYY-MM-DD.
    public var established: String?
    /// 联系电话.
    public var phone: String?

    /// Creates a record.
    public init(
        uscc: String, name: String, entityType: String, category: String, registrationAuthority: String? = nil,
        regionCode: String, address: String? = nil, legalRep: String? = nil, riskClass: RiskClass? = nil, status: String,
        lastInspected: String? = nil, established: String? = nil, phone: String? = nil
    ) {
        self.uscc = uscc
        self.name = name
        self.entityType = entityType
        self.category = category
        self.registrationAuthority = registrationAuthority
        self.regionCode = regionCode
        self.address = address
        self.legalRep = legalRep
        self.riskClass = riskClass
        self.status = status
        self.lastInspected = lastInspected
        self.established = established
        self.phone = phone
    }
}

/// Why a row was rejected, and where in the row.
public struct RowRejection: Sendable, Hashable, Error {
    /// The canonical name of the field at fault (`uscc`, `inspector_id`, …), if one is.
    public var field: String?
    /// The reason, for the diagnostic and the rejects file: a catalogue text.
    public var text: Message

    /// Creates a rejection naming a register field.
    public init(field: RegisterField?, _ text: Message) {
        self.field = field?.rawValue
        self.text = text
    }

    /// Creates a rejection naming any canonical field.
    public init(fieldName: String?, _ text: Message) {
        self.field = fieldName
        self.text = text
    }

    /// The reason in English.
    public var reason: String { MessageCatalogue(.en)(text) }

    /// The rejection of an empty required field.
    public static func empty(_ field: String) -> RowRejection { RowRejection(fieldName: field, Message(.rowFieldEmpty, ["field": field])) }

    /// The rejection of the first value of a row that holds a control character (NUL, ESC, a
    /// bidirectional control …; see ``ControlCharacters``), or nil. Line feeds, carriage returns and
    /// tabs pass here (an address may take two lines; a name's line break has its own rule): a
    /// control character is never stored. `fields` names the values in order.
    public static func controlCharacter(in values: [String?], fields: [String]) -> RowRejection? {
        for (index, value) in values.enumerated() {
            // The bytes first: walking every value by characters was most of the cost of a rejected
            // row (callgrind: 47,000 instructions a register row), and almost no value holds one.
            guard var value, value.withUTF8({ ControlCharacters.containsControlBesidesLayout(utf8: $0) }),
                let found = ControlCharacters.first(in: value, allowingLayout: true)
            else { continue }
            let text = Message(
                .rowControlCharacter, ["name": ControlCharacters.name(found.scalar), "position": "\(found.position)"],
                parts: ["field": index < fields.count ? Message(verbatim: fields[index]) : Message(.rowColumnNumber, ["n": "\(index + 1)"])]
            )
            return RowRejection(fieldName: index < fields.count ? fields[index] : nil, text)
        }
        return nil
    }

    /// A row repeating the key of the row on `firstLine`: `<subject> repeats the row on line N; the
    /// first is kept`, or, when that first row was itself rejected, `…, which was itself rejected;
    /// correct that row and send the file again`.
    public static func repeated(_ subject: Message, field: String, firstLine: Int, firstRejected: Bool = false) -> RowRejection {
        RowRejection(
            fieldName: field,
            Message(firstRejected ? .rowRepeatedFirstRejected : .rowRepeatedKept, ["line": "\(firstLine)"], parts: ["subject": subject]))
    }
}

/// Something about an accepted row that a person should look at: a value left unset because it
/// could not be read (an optional date), or one kept as written.
public struct RowWarning: Sendable, Hashable {
    /// The canonical name of the field concerned, if one is.
    public var field: String?
    /// What was found and what was done about it: a catalogue text.
    public var text: Message

    /// Creates a warning.
    public init(field: String?, _ text: Message) {
        self.field = field
        self.text = text
    }

    /// The text in English.
    public var message: String { MessageCatalogue(.en)(text) }

    /// The warning for an optional date that is not one: the value is left unset, never guessed.
    public static func unreadableDate(_ field: String, _ raw: String) -> RowWarning {
        RowWarning(field: field, Message(.rowUnreadableDate, ["field": field, "value": raw, "forms": DateText.acceptedForms]))
    }
}

/// The register contract: which rows are accepted and how values are normalised.
///
/// Required and non-empty: uscc, name, entity_type, category, region_code, status. The USCC is valid
/// per GB 32100-2015 and unique within the file (the first occurrence is kept). risk_class is empty,
/// 未分类, A–D or 低风险 / 一般风险 / 较高风险 / 高风险. entity_type is one of `entityTypes`. region_code is
/// 6 digits. Dates (both optional) are read by `DateText`; one that cannot be read is a warning and
/// left unset, not a rejection. A name has no line break and at most 100 characters; an address at most 200.
public struct RegisterRowValidator: Sendable {
    /// The accepted 主体类型 values.
    public static let entityTypes: Set<String> = [
        "企业", "个体工商户", "农民专业合作社", "农民专业合作社分支机构", "企业分支机构",
        "事业单位", "社会团体", "民办非企业单位", "基金会", "机关", "其他组织",
    ]

    /// Risk-class spellings: the letter or the SAMR wording.
    public static let riskClassNames: [String: RiskClass] = [
        "A": .A, "B": .B, "C": .C, "D": .D, "低风险": .A, "一般风险": .B, "较高风险": .C, "高风险": .D,
    ]

    /// Longest accepted name, in characters.
    public static let maxNameLength = 100
    /// Longest accepted address, in characters.
    public static let maxAddressLength = 200

    private var firstLineOfUSCC: [String: Int] = [:]
    private let tracksRepeats: Bool

    /// Creates a validator for one file. It remembers USCCs to find repeats unless `tracksRepeats`
    /// is false (the importer finds repeats itself, with a compact key, to keep memory flat).
    public init(tracksRepeats: Bool = true) { self.tracksRepeats = tracksRepeats }

    /// Validates one row given as values in `RegisterField.allCases` order (nil = column absent);
    /// what an accepted row leaves unset is added to `warnings`.
    public mutating func validate(_ values: [String?], line: Int, warnings: inout [RowWarning]) -> Result<EntityRecord, RowRejection> {
        func text(_ field: RegisterField) -> String? {
            guard field.index < values.count, let raw = values[field.index] else { return nil }
            let trimmed = raw.trimmingWhitespace()
            return trimmed.isEmpty ? nil : trimmed
        }
        if let rejection = RowRejection.controlCharacter(in: values, fields: RegisterField.allCases.map(\.rawValue)) {
            return .failure(rejection)
        }
        for field in RegisterField.required where text(field) == nil {
            return .failure(.empty(field.rawValue))
        }
        let usccText = text(.uscc) ?? ""
        switch USCC.validate(usccText) {
        case .failure(let problem):
            return .failure(RowRejection(field: .uscc, problem.text(legacyHint: USCC.isLegacyRegistrationNumber(usccText))))
        case .success:
            break
        }
        let name = text(.name) ?? ""
        if Self.hasLineBreak(name) {
            return .failure(RowRejection(field: .name, Message(.rowNameLineBreak)))
        }
        // Up to 100 UTF-8 bytes is at most 100 characters: count characters only beyond that.
        if name.utf8.count > Self.maxNameLength, name.count > Self.maxNameLength {
            return .failure(
                RowRejection(field: .name, Message(.rowNameTooLong, ["count": "\(name.count)", "max": "\(Self.maxNameLength)"])))
        }
        let entityType = text(.entityType) ?? ""
        guard Self.entityTypes.contains(entityType) else {
            return .failure(
                RowRejection(
                    field: .entityType, Message(.rowEntityType, ["value": entityType])))
        }
        let region = text(.regionCode) ?? ""
        guard region.utf8.count == 6, region.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            return .failure(RowRejection(field: .regionCode, Message(.rowRegionCode, ["value": region])))
        }
        var riskClass: RiskClass?
        if let raw = text(.riskClass), raw != "未分类" {
            guard let known = Self.riskClassNames[raw] ?? Self.riskClassNames[PlanCellParser.normalizeWidth(raw)] else {
                return .failure(
                    RowRejection(field: .riskClass, Message(.rowRiskClass, ["value": raw])))
            }
            riskClass = known
        }
        let address = text(.address)
        if let address, address.utf8.count > Self.maxAddressLength, address.count > Self.maxAddressLength {
            return .failure(
                RowRejection(
                    field: .address, Message(.rowAddressTooLong, ["count": "\(address.count)", "max": "\(Self.maxAddressLength)"])))
        }
        var dates: [RegisterField: String] = [:]
        var unreadable: [RowWarning] = []
        for field in [RegisterField.lastInspected, .established] {
            guard let raw = text(field) else { continue }
            guard let date = DateText.parse(raw) else {
                unreadable.append(.unreadableDate(field.rawValue, raw))
                continue
            }
            dates[field] = date.description
        }
        if tracksRepeats {
            if let first = firstLineOfUSCC[usccText] {
                return .failure(Self.repeatRejection(usccText, firstLine: first))
            }
            firstLineOfUSCC[usccText] = line
        }
        warnings.append(contentsOf: unreadable)
        return .success(
            EntityRecord(
                uscc: usccText, name: name, entityType: entityType, category: text(.category) ?? "",
                registrationAuthority: text(.registrationAuthority), regionCode: region, address: address,
                legalRep: text(.legalRep), riskClass: riskClass, status: text(.status) ?? "",
                lastInspected: dates[.lastInspected], established: dates[.established], phone: text(.phone)))
    }

    /// True if the text holds a line break (LF, CR, NEL, LS or PS), checked on the UTF-8 bytes.
    public static func hasLineBreak(_ text: String) -> Bool { hasLineBreak(utf8: text.utf8) }

    /// True if UTF-8 bytes hold a line break (LF, CR, NEL, LS or PS).
    @inlinable
    public static func hasLineBreak(utf8 bytes: some Sequence<UInt8>) -> Bool {
        var previous: UInt8 = 0, beforePrevious: UInt8 = 0
        for byte in bytes {
            if byte == 0x0A || byte == 0x0D { return true }
            if beforePrevious == 0xE2, previous == 0x80, byte == 0xA8 || byte == 0xA9 { return true }
            if previous == 0xC2, byte == 0x85 { return true }
            beforePrevious = previous
            previous = byte
        }
        return false
    }

    /// The rejection of a USCC seen before in the same file.
    public static func repeatRejection(_ uscc: String, firstLine: Int, firstRejected: Bool = false) -> RowRejection {
        .repeated(
            Message(.subjectUSCC, ["uscc": uscc]), field: RegisterField.uscc.rawValue, firstLine: firstLine, firstRejected: firstRejected)
    }

    /// A date as YYYY-MM-DD from any form `DateText` reads; nil if it is none.
    public static func normalizedDate(_ raw: String) -> String? { DateText.iso(raw) }
}
