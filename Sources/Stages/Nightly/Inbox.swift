// The nightly run's inbox: which files it takes, in which order, and where they go afterwards.
//
//   inbox/plan/<file>                    the annual plan (year and region from the configuration)
//   inbox/registers/<department>/<file>  a department's register (CSV, XML or XLSX, told apart by content)
//   inbox/inspectors/<department>/<file> a department's inspector register
//   inbox/avoidance/<file>               the avoidance (回避) list
//   inbox/results/<file>                 inspection results
//   inbox/seeds/<group>-R<round>.txt     the public seed of one draw group and round, e.g. 2024-G02-R1.txt
//
// Kinds are taken in that order; within a kind, departments and then files in the byte order of their
// UTF-8 names, so the order never depends on the file system. Names starting with "." and names
// ending in ".part" or ".tmp" are files still being written by their sender: they are left alone.

internal import Foundation

/// What an inbox file holds, in the order the run takes them.
public enum InboxKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// `inbox/plan/`.
    case plan
    /// `inbox/registers/<department>/`.
    case register
    /// `inbox/inspectors/<department>/`.
    case inspectors
    /// `inbox/avoidance/`.
    case avoidance
    /// `inbox/results/`.
    case results
    /// `inbox/seeds/`.
    case seed

    /// The folder under the inbox.
    public var folder: String {
        switch self {
        case .plan: "plan"
        case .register: "registers"
        case .inspectors: "inspectors"
        case .avoidance: "avoidance"
        case .results: "results"
        case .seed: "seeds"
        }
    }

    /// True when files sit in one folder per department.
    public var perDepartment: Bool { self == .register || self == .inspectors }
}

/// One file found in the inbox.
public struct InboxFile: Sendable, Hashable {
    /// What it holds.
    public var kind: InboxKind
    /// The path relative to the inbox, e.g. `registers/原平市交通运输局/2024-01.xml`.
    public var relativePath: String
    /// The department folder, for registers and inspector registers.
    public var department: String?
    /// The absolute path.
    public var path: String
}

/// The inbox folder and the run's view of it.
public struct Inbox: Sendable {
    /// The inbox folder.
    public let root: String

    /// An inbox at `root`.
    public init(root: String) { self.root = root }

    /// The files to take, in the run's order, and the paths it leaves alone with the reason.
    public func scan() -> (files: [InboxFile], misplaced: [InboxFile], ignored: [String]) {
        var files: [InboxFile] = []
        var misplaced: [InboxFile] = []
        var ignored: [String] = []
        let known = Set(InboxKind.allCases.map(\.folder))
        for name in Self.entries(root) where !known.contains(name) && !Self.isPending(name) {
            ignored.append(name)
        }
        for kind in InboxKind.allCases {
            let folder = root + "/" + kind.folder
            guard Self.isDirectory(folder) else { continue }
            for name in Self.entries(folder) where !Self.isPending(name) {
                let path = folder + "/" + name
                let relative = kind.folder + "/" + name
                if kind.perDepartment {
                    guard Self.isDirectory(path) else {
                        misplaced.append(InboxFile(kind: kind, relativePath: relative, department: nil, path: path))
                        continue
                    }
                    for file in Self.entries(path) where !Self.isPending(file) {
                        let filePath = path + "/" + file
                        if Self.isRegularFile(filePath) {
                            files.append(InboxFile(kind: kind, relativePath: relative + "/" + file, department: name, path: filePath))
                        } else {
                            ignored.append(relative + "/" + file)
                        }
                    }
                } else if Self.isRegularFile(path) {
                    files.append(InboxFile(kind: kind, relativePath: relative, department: nil, path: path))
                } else {
                    ignored.append(relative)
                }
            }
        }
        return (files, misplaced, ignored)
    }

    /// Names in a folder in UTF-8 byte order (none if it cannot be read).
    static func entries(_ folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// A sender's file still being written.
    static func isPending(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasSuffix(".part") || name.hasSuffix(".tmp")
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    static func isRegularFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
    }
}

/// Moving a taken file to `archive/<date>/` or `rejects/<date>/`, safely across a crash.
enum FilePlacement {
    /// Where `relativePath` goes under `folder`: the same relative path, or, if a different file is
    /// already there, the name with `-<first 8 hex of its SHA-256>` before the extension.
    static func destination(folder: String, relativePath: String, sha256: String) -> String {
        let plain = folder + "/" + relativePath
        guard FileManager.default.fileExists(atPath: plain), (try? FileDigest.of(path: plain).sha256) != sha256 else { return plain }
        let url = URL(fileURLWithPath: plain)
        let stem = url.deletingPathExtension().lastPathComponent
        let ext = url.pathExtension
        let name = stem + "-" + sha256.prefix(8) + (ext.isEmpty ? "" : "." + ext)
        return url.deletingLastPathComponent().appendingPathComponent(name).path
    }

    /// Moves `source` to `destination` (creating folders). If the destination already holds the same
    /// bytes (a run killed between copy and unlink), the source is just removed. A rename is atomic;
    /// across file systems the file is copied to a temporary name, renamed, then the source unlinked.
    static func move(_ source: String, to destination: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard manager.fileExists(atPath: source) else { return }
        if manager.fileExists(atPath: destination) {
            if try FileDigest.of(path: destination).sha256 == FileDigest.of(path: source).sha256 {
                try manager.removeItem(atPath: source)
                return
            }
            throw StoreError(path: destination, message: "cannot move \(source) here: a different file is in the way")
        }
        if rename(source, destination) == 0 { return }
        guard errno == EXDEV else {
            throw StoreError(path: destination, message: "cannot move \(source): \(String(cString: strerror(errno)))")
        }
        let temporary = destination + ".part"
        if manager.fileExists(atPath: temporary) { try manager.removeItem(atPath: temporary) }
        try manager.copyItem(atPath: source, toPath: temporary)
        guard rename(temporary, destination) == 0 else {
            throw StoreError(path: destination, message: "cannot move \(source): \(String(cString: strerror(errno)))")
        }
        try manager.removeItem(atPath: source)
    }

    /// Removes the temporary files (`.<name>.<pid>.tmp`) that a killed writer left under `folder`,
    /// when no process with that pid runs any more. A rejects or payload file is written to such a
    /// name and renamed into place, so a leftover is never a whole file, only debris.
    static func sweepStaleTemporaries(under folder: String) {
        let manager = FileManager.default
        guard let walker = manager.enumerator(atPath: folder) else { return }
        for case let relative as String in walker {
            let name = (relative as NSString).lastPathComponent
            guard name.hasPrefix("."), name.hasSuffix(".tmp") else { continue }
            let parts = name.split(separator: ".")
            guard parts.count >= 3, let pid = Int32(parts[parts.count - 2]), pid > 0 else { continue }
            if kill(pid, 0) != 0, errno == ESRCH { try? manager.removeItem(atPath: folder + "/" + relative) }
        }
    }
}
