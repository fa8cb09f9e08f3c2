/// A dense column-major matrix: element (i, j) is stored at `i + j * rows`.
///
/// Batches of samples are stored one sample per column (a d × n matrix holds n points of ℝᵈ),
/// so a layer applied to a whole batch is one `gemm`.
public struct Matrix<T: Scalar>: Equatable, Sendable {
    public let rows: Int
    public let cols: Int
    public var storage: [T]

    /// A rows × cols matrix filled with `value`.
    public init(rows: Int, cols: Int, repeating value: T = 0) {
        precondition(rows >= 0 && cols >= 0, "matrix dimensions must be non-negative")
        self.rows = rows
        self.cols = cols
        self.storage = [T](repeating: value, count: rows * cols)
    }

    /// Wraps column-major `storage`; throws when its length is not rows × cols.
    public init(rows: Int, cols: Int, storage: [T]) throws(ShapeError) {
        guard rows >= 0, cols >= 0, storage.count == rows * cols else {
            throw ShapeError(what: "matrix storage", expected: "\(rows)×\(cols) = \(rows * cols) values",
                             got: "\(storage.count) values")
        }
        self.rows = rows
        self.cols = cols
        self.storage = storage
    }

    /// Builds a matrix from a function of (row, column).
    public init(rows: Int, cols: Int, _ f: (Int, Int) -> T) {
        self.init(rows: rows, cols: cols)
        for j in 0..<cols { for i in 0..<rows { storage[i + j * rows] = f(i, j) } }
    }

    public subscript(i: Int, j: Int) -> T {
        get { storage[i + j * rows] }
        set { storage[i + j * rows] = newValue }
    }

    /// Column j as an array.
    public func column(_ j: Int) -> [T] { Array(storage[(j * rows)..<((j + 1) * rows)]) }

    /// The transpose, as a new matrix.
    public var transposed: Matrix<T> { Matrix(rows: cols, cols: rows) { i, j in self[j, i] } }

    /// Columns `range` as a new matrix.
    public func columns(_ range: Range<Int>) -> Matrix<T> {
        var out = Matrix(rows: rows, cols: range.count)
        out.storage = Array(storage[(range.lowerBound * rows)..<(range.upperBound * rows)])
        return out
    }
}

/// A mismatch between the shape an operation needs and the shape it was given.
public struct ShapeError: Error, Equatable, CustomStringConvertible, Sendable {
    public let what: String
    public let expected: String
    public let got: String
    public init(what: String, expected: String, got: String) {
        self.what = what; self.expected = expected; self.got = got
    }
    public var description: String { "\(what): expected \(expected), got \(got)" }
}

extension Matrix {
    /// C = op(A)·op(B) through BLAS; throws on inner-dimension mismatch.
    public static func product(_ a: Matrix, _ transA: Transpose = .none,
                               _ b: Matrix, _ transB: Transpose = .none) throws(ShapeError) -> Matrix {
        let (m, ka) = transA == .none ? (a.rows, a.cols) : (a.cols, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.cols) : (b.cols, b.rows)
        guard ka == kb else {
            throw ShapeError(what: "matrix product", expected: "inner dimensions to agree",
                             got: "\(m)×\(ka) times \(kb)×\(n)")
        }
        var c = Matrix(rows: m, cols: n)
        if m == 0 || n == 0 { return c }
        if ka == 0 { return c }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    T.blasGemm(transA, transB, m, n, ka, 1, pa.baseAddress!, max(1, a.rows),
                               pb.baseAddress!, max(1, b.rows), 0, pc.baseAddress!, max(1, m))
                }
            }
        }
        return c
    }
}
