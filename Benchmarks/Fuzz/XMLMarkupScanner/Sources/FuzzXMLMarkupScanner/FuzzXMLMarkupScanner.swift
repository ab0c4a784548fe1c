// libFuzzer target: reads each input as an XML register through `XMLRecordReader` and traps if the
// markup scanner and libxml2 ever disagree (`XMLLineTrackingError`). Any other error is the
// input's (most inputs are not well-formed) and is fine. The first byte picks how the document is
// fed (whole, one byte at a time, 7-byte or 511-byte chunks), since the scanner sees pieces.

import CLibFuzzerDriver
import Foundation
import Stages

/// One input: the first byte chooses the feeding, the rest is the document.
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let document = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let chunk = [max(1, document.count), 1, 7, 511][Int(data[0] & 3)]
    var offset = 0
    let reader = XMLRecordReader(
        chunks: {
            guard offset < document.count else { return nil }
            let end = min(offset + chunk, document.count)
            defer { offset = end }
            return Array(document[offset..<end])
        }, displayName: "fuzz.xml")
    do {
        while try reader.next() != nil {}
    } catch let error as XMLLineTrackingError {
        fatalError("\(error)")
    } catch {
        // The input's own fault.
    }
    return 0
}

/// SwiftPM gives the executable its `main`; it hands over to libFuzzer's driver.
@main
enum FuzzXMLMarkupScanner {
    static func main() {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOne(data, size) })
    }
}
