import Foundation
import Pipeline
import Testing

@testable import Stages

/// Everything a reader produced for one document: its records, then the error that stopped it.
struct XMLReadOutcome: Equatable, CustomStringConvertible {
    var records: [XMLRecord]
    var error: String?
    var diagnostics: [String]
    var rootAttributes: [String: String]

    var description: String {
        var lines = records.map { record in
            "@\(record.line) "
                + record.fields.map { "\($0.isAttribute ? "@" : "")\($0.name)=\($0.value)@\($0.line)" }.joined(separator: " ")
        }
        lines += diagnostics
        if let error { lines.append(error) }
        return lines.joined(separator: "\n")
    }
}

/// Reads a document handed out in chunks of `size` bytes to the end or the first error.
func readXML(
    _ bytes: [UInt8], size: Int, name: String = "reg.xml", rootName: String = "registry", recordName: String = "entity",
    limits: XMLReaderLimits = .init(), schema: XMLSchema? = nil
) -> XMLReadOutcome {
    let reader = XMLRecordReader(
        chunks: chunks(bytes, size: size), displayName: name, rootName: rootName, recordName: recordName, limits: limits,
        validatingWith: schema)
    var records: [XMLRecord] = []
    var failure: String?
    do {
        while let record = try reader.next() { records.append(record) }
    } catch {
        failure = "\(error)"
        // The error is sticky.
        do {
            _ = try reader.next()
            failure = "next() after an error returned normally"
        } catch {
            if "\(error)" != failure { failure = "a second, different error: \(error)" }
        }
    }
    return XMLReadOutcome(
        records: records, error: failure, diagnostics: reader.diagnostics.map(\.description), rootAttributes: reader.rootAttributes)
}

