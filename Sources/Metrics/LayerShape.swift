import Training

/// The geometry of one convolution or fully connected layer: all the FLOP model needs.
///
/// A linear layer is a 1x1 "convolution" with a 1x1 output, so both kinds share one
/// formula for the dense forward multiply-accumulates per sample
/// (conv C_in·C_out·k_h·k_w·H_out·W_out, linear in·out: the standard count, cf. the convolution
/// sum of Hoefler et al. 2021, arXiv:2102.00554, §1.2.4).
public struct LayerShape: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case convolution
        case linear
    }

    public var name: String
    public var kind: Kind
    /// Input channels (linear: input features).
    public var inChannels: Int
    /// Output channels (linear: output features).
    public var outChannels: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    /// Spatial size of the output (1x1 for linear layers).
    public var outputHeight: Int
    public var outputWidth: Int

    public static func convolution(_ name: String, in inChannels: Int, out outChannels: Int,
                                   kernel: Int, output: Int) -> LayerShape {
        LayerShape(name: name, kind: .convolution, inChannels: inChannels, outChannels: outChannels,
                   kernelHeight: kernel, kernelWidth: kernel, outputHeight: output, outputWidth: output)
    }

    public static func linear(_ name: String, inputs: Int, outputs: Int) -> LayerShape {
        LayerShape(name: name, kind: .linear, inChannels: inputs, outChannels: outputs,
                   kernelHeight: 1, kernelWidth: 1, outputHeight: 1, outputWidth: 1)
    }

    /// Number of weights (biases excluded).
    public var weightCount: Int { outChannels * inChannels * kernelHeight * kernelWidth }

    /// Dense forward multiply-accumulates for one sample: every weight is used once per
    /// output position.
    public var forwardMACs: Int { weightCount * outputHeight * outputWidth }

    /// The conv and linear layers of a trainer model, in network order, named after their
    /// weight parameter ("fc1.weight") so they match `LayerSnapshot.name`.
    public static func shapes(of model: Model) -> [LayerShape] {
        zip(model.layers, model.layerInputShapes).compactMap { layer, inputShape in
            switch layer {
            case let dense as Dense:
                return .linear(dense.weight.name, inputs: dense.inputCount, outputs: dense.outputCount)
            case let conv as Conv2D:
                let output = conv.outputShape(for: inputShape)
                return LayerShape(name: conv.weight.name, kind: .convolution, inChannels: conv.inChannels,
                                  outChannels: conv.outChannels, kernelHeight: conv.kernelSize,
                                  kernelWidth: conv.kernelSize, outputHeight: output[1], outputWidth: output[2])
            default:
                return nil
            }
        }
    }
}
