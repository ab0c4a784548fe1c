// What every fuzz target shares: the input split into chunks of sizes the input itself chooses,
// and a check that stops the process (libFuzzer records the input) when an invariant fails.

internal import FuzzDriver
public import Pipeline

#if canImport(Glibc)
internal import Glibc
#endif

/// Runs libFuzzer on `test` with the process's arguments, and exits with its status.
public func runFuzzer(_ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> Never {
    var argc = CommandLine.argc
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
    exit(LLVMFuzzerRunDriver(&argc, &argv, test))
}

/// Stops the fuzzer with `message` when `condition` is false: libFuzzer keeps the input as a crash.
public func require(_ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String) {
    if !condition() {
        print("invariant broken: \(message())")
        fatalError(message())
    }
}

/// The input's bytes, and its bytes split into chunks whose sizes cycle through 1…8 from the first
/// byte: readers must give the same result however the file arrives.
public struct FuzzInput {
    /// All of it.
    public let bytes: [UInt8]

    /// Copies libFuzzer's buffer.
    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        bytes = Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// The bytes as text (invalid UTF-8 repaired, as a reader of text would).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// A chunk source that hands out the whole input at once.
    public func whole() -> () throws -> [UInt8]? {
        var done = false
        let bytes = self.bytes
        return {
            guard !done, !bytes.isEmpty else { return nil }
            done = true
            return bytes
        }
    }

    /// A chunk source that hands out the input in small pieces chosen by its first byte.
    public func split() -> () throws -> [UInt8]? {
        var offset = 0
        var step = Int(bytes.first ?? 0)
        let bytes = self.bytes
        return {
            guard offset < bytes.count else { return nil }
            step = step &* 31 &+ 7
            let size = 1 + (step & 0x7FFF) % 8
            let end = min(bytes.count, offset + size)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
    }
}

/// True when diagnostics are in file order (line, then column).
public func inFileOrder(_ diagnostics: [Diagnostic]) -> Bool {
    let positions = diagnostics.map { ($0.location?.line ?? 0, $0.location?.column ?? 0) }
    return zip(positions, positions.dropFirst()).allSatisfy { earlier, later in
        earlier.0 < later.0 || (earlier.0 == later.0 && earlier.1 <= later.1)
    }
}
