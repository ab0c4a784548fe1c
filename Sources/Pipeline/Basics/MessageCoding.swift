// Messages stored in machine formats (`run.json`'s warning texts): the catalogue key and its values,
// language-neutral, so that a page or report written later says them in its own language.

extension Message: Codable {
    private enum CodingKeys: String, CodingKey {
        case key, values, parts
    }

    /// Reads `{"key": …, "values": {…}, "parts": {…}}`; a key this suiji does not know comes back as verbatim text.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let raw = try container.decode(String.self, forKey: .key)
        let values = try container.decodeIfPresent([String: String].self, forKey: .values) ?? [:]
        let parts = try container.decodeIfPresent([String: Message].self, forKey: .parts) ?? [:]
        if let key = MessageKey(rawValue: raw) {
            self.init(key, values, parts: parts)
        } else {
            self.init(verbatim: raw)
        }
    }

    /// Writes the key and its values (language-neutral), leaving out empty values and parts.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key.rawValue, forKey: .key)
        if !values.isEmpty { try container.encode(values, forKey: .values) }
        if !parts.isEmpty { try container.encode(parts, forKey: .parts) }
    }
}
