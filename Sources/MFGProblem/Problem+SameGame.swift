extension Problem {
    /// Whether `other` states the same game: dimension, horizon, α_L, densities, running and
    /// terminal costs with their weights, the noise σ. Solver settings (network, integrator, training,
    /// reference grid) and penalty weights may differ: they change how the game is solved, not
    /// which game it is.
    public func describesSameGame(as other: Problem) -> Bool { gameDifferences(from: other).isEmpty }

    /// The problem-file fields in which `other` states a different game (empty when it is the
    /// same game), with both values where they are single numbers.
    public func gameDifferences(from other: Problem) -> [GameDifference] {
        func same(_ a: Density?, _ b: Density?) -> Bool {
            switch (a, b) {
            case (nil, nil): return true
            case let (a?, b?): return a.isSame(as: b)
            default: return false
            }
        }
        var out: [GameDifference] = []
        func compare(_ field: String, _ a: Double, _ b: Double) {
            if a != b { out.append(GameDifference(field: field, values: (a, b))) }
        }
        compare("dimension", Double(dimension), Double(other.dimension))
        compare("horizon", horizon, other.horizon)
        compare("kinetic_weight", kineticWeight, other.kineticWeight)
        compare("sigma", sigma, other.sigma)
        if kineticWeights != other.kineticWeights && kineticWeight == other.kineticWeight {
            out.append(GameDifference(field: "kinetic_weight (per coordinate)"))
        }
        if sigmas != other.sigmas && sigma == other.sigma { out.append(GameDifference(field: "sigma (per coordinate)")) }
        if !same(initialDensity, other.initialDensity) { out.append(GameDifference(field: "initial_density")) }
        if !same(targetDensity, other.targetDensity) { out.append(GameDifference(field: "target_density")) }
        if obstacles != other.obstacles { out.append(GameDifference(field: "running_cost.obstacle")) }
        compare("running_cost.obstacle.weight", obstacleWeight, other.obstacleWeight)
        compare("running_cost.entropy.weight", entropyWeight, other.entropyWeight)
        compare("running_cost.congestion.weight", congestion?.weight ?? 0, other.congestion?.weight ?? 0)
        compare("running_cost.congestion.exponent", congestion?.exponent ?? 0, other.congestion?.exponent ?? 0)
        compare("running_cost.congestion.bandwidth", congestion?.marginal?.bandwidth ?? 0, other.congestion?.marginal?.bandwidth ?? 0)
        if congestion?.marginal?.coordinates != other.congestion?.marginal?.coordinates {
            out.append(GameDifference(field: "running_cost.congestion.coordinates"))
        }
        if shapedObstacles != other.shapedObstacles { out.append(GameDifference(field: "running_cost.obstacle (shapes)")) }
        compare("running_cost.interaction.weight", interaction?.weight ?? 0, other.interaction?.weight ?? 0)
        compare("running_cost.interaction.width", interaction?.width ?? 0, other.interaction?.width ?? 0)
        if interaction?.coordinates != other.interaction?.coordinates {
            out.append(GameDifference(field: "running_cost.interaction.coordinates"))
        }
        if terminal != other.terminal { out.append(GameDifference(field: "terminal_cost")) }
        return out
    }
}

/// A problem-file field in which two problems state different games.
public struct GameDifference: Sendable, Equatable, CustomStringConvertible {
    /// The field's path in the problem file, e.g. "running_cost.obstacle.weight".
    public let field: String
    /// The two values when the field is one number (this problem's, the other's).
    public let first: Double?, second: Double?

    public init(field: String, values: (Double, Double)? = nil) {
        self.field = field
        first = values?.0
        second = values?.1
    }

    /// "horizon 1 ≠ 2", or the field's name alone.
    public var description: String {
        guard let first, let second else { return field }
        func number(_ v: Double) -> String { v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : "\(v)" }
        return "\(field) \(number(first)) ≠ \(number(second))"
    }
}
