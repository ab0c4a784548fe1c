import DevKit
import Foundation
import Pipeline

@testable import Stages

/// A fresh temporary folder, removed by the caller with `cleanup()` or else when the test process exits.
struct TemporaryFolder {
    let url: URL

    init() throws {
        url = try ScratchFolder.make("tests")
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    /// Writes a generated register as CSV; its path.
    func register(_ name: String, _ generator: RegisterGenerator) throws -> String {
        let path = path(name)
        try RegisterFileWriter.write(generator, layout: .csv, to: path)
        return path
    }

    func cleanup() { try? FileManager.default.removeItem(at: url) }
}

/// Converts UTF-8 text to GB18030 with the system's iconv command.
func gb18030(_ text: String) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/iconv")
    process.arguments = ["-f", "UTF-8", "-t", "GB18030"]
    let input = Pipe(), output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    input.fileHandleForWriting.write(Data(text.utf8))
    try input.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Array(data)
}

/// A chunk source that hands out `bytes` in pieces of `size` (1 = one byte at a time).
func chunks(_ bytes: [UInt8], size: Int) -> DelimitedFileReader.ChunkSource {
    var offset = 0
    return {
        guard offset < bytes.count else { return nil }
        let end = min(offset + size, bytes.count)
        defer { offset = end }
        return Array(bytes[offset..<end])
    }
}

/// Calls of a source made on a reader's own thread, counted where the test's thread can look.
final class SourceCalls: @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0
    /// Counts a call; the number of this one (1 for the first).
    func add() -> Int {
        lock.withLock {
            calls += 1
            return calls
        }
    }
    /// The calls so far.
    var count: Int { lock.withLock { calls } }
}

/// A source that hands out `pieces`, one a call, then fails as a read of `file` that the disk refused.
func failingSource(_ pieces: [[UInt8]], file: String, calls: SourceCalls) -> DelimitedFileReader.ChunkSource {
    {
        let call = calls.add()
        guard call <= pieces.count else {
            throw MalformedFileError(location: SourceLocation(file: file), message: "read failed: Input/output error")
        }
        return pieces[call - 1]
    }
}

/// Every record of a reader.
func readAll(_ reader: DelimitedFileReader) throws -> [DelimitedRecord] {
    var records: [DelimitedRecord] = []
    while let record = try reader.next() { records.append(record) }
    return records
}

/// The bytes of a file.
func fileBytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }
