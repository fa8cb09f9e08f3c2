extension Problem {
    /// Whether `other` states the same game: dimension, horizon, α_L, densities, running and
    /// terminal costs with their weights. Solver settings (network, integrator, training,
    /// reference grid) and penalty weights may differ: they change how the game is solved, not
    /// which game it is.
    public func describesSameGame(as other: Problem) -> Bool {
        func same(_ a: Density?, _ b: Density?) -> Bool {
            switch (a, b) {
            case (nil, nil): return true
            case let (a?, b?): return a.isSame(as: b)
            default: return false
            }
        }
        return dimension == other.dimension && horizon == other.horizon && kineticWeight == other.kineticWeight
            && same(initialDensity, other.initialDensity) && same(targetDensity, other.targetDensity)
            && obstacles == other.obstacles && obstacleWeight == other.obstacleWeight
            && entropyWeight == other.entropyWeight && terminal == other.terminal
    }
}
