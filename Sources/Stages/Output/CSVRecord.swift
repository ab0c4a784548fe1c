// The one CSV encoder: every CSV file suiji writes goes through `CSVRecord.append`.
//
// Files for people (the rejects files) are opened in Excel or WPS, which run a cell that starts
// with `=`, `+`, `-` or `@` as a formula (and treat a leading tab or CR the same way), so a register
// row such as `=HYPERLINK("http://…")` would run on the desk of whoever opens the rejects file
// (CSV injection). Following OWASP's advice, such a cell is written with a single quote before
// it, inside a quoted field: `"'=HYPERLINK(…)"`, which both programs show as text. That includes
// a leading `-` (OWASP lists it: `-2+3` is a formula too), so a negative number in a rejected row
// reads `'-5`: the rejects file is for reading, and the quote says the text was made safe. The
// original value stays in the store's import and in the source file, untouched.
//
// Any other control character of the input (a NUL, an escape sequence) is written escaped, as
// everywhere input is shown (see ControlCharacters). A generated register (`suiji-dev generate
// register`) is the input of a test or benchmark, which
// must hold exactly what a department would send: it is written without the quote.

internal import Pipeline

/// Writes CSV records (RFC 4180 quoting), for spreadsheets unless told otherwise.
package enum CSVRecord {
    /// The first characters that make Excel or WPS read a cell as a formula (OWASP: CSV injection).
    package static let formulaStarts: Set<UInt8> = [0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D] // = + - @ TAB CR

    /// Appends one record and a newline. With `spreadsheetSafe`, a cell that starts like a formula
    /// is written as text: a single quote before it, inside quotes.
    package static func append(_ fields: [String], to buffer: inout [UInt8], newline: [UInt8], spreadsheetSafe: Bool = true) {
        for (index, cell) in fields.enumerated() {
            if index > 0 { buffer.append(0x2C) }
            // A control character of the input is written escaped (a NUL as \u{0}), line feeds and tabs as they are.
            let field = spreadsheetSafe ? ControlCharacters.escaped(cell, keepingLines: true) : cell
            let neutralised = spreadsheetSafe && field.utf8.first.map { formulaStarts.contains($0) } == true
            if neutralised || field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) {
                buffer.append(0x22)
                if neutralised { buffer.append(0x27) }
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
