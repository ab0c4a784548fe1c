import Foundation
import Pipeline
import Testing

@testable import Stages

/// Every CSV suiji writes for people neutralises spreadsheet formulas (OWASP CSV injection; issue 12).
@Suite struct CSVRecordTests {
    static func bytes(_ fields: [String], spreadsheetSafe: Bool = true) -> [UInt8] {
        var buffer: [UInt8] = []
        CSVRecord.append(fields, to: &buffer, newline: [0x0D, 0x0A], spreadsheetSafe: spreadsheetSafe)
        return buffer
    }

    @Test func plainFieldsAreJoinedByCommas() {
        #expect(String(decoding: Self.bytes(["91140981MA0K000001", "原平市甲公司", ""]), as: UTF8.self) == "91140981MA0K000001,原平市甲公司,\r\n")
    }

    @Test func commasQuotesAndLineBreaksAreQuoted() {
        var bytes: [UInt8] = []
        CSVRecord.append(["a,b", "say \"hi\"", "two\nlines", "cr\r", "plain"], to: &bytes, newline: [0x0A], spreadsheetSafe: false)
        #expect(String(decoding: bytes, as: UTF8.self) == "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",plain\n")
    }

    @Test func aCellThatStartsLikeAFormulaIsWrittenAsQuotedText() {
        #expect(
            Self.bytes(["=1+2", "+86 0350", "-5", "@SUM(A1)", "\tx", "a=b", "名称", "", "-"])
                == Array("\"'=1+2\",\"'+86 0350\",\"'-5\",\"'@SUM(A1)\",\"'\tx\",a=b,名称,,\"'-\"\r\n".utf8))
        // A CR (and any control character but a line feed or tab) is written escaped: no formula starts with it then.
        #expect(Self.bytes(["\rx", "a\u{0}b", "two\nlines"]) == Array("\\u{D}x,a\\u{0}b,\"two\nlines\"\r\n".utf8))
        #expect(
            Self.bytes(["=HYPERLINK(\"http://evil.example\",\"点我\")", "a,b", "say \"hi\"", "two\nlines"])
                == Array("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n".utf8))
    }

    @Test func aGeneratedRegisterIsWrittenAsADepartmentWouldSendIt() {
        #expect(Self.bytes(["=1+2", "-5", "a,b"], spreadsheetSafe: false) == Array("=1+2,-5,\"a,b\"\r\n".utf8))
    }

    @Test func theRejectsFileHasABOMAndNoLiveFormula() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let register = try folder.write(
            "register.csv",
            "统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类,联系电话\n"
                + "91140981MA0KDLX98K,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",企业,燃气经营企业,140981,存续,E,+86 0350 1234567\n"
                + "91140981MA0KDLXA0U,@SUM(A1),企业,燃气经营企业,140981,存续,A,-\n")
        let rejects = folder.path("rejects/register.csv.rejects.csv")
        let report = try importFile(try Store.inMemory(), register, rejects: rejects)
        #expect(report.rowsRejected == 1)
        #expect(
            try fileBytes(rejects)
                == [0xEF, 0xBB, 0xBF]
                + Array(
                    ("统一社会信用代码,名称,主体类型,行业类别,行政区划代码,登记状态,信用风险分类,联系电话,line,reason\r\n"
                        + "91140981MA0KDLX98K,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"点我\"\")\",企业,燃气经营企业,140981,存续,E,\"'+86 0350 1234567\",2,"
                        + "\"risk_class 'E' is not A, B, C, D, 低风险, 一般风险, 较高风险, 高风险 or empty\"\r\n").utf8))
    }
}
