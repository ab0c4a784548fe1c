// `Encodable` values as `CanonicalJSON`, so that a type's synthesized `Codable` conformance can be
// written by the one JSON writer (plan tasks, import summaries, reports) instead of Foundation's
// `JSONEncoder`, whose key order and spacing are its own and not promised across releases.
//
// It behaves as `JSONEncoder` with its default strategies does for the values we encode: keys as
// the coding keys spell them, `nil` left out by `encodeIfPresent` (the synthesized conformances)
// and written as `null` by `encodeNil`, integers as integers, a `Double` as a number (`1.0` as `1`),
// NaN and infinities refused. `Float` and integers beyond `Int` are refused too (none of our
// formats holds them, and they would not round-trip through `CanonicalJSON`).

extension CanonicalJSON {
    /// The value that `value`'s `Encodable` conformance describes.
    public init(encoding value: some Encodable) throws {
        let root = EncodingNode()
        try value.encode(to: CanonicalJSONEncoder(node: root, codingPath: []))
        self = root.value
    }
}

/// A value under construction: containers hand out child nodes and fill them in place, as the
/// `Encoder` protocol requires (a nested container outlives the call that made it).
private final class EncodingNode {
    /// What this node has become so far.
    enum Kind {
        case empty, leaf, object, array
    }

    var kind = Kind.empty
    /// The value of a leaf.
    var leaf = CanonicalJSON.null
    /// The members of an object.
    var fields: [String: EncodingNode] = [:]
    /// The items of an array.
    var items: [EncodingNode] = []

    init() {}

    init(_ value: CanonicalJSON) {
        kind = .leaf
        leaf = value
    }

    /// The finished value (an empty node is an empty object, as with `JSONEncoder`).
    var value: CanonicalJSON {
        switch kind {
        case .empty: return .object([:])
        case .leaf: return leaf
        case .object: return .object(fields.mapValues(\.value))
        case .array: return .array(items.map(\.value))
        }
    }

    /// Makes the node `kind` if still empty; a node already holding another kind is a fault in
    /// the `Encodable` conformance, reported as an encoding error.
    func become(_ wanted: Kind, codingPath: [any CodingKey]) throws {
        if kind == .empty { kind = wanted }
        guard kind == wanted else {
            throw EncodingError.invalidValue(
                leaf, EncodingError.Context(codingPath: codingPath, debugDescription: "a \(wanted) container over a \(kind) value"))
        }
    }

    /// Sets a leaf value (a single-value container may overwrite what it wrote).
    func set(_ value: CanonicalJSON) {
        kind = .leaf
        leaf = value
        fields = [:]
        items = []
    }
}

/// The `Encoder` handed to `encode(to:)`.
private struct CanonicalJSONEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(node: EncodingNode, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.kind == .empty { node.kind = .object }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.kind == .empty { node.kind = .array }
        return UnkeyedContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath)
    }

    /// The JSON value of a leaf, or nil when `value` must encode itself.
    static func leaf(_ value: some Encodable, codingPath: [any CodingKey]) throws -> CanonicalJSON? {
        switch value {
        case let v as String: return .string(v)
        case let v as Bool: return .bool(v)
        case let v as Int: return .integer(v)
        case let v as Double: return try number(v, codingPath: codingPath)
        default: return nil
        }
    }

    /// A `Double` as JSON: an error for NaN and infinities.
    static func number(_ value: Double, codingPath: [any CodingKey]) throws -> CanonicalJSON {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) cannot be written in JSON"))
        }
        return .number(value)
    }

    /// An integer of any width as JSON: an error beyond the range of `Int`.
    static func integer(_ value: some BinaryInteger, codingPath: [any CodingKey]) throws -> CanonicalJSON {
        guard let int = Int(exactly: value) else {
            throw EncodingError.invalidValue(
                value,
                EncodingError.Context(codingPath: codingPath, debugDescription: "\(value) is beyond the integers JSON is written with"))
        }
        return .integer(int)
    }

    /// A `Float` is refused: its text would change on the way through `Double`.
    static func refuse(_ value: Float, codingPath: [any CodingKey]) -> any Error {
        EncodingError.invalidValue(
            value, EncodingError.Context(codingPath: codingPath, debugDescription: "Float is not written; use Double"))
    }

    /// The node `value` encodes to.
    static func node(for value: some Encodable, codingPath: [any CodingKey]) throws -> EncodingNode {
        if let leaf = try leaf(value, codingPath: codingPath) { return EncodingNode(leaf) }
        let child = EncodingNode()
        try value.encode(to: CanonicalJSONEncoder(node: child, codingPath: codingPath))
        return child
    }
}

