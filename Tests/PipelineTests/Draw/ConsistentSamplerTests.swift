import Testing

@testable import Pipeline

/// The consistent sampler against ron-rivest/consistent_sampler.
///
/// "Upstream" vectors are copied from the repository: the doctests in `code/consistent_sampler.py`
/// (commit 018c2122), `USAGE_EXAMPLES.md` and `consistent_sampler/test_consistent_sampler.py`.
/// "Python" vectors were computed by running that file (and PyPI consistent-sampler 1.0.10, which
/// agrees) with python3 3.11; `sampler(..., digits=1000)` prints the untrimmed ticket numbers.
@Suite struct ConsistentSamplerTests {
    // MARK: Upstream vectors

    /// `sha256_uniform("abc")` doctest: the reversed, zero-padded decimal of the SHA-256 value.
    @Test func sha256UniformDoctest() throws {
        let number = try #require(TicketNumber(digest: SHA256.digest(Array("abc".utf8))))
        #expect(number.text == "0.56998071861792858926477341561059638840106636224182943832566300809078486324348")
        #expect(number.hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// `first_fraction('AB-130', '01382438112797316654')` / `first_ticket` doctest.
    @Test func firstFractionDoctest() {
        let sampler = ConsistentSampler(seed: "01382438112797316654")
        let ticket = sampler.ticket(for: "AB-130")
        #expect(ticket.id == "AB-130")
        #expect(ticket.text == "0.26299714122838008416507544297546663599715395525154425586041245287750224561854")
        #expect(ticket.trimmedText(digits: 5) == "0.26299")
        #expect(sampler.seedHash == SHA256.hex("01382438112797316654"))
    }

    /// `make_ticket_heap(['dog', 'cat', 'fish', 'goat'], 'xy()134!g2n')` doctest (full ticket numbers).
    @Test func ticketHeapDoctest() {
        let sampler = ConsistentSampler(seed: "xy()134!g2n")
        let expected = [
            ("cat", "0.24866413894129579898796850445568128508290132707747976039848637531569373309555"),
            ("dog", "0.33886035615681875183111698317327684455682722683976874746986356932751818935066"),
            ("goat", "0.49599842072022713663423753308080171636735689997237236247068925068573448764387"),
            ("fish", "0.74685932088827950509145941729789143204056041958068799542050396198792954500593"),
        ]
        let order = sampler.order(["dog", "cat", "fish", "goat"])
        #expect(order.map(\.id) == expected.map(\.0))
        #expect(order.map(\.text) == expected.map(\.1))
    }

    /// `sampler(['ab-1', 'ab-2', 'cd-1', 'ef-3'], seed=314159)` doctest (trimmed to 9 digits).
    @Test func samplerDoctest() {
        let order = ConsistentSampler(seed: "314159").order(["ab-1", "ab-2", "cd-1", "ef-3"])
        #expect(order.map(\.id) == ["cd-1", "ef-3", "ab-1", "ab-2"])
        #expect(order.map { $0.trimmedText() } == ["0.317685817", "0.832984519", "0.9098039269", "0.9231549043"])
    }

    /// test_consistent_sampler.py examples X1–X5 (without replacement), seed 314159.
    @Test func testFileExamplesX1toX5() {
        let sampler = ConsistentSampler(seed: "314159")
        let all = sampler.order(["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"])
        #expect(all.map(\.id) == ["B-2", "B-3", "A-3", "A-2", "B-1", "A-1"]) // X1
        #expect(
            all.map { $0.trimmedText() } == [
                "0.410310858", "0.470960291", "0.471438751", "0.567089805", "0.9781715679", "0.9828515724",
            ]) // X4
        #expect(sampler.sample(["A-1", "A-2", "A-3", "B-1", "B-2", "B-3"], count: 3).map(\.id) == ["B-2", "B-3", "A-3"]) // X2
        let bOnly = sampler.order(["B-1", "B-2", "B-3"])
        #expect(bOnly.map(\.id) == ["B-2", "B-3", "B-1"]) // X3
        #expect(bOnly.map { $0.trimmedText() } == ["0.410310858", "0.470960291", "0.9781715679"]) // X5
        // Python, digits=1000: the untrimmed numbers of X4 (A-3 and B-1 print 78 digits, the rest 77).
        #expect(
            all.map(\.text) == [
                "0.41031085809072903514872000896790351462382130463015916888993860148207487365068",
                "0.47096029125515628220478316875824544955608868777212682429404942391399112981328",
                "0.471438751218990090280329669693328441199477360893518597933960833853618655507601",
                "0.56708980597793392402424415415032804833749318717838493571809450406967150623364",
                "0.97817156790153321413513404610701582614148277779957704517687215280549091261906",
                "0.9828515724237397691874515698953465111605456258184225321870604568187845885983",
            ])
    }

    /// USAGE_EXAMPLES.md examples 1–6 and the without-replacement half of example 8.
    @Test func usageExamples() {
        let abcd = ["a", "b", "c", "d"]
        #expect(ConsistentSampler(seed: "31").order(abcd).map(\.id) == ["b", "a", "d", "c"]) // 1
        #expect(ConsistentSampler(seed: "77").order(abcd).map(\.id) == ["b", "d", "c", "a"]) // 2
        // 3: ids are str() of Python objects.
        #expect(
            ConsistentSampler(seed: "7711").order(["1", "two", "('III', 3.0)", "(1, 1, 1, 1)"]).map(\.id)
                == ["('III', 3.0)", "1", "two", "(1, 1, 1, 1)"])
        // 4, 5, 6: range(100), seed 41.
        let hundred = (0..<100).map(String.init)
        let order = ConsistentSampler(seed: "41").order(hundred)
        #expect(order.prefix(10).map(\.id) == ["73", "51", "17", "58", "38", "42", "39", "20", "11", "67"])
        #expect(
            order.prefix(5).map { $0.trimmedText() }
                == ["0.000508333", "0.003446232", "0.004419823", "0.020115273", "0.023482375"])
        // 8: seed 52, without replacement.
        let five = ConsistentSampler(seed: "52").order(["a", "b", "c", "d", "e"])
        #expect(five.map(\.id) == ["d", "b", "e", "a", "c"])
        #expect(
            five.map { $0.trimmedText() }
                == ["0.054468191", "0.197384308", "0.302883911", "0.366142288", "0.492683857"])
    }

    // MARK: Vectors computed by running the Python

    /// Register-like ids, non-ASCII, empty and multi-block ids under a 20-digit dice seed.
    @Test func pythonComputedTickets() {
        let sampler = ConsistentSampler(seed: "38291047562018374659")
        let cases: [(String, String)] = [
            ("91140981MA0GRUKQ3X", "0.51354879653812977914565602944179861276450311511646027832353266186504091836482"),
            ("92140981MA0K5L7W2B", "0.30074037478824393004643328482528954094336404489692631978714465655352972510531"),
            ("93140981MA0H0N2J5T", "0.987173960822068019201326516475446393247484471184332850268230453055733309265211"),
            ("91140981110500123X", "0.17120952400024967918082131247598813810614728249273069594936980810432469399545"),
            ("原平市示例燃气有限公司", "0.30915693295853400738922764437580654809601694592075083920612731231207981968401"),
            ("", "0.3227870679347151732284668005675465059109746061880084876300896993460131115729"),
            (String(repeating: "x", count: 55), "0.17827891737160875796598152393556988894470098132619005409789449259890698102525"),
            (String(repeating: "y", count: 56), "0.09748964513915078523616233409528611442087650144147130176929154351330013666921"),
            (String(repeating: "z", count: 119), "0.356567789929307811434319884056123718220235269480334791974903358532796137715801"),
            ("\u{E9}", "0.17385573991178595995288440897445194220901439115777821146943203626785995689515"),
            ("e\u{301}", "0.8943229589533495087534891466539229635313342693332007861848430715025574123384"),
            ("E00011", "0.936686563484033563534212472651660889659199130786982077926901223895414266494111"),
            ("E01012", "0.99955617834236939800830998851457501417496948169035552980424275578542790616029"),
            ("S000013", "0.0108436680819576313757092644497601576312247868870671463206748270343786179319"),
        ]
        for (id, expected) in cases {
            #expect(sampler.ticket(for: id).text == expected, "id \(id)")
        }
        // Python's trim after a run of 9s.
        #expect(sampler.ticket(for: "E01012").trimmedText() == "0.999556178342")
        #expect(sampler.ticket(for: "E01012").trimmedText(digits: 2) == "0.99955")
        // The sampler's order of the first eleven (é precomposed and decomposed are distinct ids).
        let order = sampler.order(cases.prefix(11).map(\.0))
        #expect(
            order.map { $0.trimmedText() } == [
                "0.097489645", "0.171209524", "0.173855739", "0.178278917", "0.300740374", "0.309156932",
                "0.322787067", "0.356567789", "0.513548796", "0.894322958", "0.9871739608",
            ])
        #expect(
            order.map(\.id) == [
                String(repeating: "y", count: 56), "91140981110500123X", "\u{E9}", String(repeating: "x", count: 55),
                "92140981MA0K5L7W2B", "原平市示例燃气有限公司", "", String(repeating: "z", count: 119),
                "91140981MA0GRUKQ3X", "e\u{301}", "93140981MA0H0N2J5T",
            ])
    }

    /// 10,000 ids `ID-0`…`ID-9999`, seed "20240315": the SHA-256 of the Python's full order, printed
    /// as `<ticket_number> <id>\n` per ticket with digits=1000.
    @Test func pythonComputedLargeOrder() {
        let ids = (0..<10_000).map { "ID-\($0)" }
        let order = ConsistentSampler(seed: "20240315").order(ids)
        #expect(order.prefix(5).map(\.id) == ["ID-540", "ID-6946", "ID-8329", "ID-2777", "ID-4194"])
        var hasher = SHA256Hasher()
        for ticket in order { hasher.update("\(ticket.text) \(ticket.id)\n") }
        #expect(SHA256.hexString(hasher.finalize()) == "ae934929ba699bde28bf46098bbb3d3d51a348eb83b0e9f08b285404ba062f4a")
        // The order is not the order of the hash integers (the digits are reversed).
        let byInteger = order.sorted { $0.value.words.lexicographicallyPrecedes($1.value.words) }
        #expect(byInteger.map(\.id) != order.map(\.id))
    }

    // MARK: The ordering key (see the proof in ConsistentSampler.swift)

    /// Hand-built hash values exercising the string-length and prefix cases (texts from Python's
    /// `"0." + reversed("{:064d}".format(n))`).
    @Test func orderingMatchesPythonStrings() {
        let a = TicketNumber(words: (0x0235fadd81c2822b, 0xb3f07877973d50f2, 0x8bf22a31be8ee800, 0x00000000075bcd15)) // 10^75 + 123456789
        let b = TicketNumber(words: (0xdf4bf96431bd5b3d, 0xfddf872eab30efb1, 0x368aa5a02e618800, 0x00000000075bcd15)) // a + 10^77
        #expect(a.text == "0.9876543210000000000000000000000000000000000000000000000000000000000000000001")
        #expect(b.text == "0.987654321000000000000000000000000000000000000000000000000000000000000000000101")
        #expect(a.leadingDigits == b.leadingDigits)
        #expect(a < b && !(b < a)) // a's text is a proper prefix of b's

        let one = TicketNumber(words: (0, 0, 0, 1))
        let one64 = TicketNumber(words: (0x0000000000184f03, 0xe93ff9f4daa797ed, 0x6e38ed64bf6a1f01, 1)) // 10^64 + 1
        #expect(one.text == "0.1" + String(repeating: "0", count: 63))
        #expect(one64.text == "0.1" + String(repeating: "0", count: 63) + "1")
        #expect(one < one64 && !(one64 < one))

        let five = TicketNumber(words: (0, 0, 0, 5))
        let fifty = TicketNumber(words: (0, 0, 0, 50))
        #expect(fifty < five) // 0.05… < 0.5…, although 50 > 5
        let zero = TicketNumber(words: (0, 0, 0, 0))
        #expect(zero.text == "0." + String(repeating: "0", count: 64))
        #expect(zero < fifty)
        let max = TicketNumber(words: (.max, .max, .max, .max))
        #expect(max.text == "0.539936921319700485754930465046566489962358709786800589075324591613732980297511")
        #expect(max.trimmedText(digits: 0) == "0.")
        let nines = TicketNumber(words: (0, 0, 0x00000064f964e682, 0x33a76f51ffffffff)) // 8·10^30 − 1
        #expect(nines.text == "0.9999999999999999999999999999997" + String(repeating: "0", count: 33))
        #expect(nines.trimmedText() == "0.999999999999999999999999999999700000000")
        #expect(nines.trimmedText(digits: 3) == "0.999999999999999999999999999999700")
        let sorted = [max, b, nines, one64, a, five, zero, fifty, one].sorted()
        let pythonOrder = [zero, fifty, one, one64, five, max, a, b, nines] // Python: sorted(texts)
        #expect(sorted == pythonOrder)
        #expect(sorted.map(\.text) == sorted.map(\.text).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }

    /// Equal ticket numbers fall back to the id by code points; consistency and metadata.
    @Test func tiesAndConsistency() {
        let n = TicketNumber(words: (1, 2, 3, 4))
        #expect(Ticket(id: "a", value: n) < Ticket(id: "b", value: n))
        #expect(Ticket(id: "\u{E9}", value: n) != Ticket(id: "e\u{301}", value: n))
        // Filtering the full order by a subset gives the subset's own order.
        let sampler = ConsistentSampler(seed: "314159")
        let ids = (0..<500).map { "91140981MA\($0)" }
        let subset = Set(ids.filter { $0.hasSuffix("7") })
        #expect(sampler.order(ids).filter { subset.contains($0.id) } == sampler.order(ids.filter { subset.contains($0) }))
        #expect(sampler.sample(ids, count: 0).isEmpty)
        #expect(sampler.sample(["x"], count: 5).map(\.id) == ["x"])
        #expect(ConsistentSampler.algorithmVersion == "rivest-consistent-sampler/1 (sha256, without replacement)")
    }
}
