import Pipeline
import Testing

@testable import Stages

/// The charts' SVG, shape by shape.
struct PageChartsTests {
    @Test(arguments: [(0.0, "0"), (12.5, "12.5"), (100.0 / 3, "33.33"), (2.0 / 3, "0.67"), (0.05, "0.05"), (-0.25, "-0.25"), (7.1, "7.1")])
    func coordinatesHaveAtMostTwoDecimals(_ value: Double, _ text: String) {
        #expect(PageCharts.coordinate(value) == text)
    }

    @Test func aBarIsItsValueOfTheLongest() {
        #expect(
            HTML.render(PageCharts.bar(1, of: 4, style: "bad", label: "x <y>: 1"))
                == """
                <svg class="chart bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="x &lt;y&gt;: 1">
                <rect class="track" x="0" y="0" width="100" height="10"></rect><rect class="bad" x="0" y="0" width="25" height="10"><title>x &lt;y&gt;: 1</title></rect></svg>

                """)
    }

    @Test func aStackedBarLaysItsSegmentsEndToEndAndLeavesOutEmptyOnes() {
        let segments = [
            BarSegment(style: "c-A", value: 2, label: "A: 2"), BarSegment(style: "c-B", value: 0, label: "B: 0"),
            BarSegment(style: "c-C", value: 3, label: "C: 3"),
        ]
        #expect(
            HTML.render(PageCharts.stackedBar(segments, of: 10, label: "5"))
                == """
                <svg class="chart bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="5">
                <rect class="track" x="0" y="0" width="100" height="10"></rect><rect class="c-A" x="0" y="0" width="20" height="10"><title>A: 2</title></rect><rect class="c-C" x="20" y="0" width="30" height="10"><title>C: 3</title></rect></svg>

                """)
    }

    @Test func classRatiosDrawEachQuotaAgainstItsPopulation() {
        let segments = [BarSegment(style: "c-A", value: 2, label: "A 2/8"), BarSegment(style: "c-D", value: 0, label: "D 0/0")]
        #expect(
            HTML.render(PageCharts.classRatios(segments, of: [8, 0], label: "q"))
                == """
                <svg class="chart ratios" viewBox="0 0 100 7" preserveAspectRatio="none" role="img" aria-label="q">
                <rect class="track" x="0" y="0" width="100" height="3"><title>A 2/8</title></rect><rect class="c-A" x="0" y="0" width="25" height="3"></rect><rect class="track" x="0" y="4" width="100" height="3"><title>D 0/0</title></rect></svg>

                """)
    }

    @Test func aTimelineRunsFromTheRoundsEndToItsDueDateWithTodayMarked() throws {
        let span = TimelineSpan(
            from: try CivilDate(parsing: "2024-03-31"), to: try CivilDate(parsing: "2024-04-28"), style: "bad", label: "P036R01")
        let node = PageCharts.timeline(
            span, first: try CivilDate(parsing: "2024-03-31"), last: try CivilDate(parsing: "2024-05-10"),
            today: try CivilDate(parsing: "2024-05-10"), label: "P036R01")
        #expect(
            HTML.render(node)
                == """
                <svg class="chart timeline" viewBox="0 0 100 10" preserveAspectRatio="none" role="img" aria-label="P036R01">
                <rect class="track" x="0" y="4.5" width="100" height="1"></rect><rect class="bad" x="0" y="3" width="70" height="4"><title>P036R01</title></rect><rect class="bad" x="69.25" y="0" width="1.5" height="10"><title>P036R01</title></rect><rect class="today" x="99.75" y="0" width="0.5" height="10"></rect></svg>

                """)
    }

    @Test func aTrendHasAColumnPerNightAndStressesTheLast() {
        let node = PageCharts.trend([("2023-12-28", 30), ("2024-01-03", 0), ("2024-05-10", 2)], style: "bad", label: "拒收")
        #expect(
            HTML.render(node)
                == """
                <svg class="chart trend" viewBox="0 0 100 40" preserveAspectRatio="none" role="img" aria-label="拒收">
                <rect class="track" x="0" y="39.5" width="100" height="0.5"></rect><rect class="bad" x="5" y="1.5" width="23.33" height="38"><title>2023-12-28: 30</title></rect><rect class="bad" x="38.33" y="39.5" width="23.33" height="0"><title>2024-01-03: 0</title></rect><rect class="bad last" x="71.67" y="36.97" width="23.33" height="2.53"><title>2024-05-10: 2</title></rect></svg>

                """)
    }
}
