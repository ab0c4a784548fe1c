/// One kind of bad input in a register; a generated row carries at most one. The import rejects
/// the row for every kind but `badDate` (see `rejectsRow`).
public enum RegisterDefect: String, CaseIterable, Sendable, Codable {
    /// The USCC's 18th character does not match its check.
    case badCheckCharacter
    /// The USCC holds a character outside its charset (I O S V Z, lowercase, full-width digit).
    case invalidUSCCCharacter
    /// The USCC has 16, 17 or 19 characters (never 15 digits, which would be a legacy number).
    case wrongUSCCLength
    /// The USCC repeats the USCC of an earlier good row (see `GeneratedRow.duplicateOf`).
    case duplicateUSCC
    /// The name is empty.
    case missingName
    /// The category is empty.
    case missingCategory
    /// The status is empty.
    case missingStatus
    /// The entity type is empty.
    case missingEntityType
    /// The region code is empty.
    case missingRegionCode
    /// The risk class is outside A–D and 低风险/一般风险/较高风险/高风险 (e.g. `E`, `中风险`).
    case badRiskClass
    /// The entity type is not 企业, 个体工商户 or 农民专业合作社.
    case badEntityType
    /// The region code is not 6 digits (e.g. `14098`, `原平市`, `14O981`).
    case badRegionCode
    /// `established` or `last_inspected` is not a real date (e.g. `2023-02-30`, `0000-00-00`).
    case badDate
    /// The name contains a line break (LF or CR LF).
    case nameWithLineBreak
    /// The name has more than 100 characters.
    case nameTooLong
    /// The address has more than 200 characters.
    case addressTooLong

    /// True if the import rejects a row with this defect. A `badDate` is in an optional column:
    /// the import warns and leaves the date unset instead (an unreadable optional cell never costs the row).
    public var rejectsRow: Bool { self != .badDate }

    /// The kinds the import rejects the row for.
    public static let rowRejecting = allCases.filter(\.rejectsRow)
}

/// One generated register row, with the defect it was given, if any.
public struct GeneratedRow: Sendable, Hashable {
    /// The 0-based data row number (the file line is index + 2 with a header line).
    public var index: Int
    /// The fields, in `RegisterGenerator.header` order.
    public var fields: [String]
    /// The one defect of this row, or nil for a good row.
    public var defect: RegisterDefect?
    /// The column that carries the defect, or nil for a good row.
    public var defectColumn: RegisterGenerator.Column?
    /// For `duplicateUSCC`: the index of the earlier good row whose USCC is repeated.
    public var duplicateOf: Int?

    /// Creates a row.
    public init(
        index: Int, fields: [String], defect: RegisterDefect? = nil,
        defectColumn: RegisterGenerator.Column? = nil, duplicateOf: Int? = nil
    ) {
        self.index = index
        self.fields = fields
        self.defect = defect
        self.defectColumn = defectColumn
        self.duplicateOf = duplicateOf
    }

    /// The field of a column.
    public subscript(column: RegisterGenerator.Column) -> String {
        get { fields[column.rawValue] }
        set { fields[column.rawValue] = newValue }
    }
}

/// A seeded generator of realistic entity registers: rows only, no I/O; the same seed gives the
/// same rows, byte for byte, on any machine.
///
/// Good rows have unique, valid USCCs (department 9, type 1/2/3 matching the entity type, region
/// = characters 3–8 = `region_code`, organisation code with a correct GB 11714 check), Chinese
/// names and addresses, some with ASCII commas, double quotes and full-width punctuation. Exactly
/// `defectCountPerKind` rows of each `RegisterDefect` are placed at seeded positions (never row 0),
/// each with that one defect only.
public struct RegisterGenerator: Sendable {
    /// The columns of a generated register, in file order.
    public enum Column: Int, CaseIterable, Sendable, Codable {
        /// 统一社会信用代码.
        case uscc
        /// 名称.
        case name
        /// 主体类型: 企业, 个体工商户 or 农民专业合作社.
        case entityType
        /// 行业/类别, matched to a task's object scope.
        case category
        /// 登记机关.
        case registrationAuthority
        /// 行政区划 code (6 digits).
        case regionCode
        /// 地址.
        case address
        /// 法定代表人/经营者.
        case legalRep
        /// 信用风险分类: A–D, 低风险…高风险, or empty (unclassified).
        case riskClass
        /// 登记状态.
        case status
        /// Date of the last inspection, or empty.
        case lastInspected
        /// Date of establishment.
        case established
        /// Telephone, or empty.
        case phone

        /// The canonical column name in the header.
        public var name: String {
            switch self {
            case .uscc: "uscc"
            case .name: "name"
            case .entityType: "entity_type"
            case .category: "category"
            case .registrationAuthority: "registration_authority"
            case .regionCode: "region_code"
            case .address: "address"
            case .legalRep: "legal_rep"
            case .riskClass: "risk_class"
            case .status: "status"
            case .lastInspected: "last_inspected"
            case .established: "established"
            case .phone: "phone"
            }
        }
    }

