/// suiji's version, written in this one place: `suiji --version` prints it, and every night report
/// (`run.json`) and publication payload names it as its `generator`.
public enum SuijiVersion {
    /// The version of this build (semantic versioning).
    public static let current = "0.1.0"

    /// How suiji names itself as the maker of a report or payload: `suiji 0.1.0`.
    public static var generator: String { "suiji \(current)" }
}
