import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("DelimitedRecordParser")
struct DelimitedRecordParserTests {
    static let sample =
        "uscc,name,address\r\n"
        + "91140981MA0K1234X5,\"原平市\"\"晋北\"\"商贸有限公司\",\"山西省忻州市原平市, 东街1号\"\r\n"
        + "\r\n"
        + "92140981MA0K9999X1,\"多行\n名称\",南街\r\n"
        + ",,\r\n"
        + "last,row,without newline"

    static let expected: [DelimitedRecord] = [
        DelimitedRecord(fields: ["uscc", "name", "address"], line: 1),
        DelimitedRecord(fields: ["91140981MA0K1234X5", "原平市\"晋北\"商贸有限公司", "山西省忻州市原平市, 东街1号"], line: 2),
        DelimitedRecord(fields: ["92140981MA0K9999X1", "多行\n名称", "南街"], line: 4),
        DelimitedRecord(fields: ["", "", ""], line: 6),
        DelimitedRecord(fields: ["last", "row", "without newline"], line: 7),
    ]

    @Test(arguments: [1, 2, 3, 7, 4096])
    func recordsAndLinesWhateverTheChunkSize(size: Int) throws {
        let reader = DelimitedFileReader(chunks: chunks(Array(Self.sample.utf8), size: size), displayName: "t.csv", delimiter: 0x2C)
        #expect(try readAll(reader) == Self.expected)
    }

    @Test func lfOnlyGivesTheSameRecords() throws {
        let lf = Self.sample.replacingOccurrences(of: "\r\n", with: "\n")
        let reader = DelimitedFileReader(chunks: chunks(Array(lf.utf8), size: 1), displayName: "t.csv", delimiter: 0x2C)
        #expect(try readAll(reader) == Self.expected)
    }

    /// A lone CR (old Mac files) ends the line as well as the record; CRLF counts once.
    @Test(arguments: [1, 2, 4096])
    func aLoneCRIsALineEndAsWellAsARecordEnd(size: Int) throws {
        let text = "a,b\rc,d\r\ne\r\rf\n\"g\rh\",i\r"
        let reader = DelimitedFileReader(chunks: chunks(Array(text.utf8), size: size), displayName: "t.csv", delimiter: 0x2C)
        #expect(
            try readAll(reader) == [
                DelimitedRecord(fields: ["a", "b"], line: 1), DelimitedRecord(fields: ["c", "d"], line: 2),
                DelimitedRecord(fields: ["e"], line: 3), DelimitedRecord(fields: ["f"], line: 5),
                DelimitedRecord(fields: ["g\rh", "i"], line: 6),
            ])
    }

    /// Found by the fuzzer (Benchmarks/Fuzz, FuzzCSV, crash-3a9ecc0f…): a record ended by a lone CR
    /// did not end its line, so the next record was said to start on the same line.
    @Test(arguments: [1, 4096])
    func fuzzerFoundTwoRecordsOnOneLine(size: Int) throws {
        let bytes = Array("uscc,na\"\"\r".utf8) + [UInt8](repeating: 0xAE, count: 54)
        let reader = DelimitedFileReader(chunks: chunks(bytes, size: size), displayName: "t.csv")
        let records = try readAll(reader)
        #expect(records.map(\.line) == [1, 2])
        #expect(records.first == DelimitedRecord(fields: ["uscc", "na\"\""], line: 1))
        // 0xAE 0xAE is GB18030 for U+E185 (private use): the file is read as GB18030.
        #expect(records.last?.fields == [String(repeating: "\u{E185}", count: 27)])
    }

    @Test func blankRecordIsDetected() {
        #expect(Self.expected[3].isBlank)
        #expect(!Self.expected[2].isBlank)
    }

    @Test(arguments: [1, 4096])
    func unterminatedQuoteIsAFileError(size: Int) throws {
        let text = "a,b\n1,\"cut inside\n2,3\n"
        let reader = DelimitedFileReader(chunks: chunks(Array(text.utf8), size: size), displayName: "cut.csv", delimiter: 0x2C)
        // Decoding looks ahead (up to 64 KiB), so the error may come before the first record: the
        // file is rejected whole either way.
        let error = #expect(throws: MalformedFileError.self) { try readAll(reader) }
        #expect(
            error?.description == "cut.csv:2:2: error: the quoted field that starts on line 2 is never closed; the file may be truncated")
    }

    @Test func quoteInsideUnquotedFieldIsKept() throws {
        let reader = DelimitedFileReader(chunks: chunks(Array("a\"b,\"c\"d\n".utf8), size: 1), displayName: "q.csv", delimiter: 0x2C)
        #expect(try readAll(reader) == [DelimitedRecord(fields: ["a\"b", "cd"], line: 1)])
    }

    @Test func delimiterIsSniffedFromTheHeader() throws {
        let tsv = DelimitedFileReader(chunks: chunks(Array("a\tb,c\n1\t2\n".utf8), size: 1), displayName: "x")
        #expect(try readAll(tsv).map(\.fields) == [["a", "b,c"], ["1", "2"]])
        let csv = DelimitedFileReader(chunks: chunks(Array("a,b\n1,2".utf8), size: 1), displayName: "x")
        #expect(try readAll(csv).map(\.fields) == [["a", "b"], ["1", "2"]])
    }
}