    /// The canonical column names, in file order.
    public static let header: [String] = Column.allCases.map(\.name)

    /// The object scopes of the 2024 原平市 plan (抽查对象范围 cells split on whitespace, duplicates
    /// dropped, in plan order): the default categories.
    public static let planScopes: [String] = [
        "全市四上单位", "燃气经营企业", "园林绿化企业", "房地产从业企业", "中小学校",
        "营利性的民办职业高中学校、民办普通高中、民办幼儿园", "中小学生的校外教育培训机构", "各类学校",
        "市直公办学校", "机动车检验单位", "爆破作业单位", "保安相关单位", "游泳场馆", "大型企业、商场等单位",
        "市直监管的防雷重点单位", "一般排污企业", "城镇污水处理厂", "危险化学品生产企业", "冶金工贸企业",
        "非煤矿山企业", "煤矿企业", "包装装潢、其他印刷品印刷单位", "出版物零售单位", "电影院", "各类娱乐场所",
        "互联网上网营业场所", "营业性演出经营活动从业单位", "艺术品经营单位", "旅行社", "道路危险货物运输企业",
        "道路运输新业态经营企业", "道路运输车辆达标管理相关机构", "交通输工程参建单位", "经营卷烟零售业务的企业",
        "各类物流、寄递企业", "从事种畜禽生产经营单位", "鱼池养殖", "城区、乡镇经营门店",
    ]

    /// Default region codes: 原平市 first (the home region, 70% of rows), then 忻州市, 忻府区, 定襄县,
    /// 五台县, 太原市 and 大同市.
    public static let defaultRegionCodes: [String] = ["140981", "140900", "140902", "140921", "140922", "140100", "140200"]

    /// The default department whose register is generated.
    public static let defaultDepartmentName = "原平市市场监督管理局"

    /// What to generate.
    public struct Options: Sendable, Hashable {
        /// The seed; everything depends on it alone.
        public var seed: UInt64
        /// The number of data rows (negative counts as 0; at most `maximumRows`).
        public var rows: Int
        /// Region codes (6 ASCII digits; others are ignored); the first is the home region.
        public var regionCodes: [String]
        /// The share of rows for EACH defect kind (0.01 = 1% of rows per kind).
        public var badRowRate: Double
        /// The department whose register this is; not written into rows, for callers' file names.
        public var departmentName: String
        /// The categories drawn from (empty: the plan scopes).
        public var categories: [String]

        /// Creates options; the defaults describe a 原平市 register with 1% of rows per defect kind.
        public init(
            seed: UInt64,
            rows: Int,
            regionCodes: [String] = RegisterGenerator.defaultRegionCodes,
            badRowRate: Double = 0.01,
            departmentName: String = RegisterGenerator.defaultDepartmentName,
            categories: [String] = RegisterGenerator.planScopes
        ) {
            self.seed = seed
            self.rows = rows
            self.regionCodes = regionCodes
            self.badRowRate = badRowRate
            self.departmentName = departmentName
            self.categories = categories
        }
    }

    /// The most rows a generator produces (31^6, the number of distinct new-style organisation codes).
    public static let maximumRows = 887_503_681

    /// The options as given.
    public let options: Options

    /// The number of rows of each defect kind: round(rows × badRowRate), capped so that at most
    /// rows − 1 rows are defective in total (row 0 is always good).
    public let defectCountPerKind: Int

    let rowCount: Int
    let regions: [String]
    let categories: [String]
    /// Name words of each category, computed once.
    let profiles: [CategoryProfile]
    /// Sorted row indices of defective rows.
    let defectPositions: [Int]
    /// The defect of each position in `defectPositions`.
    let defectKinds: [RegisterDefect]
    let keys: PermutationKeys