/// A coding key made from a string or an index.
private struct JSONKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }
    init(intValue: Int) {
        stringValue = String(intValue)
        self.intValue = intValue
    }
    static let superKey = JSONKey(stringValue: "super")
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func set(_ child: EncodingNode, for key: any CodingKey) throws {
        try node.become(.object, codingPath: codingPath)
        node.fields[key.stringValue] = child
    }

    private func setLeaf(_ value: CanonicalJSON, for key: Key) throws { try set(EncodingNode(value), for: key) }

    mutating func encodeNil(forKey key: Key) throws { try setLeaf(.null, for: key) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { try setLeaf(.bool(value), for: key) }
    mutating func encode(_ value: String, forKey key: Key) throws { try setLeaf(.string(value), for: key) }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        try setLeaf(try CanonicalJSONEncoder.number(value, codingPath: codingPath + [key]), for: key)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        throw CanonicalJSONEncoder.refuse(value, codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { try setLeaf(.integer(value), for: key) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { try setLeaf(.integer(Int(value)), for: key) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { try setLeaf(.integer(Int(value)), for: key) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { try setLeaf(.integer(Int(value)), for: key) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { try setLeaf(.integer(Int(value)), for: key) }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        try setLeaf(try CanonicalJSONEncoder.integer(value, codingPath: codingPath + [key]), for: key)
    }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { try setLeaf(.integer(Int(value)), for: key) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { try setLeaf(.integer(Int(value)), for: key) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { try setLeaf(.integer(Int(value)), for: key) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        try setLeaf(try CanonicalJSONEncoder.integer(value, codingPath: codingPath + [key]), for: key)
    }
    mutating func encode(_ value: some Encodable, forKey key: Key) throws {
        try set(try CanonicalJSONEncoder.node(for: value, codingPath: codingPath + [key]), for: key)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = EncodingNode()
        child.kind = .object
        try? set(child, for: key)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = EncodingNode()
        child.kind = .array
        try? set(child, for: key)
        return UnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(key: JSONKey.superKey) }

    mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(key: key) }

    private func superEncoder(key: any CodingKey) -> any Encoder {
        let child = EncodingNode()
        try? set(child, for: key)
        return CanonicalJSONEncoder(node: child, codingPath: codingPath + [key])
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    var count: Int { node.items.count }

    private var nextKey: any CodingKey { JSONKey(intValue: count) }

    private func append(_ child: EncodingNode) throws {
        try node.become(.array, codingPath: codingPath)
        node.items.append(child)
    }

    private func appendLeaf(_ value: CanonicalJSON) throws { try append(EncodingNode(value)) }

    mutating func encodeNil() throws { try appendLeaf(.null) }
    mutating func encode(_ value: Bool) throws { try appendLeaf(.bool(value)) }
    mutating func encode(_ value: String) throws { try appendLeaf(.string(value)) }
    mutating func encode(_ value: Double) throws {
        try appendLeaf(try CanonicalJSONEncoder.number(value, codingPath: codingPath + [nextKey]))
    }
    mutating func encode(_ value: Float) throws { throw CanonicalJSONEncoder.refuse(value, codingPath: codingPath + [nextKey]) }
    mutating func encode(_ value: Int) throws { try appendLeaf(.integer(value)) }
    mutating func encode(_ value: Int8) throws { try appendLeaf(.integer(Int(value))) }
    mutating func encode(_ value: Int16) throws { try appendLeaf(.integer(Int(value))) }
    mutating func encode(_ value: Int32) throws { try appendLeaf(.integer(Int(value))) }
    mutating func encode(_ value: Int64) throws { try appendLeaf(.integer(Int(value))) }
    mutating func encode(_ value: UInt) throws {
        try appendLeaf(try CanonicalJSONEncoder.integer(value, codingPath: codingPath + [nextKey]))
    }
    mutating func encode(_ value: UInt8) throws { try appendLeaf(.integer(Int(value))) }
    mutating func encode(_ value: UInt16) throws { try appendLeaf(.integer(Int(value))) }
    mutating func encode(_ value: UInt32) throws { try appendLeaf(.integer(Int(value))) }
    mutating func encode(_ value: UInt64) throws {
        try appendLeaf(try CanonicalJSONEncoder.integer(value, codingPath: codingPath + [nextKey]))
    }
    mutating func encode(_ value: some Encodable) throws {
        try append(try CanonicalJSONEncoder.node(for: value, codingPath: codingPath + [nextKey]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let key = nextKey
        let child = EncodingNode()
        child.kind = .object
        try? append(child)
        return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let key = nextKey
        let child = EncodingNode()
        child.kind = .array
        try? append(child)
        return UnkeyedContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder {
        let key = nextKey
        let child = EncodingNode()
        try? append(child)
        return CanonicalJSONEncoder(node: child, codingPath: codingPath + [key])
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func set(_ value: CanonicalJSON) { node.set(value) }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(try CanonicalJSONEncoder.number(value, codingPath: codingPath)) }
    mutating func encode(_ value: Float) throws { throw CanonicalJSONEncoder.refuse(value, codingPath: codingPath) }
    mutating func encode(_ value: Int) throws { set(.integer(value)) }
    mutating func encode(_ value: Int8) throws { set(.integer(Int(value))) }
    mutating func encode(_ value: Int16) throws { set(.integer(Int(value))) }
    mutating func encode(_ value: Int32) throws { set(.integer(Int(value))) }
    mutating func encode(_ value: Int64) throws { set(.integer(Int(value))) }
    mutating func encode(_ value: UInt) throws { set(try CanonicalJSONEncoder.integer(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt8) throws { set(.integer(Int(value))) }
    mutating func encode(_ value: UInt16) throws { set(.integer(Int(value))) }
    mutating func encode(_ value: UInt32) throws { set(.integer(Int(value))) }
    mutating func encode(_ value: UInt64) throws { set(try CanonicalJSONEncoder.integer(value, codingPath: codingPath)) }
    mutating func encode(_ value: some Encodable) throws {
        if let leaf = try CanonicalJSONEncoder.leaf(value, codingPath: codingPath) {
            set(leaf)
        } else {
            try value.encode(to: CanonicalJSONEncoder(node: node, codingPath: codingPath))
        }
    }
}
