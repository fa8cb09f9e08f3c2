/// Splitting a problem into independent blocks of one or two coordinates.
extension Problem {
    /// The finest partition of the coordinates into blocks of at most two such that ρ₀ and the
    /// target (or the terminal preference) factor over it and every running-cost term depends on
    /// the coordinates of one block only; identical blocks grouped (see `ProblemBlock`).
    ///
    /// What couples coordinates: a mixture couples those in which its components differ; an
    /// obstacle or preference bump couples its `coordinates`; a congestion ∫ρ^p couples every
    /// coordinate (for a product density it is a product of the factors' integrals, not a sum),
    /// a congestion of the marginal of coordinates S couples S (`Congestion.restricted`), and
    /// so does a log-quadratic terminal cost ln((a + |x − c|²)/b); a shaped obstacle couples its
    /// `coordinates`; a pairwise interaction with a Gaussian kernel on coordinates S couples S (with a
    /// product density ∫∫K(x_S − y_S)ρρ depends on the S-marginal only, so the term goes whole to the
    /// block holding S, `Interaction.restricted(to:)`).
    /// The kinetic cost, the entropy, a
    /// KL terminal cost (given factored densities) and a quadratic preference are sums over
    /// coordinates and couple nothing.
    ///
    /// - Throws: `SeparabilityError` naming the term that makes a block of more than two
    ///   coordinates, e.g. `initial_density: the mixture couples coordinates 1–10`.
    public func separableBlocks() throws(SeparabilityError) -> [ProblemBlock] {
        var partition = CoordinatePartition(dimension: dimension)
        for term in couplingTerms() {
            for group in term.groups {
                try partition.join(group.coordinates, field: term.field, what: group.what, file: file)
            }
        }
        var blocks: [ProblemBlock] = []
        for coordinates in partition.blocks() {
            let sub = restricted(to: coordinates)
            if let k = blocks.firstIndex(where: { $0.problem.describesSameGame(as: sub) }) {
                blocks[k] = ProblemBlock(problem: blocks[k].problem, occurrences: blocks[k].occurrences + [coordinates])
            } else {
                blocks.append(ProblemBlock(problem: sub, occurrences: [coordinates]))
            }
        }
        return blocks
    }

    /// Every term of the problem with the coordinate groups it couples, in file order.
    func couplingTerms() -> [(field: String, groups: [(coordinates: [Int], what: String)])] {
        var terms: [(field: String, groups: [(coordinates: [Int], what: String)])] = []
        terms.append(("initial_density", initialDensity.couplings()))
        if let target = targetDensity { terms.append(("target_density", target.couplings())) }
        if let c = congestion {
            terms.append(("running_cost.congestion", [(c.marginal?.coordinates ?? Array(0..<dimension),
                                                        c.marginal == nil ? "the congestion" : "the marginal's congestion")]))
        }
        if let i = interaction, i.weight != 0 {
            terms.append(("running_cost.interaction", [(i.coordinates, "the interaction kernel")]))
        }
        for t in activeObstacles?.terms ?? [] {
            terms.append((t.source.isEmpty ? "running_cost.obstacle" : t.source,
                          [(t.bump.coordinates.sorted(), "the obstacle")]))
        }
        for o in shapedObstacles?.obstacles ?? [] {
            terms.append((o.source.isEmpty ? "running_cost.obstacle" : o.source,
                          [(o.coordinates.sorted(), "the \(o.shape.keyword)")]))
        }
        if case .logQuadratic = terminal {
            terms.append(("terminal_cost", [(Array(0..<dimension), "the log-quadratic terminal cost")]))
        }
        if case .preference(_, let g) = terminal {
            switch g {
            case .bump(let b):
                terms.append(("terminal_cost.g", [(b.coordinates.sorted(), "the preference")]))
            case .bumps(let sum):
                for t in sum.terms {
                    terms.append((t.source.isEmpty ? "terminal_cost.g" : t.source, [(t.bump.coordinates.sorted(), "the preference")]))
                }
            case .quadratic:
                break
            }
        }
        return terms
    }

    /// The sub-problem on `coordinates` (0-based, increasing): marginal densities, the cost terms
    /// that act on these coordinates re-indexed to 0..<k, the parent's weights and settings (the
    /// network gets the defaults of dimension k; the reference grid is kept only when the block
    /// is the whole two-dimensional problem).
    func restricted(to coordinates: [Int]) -> Problem {
        let k = coordinates.count
        let q = activeObstacles?.restricted(to: coordinates)
        let shapes = shapedObstacles?.restricted(to: coordinates)
        var terminal = self.terminal
        if case .preference(let w, let g) = terminal {
            terminal = .preference(weight: w, g: g.restricted(to: coordinates))
        }
        let name = "\(self.name)[x\(coordinates.map { String($0 + 1) }.joined(separator: ",x"))]"
        let sub = Problem(name: name, summary: summary, file: file, sourceText: sourceText,
                          dimension: k, horizon: horizon, kineticWeight: kineticWeight,
                          initialDensity: initialDensity.marginal(on: coordinates),
                          targetDensity: targetDensity?.marginal(on: coordinates),
                          obstacles: q, obstacleWeight: q == nil ? 0 : obstacleWeight, entropyWeight: entropyWeight,
                          congestion: congestion?.restricted(to: coordinates, dimension: dimension), shapedObstacles: shapes,
                          interaction: interaction?.restricted(to: coordinates),
                          terminal: terminal, penalties: penalties, network: .defaults(dimension: k),
                          integrator: integrator, training: training,
                          reference: k == dimension ? reference : nil, closedForm: nil, sigma: sigma,
                          kineticWeights: kineticWeights.map { a in coordinates.map { a[$0] } },
                          sigmas: sigmas.map { s in coordinates.map { s[$0] } })
        if let kind = closedForm, ClosedFormCheck.whyNot(kind, sub) == nil {
            return sub.declaring(closedForm: kind)
        }
        return sub
    }

