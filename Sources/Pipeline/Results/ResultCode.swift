// The national results vocabulary for 双随机 inspections (post-2017 list) as Zhejiang's provincial
// platform implements it (domain.md §7; its `scNewResultList` gives the codes and texts used here,
// including 违反食品药品管理相关规定 for code 3, which domain.md abbreviates).
//
// A results cell may hold several results, as codes or texts, separated by `;`, `；` or `、`.
// Besides the canonical texts, parsing accepts a few wordings seen elsewhere, listed in `aliases`
// with where they come from; publication always writes the canonical text.

/// One inspection result of the national vocabulary, identified by its platform code.
public enum ResultCode: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// `1` 未发现问题.
    case noProblemFound = "1"
    /// `A` 发现问题待后续处理.
    case problemPendingFollowUp = "A"
    /// `B` 未按规定公示应当公示的信息.
    case requiredInformationNotDisclosed = "B"
    /// `C` 公示信息隐瞒真实情况弄虚作假.
    case disclosedInformationFalsified = "C"
    /// `6` 通过登记的住所（经营场所）无法联系.
    case unreachableAtRegisteredAddress = "6"
    /// `D` 违反其他工商行政管理规定行为.
    case otherBusinessRegulationViolated = "D"
    /// `3` 违反食品药品管理相关规定.
    case foodAndDrugRulesViolated = "3"
    /// `4` 违反质量技术监督相关规定.
    case qualitySupervisionRulesViolated = "4"
    /// `5` 违反其他部门相关规定.
    case otherDepartmentRulesViolated = "5"
    /// `G` 违反公安部门相关规定.
    case publicSecurityRulesViolated = "G"
    /// `E` 发现问题经责令已改正.
    case correctedWhenOrdered = "E"
    /// `F` 未发现开展本次抽查涉及的经营活动.
    case inspectedActivityNotFound = "F"
    /// `7` 已关闭停业或正在组织清算.
    case closedOrLiquidating = "7"
    /// `8` 不配合检查情节严重.
    case seriouslyUncooperative = "8"
    /// `9` 注销.
    case deregistered = "9"
    /// `10` 被吊销.
    case licenceRevoked = "10"
    /// `11` 被撤销.
    case registrationCancelled = "11"
    /// `12` 迁出.
    case movedOut = "12"

    /// The platform code (`1`, `A`, …, `12`).
    public var code: String { rawValue }

    /// The canonical Chinese text, as published.
    public var text: String {
        switch self {
        case .noProblemFound: "未发现问题"
        case .problemPendingFollowUp: "发现问题待后续处理"
        case .requiredInformationNotDisclosed: "未按规定公示应当公示的信息"
        case .disclosedInformationFalsified: "公示信息隐瞒真实情况弄虚作假"
        case .unreachableAtRegisteredAddress: "通过登记的住所（经营场所）无法联系"
        case .otherBusinessRegulationViolated: "违反其他工商行政管理规定行为"
        case .foodAndDrugRulesViolated: "违反食品药品管理相关规定"
        case .qualitySupervisionRulesViolated: "违反质量技术监督相关规定"
        case .otherDepartmentRulesViolated: "违反其他部门相关规定"
        case .publicSecurityRulesViolated: "违反公安部门相关规定"
        case .correctedWhenOrdered: "发现问题经责令已改正"
        case .inspectedActivityNotFound: "未发现开展本次抽查涉及的经营活动"
        case .closedOrLiquidating: "已关闭停业或正在组织清算"
        case .seriouslyUncooperative: "不配合检查情节严重"
        case .deregistered: "注销"
        case .licenceRevoked: "被吊销"
        case .registrationCancelled: "被撤销"
        case .movedOut: "迁出"
        }
    }

    /// `A 发现问题待后续处理`.
    public var description: String { "\(code) \(text)" }

    /// Other wordings accepted when parsing, with their origin: domain.md §7's short form of code 3,
    /// SAMR's wording of code E, and the texts of Zhejiang's older result list (`scResultList`).
    public static let aliases: [String: ResultCode] = [
        "违反食品药品相关规定": .foodAndDrugRulesViolated,
        "发现问题已责令改正": .correctedWhenOrdered,
        "公示信息隐瞒真实情况、弄虚作假": .disclosedInformationFalsified,
        "不予配合情节严重": .seriouslyUncooperative,
        "已办理营业执照注销": .deregistered,
        "被吊销营业执照": .licenceRevoked,
        "被撤销登记": .registrationCancelled,
    ]

    /// The separators between results in one cell: `;`, `；` and `、`.
    public static let separators: Set<Character> = [";", "；", "、"]

    /// One result from its code or text. Surrounding white space is ignored, full-width letters and
    /// digits (`Ａ`, `１`) and lower-case code letters are accepted, and full- and half-width
    /// brackets compare equal in texts.
    public init(parsing token: String) throws(ResultCodeError) {
        let key = Self.normalized(token)
        if let match = Self.lookup[key] {
            self = match
            return
        }
        throw ResultCodeError(kind: .unknownToken(token.trimmingWhitespace()), cell: token)
    }

    /// Every result of a cell, in order, without repeats: split on `;`, `；`, `、`, trimmed, empty
    /// pieces skipped. Throws naming the first unknown token, or if the cell holds no result.
    public static func parseCell(_ cell: String) throws(ResultCodeError) -> [ResultCode] {
        var text = cell
        // An alias that itself contains a separator is matched before splitting.
        for (alias, code) in aliases where alias.contains(where: { separators.contains($0) }) {
            text = text.replacing(alias, with: code.text)
        }
        var codes: [ResultCode] = []
        for piece in text.split(whereSeparator: { separators.contains($0) }) {
            let token = String(piece).trimmingWhitespace()
            if token.isEmpty { continue }
            guard let code = lookup[normalized(token)] else {
                throw ResultCodeError(kind: .unknownToken(token), cell: cell)
            }
            if !codes.contains(code) { codes.append(code) }
        }
        guard !codes.isEmpty else { throw ResultCodeError(kind: .empty, cell: cell) }
        return codes
    }

    /// The canonical texts of several results joined with `；`, as one detail of a payload shows them.
    public static func joinedText(_ codes: [ResultCode]) -> String {
        codes.map(\.text).joined(separator: "；")
    }

    /// Normalized code, text and alias → result.
    private static let lookup: [String: ResultCode] = {
        var table: [String: ResultCode] = [:]
        for code in allCases {
            table[normalized(code.code)] = code
            table[normalized(code.text)] = code
        }
        for (alias, code) in aliases { table[normalized(alias)] = code }
        return table
    }()

    /// Trimmed, full-width forms folded to half-width (`（` → `(`), Latin letters upper-cased.
    private static func normalized(_ token: String) -> String {
        PlanCellParser.clean(token).uppercased()
    }
}

/// A results cell that could not be read.
public struct ResultCodeError: ReportableError, Sendable, Hashable, CustomStringConvertible {
    /// What was wrong.
    public enum Kind: Sendable, Hashable {
        /// A token that is neither a code nor a text of the vocabulary.
        case unknownToken(String)
        /// The cell holds no result at all.
        case empty
    }

    /// What was wrong.
    public var kind: Kind
    /// The whole cell as given.
    public var cell: String

    /// Creates an error.
    public init(kind: Kind, cell: String) {
        self.kind = kind
        self.cell = cell
    }

    /// `unknown result '未检查' in '1；未检查': …`.
    public var description: String { MessageCatalogue(.en)(text) }

    /// The catalogue text.
    public var text: Message {
        switch kind {
        case let .unknownToken(token): Message(.resultUnknownCode, ["token": token, "cell": cell])
        case .empty: Message(.resultNoResultIn, ["cell": cell])
        }
    }
}

extension ResultCodeError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .dataRejected }
}
