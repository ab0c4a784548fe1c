import Stages
import Testing

/// RFC 4180 records as the rejects files and the generated registers write them.
struct CSVRecordTests {
    @Test func plainFieldsAreJoinedByCommas() {
        var bytes: [UInt8] = []
        CSVRecord.append(["91140981MA0K000001", "原平市甲公司", ""], to: &bytes, newline: [0x0D, 0x0A])
        #expect(String(decoding: bytes, as: UTF8.self) == "91140981MA0K000001,原平市甲公司,\r\n")
    }

    @Test func commasQuotesAndLineBreaksAreQuoted() {
        var bytes: [UInt8] = []
        CSVRecord.append(["a,b", "say \"hi\"", "two\nlines", "cr\r", "plain"], to: &bytes, newline: [0x0A])
        #expect(String(decoding: bytes, as: UTF8.self) == "\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\r\",plain\n")
    }
}
