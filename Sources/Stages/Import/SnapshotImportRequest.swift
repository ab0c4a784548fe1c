// What a snapshot import is asked to do and what it reports: the kinds of snapshot, the request as
// the command line and the nightly run make it, the report with its summary and exit status, and the
// two ways a whole file is refused after reading (changed while read, mass removal).

internal import Foundation
public import Pipeline

/// The three kinds of snapshot.
public enum SnapshotKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A department's entity register (`suiji import`).
    case register
    /// A department's inspector register (`suiji inspectors import`).
    case inspectors
    /// The avoidance list (`suiji avoidance import`).
    case avoidance
}

extension SnapshotKind {
    /// The catalogue's name of the kind (`register`, 市场主体名录).
    var nameKey: MessageKey {
        switch self {
        case .register: .importKindRegister
        case .inspectors: .importKindInspectors
        case .avoidance: .importKindAvoidance
        }
    }

    /// The catalogue's noun for the kind's rows in counts (`entities`, 市场主体).
    var nounKey: MessageKey {
        switch self {
        case .register: .importNounRegister
        case .inspectors: .importNounInspectors
        case .avoidance: .importNounAvoidance
        }
    }
}

/// One snapshot import as the command line asks for it.
public struct SnapshotImportRequest: Sendable, Hashable {
    /// What the file holds.
    public var kind: SnapshotKind
    /// The file's path.
    public var path: String
    /// The name used in diagnostics (default: the path).
    public var displayName: String
    /// The sending department (required for registers and inspectors; nil for avoidance).
    public var department: String?
    /// CSV, XML or XLSX (default: a workbook by its content, else CSV or XML by extension).
    public var format: InputFormat?
    /// The worksheet of a workbook: a name or a 1-based number (default: the first visible sheet).
    public var sheet: String?
    /// The text encoding of a CSV file.
    public var encoding: EncodingChoice
    /// Validate and report without writing anything.
    public var dryRun: Bool
    /// Where to write rejected rows (nil: no rejects file; never written in a dry run).
    public var rejectsPath: String?
    /// Accept a snapshot that removes more than 20% of the current rows.
    public var allowMassRemoval: Bool
    /// Validate XML against the bundled XSD.
    public var validateXML: Bool
    /// Bytes per read (tests use 1 to feed the readers one byte at a time).
    public var chunkSize: Int
    /// The file's digest when the caller has already computed it (the nightly run hashes every
    /// inbox file first): the import is refused unless the bytes it reads have this digest.
    public var digest: FileDigest?
    /// False for the nightly run's inbox: a symbolic link is refused, never followed.
    public var followsLinks: Bool
    /// The language of the rejects file's reasons and column names (the command's, or the night's pages').
    public var language: UILanguage = .en
    /// Whether a register row equal to its current version is recognised by its content hash
    /// before the screen (the re-import's shortcut); tests turn it off to compare with the full path.
    var skipsUnchangedRows = true

    /// Creates a request.
    public init(
        kind: SnapshotKind, path: String, displayName: String? = nil, department: String? = nil, format: InputFormat? = nil,
        encoding: EncodingChoice = .auto, dryRun: Bool = false, rejectsPath: String? = nil, allowMassRemoval: Bool = false,
        validateXML: Bool = false, chunkSize: Int = 256 * 1024, digest: FileDigest? = nil, followsLinks: Bool = true,
        sheet: String? = nil
    ) {
        self.sheet = sheet
        self.chunkSize = chunkSize
        self.digest = digest
        self.followsLinks = followsLinks
        self.kind = kind
        self.path = path
        self.displayName = displayName ?? path
        self.department = department
        self.format = format
        self.encoding = encoding
        self.dryRun = dryRun
        self.rejectsPath = rejectsPath
        self.allowMassRemoval = allowMassRemoval
        self.validateXML = validateXML
    }

    /// The scope whose snapshot the file replaces.
    public var scopeKey: String {
        switch kind {
        case .register: "register:\(department ?? "")"
        case .inspectors: "inspectors:\(department ?? "")"
        case .avoidance: "avoidance"
        }
    }
}

/// What a snapshot import did (or, in a dry run, would do).
public struct SnapshotImportReport: Sendable, Hashable, Codable {
    /// How the import ended.
    public enum Outcome: String, Sendable, Hashable, Codable {
        /// The snapshot was stored.
        case imported
        /// The same file was the latest import of this scope: nothing to do.
        case unchanged
        /// A dry run: nothing was written.
        case dryRun
        /// The file could not be read as a whole; nothing was written.
        case fileRejected
        /// The snapshot would have removed too much; nothing was written.
        case refused
        /// The file changed while it was read (see ``SnapshotImportRequest/digest``); nothing was written.
        case changedWhileRead
    }

