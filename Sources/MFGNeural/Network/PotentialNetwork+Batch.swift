import MFGMath

/// Φ, ∇ₛΦ and ΔₓΦ at a batch of points.
public struct PotentialValues<T: Scalar>: Sendable {
    /// Φ at each point (n).
    public var phi: [T]
    /// ∇ₛΦ, (d+1) × n: rows 0..<d are ∇ₓΦ, row d is ∂ₜΦ.
    public var gradient: Matrix<T>
    /// ΔₓΦ at each point (n).
    public var laplacian: [T]
}

extension PotentialNetwork {
    /// Checks that `points` is a (d+1) × n batch with n ≥ 1.
    func checkBatch(_ points: Matrix<T>) throws(NetworkError) {
        guard points.rows == shape.inputSize else {
            throw .batchMismatch(expected: "points with \(shape.inputSize) rows (d = \(shape.dimension) plus time)",
                                 got: "\(points.rows) rows")
        }
        guard points.cols >= 1 else { throw .emptyBatch }
    }

    /// Evaluates Φ, ∇ₛΦ, ΔₓΦ at the columns s = (x, t) of `points`, block by block; with
    /// `traceWeights` (d values ≥ 0) `laplacian` is Σᵢ wᵢ ∂²Φ/∂xᵢ² instead of ΔₓΦ.
    public func evaluate(_ points: Matrix<T>, blockSize: Int = 256,
                         traceWeights: [Double]? = nil) throws(NetworkError) -> PotentialValues<T> {
        try checkBatch(points)
        let n = points.cols, dd = shape.inputSize
        let ws = try PotentialWorkspace<T>(shape: shape, capacity: min(blockSize, n))
        try ws.setTraceWeights(traceWeights)
        var out = PotentialValues(phi: [T](repeating: 0, count: n),
                                  gradient: Matrix(rows: dd, cols: n), laplacian: [T](repeating: 0, count: n))
        var start = 0
        while start < n {
            let nb = min(ws.capacity, n - start)
            try points.storage.withUnsafeBufferPointer { (p) throws(NetworkError) in
                try forward(p.baseAddress! + start * dd, count: nb, workspace: ws)
            }
            for i in 0..<nb {
                out.phi[start + i] = ws.phi[i]
                out.laplacian[start + i] = ws.laplacian[i]
            }
            out.gradient.storage.withUnsafeMutableBufferPointer { g in
                (g.baseAddress! + start * dd).update(from: ws.gradient, count: nb * dd)
            }
            start += nb
        }
        return out
    }

    /// The gradient of ℒ = Σₛ [Φ̄ₛ Φ(sₛ) + Ḡₛ·∇ₛΦ(sₛ) + Δ̄ₛ ΔₓΦ(sₛ)] with respect to θ (laid out
    /// like `parameters`) and to the points (a (d+1) × n matrix). Any adjoint may be nil (zero).
    /// With `traceWeights`, ΔₓΦ is the weighted trace Σᵢ wᵢ ∂²Φ/∂xᵢ² (as in `evaluate`).
    public func vectorJacobianProduct(at points: Matrix<T>, phiBar: [T]?, gradientBar: Matrix<T>?,
                                      laplacianBar: [T]?, blockSize: Int = 256, traceWeights: [Double]? = nil)
        throws(NetworkError) -> (parameters: [T], points: Matrix<T>) {
        try checkBatch(points)
        let n = points.cols, dd = shape.inputSize
        if let phiBar, phiBar.count != n { throw .batchMismatch(expected: "\(n) values of Φ̄", got: "\(phiBar.count)") }
        if let laplacianBar, laplacianBar.count != n {
            throw .batchMismatch(expected: "\(n) values of Δ̄", got: "\(laplacianBar.count)")
        }
        if let gradientBar, gradientBar.rows != dd || gradientBar.cols != n {
            throw .batchMismatch(expected: "Ḡ of shape \(dd)×\(n)", got: "\(gradientBar.rows)×\(gradientBar.cols)")
        }
        let ws = try PotentialWorkspace<T>(shape: shape, capacity: min(blockSize, n))
        try ws.setTraceWeights(traceWeights)
        var grad = [T](repeating: 0, count: layout.count)
        var inputGrad = Matrix<T>(rows: dd, cols: n)
        var start = 0
        while start < n {
            let nb = min(ws.capacity, n - start)
            try points.storage.withUnsafeBufferPointer { (p) throws(NetworkError) in
                try forward(p.baseAddress! + start * dd, count: nb, workspace: ws)
            }
            grad.withUnsafeMutableBufferPointer { g in
                inputGrad.storage.withUnsafeMutableBufferPointer { ig in
                    withOptionalPointer(phiBar, offset: start) { pb in
                        withOptionalPointer(gradientBar?.storage, offset: start * dd) { gb in
                            withOptionalPointer(laplacianBar, offset: start) { lb in
                                backward(phiBar: pb, gradientBar: gb, laplacianBar: lb, workspace: ws,
                                         parameterGradient: g.baseAddress!,
                                         inputGradient: ig.baseAddress! + start * dd)
                            }
                        }
                    }
                }
            }
            start += nb
        }
        return (grad, inputGrad)
    }
}

/// Calls `body` with a pointer into `array` at `offset`, or nil when `array` is nil.
@inline(__always)
func withOptionalPointer<T, R>(_ array: [T]?, offset: Int, _ body: (UnsafePointer<T>?) -> R) -> R {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress! + offset) }
}
