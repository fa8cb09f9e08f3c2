import CBLAS
import RealModule

/// The floating-point types the solver computes in: `Float` and `Double`.
///
/// A scalar knows its elementary functions (through swift-numerics' `Real`) and how to call
/// the matching BLAS routine (`sgemm`/`dgemm`, ...), so every numeric routine in the package is
/// written once, generically, and runs at BLAS speed in both precisions.
public protocol Scalar: Real, BinaryFloatingPoint, Sendable
where Self.RawSignificand: FixedWidthInteger {
    /// Short name used in tables and files: "Float32" or "Float64".
    static var precisionName: String { get }

    /// C ← α·op(A)·op(B) + β·C in column-major storage (BLAS `?gemm`).
    static func blasGemm(_ transA: Transpose, _ transB: Transpose,
                         _ m: Int, _ n: Int, _ k: Int,
                         _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
                         _ b: UnsafePointer<Self>, _ ldb: Int,
                         _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int)

    /// y ← α·op(A)·x + β·y in column-major storage (BLAS `?gemv`).
    static func blasGemv(_ trans: Transpose, _ m: Int, _ n: Int,
                         _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
                         _ x: UnsafePointer<Self>, _ beta: Self, _ y: UnsafeMutablePointer<Self>)

    /// The lower triangle of C (n × n) ← α·A·Aᵀ + β·C for A n × k, column-major (BLAS `?syrk`;
    /// the strict upper triangle of C is not touched).
    static func blasSyrkLower(_ n: Int, _ k: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
                              _ beta: Self, _ c: UnsafeMutablePointer<Self>, _ ldc: Int)

    /// The lower triangle of C (n × n) ← α·(A·Bᵀ + B·Aᵀ) + β·C for A, B n × k, column-major
    /// (BLAS `?syr2k`; the strict upper triangle of C is not touched).
    static func blasSyr2kLower(_ n: Int, _ k: Int, _ alpha: Self, _ a: UnsafePointer<Self>, _ lda: Int,
                               _ b: UnsafePointer<Self>, _ ldb: Int, _ beta: Self,
                               _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
}

/// Whether a BLAS operand is used as stored or transposed.
public enum Transpose: Sendable {
    case none, transposed
    @inline(__always) var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension Float: Scalar {
    public static var precisionName: String { "Float32" }
    @inline(__always)
    public static func blasGemm(_ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                                _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                                _ b: UnsafePointer<Float>, _ ldb: Int,
                                _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasColMajor, transA.cblas, transB.cblas, blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
    @inline(__always)
    public static func blasGemv(_ trans: Transpose, _ m: Int, _ n: Int, _ alpha: Float,
                                _ a: UnsafePointer<Float>, _ lda: Int, _ x: UnsafePointer<Float>,
                                _ beta: Float, _ y: UnsafeMutablePointer<Float>) {
        cblas_sgemv(CblasColMajor, trans.cblas, blasint(m), blasint(n), alpha, a, blasint(lda),
                    x, 1, beta, y, 1)
    }
    @inline(__always)
    public static func blasSyrkLower(_ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                                     _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_ssyrk(CblasColMajor, CblasLower, CblasNoTrans, blasint(n), blasint(k), alpha, a, blasint(lda),
                    beta, c, blasint(ldc))
    }
    @inline(__always)
    public static func blasSyr2kLower(_ n: Int, _ k: Int, _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int,
                                      _ b: UnsafePointer<Float>, _ ldb: Int, _ beta: Float,
                                      _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_ssyr2k(CblasColMajor, CblasLower, CblasNoTrans, blasint(n), blasint(k), alpha, a, blasint(lda),
                     b, blasint(ldb), beta, c, blasint(ldc))
    }
}

extension Double: Scalar {
    public static var precisionName: String { "Float64" }
    @inline(__always)
    public static func blasGemm(_ transA: Transpose, _ transB: Transpose, _ m: Int, _ n: Int, _ k: Int,
                                _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
                                _ b: UnsafePointer<Double>, _ ldb: Int,
                                _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        cblas_dgemm(CblasColMajor, transA.cblas, transB.cblas, blasint(m), blasint(n), blasint(k),
                    alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }
    @inline(__always)
    public static func blasGemv(_ trans: Transpose, _ m: Int, _ n: Int, _ alpha: Double,
                                _ a: UnsafePointer<Double>, _ lda: Int, _ x: UnsafePointer<Double>,
                                _ beta: Double, _ y: UnsafeMutablePointer<Double>) {
        cblas_dgemv(CblasColMajor, trans.cblas, blasint(m), blasint(n), alpha, a, blasint(lda),
                    x, 1, beta, y, 1)
    }
    @inline(__always)
    public static func blasSyrkLower(_ n: Int, _ k: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
                                     _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        cblas_dsyrk(CblasColMajor, CblasLower, CblasNoTrans, blasint(n), blasint(k), alpha, a, blasint(lda),
                    beta, c, blasint(ldc))
    }
    @inline(__always)
    public static func blasSyr2kLower(_ n: Int, _ k: Int, _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int,
                                      _ b: UnsafePointer<Double>, _ ldb: Int, _ beta: Double,
                                      _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        cblas_dsyr2k(CblasColMajor, CblasLower, CblasNoTrans, blasint(n), blasint(k), alpha, a, blasint(lda),
                     b, blasint(ldb), beta, c, blasint(ldc))
    }
}

/// Controls the number of threads OpenBLAS uses inside one BLAS call.
public enum BLASThreads {
    /// Sets the OpenBLAS thread count (1 inside tests and inside per-block parallel loops).
    public static func set(_ count: Int) { openblas_set_num_threads(Int32(max(1, count))) }
    /// The OpenBLAS thread count in force.
    public static var current: Int { Int(openblas_get_num_threads()) }
}