    /// The same problem declaring `closedForm`.
    func declaring(closedForm: ClosedFormKind) -> Problem {
        replacing(network: network, training: training, closedForm: closedForm)
    }
}

extension Bump {
    /// The bump as a function of the block `coordinates` (0-based, increasing) when it depends
    /// on those coordinates only, re-indexed to 0..<k; nil when it depends on none of them.
    /// (A bump that straddles the block is a programming error: blocks are unions of couplings.)
    func restricted(to block: [Int]) -> Bump? {
        let local = coordinates.map { block.firstIndex(of: $0) }
        if local.allSatisfy({ $0 == nil }) { return nil }
        precondition(local.allSatisfy { $0 != nil }, "Bump.restricted: the bump straddles the block")
        return Bump(amplitude: amplitude, coordinates: local.map { $0! }, center: center, variance: variance,
                    dimension: block.count)
    }
}

extension BumpSum {
    /// The terms that act on the block `coordinates`, re-indexed to 0..<k; nil when none does.
    func restricted(to block: [Int]) -> BumpSum? {
        let kept = terms.compactMap { t in
            t.bump.restricted(to: block).map { Term(coefficient: t.coefficient, bump: $0, source: t.source) }
        }
        return kept.isEmpty ? nil : BumpSum(dimension: block.count, terms: kept)
    }
}

extension Preference {
    /// g as a function of the block `coordinates` alone: the quadratic's part in them, or the
    /// bumps that act on them re-indexed (g = 0, written as a quadratic of scale 0, when none
    /// does).
    func restricted(to block: [Int]) -> Preference {
        let zero = Preference.quadratic(center: [Double](repeating: 0, count: block.count), scale: 0)
        switch self {
        case .quadratic(let c, let scale):
            return .quadratic(center: block.map { c[$0] }, scale: scale)
        case .bump(let b):
            return b.restricted(to: block).map { .bump($0) } ?? zero
        case .bumps(let sum):
            guard let r = sum.restricted(to: block) else { return zero }
            return r.single.map { .bump($0) } ?? .bumps(r)
        }
    }
}

/// A union–find over coordinates that refuses to build a block of more than two.
struct CoordinatePartition {
    private var parent: [Int]
    /// Fields that joined each root's block (for messages).
    private var sources: [Int: [String]] = [:]

    init(dimension: Int) { parent = Array(0..<dimension) }

    mutating func root(_ i: Int) -> Int {
        var r = i
        while parent[r] != r { r = parent[r] }
        var j = i
        while parent[j] != r { let next = parent[j]; parent[j] = r; j = next }
        return r
    }

    func members(of r: Int) -> [Int] {
        var copy = self
        return (0..<parent.count).filter { copy.root($0) == r }
    }

    /// Puts `group` into one block, or throws when that block would exceed two coordinates.
    mutating func join(_ group: [Int], field: String, what: String, file: String) throws(SeparabilityError) {
        guard let first = group.first else { return }
        if group.count > 2 {
            throw SeparabilityError(file: file, field: field, coordinates: group.sorted(),
                                    reason: "\(what) couples coordinates \(coordinateList(group)) (blocks have at most 2)")
        }
        let roots = Set(group.map { root($0) })
        let block = roots.flatMap { members(of: $0) }.sorted()
        if block.count > 2 {
            let others = block.filter { !group.contains($0) }
            let earlier = roots.flatMap { sources[$0] ?? [] }
            let by = earlier.isEmpty ? "" : " by \(Array(Set(earlier)).sorted().joined(separator: ", "))"
            throw SeparabilityError(file: file, field: field, coordinates: block,
                                    reason: "\(what) couples coordinates \(coordinateList(group)), which are coupled"
                                        + "\(by) with \(coordinateList(others)): a block of \(block.count) coordinates "
                                        + "(\(coordinateList(block))); blocks have at most 2")
        }
        let r = root(first)
        var fields = roots.flatMap { sources[$0] ?? [] }
        for other in roots where other != r { parent[other] = r; sources[other] = nil }
        if group.count > 1 { fields.append(field) }
        sources[r] = fields
    }

    /// The blocks, each sorted, ordered by first coordinate.
    func blocks() -> [[Int]] {
        var copy = self
        var byRoot: [Int: [Int]] = [:]
        var order: [Int] = []
        for i in 0..<parent.count {
            let r = copy.root(i)
            if byRoot[r] == nil { order.append(r) }
            byRoot[r, default: []].append(i)
        }
        return order.map { byRoot[$0]! }
    }
}

extension ShapedObstacles {
    /// The obstacles that act on the block `coordinates` (0-based, increasing), re-indexed to
    /// 0..<k; nil when none does. (The blocks come from `separableBlocks`, which puts each
    /// obstacle's coordinates in one block, so an obstacle lies wholly inside or outside.)
    func restricted(to coordinates: [Int]) -> ShapedObstacles? {
        let inside = obstacles.filter { $0.coordinates.allSatisfy(coordinates.contains) }
        guard !inside.isEmpty else { return nil }
        return ShapedObstacles(dimension: coordinates.count, obstacles: inside.map {
            ShapedObstacle(shape: $0.shape, weight: $0.weight, amplitude: $0.amplitude, softness: $0.softness,
                           coordinates: $0.coordinates.map { coordinates.firstIndex(of: $0)! },
                           dimension: coordinates.count, source: $0.source)
        })
    }
}
