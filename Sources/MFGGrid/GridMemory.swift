/// The memory a grid solve needs, estimated from its grid before anything is allocated (so that
/// `mfg reference` refuses a grid the machine cannot hold instead of dying in the allocator).
///
/// The solver keeps about 25 arrays of one value per space-time cell (the primal iterate ρ, m₁, m₂
/// and its previous value, Aᵀφ and its previous value, φ, the Poisson right-hand side and
/// solution, the relaxation copies, the cosine transform's scratch). Measured peak resident
/// memory, coarse levels off: 64×64×32 89 MB, 128×128×64 445 MB, i.e. about 420–440 bytes per
/// cell above the program's own 30 MB. The estimate takes 512 bytes per cell of the finest grid,
/// which also covers the coarser levels (1/8 + 1/64 + … of it) and the result being written.
public enum GridMemory {
    public static let bytesPerCell = 512.0

    /// Bytes a solve on nx × ny cells and nt time steps needs.
    public static func bytes(nx: Int, ny: Int, nt: Int) -> Double {
        bytesPerCell * Double(nx) * Double(ny) * Double(nt + 1)
    }
}
