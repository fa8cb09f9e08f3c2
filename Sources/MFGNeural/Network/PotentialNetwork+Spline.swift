import CKernels
import MFGMath

/// The spline form of the separable part (`SeparableForm.spline`, block sep_spline):
///
///     Φ_B(x, t) = Σᵢ Σₘ cᵢₘ(τ) Bₘ(xᵢ),   cᵢₘ(τ) = Σₖ φₖ(τ) θᵢₘₖ,   τ = t/T,
///
/// with Bₘ, m = 0…q + 4, the quintic B-splines on the q uniform intervals of [lo, hi]
/// (h = (hi − lo)/q; Bₘ(x) = N₆((x − lo)/h + 5 − m), N₆ the cardinal quintic B-spline on
/// [0, 6]) and φₖ the shifted Legendre basis of degree p (`TimeBasis`). Any smooth shape in
/// each coordinate that moves in time, like q fixed units, but linear in θ and cheap: at a point
/// only six Bₘ are nonzero, so a sample costs six coefficients per coordinate whatever q is,
/// where units cost q activations (an exponential and a division each). The B-splines are C⁴,
/// so Φ_B is C⁴ in x: ΔΦ and its x-derivative, which the log-density's adjoint needs, are
/// continuous. Outside [lo − 5h, hi + 5h] Φ_B is 0 (it falls smoothly to 0 over the five
/// intervals past each end); the other parts carry Φ there.
///
/// Exactly, with cᵢₘ′ = Σₖ φₖ′(τ)θᵢₘₖ/T:
///
///     ∂Φ_B/∂xᵢ = Σₘ cᵢₘ Bₘ′(xᵢ),  ∂ₜΦ_B = Σᵢₘ cᵢₘ′ Bₘ(xᵢ),  ΔₓΦ_B = Σᵢₘ cᵢₘ Bₘ″(xᵢ).
///
/// At one τ (a Runge–Kutta stage: every sample of a block at the same t) the coefficients
/// c(τ), c′(τ) (and c″ for the time adjoint) are formed once as tables, d rows of q + 17 (five
/// zeros before, seven after, so a point's six coefficients are six consecutive entries); the C kernel
/// (CKernels/Spline.c) then does, per sample and coordinate, the six basis values and their
/// derivatives and a few six-term dot products. Reverse mode accumulates the tables' adjoints
/// c̄, c̄′ over a run of equal t (the kernel), then θ̄ᵢₘₖ += φₖ c̄ᵢₘ + φₖ′/T c̄′ᵢₘ once per run.
/// Blocks whose samples do not share times (fits, evaluations at given points) skip the tables:
/// each sample forms its six coefficients per coordinate from θ and its own time basis.
extension PotentialNetwork {
    /// Row length of a spline table: five zeros, the q + 5 coefficients, seven zeros (the kernels
    /// read a coordinate's six coefficients as eight, the last two multiplied by 0).
    static func splineTableRow(_ shape: NetworkShape) -> Int { shape.splineBasisCount + 12 }

    /// The knots' origin lo and 1/h.
    private var splineScale: (lo: T, invh: T) {
        let r = shape.splineRange
        return (T(r.lowerBound), T(Double(shape.separableWidth) / (r.upperBound - r.lowerBound)))
    }

    /// φₖ(τ), φₖ′(τ)/T and φₖ″(τ)/T², k = 0…p (`TimeBasis`, in T), into out[0…p],
    /// out[p + 1…2p + 1], out[2p + 2…3p + 2]: the one layout the tables, the adjoints' expansion
    /// and the kernels of blocks at mixed times read.
    @inline(__always)
    private func writeTimeBasis(at tau: Double, into out: UnsafeMutablePointer<T>) {
        let basis = TimeBasis(degree: shape.timeDegree, at: tau)
        let invT = 1 / shape.timeScale, n = shape.timeDegree + 1
        for k in 0..<n {
            out[k] = T(basis.value[k]); out[n + k] = T(basis.first[k] * invT)
            out[2 * n + k] = T(basis.second[k] * invT * invT)
        }
    }

