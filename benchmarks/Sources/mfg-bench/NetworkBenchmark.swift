import Foundation
import MFGMath
import MFGNeural

/// Times the potential network alone: the forward pass (Φ, ∇Φ, ΔΦ) and the reverse pass
/// (parameter gradient of a loss using all three), over n samples in blocks on `threads`.
struct NetworkBenchmark {
    let dims: [Int], widths: [Int], samples: Int, layers: Int, blockSize: Int, threads: Int, repeats: Int
    let variants: [NetworkVariant], timeDegree: Int

    /// gemm flops per sample (elementwise work not counted): forward = opening layer and
    /// gradient (4m(d+1)), residual layers and their transposes (4m²R), the Jacobian products
    /// P_k = K_k J_{k−1} (2m²dR) and the quadratic part (4r(d+1)); backward = the two
    /// Jacobian-sized products per layer (4m²dR), the state chain (8m²R) and the input-side
    /// products (6m(d+1) + 8r(d+1)).
    static func flops(d: Int, m: Int, R: Int, r: Int) -> (forward: Double, backward: Double) {
        let D = Double(d + 1), M = Double(m), RR = Double(R), dd = Double(d), rr = Double(r)
        return (4 * M * D + 4 * M * M * RR + 2 * M * M * dd * RR + 4 * rr * D,
                4 * M * M * dd * RR + 8 * M * M * RR + 6 * M * D + 8 * rr * D)
    }

    /// The same for a shape with optional parts: a full quadratic adds its gemms, [M; M′]x
    /// forward (4d²), and backward the syr2k and syrk of the gradient (3d²) and, with the input
    /// adjoint (as in training, whose objective skips the t row), M ḡ (2d²). The diagonal
    /// quadratic and the separable units do elementwise work only (not counted, like the
    /// activations).
    static func flops(_ shape: NetworkShape, inputAdjoint: Bool) -> (forward: Double, backward: Double) {
        let f = flops(d: shape.dimension, m: shape.width, R: shape.residualLayers, r: shape.rank)
        guard shape.quadratic == .full else { return f }
        let d2 = Double(shape.dimension * shape.dimension)
        return (f.forward + 4 * d2, f.backward + (inputAdjoint ? 5 : 3) * d2)
    }

    func run<T: Scalar>(_: T.Type, table: inout Table, times: inout [Int: [Int: (Double, Double)]]) throws {
        for m in widths {
            for d in dims {
              var first: Double?
              for variant in variants {
                let shape = try variant.shape(dimension: d, width: m, residualLayers: layers, timeDegree: timeDegree,
                                              timeScale: 1)
                var rng = RandomSource(seed: 1)
                let net = PotentialNetwork<T>.initialized(shape: shape, rng: &rng)
                var points: [T] = rng.gaussians((d + 1) * samples)
                // One t for all samples, as at a Runge–Kutta stage of training (the quadratic part
                // forms M(t) once per run of equal t).
                for col in 0..<samples { points[col * (d + 1) + d] = T(0.375) }
                let part = BlockPartition(count: samples, blockSize: blockSize, threads: threads)
                let workspaces = try (0..<part.workers).map { _ in
                    try PotentialWorkspace<T>(shape: shape, capacity: blockSize)
                }
                var grads = [[T]](repeating: [T](repeating: 0, count: shape.inputSize * 0 + net.layout.count),
                                  count: part.workers)
                let ones = [T](repeating: 1, count: blockSize)
                let gBar = [T](repeating: T(0.1), count: shape.inputSize * blockSize)
                let forwardTime = medianSeconds(repeats: repeats) {
                    points.withUnsafeBufferPointer { p in
                        part.run { w, range in
                            try! net.forward(p.baseAddress! + range.lowerBound * shape.inputSize,
                                             count: range.count, workspace: workspaces[w])
                        }
                    }
                }
                let totalTime = medianSeconds(repeats: repeats) {
                    points.withUnsafeBufferPointer { p in
                        grads.withUnsafeMutableBufferPointer { gs in
                            let gsBase = UncheckedPointer(gs.baseAddress!)
                            part.run { w, range in
                                let ws = workspaces[w]
                                try! net.forward(p.baseAddress! + range.lowerBound * shape.inputSize,
                                                 count: range.count, workspace: ws)
                                gsBase.value[w].withUnsafeMutableBufferPointer { g in
                                    net.backward(phiBar: ones, gradientBar: gBar, laplacianBar: ones,
                                                 workspace: ws, parameterGradient: g.baseAddress!,
                                                 inputGradient: nil)
                                }
                            }
                        }
                    }
                }
                let backwardTime = max(totalTime - forwardTime, 1e-9)
                let f = Self.flops(shape, inputAdjoint: false)
                let n = Double(samples)
                if first == nil { times[m, default: [:]][d] = (forwardTime, totalTime); first = totalTime }
                table.add([T.precisionName, "\(d)", "\(m)", variant.description, format(forwardTime * 1e3, 1),
                           format(backwardTime * 1e3, 1), format(totalTime * 1e3, 1), format(totalTime / first!, 2),
                           format(f.forward * n / forwardTime / 1e9, 1),
                           format((f.forward + f.backward) * n / totalTime / 1e9, 1)])
              }
            }
        }
    }
}

/// A raw pointer the caller promises to use from one worker per element.
struct UncheckedPointer<P>: @unchecked Sendable { let value: P; init(_ v: P) { value = v } }
