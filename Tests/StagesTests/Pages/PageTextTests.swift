import Foundation
import Pipeline
import Testing

@testable import Stages

/// Every text of the pages is in Resources/page-text.json, in both languages, with the same slots.
struct PageTextTests {
    @Test func everyKeyTheCodeUsesHasBothLanguagesAndTheTableNoOtherKey() throws {
        let table = try PageText.bundled(.zh)
        #expect(table.keys == PageKey.allCases.map(\.rawValue).sorted())
        for key in PageKey.allCases {
            for language in UILanguage.allCases {
                let text = try #require(table.raw(key.rawValue, language), "\(key.rawValue) has no \(language.rawValue) text")
                #expect(!text.trimmingCharacters(in: .whitespaces).isEmpty, "\(key.rawValue).\(language.rawValue) is empty")
            }
            #expect(
                PageText.slots(in: table.raw(key.rawValue, .zh) ?? "") == PageText.slots(in: table.raw(key.rawValue, .en) ?? ""),
                "\(key.rawValue): the languages have different slots")
        }
    }

    @Test func slotsAreFilledOnceAndValuesAreNotReadAsSlots() throws {
        let zh = try PageText.bundled(.zh)
        let en = try PageText.bundled(.en)
        #expect(zh(.nightTitle, ["date": "2024-05-10"]) == "夜间运行报告 · 2024-05-10")
        #expect(en(.nightTitle, ["date": "2024-05-10"]) == "Nightly run · 2024-05-10")
        // A department named like a slot stays as it is.
        #expect(zh(.targetsWithoutList, ["departments": "{departments}{date}"]) == "未导入抽查事项清单的部门：{departments}{date}")
        // A slot without a value is left for a person to see, never blank.
        #expect(zh(.nightTitle) == "夜间运行报告 · {date}")
        #expect(PageText.slots(in: "{a} and {b} then {a}") == ["a", "a", "b"])
    }

    @Test func aTableWithoutAKeyShowsTheKeyNotABlank() throws {
        let table = try PageText(language: .en, json: Data(#"{"none": {"zh": "无", "en": "none"}}"#.utf8))
        #expect(table(.none) == "none")
        #expect(table(.nightTitle, ["date": "2024-05-10"]) == "night.title")
    }
}
