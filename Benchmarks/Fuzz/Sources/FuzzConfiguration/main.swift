// Fuzzes the configuration reader (Configuration.load(text:): TOMLKit's parser, then every key
// checked). Invariants: no crash or hang; a refusal names the file, and a line within the text;
// an accepted text loads the same again from its own bytes (determinism).

import FuzzSupport
import Pipeline
import Stages

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzInput(data, size).text
    let lineCount = text.unicodeScalars.filter { $0 == "\n" }.count + 1
    do {
        let first = try Configuration.load(text: text, displayName: "suiji.toml", baseDirectory: "/w")
        let again = try Configuration.load(text: text, displayName: "suiji.toml", baseDirectory: "/w")
        require(first == again, "the same text loaded twice differs")
    } catch {
        require(error.file == "suiji.toml", "the refusal names \(error.file)")
        if let line = error.line { require(line >= 1 && line <= lineCount + 1, "line \(line) of \(lineCount): \(error)") }
        require(!error.message.isEmpty, "an empty message")
        require(error.description.hasPrefix("suiji.toml"), "the description does not start with the file: \(error.description)")
    }
    return 0
}

/// libFuzzer's own entry point, the same test (its archive's main, if linked, calls it).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(data, size) }

runFuzzer(fuzz)
