import Testing

@testable import Pipeline

/// The one version constant and where it goes.
struct SuijiVersionTests {
    @Test func theVersionIsSemanticAndTheGeneratorNamesIt() {
        let parts = SuijiVersion.current.split(separator: ".", omittingEmptySubsequences: false)
        #expect(parts.count == 3)
        #expect(parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        #expect(SuijiVersion.generator == "suiji " + SuijiVersion.current)
    }

    @Test func aPayloadNamesItsGeneratorButTheLedgerHashesDoNotDependOnIt() throws {
        let payload = try PublicationFixture.payload()
        #expect(payload.generator == SuijiVersion.generator)
        #expect(payload.json["generator"] == .string(SuijiVersion.generator))
        #expect(try payload.xmlText().contains("<gsxtPayload schemaVersion=\"2\" generator=\"\(SuijiVersion.generator)\">\n"))
        var later = payload
        later.generator = "suiji 9.9.9"
        #expect(later.ledgerRecords == payload.ledgerRecords, "a new version of suiji republishes nothing")
        #expect(later.jsonText != payload.jsonText)
    }
}
