// `[ui]` of suiji.toml: what people read. The language of the files suiji writes for people (the
// night's run.txt and pages: configured, else Chinese) and, unless `--lang` is given, of what it prints
// (MessageCatalogue.swift: configured, else the locale).

public import Pipeline

extension Configuration {
    /// What people read (`[ui]`).
    public struct UISettings: Sendable, Hashable, Codable {
        /// `ui.language`: `"zh"` or `"en"`; nil when the file does not set it (the pages are then
        /// Chinese, ``pageLanguage``).
        public var language: UILanguage?

        /// Creates the settings.
        public init(language: UILanguage? = nil) { self.language = language }

        /// The default: no language set.
        public static let defaults = UISettings()

        /// The language of the pages: the configured one, else Chinese (the users are a county's civil servants).
        public var pageLanguage: UILanguage { language ?? .zh }

        /// The catalogue in ``pageLanguage``: what the night writes for the county (run.txt, pages, file reasons).
        public var pageWords: MessageCatalogue { MessageCatalogue(pageLanguage) }
    }
}
