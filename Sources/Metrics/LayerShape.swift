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

    /// The conv and linear layers of a network, in forward order, named after their weight
    /// tensor ("fc1.weight") so they match `LayerSnapshot.name`.
    public static func shapes(of network: NetworkDescription) -> [LayerShape] {
        network.prunableLayers.compactMap { layer in
            guard let geometry = layer.geometry, let weight = layer.weight else { return nil }
            let isConvolution = layer.kind == .convolution
            return LayerShape(name: weight, kind: isConvolution ? .convolution : .linear,
                              inChannels: geometry.inChannels, outChannels: geometry.outChannels,
                              kernelHeight: geometry.kernel, kernelWidth: geometry.kernel,
                              outputHeight: isConvolution ? layer.outputShape[1] : 1,
                              outputWidth: isConvolution ? layer.outputShape[2] : 1)
        }
    }

    public static func shapes(of model: Model) -> [LayerShape] { shapes(of: model.description) }
}
