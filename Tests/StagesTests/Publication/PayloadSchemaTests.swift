import Fixtures
import Foundation
import Pipeline
import Testing

@testable import Stages

/// The golden payload against gsxt-payload.xsd, validated in process with libxml2 (the validator
/// `suiji publish` runs before it writes), so that no test needs the xmllint program (issue 12).
@Suite struct PayloadSchemaTests {
    static func golden() throws -> String {
        String(decoding: try Data(contentsOf: FixtureFiles.url("golden/payload-1409812024P017R01.xml")), as: UTF8.self)
    }

    @Test func theGoldenPayloadIsValidAgainstTheSchema() throws {
        #expect(
            try XMLSchemaValidator.validate(bytes: Array(Self.golden().utf8), displayName: "payload.xml", against: .bundledPayload()) == [])
    }

    @Test(arguments: [
        (
            "    <insDate>2024-05-21</insDate>\n", "insDate",
            "payload.xml:23:17: error: Element 'details': This element is not expected. Expected is ( insDate )."
        ),
        (
            "    <raninsTaskId>1409812024P017R01</raninsTaskId>\n", "raninsTaskId",
            "payload.xml:6:20: error: Element 'raninsTaskName': This element is not expected. Expected is ( raninsTaskId )."
        ),
        (
            "        <raninsCheckResName>未发现问题</raninsCheckResName>\n", "raninsCheckResName",
            "payload.xml:28:20: error: Element 'detail': Missing child element(s). Expected is ( raninsCheckResName )."
        ),
    ])
    func aPayloadWithoutARequiredFieldIsInvalid(line: String, element: String, expected: String) throws {
        var broken = try Self.golden()
        let range = try #require(broken.range(of: line))
        broken.removeSubrange(range)
        let diagnostics = try XMLSchemaValidator.validate(bytes: Array(broken.utf8), displayName: "payload.xml", against: .bundledPayload())
        #expect(diagnostics.count == 1)
        #expect(diagnostics.first?.severity == .error)
        #expect(diagnostics.first?.message.contains(element) == true, "\(diagnostics)")
        #expect(diagnostics.first?.description == expected)
    }
}