    /// Each sample's time basis (`writeTimeBasis` at its own τ) into the workspace, for the
    /// kernels of blocks at mixed times.
    @inline(__always)
    private func fillSampleTimeBases(_ ws: PotentialWorkspace<T>, _ nb: Int) -> UnsafePointer<T> {
        let stride = PotentialWorkspace<T>.splineTimeBasisSize(shape)
        for s in 0..<nb { writeTimeBasis(at: tau(ws, column: s), into: ws.splineTimeBasis + stride * s) }
        return UnsafePointer(ws.splineTimeBasis)
    }

    /// Fills the tables c(τ), c′(τ) (and c″(τ) with `second`) in the workspace unless it holds
    /// them for this θ revision and τ.
    @inline(__always)
    private func splineTables(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, tau: Double, second: Bool) {
        if let key = ws.splineKey, key.revision == revision, key.tau == tau, key.second || !second { return }
        let d = shape.dimension, nq = shape.splineBasisCount, L = Self.splineTableRow(shape)
        // The basis at τ in the first sample's slot (the mixed-time path refills it per block).
        let f0 = ws.splineTimeBasis, f1 = f0 + shape.timeDegree + 1, f2 = f1 + shape.timeDegree + 1
        writeTimeBasis(at: tau, into: f0)
        let block = theta + layout.splineOffset!
        let c0 = ws.splineTables, c1 = c0 + d * L, c2 = c1 + d * L
        for i in 0..<d {
            for m in 0..<nq {
                var v: T = 0, v1: T = 0, v2: T = 0
                for k in 0...shape.timeDegree {
                    let th = block[i + d * (m + nq * k)]
                    v += f0[k] * th
                    v1 += f1[k] * th
                    if second { v2 += f2[k] * th }
                }
                c0[i * L + m + 5] = v; c1[i * L + m + 5] = v1
                if second { c2[i * L + m + 5] = v2 }
            }
        }
        ws.splineKey = (revision, tau, second)
    }

    /// Whether the block's samples share one t or come in runs of equal t long enough for tables (on average 8
    /// samples or more: a table costs (q + 5)(p + 1) per coordinate, a sample's own coefficients
    /// 6(p + 1)); otherwise each sample forms its own (fits to grid values, evaluations at given
    /// points). In training every block is one run.
    @inline(__always)
    private func sharesTimes(_ ws: PotentialWorkspace<T>, _ nb: Int) -> Bool {
        let d = shape.dimension, dd = d + 1
        var runs = 1
        for s in 1..<max(nb, 1) where ws.input[s * dd + d] != ws.input[(s - 1) * dd + d] { runs += 1 }
        return runs == 1 || nb >= 8 * runs
    }

    /// Adds Φ_B (with `value` or `valueOnly`), ∇ₛΦ_B and ΔΦ_B (weighted by the trace weights) to
    /// the block held in `ws`.
    @inline(__always)
    func splineForward(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, _ nb: Int, _ valueOnly: Bool,
                       value: Bool) {
        let d = shape.dimension, dd = d + 1, L = Self.splineTableRow(shape), K = shape.separableWidth
        let (lo, invh) = splineScale
        let tw: UnsafePointer<T>? = ws.traceWeights != nil ? UnsafePointer(ws.traceWeight) : nil
        if !sharesTimes(ws, nb) {
            SplineKernels.mixedForward(nb: nb, d: d, K: K, p: shape.timeDegree, x: ws.input, lo: lo, invh: invh,
                                       theta: theta + layout.splineOffset!, timeBasis: fillSampleTimeBases(ws, nb),
                                       traceWeights: tw, value: value || valueOnly, valueOnly: valueOnly, phi: ws.phi,
                                       gradient: ws.gradient, laplacian: ws.laplacian)
            return
        }
        forEachTimeRun(ws.input, count: nb) { start, end in
            let tau = self.tau(ws, column: start)
            splineTables(theta, ws, tau: tau, second: false)
            let c0 = UnsafePointer(ws.splineTables), c1 = c0 + d * L
            SplineKernels.forward(nb: end - start, d: d, K: K, x: ws.input + start * dd, lo: lo, invh: invh,
                                  c0: c0, c1: c1, traceWeights: tw, value: value || valueOnly, valueOnly: valueOnly,
                                  phi: ws.phi + start, gradient: ws.gradient + start * dd,
                                  laplacian: ws.laplacian + start)
        }
    }

