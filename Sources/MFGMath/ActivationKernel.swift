import RealModule
import CKernels

/// The network activation σ(x) = log(eˣ + e⁻ˣ) with σ′ = tanh x and σ″ = 1 − tanh²x over a
/// whole block, in branch-free loops the compiler vectorizes (libm's expm1/log are scalar calls
/// of 10–25 ns each; these loops cost about 1 ns per element).
///
/// With y = −2|x| ≤ 0: em = e^y − 1 by range reduction y = k·ln 2 + r, |r| ≤ ln2/2,
/// em = 2ᵏ·expm1(r) + (2ᵏ − 1) (expm1(r) by its Taylor polynomial, so there is no cancellation
/// when x is small); then tanh|x| = −em/(2 + em) and σ = |x| + log(1 + e) with e = 2ᵏ(1 + expm1(r)) ∈ (0, 1],
/// log(1 + e) = log(3/2) + 2 atanh(s), s = (e − ½)/(e + 5/2) ∈ [−1/5, 1/7], by its odd series
/// (one division serves both tanh and s). Every truncation is
/// below the precision's rounding unit: relative error a few ulp in σ, σ′, σ″.
public enum ActivationKernel {
    /// For each of the `count` entries x = pre[i]: act[i] = σ(x) (or prev[i] + h·σ(x) when
    /// `prev` is given), sp[i] = σ′(x), spp[i] = σ″(x).
    @inlinable
    public static func apply<T: Scalar>(count: Int, pre: UnsafePointer<T>, prev: UnsafePointer<T>?, h: T,
                                        act: UnsafeMutablePointer<T>, sp: UnsafeMutablePointer<T>,
                                        spp: UnsafeMutablePointer<T>) {
        if T.self == Double.self {
            applyDouble(count: count, pre: UnsafeRawPointer(pre).assumingMemoryBound(to: Double.self),
                        prev: prev.map { UnsafeRawPointer($0).assumingMemoryBound(to: Double.self) },
                        h: unsafeBitCast(h, to: Double.self),
                        act: UnsafeMutableRawPointer(act).assumingMemoryBound(to: Double.self),
                        sp: UnsafeMutableRawPointer(sp).assumingMemoryBound(to: Double.self),
                        spp: UnsafeMutableRawPointer(spp).assumingMemoryBound(to: Double.self))
        } else if T.self == Float.self {
            applyFloat(count: count, pre: UnsafeRawPointer(pre).assumingMemoryBound(to: Float.self),
                       prev: prev.map { UnsafeRawPointer($0).assumingMemoryBound(to: Float.self) },
                       h: unsafeBitCast(h, to: Float.self),
                       act: UnsafeMutableRawPointer(act).assumingMemoryBound(to: Float.self),
                       sp: UnsafeMutableRawPointer(sp).assumingMemoryBound(to: Float.self),
                       spp: UnsafeMutableRawPointer(spp).assumingMemoryBound(to: Float.self))
        } else {
            for i in 0..<count {
                let x = pre[i], ax = abs(x)
                let em = T.expMinusOne(-2 * ax)
                let s = ax + T.log(2 + em)
                let ta = -em / (2 + em), t = x < 0 ? -ta : ta
                act[i] = prev.map { $0[i] + h * s } ?? s
                sp[i] = t; spp[i] = 1 - t * t
            }
        }
    }

    /// σ′ and σ″ only (no σ): the same bits as `apply` gives them, with σ's log series skipped
    /// (about 40 % of the arithmetic), for evaluations that need ∇Φ and ΔΦ but not Φ.
    @inlinable
    public static func derivatives<T: Scalar>(count: Int, pre: UnsafePointer<T>, sp: UnsafeMutablePointer<T>,
                                              spp: UnsafeMutablePointer<T>) {
        if T.self == Double.self {
            mfg_activation_f64(count, UnsafeRawPointer(pre).assumingMemoryBound(to: Double.self), nil, 0, nil,
                               UnsafeMutableRawPointer(sp).assumingMemoryBound(to: Double.self),
                               UnsafeMutableRawPointer(spp).assumingMemoryBound(to: Double.self))
        } else if T.self == Float.self {
            mfg_activation_f32(count, UnsafeRawPointer(pre).assumingMemoryBound(to: Float.self), nil, 0, nil,
                               UnsafeMutableRawPointer(sp).assumingMemoryBound(to: Float.self),
                               UnsafeMutableRawPointer(spp).assumingMemoryBound(to: Float.self))
        } else {
            for i in 0..<count {
                let x = pre[i], ax = abs(x)
                let em = T.expMinusOne(-2 * ax)
                let ta = -em / (2 + em), t = x < 0 ? -ta : ta
                sp[i] = t; spp[i] = 1 - t * t
            }
        }
    }

    /// The Double loop: the CKernels C kernel, which runs the arithmetic of `sigmaTanh` with the
    /// widest vectors the CPU has (AVX-512F, AVX2 or SSE2, chosen at run time), bit for bit the
    /// same result on each. Swift's own loop is compiled for baseline SSE2 (2 doubles per
    /// instruction); measured 30 % of a d = 2 Float64 iteration before the switch.
    public static func applyDouble(count: Int, pre: UnsafePointer<Double>, prev: UnsafePointer<Double>?, h: Double,
                                   act: UnsafeMutablePointer<Double>, sp: UnsafeMutablePointer<Double>,
                                   spp: UnsafeMutablePointer<Double>) {
        mfg_activation_f64(count, pre, prev, h, act, sp, spp)
    }

