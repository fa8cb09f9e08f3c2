/// The network activation σ(x) = log(eˣ + e⁻ˣ) with σ′ = tanh x and σ″ = 1 − tanh²x over a
/// whole block, in branch-free loops the compiler vectorizes (libm's expm1/log are scalar calls
/// of 10–25 ns each; these loops cost about 1 ns per element).
///
/// With y = −2|x| ≤ 0: em = e^y − 1 by range reduction y = k·ln 2 + r, |r| ≤ ln2/2,
/// em = 2ᵏ·expm1(r) + (2ᵏ − 1) (expm1(r) by its Taylor polynomial, so there is no cancellation
/// when x is small); then tanh|x| = −em/(2 + em) and σ = |x| + log(1 + e) with e = 2ᵏ(1 + expm1(r)) ∈ (0, 1],
/// log(1 + e) = 2 atanh(s), s = e/(2 + e) ∈ (0, 1/3], by its odd series. Every truncation is
/// below the precision's rounding unit: relative error a few ulp in σ, σ′, σ″.
public enum ActivationKernel {
    /// For each of the `count` entries x = pre[i]: act[i] = σ(x) (or prev[i] + h·σ(x) when
    /// `prev` is given), sp[i] = σ′(x), spp[i] = σ″(x).
    @inline(__always)
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

    public static func applyDouble(count: Int, pre: UnsafePointer<Double>, prev: UnsafePointer<Double>?, h: Double,
                                   act: UnsafeMutablePointer<Double>, sp: UnsafeMutablePointer<Double>,
                                   spp: UnsafeMutablePointer<Double>) {
        if let prev {
            for i in 0..<count {
                let (s, t) = sigmaTanh(pre[i])
                act[i] = prev[i] + h * s; sp[i] = t; spp[i] = 1 - t * t
            }
        } else {
            for i in 0..<count {
                let (s, t) = sigmaTanh(pre[i])
                act[i] = s; sp[i] = t; spp[i] = 1 - t * t
            }
        }
    }

    public static func applyFloat(count: Int, pre: UnsafePointer<Float>, prev: UnsafePointer<Float>?, h: Float,
                                  act: UnsafeMutablePointer<Float>, sp: UnsafeMutablePointer<Float>,
                                  spp: UnsafeMutablePointer<Float>) {
        if let prev {
            for i in 0..<count {
                let (s, t) = sigmaTanh(pre[i])
                act[i] = prev[i] + h * s; sp[i] = t; spp[i] = 1 - t * t
            }
        } else {
            for i in 0..<count {
                let (s, t) = sigmaTanh(pre[i])
                act[i] = s; sp[i] = t; spp[i] = 1 - t * t
            }
        }
    }

    /// (σ(x), tanh x) in Double.
    @inline(__always)
    public static func sigmaTanh(_ x: Double) -> (Double, Double) {
        let ax = abs(x)
        let y = max(-2 * ax, -700.0)
        let magic = 6755399441055744.0          // 1.5·2⁵²: adding it rounds to an integer
        let kt = y * 1.4426950408889634 + magic
        let k = kt - magic
        let r = (y - k * 0.6931471803691238) - k * 1.9082149292705877e-10
        // expm1(r), |r| ≤ 0.35: Taylor to r¹³ (truncation < 1e-17 relative).
        var p = 1.0 / 6227020800.0
        p = p * r + 1.0 / 479001600.0
        p = p * r + 1.0 / 39916800.0
        p = p * r + 1.0 / 3628800.0
        p = p * r + 1.0 / 362880.0
        p = p * r + 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        let q = p * r
        let ki = Int64(bitPattern: kt.bitPattern &- magic.bitPattern)
        let scale = Double(bitPattern: UInt64(bitPattern: (ki &+ 1023) &<< 52))
        let em = scale * q + (scale - 1)
        let ta = -em / (2 + em)
        let e = scale * q + scale
        let s = e / (2 + e), s2 = s * s
        // 2 atanh(s) = 2s Σ s²ʲ/(2j+1), s² ≤ 1/9: 18 terms.
        var l = 1.0 / 35
        l = l * s2 + 1.0 / 33; l = l * s2 + 1.0 / 31; l = l * s2 + 1.0 / 29; l = l * s2 + 1.0 / 27
        l = l * s2 + 1.0 / 25; l = l * s2 + 1.0 / 23; l = l * s2 + 1.0 / 21; l = l * s2 + 1.0 / 19
        l = l * s2 + 1.0 / 17; l = l * s2 + 1.0 / 15; l = l * s2 + 1.0 / 13; l = l * s2 + 1.0 / 11
        l = l * s2 + 1.0 / 9; l = l * s2 + 1.0 / 7; l = l * s2 + 1.0 / 5; l = l * s2 + 1.0 / 3
        l = l * s2 + 1
        let sigma = ax + 2 * s * l
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
        // expm1(r), |r| ≤ 0.35: Taylor to r⁸.
        var p: Float = 1.0 / 40320.0
        p = p * r + 1.0 / 5040.0
        p = p * r + 1.0 / 720.0
        p = p * r + 1.0 / 120.0
        p = p * r + 1.0 / 24.0
        p = p * r + 1.0 / 6.0
        p = p * r + 0.5
        p = p * r + 1.0
        let q = p * r
        let ki = Int32(bitPattern: kt.bitPattern &- magic.bitPattern)
        let scale = Float(bitPattern: UInt32(bitPattern: (ki &+ 127) &<< 23))
        let em = scale * q + (scale - 1)
        let ta = -em / (2 + em)
        let e = scale * q + scale
        let s = e / (2 + e), s2 = s * s
        var l: Float = 1.0 / 17
        l = l * s2 + 1.0 / 15; l = l * s2 + 1.0 / 13; l = l * s2 + 1.0 / 11; l = l * s2 + 1.0 / 9
        l = l * s2 + 1.0 / 7; l = l * s2 + 1.0 / 5; l = l * s2 + 1.0 / 3; l = l * s2 + 1
        let sigma = ax + 2 * s * l
        return (sigma, x < 0 ? -ta : ta)
    }
}