    /// Prepares a generator: picks the defect positions (the only state proportional to the
    /// number of defects; rows themselves are produced lazily).
    public init(options: Options) {
        self.options = options
        let rowCount = min(max(0, options.rows), RegisterGenerator.maximumRows)
        self.rowCount = rowCount
        let validRegions = options.regionCodes.filter { code in
            code.utf8.count == 6 && code.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        regions = validRegions.isEmpty ? RegisterGenerator.defaultRegionCodes : validRegions
        let nonEmptyCategories = options.categories.filter { !$0.isEmpty }
        let categories = nonEmptyCategories.isEmpty ? RegisterGenerator.planScopes : nonEmptyCategories
        self.categories = categories
        profiles = categories.map { category in
            CategoryProfile(
                industries: Names.words(for: category, in: Names.industries, generic: Names.genericIndustries),
                shops: Names.words(for: category, in: Names.shops, generic: Names.genericShops))
        }
        keys = PermutationKeys(seed: options.seed)

        let kinds = RegisterDefect.allCases
        var perKind = 0
        let wanted = Double(rowCount) * options.badRowRate
        if wanted.isFinite && wanted > 0 {
            // Half away from zero, without libm: truncate, then look at the exact fraction.
            let whole = wanted >= Double(rowCount) ? rowCount : Int(wanted)
            perKind = wanted - Double(whole) >= 0.5 ? whole + 1 : whole
        }
        perKind = min(perKind, max(0, rowCount - 1) / kinds.count)
        defectCountPerKind = perKind

        var rng = Xoshiro256StarStar(seed: SplitMix64.mix(options.seed ^ 0xD3F3_C7B0_5EED_0001))
        let total = perKind * kinds.count
        // Floyd's sampling of `total` distinct indices from 1..<rowCount, then sorted.
        let candidates = rowCount - 1
        var chosen = Set<Int>(minimumCapacity: total)
        if total > 0 {
            for upper in (candidates - total)..<candidates {
                let pick = rng.next(below: upper + 1)
                if chosen.contains(pick) {
                    chosen.insert(upper)
                } else {
                    chosen.insert(pick)
                }
            }
        }
        defectPositions = chosen.sorted().map { $0 + 1 }
        var assigned: [RegisterDefect] = []
        assigned.reserveCapacity(total)
        for kind in kinds {
            assigned += repeatElement(kind, count: perKind)
        }
        rng.shuffle(&assigned)
        defectKinds = assigned
    }

    /// Creates a generator from the main options.
    public init(seed: UInt64, rows: Int, badRowRate: Double = 0.01) {
        self.init(options: Options(seed: seed, rows: rows, badRowRate: badRowRate))
    }

    /// The defect planned for a row, or nil if it is good (or out of range).
    public func defect(atRow index: Int) -> RegisterDefect? {
        var low = 0
        var high = defectPositions.count
        while low < high {
            let middle = (low + high) / 2
            if defectPositions[middle] < index {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < defectPositions.count && defectPositions[low] == index ? defectKinds[low] : nil
    }

    /// The rows, produced lazily one at a time (a million rows stream in constant memory).
    public func rows() -> some Sequence<GeneratedRow> {
        RowSequence(generator: self)
    }

    /// The row at an index, computed on its own (rows are independent of each other).
    public func row(at index: Int) -> GeneratedRow {
        makeRow(index, defect: defect(atRow: index))
    }

    // MARK: Rows

    struct RowSequence: Sequence {
        let generator: RegisterGenerator

        func makeIterator() -> RowIterator { RowIterator(generator: generator) }
    }

    struct RowIterator: IteratorProtocol {
        let generator: RegisterGenerator
        var index = 0
        var cursor = 0

        mutating func next() -> GeneratedRow? {
            guard index < generator.rowCount else { return nil }
            var defect: RegisterDefect?
            if cursor < generator.defectPositions.count && generator.defectPositions[cursor] == index {
                defect = generator.defectKinds[cursor]
                cursor += 1
            }
            let row = generator.makeRow(index, defect: defect)
            index += 1
            return row
        }
    }

    /// The random stream of one row, derived from the seed and the row index only.
    func rowGenerator(_ index: Int) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: SplitMix64.mix(options.seed ^ SplitMix64.mix(UInt64(index) &+ 0x0123_4567_89AB_CDEF)))
    }

    /// What fixes a row's USCC: the entity kind, region, date of establishment and the code.
    struct Identity {
        var kind: EntityKind
        var region: String
        var established: Int
        var uscc: String
    }

    enum EntityKind: Int {
        case enterprise = 1, individual = 2, cooperative = 3

        var label: String {
            switch self {
            case .enterprise: "企业"
            case .individual: "个体工商户"
            case .cooperative: "农民专业合作社"
            }
        }
    }

    /// The identity of row `index`, drawn first from its stream (so any row's USCC can be recomputed).
    func identity(_ index: Int, rng: inout Xoshiro256StarStar) -> Identity {
        let kindDraw = rng.next(below: 100)
        let kind: EntityKind = kindDraw < 60 ? .enterprise : (kindDraw < 95 ? .individual : .cooperative)
        let region: String
        if regions.count == 1 || rng.next(below: 100) < 70 {
            region = regions[0]
        } else {
            region = regions[1 + rng.next(below: regions.count - 1)]
        }
        let established = rng.next(in: Dates.establishedFirst...Dates.establishedLast)
        let newStyle = kind == .individual || established >= Dates.newCodesFrom || index >= 100_000_000
        let body: String
        if newStyle {
            // "MA" + 6 symbols: a seeded permutation of the row index, so codes never repeat.
            let value = keys.permute(UInt64(index), domain: 887_503_681, bits: 30)
            body = "MA" + Text.base31(value, width: 6)
        } else {
            let value = keys.permute(UInt64(index), domain: 100_000_000, bits: 27)
            body = zeroPadded(Int(value), width: 8)
        }
        let organization = USCC.organizationCode(body: body) ?? (body + "0")
        let typeCharacter = Character(String(kind.rawValue))
        let code = USCC.make(department: "9", type: typeCharacter, region: region, organization: organization)
        return Identity(kind: kind, region: region, established: established, uscc: code?.text ?? "")
    }

    /// Builds row `index`, then gives it its defect.
    func makeRow(_ index: Int, defect: RegisterDefect?) -> GeneratedRow {
        var rng = rowGenerator(index)
        var identity = self.identity(index, rng: &rng)
        var duplicateOf: Int?
        if defect == .duplicateUSCC {
            let original = pickEarlierGoodRow(before: index, rng: &rng)
            var originalRNG = rowGenerator(original)
            identity = self.identity(original, rng: &originalRNG)
            duplicateOf = original
        }
        var row = GeneratedRow(index: index, fields: goodFields(identity, rng: &rng))
        row.duplicateOf = duplicateOf
        if let defect {
            row.defect = defect
            row.defectColumn = apply(defect, to: &row, identity: identity, rng: &rng)
        }
        return row
    }

    /// A uniformly chosen earlier good row (row 0 is always good).
    func pickEarlierGoodRow(before index: Int, rng: inout Xoshiro256StarStar) -> Int {
        for _ in 0..<16 {
            let candidate = rng.next(below: index)
            if defect(atRow: candidate) == nil { return candidate }
        }
        return 0
    }

    /// The fields of a good row for an identity.
    func goodFields(_ identity: Identity, rng: inout Xoshiro256StarStar) -> [String] {
        let region = Regions.info(identity.region)
        let categoryIndex = rng.next(below: categories.count)
        let category = categories[categoryIndex]
        var fields = [String](repeating: "", count: Column.allCases.count)
        let legalRep = Names.person(rng: &rng)
        fields[Column.uscc.rawValue] = identity.uscc
        fields[Column.name.rawValue] = Names.entityName(
            kind: identity.kind, profile: profiles[categoryIndex], region: region, operator: legalRep, rng: &rng)
        fields[Column.entityType.rawValue] = identity.kind.label
        fields[Column.category.rawValue] = category
        fields[Column.registrationAuthority.rawValue] = region.authority
        fields[Column.regionCode.rawValue] = identity.region
        fields[Column.address.rawValue] = Names.address(region: region, rng: &rng)
        fields[Column.legalRep.rawValue] = legalRep
        fields[Column.riskClass.rawValue] = Self.riskClass(rng: &rng)
        fields[Column.status.rawValue] = Self.status(rng: &rng)
        if rng.next(below: 100) >= 40 {
            let first = max(identity.established, Dates.inspectionsFirst)
            let day = rng.next(in: first...Dates.inspectionsLast)
            fields[Column.lastInspected.rawValue] = Dates.format(day, rng: &rng)
        }
        fields[Column.established.rawValue] = Dates.format(identity.established, rng: &rng)
        fields[Column.phone.rawValue] = Names.phone(region: region, rng: &rng)
        return fields
    }

    /// Risk classes A 30% · B 50% · C 15% · D 5%, mostly as letters, 12% in words, 3% empty.
    static func riskClass(rng: inout Xoshiro256StarStar) -> String {
        let draw = rng.next(below: 100)
        let index = draw < 30 ? 0 : (draw < 80 ? 1 : (draw < 95 ? 2 : 3))
        let notation = rng.next(below: 100)
        if notation < 3 { return "" }
        if notation < 15 { return ["低风险", "一般风险", "较高风险", "高风险"][index] }
        return ["A", "B", "C", "D"][index]
    }

    /// Statuses: 存续 58%, 在业 30%, 吊销 5%, 注销 5%, 迁出 2%.
    static func status(rng: inout Xoshiro256StarStar) -> String {
        let draw = rng.next(below: 100)
        if draw < 58 { return "存续" }
        if draw < 88 { return "在业" }
        if draw < 93 { return "吊销" }
        if draw < 98 { return "注销" }
        return "迁出"
    }

    // MARK: Defects

    /// Gives a row its one defect and returns the column that carries it.
    func apply(
        _ defect: RegisterDefect, to row: inout GeneratedRow, identity: Identity,
        rng: inout Xoshiro256StarStar
    ) -> Column {
        switch defect {
        case .badCheckCharacter:
            var bytes = Array(identity.uscc.utf8)
            if let last = bytes.last, let value = Text.usccSymbols.firstIndex(of: last) {
                bytes[bytes.count - 1] = Text.usccSymbols[(value + 1 + rng.next(below: 30)) % 31]
            }
            row[.uscc] = String(decoding: bytes, as: UTF8.self)
            return .uscc
        case .invalidUSCCCharacter:
            var characters = Array(identity.uscc)
            let position = 8 + rng.next(below: 10)
            let style = rng.next(below: 10)
            let replacement: Character
            if style < 6 {
                replacement = ["I", "O", "S", "V", "Z"][rng.next(below: 5)]
            } else if style < 8 {
                replacement = Character(Unicode.Scalar(UInt8(0x61 + rng.next(below: 26))))
            } else {
                replacement = Character(Unicode.Scalar(UInt32(0xFF10 + rng.next(below: 10))) ?? "Ｏ")
            }
            if position < characters.count { characters[position] = replacement }
            row[.uscc] = String(characters)
            return .uscc
        case .wrongUSCCLength:
            var text = identity.uscc
            switch rng.next(below: 3) {
            case 0: text.removeLast()
            case 1: text.removeLast(2)
            default: text.append(Character(Unicode.Scalar(Text.usccSymbols[rng.next(below: 31)])))
            }
            row[.uscc] = text
            return .uscc
        case .duplicateUSCC:
            return .uscc
        case .missingName:
            row[.name] = ""
            return .name
        case .missingCategory:
            row[.category] = ""
            return .category
        case .missingStatus:
            row[.status] = ""
            return .status
        case .missingEntityType:
            row[.entityType] = ""
            return .entityType
        case .missingRegionCode:
            row[.regionCode] = ""
            return .regionCode
        case .badRiskClass:
            row[.riskClass] = rng.pick(["E", "X", "中风险", "极高风险", "5", "AB"]) ?? "E"
            return .riskClass
        case .badEntityType:
            row[.entityType] = rng.pick(["未知", "其他类型", "不详", "待核实", "其它"]) ?? "未知"
            return .entityType
        case .badRegionCode:
            let region = identity.region
            switch rng.next(below: 4) {
            case 0: row[.regionCode] = String(region.dropLast())
            case 1: row[.regionCode] = region + String(rng.next(below: 10))
            case 2: row[.regionCode] = Regions.info(region).place
            default: row[.regionCode] = String(region.prefix(2)) + "O" + String(region.dropFirst(3))
            }
            return .regionCode
        case .badDate:
            let column: Column = rng.next(below: 2) == 0 ? .established : .lastInspected
            row[column] = Dates.impossible(near: identity.established, rng: &rng)
            return column
        case .nameWithLineBreak:
            let name = row[.name]
            let place = Regions.info(identity.region).place
            let breakText = rng.next(below: 2) == 0 ? "\n" : "\r\n"
            let head = name.hasPrefix(place) ? place.count : 2
            row[.name] = String(name.prefix(head)) + breakText + String(name.dropFirst(head))
            return .name
        case .nameTooLong:
            var name = row[.name] + "（"
            let target = 101 + rng.next(below: 30)
            while name.count + 1 < target {
                name += rng.pick(Names.longNameWords) ?? "经营"
            }
            row[.name] = name + "）"
            return .name
        case .addressTooLong:
            var address = row[.address]
            let target = 201 + rng.next(below: 60)
            address += "（"
            while address.count + 1 < target {
                address += rng.pick(Names.longAddressWords) ?? "院内"
            }
            address += "）"
            row[.address] = address
            return .address
        }
    }
}

// MARK: - Unique organisation codes

/// Keys of a seeded bijection on the row index, used to give every row its own organisation code.
struct PermutationKeys: Sendable, Hashable {
    let multiplierA: UInt64
    let multiplierB: UInt64
    let addend: UInt64

