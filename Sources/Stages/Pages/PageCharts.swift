// The pages' charts: inline SVG drawn by our own code through the one HTML writer (so every label
// and tooltip is escaped like any text). Each chart is a row's worth of shapes on a 0…100 wide
// viewBox stretched to its box (`preserveAspectRatio="none"`): the page's text stays HTML, wraps on
// a phone and prints, and the shapes scale with the column. Coordinates are written with at most
// two decimals, so the same figures always give the same bytes.

internal import Pipeline

/// One coloured part of a bar.
struct BarSegment: Sendable, Hashable {
    /// The CSS class giving its colour (`c-A` … `c-D`, `bad`, `ok`, `soon`).
    var style: String
    /// Its size, in the bar's unit.
    var value: Int
    /// The tooltip.
    var label: String
}

/// One row of a timeline: a span from `from` to `to`, marked at `to`.
struct TimelineSpan: Sendable, Hashable {
    /// Where the line starts (the round's end).
    var from: CivilDate
    /// Where it ends and is marked (the due date).
    var to: CivilDate
    /// `bad` (overdue) or `soon`.
    var style: String
    /// The tooltip.
    var label: String
}

/// Inline SVG charts.
enum PageCharts {
    /// `12.5`, `3`, `0.33`: a coordinate with at most two decimals, no trailing zeros.
    static func coordinate(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let whole = hundredths / 100, fraction = abs(hundredths % 100)
        let sign = hundredths < 0 && whole == 0 ? "-" : ""
        if fraction == 0 { return "\(sign)\(whole)" }
        return "\(sign)\(whole)." + (fraction % 10 == 0 ? "\(fraction / 10)" : (fraction < 10 ? "0\(fraction)" : "\(fraction)"))
    }

    private static func svg(_ label: String, height: Int, _ shapes: [HTMLNode], class name: String = "chart") -> HTMLNode {
        .element(
            .svg,
            [
                ("class", name), ("viewBox", "0 0 100 \(height)"), ("preserveAspectRatio", "none"), ("role", "img"),
                ("aria-label", label),
            ], shapes)
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, style: String, tooltip: String?) -> HTMLNode {
        .element(
            .rect,
            [
                ("class", style), ("x", coordinate(x)), ("y", coordinate(y)), ("width", coordinate(width)),
                ("height", coordinate(height)),
            ], tooltip.map { [.el(.title, $0)] } ?? [])
    }

    /// One bar, `value` of `maximum` long (a row of a bar chart).
    static func bar(_ value: Int, of maximum: Int, style: String, label: String) -> HTMLNode {
        let width = maximum > 0 ? 100 * Double(max(0, value)) / Double(maximum) : 0
        return svg(
            label, height: 10,
            [
                rect(x: 0, y: 0, width: 100, height: 10, style: "track", tooltip: nil),
                rect(x: 0, y: 0, width: width, height: 10, style: style, tooltip: label),
            ], class: "chart bar")
    }

    /// Segments laid end to end, together `total` of `maximum` long (a stacked bar); empty segments are left out.
    static func stackedBar(_ segments: [BarSegment], of maximum: Int, label: String) -> HTMLNode {
        var shapes = [rect(x: 0, y: 0, width: 100, height: 10, style: "track", tooltip: nil)]
        var x = 0.0
        for segment in segments where segment.value > 0 {
            let width = maximum > 0 ? 100 * Double(segment.value) / Double(maximum) : 0
            shapes.append(rect(x: x, y: 0, width: width, height: 10, style: segment.style, tooltip: segment.label))
            x += width
        }
        return svg(label, height: 10, shapes, class: "chart bar")
    }

    /// One thin bar per segment, stacked vertically: segment i is `value` of `maxima[i]` long (each
    /// class's quota against its population).
    static func classRatios(_ segments: [BarSegment], of maxima: [Int], label: String) -> HTMLNode {
        var shapes: [HTMLNode] = []
        for (index, segment) in segments.enumerated() {
            let maximum = index < maxima.count ? maxima[index] : 0
            let y = Double(index) * 4
            shapes.append(rect(x: 0, y: y, width: 100, height: 3, style: "track", tooltip: segment.label))
            if maximum > 0, segment.value > 0 {
                let width = max(1, 100 * Double(min(segment.value, maximum)) / Double(maximum))
                shapes.append(rect(x: 0, y: y, width: width, height: 3, style: segment.style, tooltip: nil))
            }
        }
        return svg(label, height: max(1, segments.count * 4 - 1), shapes, class: "chart ratios")
    }

    /// A timeline row: every span on the common axis `first…last`, with today marked.
    static func timeline(_ span: TimelineSpan, first: CivilDate, last: CivilDate, today: CivilDate, label: String) -> HTMLNode {
        let days = Double(max(1, last.daysSince1970 - first.daysSince1970))
        func x(_ date: CivilDate) -> Double { 100 * Double(date.daysSince1970 - first.daysSince1970) / days }
        let start = x(span.from), end = x(span.to), now = x(today)
        return svg(
            label, height: 10,
            [
                rect(x: 0, y: 4.5, width: 100, height: 1, style: "track", tooltip: nil),
                rect(x: start, y: 3, width: max(0.5, end - start), height: 4, style: span.style, tooltip: span.label),
                rect(x: max(0, end - 0.75), y: 0, width: 1.5, height: 10, style: span.style, tooltip: span.label),
                rect(x: max(0, now - 0.25), y: 0, width: 0.5, height: 10, style: "today", tooltip: nil),
            ], class: "chart timeline")
    }

    /// A small column chart of a series (a trend): one column per value, the last one stressed.
    static func trend(_ values: [(label: String, value: Int)], style: String, label: String) -> HTMLNode {
        let maximum = max(1, values.map(\.value).max() ?? 1)
        let slot = 100 / Double(max(1, values.count))
        var shapes: [HTMLNode] = [rect(x: 0, y: 39.5, width: 100, height: 0.5, style: "track", tooltip: nil)]
        for (index, point) in values.enumerated() {
            let height = point.value > 0 ? max(1.5, 38 * Double(point.value) / Double(maximum)) : 0
            shapes.append(
                rect(
                    x: Double(index) * slot + slot * 0.15, y: 39.5 - height, width: slot * 0.7, height: height,
                    style: index == values.count - 1 ? style + " last" : style,
                    tooltip: "\(point.label): \(PageFormat.integer(point.value))"))
        }
        return svg(label, height: 40, shapes, class: "chart trend")
    }
}
