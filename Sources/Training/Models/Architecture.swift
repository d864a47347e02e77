/// A network as a list of layer specifications: what a recipe's `model:` list says and what
/// every zoo model is made of. `NetworkBuilder` turns it into a `Model` for an input shape
/// and a number of classes, checking that each layer fits the one before.
public struct Architecture: Sendable, Equatable, Codable {
    public var layers: [LayerSpec]

    public init(_ layers: [LayerSpec]) { self.layers = layers }

    /// Whether any layer, residual blocks included, is a convolution.
    public var hasConvolutions: Bool { layers.contains(where: \.hasConvolutions) }
}

/// One layer of an `Architecture`. A nil name is given one from the layer's kind and its
/// position ("conv2", "fc1", "relu3"); inside a residual block names are prefixed with the
/// block's ("layer1.0.conv1"), and inside its shortcut with "shortcut".
public indirect enum LayerSpec: Sendable, Equatable, Codable {
    case dense(name: String? = nil, units: Units)
    case convolution(name: String? = nil, channels: Int, kernel: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true)
    case batchNorm(name: String? = nil)
    case relu(name: String? = nil)
    case maxPool(name: String? = nil, kernel: Int = 2, stride: Int? = nil)
    case globalAveragePool(name: String? = nil)
    case flatten(name: String? = nil)
    case dropout(name: String? = nil, rate: Float)
    /// body(x) + shortcut(x); an empty shortcut is the identity.
    case residual(name: String? = nil, body: [LayerSpec], shortcut: [LayerSpec] = [])

    /// A dense layer's outputs: a count, or as many as the data has classes.
    public enum Units: Sendable, Equatable, Codable {
        case count(Int)
        case classes
    }

    /// The kinds as recipes spell them, for did-you-mean and help.
    public static let kindNames = ["dense", "conv", "batchnorm", "relu", "maxpool", "avgpool", "flatten", "dropout", "residual"]

    public var kindName: String {
        switch self {
        case .dense: "dense"
        case .convolution: "conv"
        case .batchNorm: "batchnorm"
        case .relu: "relu"
        case .maxPool: "maxpool"
        case .globalAveragePool: "avgpool"
        case .flatten: "flatten"
        case .dropout: "dropout"
        case .residual: "residual"
        }
    }

    var hasConvolutions: Bool {
        switch self {
        case .convolution: true
        case let .residual(_, body, shortcut): (body + shortcut).contains(where: \.hasConvolutions)
        default: false
        }
    }

    public var name: String? {
        switch self {
        case let .dense(name, _), let .convolution(name, _, _, _, _, _), let .batchNorm(name), let .relu(name),
             let .maxPool(name, _, _), let .globalAveragePool(name), let .flatten(name), let .dropout(name, _),
             let .residual(name, _, _):
            name
        }
    }
}
