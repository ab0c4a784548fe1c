import Pipeline
import Stages
import Testing

@Suite("the message catalogue")
struct MessageCatalogueTests {
    @Test func everyKeyHasBothLanguagesWithTheSameSlots() {
        for key in MessageKey.allCases {
            let zh = MessageCatalogue.raw(key.rawValue, .zh)
            let en = MessageCatalogue.raw(key.rawValue, .en)
            #expect(zh?.isEmpty == false, "\(key.rawValue) lacks Chinese")
            #expect(en?.isEmpty == false, "\(key.rawValue) lacks English")
            #expect(MessageCatalogue.slots(in: zh ?? "") == MessageCatalogue.slots(in: en ?? ""), "\(key.rawValue): slots differ")
        }
    }

    @Test func theCatalogueHoldsNoKeyTheCodeDoesNotName() {
        #expect(MessageCatalogue.keys == MessageKey.allCases.map(\.rawValue).sorted())
    }

    @Test func slotsAreFilledOnceWithNumbersGroupedAndNounsInTheirNumber() {
        #expect(MessageCatalogue.fill("{n|file|files} taken", ["n": "1"]) == "1 file taken")
        #expect(MessageCatalogue.fill("{n|file|files} taken", ["n": "3071"]) == "3,071 files taken")
        #expect(MessageCatalogue.fill("导入 {#n} 行", ["n": "1000000"]) == "导入 1,000,000 行")
        #expect(MessageCatalogue.fill("{year} 年", ["year": "2024"]) == "2024 年")
        #expect(MessageCatalogue.fill("{a} and {b}", ["a": "{b}", "b": "x"]) == "{b} and x")
        #expect(MessageCatalogue.fill("{missing}", [:]) == "{missing}")
        // Braces are found by their bytes, among characters of several bytes and an unclosed brace.
        #expect(MessageCatalogue.fill("“{name}”含有{#n}处；{未闭合", ["name": "原平{x}", "n": "12345"]) == "“原平{x}”含有12,345处；{未闭合")
        #expect(MessageCatalogue.slots(in: "{#a} {b|x|y} {c}") == ["a", "b", "c"])
    }

    @Test func theNightsSummaryReadsTheSameInEnglishAsBeforeAndInChinese() {
        let en = MessageCatalogue(.en)
        let zh = MessageCatalogue(.zh)
        let values = [
            "date": "2024-05-10", "files": "1", "rows": "21996", "rejected": "32", "awaiting": "34", "draws": "2", "publications": "3",
            "overdue": "2", "exit": "65", "filesRejected": "", "blocked": "", "unknown": "", "failed": "",
        ]
        #expect(
            en(.nightSummary, values)
                == "night 2024-05-10: 1 file taken, 21,996 rows imported, 32 rejected, 34 commitments awaiting a seed, 2 draws, "
                + "3 publications, 2 overdue; exit 65")
        #expect(
            zh(.nightSummary, values)
                == "2024-05-10 夜间运行：接收文件 1 个，导入 21,996 行，拒收 32 行，34 个承诺待随机种子，抽取 2 次，公示 3 项，逾期 2 项；退出码 65")
    }

    @Test func theLanguageIsTheOptionElseTheConfigurationElseTheLocaleElseEnglish() {
        #expect(UILanguage.resolve(option: .en, configured: .zh, environment: ["LANG": "zh_CN.UTF-8"]) == .en)
        #expect(UILanguage.resolve(option: nil, configured: .zh, environment: ["LANG": "C.UTF-8"]) == .zh)
        #expect(UILanguage.resolve(option: nil, configured: nil, environment: ["LANG": "zh_CN.UTF-8"]) == .zh)
        #expect(UILanguage.resolve(option: nil, configured: nil, environment: ["LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"]) == .en)
        #expect(UILanguage.resolve(option: nil, configured: nil, environment: ["LC_MESSAGES": "zh_TW.UTF-8"]) == .zh)
        #expect(UILanguage.resolve(option: nil, configured: nil, environment: [:]) == .en)
    }
}
