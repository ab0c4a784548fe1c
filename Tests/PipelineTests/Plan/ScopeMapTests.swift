import DevKit
import Foundation
import Testing

@testable import Pipeline

/// The scope map and its shipped data file.
@Suite struct ScopeMapTests {
    /// Every scope of all 42 tasks of the 2024 plan is in the shipped map, and each lists its own
    /// text as a category (RegisterGenerator writes plan scopes as categories).
    @Test func shippedMapCoversTheSeedPlan() throws {
        let map = try SeedPlan.scopeMap()
        let plan = try SeedPlan.load()
        #expect(map.version == 1)
        #expect(map.entries.count == 38)
        for task in plan.tasks {
            for scope in task.scopes {
                let entry = try #require(map.entry(forScope: scope), "task \(task.seq): \(scope)")
                #expect(entry.scope == scope)
                #expect(map.categories(forScope: scope).contains(scope))
            }
        }
        #expect(Set(map.entries.map(\.scope)) == Set(RegisterGenerator.planScopes))
        #expect(map.categories(forScope: "全市四上单位").contains("统计调查对象"))
    }

    /// Exact scope text first, then aliases; full-width forms and outer spaces are cleaned.
    @Test func lookupOrder() throws {
        let map = try ScopeMap(entries: [
            ScopeMapEntry(scope: "娱乐场所", aliases: ["歌舞厅"], categories: ["歌舞娱乐场所"]),
            ScopeMapEntry(scope: "各类娱乐场所", aliases: ["娱乐场所（全部）"], categories: ["歌舞娱乐场所", "游艺娱乐场所"]),
        ])
        #expect(map.entry(forScope: "娱乐场所")?.scope == "娱乐场所")
        #expect(map.entry(forScope: "  歌舞厅 ")?.scope == "娱乐场所")
        #expect(map.entry(forScope: "娱乐场所（全部）")?.scope == "各类娱乐场所")
        #expect(map.entry(forScope: "网吧") == nil)
        #expect(map.categories(forScope: "网吧") == [])
        #expect(map.categories(forScopes: ["歌舞厅", "各类娱乐场所"]) == ["歌舞娱乐场所", "游艺娱乐场所"])
        #expect(map.matches(category: "游艺娱乐场所", scopes: ["各类娱乐场所"]))
        #expect(!map.matches(category: "游艺娱乐场所", scopes: ["娱乐场所"]))
    }

    @Test func refusesAmbiguousOrEmptyEntries() {
        func message(_ entries: [ScopeMapEntry]) -> String? {
            do {
                _ = try ScopeMap(entries: entries)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(
            message([ScopeMapEntry(scope: "甲", categories: ["a"]), ScopeMapEntry(scope: "甲", categories: ["b"])])
                == "scope map: scope '甲' appears twice (entries 1 and 2)")
        #expect(
            message([
                ScopeMapEntry(scope: "甲", aliases: ["丙"], categories: ["a"]), ScopeMapEntry(scope: "乙", aliases: ["丙"], categories: ["b"]),
            ])
                == "scope map: alias '丙' is claimed by '甲' and '乙'")
        #expect(
            message([ScopeMapEntry(scope: "甲", categories: ["a"]), ScopeMapEntry(scope: "乙", aliases: ["甲"], categories: ["b"])])
                == "scope map: alias '甲' of '乙' is the scope of another entry")
        #expect(message([ScopeMapEntry(scope: "甲", categories: [" "])]) == "scope map: scope '甲' lists no category")
        #expect(message([ScopeMapEntry(scope: "", categories: ["a"])]) == "scope map: entry 1 has an empty scope")
    }

    @Test func decodingErrorsNameThePlace() {
        func message(_ json: String) -> String? {
            do {
                _ = try ScopeMap(jsonData: Data(json.utf8))
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(message(#"{"version": 1, "scopes": [{"scope": "甲"}]}"#) == "scope map: scopes[0]: missing key 'categories'")
        #expect(
            message(#"{"version": 1, "scopes": [{"scope": "甲", "categories": ["a"]}, {"scope": "甲", "categories": ["b"]}]}"#)
                == "scope map: top level: scope '甲' appears twice (entries 1 and 2)")
        let minimal = try? ScopeMap(jsonData: Data(#"{"scopes": [{"scope": "甲", "categories": ["a"]}]}"#.utf8))
        #expect(minimal?.version == 1)
        #expect(minimal?.entries == [ScopeMapEntry(scope: "甲", categories: ["a"])])
    }

    /// The generated register reaches every task; a category outside the plan is reported, and a
    /// task whose categories have no entity is reported.
    @Test func coverageReport() throws {
        let map = try SeedPlan.scopeMap()
        let plan = try SeedPlan.load()
        var counts: [String: Int] = [:]
        for e in SeedPlan.entities(plan: plan) { counts[e.category, default: 0] += 1 }
        let full = map.coverage(of: plan, entityCategories: counts)
        #expect(full.isComplete)
        #expect(full.description == "every scope is mapped, every task has entities, every category is covered")

        counts["食品经营"] = 12
        counts["旅行社"] = nil
        var trimmed = plan
        trimmed.tasks[0].scopes.append("规上企业")
        let report = map.coverage(of: trimmed, entityCategories: counts)
        #expect(report.unmappedScopes == [.init(taskSeq: 1, scope: "规上企业")])
        #expect(report.tasksWithoutEntities == [33, 34])
        #expect(report.uncoveredCategories == [.init(category: "食品经营", entities: 12)])
        #expect(
            report.description == """
                task 1: scope '规上企业' is not in the scope map
                task 33: its scopes match no registered entity
                task 34: its scopes match no registered entity
                category '食品经营' (12 entities) is covered by no task
                """)
    }
}
