// Fuzzes the plan cell parser (PlanCellParser): ratios, frequencies, windows, departments, scopes
// and matters, as the plan reader calls it on every cell. Invariants: no crash or hang; the raw
// text kept exactly; numbers finite; a range's minimum not above its maximum unless a problem is
// reported; lists hold no empty item; width normalisation is idempotent.

import FuzzSupport
import Pipeline

func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = FuzzInput(data, size).text
    let normal = PlanCellParser.normalizeWidth(text)
    require(PlanCellParser.normalizeWidth(normal) == normal, "normalizeWidth is not idempotent on \(text.debugDescription)")
    for ratio in [PlanCellParser.ratio(text), PlanCellParser.ratioAndFrequency(text).ratio] {
        let value = ratio.value
        for bound in [value.min, value.max].compactMap({ $0 }) {
            require(bound.isFinite, "a ratio bound is not finite for \(text.debugDescription)")
        }
        if let min = value.min, let max = value.max, ratio.problem == nil {
            require(min <= max, "ratio \(min) > \(max) without a problem for \(text.debugDescription)")
        }
    }
    require(PlanCellParser.ratio(text).value.raw == text, "the ratio's raw text is not the cell's")
    _ = PlanCellParser.frequency(text)
    _ = PlanCellParser.window(text)
    for list in [PlanCellParser.departments(text), PlanCellParser.scopes(text), PlanCellParser.matters(text)] {
        require(!list.contains(""), "an empty item in \(list) for \(text.debugDescription)")
    }
    return 0
}

/// libFuzzer's own entry point, the same test (its archive's main, if linked, calls it).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt { fuzz(data, size) }

runFuzzer(fuzz)
