import DevKit
import Testing

/// Reference vectors for SplitMix64, xoshiro256** and the derived helpers.
///
/// Published: SplitMix64 seed 1234567 (Rosetta Code "Pseudo-random numbers/Splitmix64"), SplitMix64
/// seed 0 (Vigna's splitmix64.c, first output 0xE220A8397B1DCDAF), xoshiro256** from state
/// (1, 2, 3, 4) (rand_xoshiro's `reference` test, "produced with the reference implementation"),
/// and xoshiro256** seeded by SplitMix64 from 0 (first output 11091344671253066420, in several
/// public test suites). The rest (`next(below:)`, shuffle, doubles) come from an independent
/// Python implementation of the same algorithms; all of the above were reproduced by it too.
struct SeededGeneratorTests {
    @Test func splitMix64Seed1234567() {
        var generator = SplitMix64(seed: 1_234_567)
        let outputs = (0..<5).map { _ in generator.next() }
        #expect(
            outputs == [
                6_457_827_717_110_365_317, 3_203_168_211_198_807_973, 9_817_491_932_198_370_423,
                4_593_380_528_125_082_431, 16_408_922_859_458_223_821,
            ])
    }

    @Test func splitMix64Seed0() {
        var generator = SplitMix64(seed: 0)
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        #expect(SplitMix64.mix(0x9E37_79B9_7F4A_7C15) == 0xE220_A839_7B1D_CDAF)
    }

    @Test func xoshiroReferenceState() {
        var generator = Xoshiro256StarStar(state: 1, 2, 3, 4)
        let outputs = (0..<10).map { _ in generator.next() }
        #expect(
            outputs == [
                11520, 0, 1_509_978_240, 1_215_971_899_390_074_240, 1_216_172_134_540_287_360,
                607_988_272_756_665_600, 16_172_922_978_634_559_625, 8_476_171_486_693_032_832,
                10_595_114_339_597_558_777, 2_904_607_092_377_533_576,
            ])
    }

    @Test func xoshiroSeededThroughSplitMix() {
        var zero = Xoshiro256StarStar(seed: 0)
        #expect(
            (0..<4).map { _ in zero.next() } == [
                11_091_344_671_253_066_420, 13_793_997_310_169_335_082, 1_900_383_378_846_508_768, 7_684_712_102_626_143_532,
            ])
        var other = Xoshiro256StarStar(seed: 1_234_567)
        #expect(
            (0..<5).map { _ in other.next() } == [
                3_504_822_795_582_309_479, 1_819_558_768_956_484_042, 1_250_851_346_055_027_673,
                16_940_231_675_099_994_102, 11_585_879_347_611_423_030,
            ])
        // An all-zero state would only give zeros; it is replaced by the seed-0 state.
        var allZero = Xoshiro256StarStar(state: 0, 0, 0, 0)
        #expect(allZero.next() == 11_091_344_671_253_066_420)
    }

    @Test func belowMatchesLemireVectors() {
        var generator = Xoshiro256StarStar(seed: 42)
        let bounds = [1, 2, 3, 6, 10, 31, 100, 1000, 1_000_000, 7]
        #expect(bounds.map { generator.next(below: $0) } == [0, 0, 2, 5, 9, 23, 71, 850, 761_374, 4])

        var dice = Xoshiro256StarStar(seed: 2024)
        #expect((0..<20).map { _ in dice.next(below: 6) } == [0, 4, 0, 0, 4, 1, 2, 1, 3, 0, 4, 5, 5, 2, 4, 1, 0, 3, 4, 2])
    }

    @Test func belowRejectionPath() {
        // With n = 2^62 + 1 about a quarter of draws hit the rejection branch (3 of these 12 did).
        var generator = Xoshiro256StarStar(seed: 99)
        let n = (1 << 62) + 1
        #expect(
            (0..<12).map { _ in generator.next(below: n) } == [
                1_608_112_699_247_573_677, 3_945_887_787_573_075_319, 3_624_563_600_025_554_885, 1_281_447_741_175_169_351,
                270_490_173_939_438_220, 3_901_803_347_633_184_864, 2_693_899_653_172_287_227, 3_414_468_661_036_868_957,
                796_507_895_019_060_468, 688_228_349_218_241_241, 579_571_683_758_317_801, 1_824_770_901_596_112_406,
            ])
    }

    @Test func belowEdgeCases() {
        var generator = Xoshiro256StarStar(seed: 1)
        let before = generator
        #expect(generator.next(below: 0) == 0)
        #expect(generator.next(below: -5) == 0)
        #expect(generator == before, "no draw for n <= 0")
        #expect(generator.next(below: 1) == 0)
        #expect(generator != before, "one draw for n == 1")
        for n in [2, 3, 5, 31, 1000, Int.max] {
            for _ in 0..<200 {
                let value = generator.next(below: n)
                #expect(value >= 0 && value < n)
            }
        }
    }

    @Test func belowIsRoughlyUniform() {
        var generator = Xoshiro256StarStar(seed: 7)
        var counts = [Int](repeating: 0, count: 6)
        for _ in 0..<60_000 { counts[generator.next(below: 6)] += 1 }
        for count in counts { #expect(abs(count - 10_000) < 400) }
    }

    @Test func closedRangeShuffleAndDoubles() {
        var ranged = Xoshiro256StarStar(seed: 5)
        #expect((0..<10).map { _ in ranged.next(in: 10...20) } == [13, 16, 17, 19, 15, 18, 15, 18, 13, 14])
        var full = Xoshiro256StarStar(seed: 5)
        _ = full.next(in: Int.min...Int.max)
        _ = full.next(in: 0...Int.max)

        var shuffler = Xoshiro256StarStar(seed: 7)
        var numbers = Array(0..<10)
        shuffler.shuffle(&numbers)
        #expect(numbers == [1, 8, 3, 0, 4, 5, 9, 6, 2, 7])

        var unit = Xoshiro256StarStar(seed: 0)
        #expect((0..<3).map { _ in unit.nextUnitDouble() } == [0.6012629994179048, 0.7477740925472398, 0.10301998939503632])

        var picker = Xoshiro256StarStar(seed: 3)
        #expect(picker.pick([String]()) == nil)
        #expect(["a", "b", "c"].contains(picker.pick(["a", "b", "c"]) ?? "none"))
    }
}
