import Training

/// Layer-shape tables of the networks `prunetop estimate` knows, so "what would this
/// save?" can be answered without building or training them.
///
/// The CIFAR and ImageNet networks are those the SWAT paper trains (Raihan & Aamodt 2020,
/// arXiv:2001.01969, §4.1, Tables 2–5), with the layer shapes of the project's FLOP-model check:
/// only conv and linear layers are listed; BN, ReLU, pooling and residual additions carry no
/// MACs in the model (a project choice; the paper does not say). The LeNets come from the
/// trainer's own `ModelCatalog` on 28x28 grey images with 10 classes, so the estimate and
/// a live run describe the same network.
public enum NetworkCatalog {
    public static let names = ["lenet300", "lenet5", "vgg16", "wrn-16-8", "densenet121", "resnet18", "resnet50", "wrn-50-2"]

    public static func summary(_ name: String) -> String? {
        switch name {
        case "lenet300": "LeNet-300-100 MLP, 28x28x1 input, 10 classes (the trainer's model)"
        case "lenet5": "LeNet-5 CNN, 28x28x1 input, 10 classes (the trainer's model)"
        case "vgg16": "VGG-16, CIFAR 32x32, 512-4096-4096-10 classifier (SWAT repo)"
        case "wrn-16-8": "Wide ResNet 16-8, CIFAR 32x32"
        case "densenet121": "DenseNet-121, growth 32, CIFAR 32x32"
        case "resnet18": "ResNet-18, CIFAR 32x32 (3x3 stem)"
        case "resnet50": "ResNet-50, ImageNet 224x224 (torchvision v1.5: stride on the 3x3)"
        case "wrn-50-2": "Wide ResNet-50-2, ImageNet 224x224 (torchvision layout)"
        default: nil
        }
    }

    /// The conv and linear layers of `name` in forward order, or nil for an unknown name.
    public static func layers(_ name: String) -> [LayerShape]? {
        switch name {
        case "lenet300":
            return (try? ModelCatalog.make("lenet300", inputShape: [1, 28, 28], classCount: 10, seed: 0)).map(LayerShape.shapes(of:))
        case "lenet5":
            return (try? ModelCatalog.make("lenet5", inputShape: [1, 28, 28], classCount: 10, seed: 0)).map(LayerShape.shapes(of:))
        case "vgg16": return vgg16CIFAR()
        case "wrn-16-8": return wideResNetCIFAR(depth: 16, widen: 8)
        case "densenet121": return denseNet121CIFAR()
        case "resnet18": return resNet18CIFAR()
        case "resnet50": return resNet50ImageNet(widthMultiplier: 1)
        case "wrn-50-2": return resNet50ImageNet(widthMultiplier: 2)
        default: return nil
        }
    }

