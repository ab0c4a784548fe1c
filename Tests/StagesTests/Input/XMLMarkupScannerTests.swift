import Foundation
import Pipeline
import Testing

@testable import Stages

/// What a scanner made of a document: its markup in order, where pieces had to end, and where it stopped.
struct ScannedMarkup: Equatable {
    var markup: [XMLMarkup]
    /// Offsets just after the markup a piece must end with.
    var stops: [Int]
    var line: Int
    var depth: Int
}

/// Scans `bytes` in runs of at most `size` bytes (going on after each stop), taking all markup at the end.
func scanMarkup(_ bytes: [UInt8], size: Int, refusals: XMLMarkupScanner.Refusals? = nil) -> ScannedMarkup {
    scanMarkup(bytes, splits: Array(stride(from: size, to: bytes.count, by: size)), refusals: refusals)
}

/// Scans `bytes` in runs that end at `splits` (going on after each stop), taking all markup at the end.
func scanMarkup(_ bytes: [UInt8], splits: [Int], refusals: XMLMarkupScanner.Refusals? = nil) -> ScannedMarkup {
    let scanner = XMLMarkupScanner(refusals: refusals)
    var stops: [Int] = []
    var start = 0
    bytes.withUnsafeBufferPointer { all in
        for end in splits + [bytes.count] where end > start {
            while start < end, let base = all.baseAddress {
                let (scanned, mustEnd) = scanner.scan(base + start, count: end - start)
                start += scanned
                if mustEnd { stops.append(start) }
                if scanned == 0 { break }
            }
        }
    }
    var markup: [XMLMarkup] = []
    while let item = scanner.take() { markup.append(item) }
    return ScannedMarkup(markup: markup, stops: stops, line: scanner.line, depth: scanner.depth)
}

/// The offsets just after each `text` in `document`.
func offsets(after text: String, in document: String) -> [Int] {
    let bytes = Array(document.utf8), needle = Array(text.utf8)
    guard !needle.isEmpty, bytes.count >= needle.count else { return [] }
    return (0...(bytes.count - needle.count)).filter { start in
        needle.indices.allSatisfy { bytes[start + $0] == needle[$0] }
    }.map { $0 + needle.count }
}

/// The offset just after the `occurrence`-th (1-based) `text` in `document`, or -1.
func offset(after text: String, occurrence: Int = 1, in document: String) -> Int {
    let all = offsets(after: text, in: document)
    return occurrence <= all.count ? all[occurrence - 1] : -1
}

/// Every piece the feeder hands libxml2 for `bytes` read in chunks of `size` bytes.
func feederPieces(_ bytes: [UInt8], size: Int, recordName: String? = "entity", limits: XMLReaderLimits = .init()) -> [[UInt8]] {
    let feeder = XMLByteFeeder(
        source: chunks(bytes, size: size), displayName: "reg.xml",
        refusals: recordName.map { XMLMarkupScanner.Refusals(recordName: $0, limits: limits) })
    var pieces: [[UInt8]] = []
    var buffer = [CChar](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { Int(feeder.read(into: $0, capacity: 4096)) } ?? -1
        }
        guard count > 0 else { break }
        pieces.append(buffer[0..<count].map { UInt8(bitPattern: $0) })
    }
    return pieces
}

