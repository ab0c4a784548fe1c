// Seeded, realistic registers for tests and benchmarks: the 16 kinds of bad row the import rejects,
// the rows, and the generator (its tables are in RegisterNameTables.swift). A little over 500 lines:
// the defects and the generator that plants them read best together.

internal import Pipeline

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
