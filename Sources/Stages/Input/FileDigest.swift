internal import Foundation
internal import Pipeline

#if canImport(Glibc)
internal import Glibc
#endif

/// The SHA-256 and size of a file, read in chunks (never the whole file at once).
public struct FileDigest: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the bytes.
    public var sha256: String
    /// The size in bytes.
    public var byteCount: Int

    /// Creates a digest.
    public init(sha256: String, byteCount: Int) {
        self.sha256 = sha256
        self.byteCount = byteCount
    }

    /// Hashes the file at `path`; with `followLinks` false a symbolic link is refused (`O_NOFOLLOW`).
    public static func of(path: String, displayName: String? = nil, followLinks: Bool = true) throws -> FileDigest {
        let file = try FileChunks(path: path, displayName: displayName ?? path, chunkSize: 1 << 20, followLinks: followLinks, hashing: true)
        defer { file.close() }
        return try file.digest()
    }
}

/// What a path names, by `lstat`: a symbolic link is itself, never what it points to.
enum FileType: Sendable, Hashable {
    case regular, directory, symbolicLink, fifo, socket, characterDevice, blockDevice, missing

    /// The type of `path` itself (not following a link).
    static func of(_ path: String) -> FileType {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .missing }
        return FileType(mode: info.st_mode)
    }

    /// The type in a `stat` mode.
    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFSOCK: self = .socket
        case S_IFCHR: self = .characterDevice
        case S_IFBLK: self = .blockDevice
        default: self = .missing
        }
    }

    /// "a FIFO", "a folder", … for messages.
    var noun: String { nounText.english }

    /// ``noun`` as a catalogue text.
    var nounText: Message {
        switch self {
        case .regular: Message(.fileTypeRegular)
        case .directory: Message(.fileTypeFolder)
        case .symbolicLink: Message(.fileTypeSymlink)
        case .fifo: Message(.fileTypeFIFO)
        case .socket: Message(.fileTypeSocket)
        case .characterDevice: Message(.fileTypeCharacterDevice)
        case .blockDevice: Message(.fileTypeBlockDevice)
        case .missing: Message(.fileTypeMissing)
        }
    }
}

/// A file read with `read(2)` in fixed-size chunks: the one way the readers and the digest open
/// and read a file. Opening and reading failures are a ``MalformedFileError`` naming the file.
///
/// Only a regular file is read: it is opened with `O_NONBLOCK` (so a FIFO cannot make `open`
/// wait for a writer) and refused at once unless `fstat` says it is a regular file, so a FIFO,
/// socket or device never hangs or floods a reader. With `followLinks` false a symbolic link is
/// refused too (`O_NOFOLLOW`; the nightly run's inbox). With `hashing`, the SHA-256 of exactly the
/// bytes read is computed in the same pass: ``digest`` is what an import records.
public struct FileChunks {
    /// A source of chunks: the next one, or nil at the end.
    public typealias Source = () throws -> [UInt8]?

    /// The next chunk, or nil at the end of the file.
    public let next: Source
    /// Closes the file (again: no effect).
    public let close: () -> Void
    /// With `hashing`: reads what is left of the file (a reader may stop before its end), then
    /// returns the SHA-256 and size of every byte read. The same value on later calls.
    public let digest: () throws -> FileDigest

    /// Opens `path`; `displayName` names it in errors.
    public init(path: String, displayName: String, chunkSize: Int, followLinks: Bool = true, hashing: Bool = false) throws {
        let descriptor = try openRegularFile(path, displayName: displayName, followLinks: followLinks)
        let state = ChunkState(descriptor: descriptor, size: max(1, chunkSize), displayName: displayName, hashing: hashing)
        next = { try state.next() }
        close = { state.close() }
        digest = { try state.digest() }
    }
}

