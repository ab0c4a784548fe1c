// One CSV record as bytes (RFC 4180 quoting): what the rejects files are written with, and what
// DevKit's generated registers use so that both quote the same way.

/// RFC 4180 records: fields joined by commas, a field quoted (quotes doubled) when it holds a comma,
/// a quote or a line break.
public enum CSVRecord {
    /// Appends one record and `newline` to `buffer`.
    public static func append(_ fields: [String], to buffer: inout [UInt8], newline: [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            if field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                buffer.append(0x22)
                for byte in field.utf8 {
                    if byte == 0x22 { buffer.append(0x22) }
                    buffer.append(byte)
                }
                buffer.append(0x22)
            } else {
                buffer += Array(field.utf8)
            }
        }
        buffer += newline
    }
}
