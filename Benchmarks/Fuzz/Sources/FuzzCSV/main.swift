// Fuzzes the CSV/TSV reader (DelimitedFileReader: encoding detection, GB18030 decoding and the
// RFC 4180 parser, DelimitedRecordParser) and the register header mapping above it
// (DelimitedTabularStream). Invariants: no crash or hang; the same records, warnings and error
// whether the bytes come whole or in pieces of 1-8 bytes; record lines increase; warnings in file
// order; every byte read exactly once (bytes accounted) when the file is read to its end.

import FuzzSupport
import Pipeline
import Stages

/// Everything a reader made of one input.
struct Outcome: Equatable {
    var records: [DelimitedRecord] = []
    var rows: [TabularRow] = []
    var warnings: [Diagnostic] = []
    var error: String?
    var bytesRead = 0
}

/// Reads the input as a register, through the same types an import uses.
func read(_ chunks: @escaping () throws -> [UInt8]?) -> Outcome {
    var outcome = Outcome()
    // The raw records, as the parser splits them.
    let raw = DelimitedFileReader(chunks: chunks, displayName: "fuzz.csv")
    do {
        while let record = try raw.next() { outcome.records.append(record) }
    } catch {
        outcome.error = String(describing: error)
    }
    outcome.bytesRead = raw.bytesRead
    return outcome
}

/// The rows of the input as a register (header mapping, total rows, warnings).
func rows(_ chunks: @escaping () throws -> [UInt8]?) -> Outcome {
    var outcome = Outcome()
    do {
        let shape = try TabularShape.register()
        let stream = try DelimitedTabularStream(
            reader: DelimitedFileReader(chunks: chunks, displayName: "fuzz.csv"), shape: shape, displayName: "fuzz.csv")
        while let row = try stream.next() { outcome.rows.append(row) }
        try stream.finish()
        outcome.warnings = stream.warnings
    } catch {
        outcome.error = String(describing: error)
    }
    return outcome
}

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let whole = read(input.whole())
    let split = read(input.split())
    require(whole == split, "whole and split reads differ: \(whole) vs \(split)")
    let lines = whole.records.map(\.line)
    require(zip(lines, lines.dropFirst()).allSatisfy { $0 < $1 }, "record lines do not increase: \(lines)")
    require(lines.allSatisfy { $0 >= 1 }, "a record line below 1: \(lines)")
    if whole.error == nil { require(whole.bytesRead == size, "read \(whole.bytesRead) of \(size) bytes") }
    let wholeRows = rows(input.whole())
    let splitRows = rows(input.split())
    require(wholeRows == splitRows, "whole and split rows differ")
    require(inFileOrder(wholeRows.warnings), "warnings out of file order: \(wholeRows.warnings)")
    let rowLines = wholeRows.rows.map(\.line)
    require(zip(rowLines, rowLines.dropFirst()).allSatisfy { $0 < $1 }, "row lines do not increase: \(rowLines)")
    return 0
}

/// libFuzzer's own entry point, the same test (its archive's main, if linked, calls it).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(data, size) }

runFuzzer(fuzz)
