/// Where each named parameter block lives in the flat parameter vector θ.
///
/// Optimizers see θ as one vector; checkpoints store each block under its name with its shape.
/// Matrices are stored column-major inside θ (K₀ is m × (d+1): entry (i, j) at offset + i + j·m).
/// Order: K0, b0, K1, b1, …, KR, bR, w, A, c, b, then the optional parts after them (so a shape
/// without them has exactly the old layout): the quadratic's S0…Sp (d × d when full, of which
/// the lower triangle is used; d when diagonal) and v0…vp (d), the time-only term's c_time
/// (p + 1 coefficients, only with `timeTerm`), the separable part's sep_a,
/// sep_b, sep_c, sep_w (each d × q, entry (i, j) for coordinate i and unit j) and, only for
/// time-scaled units, sep_e (d × q) after them; for the spline form instead sep_spline
/// (d × (q + 5)(p + 1), entry (i, m + (q + 5)k) the coefficient of basis function m and time
/// polynomial φₖ in coordinate i).
public struct ParameterLayout: Equatable, Sendable {
    /// One named block: its shape (rows, cols) and position.
    public struct Block: Equatable, Sendable {
        public let name: String
        public let rows: Int
        public let cols: Int
        public let offset: Int
        public var count: Int { rows * cols }
        public var range: Range<Int> { offset..<(offset + count) }
        /// Shape as stored in files: [rows, cols] for matrices, [rows] for vectors, [] for scalars.
        public var shape: [Int] { cols == 1 ? (rows == 1 && name == "b" ? [] : [rows]) : [rows, cols] }
    }

    /// Offsets of the separable part's d × q blocks (`e`: sep_e, nil for fixed units).
    public struct SeparableOffsets: Equatable, Sendable {
        public let a: Int, b: Int, c: Int, w: Int
        public let e: Int?
    }

    public let blocks: [Block]
    public let count: Int
    /// Offsets of S0…Sp and v0…vp (empty without a quadratic part).
    public let quadraticMatrixOffsets: [Int], quadraticVectorOffsets: [Int]
    /// Offset of c_time, the p + 1 coefficients of c(t) (nil without a time-only term).
    public let timeTermOffset: Int?
    /// Offsets of sep_a, sep_b, sep_c, sep_w (nil without a separable part or with the spline form).
    public let separableOffsets: SeparableOffsets?
    /// Offset of sep_spline (nil without the spline form).
    public let splineOffset: Int?

    public init(_ shape: NetworkShape) {
        let m = shape.width, dd = shape.inputSize
        var blocks: [Block] = []
        var offset = 0
        func add(_ name: String, _ rows: Int, _ cols: Int) {
            blocks.append(Block(name: name, rows: rows, cols: cols, offset: offset))
            offset += rows * cols
        }
        add("K0", m, dd); add("b0", m, 1)
        for k in stride(from: 1, through: shape.residualLayers, by: 1) { add("K\(k)", m, m); add("b\(k)", m, 1) }
        add("w", m, 1); add("A", shape.rank, dd); add("c", dd, 1); add("b", 1, 1)
        let d = shape.dimension, basis = 0..<shape.timeBasisCount
        var matrixOffsets: [Int] = [], vectorOffsets: [Int] = []
        for k in basis { matrixOffsets.append(offset); add("S\(k)", d, shape.quadratic == .full ? d : 1) }
        for k in basis { vectorOffsets.append(offset); add("v\(k)", d, 1) }
        quadraticMatrixOffsets = matrixOffsets
        quadraticVectorOffsets = vectorOffsets
        if shape.timeTerm {
            timeTermOffset = offset
            add("c_time", shape.timeBasisCount, 1)
        } else {
            timeTermOffset = nil
        }
        if shape.hasSplineSeparable {
            splineOffset = offset
            separableOffsets = nil
            add("sep_spline", d, shape.splineBasisCount * (shape.timeDegree + 1))
        } else if shape.hasSeparable {
            splineOffset = nil
            let q = shape.separableWidth, start = offset
            for name in ["sep_a", "sep_b", "sep_c", "sep_w"] { add(name, d, q) }
            if shape.hasTimeScaledSeparable { add("sep_e", d, q) }
            separableOffsets = SeparableOffsets(a: start, b: start + d * q, c: start + 2 * d * q, w: start + 3 * d * q,
                                                e: shape.hasTimeScaledSeparable ? start + 4 * d * q : nil)
        } else {
            separableOffsets = nil
            splineOffset = nil
        }
        self.blocks = blocks
        self.count = offset
    }

    /// The block called `name`, if any.
    public func block(_ name: String) -> Block? { blocks.first { $0.name == name } }
}
