import ArgumentParser

/// The figures `mfg plot` draws.
enum PlotKind: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// Characteristics coloured by time over contours of Q, ρ₀ and ρ₁.
    case paths
    /// The density of the agents at several times (heat maps).
    case density
    /// Loss terms against iteration, training solid and validation dashed.
    case training
    /// Neural against grid-solver density (d = 2, needs `--reference`).
    case compare
}
