import Foundation
import Pipeline
import Testing

/// Published codes and exact diagnostics for GB 32100-2015 validation.
///
/// Valid codes come from python-stdnum's `tests/test_cn_uscc.doctest` ("found online and should
/// all be valid numbers") and hutool's `CreditCodeUtilTest.java`; every expectation was also
/// recomputed with an independent Python implementation written from domain.md §4.
struct USCCTests {
    /// Real codes published in python-stdnum's tests and hutool's tests.
    static let publishedValid = [
        "91110000600037341L", "121200004013590816", "91110000710926094P", "91120224064012553U",
        "9115220107837757XE", "91310115MA1K3BTP2B", "91340600MA2PBM9HXD", "92340602MA2PBMEM24",
        "91620105L015101280", "91310000631696382C", "913101127033980359", "91440300568520498A",
        "9144030071526726XG", "92340603MA2UK2YX9A",
        "91310110666007217T", "91310115591693856A",
    ]

    @Test(arguments: publishedValid)
    func publishedCodesValidate(_ text: String) throws {
        let code = try USCC.validate(text).get()
        #expect(code.text == text)
        #expect(code.description == text)
        #expect(code.organizationCodeCheckIsValid)
        #expect(USCC.checkCharacter(for: Array(text.utf8.prefix(17))) == text.last)
    }

    @Test func partsOfAPublishedCode() throws {
        let code = try USCC.validate("91110000600037341L").get()
        #expect(code.registeringDepartment == "9")
        #expect(code.typeCode == "1")
        #expect(code.regionCode == "110000")
        #expect(code.organizationCode == "600037341")
        #expect(code.checkCharacter == "L")

        let institution = try USCC.validate("121200004013590816").get()
        #expect(institution.registeringDepartment == "1")
        #expect(institution.typeCode == "2")
        #expect(institution.regionCode == "120000")

        let individual = try USCC.validate("92340602MA2PBMEM24").get()
        #expect(individual.typeCode == "2")
        #expect(individual.organizationCode == "MA2PBMEM2")
    }

    @Test func checkCharacterMismatchHasExactWording() {
        let result = USCC.validate("91110000600037341N")
        #expect(result == .failure(.badCheckCharacter(found: "N", expected: "L")))
        if case .failure(let problem) = result {
            #expect(problem.description == "USCC check character is 'N', expected 'L'")
        }
    }

    /// Early pilot-area codes (Xiamen) that hutool and others report as non-conforming.
    @Test func nonConformingPilotCodesAreReported() {
        #expect(USCC.validate("91350211M00013FA1N") == .failure(.badCheckCharacter(found: "N", expected: "3")))
        #expect(USCC.validate("91350203M0001QAY9B") == .failure(.badCheckCharacter(found: "B", expected: "9")))
    }

    @Test func departmentsANAndYAreNotRejected() throws {
        // stdnum rejects a leading A as a format error; we check it like any other code.
        #expect(USCC.validate("A1110000600037341L") == .failure(.badCheckCharacter(found: "L", expected: "K")))
        #expect(try USCC.validate("A1110000600037341K").get().registeringDepartment == "A")
        for department: Character in ["A", "N", "Y", "1", "5"] {
            let made = try #require(USCC.make(department: department, type: "1", region: "140981", organization: "600037341"))
            #expect(try USCC.validate(made.text).get() == made)
        }
    }

    @Test func checkCharactersFromAnIndependentImplementation() {
        // Random prefixes, check characters computed by a separate Python implementation of §4.
        let vectors: [(String, Character)] = [
            ("93021862NUKDPB1JL", "M"), ("N14098763CHL9W074", "8"), ("92176121Y4LBB8MWK", "4"),
            ("92701802F3GDRT31P", "X"), ("334827680XNPC77FB", "5"), ("42042403KM67EGNTB", "3"),
            ("42738806N5UPRP2NQ", "Y"), ("438810660860B09CQ", "X"), ("91110000600037341", "L"),
        ]
        for (prefix, check) in vectors {
            #expect(USCC.checkCharacter(for: Array(prefix.utf8)) == check, "\(prefix)")
            #expect(USCC.checkCharacter(for: prefix.utf8) == check, "\(prefix)")
        }
        #expect(USCC.checkCharacter(for: Array("9111000060003734".utf8)) == nil)
        #expect(USCC.checkCharacter(for: Array("9111000060003734I".utf8)) == nil)
    }

    @Test func wrongLengths() {
        #expect(USCC.validate("12345") == .failure(.wrongLength(5)))
        #expect(USCC.validate("") == .failure(.wrongLength(0)))
        #expect(USCC.validate(" 91110000600037341L") == .failure(.wrongLength(19)))
        #expect(USCCProblem.wrongLength(5).description == "USCC has 5 characters, expected 18")
        #expect(USCCProblem.wrongLength(0).description == "USCC is empty")
        // Six CJK characters are 18 UTF-8 bytes but 6 characters.
        #expect(USCC.validate("统一社会信用") == .failure(.wrongLength(6)))
    }