    /// VGG-16 with batch norm on 32x32: thirteen 3x3 convs (padding 1) in five stages,
    /// each stage ending in a 2x2 max pool, so the features end at 1x1x512; then the SWAT
    /// repository's 512-4096-4096-classes classifier (github.com/AamirRaihan/SWAT,
    /// SWAT-code/cifar10-100-code/models/vgg.py; VGG: Simonyan & Zisserman 2015, arXiv:1409.1556).
    public static func vgg16CIFAR(classes: Int = 10) -> [LayerShape] {
        let stages = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]]
        var layers: [LayerShape] = []
        var channels = 3, side = 32
        for (stage, widths) in stages.enumerated() {
            for (position, width) in widths.enumerated() {
                layers.append(.convolution("conv\(stage + 1)_\(position + 1)", in: channels, out: width, kernel: 3, output: side))
                channels = width
            }
            side /= 2
        }
        return layers + [
            .linear("fc1", inputs: channels * side * side, outputs: 4096),
            .linear("fc2", inputs: 4096, outputs: 4096),
            .linear("fc3", inputs: 4096, outputs: classes),
        ]
    }

    /// Wide ResNet depth-k on 32x32 (Zagoruyko & Komodakis): a 3x3 stem to 16 channels,
    /// three groups of (depth-4)/6 basic blocks of width 16k, 32k, 64k (the second and
    /// third start with stride 2), a 1x1 projection shortcut wherever the width changes,
    /// global average pooling and one linear layer (Zagoruyko & Komodakis 2016, arXiv:1605.07146).
    public static func wideResNetCIFAR(depth: Int, widen: Int, classes: Int = 10) -> [LayerShape] {
        let blocksPerGroup = (depth - 4) / 6
        var layers: [LayerShape] = [.convolution("conv1", in: 3, out: 16, kernel: 3, output: 32)]
        var channels = 16, side = 32
        for (group, (width, stride)) in [(16 * widen, 1), (32 * widen, 2), (64 * widen, 2)].enumerated() {
            for block in 0..<blocksPerGroup {
                let outSide = block == 0 ? side / stride : side
                let prefix = "group\(group + 1).\(block)"
                layers.append(.convolution("\(prefix).conv1", in: channels, out: width, kernel: 3, output: outSide))
                layers.append(.convolution("\(prefix).conv2", in: width, out: width, kernel: 3, output: outSide))
                if channels != width {
                    layers.append(.convolution("\(prefix).shortcut", in: channels, out: width, kernel: 1, output: outSide))
                }
                channels = width
                side = outSide
            }
        }
        return layers + [.linear("fc", inputs: channels, outputs: classes)]
    }

    /// ResNet-18 for CIFAR (the common 3x3-stem variant, no max pool): four stages of two
    /// basic blocks, 64/128/256/512 channels at 32/16/8/4 pixels, 1x1 projection shortcuts
    /// where the stride or width changes, average pooling, one linear layer
    /// (He et al. 2016, arXiv:1512.03385; SWAT's CIFAR ResNet-18, Raihan & Aamodt 2020, Table 4).
    public static func resNet18CIFAR(classes: Int = 10) -> [LayerShape] {
        var layers: [LayerShape] = [.convolution("conv1", in: 3, out: 64, kernel: 3, output: 32)]
        var channels = 64, side = 32
        for (stage, (width, stride)) in [(64, 1), (128, 2), (256, 2), (512, 2)].enumerated() {
            for block in 0..<2 {
                let blockStride = block == 0 ? stride : 1
                let outSide = side / blockStride
                let prefix = "layer\(stage + 1).\(block)"
                layers.append(.convolution("\(prefix).conv1", in: channels, out: width, kernel: 3, output: outSide))
                layers.append(.convolution("\(prefix).conv2", in: width, out: width, kernel: 3, output: outSide))
                if blockStride != 1 || channels != width {
                    layers.append(.convolution("\(prefix).shortcut", in: channels, out: width, kernel: 1, output: outSide))
                }
                channels = width
                side = outSide
            }
        }
        return layers + [.linear("fc", inputs: channels, outputs: classes)]
    }

    /// DenseNet-121 for CIFAR, growth rate k = 32: a 3x3 stem to 2k channels, dense blocks
    /// of 6/12/24/16 bottleneck layers (1x1 conv to 4k, then 3x3 conv to k, concatenated
    /// onto the input), transitions (1x1 conv halving the channels at the block's
    /// resolution, then 2x2 average pooling), one linear layer (Huang et al. 2017, arXiv:1608.06993).
    public static func denseNet121CIFAR(classes: Int = 10, growth: Int = 32) -> [LayerShape] {
        var layers: [LayerShape] = [.convolution("conv1", in: 3, out: 2 * growth, kernel: 3, output: 32)]
        var channels = 2 * growth, side = 32
        let blockSizes = [6, 12, 24, 16]
        for (blockIndex, size) in blockSizes.enumerated() {
            for position in 0..<size {
                let prefix = "dense\(blockIndex + 1).\(position)"
                layers.append(.convolution("\(prefix).conv1", in: channels, out: 4 * growth, kernel: 1, output: side))
                layers.append(.convolution("\(prefix).conv2", in: 4 * growth, out: growth, kernel: 3, output: side))
                channels += growth
            }
            if blockIndex < blockSizes.count - 1 {
                let reduced = channels / 2
                layers.append(.convolution("transition\(blockIndex + 1)", in: channels, out: reduced, kernel: 1, output: side))
                channels = reduced
                side /= 2
            }
        }
        return layers + [.linear("fc", inputs: channels, outputs: classes)]
    }

    /// ResNet-50 (widthMultiplier 1) or Wide ResNet-50-2 (2) on 224x224, torchvision v1.5
    /// layout: 7x7 stride-2 stem to 64 channels at 112x112, 3x3 stride-2 max pool to 56,
    /// bottleneck stages of 3/4/6/3 blocks (1x1 reduce at the input resolution, 3x3 carrying
    /// the stride, 1x1 expand to 4x planes; the inner width is planes x multiplier), a 1x1
    /// projection on each stage's first block, average pooling, a 2048-to-1000 linear layer
    /// (He et al. 2016, arXiv:1512.03385; Zagoruyko & Komodakis 2016, arXiv:1605.07146).
    public static func resNet50ImageNet(widthMultiplier: Int, classes: Int = 1000) -> [LayerShape] {
        var layers: [LayerShape] = [.convolution("conv1", in: 3, out: 64, kernel: 7, output: 112)]
        var channels = 64, side = 56
        for (stage, (planes, blocks, stride)) in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)].enumerated() {
            let inner = planes * widthMultiplier, expanded = planes * 4
            for block in 0..<blocks {
                let outSide = block == 0 ? side / stride : side
                let prefix = "layer\(stage + 1).\(block)"
                layers.append(.convolution("\(prefix).conv1", in: channels, out: inner, kernel: 1, output: side))
                layers.append(.convolution("\(prefix).conv2", in: inner, out: inner, kernel: 3, output: outSide))
                layers.append(.convolution("\(prefix).conv3", in: inner, out: expanded, kernel: 1, output: outSide))
                if block == 0 {
                    layers.append(.convolution("\(prefix).downsample", in: channels, out: expanded, kernel: 1, output: outSide))
                }
                channels = expanded
                side = outSide
            }
        }
        return layers + [.linear("fc", inputs: channels, outputs: classes)]
    }
}
