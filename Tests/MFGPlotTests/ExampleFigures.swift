import Foundation
import Testing
@testable import MFGPlot

/// Writes one example of each figure to /tmp/plot-examples for visual review.
/// Runs only with MFG_PLOT_EXAMPLES=1.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["MFG_PLOT_EXAMPLES"] == "1"))
struct ExampleFigures {
    let directory = URL(fileURLWithPath: "/tmp/plot-examples")

    /// Deterministic pseudo-random numbers (64-bit LCG) so examples are reproducible.
    struct LCG {
        var state: UInt64
        mutating func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            let u = max(uniform(), 1e-12), v = uniform()
            return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
        }
    }

    func gaussian(_ cx: Double, _ cy: Double, _ s: Double) -> (Double, Double) -> Double {
        { x, y in exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / (2 * s * s)) / (2 * .pi * s * s) }
    }

    func write(_ svg: String, _ name: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try svg.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        #expect(SVGInspector(svg).isWellFormed)
    }

    @Test func paths() throws {
        let c = GridField.linspace(-3, 3, count: 96)
        let q = GridField(xs: c, ys: c) { x, y in 4 * exp(-(x * x + y * y) / 0.8) }
        let rho0 = GridField(xs: c, ys: c, gaussian(-2, -2, 0.45))
        let rho1 = GridField(xs: c, ys: c, gaussian(2, 2, 0.45))
        var rng = LCG(state: 7)
        let times = GridField.linspace(0, 1, count: 20)
        let trajectories = (0..<500).map { _ -> Trajectory in
            let (sx, sy) = (-2 + 0.45 * rng.normal(), -2 + 0.45 * rng.normal())
            let (ex, ey) = (2 + 0.45 * rng.normal(), 2 + 0.45 * rng.normal())
            let side: Double = (sx - sy) + 0.3 * rng.normal() >= 0 ? 1 : -1
            let xs = times.map { t in sx + (ex - sx) * t + side * 1.6 * sin(.pi * t) / 2.0.squareRoot() }
            let ys = times.map { t in sy + (ey - sy) * t - side * 1.6 * sin(.pi * t) / 2.0.squareRoot() }
            return Trajectory(times: times, xs: xs, ys: ys)
        }
        let svg = pathsFigure(trajectories: trajectories,
                              contours: [ContourField(name: "obstacle Q", field: q, levelCount: 4),
                                         ContourField(name: "\u{03C1}\u{2080}", field: rho0, levelCount: 3),
                                         ContourField(name: "\u{03C1}\u{2081}", field: rho1, levelCount: 3)],
                              xLabel: "x1", yLabel: "x2", title: "Agent paths (500 of 4096)")
        try write(svg, "paths.svg")
    }

    @Test func density() throws {
        let c = GridField.linspace(-3, 3, count: 128)
        let times = [0.0, 1.0 / 3, 2.0 / 3, 1.0]
        let panels = times.map { t -> HeatPanel in
            let m = -2 + 4 * t
            let f = GridField(xs: c, ys: c) { x, y in
                let obstacle = exp(-(x * x + y * y) / 0.8)
                return gaussian(m, m, 0.45 + 0.3 * sin(.pi * t))(x, y) * (1 - 0.8 * obstacle)
            }
            return HeatPanel(title: "t = \(Format.number(t))", field: f)
        }
        let svg = densityFigure(panels: panels, xLabel: "x1", yLabel: "x2", title: "Density \u{03C1}(t, x)")
        #expect(svg.utf8.count < 2_000_000)
        try write(svg, "density.svg")
    }

    @Test func training() throws {
        var rng = LCG(state: 3)
        let iters = (0..<3000).map(Double.init)
        var values = iters.map { 5 * exp(-$0 / 400) + 0.02 * exp(-$0 / 3000) + 0.01 * abs(rng.normal()) * exp(-$0 / 800) }
        values[1200] = .nan
        values[1201] = 0
        let val = stride(from: 0.0, to: 3000, by: 100).map { $0 }
        let series = [
            TrainingSeries(name: "total loss", iterations: iters, values: values),
            TrainingSeries(name: "total loss", iterations: val,
                           values: val.map { 6 * exp(-$0 / 400) + 0.035 + 0.01 * abs(rng.normal()) }, isValidation: true),
            TrainingSeries(name: "HJB residual", iterations: iters,
                           values: iters.map { 0.8 / (1 + $0 / 50) * (1 + 0.3 * abs(rng.normal())) }),
            TrainingSeries(name: "terminal cost", iterations: iters,
                           values: iters.map { 2 * exp(-$0 / 900) + 1e-4 }),
        ]
        try write(trainingFigure(series: series, xLabel: "iteration", yLabel: "loss",
                                 title: "Training (lr = 1e-3, batch = 1024)"), "training.svg")
    }

    @Test func compare() throws {
        let c = GridField.linspace(-3, 3, count: 64)
        let fine = GridField.linspace(-3, 3, count: 101)
        let times = [0.0, 0.5, 1.0]
        let grid = times.map { t in GridField(xs: fine, ys: fine, gaussian(-2 + 4 * t, -2 + 4 * t, 0.5)) }
        let neural = times.map { t in
            GridField(xs: c, ys: c) { x, y in
                gaussian(-2 + 4 * t + 0.08, -2 + 4 * t, 0.52)(x, y) + 0.004 * sin(2 * x) * cos(3 * y)
            }
        }
        try write(compareFigure(times: times, neural: neural, grid: grid, title: "Neural vs grid solution (d = 2)"),
                  "compare.svg")
    }

    /// Harder cases: many decades and large iteration counts; a wide domain with
    /// negative values; few paths without contours.
    @Test func edgeCases() throws {
        let iters = stride(from: 0.0, through: 200_000, by: 500).map { $0 }
        let wide = [TrainingSeries(name: "residual", iterations: iters, values: iters.map { 10 * exp(-$0 / 8000) + 1e-10 }),
                    TrainingSeries(name: "residual", iterations: iters, values: iters.map { 20 * exp(-$0 / 9000) + 3e-10 },
                                   isValidation: true)]
        try write(trainingFigure(series: wide, title: "Many decades"), "edge-training.svg")

        let xs = GridField.linspace(-4, 4, count: 80), ys = GridField.linspace(-1, 1, count: 20)
        let u = GridField(xs: xs, ys: ys) { x, y in sin(x) * cos(2 * y) * 1500 }
        try write(densityFigure(panels: [HeatPanel(title: "value function u(0, x)", field: u)],
                                colorLabel: "u", title: "Wide domain"), "edge-density.svg")

        let times = GridField.linspace(0, 2, count: 30)
        let few = (0..<5).map { k in
            Trajectory(times: times, xs: times.map { $0 * 50 }, ys: times.map { Double(k) * 10 + 5 * sin(3 * $0) })
        }
        try write(pathsFigure(trajectories: few, xLabel: "position", yLabel: "velocity"), "edge-paths.svg")
    }
}
