/// A seeded, reproducible random generator (xoshiro256**) with Gaussian sampling.
///
/// The whole state is four 64-bit words, exposed as `state` so a checkpoint can store it and a
/// resumed run continues the exact same stream. Seeds are expanded with SplitMix64, as the
/// xoshiro authors recommend, so nearby seeds give unrelated streams.
public struct RandomSource: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: [UInt64]

    /// A generator whose stream is fixed by `seed`.
    public init(seed: UInt64) {
        var z = seed
        var s = [UInt64](repeating: 0, count: 4)
        for i in 0..<4 {
            z &+= 0x9E37_79B9_7F4A_7C15
            var x = z
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            s[i] = x ^ (x >> 31)
        }
        state = s
    }

    /// Restores a generator from a stored `state` (four words, not all zero).
    public init(state: [UInt64]) throws(ShapeError) {
        guard state.count == 4, state.contains(where: { $0 != 0 }) else {
            throw ShapeError(what: "random generator state", expected: "4 words, not all zero",
                             got: "\(state.count) words")
        }
        self.state = state
    }

    @inline(__always) private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    public mutating func next() -> UInt64 {
        let result = Self.rotl(state[1] &* 5, 7) &* 9
        let t = state[1] << 17
        state[2] ^= state[0]
        state[3] ^= state[1]
        state[1] ^= state[2]
        state[0] ^= state[3]
        state[2] ^= t
        state[3] = Self.rotl(state[3], 45)
        return result
    }

    /// A uniform double in the open interval (0, 1) (53 random bits, never exactly 0).
    @inline(__always) public mutating func uniformOpen() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1.0p-53
    }

    /// Fills `out` with independent standard normal draws (Box–Muller, in pairs).
    ///
    /// Draws are computed in Double and rounded to `T`, so Float and Double runs with the same
    /// seed see the same samples up to rounding.
    public mutating func fillGaussian<T: Scalar>(_ out: UnsafeMutableBufferPointer<T>) {
        var i = 0
        while i < out.count {
            let u1 = uniformOpen(), u2 = uniformOpen()
            let r = (-2 * Double.log(u1)).squareRoot()
            let angle = 2 * Double.pi * u2
            out[i] = T(r * Double.cos(angle))
            if i + 1 < out.count { out[i + 1] = T(r * Double.sin(angle)) }
            i += 2
        }
    }

    /// An array of `count` standard normal draws.
    public mutating func gaussians<T: Scalar>(_ count: Int, as: T.Type = T.self) -> [T] {
        var a = [T](repeating: 0, count: count)
        a.withUnsafeMutableBufferPointer { fillGaussian($0) }
        return a
    }

    /// A uniform integer in 0..<bound (for choosing mixture components).
    public mutating func index(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
