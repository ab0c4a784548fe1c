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
public import Pipeline

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

    /// The files to take, in the run's order, and the paths it leaves alone (an unknown place by
    /// its path alone; anything else with the reason after it).
    ///
    /// Nothing under the inbox is followed through a symbolic link, neither a file nor a folder:
    /// every entry is examined with `lstat`, a link is listed and left where it is (never read,
    /// never moved), and an inbox file is opened with `O_NOFOLLOW` (see ``FileChunks``). Only
    /// regular files are taken: a FIFO, socket or device is listed and left alone too.
    /// The reasons are in the language of `words`.
    public func scan(in words: MessageCatalogue = MessageCatalogue(.en)) -> (files: [InboxFile], misplaced: [InboxFile], ignored: [String])
    {
        var files: [InboxFile] = []
        var misplaced: [InboxFile] = []
        var ignored: [String] = []
        let known = Set(InboxKind.allCases.map(\.folder))
        for name in Self.entries(root) where !Self.isPending(name) {
            if case .leave(let reason) = Self.verdict(root + "/" + name, wanting: known.contains(name) ? .directory : nil) {
                ignored.append(reason.map { "\(name) (\(words($0)))" } ?? name)
            }
        }
        for kind in InboxKind.allCases {
            let folder = root + "/" + kind.folder
            guard FileType.of(folder) == .directory else { continue }
            for name in Self.entries(folder) where !Self.isPending(name) {
                let path = folder + "/" + name
                let relative = kind.folder + "/" + name
                let type = FileType.of(path)
                if kind.perDepartment, type == .directory, ControlCharacters.first(in: name) == nil {
                    for file in Self.entries(path) where !Self.isPending(file) {
                        let filePath = path + "/" + file
                        if case .leave(let reason) = Self.verdict(filePath, wanting: .regular) {
                            ignored.append("\(relative)/\(file) (\(reason.map { words($0) } ?? ""))")
                        } else {
                            files.append(InboxFile(kind: kind, relativePath: relative + "/" + file, department: name, path: filePath))
                        }
                    }
                } else if case .leave(let reason) = Self.verdict(path, wanting: kind.perDepartment ? .directory : .regular) {
                    if kind.perDepartment, type == .regular, ControlCharacters.first(in: name) == nil {
                        misplaced.append(InboxFile(kind: kind, relativePath: relative, department: nil, path: path))
                    } else {
                        ignored.append("\(relative) (\(reason.map { words($0) } ?? ""))")
                    }
                } else {
                    files.append(InboxFile(kind: kind, relativePath: relative, department: nil, path: path))
                }
            }
        }
        return (files, misplaced, ignored)
    }

    /// What the run does with an inbox entry.
    enum Verdict: Equatable {
        /// It takes it (it is what `wanting` asks for there).
        case take
        /// It leaves it alone, saying why (nil: an ordinary file or folder where nothing is taken,
        /// listed by its path alone).
        case leave(Message?)
    }

    /// Whether the run takes `path`, where it wants a `wanting` (nil: nothing is taken there).
    static func verdict(_ path: String, wanting: FileType?) -> Verdict {
        // A name the run would store (as a file name or a department) holds no control character.
        if let found = ControlCharacters.first(in: (path as NSString).lastPathComponent) {
            return .leave(Message(.inboxNameControl, parts: ["found": ControlCharacters.describeText(found)]))
        }
        let type = FileType.of(path)
        if type == wanting { return .take }
        switch type {
        case .symbolicLink: return .leave(Message(.inboxSymlink))
        case .regular, .directory:
            guard let wanting else { return .leave(nil) }
            return .leave(Message(.inboxWrongType, parts: ["noun": type.nounText, "wanted": wanting.nounText]))
        default: return .leave(Message(.inboxNotRegular, parts: ["noun": type.nounText]))
        }
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
    /// across file systems the file is copied to a temporary name (``TemporaryFile``), renamed,
    /// then the source unlinked.
    static func move(_ source: String, to destination: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard manager.fileExists(atPath: source) else { return }
        if manager.fileExists(atPath: destination) {
            if try FileDigest.of(path: destination).sha256 == FileDigest.of(path: source).sha256 {
                try manager.removeItem(atPath: source)
                return
            }
            throw StoreError(path: destination, Message(.inboxMoveInTheWay, ["source": source]))
        }
        if rename(source, destination) == 0 { return }
        guard errno == EXDEV else {
            throw StoreError(path: destination, Message(.inboxMoveFailed, ["source": source, "reason": String(cString: strerror(errno))]))
        }
        let temporary = TemporaryFile.path(for: destination)
        if manager.fileExists(atPath: temporary) { try manager.removeItem(atPath: temporary) }
        try manager.copyItem(atPath: source, toPath: temporary)
        guard rename(temporary, destination) == 0 else {
            throw StoreError(path: destination, Message(.inboxMoveFailed, ["source": source, "reason": String(cString: strerror(errno))]))
        }
        try manager.removeItem(atPath: source)
    }
}