    init(seed: UInt64) {
        multiplierA = SplitMix64.mix(seed ^ 0xA5A5_0000_0000_0001) | 1
        multiplierB = SplitMix64.mix(seed ^ 0xA5A5_0000_0000_0002) | 1
        addend = SplitMix64.mix(seed ^ 0xA5A5_0000_0000_0003)
    }

    /// A permutation of 0..<domain (domain ≤ 2^bits) by cycle-walking a bijection of `bits` bits.
    func permute(_ value: UInt64, domain: UInt64, bits: UInt64) -> UInt64 {
        var x = value
        repeat {
            x = round(x, bits: bits)
        } while x >= domain
        return x
    }

    /// One bijective round on `bits` bits: odd multiply, xor-shift, add, odd multiply, xor-shift.
    private func round(_ value: UInt64, bits: UInt64) -> UInt64 {
        let mask: UInt64 = (1 << bits) - 1
        var x = value & mask
        x = (x &* multiplierA) & mask
        x ^= x >> (bits / 2)
        x = (x &+ addend) & mask
        x = (x &* multiplierB) & mask
        x ^= x >> (bits / 2 + 1)
        return x
    }
}

// MARK: - Text helpers

enum Text {
    /// The USCC charset as ASCII bytes.
    static let usccSymbols: [UInt8] = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)