/// The open file behind a ``FileChunks``: one reader at a time, possibly on another thread than
/// the one that asks for the digest, hence the lock.
///
/// The SHA-256 is computed on a queue of its own, a few chunks behind the reader: a register
/// import's reading thread is its slowest part, and hashing its 230 MB there was a tenth of that
/// thread's time at a million rows, while the store's thread waits idle in a re-import.
private final class ChunkState: @unchecked Sendable {
    private let lock = NSLock()
    private let descriptor: Int32
    private let displayName: String
    private let size: Int
    private var closed = false
    /// Touched only on `hashQueue`.
    private var hasher: SHA256Hasher?
    private let hashing: Bool
    private let hashQueue = DispatchQueue(label: "suiji file digest", qos: .userInitiated)
    /// Chunks handed to `hashQueue` and not hashed yet, at most `chunksInFlight`: memory stays bounded.
    private let inFlight = DispatchSemaphore(value: ChunkState.chunksInFlight)
    private static let chunksInFlight = 8
    private var total = 0
    private var finished: FileDigest?

    init(descriptor: Int32, size: Int, displayName: String, hashing: Bool) {
        self.descriptor = descriptor
        self.displayName = displayName
        self.size = size
        hasher = hashing ? SHA256Hasher() : nil
        self.hashing = hashing
    }

    deinit { if !closed { _ = closeDescriptor(descriptor) } }

    func next() throws -> [UInt8]? {
        try lock.withLock { try read() }
    }

    private func read() throws -> [UInt8]? {
        guard !closed, finished == nil else { return nil }
        // Read straight into the chunk handed out: no buffer of our own to copy from. (Copying
        // out of one with `Array(buffer[0..<count])` shared the buffer whenever a read filled it,
        // so the next read copied it again before writing to it.)
        var failure: Int32 = 0
        let chunk = [UInt8](unsafeUninitializedCapacity: size) { bytes, initialized in
            let count = Foundation.read(descriptor, bytes.baseAddress, size)
            if count < 0 { failure = errno }
            initialized = max(0, count)
        }
        if failure != 0 {
            throw MalformedFileError(
                location: SourceLocation(file: displayName), message: "read failed: \(String(cString: strerror(failure)))")
        }
        guard !chunk.isEmpty else { return nil }
        total += chunk.count
        if hashing {
            inFlight.wait()
            hashQueue.async { [self] in
                chunk.withUnsafeBytes { hasher?.update($0) }
                inFlight.signal()
            }
        }
        return chunk
    }

    func digest() throws -> FileDigest {
        try lock.withLock {
            if let finished { return finished }
            guard hashing else {
                throw MalformedFileError(location: SourceLocation(file: displayName), message: "the file was not opened for hashing")
            }
            guard !closed else {
                throw MalformedFileError(location: SourceLocation(file: displayName), message: "the file was closed before its end")
            }
            while try read() != nil {}
            // After every chunk handed to the queue.
            let sum = hashQueue.sync { () -> [UInt8]? in
                guard var done = hasher else { return nil }
                return done.finalize()
            }
            guard let sum else {
                throw MalformedFileError(location: SourceLocation(file: displayName), message: "no digest")
            }
            let made = FileDigest(sha256: SHA256.hexString(sum), byteCount: total)
            finished = made
            return made
        }
    }

    func close() {
        lock.withLock {
            guard !closed else { return }
            closed = true
            _ = closeDescriptor(descriptor)
        }
    }
}

/// Opens a file for reading, refusing at once (never blocking) anything that is not a regular file:
/// a FIFO, socket or device, and with `followLinks` false a symbolic link. The one way suiji opens
/// an input file, whichever reader reads it.
func openRegularFile(_ path: String, displayName: String, followLinks: Bool = true) throws -> Int32 {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followLinks ? 0 : O_NOFOLLOW))
    if descriptor < 0 {
        let text =
            errno == ELOOP && !followLinks
            ? Message(.inputSymbolicLink) : Message(.inputCannotOpen, ["reason": String(cString: strerror(errno))])
        throw MalformedFileError(location: SourceLocation(file: displayName), text)
    }
    var info = stat()
    guard fstat(descriptor, &info) == 0, FileType(mode: info.st_mode) == .regular else {
        _ = closeDescriptor(descriptor)
        throw MalformedFileError(
            location: SourceLocation(file: displayName),
            Message(.inputNotRegularFile, ["what": FileType(mode: info.st_mode).noun]))
    }
    return descriptor
}

/// `close(2)`, under a name the closure property `close` does not shadow.
private func closeDescriptor(_ descriptor: Int32) -> Int32 { Foundation.close(descriptor) }
