/// Builds a `Model` from an `Architecture`: names the layers, numbers the parameters in
/// network order (each parameter's index is its initialisation stream), infers every
/// layer's input channels or features from the shape before it, and stops at the first
/// layer that does not fit, saying which (by its position in the list) and both shapes.
public struct NetworkBuilder {
    public let name: String
    public let inputShape: [Int]
    public let classCount: Int
    public let seed: UInt64
    private var nextParameter = 0
    private var nextStream = 0

    public static func build(_ architecture: Architecture, name: String, inputShape: [Int], classCount: Int,
                             seed: UInt64) throws(ArchitectureError) -> Model {
        var builder = NetworkBuilder(name: name, inputShape: inputShape, classCount: classCount, seed: seed)
        var shape = inputShape
        let layers = try builder.chain(architecture.layers, prefix: "", path: [], shape: &shape)
        guard shape == [classCount] else {
            throw .wrongOutput(model: name, found: shape, classCount: classCount)
        }
        return Model(name: name, inputShape: inputShape, layers: layers)
    }

    private init(name: String, inputShape: [Int], classCount: Int, seed: UInt64) {
        (self.name, self.inputShape, self.classCount, self.seed) = (name, inputShape, classCount, seed)
    }

    private mutating func chain(_ specs: [LayerSpec], prefix: String, path: [Int], shape: inout [Int]) throws(ArchitectureError) -> [any Layer] {
        var counts: [String: Int] = [:]
        var layers: [any Layer] = []
        for (position, spec) in specs.enumerated() {
            let kind = spec.kindName
            counts[kind, default: 0] += 1
            let layerName = prefix + (spec.name ?? Self.defaultName(kind, counts[kind]!))
            let layer = try make(spec, name: layerName, path: path + [position], shape: shape)
            if let expected = layer.expectation(for: shape) {
                throw .shapeMismatch(model: name, path: path + [position],
                                     ShapeMismatch(layer: layerName, expected: expected, found: shape))
            }
            shape = layer.outputShape(for: shape)
            layers.append(layer)
        }
        return layers
    }

    private static func defaultName(_ kind: String, _ count: Int) -> String {
        switch kind {
        case "dense": "fc\(count)"
        case "maxpool": "pool\(count)"
        case "batchnorm": "bn\(count)"
        case "residual": "block\(count)"
        case "flatten", "avgpool": count == 1 ? kind : "\(kind)\(count)"
        default: "\(kind)\(count)"
        }
    }

    private mutating func make(_ spec: LayerSpec, name layerName: String, path: [Int], shape: [Int]) throws(ArchitectureError) -> any Layer {
        func needs(_ condition: Bool, _ expected: String) throws(ArchitectureError) {
            if !condition { throw .shapeMismatch(model: name, path: path, ShapeMismatch(layer: layerName, expected: expected, found: shape)) }
        }
        switch spec {
        case let .dense(_, units):
            let outputs: Int
            switch units {
            case let .count(count): outputs = count
            case .classes: outputs = classCount
            }
            try needs(outputs >= 1, "a positive number of units")
            return Dense(name: layerName, inputs: shape.reduce(1, *), outputs: outputs, seed: seed,
                         firstParameterIndex: take(2))
        case let .convolution(_, channels, kernel, stride, padding, bias):
            try needs(shape.count == 3, "[channels, height, width]")
            try needs(channels >= 1 && kernel >= 1 && stride >= 1 && padding >= 0,
                      "positive channels, kernel and stride and a padding of at least 0")
            return Conv2D(name: layerName, inChannels: shape[0], outChannels: channels, kernelSize: kernel, padding: padding,
                          stride: stride, hasBias: bias, seed: seed, firstParameterIndex: take(bias ? 2 : 1))
        case .batchNorm:
            try needs(shape.count == 3 || shape.count == 1, "[channels, height, width] or [features]")
            return BatchNorm(name: layerName, channels: shape[0], firstParameterIndex: take(2))
        case .relu:
            return ReLU(name: layerName)
        case let .maxPool(_, kernel, stride):
            try needs(kernel >= 1 && (stride ?? kernel) >= 1, "a positive kernel and stride")
            return MaxPool2D(name: layerName, size: kernel, stride: stride)
        case .globalAveragePool:
            return GlobalAveragePool(name: layerName)
        case .flatten:
            return Flatten(name: layerName)
        case let .dropout(_, rate):
            try needs(rate >= 0 && rate < 1, "a rate from 0 up to (not including) 1")
            nextStream += 1
            return Dropout(name: layerName, rate: rate, seed: seed, stream: 0x4452_4F50 + nextStream)
        case let .residual(_, body, shortcut):
            var bodyShape = shape, shortcutShape = shape
            let bodyLayers = try chain(body, prefix: layerName + ".", path: path + [0], shape: &bodyShape)
            let shortcutLayers = try chain(shortcut, prefix: layerName + ".shortcut.", path: path + [1], shape: &shortcutShape)
            try needs(!bodyLayers.isEmpty, "a body of at least one layer")
            try needs(bodyShape == shortcutShape,
                      "an input for which its body and shortcut agree (body gives \(bodyShape), shortcut \(shortcutShape))")
            return ResidualBlock(name: layerName, body: bodyLayers, shortcut: shortcutLayers)
        }
    }

    /// The next `count` parameter indices; returns the first.
    private mutating func take(_ count: Int) -> Int {
        defer { nextParameter += count }
        return nextParameter
    }
}

/// Why an architecture cannot be built. `path` locates the layer: its position in the
/// list, then (inside a residual block) 0 for the body or 1 for the shortcut and the
/// position there.
public enum ArchitectureError: Error, Equatable, Sendable, CustomStringConvertible {
    case shapeMismatch(model: String, path: [Int], ShapeMismatch)
    case wrongOutput(model: String, found: [Int], classCount: Int)
    case unknownModel(String, known: [String])
    case badOption(model: String, option: String, expected: String)

    public var description: String {
        switch self {
        case let .shapeMismatch(model, _, mismatch):
            "\(model): \(mismatch)"
        case let .wrongOutput(model, found, classCount):
            "\(model) ends in \(found), expected [\(classCount)] (one output per class); end with a dense layer of `classes` units"
        case let .unknownModel(name, known):
            "unknown model '\(name)'; expected one of: \(known.joined(separator: ", "))"
        case let .badOption(model, option, expected):
            "\(model): \(option) must be \(expected)"
        }
    }
}
