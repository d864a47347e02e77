/// Deterministic random numbers. Two flavours:
/// - `SeededGenerator`, a sequential SplitMix64 stream for shuffling and sampling;
/// - `CounterRandom`, a stateless hash of (seed, stream, index), so any single value
///   (say, the initial value of weight 12,345 of tensor 2) can be regenerated on demand
///   without storing it. DropBack relies on this.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return CounterRandom.mix(state)
    }

    /// Uniform in [0, 1) with 24 bits of precision, exactly representable as Float.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * 0x1p-24
    }
}

public enum CounterRandom {
    /// SplitMix64's finaliser: a bijective 64-bit mixer with good avalanche.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    public static func bits(seed: UInt64, stream: UInt64, index: UInt64) -> UInt64 {
        mix(mix(seed ^ mix(stream &+ 0x632B_E59B_D9B4_E019)) &+ index &* 0x9E37_79B9_7F4A_7C15)
    }

    /// Uniform in [0, 1).
    @inline(__always)
    public static func unit(seed: UInt64, stream: UInt64, index: UInt64) -> Float {
        Float(bits(seed: seed, stream: stream, index: index) >> 40) * 0x1p-24
    }

    /// Uniform in [-bound, bound).
    @inline(__always)
    public static func symmetric(seed: UInt64, stream: UInt64, index: UInt64, bound: Float) -> Float {
        (2 * unit(seed: seed, stream: stream, index: index) - 1) * bound
    }
}
