import Pipeline
import Testing

@testable import Stages

@Suite("plan overrides loader")
struct PlanOverridesLoaderTests {
    @Test func everyDecisionIsRead() throws {
        let overrides = try PlanOverridesLoader.parse(
            text: """
                year = 2024
                region = "140981"
                plan_code = "SX2024P001"
                plan_name = "原平市2024年度部门联合双随机抽查工作计划"

                [[task]]
                seq = 3
                ratio = 0.1
                ratio_max = 0.2
                count = 20
                count_indicative = true
                class_ratios = { A = 0.02, B = 0.05, C = 0.1, D = 0.2 }
                frequency = 4
                frequency_at_least = true
                window = [1, 11]
                scopes = ["燃气经营企业"]
                initiator = "原平市住房和城乡建设管理局"
                cooperators = ["原平市市场监督管理局"]
                task_code = "SX2024T0003"
                note = "checked with the province"
                """, file: "o.toml")
        #expect(overrides.year == 2024)
        #expect(overrides.planCode == "SX2024P001")
        #expect(
            overrides.tasks[3]
                == PlanTaskOverride(
                    seq: 3, line: 6, ratio: RatioBound(min: 0.1, max: 0.2), count: TaskCount(value: 20, indicative: true),
                    classRatios: ClassRatios(a: 0.02, b: 0.05, c: 0.1, d: 0.2),
                    frequency: InspectionFrequency(perYear: 4, atLeast: true, raw: ""),
                    window: TaskWindow(startMonth: 1, endMonth: 11, raw: ""), scopes: ["燃气经营企业"], initiator: "原平市住房和城乡建设管理局",
                    cooperators: ["原平市市场监督管理局"], taskCode: "SX2024T0003", note: "checked with the province"))
    }

    @Test(arguments: [
        ("[[task]]\nseq = 1\nratio = 5\n", "o.toml:3: error: 'ratio' must be a fraction greater than 0 and at most 1, such as 0.05 for 5%"),
        (
            "[[task]]\nseq = 1\nratio = -0.05\n",
            "o.toml:3: error: 'ratio' must be a fraction greater than 0 and at most 1, such as 0.05 for 5%"
        ),
        ("[[task]]\nratio = 0.05\n", "o.toml:1: error: each [[task]] needs seq = the plan's 序号 of the task, such as seq = 3"),
        (
            "[[task]]\nseq = 1\nratoi = 0.05\n",
            "o.toml:3: error: unknown key 'ratoi' in [[task]]; known keys: seq, ratio, ratio_max, count, count_indicative, class_ratios, frequency, frequency_at_least, window, scopes, initiator, cooperators, task_code, note"
        ),
        (
            "[[task]]\nseq = 1\nratio = 0.1\n[[task]]\nseq = 1\ncount = 2\n",
            "o.toml:5: error: task 1 is decided twice; keep one [[task]] block for it"
        ),
        ("[[task]]\nseq = 1\nwindow = [11, 1]\n", "o.toml:3: error: 'window' must be [first month, last month], such as [1, 11]"),
        (
            "[[task]]\nseq = 1\nclass_ratios = { A = 0.1 }\n",
            "o.toml:3: error: 'class_ratios' must give A, B, C and D, each a fraction from 0 to 1"
        ),
        (
            "[[task]]\nseq = 1\n",
            "o.toml:1: error: [[task]] seq = 1 decides nothing; give a ratio, count, class_ratios, frequency, window, scopes or initiator"
        ),
        ("region = 140981\n", "o.toml:1: error: 'region' must be a 6-digit region code in quotes, such as \"140981\""),
        ("[[task]]\nseq = 1\ntask_code = \"T-1\"\n", "o.toml:3: error: 'task_code' must be 1 to 40 characters of 0-9, A-Z and a-z"),
    ])
    func everyBadValueNamesItsLine(text: String, expected: String) {
        let error = #expect(throws: PlanOverridesFileError.self) { try PlanOverridesLoader.parse(text: text, file: "o.toml") }
        #expect(error?.description == expected)
        #expect(error?.exitStatus == .usage)
    }
}
