internal import Foundation
public import Pipeline

/// Another process holds the store's lock.
public struct RunLockHeld: LocalizedReportableError, Sendable, Hashable {
    /// The lock file.
    public var path: String
    /// The holder's process id as it wrote it in the lock file, if it had written it yet.
    public var holder: Int32?
    /// The holder's command (`run`, `import`, …) as it wrote it, if it did.
    public var command: String?
    /// The command that was refused (`run`, `import`, …).
    public var requester: String

    /// Creates the error.
    public init(path: String, holder: Int32?, command: String? = nil, requester: String = "run") {
        self.path = path
        self.requester = requester
        self.holder = holder
        self.command = command
    }

    /// `suiji import: another suiji run (pid N) holds the lock PATH; …`.
    public var description: String { MessageCatalogue(.en)(message(in: .en)) }

    /// The text (it names the refused command, so it has no `error: ` before it).
    public func message(in language: UILanguage) -> Message {
        Message(
            .runLockHeld, ["requester": requester, "command": command ?? "run", "path": path],
            parts: ["pid": holder.map { Message(verbatim: "\($0)") } ?? Message(.storePidUnknown)])
    }

    /// Printed as it is, without `error: `.
    public var hasErrorPrefix: Bool { false }
}

/// An exclusive `flock(2)` on the store's lock file (`<store>.lock`), held for the life of the value.
///
/// The nightly run takes it, and so does every command that writes to the store (imports, plan
/// import, draws, publication), so that a hand-run import never interleaves with a night.
/// The holder writes its process id and command into the file so that a refused one can say who holds it. The
/// kernel drops the lock when the process ends in any way, kill -9 included, so a crashed run never
/// leaves a stale lock behind; the file itself stays (it is not the lock).
public final class RunLock {
    /// The lock file.
    public let path: String
    private let descriptor: Int32

    private init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    /// The lock file of a store: `<canonical store path>.lock`, so that every way of naming one
    /// store (`./s.sqlite`, an absolute path, a symbolic link to the file or to a folder on the
    /// way) reaches one lock, and two writers exclude each other however they were told the path.
    public static func path(forStore storePath: String) -> String { canonicalPath(storePath) + ".lock" }

    /// The real path of a file: symbolic links, `.` and `..` resolved (`realpath(3)`); for a file
    /// not yet made, the real path of its folder and its name.
    public static func canonicalPath(_ path: String) -> String {
        if let resolved = realpath(path, nil) {
            defer { free(resolved) }
            return String(cString: resolved)
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        guard let resolved = realpath(folder.isEmpty ? "." : folder, nil) else { return url.standardizedFileURL.path }
        defer { free(resolved) }
        let base = String(cString: resolved)
        return (base.hasSuffix("/") ? base : base + "/") + url.lastPathComponent
    }

    /// Who holds a store's lock, as the holder wrote it: a process id and a command.
    public struct Holder: Sendable, Hashable {
        /// The holder's process id, if written yet.
        public var pid: Int32?
        /// The holder's command (`run`, `import`, …), if written.
        public var command: String?
    }

    /// The live holder named in a store's lock file, or nil (no file, nothing written, or that
    /// process has ended). Only reads the file: it never takes the lock, not even for a moment.
    public static func holder(ofStore storePath: String) -> Holder? {
        let fd = open(path(forStore: storePath), O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let (pid, command) = holder(fd)
        guard let pid, kill(pid, 0) == 0 || errno == EPERM else { return nil }
        return Holder(pid: pid, command: command)
    }

    /// Takes the lock at once or throws ``RunLockHeld``; other failures (the folder is missing or not
    /// writable) throw `StoreError`; a PostgreSQL store throws ``NotYetOnPostgreSQL``.
    public static func acquire(path: String, command: String = "run") throws -> RunLock {
        // A PostgreSQL store has no lock file: a command that reaches here with one is not yet available there.
        try PostgresAddress.refuse(path, command: command, takingLockFile: true)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StoreError(path: path, Message(.storeLockFileOpen, ["reason": String(cString: strerror(errno))]))
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let code = errno
            let (holder, holderCommand) = Self.holder(fd)
            close(fd)
            if code == EWOULDBLOCK { throw RunLockHeld(path: path, holder: holder, command: holderCommand, requester: command) }
            throw StoreError(path: path, Message(.storeLockTake, ["reason": String(cString: strerror(code))]))
        }
        let text = Array("\(getpid())\n\(command)\n".utf8)
        _ = ftruncate(fd, 0)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        return RunLock(path: path, descriptor: fd)
    }

    /// The process id and command written in a lock file, if any.
    private static func holder(_ fd: Int32) -> (Int32?, String?) {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return (nil, nil) }
        let lines = String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\n").map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let command = lines.count > 1 && !lines[1].isEmpty && lines[1].allSatisfy { $0.isLetter || $0 == " " } ? lines[1] : nil
        return (lines.first.flatMap { Int32($0) }, command)
    }

    deinit {
        _ = flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

extension RunLockHeld {
    /// Another holder of the lock ends a command with 75.
    public var exitStatus: ExitStatus { .locked }
}
