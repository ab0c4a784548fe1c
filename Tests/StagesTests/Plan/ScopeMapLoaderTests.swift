import Foundation
import Pipeline
import Testing

@testable import Stages

@Suite("scope map loader")
struct ScopeMapLoaderTests {
    /// A folder holding `conf/suiji.toml` with `[draw] scope_map = "<mapPath>"`, and the map's text
    /// at `conf/<mapPath>` when given.
    func configuredFolder(mapPath: String = "maps/edited.json", map: String?) throws -> (TemporaryFolder, Configuration) {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.path("conf/maps"), withIntermediateDirectories: true)
        _ = try folder.write("conf/suiji.toml", "[draw]\nscope_map = \"\(mapPath)\"\n")
        if let map { _ = try folder.write("conf/\(mapPath)", map) }
        let configuration = try Configuration.load(explicitPath: "conf/suiji.toml", workingDirectory: folder.url.path)
        return (folder, configuration)
    }

    @Test func aConfiguredScopeMapIsReadRelativeToTheConfigurationFolder() throws {
        let (folder, configuration) = try configuredFolder(map: CoverageCounty.editedScopeMap)
        defer { folder.cleanup() }
        let path = folder.path("conf/maps/edited.json")
        #expect(configuration.draw.scopeMap == "maps/edited.json")
        #expect(configuration.resolvedScopeMapPath == path)
        #expect(ScopeMapLoader.source(configuration) == path)
        let expected = try ScopeMap(entries: [
            ScopeMapEntry(scope: "全市四上单位", categories: ["规模以上工业企业", "限额以上批发和零售业", "殡葬服务"]),
            ScopeMapEntry(scope: "燃气经营企业", aliases: ["瓶装燃气供应站"], categories: ["燃气经营"]),
            ScopeMapEntry(scope: "园林绿化企业", categories: ["园林绿化"]),
        ])
        #expect(try ScopeMapLoader.load(configuration) == expected)
        let store = try Store(path: folder.path("suiji.sqlite"))
        #expect(try DrawStore(store: store, configuration: configuration).scopeMap() == expected)
    }

    @Test func anEmptyOrAbsentKeyMeansTheBundledMap() throws {
        let bundled = try BundledScopeMap.load()
        let empty = try Configuration.load(text: "[draw]\nscope_map = \"\"\n", displayName: "suiji.toml")
        for configuration in [Configuration.defaults, empty] {
            #expect(configuration.resolvedScopeMapPath == nil)
            #expect(ScopeMapLoader.source(configuration) == "bundled")
            #expect(try ScopeMapLoader.load(configuration) == bundled)
        }
    }

    @Test func aMissingScopeMapIsAnErrorNamingTheFile() throws {
        let (folder, configuration) = try configuredFolder(mapPath: "maps/missing.json", map: nil)
        defer { folder.cleanup() }
        let expected =
            "\(folder.path("conf/maps/missing.json")): error: the scope map named by [draw] scope_map does not exist; "
            + "fix the path (relative to the configuration file's folder) or set scope_map = \"\" to use the bundled map"
        let error = #expect(throws: ScopeMapFileError.self) { try ScopeMapLoader.load(configuration) }
        #expect(error?.description == expected)
        // The draw store loads the configured map when a command first needs it (prepare, run,
        // coverage), and stops on it then with the same error.
        let store = try Store(path: folder.path("suiji.sqlite"))
        let fromDrawStore = #expect(throws: ScopeMapFileError.self) { try DrawStore(store: store, configuration: configuration).scopeMap() }
        #expect(fromDrawStore?.description == expected)
    }

    @Test func aFolderIsNotAScopeMap() throws {
        let (folder, configuration) = try configuredFolder(mapPath: "maps", map: nil)
        defer { folder.cleanup() }
        let error = #expect(throws: ScopeMapFileError.self) { try ScopeMapLoader.load(configuration) }
        #expect(
            error?.description == "\(folder.path("conf/maps")): error: the scope map named by [draw] scope_map is a folder, not a JSON file"
        )
    }

    @Test(
        "A malformed scope map names the file, where and what is wrong",
        arguments: [
            ("", ":1:1: error: invalid JSON: unexpected end of input"),
            ("{\"version\": 1, \"scopes\": [", ":1:27: error: invalid JSON: unexpected end of input"),
            // Columns count characters: the trailing comma's complaint is at the '}' after it.
            ("{\"scopes\": [{\"scope\": \"燃气\", \"categories\": [\"燃气经营\"],}]}", ":1:52: error: invalid JSON: expected a key string"),
            (
                "{\n  \"scopes\": [\n    {\"scope\": \"燃气经营企业\", \"categories\": [\"燃气\" \"液化\"]}\n  ]\n}\n",
                ":3:45: error: invalid JSON: expected ',' or ']'"
            ),
            ("{\"scopes\": [], \"scopes\": []}", ":1:16: error: invalid JSON: duplicate key \"scopes\""),
            ("{\"scopes\": [{\"scope\": \"燃气经营企业\"}]}", ": error: not a valid scope map: scopes[0]: missing key 'categories'"),
            ("{\"version\": 1}", ": error: not a valid scope map: top level: missing key 'scopes'"),
            (
                "{\"scopes\": [{\"scope\": \"网吧\", \"categories\": [\"网吧\"]}, {\"scope\": \"网吧\", \"categories\": [\"上网服务\"]}]}",
                ": error: not a valid scope map: top level: scope '网吧' appears twice (entries 1 and 2)"
            ),
            (
                "{\"scopes\": [{\"scope\": \"网吧\", \"categories\": []}]}",
                ": error: not a valid scope map: top level: scope '网吧' lists no category"
            ),
        ])
    func aMalformedScopeMapNamesTheFileAndWhatIsWrong(text: String, expected: String) throws {
        let (folder, configuration) = try configuredFolder(map: text)
        defer { folder.cleanup() }
        let error = #expect(throws: ScopeMapFileError.self) { try ScopeMapLoader.load(configuration) }
        #expect(error?.description == folder.path("conf/maps/edited.json") + expected)
    }
}
