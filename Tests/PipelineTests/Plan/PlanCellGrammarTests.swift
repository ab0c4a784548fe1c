import Pipeline
import Testing

// One test per misreading named in issue 14, on our own examples, plus the grammar's other rules.
@Suite("PlanCellGrammar")
struct PlanCellGrammarTests {
    // Misreading 1: any 以下 in a cell turned a minimum into a maximum.
    @Test func aComparisonWordBindsToTheNumberBesideIt() {
        let floor = PlanCellParser.ratio("县级及以下单位抽查比例不低于15%")
        #expect(floor.problem == nil)
        #expect(floor.value.min == 0.15)
        #expect(floor.value.max == nil)
        let reading = PlanCellGrammar.read("县级及以下单位抽查比例不低于15%", role: .ratio)
        #expect(reading.segments == [RatioSegment(scope: "县级及以下单位", ratio: RatioBound(min: 0.15), count: nil)])

        #expect(PlanCellParser.ratio("市级及以下经办机构抽查比例之和≥20%").value.min == 0.20)
        #expect(PlanCellParser.ratio("抽查比例不超过总数的10%").value == SamplingRatio(max: 0.10, raw: "抽查比例不超过总数的10%"))
        #expect(PlanCellParser.ratio("10%以下").value.max == 0.10)
        #expect(PlanCellParser.ratio("10%以下").value.min == nil)
        #expect(PlanCellParser.ratio("至少5%").value.min == 0.05)
    }

    // Misreading 2: a cell with two populations became one plain 100%.
    @Test func aCellOfTwoPopulationsKeepsBothPartsAndIsQuestioned() {
        let reading = PlanCellGrammar.read("重点单位100%;一般单位50%", role: .ratio)
        #expect(
            reading.segments == [
                RatioSegment(scope: "重点单位", ratio: RatioBound(min: 1.0), count: nil),
                RatioSegment(scope: "一般单位", ratio: RatioBound(min: 0.5), count: nil),
            ])
        let outcome = PlanCellParser.ratio("重点单位100%;一般单位50%")
        #expect(outcome.value.min == nil)
        #expect(outcome.problem == "'重点单位100%;一般单位50%' gives 2 ratios for different parts; decide the task's ratio")