    /// `value` in base 31 over the USCC charset, most significant first, `width` symbols.
    static func base31(_ value: UInt64, width: Int) -> String {
        var bytes = [UInt8](repeating: 0x30, count: width)
        var rest = value
        for position in stride(from: width - 1, through: 0, by: -1) {
            bytes[position] = usccSymbols[Int(rest % 31)]
            rest /= 31
        }
        return String(decoding: bytes, as: UTF8.self)
    }

}

// MARK: - Regions

struct RegionInfo {
    /// Place name used at the start of entity names, e.g. 原平市.
    var place: String
    /// Address prefix, e.g. 山西省忻州市原平市.
    var addressPrefix: String
    /// Towns, townships or districts within the region.
    var towns: [String]
    /// The market regulation authority that registers entities there.
    var authority: String
    /// The telephone area code.
    var areaCode: String
}

enum Regions {
    static let known: [String: RegionInfo] = [
        "140981": RegionInfo(
            place: "原平市", addressPrefix: "山西省忻州市原平市",
            towns: [
                "北城街道", "南城街道", "轩岗镇", "崞阳镇", "大牛店镇", "闫庄镇", "长梁沟镇", "东社镇",
                "苏龙口镇", "中阳乡", "西镇乡", "新原乡", "南白乡", "子干乡", "段家堡乡", "楼板寨乡", "沿沟乡",
            ],
            authority: "原平市市场监督管理局", areaCode: "0350"),
        "140900": RegionInfo(
            place: "忻州市", addressPrefix: "山西省忻州市",
            towns: ["忻府区长征街街道", "忻府区新建路街道", "忻府区秀容街道", "经济开发区"],
            authority: "忻州市市场监督管理局", areaCode: "0350"),
        "140902": RegionInfo(
            place: "忻州市忻府区", addressPrefix: "山西省忻州市忻府区",
            towns: ["长征街街道", "新建路街道", "秀容街道", "奇村镇", "庄磨镇", "豆罗镇", "播明镇"],
            authority: "忻州市忻府区市场监督管理局", areaCode: "0350"),
        "140921": RegionInfo(
            place: "定襄县", addressPrefix: "山西省忻州市定襄县",
            towns: ["晋昌镇", "河边镇", "宏道镇", "受禄乡", "季庄乡"],
            authority: "定襄县市场监督管理局", areaCode: "0350"),
        "140922": RegionInfo(
            place: "五台县", addressPrefix: "山西省忻州市五台县",
            towns: ["台城镇", "东冶镇", "豆村镇", "台怀镇", "耿镇镇"],
            authority: "五台县市场监督管理局", areaCode: "0350"),
        "140100": RegionInfo(
            place: "太原市", addressPrefix: "山西省太原市",
            towns: ["小店区", "迎泽区", "杏花岭区", "万柏林区", "晋源区", "尖草坪区"],
            authority: "太原市市场监督管理局", areaCode: "0351"),
        "140200": RegionInfo(
            place: "大同市", addressPrefix: "山西省大同市",
            towns: ["平城区", "云冈区", "新荣区", "云州区"],
            authority: "大同市市场监督管理局", areaCode: "0352"),
    ]

