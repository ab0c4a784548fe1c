// The message catalogue: `Pipeline/Resources/messages.json`, every ``MessageKey`` in Chinese (`zh`) and English
// (`en`), compiled into suiji, and the one renderer of `{slots}` (the pages' texts use it too).
//
// Slots: `{name}` is the value as given; `{#name}` an integer grouped by thousands (``Count``);
// `{name|one|other}` an integer with the noun in the right number (English: `1 file`, `2 files`).
// A value is filled in once: a name from a file that holds `{x}` is never read as a slot.

internal import Foundation

/// A language suiji writes for people.
public enum UILanguage: String, Sendable, Hashable, Codable, CaseIterable {
    /// Simplified Chinese (`zh`).
    case zh
    /// English (`en`).
    case en

    /// The HTML `lang` value: `zh-CN` or `en`.
    public var htmlTag: String {
        switch self {
        case .zh: "zh-CN"
        case .en: "en"
        }
    }
}

/// The catalogue's texts in one language.
public struct MessageCatalogue: Sendable {
    /// The language.
    public let language: UILanguage

    /// The catalogue in `language`.
    public init(_ language: UILanguage) { self.language = language }

    /// The table compiled into suiji (empty if it cannot be read: MessageCatalogueTests make sure it can).
    static let table: [String: [String: String]] =
        (EmbeddedResourceTable.base64(named: "messages.json").flatMap { Data(base64Encoded: $0) }.flatMap {
            try? JSONDecoder().decode([String: [String: String]].self, from: $0)
        }) ?? [:]

    /// The raw text of a key in a language (nil when the catalogue lacks it).
    public static func raw(_ key: String, _ language: UILanguage) -> String? { table[key]?[language.rawValue] }

    /// Every key of the catalogue file.
    public static var keys: [String] { table.keys.sorted() }

    /// The text of `message` in this language.
    public func callAsFunction(_ message: Message) -> String {
        guard !message.parts.isEmpty else { return self(message.key, message.values) }
        var values = message.values
        for (slot, part) in message.parts { values[slot] = self(part) }
        return self(message.key, values)
    }

    /// The text of `key` with its slots filled from `values` (the key itself if the catalogue lacks it).
    public func callAsFunction(_ key: MessageKey, _ values: [String: String] = [:]) -> String {
        Self.fill(Self.raw(key.rawValue, language) ?? key.rawValue, values)
    }

    /// `text` with its slots filled from `values`, in one pass; a slot without a value stays as written.
    public static func fill(_ text: String, _ values: [String: String]) -> String {
        var out = ""
        var rest = Substring(text)
        // The braces are found by their bytes (ASCII, so the indices fall on characters): a search by
        // characters was most of rendering an import's thousands of diagnostics.
        while let open = rest.utf8.firstIndex(of: UInt8(ascii: "{")), let close = rest.utf8[open...].firstIndex(of: UInt8(ascii: "}")) {
            out += rest[..<open]
            let slot = rest[rest.utf8.index(after: open)..<close]
            out += render(slot, values) ?? String(rest[open...close])
            rest = rest[rest.utf8.index(after: close)...]
        }
        return out + rest
    }

    private static func render(_ slot: Substring, _ values: [String: String]) -> String? {
        if slot.hasPrefix("#") {
            guard let value = values[String(slot.dropFirst())] else { return nil }
            return Int(value).map(Count.number) ?? value
        }
        let parts = slot.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard let value = values[parts[0]] else { return nil }
        guard parts.count == 3, let n = Int(value) else { return value }
        return Count.of(n, parts[1], plural: parts[2])
    }

    /// The slot names of a text (`#` and nouns left out), sorted.
    public static func slots(in text: String) -> [String] {
        var slots: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            var slot = rest[rest.index(after: open)..<close]
            if slot.hasPrefix("#") { slot = slot.dropFirst() }
            slots.append(String(slot.split(separator: "|", omittingEmptySubsequences: false).first ?? slot))
            rest = rest[rest.index(after: close)...]
        }
        return slots.sorted()
    }
}

/// An error whose text is in the catalogue: rendered in the language in force where it is printed
/// (`Suiji.main`); its `description` is the English text, for logs.
public protocol LocalizedReportableError: ReportableError {
    /// The text in `language`, without the `error: ` prefix (values that are words themselves are
    /// rendered in that language too).
    func message(in language: UILanguage) -> Message

    /// False for an error whose text names the command itself (`suiji import: …`): printed without `error: `.
    var hasErrorPrefix: Bool { get }
}

extension LocalizedReportableError {
    /// Printed after `error: `.
    public var hasErrorPrefix: Bool { true }
}

extension UILanguage {
    /// The language of what suiji prints: `--lang`, else `[ui] language` of the configuration, else
    /// the locale (`LC_ALL`, then `LC_MESSAGES`, then `LANG`: `zh…` is Chinese), else English.
    public static func resolve(option: UILanguage?, configured: UILanguage?, environment: [String: String]) -> UILanguage {
        if let language = option ?? configured { return language }
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("zh") ? .zh : .en
        }
        return .en
    }
}
