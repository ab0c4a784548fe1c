import Pipeline
import Testing

@Suite("Count: one number format")
struct CountTests {
    @Test(arguments: [
        (0, "0"), (7, "7"), (999, "999"), (1000, "1,000"), (21996, "21,996"), (1_000_000, "1,000,000"), (-1234, "-1,234"),
        (Int.max, "9,223,372,036,854,775,807"), (Int.min, "-9,223,372,036,854,775,808"),
    ])
    func numbersAreGroupedByThousands(n: Int, text: String) {
        #expect(Count.number(n) == text)
    }

    @Test func countsTakeTheRightNumberOfTheirNoun() {
        #expect(Count.of(1, "row") == "1 row")
        #expect(Count.of(0, "row") == "0 rows")
        #expect(Count.of(3000, "row") == "3,000 rows")
        #expect(Count.of(1, "entity", plural: "entities") == "1 entity")
        #expect(Count.of(2, "entity", plural: "entities") == "2 entities")
    }
}

@Suite("JSONOutput: every JSON output says its kind and schema version")
struct JSONOutputTests {
    struct Sample: Encodable {
        var zeta = 1
        var alpha = ["b", "a"]
        var name = "原平市"
    }

    @Test func anObjectGainsKindAndSchemaVersionWithKeysSorted() throws {
        #expect(
            try JSONOutput.text(Sample(), kind: "sample") == """
                {
                  "alpha": [
                    "b",
                    "a"
                  ],
                  "kind": "sample",
                  "name": "原平市",
                  "schemaVersion": 1,
                  "zeta": 1
                }
                """)
    }

    @Test func aValueThatIsNotAnObjectGoesUnderData() throws {
        #expect(
            try JSONOutput.text([3, 1], kind: "list")
                == "{\n  \"data\": [\n    3,\n    1\n  ],\n  \"kind\": \"list\",\n  \"schemaVersion\": 1\n}")
    }

    @Test func dryRunsEndByOneRule() {
        #expect(ExitStatus.configuration.rawValue == 78)
        #expect(ExitStatus.dryRun(rejected: true, wouldChange: true) == .dataRejected)
        #expect(ExitStatus.dryRun(rejected: true, wouldChange: false) == .dataRejected)
        #expect(ExitStatus.dryRun(rejected: false, wouldChange: true) == .changesFound)
        #expect(ExitStatus.dryRun(rejected: false, wouldChange: false) == .success)
    }
}