    /// The description of a region; unknown codes get generic Shanxi text.
    static func info(_ code: String) -> RegionInfo {
        known[code]
            ?? RegionInfo(
                place: "山西", addressPrefix: "山西省", towns: ["城关镇", "城区"],
                authority: "行政区划\(code)市场监督管理局", areaCode: "0350")
    }
}

// MARK: - Names, addresses, people, phones

/// The words used in names for one category.
struct CategoryProfile: Sendable, Hashable {
    var industries: [String]
    var shops: [String]
}

enum Names {
    static let brandCharacters: [String] = [
        "鑫", "源", "晋", "华", "兴", "盛", "泰", "昌", "隆", "达", "通", "恒", "瑞", "丰", "宏", "福",
        "祥", "顺", "安", "康", "嘉", "诚", "信", "利", "和", "众", "金", "宝", "龙", "德", "永", "新",
        "星", "汇", "成", "胜", "博", "远", "晟", "峰", "宇", "润", "佳", "美", "创", "益", "天", "长",
        "乾", "坤", "禾", "田", "原", "崞", "北", "方", "聚", "合", "荣", "旺",
    ]

    /// Industry words for company names, by a keyword of the category (first match wins).
    static let industries: [(keyword: String, words: [String])] = [
        ("燃气", ["燃气", "天然气", "液化气"]), ("园林", ["园林绿化工程", "园林景观工程"]),
        ("房地产", ["房地产开发", "置业"]), ("四上", ["商贸", "建筑工程", "工贸"]),
        ("学校", ["教育科技", "文化培训"]), ("教育", ["教育科技", "教育咨询"]), ("幼儿园", ["教育科技"]),
        ("机动车检验", ["机动车检测", "汽车检测"]), ("爆破", ["爆破工程", "民爆"]), ("保安", ["保安服务"]),
        ("游泳", ["体育文化", "游泳健身"]), ("商场", ["商贸", "商业管理", "百货"]), ("防雷", ["能源", "加油站"]),
        ("排污", ["环保科技", "建材"]), ("污水", ["污水处理", "水务"]), ("危险化学品", ["化工", "化学"]),
        ("冶金", ["冶金", "铸造"]), ("非煤矿山", ["矿业", "石料"]), ("煤矿", ["煤业", "煤矿"]),
        ("印刷", ["印刷", "包装"]), ("出版物", ["图书", "文化传播"]), ("电影", ["影城", "影院管理"]),
        ("娱乐", ["娱乐", "文化娱乐", "KTV"]), ("上网", ["网络", "网吧"]), ("演出", ["文化传媒", "演艺"]),
        ("艺术品", ["艺术品", "文化艺术"]), ("旅行社", ["旅行社", "国际旅行社"]),
        ("危险货物", ["危险货物运输", "物流"]), ("新业态", ["网约车", "出行科技"]), ("车辆达标", ["汽车服务", "机动车检测"]),
        ("工程参建", ["路桥工程", "交通工程"]), ("卷烟", ["商贸", "超市"]), ("物流", ["物流", "快递", "速递"]),
        ("畜禽", ["畜牧", "养殖"]), ("鱼池", ["渔业", "水产养殖"]), ("门店", ["商贸", "贸易"]),
    ]

