import Foundation
import Testing
import MFGMath
import MFGProblem
@testable import MFGGrid

/// A sample density (KDE) on the reference grid: the cells carry the same KDE the neural solver
/// samples, so its cell integral is the KDE's mass inside the domain.
@Suite("Sample densities on the grid")
struct SampleDensityGridTests {
    /// Σ ρ₀(cell centres)·ΔxΔy against the exact mass of the KDE in the box,
    /// (1/N) Σₖ Πᵢ [Φ((bᵢ − xₖᵢ)/h) − Φ((aᵢ − xₖᵢ)/h)], Φ the normal CDF. Eight samples, two of them
    /// near an edge so that some (< 1e-3) mass lies outside; h = 0.3 on a 160 × 128 grid, where
    /// the midpoint rule's error is about Δx²/(24h²)·(mass) ≈ 2e-3 relative at most, and in
    /// practice far less (the second derivatives integrate to nearly zero): tolerance 1e-4.
    @Test func cellDensityIntegratesToTheMassInside() throws {
        let rows: [[Double]] = [[0, 0], [1, 0.5], [-1, -0.5], [2, 1], [-2, 1], [0.5, -1], [3.2, 0], [-3.1, 1.9]]
        let h = 0.3
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfg-grid-samples-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try rows.map { "\($0[0]), \($0[1])" }.joined(separator: "\n").write(toFile: dir + "/pts.csv", atomically: true, encoding: .utf8)
        let yaml = """
            dimension: 2
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: samples, file: pts.csv, bandwidth: \(h)}
            target_density: {type: gaussian, mean: [0, 0], variance: 0.3}
            terminal_cost: {type: kl, weight: 1}
            penalties: {hjb: 1, terminal_hjb: 1}
            """
        let problem = try Problem.parse(yaml: yaml, file: dir + "/p.yaml")
        let box = [-4.0 ... 4.0, -3.0 ... 3.0]
        let (nx, ny) = (160, 128)
        let grid = try GridProblem(problem: problem, domain: box, nx: nx, ny: ny)
        let area = (8.0 / Double(nx)) * (6.0 / Double(ny))
        let cellMass = grid.initialDensity.reduce(0, +) * area
        func cdf(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
        var exact = 0.0
        for r in rows {
            var p = 1.0
            for i in 0..<2 { p *= cdf((box[i].upperBound - r[i]) / h) - cdf((box[i].lowerBound - r[i]) / h) }
            exact += p / Double(rows.count)
        }
        #expect(exact < 1 - 1e-5 && exact > 1 - 1e-3)
        #expect(abs(cellMass - exact) < 1e-4, "cells \(cellMass), exact \(exact)")
    }
}