@Suite("TextDecoder")
struct TextDecoderTests {
    static let text = "名称,地址\n原平市晋北商贸有限公司,山西省忻州市原平市东街1号\n"

    @Test(arguments: [1, 5, 65536])
    func gb18030IsDetectedAndDecoded(size: Int) throws {
        let bytes = try gb18030(Self.text)
        #expect(bytes != Array(Self.text.utf8))
        let reader = DelimitedFileReader(chunks: chunks(bytes, size: size), displayName: "gb.csv", delimiter: 0x2C)
        #expect(try readAll(reader).map(\.fields) == [["名称", "地址"], ["原平市晋北商贸有限公司", "山西省忻州市原平市东街1号"]])
        #expect(reader.encoding == .gb18030)
    }

    @Test(arguments: [1, 65536])
    func utf8WithBOMIsDetectedAndTheBOMDropped(size: Int) throws {
        let reader = DelimitedFileReader(
            chunks: chunks([0xEF, 0xBB, 0xBF] + Array(Self.text.utf8), size: size), displayName: "bom.csv", delimiter: 0x2C)
        #expect(try readAll(reader).first?.fields == ["名称", "地址"])
        #expect(reader.encoding == .utf8)
    }

    /// The validator checks eight ASCII bytes at a time: a bad byte is found at its exact offset
    /// wherever it falls against that stride, and sequences across the stride stay valid.
    @Test func utf8ValidatorFindsEveryBadByteWhateverItsPlace() throws {
        for length in 0..<24 {
            let ascii = [UInt8](repeating: UInt8(ascii: "a"), count: length)
            #expect(UTF8Validator.firstInvalidOffset(ascii, atEnd: true) == nil)
            for place in 0..<length {
                for bad: UInt8 in [0x80, 0xC0, 0xFF, 0xED] {
                    var bytes = ascii
                    bytes[place] = bad
                    // 0xED followed by 'a' is bad at the 'a' (or at the 0xED when it ends the input).
                    let expected = bad == 0xED && place + 1 < length ? place + 1 : place
                    #expect(UTF8Validator.firstInvalidOffset(bytes, atEnd: true) == expected, "length \(length), byte \(bad) at \(place)")
                }
                // A three-byte character placed across the eight-byte stride is valid.
                if place + 3 <= length {
                    var bytes = ascii
                    bytes.replaceSubrange(place..<(place + 3), with: Array("名".utf8))
                    #expect(UTF8Validator.firstInvalidOffset(bytes, atEnd: true) == nil, "length \(length), 名 at \(place)")
                }
            }
        }
        // Cut before the end: allowed unless it is the end.
        #expect(UTF8Validator.firstInvalidOffset(Array("abcdefgh名".utf8.dropLast()), atEnd: false) == nil)
        #expect(UTF8Validator.firstInvalidOffset(Array("abcdefgh名".utf8.dropLast()), atEnd: true) == 8)
    }