/// Reads a document whole, in 7-byte chunks and one byte at a time, and checks that all three agree.
func readXMLEveryWay(
    _ text: String, name: String = "reg.xml", rootName: String = "registry", recordName: String = "entity",
    limits: XMLReaderLimits = .init(), schema: XMLSchema? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> XMLReadOutcome {
    readXMLEveryWay(
        Array(text.utf8), name: name, rootName: rootName, recordName: recordName, limits: limits, schema: schema,
        sourceLocation: sourceLocation)
}

/// Reads document bytes whole, in 7-byte chunks and one byte at a time, and checks that all three agree.
func readXMLEveryWay(
    _ bytes: [UInt8], name: String = "reg.xml", rootName: String = "registry", recordName: String = "entity",
    limits: XMLReaderLimits = .init(), schema: XMLSchema? = nil, sourceLocation: Testing.SourceLocation = #_sourceLocation
) -> XMLReadOutcome {
    let whole = readXML(
        bytes, size: max(1, bytes.count), name: name, rootName: rootName, recordName: recordName, limits: limits, schema: schema)
    let sevens = readXML(bytes, size: 7, name: name, rootName: rootName, recordName: recordName, limits: limits, schema: schema)
    let single = readXML(bytes, size: 1, name: name, rootName: rootName, recordName: recordName, limits: limits, schema: schema)
    #expect(sevens == whole, "7-byte chunks differ from the whole document", sourceLocation: sourceLocation)
    #expect(single == whole, "one byte at a time differs from the whole document", sourceLocation: sourceLocation)
    return whole
}

@Suite("XMLRecordReader")
struct XMLRecordReaderTests {
    /// Found by the fuzzer (Benchmarks/Fuzz, FuzzXML; minimised to these 5 bytes): a broken UTF-8
    /// sequence cut by a chunk boundary gave another error than the same bytes in one piece.
    @Test func aBrokenUTF8SequenceGivesOneErrorHoweverTheFileIsChunked() {
        let outcome = readXMLEveryWay([0x3C, 0xE7, 0x3E, 0x0A, 0x63])
        #expect(outcome.records.isEmpty)
        #expect(
            outcome.error
                == "reg.xml:1:2: error: the bytes cannot be decoded in the file's encoding (UTF-8 unless the XML declaration names another, e.g. encoding=\"GB18030\"): Input is not proper UTF-8, indicate encoding ! Bytes: 0xE7 0x3E 0x0A 0x63"
        )
        let longer = readXMLEveryWay(Array("<registry><entity><name>甲".utf8) + [0xE8, 0x3C] + Array("/name></entity></registry>".utf8))
        #expect(
            longer.error
                == "reg.xml:1:26: error: the bytes cannot be decoded in the file's encoding (UTF-8 unless the XML declaration names another, e.g. encoding=\"GB18030\"): Input is not proper UTF-8, indicate encoding ! Bytes: 0xE8 0x3C 0x2F 0x6E"
        )
    }

    @Test func elementsAndAttributesMixedWithReferencesAndCDATA() {
        let outcome = readXMLEveryWay(
            """
            <?xml version="1.0" encoding="UTF-8"?>
            <registry department="原平市市场监督管理局">
              <entity uscc="91140981MA0K00001X" risk_class="A">
                <name>原平市晋北商贸有限公司</name>
                <region_code> 140981 </region_code>
              </entity>
              <!-- a comment between records -->
              <entity>
                <uscc>91140981MA0K00002Y</uscc>
                <name><![CDATA[<老王>家具店 & 杂货]]></name>
                <address>原平市 &amp; 崞阳镇 &lt;1号&gt; &quot;东&quot; &apos;西&apos; &#x4E2D;&#20013;</address>
                <legal_rep>王 <![CDATA[&]]> 李</legal_rep>
              </entity>
              <entity name="A &amp; B &lt;C&gt;" phone=""/>
            </registry>

            """)
        #expect(outcome.error == nil)
        #expect(outcome.rootAttributes == ["department": "原平市市场监督管理局"])
        #expect(
            outcome.records == [
                XMLRecord(
                    line: 3,
                    fields: [
                        XMLField(name: "uscc", value: "91140981MA0K00001X", line: 3, isAttribute: true),
                        XMLField(name: "risk_class", value: "A", line: 3, isAttribute: true),
                        XMLField(name: "name", value: "原平市晋北商贸有限公司", line: 4),
                        XMLField(name: "region_code", value: "140981", line: 5),
                    ]),
                XMLRecord(
                    line: 8,
                    fields: [
                        XMLField(name: "uscc", value: "91140981MA0K00002Y", line: 9),
                        XMLField(name: "name", value: "<老王>家具店 & 杂货", line: 10),
                        XMLField(name: "address", value: "原平市 & 崞阳镇 <1号> \"东\" '西' 中中", line: 11),
                        XMLField(name: "legal_rep", value: "王 & 李", line: 12),
                    ]),
                XMLRecord(
                    line: 14,
                    fields: [
                        XMLField(name: "name", value: "A & B <C>", line: 14, isAttribute: true),
                        XMLField(name: "phone", value: "", line: 14, isAttribute: true),
                    ]),
            ])
        #expect(outcome.records.last?.value(of: "name") == "A & B <C>")
        #expect(outcome.records.first?.value(of: "missing") == nil)
    }

    @Test func whitespaceIsTrimmedAndEmptyFieldsAreEmpty() {
        let outcome = readXMLEveryWay(
            "<registry><entity>\r\n  <name>\r\n\t 晋北  商贸 \t\r\n</name><phone/><status>   </status><category></category>\n</entity></registry>"
        )
        #expect(outcome.error == nil)
        #expect(
            outcome.records == [
                XMLRecord(
                    line: 1,
                    fields: [
                        XMLField(name: "name", value: "晋北  商贸", line: 2),
                        XMLField(name: "phone", value: "", line: 4),
                        XMLField(name: "status", value: "", line: 4),
                        XMLField(name: "category", value: "", line: 4),
                    ])
            ])
        #expect(outcome.rootAttributes == [:])
    }

    @Test func chineseElementNamesAndOtherRecordNames() {
        let outcome = readXMLEveryWay(
            """
            <results task="2024-01">
            <result 统一社会信用代码="91140981MA0K00001X"><检查结果>未发现问题</检查结果></result>
            </results>
            """, rootName: "results", recordName: "result")
        #expect(outcome.error == nil)
        #expect(outcome.rootAttributes == ["task": "2024-01"])
        #expect(
            outcome.records == [
                XMLRecord(
                    line: 2,
                    fields: [
                        XMLField(name: "统一社会信用代码", value: "91140981MA0K00001X", line: 2, isAttribute: true),
                        XMLField(name: "检查结果", value: "未发现问题", line: 2),
                    ])
            ])
    }

    @Test func namespaceDeclarationsAreNotFields() {
        let outcome = readXMLEveryWay(
            #"<registry xmlns:x="urn:x"><entity xmlns="urn:y" x:uscc="1"><x:name>A</x:name></entity></registry>"#)
        #expect(outcome.error == nil)
        #expect(
            outcome.records == [
                XMLRecord(
                    line: 1,
                    fields: [
                        XMLField(name: "x:uscc", value: "1", line: 1, isAttribute: true), XMLField(name: "x:name", value: "A", line: 1),
                    ])
            ])
    }

    @Test func anEmptyRegistryHasNoRecords() {
        let outcome = readXMLEveryWay("<?xml version=\"1.0\"?>\n<registry department=\"x\"/>\n")
        #expect(outcome.error == nil)
        #expect(outcome.records.isEmpty)
        #expect(outcome.rootAttributes == ["department": "x"])
    }

    @Test func lineNumbersBeyond65535AreExact() throws {
        var text = "<?xml version=\"1.0\"?>\n<registry>\n"
        let count = 25_000
        for index in 0..<count {
            // Four lines per record, so the last records sit near line 100,000.
            text += "  <entity id=\"\(index)\">\n    <uscc>\(index)</uscc>\n    <name>n\(index)</name>\n  </entity>\n"
        }
        let tail = "</registry>\n"
        let reader = XMLRecordReader(chunks: chunks(Array((text + tail).utf8), size: 64 * 1024), displayName: "big.xml")
        var seen = 0
        while let record = try reader.next() {
            let expected = 3 + 4 * seen
            guard record.line == expected, record.fields.map(\.line) == [expected, expected + 1, expected + 2] else {
                Issue.record("record \(seen) at line \(record.line), fields at \(record.fields.map(\.line)); expected \(expected)")
                return
            }
            #expect(record.value(of: "uscc") == "\(seen)")
            seen += 1
        }
        #expect(seen == count)

        // Errors past line 65535 name their line too, whether libxml2's or the reader's own.
        let broken = readXML(Array((text + "  <entity>\n    <name>x</nmae>\n" + tail).utf8), size: 64 * 1024, name: "big.xml")
        #expect(broken.records.count == count)
        #expect(broken.error == "big.xml:100004:19: error: not well-formed XML: Opening and ending tag mismatch: name line 100004 and nmae")
        let nested = readXML(Array((text + "  <entity>\n    <name>x\n<b>bold</b></name>\n" + tail).utf8), size: 64 * 1024, name: "big.xml")
        #expect(
            nested.error
                == "big.xml:100005: error: element <b> is nested inside field <name> (line 100004); a field of <entity> holds text only")
    }

    @Test func tagsSpreadOverSeveralLinesAreOnTheLineWhereTheyBegin() {
        let outcome = readXMLEveryWay(
            """
            <registry
              department="d">
              <entity
                uscc="91140981MA0K00001X"
                name="a > b"
              >
                <address
                >原平市
                崞阳镇</address
                ><phone>1</phone>
              </entity>
              <entity><name><![CDATA[<x>
            ]]></name><!-- <y
            --><phone
            >2</phone></entity>
            </registry>
            """)
        #expect(outcome.error == nil)
        #expect(
            outcome.records == [
                XMLRecord(
                    line: 3,
                    fields: [
                        XMLField(name: "uscc", value: "91140981MA0K00001X", line: 3, isAttribute: true),
                        XMLField(name: "name", value: "a > b", line: 3, isAttribute: true),
                        XMLField(name: "address", value: "原平市\n    崞阳镇", line: 7),
                        XMLField(name: "phone", value: "1", line: 10),
                    ]),
                XMLRecord(
                    line: 12,
                    fields: [XMLField(name: "name", value: "<x>", line: 12), XMLField(name: "phone", value: "2", line: 14)]),
            ])
    }

    @Test func notWellFormedGivesLibxml2sLineAndColumn() {
        let outcome = readXMLEveryWay(
            """
            <registry>
              <entity><uscc>1</uscc></entity>
              <entity>
                <name>A</nmae>
              </entity>
            </registry>
            """)
        #expect(outcome.records == [XMLRecord(line: 2, fields: [XMLField(name: "uscc", value: "1", line: 2)])])
        #expect(outcome.error == "reg.xml:4:19: error: not well-formed XML: Opening and ending tag mismatch: name line 4 and nmae")

        let attribute = readXMLEveryWay("<registry>\n<entity uscc=1/>\n</registry>")
        #expect(attribute.error == "reg.xml:2:14: error: not well-formed XML: AttValue: \" or ' expected")

        let ampersand = readXMLEveryWay("<registry>\n<entity><name>A & B</name></entity>\n</registry>")
        #expect(ampersand.error == "reg.xml:2:18: error: not well-formed XML: xmlParseEntityRef: no name")

        let after = readXMLEveryWay("<registry/>\n<registry/>\n")
        #expect(after.error == "reg.xml:2:1: error: not well-formed XML: Extra content at the end of the document")
    }

    /// Found by comparing the push parser's reader with the `xmlTextReader` one over 6,000 mutated
    /// registers (stop 29): after its own error, libxml2 may still report what it was reading. Its
    /// error is what the reader gives, never a line-tracking disagreement.
    @Test func libxml2sErrorWinsOverWhatItReportsOfABrokenTag() {
        let controlInTag = readXMLEveryWay("<registry>\n<enti\u{14}y uscc=\"1\"/>\n</registry>")
        #expect(controlInTag.error == "reg.xml:2:6: error: not well-formed XML: Couldn't find end of Start Tag enti")
        let unfinishedCDATA = readXMLEveryWay("<registry>\n<entity><name><![CDATA[晋北\n商贸</name></entity>\n</registry>\n")
        #expect(unfinishedCDATA.error == "reg.xml:2:24: error: the file ends before <name> (line 2) is closed; it looks cut short")
    }

    /// The same comparison: the `xmlTextReader` reader named an element already closed when the file
    /// ended inside the next start tag, and missed a root element that was there. The push parser's
    /// reader names the element still open, and the root element first.
    @Test func aCutInsideATagNamesTheElementStillOpen() {
        let cut = readXMLEveryWay("<registry>\n  <entity>\n    <name>晋北</name>\n    <regi")
        #expect(cut.error == "reg.xml:4:10: error: the file ends before <entity> (line 2) is closed; it looks cut short")
        let emptyRoot = readXMLEveryWay("<rg/>i")
        #expect(emptyRoot.error == "reg.xml:1: error: the root element is <rg>, expected <registry>")
    }

    @Test func aFileCutShortFailsAfterTheRecordsBeforeTheCut() {
        let head = "<registry>\n  <entity><uscc>1</uscc></entity>\n  <entity>\n    <uscc>2</uscc>\n    <name>半截"
        let outcome = readXMLEveryWay(head)
        #expect(outcome.records == [XMLRecord(line: 2, fields: [XMLField(name: "uscc", value: "1", line: 2)])])
        #expect(outcome.error == "reg.xml:5:13: error: the file ends before <name> (line 5) is closed; it looks cut short")

        let inTag = readXMLEveryWay("<registry>\n  <entity><uscc>1</uscc></entity>\n  <entity>\n    <us")
        #expect(inTag.records.count == 1)
        #expect(inTag.error == "reg.xml:4:8: error: the file ends before <entity> (line 3) is closed; it looks cut short")

        let betweenRecords = readXMLEveryWay("<registry>\n  <entity><uscc>1</uscc></entity>\n")
        #expect(betweenRecords.records.count == 1)
        #expect(betweenRecords.error == "reg.xml:2:34: error: the file ends before <registry> (line 1) is closed; it looks cut short")
    }

    @Test func emptyAndNonXMLFiles() {
        #expect(readXMLEveryWay("").error == "reg.xml:1:1: error: the file holds no XML element; it is empty or not XML")
        #expect(readXMLEveryWay("  \n").error == "reg.xml:1:1: error: the file holds no XML element; it is empty or not XML")
        #expect(readXMLEveryWay("uscc,name\n1,A\n").error == "reg.xml:1:1: error: the file holds no XML element; it is empty or not XML")
    }

    @Test func theWrongShapeIsAFileError() {
        #expect(
            readXMLEveryWay("<?xml version=\"1.0\"?>\n<registre>\n<entity/></registre>").error
                == "reg.xml:2: error: the root element is <registre>, expected <registry>")
        #expect(
            readXMLEveryWay("<registry>\n<entity/>\n<inspector><name>x</name></inspector>\n</registry>").error
                == "reg.xml:3: error: unexpected element <inspector> inside <registry>; only <entity> records may appear here")
        let nested = readXMLEveryWay(
            "<registry>\n<entity><uscc>1</uscc></entity>\n<entity>\n<name>A<b>B</b></name>\n</entity>\n</registry>")
        #expect(nested.records.count == 1)
        #expect(nested.error == "reg.xml:4: error: element <b> is nested inside field <name> (line 4); a field of <entity> holds text only")
        #expect(
            readXMLEveryWay("<registry>\n<entity>\n<name lang=\"zh\" script=\"Hans\">A</name>\n</entity>\n</registry>").error
                == "reg.xml:3: error: field <name> has attributes (lang, script); a field of <entity> holds text only")
        #expect(
            readXMLEveryWay("<registry>\n<entity/>\n  stray\n  text\n<entity/>\n</registry>").error
                == "reg.xml:3: error: text directly inside <registry>; fields must be child elements or attributes")
        #expect(
            readXMLEveryWay("<registry>\n<entity>\n<uscc>1</uscc> loose <name>A</name>\n</entity>\n</registry>").error
                == "reg.xml:3: error: text directly inside <entity> (line 2); fields must be child elements or attributes")
    }

    @Test func limitsBoundFieldsAndRecords() {
        let limits = XMLReaderLimits(maxFieldBytes: 8, maxFieldsPerRecord: 2)
        #expect(
            readXMLEveryWay("<registry>\n<entity><name>123456789</name></entity></registry>", limits: limits).error
                == "reg.xml:2: error: the text of <name> (line 2) is longer than 8 bytes, the limit for one field")
        #expect(
            readXMLEveryWay("<registry>\n<entity name=\"123456789\"/></registry>", limits: limits).error
                == "reg.xml:2: error: attribute name of <entity> is longer than 8 bytes, the limit for one field")
        #expect(
            readXMLEveryWay("<registry>\n<entity a=\"1\" b=\"2\"><c>3</c></entity></registry>", limits: limits).error
                == "reg.xml:2: error: <entity> has more than 2 fields, the limit for one record")
        #expect(readXMLEveryWay("<registry>\n<entity a=\"1\"><c>12345678</c></entity></registry>", limits: limits).error == nil)
    }

    @Test func aHugeTextIsStoppedByTheLimitOrByLibxml2() {
        let big = "<registry>\n<entity><name>" + String(repeating: "x", count: 2 << 20) + "</name></entity></registry>"
        #expect(
            readXML(Array(big.utf8), size: 64 * 1024).error
                == "reg.xml:2: error: the text of <name> (line 2) is longer than 1048576 bytes, the limit for one field")
        let huge = "<registry>\n<entity><name>" + String(repeating: "x", count: 11_000_000) + "</name></entity></registry>"
        let limits = XMLReaderLimits(maxFieldBytes: 20_000_000)
        // Where libxml2 stops depends on where its pieces end, which no longer depends on the source's chunks.
        for size in [64 * 1024, 1 << 20] {
            #expect(
                readXML(Array(huge.utf8), size: size, limits: limits).error
                    == "reg.xml:2:10004085: error: the text of <name> (line 2) is longer than 10000000 bytes, libxml2's limit for one text")
        }
    }

    @Test func externalEntitiesAreRefusedAndNothingIsRead() {
        let xxe = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE registry [
              <!ENTITY passwd SYSTEM "file:///etc/passwd">
            ]>
            <registry><entity><name>&passwd;</name></entity></registry>
            """
        let outcome = readXMLEveryWay(xxe)
        #expect(outcome.records.isEmpty)
        #expect(
            outcome.error
                == "reg.xml:2:1: error: the file has a document type declaration (<!DOCTYPE …>), which is refused: it can declare entities that read local files or expand without bound (XXE, billion laughs); remove the DOCTYPE and read the file again"
        )
        // Nothing of /etc/passwd shows anywhere.
        #expect(!"\(outcome)".contains("root:"))
        #expect(outcome.rootAttributes.isEmpty)

        let parameter = readXMLEveryWay(
            "<!-- <!DOCTYPE in a comment is fine --><?pi <!DOCTYPE too?>\n  <!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><registry/>"
        )
        #expect(parameter.error?.hasPrefix("reg.xml:2:3: error: the file has a document type declaration") == true)
        #expect(parameter.error?.contains("root:") == false)

        let system = readXMLEveryWay("<!DOCTYPE registry SYSTEM \"file:///etc/passwd\"><registry/>")
        #expect(system.error?.hasPrefix("reg.xml:1:1: error: the file has a document type declaration") == true)
    }

    /// The entities are never expanded: the reader refuses the declaration at its first byte and
    /// reads no record (not a timed test: time and memory goals live in Benchmarks/).
    @Test func billionLaughsIsRefusedBeforeAnyEntityIsExpanded() {
        var text = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
        text += " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        for level in 2...9 {
            let previous = "&lol\(level - 1);"
            text += " <!ENTITY lol\(level) \"\(String(repeating: previous, count: 10))\">\n"
        }
        text += "]>\n<registry><entity><name>&lol9;</name></entity></registry>\n"
        let outcome = readXMLEveryWay(text)
        #expect(outcome.records == [])
        #expect(
            outcome.error?.hasPrefix("reg.xml:2:1: error: the file has a document type declaration (<!DOCTYPE …>), which is refused")
                == true)
    }

    @Test func entityReferencesBeyondThePredefinedFiveAreRefused() {
        let outcome = readXMLEveryWay("<registry>\n<entity><uscc>1</uscc></entity>\n<entity><name>A &nbsp; B</name></entity>\n</registry>")
        #expect(outcome.records.count == 1)
        #expect(
            outcome.error
                == "reg.xml:3:23: error: the file refers to the entity &nbsp;, which is not one of the five predefined ones (&amp; &lt; &gt; &quot; &apos;); entities are refused for security"
        )
    }

    @Test func encodingsThatHideMarkupAreRefused() throws {
        var utf16: [UInt8] = [0xFF, 0xFE]
        for unit in "<registry/>".utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        #expect(
            readXMLEveryWay(utf16).error
                == "reg.xml:1:1: error: the file looks like UTF-16, UTF-32 or EBCDIC, which suiji does not read; save it as UTF-8, or as GB18030 with encoding=\"GB18030\" in the XML declaration"
        )
        #expect(
            readXMLEveryWay(Array("<registry/>".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })).error?.hasPrefix(
                "reg.xml:1:1: error: the file looks like UTF-16") == true)
        #expect(
            readXMLEveryWay("<?xml version=\"1.0\" encoding='IBM037'?><registry/>").error
                == "reg.xml:1:1: error: the XML declaration names the encoding \"IBM037\", which suiji does not read; save the file as UTF-8, or as GB18030 with encoding=\"GB18030\""
        )
        // A byte-order mark is fine.
        #expect(readXMLEveryWay([0xEF, 0xBB, 0xBF] + Array("<registry><entity a=\"1\"/></registry>".utf8)).records.count == 1)
    }

    @Test func gb18030DeclaredInTheXMLDeclarationIsDecoded() throws {
        let text = """
            <?xml version="1.0" encoding="GB18030"?>
            <registry department="原平市市场监督管理局">
              <entity 名称="原平市晋北商贸有限公司">
                <地址>原平市崞阳镇𠀀街1号</地址>
              </entity>
            </registry>

            """
        let bytes = try gb18030(text)
        #expect(bytes != Array(text.utf8))
        let outcome = readXMLEveryWay(bytes, name: "gb.xml")
        #expect(outcome.error == nil)
        #expect(outcome.rootAttributes == ["department": "原平市市场监督管理局"])
        #expect(
            outcome.records == [
                XMLRecord(
                    line: 3,
                    fields: [
                        XMLField(name: "名称", value: "原平市晋北商贸有限公司", line: 3, isAttribute: true),
                        XMLField(name: "地址", value: "原平市崞阳镇𠀀街1号", line: 4),
                    ])
            ])

        // GB18030 bytes without the declaration are not UTF-8.
        let undeclared = try gb18030("<registry><entity><名称>晋北</名称></entity></registry>")
        let error = readXMLEveryWay(undeclared, name: "gb.xml").error ?? ""
        #expect(
            error.hasPrefix(
                "gb.xml:1:20: error: the bytes cannot be decoded in the file's encoding (UTF-8 unless the XML declaration names another, e.g. encoding=\"GB18030\"): "
            ))
    }

    @Test func readsFilesAndReportsWhatCannotBeOpened() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let path = try folder.write("reg.xml", "<registry department=\"d\">\n<entity uscc=\"1\"/>\n<entity uscc=\"2\"/>\n</registry>\n")
        let reader = try XMLRecordReader(path: path, displayName: "registers/reg.xml", chunkSize: 5)
        #expect(reader.displayName == "registers/reg.xml")
        var records: [XMLRecord] = []
        while let record = try reader.next() { records.append(record) }
        #expect(records.map(\.line) == [2, 3])
        #expect(reader.rootAttributes == ["department": "d"])
        #expect(reader.bytesRead == 76)
        #expect(reader.diagnostics.isEmpty)

        #expect(throws: RegisterFileError.self) { try XMLRecordReader(path: folder.path("missing.xml")) }
        do {
            _ = try XMLRecordReader(path: folder.path("missing.xml"), displayName: "missing.xml")
        } catch {
            #expect("\(error)" == "missing.xml: error: cannot open the file: No such file or directory")
        }
    }

    @Test func aFailingSourceStopsTheReaderWithItsOwnError() {
        struct Unplugged: Error, CustomStringConvertible { var description: String { "the disk went away" } }
        var handedOut = false
        let reader = XMLRecordReader(
            chunks: {
                if handedOut { throw Unplugged() }
                handedOut = true
                return Array("<registry><entity a=\"1\"/><entity a=\"2\"/>".utf8)
            }, displayName: "reg.xml")
        #expect(throws: Never.self) { try reader.next() }
        #expect(throws: Never.self) { try reader.next() }
        #expect(throws: Unplugged.self) { try reader.next() }
        #expect(throws: Unplugged.self) { try reader.next() }
    }
}
