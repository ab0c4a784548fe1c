import Testing

@testable import Pipeline

/// The one JSON writer: its escaper, key order, number texts and pretty form, and the encoder that
/// turns `Encodable` values into it.
@Suite struct CanonicalJSONTests {
    /// Every escape the writer makes, and what it leaves alone (non-ASCII, `/`, DEL, U+2028).
    @Test func stringsAreEscapedAsPythonWritesThem() {
        let value = CanonicalJSON.string("a\"b\\c\n\r\t\u{08}\u{0C}\u{00}\u{01}\u{1F}\u{7F}/é😀\u{2028}")
        #expect(value.canonicalText == "\"a\\\"b\\\\c\\n\\r\\t\\b\\f\\u0000\\u0001\\u001f\u{7F}/é😀\u{2028}\"")
        #expect(value.compactText == value.canonicalText)
        #expect(value.canonicalBytes == Array(value.canonicalText.utf8))
    }

    /// Keys in code point order (upper case before lower case, BMP before astral), compact and pretty.
    @Test func keysAreSortedByCodePoint() {
        let value = CanonicalJSON.object([
            "b": .integer(1), "a": .array([]), "Z": .object([:]), "é": .null, "😀": .bool(true), "\u{FFFF}": .bool(false),
        ])
        #expect(value.canonicalText == "{\"Z\":{},\"a\":[],\"b\":1,\"é\":null,\"\u{FFFF}\":false,\"😀\":true}")
        #expect(
            value.prettyText == "{\n  \"Z\": {},\n  \"a\": [],\n  \"b\": 1,\n  \"é\": null,\n  \"\u{FFFF}\": false,\n  \"😀\": true\n}\n")
        #expect(
            CanonicalJSON.array([.integer(-12), .object(["k": .array([.integer(0)])])]).prettyText
                == "[\n  -12,\n  {\n    \"k\": [\n      0\n    ]\n  }\n]\n")
    }

    /// Non-integer numbers: Swift's shortest round-trip text with `.0` dropped (as `JSONEncoder` wrote them).
    @Test(arguments: [
        (0.2, "0.2"), (0.05, "0.05"), (1.0, "1"), (-0.0, "-0"), (1e-7, "1e-07"), (1e20, "1e+20"), (123.456, "123.456"),
        (Double.nan, "null"), (Double.infinity, "null"),
    ])
    func numberTexts(value: Double, expected: String) {
        #expect(CanonicalJSON.number(value).canonicalText == expected)
    }

    /// The parser reads back what the writer wrote (integers only), and refuses fractions.
    @Test func parsingRoundTrips() throws {
        let value = CanonicalJSON.object([
            "s": .string("引号\"、\\、\n、\u{01}、/"), "n": .integer(-3), "a": .array([.null, .bool(true), .object([:])]),
        ])
        #expect(try CanonicalJSON.parse(value.canonicalBytes) == value)
        #expect(try CanonicalJSON.parse(Array(value.prettyText.utf8)) == value)
        let error = #expect(throws: CanonicalJSONError.self) { try CanonicalJSON.parse(Array("[0.5]".utf8)) }
        #expect(error?.description == "invalid JSON at byte 2: only integers are supported")
    }

    /// A value with every kind of member a synthesized conformance writes.
    struct Sample: Encodable {
        struct Inner: Encodable {
            var ratio: Double?
            var count: Int?
            var tags: [String]
        }
        var name: String
        var small: Int8
        var big: UInt64
        var flag: Bool
        var inner: Inner
        var optional: String?
        var table: [String: Int]
        var list: [Inner]
    }

    /// Synthesized `Encodable`: keys sorted, `nil` members left out, numbers as integers or numbers.
    @Test func encodableValuesAreWrittenByTheOneWriter() throws {
        let sample = Sample(
            name: "原平", small: -8, big: 7, flag: true, inner: .init(ratio: 0.3, count: nil, tags: ["x"]), optional: nil,
            table: ["b": 2, "a": 1], list: [.init(ratio: 1, count: 2, tags: [])])
        #expect(
            try CanonicalJSON(encoding: sample).canonicalText
                == #"{"big":7,"flag":true,"inner":{"ratio":0.3,"tags":["x"]},"list":[{"count":2,"ratio":1,"tags":[]}],"#
                + #""name":"原平","small":-8,"table":{"a":1,"b":2}}"#)
    }

    /// A custom conformance that writes `nil` explicitly gets `null`; nested and super containers work.
    struct Custom: Encodable {
        enum Keys: String, CodingKey { case missing, nested, list, parent }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Keys.self)
            try c.encodeNil(forKey: .missing)
            let none: Int? = nil
            try c.encode(none, forKey: .parent)
            var nested = c.nestedContainer(keyedBy: Keys.self, forKey: .nested)
            try nested.encode(1.5, forKey: .missing)
            var list = c.nestedUnkeyedContainer(forKey: .list)
            try list.encode(1)
            try list.encodeNil()
            var inner = list.nestedUnkeyedContainer()
            try inner.encode("x")
        }
    }

    @Test func explicitNullsAndNestedContainers() throws {
        #expect(
            try CanonicalJSON(encoding: Custom()).canonicalText
                == #"{"list":[1,null,["x"]],"missing":null,"nested":{"missing":1.5},"parent":null}"#)
        #expect(try CanonicalJSON(encoding: [Int]()).canonicalText == "[]")
        #expect(try CanonicalJSON(encoding: "top").canonicalText == #""top""#)
    }

    /// What JSON cannot hold exactly is an encoding error, not a guess.
    @Test func unrepresentableNumbersAreRefused() {
        #expect(throws: EncodingError.self) { try CanonicalJSON(encoding: ["x": Double.nan]) }
        #expect(throws: EncodingError.self) { try CanonicalJSON(encoding: [Double.infinity]) }
        #expect(throws: EncodingError.self) { try CanonicalJSON(encoding: [Float(0.1)]) }
        #expect(throws: EncodingError.self) { try CanonicalJSON(encoding: [UInt64.max]) }
    }
}
