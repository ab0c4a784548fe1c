// The one number format of everything suiji prints for people: whole numbers grouped by thousands
// with commas (1,000,000), and a count with its noun in the right number ("1 row", "2 rows").
// Machine formats (JSON, CSV, file names) keep plain digits.

/// Numbers and counted nouns as suiji prints them for people.
public enum Count {
    /// `n` grouped by thousands with commas: `1000000` → `1,000,000`, `-1234` → `-1,234`.
    public static func number(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return n < 0 ? "-" + out : out
    }

    /// `n` and the noun in the right number: `of(1, "row")` → `1 row`, `of(3000, "row")` → `3,000 rows`;
    /// the plural is the noun with `s` unless given (`of(2, "entity", plural: "entities")`).
    public static func of(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        "\(number(n)) \(n == 1 ? noun : plural ?? noun + "s")"
    }
}
