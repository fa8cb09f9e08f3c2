import Foundation
import Testing
@testable import MFGPlot

@Suite struct NiceTicksTests {
    private func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) }
    }

    @Test func unitInterval() {
        #expect(close(NiceTicks.linear(lower: 0, upper: 1, targetCount: 5), [0, 0.2, 0.4, 0.6, 0.8, 1]))
        #expect(NiceTicks.labels(for: [0, 0.2, 0.4, 0.6, 0.8, 1]) == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
    }

    @Test func symmetricAndOddRanges() {
        #expect(close(NiceTicks.linear(lower: -3, upper: 3, targetCount: 5), [-3, -2, -1, 0, 1, 2, 3]))
        #expect(close(NiceTicks.linear(lower: 0.013, upper: 0.087, targetCount: 4), [0.02, 0.04, 0.06, 0.08]))
        #expect(close(NiceTicks.linear(lower: 0, upper: 1000, targetCount: 4), [0, 200, 400, 600, 800, 1000]))
        #expect(close(NiceTicks.linear(lower: 17, upper: 93, targetCount: 5), [20, 40, 60, 80]))
        #expect(NiceTicks.labels(for: [-1, 0, 1]) == ["\u{2212}1", "0", "1"])
    }

    @Test func stepsFollowOneTwoFive() {
        for (lo, hi) in [(0.0, 1.0), (-7.3, 12.9), (1e-4, 3e-4), (100.0, 12345.0), (-0.5, 0.5)] {
            let ticks = NiceTicks.linear(lower: lo, upper: hi, targetCount: 5)
            #expect(ticks.count >= 2)
            #expect(ticks.allSatisfy { $0 >= lo - 1e-12 && $0 <= hi + 1e-12 })
            let step = ticks[1] - ticks[0]
            let mantissa = step / pow(10, floor(log10(step)))
            #expect([1.0, 2.0, 5.0].contains { abs(mantissa - $0) < 1e-9 })
        }
    }

    @Test func degenerateRange() {
        #expect(NiceTicks.linear(lower: 2, upper: 2) == [2])
        #expect(NiceTicks.linear(lower: .nan, upper: 1).isEmpty)
    }

    @Test func logTicksArePowersOfTen() {
        #expect(close(NiceTicks.log10(lower: 1e-4, upper: 1), [1e-4, 1e-3, 1e-2, 1e-1, 1]))
        // Twelve decades are thinned.
        let wide = NiceTicks.log10(lower: 1e-10, upper: 10, targetCount: 6)
        #expect(wide.count <= 7 && wide.count >= 3)
        // Less than two decades: 1-2-5 multiples.
        #expect(close(NiceTicks.log10(lower: 0.15, upper: 3), [0.2, 0.5, 1, 2]))
        #expect(NiceTicks.log10(lower: 0, upper: 1).isEmpty)
    }
}
