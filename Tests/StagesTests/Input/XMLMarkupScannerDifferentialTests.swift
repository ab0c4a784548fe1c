import Foundation
import Pipeline
import Testing

@testable import Stages

/// The markup scanner against libxml2: the reader checks every node libxml2 reports against the
/// scanner's markup (kind, and libxml2's own line below 65535) and stops with
/// `XMLLineTrackingError` if they disagree. These tests feed it documents whose lines are known by
/// construction, and many mutated documents, whole and in chunks, and require that the two never
/// disagree. (Benchmarks/Fuzz/XMLMarkupScanner does the same under libFuzzer, on any input.)
@Suite("XMLMarkupScanner against libxml2")
struct XMLMarkupScannerDifferentialTests {
    /// A linear congruential generator: the same documents every run.
    struct Sequence {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// A register of `count` records and the records a reader must return, lines included: start
    /// tags spread over several lines, multi-line texts, CDATA, comments and instructions between
    /// and inside records, attributes holding `>`, empty elements.
    static func register(records count: Int, sequence: inout Sequence) -> (text: String, records: [XMLRecord]) {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a register -->\n<registry department=\"原平\">\n"
        var line = 4
        var records: [XMLRecord] = []
        func add(_ piece: String) {
            text += piece
            line += piece.utf8.count(where: { $0 == 0x0A })
        }
        for index in 0..<count {
            let recordLine = line
            var fields: [XMLField] = []
            switch sequence.next(4) {
            case 0:
                add("  <entity\n    uscc=\"U\(index)\" note='a > b'\n  >\n")
                fields += [
                    XMLField(name: "uscc", value: "U\(index)", line: recordLine, isAttribute: true),
                    XMLField(name: "note", value: "a > b", line: recordLine, isAttribute: true),
                ]
            case 1:
                add("  <entity kind=\"k\"><!-- c\n -->\n")
                fields.append(XMLField(name: "kind", value: "k", line: recordLine, isAttribute: true))
            default:
                add("  <entity>\n")
            }
            for field in 0..<(1 + sequence.next(4)) {
                let fieldLine = line
                switch sequence.next(6) {
                case 0:
                    add("    <name>名称 \(index)\nsecond line</name>\n")
                    fields.append(XMLField(name: "name", value: "名称 \(index)\nsecond line", line: fieldLine))
                case 1:
                    add("    <note><![CDATA[a <b>\n]]><![CDATA[c]]></note>\n")
                    fields.append(XMLField(name: "note", value: "a <b>\nc", line: fieldLine))
                case 2:
                    add("    <phone\n    >0350-\(field)</phone\n    >\n")
                    fields.append(XMLField(name: "phone", value: "0350-\(field)", line: fieldLine))
                case 3:
                    add("    <status/><?pi x\n?>\n")
                    fields.append(XMLField(name: "status", value: "", line: fieldLine))
                default:
                    add("    <uscc>9114098100000\(index)</uscc>\n")
                    fields.append(XMLField(name: "uscc", value: "9114098100000\(index)", line: fieldLine))
                }
            }
            add("  </entity>\n")
            if sequence.next(5) == 0 { add("  <!-- between\n\n records -->\n") }
            records.append(XMLRecord(line: recordLine, fields: fields))
        }
        add("</registry>\n<!-- end -->\n")
        return (text, records)
    }

