internal import Foundation
public import Pipeline

// The scope map in force: the operator's file named by `[draw] scope_map` (resolved against the
// configuration file's folder), else the map bundled with suiji. An operator's file that is missing,
// unreadable or not a valid scope map stops the command with an error naming the file and, for a
// bad map, what is wrong and where in the JSON; it never falls back to the bundled map, since a
// draw over a map other than the one the operator configured would be silently wrong.

/// A scope-map file that cannot be used: missing, unreadable, or not a valid scope map.
public struct ScopeMapFileError: DiagnosticReportableError, Sendable, Hashable, CustomStringConvertible {
    /// The file, as resolved from the configuration.
    public var file: String
    /// The 1-based line of a JSON syntax error, else nil.
    public var line: Int?
    /// The 1-based column (in characters) of a JSON syntax error, else nil.
    public var column: Int?
    /// What is wrong and what to do.
    public var text: Message

    /// Creates an error.
    public init(file: String, line: Int? = nil, column: Int? = nil, _ text: Message) {
        self.file = file
        self.line = line
        self.column = column
        self.text = text
    }

    /// ``text`` in English.
    public var message: String { text.english }

    /// The error as a diagnostic.
    public var diagnostic: Diagnostic { Diagnostic(.error, text, at: SourceLocation(file: file, line: line, column: column)) }

    /// `file[:line:column]: error: message`.
    public var description: String { diagnostic.description }
}

/// Loads the scope map a configuration names.
public enum ScopeMapLoader {
    /// The configured scope map (`[draw] scope_map`), or the bundled one when the key is empty.
    public static func load(_ configuration: Configuration) throws -> ScopeMap {
        guard let path = configuration.resolvedScopeMapPath else { return try BundledScopeMap.load() }
        return try load(path: path)
    }

    /// Where the configured scope map comes from: its resolved path, or `bundled`.
    public static func source(_ configuration: Configuration) -> String {
        configuration.resolvedScopeMapPath ?? "bundled"
    }

    /// Reads and checks a scope-map file.
    public static func load(path: String) throws(ScopeMapFileError) -> ScopeMap {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ScopeMapFileError(file: path, Message(.scopeMapMissing))
        }
        guard !isDirectory.boolValue else {
            throw ScopeMapFileError(file: path, Message(.scopeMapFolder))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ScopeMapFileError(file: path, Message(.scopeMapUnreadable, ["reason": error.localizedDescription]))
        }
        // Foundation's decoder says only "not valid JSON"; the strict parser says what and where,
        // and also refuses duplicate keys, which the decoder would silently resolve.
        do {
            _ = try CanonicalJSON.parse(data)
        } catch {
            let (line, column) = position(ofByte: error.offset, in: Array(data))
            throw ScopeMapFileError(file: path, line: line, column: column, Message(.jsonInvalid, ["reason": error.message]))
        }
        do {
            return try ScopeMap(jsonData: data)
        } catch let error as ScopeMapError {
            throw ScopeMapFileError(file: path, Message(.scopeMapInvalid, parts: ["reason": error.text]))
        } catch {
            throw ScopeMapFileError(file: path, Message(.scopeMapInvalid, ["reason": "\(error)"]))
        }
    }

    /// The 1-based line and column (in characters, after a byte-order mark) of a byte offset.
    static func position(ofByte offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        let end = min(max(offset, 0), bytes.count)
        var line = 1
        var lineStart = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        for index in lineStart..<max(lineStart, end) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: bytes[min(lineStart, end)..<end], as: UTF8.self).count + 1
        return (line, column)
    }
}

extension ScopeMapFileError {
    /// How a command that stops on this error ends.
    public var exitStatus: ExitStatus { .configuration }
}