    /// The kind of snapshot.
    public var kind: SnapshotKind
    /// The file as named in diagnostics.
    public var file: String
    /// The department, if any.
    public var department: String?
    /// How it ended.
    public var outcome: Outcome
    /// Data rows read (blank lines and a total row excluded).
    public var rowsRead = 0
    /// Rows accepted.
    public var rowsImported = 0
    /// Rows rejected.
    public var rowsRejected = 0
    /// Keys new to the scope.
    public var added = 0
    /// Keys whose values changed.
    public var changed = 0
    /// Keys no longer sent (their current version is closed).
    public var removed = 0
    /// Keys sent again unchanged.
    public var unchanged = 0
    /// Keys whose new row was rejected: their current version stays as it was.
    public var retained = 0
    /// The current size of the scope before the import.
    public var previousCount = 0
    /// Seconds spent.
    public var elapsed: Double = 0
    /// Where rejected rows were written.
    public var rejectsFile: String?
    /// Errors (rejected rows, a rejected file) and warnings, in file order.
    public var diagnostics: [Diagnostic] = []
    /// The SHA-256 of the file.
    public var sha256: String?

    /// Rows per second, for the summary.
    public var rowsPerSecond: Int { elapsed > 0 ? Int((Double(rowsRead) / elapsed).rounded()) : rowsRead }

    /// The exit status: 0 when all was accepted, 65 when any row or the file was rejected.
    public var status: ExitStatus {
        switch outcome {
        case .fileRejected, .refused, .changedWhileRead: .dataRejected
        case .imported, .unchanged, .dryRun: rowsRejected > 0 ? .dataRejected : .success
        }
    }

    /// The one-paragraph summary printed at the end.
    public var summary: String { summary(in: MessageCatalogue(.en)) }

    /// The summary in the catalogue's language.
    public func summary(in words: MessageCatalogue) -> String {
        let (kindKey, nounKey) = (kind.nameKey, kind.nounKey)
        let who = department.map { words(.importWho, ["department": ControlCharacters.escaped($0)]) } ?? ""
        let file = ControlCharacters.escaped(file)
        let names = ["file": file, "kind": words(kindKey), "who": who]
        let head: String
        switch outcome {
        case .imported: head = words(.importHeadImported, names)
        case .unchanged: return words(.importUnchanged, names.merging(["sha": String(sha256?.prefix(12) ?? "")]) { $1 })
        case .dryRun: head = words(.importHeadDryRun, names)
        case .fileRejected: return words(.importFileRejected, names)
        case .changedWhileRead: return words(.importChangedWhileRead, names)
        case .refused: head = words(.importHeadRefused, names)
        }
        var text = words(
            .importCounts,
            [
                "head": head, "rows": "\(rowsRead)", "imported": "\(rowsImported)", "rejected": "\(rowsRejected)", "noun": words(nounKey),
                "added": "\(added)", "changed": "\(changed)", "removed": "\(removed)", "unchanged": "\(unchanged)",
                "retained": retained > 0 ? words(.importRetained, ["count": "\(retained)"]) : "",
                "seconds": String(format: "%.2f", elapsed), "perSecond": "\(rowsPerSecond)",
            ])
        if let rejectsFile { text += "\n" + words(.importRejectsWritten, ["path": rejectsFile]) }
        return text
    }
}

/// The file's bytes differ from the digest the caller took before the import (the nightly run
/// hashes every inbox file first): it changed while it was read, most likely still being written.
struct FileChangedWhileRead: Error {
    /// The digest taken before.
    var expected: FileDigest
    /// The digest of the bytes read.
    var read: FileDigest

    /// What happened, in English (the night's log).
    var message: String { MessageCatalogue(.en)(text) }

    /// What happened: a catalogue text.
    var text: Message { Message(.importFileChanged, ["before": "\(expected.byteCount)", "read": "\(read.byteCount)"]) }
}

/// The refusal of a snapshot that would remove more than `SnapshotImporter.massRemovalLimit`.
struct MassRemovalRefused: Error {
    var text: Message
}

/// The file-level failures of an import's reading (what the readers and the digest check throw), as
/// the diagnostic of a rejected file; nil for any other error, which the caller throws on. One home
/// for the snapshot and results imports.
enum ReadFailure {
    /// The diagnostic, and whether the file changed while it was read (left for the next run).
    static func diagnostic(_ error: any Error, file: String) -> (diagnostic: Diagnostic, changedWhileRead: Bool)? {
        switch error {
        case let error as FileChangedWhileRead: (Diagnostic(.error, error.text, at: SourceLocation(file: file)), true)
        case let error as MalformedFileError: (error.diagnostic, false)
        case let error as DecodingError: (error.diagnostic, false)
        default: nil
        }
    }
}
