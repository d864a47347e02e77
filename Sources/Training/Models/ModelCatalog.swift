/// The zoo: networks prunetop builds by name, each an `Architecture` that takes images of
/// [channels, rows, columns] (28x28x1 and 32x32x3 among them) and ends in `classCount` logits.
public enum ModelCatalog {
    public static let names = ["lenet300", "lenet5", "mlp", "vgg-small", "resnet20"]

    /// A zoo model's options: `widths` for `mlp`, `width` (a channel multiplier) for
    /// `vgg-small` and `resnet20`. Nil means the model's default.
    public struct Options: Sendable, Equatable, Codable {
        public var widths: [Int]?
        public var width: Int?

        public init(widths: [Int]? = nil, width: Int? = nil) {
            self.widths = widths
            self.width = width
        }
    }

    public static func describe(_ name: String) -> String? {
        switch name {
        case "lenet300": "LeNet-300-100: an MLP, inputs-300-100-classes, ReLU (LeCun et al. 1998)"
        case "lenet5": "LeNet-5 style CNN: conv 5x5 (6, pad 2) - pool - conv 5x5 (16) - pool - 120 - 84 - classes, ReLU"
        case "mlp": "an MLP of ReLU layers; option widths (default [512, 256])"
        case "vgg-small": "VGG-style CNN: 3 stages of two 3x3 convs (32, 64, 128 channels x width) with batch norm, max pool, global average pool, linear (~0.29M parameters)"
        case "resnet20": "ResNet-20 (He et al. 2016, §4.2): 3 stages of 3 basic blocks, 16/32/64 channels x width, batch norm, projection shortcuts (~0.27M parameters)"
        default: nil
        }
    }

    public static func make(_ name: String, options: Options = Options(), inputShape: [Int], classCount: Int,
                            seed: UInt64) throws(ArchitectureError) -> Model {
        try NetworkBuilder.build(architecture(name, options: options), name: name, inputShape: inputShape,
                                 classCount: classCount, seed: seed)
    }

    public static func architecture(_ name: String, options: Options = Options()) throws(ArchitectureError) -> Architecture {
        if options.widths != nil && name != "mlp" { throw .badOption(model: name, option: "widths", expected: "given to mlp only") }
        if options.width != nil && !["vgg-small", "resnet20"].contains(name) {
            throw .badOption(model: name, option: "width", expected: "given to vgg-small or resnet20 only")
        }
        let width = options.width ?? 1
        if !(1...16).contains(width) { throw .badOption(model: name, option: "width", expected: "an integer from 1 to 16") }
        switch name {
        case "lenet300": return mlp([300, 100])
        case "lenet5": return lenet5
        case "mlp":
            let widths = options.widths ?? [512, 256]
            guard !widths.isEmpty, widths.allSatisfy({ (1...1_000_000).contains($0) }) else {
                throw .badOption(model: name, option: "widths", expected: "a list of 1 or more layer widths from 1 to 1000000")
            }
            return mlp(widths)
        case "vgg-small": return vggSmall(width: width)
        case "resnet20": return resNet20(width: width)
        default: throw .unknownModel(name, known: names)
        }
    }

    /// Dense-ReLU layers of `widths`, then a dense layer to the classes.
    static func mlp(_ widths: [Int]) -> Architecture {
        Architecture(widths.flatMap { [LayerSpec.dense(units: .count($0)), .relu()] } + [.dense(units: .classes)])
    }

    static let lenet5 = Architecture([
        .convolution(channels: 6, kernel: 5, padding: 2), .relu(), .maxPool(),
        .convolution(channels: 16, kernel: 5), .relu(), .maxPool(),
        .flatten(),
        .dense(units: .count(120)), .relu(),
        .dense(units: .count(84)), .relu(),
        .dense(units: .classes),
    ])

    /// Three stages of two 3x3 conv-BN-ReLU layers and a 2x2 max pool, in the manner of VGG
    /// (Simonyan & Zisserman 2015, arXiv:1409.1556) with batch norm, sized for 28-32 pixel
    /// images; global average pooling and one linear layer replace VGG's classifier.
    static func vggSmall(width: Int) -> Architecture {
        var layers: [LayerSpec] = []
        for channels in [32, 64, 128] {
            for _ in 0..<2 {
                layers += [.convolution(channels: channels * width, kernel: 3, padding: 1, bias: false), .batchNorm(), .relu()]
            }
            layers.append(.maxPool())
        }
        return Architecture(layers + [.globalAveragePool(), .dense(name: "fc", units: .classes)])
    }

    /// He et al. 2016 (arXiv:1512.03385, §4.2): a 3x3 conv to 16 channels, three stages of
    /// three basic blocks at 16, 32 and 64 channels (x width), the second and third stage
    /// starting with stride 2, global average pooling and a linear layer: 6n+2 = 20 weighted
    /// layers for n = 3. The paper's CIFAR shortcuts are option A (identity, zero-padded
    /// channels); this uses option B, a 1x1 convolution with batch norm where the shape
    /// changes (§3.3), as torchvision-style reimplementations do (2 extra conv layers,
    /// 2,560 weights more at width 1).
    static func resNet20(width: Int) -> Architecture {
        var layers: [LayerSpec] = [.convolution(channels: 16 * width, kernel: 3, padding: 1, bias: false), .batchNorm(), .relu()]
        var channels = 16 * width
        for (stage, (planes, stride)) in [(16 * width, 1), (32 * width, 2), (64 * width, 2)].enumerated() {
            for block in 0..<3 {
                let blockStride = block == 0 ? stride : 1
                let name = "layer\(stage + 1).\(block)"
                let shortcut: [LayerSpec] = blockStride != 1 || channels != planes
                    ? [.convolution(channels: planes, kernel: 1, stride: blockStride, bias: false), .batchNorm()] : []
                layers.append(.residual(name: name, body: [
                    .convolution(channels: planes, kernel: 3, stride: blockStride, padding: 1, bias: false), .batchNorm(), .relu(),
                    .convolution(channels: planes, kernel: 3, padding: 1, bias: false), .batchNorm(),
                ], shortcut: shortcut))
                layers.append(.relu(name: "\(name).relu"))
                channels = planes
            }
        }
        return Architecture(layers + [.globalAveragePool(), .dense(name: "fc", units: .classes)])
    }
}