        let partly = PlanCellGrammar.read("重点单位100%;一般单位按在编人员1:5比例抽取", role: .ratio)
        #expect(partly.segments == [RatioSegment(scope: "重点单位", ratio: RatioBound(min: 1.0), count: nil)])
        #expect(partly.problems == ["'1:5' is a proportion (such as inspectors to objects), not a share of the population"])
    }

    // Misreading 3: numbers with units were taken for ratios.
    @Test func numbersWithUnitsAreThresholdsOfTheScopeNotRatios() {
        let tons = PlanCellGrammar.read("年产量≥50吨的企业抽查比例不低于10%", role: .ratio)
        #expect(tons.segments == [RatioSegment(scope: "年产量≥50吨的企业", ratio: RatioBound(min: 0.10), count: nil)])
        #expect(tons.problems == [])
        let capital = PlanCellGrammar.read("注册资本1000万元以上的企业5%", role: .ratio)
        #expect(capital.segments == [RatioSegment(scope: "注册资本1000万元以上的企业", ratio: RatioBound(min: 0.05), count: nil)])
        #expect(PlanCellParser.ratio("从业人员50人以上的单位").problem == "cannot read a sampling ratio from '从业人员50人以上的单位'")
        #expect(PlanCellParser.ratio("年产量≥50吨的企业").value.min == nil)
    }

    // Misreading 4: a count beside a ratio was dropped.
    @Test func aCountBesideARatioIsKept() {
        let both = PlanCellGrammar.read("10%(20户)", role: .ratio)
        #expect(both.segments == [RatioSegment(scope: nil, ratio: RatioBound(min: 0.10), count: 20)])
        #expect(both.counts == [FoundCount(value: 20, indicative: false, note: nil)])
        #expect(PlanCellParser.ratio("10%(20户)").value == SamplingRatio(min: 0.10, count: 20, raw: "10%(20户)"))

        let guide = PlanCellGrammar.read("1户(实际以联合双随机牵头单位抽查数为准。)", role: .count)
        #expect(guide.counts == [FoundCount(value: 1, indicative: true, note: "实际以联合双随机牵头单位抽查数为准。")])
        #expect(PlanCellGrammar.read("约20家", role: .count).counts == [FoundCount(value: 20, indicative: true, note: nil)])
        #expect(PlanCellGrammar.read("46家", role: .estimatedCount).counts == [FoundCount(value: 46, indicative: true, note: nil)])
        #expect(PlanCellGrammar.read("数量原则上不少于10家", role: .count).counts == [FoundCount(value: 10, indicative: false, note: nil)])
    }

    // Misreading 5: per-class ratios were lost, in any punctuation, on one line or several.
    @Test(arguments: [
        "A类2%、B类5%、C类10%、D类20%", "A类2%，B类5%，C类10%，D类20%", "A类:2%;B类:5%;C类:10%;D类:20%", "A类2%\nB类5%\nC类10%\nD类20%",
        "A类企业抽查比例2% B类企业5% C类企业10% D类企业20%", "低风险2%、一般风险5%、较高风险10%、高风险20%",
    ])
    func classRatiosInAnyPunctuation(cell: String) {
        let reading = PlanCellGrammar.read(cell, role: .ratio)
        #expect(reading.classRatios == [.A: 0.02, .B: 0.05, .C: 0.10, .D: 0.20])
        #expect(reading.segments == [])
        #expect(reading.problems == [])
    }

    @Test func classRatiosForSeveralClassesAtOnce() {
        #expect(PlanCellGrammar.read("A、B类5%;C类10%;D类30%", role: .riskRequirement).classRatios == [.A: 0.05, .B: 0.05, .C: 0.10, .D: 0.30])
        let prose = PlanCellGrammar.read("根据企业信用风险分类结果，对低风险、一般风险、较高风险、高风险企业分别递加抽查比例、频次。", role: .riskRequirement)
        #expect(prose.classRatios == [:])
        #expect(prose.problems == [])
        #expect(PlanCellGrammar.read("不涉及信用风险分类", role: .riskRequirement).exempt)
    }

    // Misreading 6: exact and at-least frequencies both became "once a year"; per quarter in the time column.
    @Test func frequenciesKeepExactAndAtLeastAndTheirPeriod() {
        #expect(PlanCellParser.frequency("=1").value == InspectionFrequency(perYear: 1, atLeast: false, raw: "=1"))
        #expect(PlanCellParser.frequency(">=1").value == InspectionFrequency(perYear: 1, atLeast: true, raw: ">=1"))
        #expect(PlanCellParser.frequency("不少于2次/年").value == InspectionFrequency(perYear: 2, atLeast: true, raw: "不少于2次/年"))
        #expect(PlanCellParser.frequency("每年至少1次").value == InspectionFrequency(perYear: 1, atLeast: true, raw: "每年至少1次"))
        #expect(PlanCellParser.frequency("1次(含)以上").value.atLeast)
        #expect(PlanCellParser.frequency("每季度各抽查1次").value == InspectionFrequency(perYear: 4, raw: "每季度各抽查1次"))
        #expect(PlanCellParser.frequency("每半年1次").value.perYear == 2)
        #expect(PlanCellParser.frequency("每月一次").value.perYear == 12)
        let time = PlanCellGrammar.read("每季度各抽查1次", role: .other)
        #expect(time.frequencies == [FoundFrequency(perYear: 4, atLeast: false, text: "每季度各抽查1次")])
        // A ratio per quarter implies four rounds.
        #expect(PlanCellGrammar.read("每季度至少抽查25%", role: .ratio).frequencies.map(\.perYear) == [4])
        // `受到1次以上处罚的单位` is part of a scope, not a frequency.
        #expect(PlanCellGrammar.read("受到1次(含)以上处罚的单位", role: .ratioAndFrequency).frequencies == [])
    }

    // Issue 12: a negative ratio is an error, not "≥5%".
    @Test func aNegativeRatioIsAnError() {
        let reading = PlanCellGrammar.read("-5%", role: .ratio)
        #expect(reading.errors == ["'-5%' is a negative ratio"])
        #expect(reading.segments == [])
        let outcome = PlanCellParser.ratio("抽查比例-5%")
        #expect(outcome.value.min == nil)
        #expect(outcome.problem == "'-5%' is a negative ratio")
        // A range is not a negative number.
        #expect(PlanCellParser.ratio("5%-20%").value == SamplingRatio(min: 0.05, max: 0.20, raw: "5%-20%"))
    }

    @Test func undecidedWordsAreQuestionsNotGuesses() {
        for cell in ["待定", "按照全市联合“双随机”检查文件比例执行", "抽取一定比例的定点药店", "由各部门自行确定比例"] {
            let reading = PlanCellGrammar.read(cell, role: .ratio)
            #expect(reading.segments == [])
            #expect(reading.problems.count == 1, "\(cell)")
        }
        #expect(PlanCellGrammar.read("以2020年以来审批的项目为重点,全年抽查比例不低于40%,不重复抽查。", role: .ratio).problems == [])
    }

    @Test func rangesAndPercentagesOutOfBounds() {
        #expect(PlanCellParser.ratio("10-20%").value == SamplingRatio(min: 0.10, max: 0.20, raw: "10-20%"))
        #expect(PlanCellParser.ratio("0.5%").value.min == 0.005)
        #expect(PlanCellParser.ratio("120%").problem == "'120%' is not a ratio between 0 and 100%")
        #expect(PlanCellGrammar.read("60-70家", role: .ratio).problems == ["'60-70家' is a range of numbers of objects"])
    }
}
