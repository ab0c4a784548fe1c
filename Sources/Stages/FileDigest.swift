internal import Foundation
#if canImport(Glibc)
internal import Glibc
#endif
public import Pipeline

/// The SHA-256 and size of a file, read in chunks (never the whole file at once).
public struct FileDigest: Sendable, Hashable {
    /// Lowercase hex SHA-256 of the bytes.
    public var sha256: String
    /// The size in bytes.
    public var byteCount: Int

    /// Hashes the file at `path`.
    public static func of(path: String, displayName: String? = nil) throws -> FileDigest {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw MalformedFileError(location: SourceLocation(file: displayName ?? path), message: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var hasher = SHA256Hasher()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total = 0
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                throw MalformedFileError(location: SourceLocation(file: displayName ?? path), message: "read failed: \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            total += count
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
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
