import Foundation
import Testing

@testable import Stages

/// The files compiled into suiji by EmbedResourcesPlugin: exactly the resources and the demo county,
/// byte for byte as they are in the repository.
struct EmbeddedResourcesTests {
    /// The repository root (`Tests/StagesTests/Configuration/<file>` → up four levels).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Every regular file under `folder` (relative to the root), as (path inside it, URL), hidden files skipped.
    static func files(under folder: String) throws -> [(String, URL)] {
        let base = root.appendingPathComponent(folder).standardizedFileURL
        let walker = try #require(
            FileManager.default.enumerator(at: base, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles]))
        var out: [(String, URL)] = []
        for case let url as URL in walker where try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true {
            out.append((String(url.standardizedFileURL.path.dropFirst(base.path.count + 1)), url))
        }
        return out
    }

    /// What must be compiled in: every file of Sources/Stages/Resources but the list itself, every file
    /// of Fixtures/demo but its generator script, the seed plan and scripts/verify_draw.py.
    static func expected() throws -> [String: URL] {
        var expected: [String: URL] = [:]
        for (name, url) in try files(under: "Sources/Stages/Resources") where name != "embedded-resources.txt" { expected[name] = url }
        for (name, url) in try files(under: "Fixtures/demo") where name != "make_demo.py" { expected["demo/" + name] = url }
        expected["plans/yuanping-2024.tsv"] = root.appendingPathComponent("Fixtures/plans/yuanping-2024.tsv")
        // The draw verifier, written beside the public pages.
        expected["verify_draw.py"] = root.appendingPathComponent("scripts/verify_draw.py")
        return expected
    }

    @Test func everyResourceAndDemoFileIsCompiledInByteForByte() throws {
        let expected = try Self.expected()
        #expect(Set(EmbeddedResources.names) == Set(expected.keys))
        #expect(EmbeddedResources.names.count == expected.count, "no name twice")
        for (name, url) in expected {
            #expect(try EmbeddedResources.data(named: name) == Data(contentsOf: url), "\(name) differs from \(url.path)")
        }
    }

    @Test func aFolderListsItsFilesInPathOrder() {
        #expect(
            EmbeddedResources.names(under: "demo/night-2/inbox/") == [
                "seeds/2024-G02-R1.txt", "seeds/2024-G12-R1.txt", "seeds/2024-G22-R1.txt", "seeds/2024-G35-R1.txt",
            ])
        #expect(EmbeddedResources.names(under: "no-such-folder/") == [])
    }

    @Test func aMissingResourceIsAnErrorThatSaysWhatToDo() {
        #expect(throws: EmbeddedResourceError(name: "no-such-table.json")) { try EmbeddedResources.data(named: "no-such-table.json") }
        #expect(
            EmbeddedResourceError(name: "no-such-table.json").description
                == "error: the resource no-such-table.json is not compiled into this suiji; it must be listed in Sources/Stages/Resources/embedded-resources.txt (rebuild suiji)"
        )
        #expect(EmbeddedResourceError(name: "x").exitStatus == .failure)
    }

    @Test func theExampleConfigurationIsTheShippedFile() throws {
        let file = try String(contentsOf: Self.root.appendingPathComponent("Sources/Stages/Resources/suiji.example.toml"), encoding: .utf8)
        #expect(try Configuration.exampleText() == file)
    }
}
