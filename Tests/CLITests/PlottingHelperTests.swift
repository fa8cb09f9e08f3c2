import Foundation
import MFGPlot
import MFGNeural
import MFGProblem
import Testing
@testable import mfg

/// The data preparation behind the figures, checked against known answers.
@Suite struct PlottingHelperTests {
    @Test func marginalOfADiagonalGaussianIsExact() {
        let g = Density.gaussian(Gaussian(mean: [1, 2, 3], variance: [0.5, 2, 4]))
        let f = g.marginalField(on: CoordinatePair(first: 0, second: 2), xs: [1, 2], ys: [3])
        let peak = 1 / (2 * Double.pi * (0.5 * 4).squareRoot())
        #expect(abs(f[0, 0] - peak) < 1e-12)
        #expect(abs(f[1, 0] - peak * exp(-0.5 / 0.5)) < 1e-12)
    }

    @Test func histogramsIntegrateToOne() {
        let xs = GridField.linspace(-1, 1, count: 5), ys = GridField.linspace(-1, 1, count: 5)
        let px = [0.0, 0.1, -0.6, 0.9], py = [0.0, -0.1, 0.5, 0.9]
        let h = DensityHistogram.counts(xs: px, ys: py, grid: xs, ys)
        #expect(abs(h.values.reduce(0, +) * 0.25 - 1) < 1e-12)
        let w = DensityHistogram.weighted(xs: px, ys: py, values: [1, 3, 5, 7], grid: xs, ys)
        #expect(w[2, 2] == 2)                           // mean of the two samples near the origin
        #expect(w[0, 0] == 0)                           // empty cell
    }

    @Test func panelStepsKeepFirstAndLast() {
        #expect(SolverPaths.evenly(3, at: 5) == [0, 1, 2])
        #expect(SolverPaths.evenly(17, at: 5) == [0, 4, 8, 12, 16])
    }
}