    /// Reads `bytes` in chunks of `size` to the end or the first error; a disagreement is recorded as a test issue.
    static func read(_ bytes: [UInt8], size: Int, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [XMLRecord] {
        let reader = XMLRecordReader(chunks: chunks(bytes, size: size), displayName: "reg.xml")
        var records: [XMLRecord] = []
        do {
            while let record = try reader.next() { records.append(record) }
        } catch let error as XMLLineTrackingError {
            Issue.record("chunks of \(size): \(error)", sourceLocation: sourceLocation)
        } catch {
            // Mutated documents are often not well-formed: any other error is the file's.
        }
        return records
    }

    /// Every record and field on the line of its `<`, in every feeding, also past line 65535 (where
    /// libxml2's own lines stop) and for tags spread over several lines.
    @Test func linesAreThoseOfEveryStartTagPastLine65535() {
        var sequence = Sequence(state: 65_535)
        let (text, expected) = Self.register(records: 9_000, sequence: &sequence)
        let bytes = Array(text.utf8)
        #expect(text.utf8.count(where: { $0 == 0x0A }) > 70_000)
        for size in [bytes.count, 4_093, 511, 1] {
            let records = Self.read(bytes, size: size)
            #expect(records.count == expected.count, "chunks of \(size)")
            let first = zip(records, expected).first { $0 != $1 }
            #expect(first == nil, "chunks of \(size): first record that differs: \(String(describing: first))")
        }
    }

    /// Tokens a mutation inserts: the bytes that change what the scanner and libxml2 make of markup.
    static let tokens = [
        "<", ">", "/", "/>", "!", "?", "-", "--", "[", "]", "]]>", "<![CDATA[", "<!--", "-->", "<?", "?>", "<?xml ?>", "\"", "'",
        "=", "\n", "\r\n", "\r", " ", "a", "长", "&amp;", "&", "&#10;", "<entity>", "</entity>", "<name>", "</name>", "<e\n/>",
        "<x a='>'>", "\u{FEFF}", "<!DOCTYPE r>", "\u{00}",
    ].map { Array($0.utf8) }

    /// `bytes` with 1 to 4 random edits: a token inserted or written over a byte, a range deleted,
    /// a range repeated.
    static func mutated(_ bytes: [UInt8], _ sequence: inout Sequence) -> [UInt8] {
        var bytes = bytes
        for _ in 0..<(1 + sequence.next(4)) {
            let at = sequence.next(bytes.count + 1)
            switch sequence.next(5) {
            case 0, 1:
                bytes.insert(contentsOf: tokens[sequence.next(tokens.count)], at: at)
            case 2 where at < bytes.count:
                bytes.replaceSubrange(at...at, with: tokens[sequence.next(tokens.count)])
            case 3:
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + sequence.next(12)))
            default:
                let slice = bytes[at..<min(bytes.count, at + 1 + sequence.next(40))]
                bytes.insert(contentsOf: slice, at: at)
            }
        }
        return bytes
    }

    /// Thousands of mutated registers (valid ones, and the mixed documents of the scanner's tests),
    /// whole, in 7-byte chunks and one byte at a time: libxml2 and the scanner never disagree.
    @Test func mutatedDocumentsNeverMakeTheScannerAndLibxml2Disagree() {
        var sequence = Sequence(state: 20_250_101)
        var mixed = XMLMarkupScannerMixedDocumentTests.Sequence(state: 7)
        for round in 0..<3_000 {
            let seed =
                round % 2 == 0
                ? Self.register(records: 1 + sequence.next(4), sequence: &sequence).text
                : XMLMarkupScannerMixedDocumentTests.document(&mixed)
            let bytes = Self.mutated(Array(seed.utf8), &sequence)
            for size in [max(1, bytes.count), 7, 1] { _ = Self.read(bytes, size: size) }
        }
    }

    /// The disagreement error names the place and says it is suiji's fault, and what to do.
    @Test func theDisagreementErrorSaysWhoseFaultItIs() {
        let error = XMLLineTrackingError(
            location: SourceLocation(file: "reg.xml", line: 12, column: 3),
            detail: "libxml2 read a start tag, the scanner found a comment on line 11")
        #expect(
            error.description
                == "reg.xml:12:3: error: suiji's XML line tracking disagrees with libxml2 here (libxml2 read a start tag, the scanner found a comment on line 11); the file was not read. This is a fault in suiji, not in the file: please report it with the file."
        )
        #expect(error.exitStatus == .failure)
    }
}
