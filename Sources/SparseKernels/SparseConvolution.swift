import Training

/// A Conv2D layer in CSR, W [outC, patch], times the same im2col columns the layer builds
/// (`ConvolutionColumns`): Y = W · cols over chunks of the batch, the bias added in the
/// multiply, then from channel-major [outC, samples × positions] to NCHW. Only the kept
/// weights are multiplied; the column matrix costs what it costs the dense layer.
public final class SparseConvolution: SparseLayerKernel {
    public let name: String
    public let matrix: SparseMatrix
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let padding: Int
    public let stride: Int
    let bias: [Float]?
    private var columns: [Float] = []
    private var channelMajor: [Float] = []

    /// From the layer's weights as they are now (masked weights are zero there).
    public init(_ layer: Conv2D) {
        name = layer.name
        (inChannels, outChannels, kernelSize, padding, stride) = (layer.inChannels, layer.outChannels, layer.kernelSize, layer.padding, layer.stride)
        matrix = SparseMatrix(weights: layer.weight.value, mask: nil, rows: layer.outChannels,
                              columns: layer.inChannels * layer.kernelSize * layer.kernelSize)
        bias = layer.bias?.value
    }

    public func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let geometry = ConvolutionColumns(inChannels: inChannels, kernelSize: kernelSize, padding: padding, stride: stride,
                                          height: height, width: width)
        let positions = geometry.positions, patch = geometry.patch, outC = outChannels
        // As Conv2D chunks: the column matrix within 256 KB.
        let chunk = min(max(1, (64 * 1024) / max(patch * positions, 1)), max(batch, 1))
        if columns.count < patch * chunk * positions { columns = [Float](repeating: 0, count: patch * chunk * positions) }
        if chunk > 1, channelMajor.count < outC * chunk * positions { channelMajor = [Float](repeating: 0, count: outC * chunk * positions) }
        return Tensor(shape: [batch, outC, geometry.outH, geometry.outW]) { out in
            input.storage.withUnsafeBufferPointer { x in
                columns.withUnsafeMutableBufferPointer { cols in
                    for first in Swift.stride(from: 0, to: batch, by: chunk) {
                        let samples = min(chunk, batch - first), span = samples * positions
                        let target = out.baseAddress! + first * outC * positions
                        geometry.im2col(x.baseAddress! + first * geometry.inputSize, samples: samples, into: cols.baseAddress!)
                        guard samples > 1 else {
                            // One sample: channel-major is NCHW.
                            multiply(cols.baseAddress!, span: span, into: target)
                            continue
                        }
                        channelMajor.withUnsafeMutableBufferPointer { y in
                            multiply(cols.baseAddress!, span: span, into: y.baseAddress!)
                            for sample in 0..<samples {
                                for c in 0..<outC {
                                    (target + (sample * outC + c) * positions)
                                        .update(from: y.baseAddress! + c * span + sample * positions, count: positions)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func multiply(_ cols: UnsafePointer<Float>, span: Int, into y: UnsafeMutablePointer<Float>) {
        if let bias {
            bias.withUnsafeBufferPointer { matrix.multiplyColumns(cols, span: span, bias: $0.baseAddress, into: y) }
        } else {
            matrix.multiplyColumns(cols, span: span, bias: nil, into: y)
        }
    }
}
