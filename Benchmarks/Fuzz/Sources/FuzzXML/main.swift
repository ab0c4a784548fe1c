// Fuzzes the XML register reader (XMLRecordReader over libxml2's SAX2 push parser, with the prolog
// guard that refuses a DOCTYPE, and the markup scanner that gives every field its line).
// Invariants: no crash or hang; the same records, diagnostics and error whether the document comes
// whole or in pieces of 1-8 bytes; record lines never go back; diagnostics in document order; at
// the end of a document read without error, every byte was handed to the parser (bytes accounted).

import FuzzSupport
import Pipeline
import Stages

/// Everything the reader made of one input.
struct Outcome: Equatable {
    var records: [XMLRecord] = []
    var diagnostics: [Diagnostic] = []
    var root: [String: String] = [:]
    var error: String?
    var bytesRead = 0
}

func read(_ chunks: @escaping () throws -> [UInt8]?) -> Outcome {
    var outcome = Outcome()
    let reader = XMLRecordReader(chunks: chunks, displayName: "fuzz.xml")
    do {
        while let record = try reader.next() { outcome.records.append(record) }
    } catch {
        outcome.error = String(describing: error)
    }
    outcome.diagnostics = reader.diagnostics
    outcome.root = reader.rootAttributes
    outcome.bytesRead = reader.bytesRead
    return outcome
}

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let whole = read(input.whole())
    let split = read(input.split())
    require(whole.records == split.records, "whole and split records differ: \(whole.records) vs \(split.records)")
    require(whole.error == split.error, "whole and split errors differ: \(whole.error ?? "none") vs \(split.error ?? "none")")
    require(whole.diagnostics == split.diagnostics, "whole and split diagnostics differ: \(whole.diagnostics) vs \(split.diagnostics)")
    require(whole.root == split.root, "whole and split root attributes differ")
    let lines = whole.records.map(\.line)
    require(zip(lines, lines.dropFirst()).allSatisfy { $0 <= $1 }, "record lines go back: \(lines)")
    require(inFileOrder(whole.diagnostics), "diagnostics out of document order: \(whole.diagnostics)")
    if whole.error == nil { require(whole.bytesRead == size, "handed \(whole.bytesRead) of \(size) bytes to the parser") }
    return 0
}

/// libFuzzer's own entry point, the same test (its archive's main, if linked, calls it).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(data, size) }

runFuzzer(fuzz)
