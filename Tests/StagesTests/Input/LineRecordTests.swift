import DevKit
import Pipeline
import Testing

@testable import Stages

/// The parser takes a plain line whole (`lineRecord`, fed a chunk of many bytes) and field by
/// field otherwise (fed one byte at a time): both give the same records, lines and blanks.
@Suite("DelimitedRecordParser, lines taken whole")
struct LineRecordTests {
    /// Seeded text of short lines mixing plain fields, CJK, quotes, CR, tabs, spaces and bare delimiters.
    static func text(seed: UInt64, lines: Int) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        let pieces = ["a", "91140981MA0K", "原平市", "中", ",", ",", ",", "\"", " ", "\t", "\r", "\r\n", "x\"y", "2024-01-02"]
        var text = ""
        for _ in 0..<lines {
            for _ in 0..<Int(random.next() % 12) { text += pieces[Int(random.next() % UInt64(pieces.count))] }
            text += "\n"
        }
        return Array(text.utf8)
    }

    /// What a reader makes of the bytes: records as `next()` gives them, as `readChunk` hands them
    /// out, and `isBlank` of each of the latter; or the error that ends the file.
    struct Read: Equatable {
        var next: [DelimitedRecord] = []
        var raw: [DelimitedRecord] = []
        var blank: [Bool] = []
        var error: String?
    }

    static func records(_ bytes: [UInt8], size: Int, delimiter: UInt8) -> Read {
        var read = Read()
        do {
            read.next = try readAll(DelimitedFileReader(chunks: chunks(bytes, size: size), displayName: "t.csv", delimiter: delimiter))
            let reader = DelimitedFileReader(chunks: chunks(bytes, size: size), displayName: "t.csv", delimiter: delimiter)
            while try reader.readChunk({ record in
                read.raw.append(record.record)
                read.blank.append(DelimitedTabularStream.isBlank(record))
            }) {}
        } catch {
            read.error = "\(error)"
        }
        return read
    }

    @Test(arguments: [1, 2, 3, 5, 8, 16, 1 << 16], [UInt8(0x2C), 0x09])
    func wholeLinesGiveTheSameRecordsAsByteByByte(size: Int, delimiter: UInt8) {
        for seed in 1...20 as ClosedRange<UInt64> {
            let bytes = Self.text(seed: seed, lines: 60)
            let reference = Self.records(bytes, size: 1, delimiter: delimiter)
            let whole = Self.records(bytes, size: size, delimiter: delimiter)
            #expect(whole == reference, "seed \(seed)")
            if reference.error == nil {
                #expect(reference.raw == reference.next, "seed \(seed)")
                #expect(reference.blank == reference.next.map(\.isBlank), "seed \(seed)")
            }
        }
    }

    @Test func aLineOfBareDelimitersIsBlankAndKeepsItsFields() throws {
        let bytes = Array("a,b,c\n,,\n , ,\n中,,\n".utf8)
        let read = Self.records(bytes, size: 4096, delimiter: 0x2C)
        #expect(read.error == nil)
        #expect(
            read.raw == [
                DelimitedRecord(fields: ["a", "b", "c"], line: 1), DelimitedRecord(fields: ["", "", ""], line: 2),
                DelimitedRecord(fields: [" ", " ", ""], line: 3), DelimitedRecord(fields: ["中", "", ""], line: 4),
            ])
        #expect(read.blank == [false, true, true, false])
    }
}

@Suite("Text decoding, fast paths")
struct TextDecodingFastPathTests {
    @Test func lineFeedsCountsEveryLFAtEveryOffset() {
        for length in 0..<40 {
            for start in 0..<min(length + 1, 9) {
                var bytes = [UInt8](repeating: 0x8A, count: length) // 0x8A: LF with the top bit set
                for index in stride(from: start, to: length, by: 3) { bytes[index] = 0x0A }
                if length > 1 { bytes[length - 1] = 0x0B }
                let expected = bytes.filter { $0 == 0x0A }.count
                #expect(bytes.withUnsafeBufferPointer { TextDecoder.lineFeeds($0) } == expected, "\(length) \(start)")
            }
        }
    }

    /// The validator's shortcuts (ASCII runs, three-byte CJK) agree with the standard library on
    /// every well-formed and broken sequence of up to four bytes placed at every offset of a word.
    @Test func theValidatorAgreesWithTheStandardLibrary() {
        let samples: [[UInt8]] = [
            [0x41], [0xE4, 0xB8, 0xAD], [0xE0, 0xA0, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xEF, 0xBF, 0xBF], [0xE1, 0x80], [0xE1, 0x41, 0x80], [0xE1, 0x80, 0x41], [0xE1, 0xC0, 0x80], [0xC2, 0x80],
            [0xC1, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0x80], [0xFF],
            [0xEC, 0xBF, 0xBF], [0xEE, 0x80, 0x80],
        ]
        for sample in samples {
            for before in 0..<10 {
                for after in [0, 1, 9] {
                    let bytes = [UInt8](repeating: 0x61, count: before) + sample + [UInt8](repeating: 0x62, count: after)
                    let valid = String(validating: bytes, as: UTF8.self) != nil
                    #expect((UTF8Validator.firstInvalidOffset(bytes, atEnd: true) == nil) == valid, "\(sample) after \(before)")
                }
            }
        }
    }
}
