import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("XMLSchema")
struct XMLSchemaTests {
    static let valid = """
        <?xml version="1.0" encoding="UTF-8"?>
        <registry department="原平市市场监督管理局">
          <entity uscc="91140981MA0K00001X" risk_class="低风险">
            <name>原平市晋北商贸有限公司</name>
            <region_code>140981</region_code>
            <established>2019-05-06</established>
            <last_inspected></last_inspected>
          </entity>
          <entity>
            <uscc> 140981000012345 </uscc>
            <risk_class>C</risk_class>
          </entity>
        </registry>

        """

    @Test func theBundledRegisterSchemaLoads() throws {
        let schema = try XMLSchema.bundledRegister()
        #expect(schema.displayName == "register.xsd")
    }

    @Test func aValidRegisterHasNoDiagnostics() throws {
        let schema = try XMLSchema.bundledRegister()
        let outcome = readXMLEveryWay(Self.valid, schema: schema)
        #expect(outcome.error == nil)
        #expect(outcome.diagnostics == [])
        #expect(outcome.records.count == 2)
        #expect(try XMLSchemaValidator.validate(bytes: Array(Self.valid.utf8), displayName: "reg.xml", against: schema) == [])
    }

    @Test func badValuesBecomeDiagnosticsWithTheirLines() throws {
        let schema = try XMLSchema.bundledRegister()
        let text = """
            <registry>
              <entity uscc="91140981MA0K00001X" region_code="14098">
                <name>A</name>
              </entity>
              <entity>
                <name>B</name>
                <risk_class>E</risk_class>
              </entity>
              <entity><region_code>1409811</region_code><name>C</name></entity>
            </registry>
            """
        let outcome = readXMLEveryWay(text, schema: schema)
        #expect(outcome.error == nil)
        #expect(outcome.records.count == 3)
        #expect(
            outcome.diagnostics == [
                "reg.xml:2:56: error: Element 'entity', attribute 'region_code': [facet 'pattern'] The value '14098' is not accepted by the pattern '\\d{6}'.",
                "reg.xml:7:31: error: Element 'risk_class': [facet 'enumeration'] The value 'E' is not an element of the set {'', 'A', 'B', 'C', 'D', '低风险', '一般风险', '较高风险', '高风险'}.",
                "reg.xml:9:45: error: Element 'region_code': [facet 'pattern'] The value '1409811' is not accepted by the pattern '\\d{6}'.",
            ])
        // A record's diagnostics are in by the time it is returned, and no later ones yet.
        let reader = XMLRecordReader(chunks: chunks(Array(text.utf8), size: 1), displayName: "reg.xml", validatingWith: schema)
        var counts: [Int] = []
        while try reader.next() != nil { counts.append(reader.diagnostics.count) }
        #expect(counts == [1, 2, 3])
        let validated = try XMLSchemaValidator.validate(bytes: Array(text.utf8), displayName: "reg.xml", against: schema)
        #expect(validated.map(\.description) == outcome.diagnostics)
        #expect(validated.allSatisfy { $0.severity == .error })
    }

    @Test func unexpectedElementsAreDiagnosedNotThrown() throws {
        let schema = try XMLSchema.bundledRegister()
        let outcome = readXMLEveryWay("<registry>\n<entity>\n<统一社会信用代码>1</统一社会信用代码>\n</entity>\n</registry>", schema: schema)
        #expect(outcome.error == nil)
        #expect(outcome.records.count == 1)
        #expect(outcome.diagnostics == ["reg.xml:3:10: error: Element '统一社会信用代码': This element is not expected."])
    }

    @Test func diagnosticsPastLine65535KeepTheirLine() throws {
        let schema = try XMLSchema.bundledRegister()
        var text = "<registry>\n"
        for index in 0..<33_000 { text += "<entity>\n<uscc>\(String(format: "%015d", index))</uscc></entity>\n" }
        text += "<entity>\n<risk_class>Z</risk_class>\n</entity>\n</registry>\n"
        let diagnostics = try XMLSchemaValidator.validate(bytes: Array(text.utf8), displayName: "big.xml", against: schema)
        #expect(diagnostics.map(\.location?.line) == [66_003])
    }

    @Test func theValidatorReadsFilesAndRefusesWhatTheReaderRefuses() throws {
        let schema = try XMLSchema.bundledRegister()
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        let good = try folder.write("good.xml", Self.valid)
        #expect(try XMLSchemaValidator.validate(file: good, against: schema) == [])
        let bad = try folder.write("bad.xml", "<registry>\n<entity risk_class=\"X\"/>\n</registry>\n")
        #expect(
            try XMLSchemaValidator.validate(file: bad, displayName: "bad.xml", against: schema).map(\.description) == [
                "bad.xml:2:23: error: Element 'entity', attribute 'risk_class': [facet 'enumeration'] The value 'X' is not an element of the set {'', 'A', 'B', 'C', 'D', '低风险', '一般风险', '较高风险', '高风险'}."
            ])
        let xxe = try folder.write(
            "xxe.xml",
            "<!DOCTYPE registry [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<registry><entity><name>&x;</name></entity></registry>")
        do {
            _ = try XMLSchemaValidator.validate(file: xxe, displayName: "xxe.xml", against: schema)
            Issue.record("a DOCTYPE was accepted")
        } catch {
            #expect("\(error)".hasPrefix("xxe.xml:1:1: error: the file has a document type declaration"))
            #expect(!"\(error)".contains("root:"))
        }
        do {
            _ = try XMLSchemaValidator.validate(
                bytes: Array("<registry>\n<entity></registry>".utf8), displayName: "cut.xml", against: schema)
            Issue.record("a malformed document was accepted")
        } catch {
            #expect("\(error)" == "cut.xml:2:20: error: not well-formed XML: Opening and ending tag mismatch: entity line 2 and registry")
        }
        #expect(throws: RegisterFileError.self) { try XMLSchemaValidator.validate(file: folder.path("none.xml"), against: schema) }
    }

    @Test func schemaFilesThatCannotBeUsedAreErrors() throws {
        let folder = try TemporaryFolder()
        defer { folder.cleanup() }
        do {
            _ = try XMLSchema(path: folder.path("none.xsd"), displayName: "none.xsd")
            Issue.record("a missing schema loaded")
        } catch {
            #expect("\(error)" == "none.xsd: error: cannot open the XML schema: no readable file at this path")
        }
        let broken = try folder.write(
            "broken.xsd",
            "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\">\n<xs:element name=\"a\" type=\"nope\"/>\n</xs:schema>\n")
        do {
            _ = try XMLSchema(path: broken, displayName: "broken.xsd")
            Issue.record("a broken schema loaded")
        } catch {
            #expect("\(error)".hasPrefix("broken.xsd:2: error: not a usable XML schema: "))
        }
        let custom = try folder.write(
            "custom.xsd",
            "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element name=\"results\"><xs:complexType><xs:sequence><xs:element name=\"result\" maxOccurs=\"unbounded\"/></xs:sequence></xs:complexType></xs:element></xs:schema>"
        )
        let schema = try XMLSchema(path: custom)
        #expect(schema.displayName == custom)
        let outcome = readXMLEveryWay("<results><result/><other/></results>", rootName: "results", recordName: "result", schema: schema)
        #expect(outcome.diagnostics == ["reg.xml:1:25: error: Element 'other': This element is not expected. Expected is ( result )."])
        #expect(outcome.error == "reg.xml:1: error: unexpected element <other> inside <results>; only <result> records may appear here")
    }
}
