import Training

/// A Conv2D layer with its weight W [outC, patch] in CSR, two ways. Stride 1 runs a direct
/// sparse convolution (`SparseMatrix.multiplyShifted`): per sample, the input copied once
/// into a zero-padded image, each kept tap (c, ky, kx) read as that image shifted by
/// c·plane + ky·paddedWidth + kx, the outputs computed over the padded width and the
/// `outW` valid ones of each row kept; nothing is copied per tap, where im2col copies the
/// input kernel² times. Other strides multiply the CSR by the same im2col columns the
/// layer builds (`ConvolutionColumns`, chunks of the batch within 256 KB), then reorder
/// channel-major [outC, samples × positions] to NCHW. The bias is added in the multiply.
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
    /// Direct path: one sample's zero-padded input (its border is never written, so stays
    /// zero while the input size does), each entry's offset in it, one sample's outputs
    /// over the padded width.
    private var padded: [Float] = []
    private var paddedFor = (height: 0, width: 0)
    private var offsets: [Int32] = []
    private var paddedOutput: [Float] = []

    /// From the layer's weights as they are now (masked weights are zero there).
    public init(_ layer: Conv2D) {
        name = layer.name
        (inChannels, outChannels, kernelSize, padding, stride) = (layer.inChannels, layer.outChannels, layer.kernelSize, layer.padding, layer.stride)
        matrix = SparseMatrix(weights: layer.weight.value, mask: nil, rows: layer.outChannels,
                              columns: layer.inChannels * layer.kernelSize * layer.kernelSize)
        bias = layer.bias?.value
    }

    public func forward(_ input: Tensor) -> Tensor {
        stride == 1 ? forwardDirect(input) : forwardThroughColumns(input)
    }

    private func forwardDirect(_ input: Tensor) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let (paddedHeight, paddedWidth) = (height + 2 * padding, width + 2 * padding)
        let (outH, outW) = (paddedHeight - kernelSize + 1, paddedWidth - kernelSize + 1)
        // Rounded up to whole 8-lane vectors: no scalar tail (7x7 outputs over a padded
        // width of 9 are 63 lanes), the extra lanes dropped with the padded columns.
        let plane = paddedHeight * paddedWidth, length = (outH * paddedWidth + 7) / 8 * 8, outC = outChannels, k = kernelSize
        if paddedFor != (height, width) {
            // The last tap's run ends k - 1 floats past the last plane, plus the rounding.
            padded = [Float](repeating: 0, count: inChannels * plane + k + 8)
            offsets = matrix.entryOffsets(columnOffsets: (0..<matrix.columnCount).map { column in
                (column / (k * k)) * plane + (column / k % k) * paddedWidth + column % k
            })
            paddedFor = (height, width)
        }
        if paddedOutput.count < outC * length { paddedOutput = [Float](repeating: 0, count: outC * length) }
        return Tensor(shape: [batch, outC, outH, outW]) { out in
            input.storage.withUnsafeBufferPointer { x in
                padded.withUnsafeMutableBufferPointer { image in
                    offsets.withUnsafeBufferPointer { entryOffsets in
                        paddedOutput.withUnsafeMutableBufferPointer { y in
                            for sample in 0..<batch {
                                for c in 0..<inChannels {
                                    for row in 0..<height {
                                        Self.copy(image.baseAddress! + c * plane + (row + padding) * paddedWidth + padding,
                                                  from: x.baseAddress! + ((sample * inChannels + c) * height + row) * width, count: width)
                                    }
                                }
                                multiplyShifted(image.baseAddress!, offsets: entryOffsets.baseAddress!, length: length, into: y.baseAddress!)
                                for c in 0..<outC {
                                    for oy in 0..<outH {
                                        Self.copy(out.baseAddress! + ((sample * outC + c) * outH + oy) * outW,
                                                  from: y.baseAddress! + c * length + oy * paddedWidth, count: outW)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    private func forwardThroughColumns(_ input: Tensor) -> Tensor {
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

    private func multiplyShifted(_ image: UnsafePointer<Float>, offsets: UnsafePointer<Int32>, length: Int,
                                 into y: UnsafeMutablePointer<Float>) {
        if let bias {
            bias.withUnsafeBufferPointer { matrix.multiplyShifted(image, offsets: offsets, length: length, bias: $0.baseAddress, into: y) }
        } else {
            matrix.multiplyShifted(image, offsets: offsets, length: length, bias: nil, into: y)
        }
    }

    /// `count` floats, eight at a time: the rows here are 7 to 32 floats, where a call to
    /// memmove per row costs more than the copy.
    @inline(__always)
    private static func copy(_ destination: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, count: Int) {
        var i = 0
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
        while i + 8 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            destination[i] = source[i]
            i += 1
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
