import Foundation
import Testing

/// The README's map of the folders matches the tree: every folder under `Sources/` has an entry, and
/// every entry names a folder that exists.
struct ReadmeLayoutTests {
    /// The package's root (this file is `Tests/StagesTests/ReadmeLayoutTests.swift`).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The folders the README's "Map of the folders" names, as `Sources/...` paths.
    static func mapEntries() throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.components(separatedBy: "\n")
        guard let start = lines.firstIndex(of: "### Map of the folders") else { return [] }
        var entries: [String] = []
        for line in lines[(start + 1)...] {
            if line.hasPrefix("#") { break }
            guard line.hasPrefix("- `Sources/") else { continue }
            let path = line.dropFirst(3).prefix { $0 != "`" }
            entries.append(String(path))
        }
        return entries
    }

    /// Every folder under `Sources/`, recursively, as `Sources/...` paths (hidden ones left out).
    static func sourceFolders() throws -> [String] {
        let sources = root.appendingPathComponent("Sources")
        var folders: [String] = []
        func walk(_ folder: URL, _ relative: String) throws {
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
                var isFolder: ObjCBool = false
                let url = folder.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder), isFolder.boolValue else { continue }
                folders.append(relative + "/" + name)
                try walk(url, relative + "/" + name)
            }
        }
        try walk(sources, "Sources")
        return folders.sorted()
    }

    @Test func everyFolderHasAnEntryAndEveryEntryAFolder() throws {
        let entries = try Self.mapEntries()
        let folders = try Self.sourceFolders()
        #expect(entries.count > 40)
        #expect(Set(entries).count == entries.count, "an entry is repeated")
        // Folders without an entry in the README's map:
        #expect(folders.filter { !entries.contains($0) } == [])
        // Entries that name no folder:
        #expect(entries.filter { !folders.contains($0) } == [])
    }
}