    /// The Float loop (see `applyDouble`).
    public static func applyFloat(count: Int, pre: UnsafePointer<Float>, prev: UnsafePointer<Float>?, h: Float,
                                  act: UnsafeMutablePointer<Float>, sp: UnsafeMutablePointer<Float>,
                                  spp: UnsafeMutablePointer<Float>) {
        mfg_activation_f32(count, pre, prev, h, act, sp, spp)
    }

    /// (σ(x), tanh x) in Double: the reference arithmetic of the C kernels (tests compare them
    /// bit for bit).
    @inline(__always)
    public static func sigmaTanh(_ x: Double) -> (Double, Double) {
        let ax = abs(x)
        let y = max(-2 * ax, -700.0)
        let magic = 6755399441055744.0          // 1.5·2⁵²: adding it rounds to an integer
        let kt = y * 1.4426950408889634 + magic
        let k = kt - magic
        let r = (y - k * 0.6931471803691238) - k * 1.9082149292705877e-10
        // expm1(r) = r·P(r), |r| ≤ 0.35: Taylor to r¹³ (truncation < 1e-17 relative), evaluated
        // by Estrin's scheme (depth 4 instead of 13: the loop is latency bound otherwise).
        let r2 = r * r, r4 = r2 * r2, r8 = r4 * r4
        let p01 = 1 + 0.5 * r, p23 = 1.0 / 6 + (1.0 / 24) * r, p45 = 1.0 / 120 + (1.0 / 720) * r
        let p67 = 1.0 / 5040 + (1.0 / 40320) * r, p89 = 1.0 / 362880 + (1.0 / 3628800) * r
        let p1011 = 1.0 / 39916800 + (1.0 / 479001600) * r, p12 = 1.0 / 6227020800
        let w0 = (p01 + r2 * p23) + r4 * (p45 + r2 * p67)
        let w1 = (p89 + r2 * p1011) + r4 * p12
        let p = w0 + r8 * w1
        let q = p * r
        let ki = Int64(bitPattern: kt.bitPattern &- magic.bitPattern)
        let scale = Double(bitPattern: UInt64(bitPattern: (ki &+ 1023) &<< 52))
        let em = scale * q + (scale - 1)
        let e = scale * q + scale
        // One division for tanh|x| = −em/(2 + em) and s = (e − ½)/(e + 5/2), with
        // log(1 + e) = log(3/2) + 2 atanh(s), |s| ≤ 1/5: 12 terms of the odd series.
        let d2 = 2 + em, den = 2.5 + e
        let inv = 1 / (d2 * den)
        let ta = -em * den * inv
        let s = (e - 0.5) * d2 * inv, s2 = s * s
        let t2 = s2 * s2, t4 = t2 * t2, t8 = t4 * t4
        let b0 = 1 + (1.0 / 3) * s2, b1 = 1.0 / 5 + (1.0 / 7) * s2, b2 = 1.0 / 9 + (1.0 / 11) * s2, b3 = 1.0 / 13 + (1.0 / 15) * s2
        let b4 = 1.0 / 17 + (1.0 / 19) * s2, b5 = 1.0 / 21 + (1.0 / 23) * s2
        let l = ((b0 + t2 * b1) + t4 * (b2 + t2 * b3)) + t8 * (b4 + t2 * b5)
        let sigma = ax + (0.4054651081081644 + 2 * s * l)
        return (sigma, x < 0 ? -ta : ta)
    }

    /// (σ(x), tanh x) in Float.
    @inline(__always)
    public static func sigmaTanh(_ x: Float) -> (Float, Float) {
        let ax = abs(x)
        let y = max(-2 * ax, -87.0)
        let magic: Float = 12582912.0            // 1.5·2²³
        let kt = y * 1.44269504 + magic
        let k = kt - magic
        let r = (y - k * 0.693145752) - k * 1.42860677e-6
        // expm1(r) = r·P(r), |r| ≤ 0.35: Taylor to r⁸, Estrin's scheme.
        let r2 = r * r, r4 = r2 * r2
        let p01 = 1 + 0.5 * r, p23: Float = 1.0 / 6 + (1.0 / 24) * r
        let p45: Float = 1.0 / 120 + (1.0 / 720) * r, p67: Float = 1.0 / 5040 + (1.0 / 40320) * r
        let p = (p01 + r2 * p23) + r4 * (p45 + r2 * p67)
        let q = p * r
        let ki = Int32(bitPattern: kt.bitPattern &- magic.bitPattern)
        let scale = Float(bitPattern: UInt32(bitPattern: (ki &+ 127) &<< 23))
        let em = scale * q + (scale - 1)
        let e = scale * q + scale
        let d2 = 2 + em, den = 2.5 + e
        let inv = 1 / (d2 * den)
        let ta = -em * den * inv
        let s = (e - 0.5) * d2 * inv, s2 = s * s
        let t2 = s2 * s2, t4 = t2 * t2
        let b0 = 1 + (1.0 / 3) * s2, b1: Float = 1.0 / 5 + (1.0 / 7) * s2, b2: Float = 1.0 / 9 + (1.0 / 11) * s2
        let l = (b0 + t2 * b1) + t4 * b2
        let sigma = ax + (0.405465108 + 2 * s * l)
        return (sigma, x < 0 ? -ta : ta)
    }
}