    /// Reverse mode of the spline form: adds to the gradient block sep_spline and, when `sBar` is
    /// given, to the input adjoint (its t row only with `timeAdjoint`).
    @inline(__always)
    func splineBackward(_ theta: UnsafePointer<T>, _ phiBar: UnsafePointer<T>?, _ gBar: UnsafePointer<T>?,
                        _ lapBar: UnsafePointer<T>?, _ ws: PotentialWorkspace<T>, _ grad: UnsafeMutablePointer<T>,
                        _ sBar: UnsafeMutablePointer<T>?, timeAdjoint: Bool) {
        guard phiBar != nil || gBar != nil || lapBar != nil else { return }
        let d = shape.dimension, dd = d + 1, L = Self.splineTableRow(shape), K = shape.separableWidth
        let nq = shape.splineBasisCount, p = shape.timeDegree
        let (lo, invh) = splineScale
        let tw: UnsafePointer<T>? = ws.traceWeights != nil ? UnsafePointer(ws.traceWeight) : nil
        let timeRow = timeAdjoint && sBar != nil
        let gBlock = grad + layout.splineOffset!
        if !sharesTimes(ws, ws.count) {
            SplineKernels.mixedReverse(nb: ws.count, d: d, K: K, p: p, x: ws.input, lo: lo, invh: invh,
                                       theta: theta + layout.splineOffset!,
                                       timeBasis: fillSampleTimeBases(ws, ws.count), traceWeights: tw, phiBar: phiBar,
                                       gBar: gBar, lapBar: lapBar, gTheta: gBlock, sBar: sBar, timeRow: timeRow)
            return
        }
        forEachTimeRun(ws.input, count: ws.count) { start, end in
            let tau = self.tau(ws, column: start)
            splineTables(theta, ws, tau: tau, second: timeRow)
            let c0 = UnsafePointer(ws.splineTables), c1 = c0 + d * L, c2 = c1 + d * L
            // The adjoint tables are zero here (from the workspace's allocation, then from the
            // transposition below, which zeroes each row it reads).
            let b0 = ws.splineTableBars, b1 = b0 + d * L
            SplineKernels.reverse(nb: end - start, d: d, K: K, x: ws.input + start * dd, lo: lo, invh: invh,
                                  c0: c0, c1: c1, c2: c2, traceWeights: tw, phiBar: phiBar.map { $0 + start },
                                  gBar: gBar.map { $0 + start * dd }, lapBar: lapBar.map { $0 + start },
                                  c0Bar: b0, c1Bar: b1, sBar: sBar.map { $0 + start * dd }, timeRow: timeRow)
            // Coordinate-fastest copies (nq × d), so that each column of sep_spline's gradient is
            // one contiguous update.
            let t0 = b1 + d * L, t1 = t0 + d * L
            for i in 0..<d {
                let r0 = b0 + i * L, r1 = b1 + i * L
                for m in 0..<nq { t0[m * d + i] = r0[m + 5]; t1[m * d + i] = r1[m + 5] }
                r0.update(repeating: 0, count: L); r1.update(repeating: 0, count: L)
            }
            let f0 = ws.splineTimeBasis, f1 = f0 + p + 1
            writeTimeBasis(at: tau, into: f0)
            for k in 0...p {
                for m in 0..<nq {
                    let col = gBlock + d * (m + nq * k), a0 = t0 + m * d, a1 = t1 + m * d
                    for i in 0..<d { col[i] += f0[k] * a0[i] + f1[k] * a1[i] }
                }
            }
        }
    }
}
