import Pipeline
import Testing

@Suite("ResultCode")
struct ResultCodeTests {
    /// domain.md §7, code by code, with the texts of Zhejiang's `scNewResultList`.
    static let vocabulary: [(String, String)] = [
        ("1", "未发现问题"), ("A", "发现问题待后续处理"), ("B", "未按规定公示应当公示的信息"),
        ("C", "公示信息隐瞒真实情况弄虚作假"), ("6", "通过登记的住所（经营场所）无法联系"),
        ("D", "违反其他工商行政管理规定行为"), ("3", "违反食品药品管理相关规定"), ("4", "违反质量技术监督相关规定"),
        ("5", "违反其他部门相关规定"), ("G", "违反公安部门相关规定"), ("E", "发现问题经责令已改正"),
        ("F", "未发现开展本次抽查涉及的经营活动"), ("7", "已关闭停业或正在组织清算"), ("8", "不配合检查情节严重"),
        ("9", "注销"), ("10", "被吊销"), ("11", "被撤销"), ("12", "迁出"),
    ]

    @Test func theWholeVocabulary() throws {
        #expect(ResultCode.allCases.map(\.code) == Self.vocabulary.map(\.0))
        #expect(ResultCode.allCases.map(\.text) == Self.vocabulary.map(\.1))
        for (code, text) in Self.vocabulary {
            #expect(try ResultCode(parsing: code).text == text)
            #expect(try ResultCode(parsing: text).code == code)
        }
    }

    @Test func noTextContainsASeparator() {
        for code in ResultCode.allCases {
            #expect(!code.text.contains { ResultCode.separators.contains($0) })
        }
    }

    @Test(arguments: [
        (" a ", ResultCode.problemPendingFollowUp), ("Ｅ", .correctedWhenOrdered), ("１０", .licenceRevoked),
        ("\u{3000}1\u{3000}", .noProblemFound), ("通过登记的住所(经营场所)无法联系", .unreachableAtRegisteredAddress),
        ("违反食品药品相关规定", .foodAndDrugRulesViolated), ("发现问题已责令改正", .correctedWhenOrdered),
        ("被吊销营业执照", .licenceRevoked),
    ])
    func lenientForms(token: String, code: ResultCode) throws {
        #expect(try ResultCode(parsing: token) == code)
    }

    @Test func aCellSplitsTrimsAndDedupes() throws {
        #expect(try ResultCode.parseCell("1") == [.noProblemFound])
        #expect(try ResultCode.parseCell("A；B") == [.problemPendingFollowUp, .requiredInformationNotDisclosed])
        #expect(try ResultCode.parseCell(" B ; A、 B；发现问题待后续处理 ;") == [.requiredInformationNotDisclosed, .problemPendingFollowUp])
        #expect(try ResultCode.parseCell("未按规定公示应当公示的信息、E") == [.requiredInformationNotDisclosed, .correctedWhenOrdered])
        // The older wording with 、 inside stays one result.
        #expect(try ResultCode.parseCell("公示信息隐瞒真实情况、弄虚作假；A") == [.disclosedInformationFalsified, .problemPendingFollowUp])
    }

    @Test func unknownTokensAreNamed() {
        let error = #expect(throws: ResultCodeError.self) { try ResultCode.parseCell("1；未检查、A") }
        #expect(error?.kind == .unknownToken("未检查"))
        #expect(
            error?.description
                == "unknown result '未检查' in '1；未检查、A': write a code (1, A–G, 3–12) or its text from the national list, separated by ; ； or 、"
        )
        #expect(throws: ResultCodeError(kind: .unknownToken("2"), cell: "2")) { try ResultCode.parseCell("2") }
        #expect(throws: ResultCodeError(kind: .unknownToken("H"), cell: " H ")) { try ResultCode(parsing: " H ") }
        // A comma is not a separator: the whole text is one unknown token.
        #expect(throws: ResultCodeError(kind: .unknownToken("1,A"), cell: "1,A")) { try ResultCode.parseCell("1,A") }
    }

    @Test func anEmptyCellIsAnError() {
        let error = #expect(throws: ResultCodeError.self) { try ResultCode.parseCell(" ；; ") }
        #expect(error?.kind == .empty)
        #expect(error?.description == "no result in ' ；; ': write at least one code (1, A–G, 3–12) or its text")
    }

    @Test func joinedTextAndDescription() {
        #expect(ResultCode.joinedText([.problemPendingFollowUp, .requiredInformationNotDisclosed]) == "发现问题待后续处理；未按规定公示应当公示的信息")
        #expect(ResultCode.correctedWhenOrdered.description == "E 发现问题经责令已改正")
    }
}
