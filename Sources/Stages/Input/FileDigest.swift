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

    /// Hashes the file at `path`.
    public static func of(path: String, displayName: String? = nil) throws -> FileDigest {
        let file = try FileChunks(path: path, displayName: displayName ?? path, chunkSize: 1 << 20)
        defer { file.close() }
        var hasher = SHA256Hasher()
        var total = 0
        while let chunk = try file.next() {
            total += chunk.count
            chunk.withUnsafeBytes { hasher.update($0) }
        }
        let digest = hasher.finalize()
        return FileDigest(sha256: SHA256.hexString(digest), byteCount: total)
    }
}

/// A file digest computed on another thread while the caller streams the same file.
final class PendingDigest: @unchecked Sendable {
    private let lock = NSLock()
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<FileDigest, any Error>?

    /// Starts hashing `path` on a background queue.
    init(path: String, displayName: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            let outcome = Result { try FileDigest.of(path: path, displayName: displayName) }
            lock.withLock { result = outcome }
            done.signal()
        }
    }

    /// Waits for the digest.
    func wait() throws -> FileDigest {
        done.wait()
        done.signal()
        guard let result = lock.withLock({ result }) else {
            throw MalformedFileError(location: SourceLocation(file: "digest"), message: "the digest was not computed")
        }
        return try result.get()
    }
}

/// A file read with `read(2)` in fixed-size chunks: the one way the readers and the digest open
/// and read a file. Opening and reading failures are a ``MalformedFileError`` naming the file.
public struct FileChunks {
    /// A source of chunks: the next one, or nil at the end.
    public typealias Source = () throws -> [UInt8]?

    /// The next chunk, or nil at the end of the file.
    public let next: Source
    /// Closes the file (again: no effect).
    public let close: () -> Void

    /// Opens `path`; `displayName` names it in errors.
    public init(path: String, displayName: String, chunkSize: Int) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        if descriptor < 0 {
            throw MalformedFileError(
                location: SourceLocation(file: displayName), message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        let size = max(1, chunkSize)
        var buffer = [UInt8](repeating: 0, count: size)
        next = {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, size) }
            if count < 0 {
                throw MalformedFileError(
                    location: SourceLocation(file: displayName), message: "read failed: \(String(cString: strerror(errno)))")
            }
            return count == 0 ? nil : Array(buffer[0..<count])
        }
        var closed = false
        close = {
            guard !closed else { return }
            closed = true
            _ = closeDescriptor(descriptor)
        }
    }
}

/// `close(2)`, under a name the closure property `close` does not shadow.
private func closeDescriptor(_ descriptor: Int32) -> Int32 { Foundation.close(descriptor) }
