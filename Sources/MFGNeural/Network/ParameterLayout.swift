/// Where each named parameter block lives in the flat parameter vector θ.
///
/// Optimizers see θ as one vector; checkpoints store each block under its name with its shape.
/// Matrices are stored column-major inside θ (K₀ is m × (d+1): entry (i, j) at offset + i + j·m).
/// Order: K0, b0, K1, b1, …, KR, bR, w, A, c, b.
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

    public let blocks: [Block]
    public let count: Int

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
        self.blocks = blocks
        self.count = offset
    }

    /// The block called `name`, if any.
    public func block(_ name: String) -> Block? { blocks.first { $0.name == name } }
}
