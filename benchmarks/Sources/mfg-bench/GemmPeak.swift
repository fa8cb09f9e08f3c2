import MFGMath

/// GFLOP/s of a square gemm (2n³ flops) at the BLAS thread count in force: the ceiling that
/// the network's timings are compared against, measured in the same run.
func gemmRate<T: Scalar>(_: T.Type, size n: Int = 1536, repeats: Int = 3) -> Double {
    let a = [T](repeating: 1.0 / T(n), count: n * n)
    let b = a
    var c = [T](repeating: 0, count: n * n)
    let t = medianSeconds(repeats: repeats) {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    T.blasGemm(.none, .none, n, n, n, 1, pa.baseAddress!, n, pb.baseAddress!, n, 0,
                               pc.baseAddress!, n)
                }
            }
        }
    }
    return 2 * Double(n) * Double(n) * Double(n) / t / 1e9
}