    static let genericIndustries = ["商贸", "科技", "贸易", "建筑工程", "农业开发", "实业"]

    /// Shop words for 个体工商户, by a keyword of the category.
    static let shops: [(keyword: String, words: [String])] = [
        ("上网", ["网吧", "网络会所"]), ("出版物", ["书店", "书社"]), ("卷烟", ["烟酒店", "便利店", "超市"]),
        ("鱼池", ["养殖场", "鱼塘"]), ("畜禽", ["养殖场", "种猪场"]), ("印刷", ["印刷部", "图文部"]),
        ("娱乐", ["歌厅", "台球厅"]), ("燃气", ["液化气站"]), ("物流", ["快递服务部", "物流部"]),
    ]

    static let genericShops = [
        "便利店", "超市", "小吃店", "饭店", "五金店", "理发店", "烟酒店", "农资门市部",
        "汽车修理部", "批发部", "经销部", "服装店", "面馆", "水果店",
    ]

    static let cooperativeTrades = ["种植", "养殖", "农机", "蔬菜种植", "小杂粮种植", "肉牛养殖", "生猪养殖", "林果", "红薯种植"]

    static let companySuffixes = [
        "有限公司", "有限公司", "有限公司", "有限公司", "有限公司", "有限公司", "有限公司",
        "有限责任公司", "有限责任公司", "股份有限公司",
    ]

    static let surnames: [String] = [
        "王", "李", "张", "刘", "赵", "郭", "杨", "武", "贾", "高", "陈", "梁", "韩", "程", "田", "孙", "周",
        "吴", "徐", "胡", "朱", "何", "马", "罗", "宋", "郑", "冯", "董", "曹", "邓", "许", "薛", "闫", "段",
        "范", "温", "任", "白", "崔", "康", "秦", "史", "侯", "孟", "乔", "牛", "霍", "石", "常", "申",
    ]

    static let givenCharacters: [String] = [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
        "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "红", "建", "国", "文", "斌", "飞", "鹏", "宇",
        "浩", "晋", "雪", "梅", "林", "峰", "亮", "海", "俊", "慧", "荣", "宏", "志", "云", "利", "生", "福",
        "忠", "喜", "春", "旺",
    ]

    static let dottedNames = ["阿不都·热合曼", "阿依古丽·买买提", "努尔·艾力", "巴特尔·其木格"]

    static let streets = [
        "新原街", "建设路", "朝阳路", "前进街", "永康路", "长征街", "和平路", "迎宾大街",
        "北大街", "南环路", "东环路", "西街", "健康路", "解放路", "站前路", "崞阳路",
    ]

    static let villageEndings = ["家庄村", "村", "堡村", "沟村", "庄村"]

    static let longNameWords = [
        "经营", "销售", "批发", "零售", "服务", "管理", "咨询", "开发", "技术推广",
        "农副产品", "日用百货", "五金交电", "建筑材料", "分公司", "营业部",
    ]

    static let longAddressWords = [
        "院内", "东侧", "西侧", "南侧", "北侧", "临街", "门面房", "底商", "二层",
        "原供销社", "原粮站", "对面", "往北五十米", "路口", "向东", "平房",
    ]

    /// Two (sometimes three) brand characters.
    static func brand(rng: inout Xoshiro256StarStar) -> String {
        var text = (rng.pick(brandCharacters) ?? "鑫") + (rng.pick(brandCharacters) ?? "源")
        if rng.next(below: 10) == 0 { text += rng.pick(brandCharacters) ?? "达" }
        return text
    }

    /// The first word list whose keyword the category contains, else the generic list.
    static func words(for category: String, in table: [(keyword: String, words: [String])], generic: [String]) -> [String] {
        for entry in table where category.contains(entry.keyword) {
            return entry.words
        }
        return generic
    }

    /// A plausible entity name, with occasional ASCII quotes, commas and full-width punctuation.
    static func entityName(
        kind: RegisterGenerator.EntityKind, profile: CategoryProfile, region: RegionInfo,
        operator person: String, rng: inout Xoshiro256StarStar
    ) -> String {
        var brand = brand(rng: &rng)
        let style = rng.next(below: 1000)
        if style < 20 {
            brand = "\"" + brand + "\""
        } else if style < 30 {
            brand = "“" + brand + "”"
        } else if style >= 60 && style < 75 {
            // An ASCII comma inside the name, as data entry sometimes leaves it.
            brand = String(brand.prefix(1)) + "," + String(brand.dropFirst())
        }
        let place = kind == .enterprise && rng.next(below: 5) == 0 ? "山西" : region.place
        var name: String
        switch kind {
        case .enterprise:
            let industry = rng.pick(profile.industries) ?? "商贸"
            let suffix = rng.pick(companySuffixes) ?? "有限公司"
            if style >= 30 && style < 45 {
                name = brand + "(" + region.place + ")" + industry + suffix
            } else {
                name = place + brand + industry + suffix
            }
            if style >= 45 && style < 60 {
                name += rng.next(below: 2) == 0 ? "（普通合伙）" : "（" + region.place + "分公司）"
            }
        case .individual:
            let shop = rng.pick(profile.shops) ?? "便利店"
            if rng.next(below: 4) == 0 && !person.contains("·") {
                // Many 个体工商户 are named after their operator.
                name = place + person + shop
            } else {
                name = place + brand + shop
            }
        case .cooperative:
            let trade = rng.pick(cooperativeTrades) ?? "种植"
            name = place + brand + trade + "专业合作社"
        }
        return name
    }