@Suite("XMLMarkupScanner")
struct XMLMarkupScannerTests {
    static let document = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!-- a <b> c > d -->
        <?pi <x> ? > ?>
        <registry department="a > b" note='say "hi" />'>
          <entity
            uscc="1"
          >
            <name><![CDATA[<x> ]] > ]]]]></name>
            <phone/>
          </entity>
          <entity uscc="2"/>
          <entity><name>a
        b</name></entity>
        </registry>
        <!--tail-->

        """

    static let expected = [
        XMLMarkup(kind: .comment, line: 2, endLine: 2),
        XMLMarkup(kind: .instruction, line: 3, endLine: 3),
        XMLMarkup(kind: .start, line: 4, endLine: 4),
        XMLMarkup(kind: .start, line: 5, endLine: 7),
        XMLMarkup(kind: .start, line: 8, endLine: 8),
        XMLMarkup(kind: .cdata, line: 8, endLine: 8),
        XMLMarkup(kind: .end, line: 8, endLine: 8),
        XMLMarkup(kind: .emptyElement, line: 9, endLine: 9),
        XMLMarkup(kind: .end, line: 10, endLine: 10),
        XMLMarkup(kind: .emptyElement, line: 11, endLine: 11),
        XMLMarkup(kind: .start, line: 12, endLine: 12),
        XMLMarkup(kind: .start, line: 12, endLine: 12),
        XMLMarkup(kind: .end, line: 13, endLine: 13),
        XMLMarkup(kind: .end, line: 13, endLine: 13),
        XMLMarkup(kind: .end, line: 14, endLine: 14),
        XMLMarkup(kind: .comment, line: 15, endLine: 15),
    ]

    @Test func markupKindsAndLinesWithGreaterThanInValuesCommentsInstructionsAndCDATA() {
        let scanned = scanMarkup(Array(Self.document.utf8), size: Self.document.utf8.count)
        #expect(scanned.markup == Self.expected)
        #expect(scanned.line == 16)
        #expect(scanned.depth == 0)
        // Without the record reader's refusals, pieces end at record ends only.
        #expect(
            scanned.stops == [
                offset(after: "</entity>", in: Self.document), offset(after: "<entity uscc=\"2\"/>", in: Self.document),
                offset(after: "</entity>", occurrence: 2, in: Self.document),
            ])
        // The record reader's refusals add the root's start tag.
        let refusing = scanMarkup(Array(Self.document.utf8), size: 511, refusals: .init(recordName: "entity", limits: .init()))
        #expect(refusing.markup == Self.expected)
        #expect(refusing.stops == [offset(after: "note='say \"hi\" />'>", in: Self.document)] + scanned.stops)
    }

    @Test func tagsSplitAcrossChunksAtEveryByteScanTheSame() {
        let bytes = Array(Self.document.utf8)
        let refusals = XMLMarkupScanner.Refusals(recordName: "entity", limits: .init())
        let whole = scanMarkup(bytes, size: bytes.count, refusals: refusals)
        for split in 0...bytes.count {
            let scanned = scanMarkup(bytes, splits: [split], refusals: refusals)
            #expect(scanned == whole, "split at byte \(split)")
            if scanned != whole { return }
        }
        #expect(scanMarkup(bytes, size: 1, refusals: refusals) == whole)
        #expect(scanMarkup(bytes, size: 7, refusals: refusals) == whole)
    }

    @Test func crlfCountsOneLinePerLineFeed() {
        let crlf = Self.document.replacingOccurrences(of: "\n", with: "\r\n")
        let scanned = scanMarkup(Array(crlf.utf8), size: 5)
        #expect(scanned.markup == Self.expected)
        #expect(scanned.line == 16)
    }

    @Test func linesPast65535() {
        let text = "<registry>" + String(repeating: "\n", count: 70_000) + "<entity\n a='1'/><!--\n--></registry>"
        let scanned = scanMarkup(Array(text.utf8), size: 64 * 1024)
        #expect(
            scanned.markup == [
                XMLMarkup(kind: .start, line: 1, endLine: 1),
                XMLMarkup(kind: .emptyElement, line: 70_001, endLine: 70_002),
                XMLMarkup(kind: .comment, line: 70_002, endLine: 70_003),
                XMLMarkup(kind: .end, line: 70_003, endLine: 70_003),
            ])
        #expect(scanned.line == 70_003)
    }

    @Test func adjacentCDATASectionsAreMarkedAsOneRun() {
        let text = "<r><![CDATA[a]]><![CDATA[\nb]]> <![CDATA[c]]></r>"
        let scanned = scanMarkup(Array(text.utf8), size: 3)
        #expect(
            scanned.markup == [
                XMLMarkup(kind: .start, line: 1, endLine: 1),
                XMLMarkup(kind: .cdata, line: 1, endLine: 1),
                XMLMarkup(kind: .cdata, line: 1, endLine: 2, followsCDATA: true),
                XMLMarkup(kind: .cdata, line: 2, endLine: 2),
                XMLMarkup(kind: .end, line: 2, endLine: 2),
            ])
    }

    @Test func aByteOrderMarkAndTheXMLDeclarationAreNoMarkupButOtherInstructionsAre() {
        let declared = scanMarkup([0xEF, 0xBB, 0xBF] + Array("<?xml version='1.0'?><?xml-stylesheet href='a'?><r/>".utf8), size: 1)
        #expect(declared.markup.map(\.kind) == [.instruction, .emptyElement])
        // Not first in the file, `<?xml …?>` is an instruction (and libxml2 refuses it).
        let late = scanMarkup(Array(" <?xml version='1.0'?><r/>".utf8), size: 1)
        #expect(late.markup.map(\.kind) == [.instruction, .emptyElement])
    }

    @Test func aGBTrailByteIsNotTheEndOfACDATASection() throws {
        // 癩 is B0 5D in GB18030: its trail byte is `]`.
        let head = Array("<?xml version=\"1.0\" encoding=\"GB18030\"?>\n<r><![CDATA[".utf8)
        let bytes = head + [0xB0, 0x5D, 0x5D, 0x3E, 0x0A] + Array("]]></r>".utf8)
        let scanned = scanMarkup(bytes, size: 1)
        #expect(
            scanned.markup == [
                XMLMarkup(kind: .start, line: 2, endLine: 2),
                XMLMarkup(kind: .cdata, line: 2, endLine: 3),
                XMLMarkup(kind: .end, line: 3, endLine: 3),
            ])
        // In UTF-8 the same bytes end the section early (and are not UTF-8: libxml2 refuses them).
        let utf8 = scanMarkup(Array("<r><![CDATA[".utf8) + [0xB0, 0x5D, 0x5D, 0x3E, 0x0A] + Array("]]></r>".utf8), size: 1)
        #expect(utf8.markup.first { $0.kind == .cdata }?.endLine == 1)
    }

    @Test func piecesEndWhereTheRecordReaderMayRefuseANode() {
        let refusals = XMLMarkupScanner.Refusals(recordName: "entity", limits: .init())
        let text =
            #"<registry><entity><name a="1">x</name><b><c/></b>loose<phone>1</phone></entity><other/><entity a="1"></entity></registry>"#
        #expect(
            scanMarkup(Array(text.utf8), size: 1, refusals: refusals).stops == [
                offset(after: "<registry>", in: text), offset(after: #"<name a="1">"#, in: text), offset(after: "<c/>", in: text),
                offset(after: "<phone>", in: text), offset(after: "</entity>", in: text), offset(after: "<other/>", in: text),
                offset(after: "</entity>", occurrence: 2, in: text),
            ])
        // Past the field limit, and after a text that may be past the byte limit.
        let limited = XMLMarkupScanner.Refusals(recordName: "entity", limits: XMLReaderLimits(maxFieldBytes: 8, maxFieldsPerRecord: 2))
        let fields = #"<registry><entity a="1"><x>1</x><y>123456</y><z><![CDATA[]]></z></entity></registry>"#
        let fieldStops = [
            offset(after: "<registry>", in: fields), offset(after: #"<entity a="1">"#, in: fields), offset(after: "</y>", in: fields),
            offset(after: "</z>", in: fields), offset(after: "</entity>", in: fields),
        ]
        #expect(scanMarkup(Array(fields.utf8), size: 1, refusals: limited).stops == fieldStops)
        // Scanned whole, the piece also ends before the end tag of a field with the long text, so
        // that libxml2 hands the field out while it is open.
        var wholeStops = fieldStops
        wholeStops.insert(offset(after: "123456", in: fields), at: 2)
        #expect(scanMarkup(Array(fields.utf8), size: fields.utf8.count, refusals: limited).stops == wholeStops)
        // Text or CDATA directly inside a record or the root ends the piece after the markup that follows it.
        let loose = "<registry>\n<entity>\n<![CDATA[x]]> <!-- c --><name/></entity>\n  y <entity/></registry>"
        #expect(
            scanMarkup(Array(loose.utf8), size: 1, refusals: refusals).stops == [
                offset(after: "<registry>", in: loose), offset(after: "<!-- c -->", in: loose), offset(after: "</entity>", in: loose),
                offset(after: "<entity/>", in: loose),
            ])
    }

    @Test func piecesAreAtMostTheLargestPieceAndEndAtRecordEnds() {
        var text = "<?xml version=\"1.0\"?>\n<registry department=\"d\">\n"
        for index in 0..<300 {
            text += "  <entity>\n    <uscc>\(index)</uscc>\n    <name>\(String(repeating: "名", count: index % 97))</name>\n  </entity>\n"
            if index % 7 == 0 { text += "  <entity uscc=\"e\(index)\"/>\n" }
        }
        text += "</registry>\n"
        let bytes = Array(text.utf8)
        let recordEnds = Set(offsets(after: "</entity>", in: text) + offsets(after: "\"/>", in: text))
        #expect(recordEnds.count == 300 + 43)
        for size in [1, 7, 4096, bytes.count] {
            let pieces = feederPieces(bytes, size: size)
            #expect(Array(pieces.joined()) == bytes)
            var boundaries: Set<Int> = []
            var end = 0
            for piece in pieces {
                #expect(piece.count <= XMLByteFeeder.largestPiece)
                end += piece.count
                boundaries.insert(end)
                // A piece is as long as it can be: it stops short only at a record end, the root's start tag or a chunk's end.
                let full = piece.count == XMLByteFeeder.largestPiece || end % size == 0 || end == bytes.count
                #expect(full || recordEnds.contains(end) || end == offset(after: "<registry department=\"d\">", in: text))
            }
            #expect(recordEnds.isSubset(of: boundaries), "chunks of \(size)")
        }
    }

    @Test func everyNodeOfLibxml2MatchesTheScannedMarkup() throws {
        let documents = [
            Self.document,
            "<registry>\n<entity>\n<name><![CDATA[a]]><![CDATA[b]]>c<!--x--><?p?>d</name><phone/>\n</entity>\n</registry>",
            "<!--a--><?b c?><registry x='>'><entity><a><![CDATA[\n]]></a></entity></registry><!--z-->",
        ]
        for document in documents {
            for size in [1, 7, document.utf8.count] {
                let stream = XMLNodeStream(
                    chunks: chunks(Array(document.utf8), size: size), displayName: "reg.xml", recordName: "entity", limits: .init(),
                    schema: nil)
                // A node the scanner did not find as libxml2 did would throw XMLLineTrackingError.
                #expect(throws: Never.self, "\(document.prefix(20))… in chunks of \(size)") {
                    while try stream.next() != nil {}
                }
            }
        }
    }

    @Test func aRecordWithoutFieldsEndsItsOwnPiece() {
        // libxml2 reads ahead from an element that holds no markup once it is closed; the record
        // before the error must still come first.
        let text = "<registry>\n<entity></entity>\n<entity>  </entity><entity>\n<name>A</nmae></entity>\n</registry>"
        let outcome = readXMLEveryWay(text)
        #expect(outcome.records == [XMLRecord(line: 2, fields: []), XMLRecord(line: 3, fields: [])])
        #expect(outcome.error == "reg.xml:4:15: error: not well-formed XML: Opening and ending tag mismatch: name line 4 and nmae")
        #expect(
            scanMarkup(Array(text.utf8), size: text.utf8.count).stops == [
                offset(after: "<entity>", in: text), offset(after: "</entity>", in: text), offset(after: "<entity>  ", in: text),
                offset(after: "</entity>", occurrence: 2, in: text), offset(after: "</entity>", occurrence: 3, in: text),
            ])
    }

    @Test func cdataDirectlyInsideARecordIsPlacedOnItsLine() {
        let outcome = readXMLEveryWay("<registry>\n<entity>\n<![CDATA[a]]><![CDATA[\nb]]>\n</entity>\n</registry>")
        #expect(outcome.error == "reg.xml:3: error: text directly inside <entity> (line 2); fields must be child elements or attributes")
        let later = readXMLEveryWay("<registry>\n<entity>\n <!-- \n --> <![CDATA[\n\n  a]]>\n</entity>\n</registry>")
        #expect(later.error == "reg.xml:6: error: text directly inside <entity> (line 2); fields must be child elements or attributes")
    }

    @Test func theRecordReadersOwnErrorsComeBeforeLaterErrorsOfLibxml2() {
        // Each refused node is followed, in the same piece, by markup libxml2 refuses.
        let cases: [(String, String)] = [
            (
                "<registry>\n<entity><name>x<b>y</b></name></wrong>\n",
                "reg.xml:2: error: element <b> is nested inside field <name> (line 2); a field of <entity> holds text only"
            ),
            (
                "<registry>\n<entity><name lang=\"zh\">x</name></wrong>\n",
                "reg.xml:2: error: field <name> has attributes (lang); a field of <entity> holds text only"
            ),
            (
                "<registry>\n<other/></wrong>\n",
                "reg.xml:2: error: unexpected element <other> inside <registry>; only <entity> records may appear here"
            ),
            (
                "<registry>\n<entity>\n loose <name>x</name></wrong>\n",
                "reg.xml:3: error: text directly inside <entity> (line 2); fields must be child elements or attributes"
            ),
            ("<registre>\n</wrong>\n", "reg.xml:1: error: the root element is <registre>, expected <registry>"),
        ]
        for (text, error) in cases {
            #expect(readXMLEveryWay(text).error == error)
        }
        let limits = XMLReaderLimits(maxFieldBytes: 8, maxFieldsPerRecord: 2)
        #expect(
            readXMLEveryWay("<registry>\n<entity><a>1</a><b>2</b><c>3</c></wrong>\n", limits: limits).error
                == "reg.xml:2: error: <entity> has more than 2 fields, the limit for one record")
        #expect(
            readXMLEveryWay("<registry>\n<entity><a>123456789</a></wrong>\n", limits: limits).error
                == "reg.xml:2: error: the text of <a> (line 2) is longer than 8 bytes, the limit for one field")
    }
}

@Suite("XMLMarkupScanner mixed documents")
struct XMLMarkupScannerMixedDocumentTests {
    /// A linear congruential generator: the same documents every run.
    struct Sequence {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// A register of a few records built from pieces the reader accepts, refuses or that libxml2 refuses.
    static func document(_ sequence: inout Sequence) -> String {
        let fields = [
            "<uscc>1</uscc>", "<name>晋北 &amp; 商贸</name>", "<phone/>", "<address>\n原平市\n</address>",
            "<name><![CDATA[<a>]]><![CDATA[b]]></name>",
            "<!-- c -->", "<?p x?>", "\n  ", "<status></status>", "<legal_rep>王</legal_rep>",
        ]
        let refused = [
            "<name lang=\"zh\">x</name>", "<name>x<b>y</b></name>", " loose ", "<![CDATA[z]]>",
            "<name>\(String(repeating: "长", count: 9))</name>",
            "<a>1</a><b>2</b><c>3</c><d>4</d>",
        ]
        let broken = ["</wrong>", "<name a=1>", "&nbsp;", "<name>x</nmae>", "<<", "]]>"]
        var text = sequence.next(2) == 0 ? "<?xml version=\"1.0\"?>\n" : ""
        text += "<registry department=\"d\">\n"
        let records = 1 + sequence.next(5)
        for _ in 0..<records {
            switch sequence.next(8) {
            case 0: text += "  <entity/>\n"
            case 1: text += "  <entity></entity>\n"
            case 2: text += "  <entity uscc=\"\(sequence.next(100))\">  </entity>\n"
            default:
                text += "  <entity>"
                for _ in 0..<sequence.next(6) {
                    switch sequence.next(10) {
                    case 0, 1: text += refused[sequence.next(refused.count)]
                    case 2: text += broken[sequence.next(broken.count)]
                    default: text += fields[sequence.next(fields.count)]
                    }
                }
                text += "</entity>\n"
            }
            // Often an error right after the record.
            if sequence.next(3) == 0 { text += broken[sequence.next(broken.count)] }
        }
        switch sequence.next(4) {
        case 0: return text
        case 1: return text + "</registry>\n" + broken[sequence.next(broken.count)]
        default: return text + "</registry>\n"
        }
    }

    @Test func everyFeedingReadsTheSameRecordsErrorsAndDiagnostics() throws {
        var sequence = Sequence(state: 20_240_601)
        let limits = XMLReaderLimits(maxFieldBytes: 16, maxFieldsPerRecord: 3)
        let schema = try XMLSchema.bundledRegister()
        for index in 0..<1000 {
            let text = Self.document(&sequence)
            _ = readXMLEveryWay(text, limits: limits, schema: index % 3 == 0 ? schema : nil)
            _ = readXMLEveryWay(text)
        }
    }
}
