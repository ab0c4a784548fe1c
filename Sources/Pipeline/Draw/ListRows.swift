// The rows of the two lists the draw reads beside the registers (our contracts):
//
// - The watchlist (重点关注: 经营异常名录, many complaints, serious violations; 国办发〔2015〕58号),
//   one file per reason: `uscc` required, valid per GB 32100-2015 (a legacy 15-digit 注册号 is
//   rejected with a hint to ask for the USCC, as in registers) and unique in the file (the first
//   occurrence is kept); `name` and `detail` optional, one line each, at most 100 and 200 characters.
// - A department's 抽查事项清单 (its list of inspection matters): `matter` required, one line of at
//   most 200 characters, unique in the file after `PlanTargets.normalise` (the first is kept);
//   `code` optional.

/// The canonical fields of a watchlist file.
public enum WatchlistField: String, Sendable, Hashable, CaseIterable {
    /// 统一社会信用代码.
    case uscc
    /// 名称.
    case name
    /// 列入原因 / 情形 (the row's own detail; the list's reason is given with the import).
    case detail

    /// Fields that must be present.
    public static let required: [WatchlistField] = [.uscc]
}

/// The canonical fields of a matter list file.
public enum MatterField: String, Sendable, Hashable, CaseIterable {
    /// 抽查事项.
    case matter
    /// 事项编码 / 序号.
    case code

    /// Fields that must be present.
    public static let required: [MatterField] = [.matter]
}

/// One accepted watchlist row.
public struct WatchlistRow: Sendable, Hashable {
    /// The USCC.
    public var uscc: String
    /// The name, if given.
    public var name: String?
    /// The detail, if given.
    public var detail: String?
}

/// Checks watchlist rows (contract at the top of ListRows.swift); remembers USCCs seen.
public struct WatchlistRowValidator: Sendable {
    private var firstLine: [String: (line: Int, rejected: Bool)] = [:]

    /// A validator for one file.
    public init() {}

    /// The row on `line` with values by field, or why it is rejected.
    public mutating func validate(line: Int, value: (WatchlistField) -> String?) -> Result<WatchlistRow, RowRejection> {
        func text(_ f: WatchlistField) -> String? {
            let t = value(f).map(PlanCellParser.clean) ?? ""
            return t.isEmpty ? nil : t
        }
        guard let uscc = text(.uscc) else { return .failure(.empty("uscc")) }
        if let first = firstLine[uscc] {
            return .failure(
                .repeated(Message(.subjectUSCCField, ["uscc": uscc]), field: "uscc", firstLine: first.line, firstRejected: first.rejected))
        }
        if case .failure(let problem) = USCC.validate(uscc) {
            firstLine[uscc] = (line, true)
            return .failure(RowRejection(fieldName: "uscc", problem.text(legacyHint: USCC.isLegacyRegistrationNumber(uscc))))
        }
        firstLine[uscc] = (line, false)
        for (field, limit) in [(WatchlistField.name, 100), (.detail, 200)] {
            if let t = value(field), t.contains(where: \.isNewline) || t.count > limit {
                return .failure(
                    RowRejection(fieldName: field.rawValue, Message(.rowOneLineAtMost, ["field": field.rawValue, "max": "\(limit)"])))
            }
        }
        return .success(WatchlistRow(uscc: uscc, name: text(.name), detail: text(.detail)))
    }
}

/// Checks matter list rows (contract at the top of ListRows.swift); remembers matters seen.
public struct MatterRowValidator: Sendable {
    private var firstLine: [String: Int] = [:]

    /// A validator for one file.
    public init() {}

    /// The matter on `line`, or why it is rejected.
    public mutating func validate(line: Int, value: (MatterField) -> String?) -> Result<String, RowRejection> {
        let raw = value(.matter) ?? ""
        if raw.contains(where: \.isNewline) { return .failure(RowRejection(fieldName: "matter", Message(.rowMatterOneLine))) }
        let matter = PlanCellParser.clean(raw)
        guard !matter.isEmpty else { return .failure(.empty("matter")) }
        guard matter.count <= 200 else {
            return .failure(RowRejection(fieldName: "matter", Message(.rowMatterTooLong, ["count": "\(matter.count)"])))
        }
        let key = PlanTargets.normalise(matter)
        if let first = firstLine[key] {
            return .failure(.repeated(Message(.subjectMatter, ["matter": matter]), field: "matter", firstLine: first))
        }
        firstLine[key] = line
        return .success(matter)
    }
}