    /// A plausible address in the region, sometimes with commas or full-width parentheses.
    static func address(region: RegionInfo, rng: inout Xoshiro256StarStar) -> String {
        var text = region.addressPrefix + (rng.pick(region.towns) ?? "")
        if rng.next(below: 3) == 0 {
            text += (rng.pick(surnames) ?? "王") + (rng.pick(villageEndings) ?? "村")
        } else {
            text += (rng.pick(streets) ?? "建设路") + String(1 + rng.next(below: 300)) + "号"
        }
        switch rng.next(below: 20) {
        case 0:
            text +=
                String(1 + rng.next(below: 12)) + "号楼" + String(1 + rng.next(below: 6)) + "单元" + String(101 + rng.next(below: 600)) + "室"
        case 1: text += "（原粮站院内）"
        case 2: text += ",底商"
        case 3: text += "，院内东侧"
        case 4: text += "#" + String(1 + rng.next(below: 30))
        default: break
        }
        return text
    }

    /// A Chinese personal name, rarely with a middle dot.
    static func person(rng: inout Xoshiro256StarStar) -> String {
        if rng.next(below: 200) == 0 { return rng.pick(dottedNames) ?? "努尔·艾力" }
        var name = (rng.pick(surnames) ?? "王") + (rng.pick(givenCharacters) ?? "伟")
        if rng.next(below: 10) < 7 { name += rng.pick(givenCharacters) ?? "强" }
        return name
    }

    static let mobilePrefixes = [
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
        "155", "156", "158", "159", "166", "177", "180", "183", "185", "186", "187", "188", "189", "199",
    ]

    /// A mobile number (68%), a landline with area code (27%) or empty (5%).
    static func phone(region: RegionInfo, rng: inout Xoshiro256StarStar) -> String {
        let draw = rng.next(below: 100)
        if draw < 68 {
            return (rng.pick(mobilePrefixes) ?? "138") + zeroPadded(rng.next(below: 100_000_000), width: 8)
        }
        if draw < 95 {
            return region.areaCode + "-" + String(2 + rng.next(below: 7)) + zeroPadded(rng.next(below: 1_000_000), width: 6)
        }
        return ""
    }
}

// MARK: - Dates

/// Civil dates as day numbers since 1970-01-01 (Hinnant's algorithms), formatted without Foundation.
enum Dates {
    static let establishedFirst = dayNumber(1995, 1, 1)
    static let establishedLast = dayNumber(2024, 6, 30)
    static let newCodesFrom = dayNumber(2015, 10, 1)
    static let inspectionsFirst = dayNumber(2019, 1, 1)
    static let inspectionsLast = dayNumber(2024, 10, 31)

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func dayNumber(_ year: Int, _ month: Int, _ day: Int) -> Int {
        CivilDate.daysSince1970(year: year, month: month, day: day)
    }

    /// The (year, month, day) of a day number.
    static func civil(_ dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        CivilDate.civil(daysSince1970: dayNumber)
    }

    /// Writes year, month and day in one of the notations seen in registers.
    static func write(_ year: Int, _ month: Int, _ day: Int, notation: Int) -> String {
        let y = zeroPadded(year, width: 4)
        let m = zeroPadded(month, width: 2)
        let d = zeroPadded(day, width: 2)
        switch notation {
        case 0: return y + "-" + m + "-" + d
        case 1: return y + "/" + m + "/" + d
        default: return y + m + d
        }
    }

    /// A date as YYYY-MM-DD (85%), YYYY/MM/DD (10%) or YYYYMMDD (5%).
    static func format(_ dayNumber: Int, rng: inout Xoshiro256StarStar) -> String {
        let date = civil(dayNumber)
        let draw = rng.next(below: 100)
        return write(date.year, date.month, date.day, notation: draw < 85 ? 0 : (draw < 95 ? 1 : 2))
    }

    /// A date that does not exist: 30 February, month 13, day 0, 31 April, or 0000-00-00.
    static func impossible(near dayNumber: Int, rng: inout Xoshiro256StarStar) -> String {
        let year = civil(dayNumber).year
        let notation = rng.next(below: 3)
        switch rng.next(below: 5) {
        case 0: return write(year, 2, 30, notation: notation)
        case 1: return write(year, 13, 1 + rng.next(below: 28), notation: notation)
        case 2: return write(year, 1 + rng.next(below: 12), 0, notation: notation)
        case 3: return write(year, 4, 31, notation: notation)
        default: return "0000-00-00"
        }
    }
}