    @Test func invalidUTF8NamesOffsetAndLine() throws {
        var bytes = Array("a,b\nok,ok\nbad,".utf8)
        bytes += [0xE4, 0x41]
        bytes += Array("\n".utf8)
        let reader = DelimitedFileReader(chunks: chunks(bytes, size: 1), displayName: "bad.csv", delimiter: 0x2C, encoding: .utf8)
        let error = #expect(throws: DecodingError.self) { try readAll(reader) }
        #expect(
            error?.description
                == "bad.csv:3: error: byte 0x41 at offset 15 is not valid UTF-8; if the file is GB18030, pass --encoding gb18030")
        #expect(error?.byteOffset == 15)
    }

    @Test func undecodableGB18030NamesOffsetAndLine() throws {
        var bytes = try gb18030("名称\n原平\n")
        let offset = bytes.count
        bytes += [0x81, 0x20]
        let reader = DelimitedFileReader(chunks: chunks(bytes, size: 1), displayName: "bad-gb.csv", delimiter: 0x2C, encoding: .gb18030)
        let error = #expect(throws: DecodingError.self) { try readAll(reader) }
        #expect(error?.byteOffset == offset)
        #expect(
            error?.description
                == "bad-gb.csv:3: error: byte 0x81 at offset \(offset) cannot be decoded as GB18030; check the file's encoding (--encoding)"
        )
    }

    @Test func utf16IsRefused() throws {
        let reader = DelimitedFileReader(chunks: chunks([0xFF, 0xFE, 0x41, 0x00], size: 1), displayName: "u16.csv", delimiter: 0x2C)
        let error = #expect(throws: DecodingError.self) { try readAll(reader) }
        #expect(error?.message == "the file is UTF-16, which is not supported; save it as UTF-8 or GB18030")
    }
}

/// The reader's decoding thread: chunks read and decoded ahead of the parser, errors in their place.
@Suite("DelimitedFileReader, decoding thread")
struct DelimitedFileReaderDecodingTests {
    /// Every record of the reader until it throws, and what it threw.
    static func recordsThenError(_ reader: DelimitedFileReader) -> (records: Int, error: (any Error)?) {
        var records = 0
        do {
            while try reader.next() != nil { records += 1 }
            return (records, nil)
        } catch {
            return (records, error)
        }
    }

    /// A bad byte after 20,000 good lines (several groups of chunks): the records of every chunk
    /// before the one holding it come out, then the error naming it, as when one thread read,
    /// decoded and parsed (a chunk that fails to decode is not parsed).
    @Test(arguments: [(1, 20_001), (4096, 19_570), (65_536, 14_564)])
    func theRecordsOfTheChunksBeforeABadByteComeFirst(size: Int, expected: Int) {
        var bytes = Array("a,b\n".utf8) + Array(String(repeating: "1,原平\n", count: 20_000).utf8)
        bytes += [0xE4, 0x41, 0x0A] + Array("2,3\n".utf8)
        let reader = DelimitedFileReader(chunks: chunks(bytes, size: size), displayName: "bad.csv", delimiter: 0x2C, encoding: .utf8)
        let (records, error) = Self.recordsThenError(reader)
        #expect(records == expected)
        #expect(
            (error as? DecodingError)?.description
                == "bad.csv:20002: error: byte 0x41 at offset 180005 is not valid UTF-8; if the file is GB18030, pass --encoding gb18030")
    }

    /// A source that fails on its third chunk: the records of the two before come out, then its
    /// error. (Together they pass the 64 KiB the decoder holds back to look for a byte-order mark.)
    @Test func aReadErrorComesAfterTheRecordsReadBeforeIt() {
        let pieces = [
            Array(("a,b\n" + String(repeating: "1,2\n", count: 10_000) + "5,").utf8),
            Array(("6\n" + String(repeating: "3,4\n", count: 10_000)).utf8),
        ]
        let calls = SourceCalls()
        let reader = DelimitedFileReader(chunks: failingSource(pieces, file: "r.csv", calls: calls), displayName: "r.csv", delimiter: 0x2C)
        let (records, error) = Self.recordsThenError(reader)
        #expect(records == 20_002)
        #expect((error as? MalformedFileError)?.description == "r.csv: error: read failed: Input/output error")
        #expect(calls.count == 3)
    }

    /// A reader let go after one record stops its thread: the source was read at most one group
    /// ahead of each of the `groupsAhead` places (taken, waiting) and one in hand, never again after.
    @Test func aReaderLetGoEarlyStopsReadingTheSource() throws {
        let chunk = Array(String(repeating: "1,2\n", count: DelimitedFileReader.groupBytes / 4).utf8)
        let calls = SourceCalls()
        var reader: DelimitedFileReader? = DelimitedFileReader(
            chunks: { calls.add() <= 1_000 ? chunk : nil }, displayName: "big.csv", delimiter: 0x2C)
        #expect(try reader?.next() == DelimitedRecord(fields: ["1", "2"], line: 1))
        reader = nil
        let afterwards = calls.count
        #expect(afterwards <= 2 * DelimitedFileReader.groupsAhead + 1)
        Thread.sleep(forTimeInterval: 0.05)
        #expect(calls.count == afterwards)
    }
}