    @Test func legacyRegistrationNumbers() {
        #expect(USCC.isLegacyRegistrationNumber("140981000012345"))
        #expect(!USCC.isLegacyRegistrationNumber("14098100001234"))
        #expect(!USCC.isLegacyRegistrationNumber("14098100001234X"))
        #expect(!USCC.isLegacyRegistrationNumber("91110000600037341L"))
        #expect(USCC.validate("140981000012345") == .failure(.legacyRegistrationNumber))
        #expect(
            USCCProblem.legacyRegistrationNumber.description
                == "USCC is a legacy 15-digit registration number (注册号), not an 18-character code")
        #expect(USCC.validate("14098100001234X") == .failure(.wrongLength(15)))
    }

    @Test func invalidCharacters() {
        let excluded = USCC.validate("9111000060003IOZSV")
        #expect(excluded == .failure(.invalidCharacter("I", position: 14)))
        #expect(USCCProblem.invalidCharacter("I", position: 14).description == "USCC has invalid character 'I' at position 14")

        // Lowercase is rejected, not upper-cased: the register holds what it holds.
        #expect(USCC.validate("91110000600037341l") == .failure(.invalidCharacter("l", position: 18)))
        #expect(
            USCCProblem.invalidCharacter("l", position: 18).description
                == "USCC has lowercase character 'l' at position 18; codes are upper case")

        #expect(USCC.validate("9111000060003734 L") == .failure(.invalidCharacter(" ", position: 17)))
        #expect(USCCProblem.invalidCharacter(" ", position: 17).description == "USCC has invalid character U+0020 at position 17")
        #expect(USCCProblem.invalidCharacter("\t", position: 2).description == "USCC has invalid character U+0009 at position 2")

        // A full-width digit counts as one character at its own position.
        #expect(USCC.validate("91110000６00037341L") == .failure(.invalidCharacter("６", position: 9)))
        #expect(USCC.validate("统一社会信用代码统一社会信用代码统一") == .failure(.invalidCharacter("统", position: 1)))
        #expect(USCC.validate("911100006000373４1L") == .failure(.invalidCharacter("４", position: 16)))
    }

    @Test func regionMustBeDigits() {
        #expect(USCC.validate("911A0000600037341L") == .failure(.regionNotDigits))
        #expect(USCCProblem.regionNotDigits.description == "USCC region code (characters 3-8) is not all digits")
        #expect(USCC.make(department: "9", type: "1", region: "11000A", organization: "600037341") == nil)
    }

    @Test func makeComputesTheCheckCharacter() throws {
        #expect(USCC.make(department: "9", type: "1", region: "110000", organization: "600037341")?.text == "91110000600037341L")
        #expect(USCC.make(department: "9", type: "1", region: "11000", organization: "600037341") == nil)
        #expect(USCC.make(department: "9", type: "1", region: "110000", organization: "60003734") == nil)
        #expect(USCC.make(department: "9", type: "1", region: "110000", organization: "60003734I") == nil)
        #expect(USCC.make(department: "统", type: "1", region: "110000", organization: "600037341") == nil)
        #expect(USCC.make(department: "i", type: "1", region: "110000", organization: "600037341") == nil)
    }

    @Test func organisationCodeCheckIsAWarningOnly() throws {
        // Same organisation code with a wrong GB 11714 check digit: the USCC is still valid.
        let code = try #require(USCC.make(department: "9", type: "1", region: "110000", organization: "600037342"))
        #expect(try USCC.validate(code.text).get() == code)
        #expect(!code.organizationCodeCheckIsValid)
        #expect(USCC.organizationCode(body: "60003734") == "600037341")
        // GB 11714 counts letters A=10 … Z=35 (L = 21), unlike the USCC charset (L = 20).
        #expect(USCC.organizationCode(body: "L0151012") == "L01510128")
        #expect(USCC.organizationCode(body: "07837757") == "07837757X")
        #expect(USCC.organizationCode(body: "0783775") == nil)
    }

    @Test func failableInitialiserAndCodable() throws {
        #expect(USCC("91110000600037341L")?.text == "91110000600037341L")
        #expect(USCC("91110000600037341N") == nil)
        let code = try #require(USCC("91110000600037341L"))
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == "[\"91110000600037341L\"]")
        #expect(try JSONDecoder().decode([USCC].self, from: data) == [code])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([USCC].self, from: Data("[\"91110000600037341N\"]".utf8))
        }
    }

    /// 200,000 distinct valid codes all validate (their speed is measured by Benchmarks/, not here).
    @Test func validatesManyDistinctCodes() throws {
        var codes: [String] = []
        codes.reserveCapacity(200_000)
        for index in 0..<200_000 {
            let digits = String(index)
            let body = String(repeating: "0", count: 8 - digits.count) + digits
            let organization = try #require(USCC.organizationCode(body: body))
            codes.append(try #require(USCC.make(department: "9", type: "1", region: "140981", organization: organization)).text)
        }
        var valid = 0
        for code in codes {
            if case .success = USCC.validate(code) { valid += 1 }
        }
        #expect(Set(codes).count == codes.count)
        #expect(valid == codes.count)
    }
}
