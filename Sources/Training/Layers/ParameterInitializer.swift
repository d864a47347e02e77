/// He (Kaiming) uniform initialisation, U(-sqrt(6/fanIn), sqrt(6/fanIn)), for weights
/// followed by ReLU; biases start at zero. Values come from `CounterRandom` keyed by
/// (seed, parameter index, element index), so any initial value can be regenerated.
public enum ParameterInitializer {
    public static func heUniformBound(fanIn: Int) -> Float {
        (6 / Float(fanIn)).squareRoot()
    }

    public static func initialValue(seed: UInt64, parameterIndex: Int, element: Int, fanIn: Int) -> Float {
        CounterRandom.symmetric(seed: seed, stream: UInt64(parameterIndex), index: UInt64(element),
                                bound: heUniformBound(fanIn: fanIn))
    }

    public static func weights(count: Int, fanIn: Int, seed: UInt64, parameterIndex: Int) -> [Float] {
        let bound = heUniformBound(fanIn: fanIn)
        return (0..<count).map {
            CounterRandom.symmetric(seed: seed, stream: UInt64(parameterIndex), index: UInt64($0), bound: bound)
        }
    }
}
