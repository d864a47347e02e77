/// 2-D convolution over NCHW tensors, stride 1, symmetric zero padding, computed as
/// im2col followed by one GEMM per sample. Weight shape [outChannels, inChannels, k, k].
public final class Conv2D: Layer, ActivationSparsifiable {
    public let name: String
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let padding: Int
    public let weight: Parameter
    public let bias: Parameter
    private var cachedInputShape: [Int] = []
    /// im2col matrices of the last training batch, [batch][patchSize x positions].
    private var cachedColumns: [Float] = []
    /// When set, the weight gradient is computed from the columns of the input as
    /// sparsified by it (SWAT); the forward pass and the input gradient are unchanged.
    public weak var activationSparsifier: (any ActivationSparsifier)?

    public init(name: String, inChannels: Int, outChannels: Int, kernelSize: Int, padding: Int = 0,
                seed: UInt64, firstParameterIndex: Int) {
        self.name = name
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.padding = padding
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter(name: "\(name).weight", shape: [outChannels, inChannels, kernelSize, kernelSize],
                           role: .weight, index: firstParameterIndex,
                           value: ParameterInitializer.weights(count: outChannels * fanIn, fanIn: fanIn,
                                                               seed: seed, parameterIndex: firstParameterIndex))
        bias = Parameter(name: "\(name).bias", shape: [outChannels], role: .bias, index: firstParameterIndex + 1,
                         value: [Float](repeating: 0, count: outChannels))
        SparsifiableLayers.register(self)
    }

    public var parameters: [Parameter] { [weight, bias] }
    private var patchSize: Int { inChannels * kernelSize * kernelSize }

    private func outputSize(_ height: Int, _ width: Int) -> (Int, Int) {
        (height + 2 * padding - kernelSize + 1, width + 2 * padding - kernelSize + 1)
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3 && inputShape[0] == inChannels,
                     "\(name) expects [\(inChannels), height, width], got \(inputShape)")
        let (h, w) = outputSize(inputShape[1], inputShape[2])
        precondition(h > 0 && w > 0, "\(name): input \(inputShape) is smaller than the kernel")
        return [outChannels, h, w]
    }

    public func forwardMACs(inputShape: [Int]) -> Int {
        let out = outputShape(for: inputShape)
        return out[1] * out[2] * outChannels * patchSize
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let (outH, outW) = outputSize(height, width)
        let positions = outH * outW, patch = patchSize, outC = outChannels
        var columns = [Float](repeating: 0, count: batch * patch * positions)
        let output = Tensor(shape: [batch, outC, outH, outW]) { out in
            input.storage.withUnsafeBufferPointer { x in
                columns.withUnsafeMutableBufferPointer { cols in
                    weight.value.withUnsafeBufferPointer { w in
                        for sample in 0..<batch {
                            let col = cols.baseAddress! + sample * patch * positions
                            im2col(x.baseAddress! + sample * inChannels * height * width,
                                   height: height, width: width, outH: outH, outW: outW, into: col)
                            let y = out.baseAddress! + sample * outC * positions
                            for c in 0..<outC {
                                (y + c * positions).initialize(repeating: bias.value[c], count: positions)
                            }
                            sgemm(transposeA: false, transposeB: false, m: outC, n: positions, k: patch,
                                  a: w.baseAddress!, b: col, beta: 1, c: y)
                        }
                    }
                }
            }
        }
        if isTraining {
            cachedInputShape = input.shape
            if let sparsifier = activationSparsifier {
                // Top-K over the layer input itself (not the im2col copies), then the
                // columns of the sparse input for the weight gradient.
                var sparse = input.storage
                sparse.withUnsafeMutableBufferPointer { sparsifier.sparsifyActivations($0) }
                sparse.withUnsafeBufferPointer { x in
                    columns.withUnsafeMutableBufferPointer { cols in
                        for sample in 0..<batch {
                            im2col(x.baseAddress! + sample * inChannels * height * width, height: height, width: width,
                                   outH: outH, outW: outW, into: cols.baseAddress! + sample * patch * positions)
                        }
                    }
                }
            }
            cachedColumns = columns
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let (batch, height, width) = (cachedInputShape[0], cachedInputShape[2], cachedInputShape[3])
        let (outH, outW) = outputSize(height, width)
        let positions = outH * outW, patch = patchSize, outC = outChannels
        var inputGradient = needsInputGradient ? Tensor(shape: cachedInputShape) : nil
        var columnGradient = [Float](repeating: 0, count: needsInputGradient ? patch * positions : 0)
        bias.gradient.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        outputGradient.storage.withUnsafeBufferPointer { dy in
            cachedColumns.withUnsafeBufferPointer { cols in
                weight.gradient.withUnsafeMutableBufferPointer { dw in
                    weight.value.withUnsafeBufferPointer { w in
                        for sample in 0..<batch {
                            let dySample = dy.baseAddress! + sample * outC * positions
                            sgemm(transposeA: false, transposeB: true, m: outC, n: patch, k: positions,
                                  a: dySample, b: cols.baseAddress! + sample * patch * positions,
                                  beta: sample == 0 ? 0 : 1, c: dw.baseAddress!)
                            for c in 0..<outC {
                                var sum: Float = 0
                                for p in 0..<positions { sum += dySample[c * positions + p] }
                                bias.gradient[c] += sum
                            }
                            guard needsInputGradient else { continue }
                            columnGradient.withUnsafeMutableBufferPointer { dcol in
                                sgemm(transposeA: true, transposeB: false, m: patch, n: positions, k: outC,
                                      a: w.baseAddress!, b: dySample, beta: 0, c: dcol.baseAddress!)
                                inputGradient!.storage.withUnsafeMutableBufferPointer { dx in
                                    col2im(dcol.baseAddress!, height: height, width: width, outH: outH, outW: outW,
                                           into: dx.baseAddress! + sample * inChannels * height * width)
                                }
                            }
                        }
                    }
                }
            }
        }
        return inputGradient
    }

    /// Row (c, ky, kx) of the column matrix holds, for each output position, the input
    /// pixel that kernel tap sees (zero in the padding).
    private func im2col(_ x: UnsafePointer<Float>, height: Int, width: Int, outH: Int, outW: Int,
                        into col: UnsafeMutablePointer<Float>) {
        var row = 0
        for c in 0..<inChannels {
            for ky in 0..<kernelSize {
                for kx in 0..<kernelSize {
                    let dst = col + row * outH * outW
                    for oy in 0..<outH {
                        let iy = oy + ky - padding
                        for ox in 0..<outW {
                            let ix = ox + kx - padding
                            dst[oy * outW + ox] = (iy >= 0 && iy < height && ix >= 0 && ix < width)
                                ? x[(c * height + iy) * width + ix] : 0
                        }
                    }
                    row += 1
                }
            }
        }
    }

    private func col2im(_ col: UnsafePointer<Float>, height: Int, width: Int, outH: Int, outW: Int,
                        into dx: UnsafeMutablePointer<Float>) {
        var row = 0
        for c in 0..<inChannels {
            for ky in 0..<kernelSize {
                for kx in 0..<kernelSize {
                    let src = col + row * outH * outW
                    for oy in 0..<outH {
                        let iy = oy + ky - padding
                        guard iy >= 0 && iy < height else { continue }
                        for ox in 0..<outW {
                            let ix = ox + kx - padding
                            if ix >= 0 && ix < width { dx[(c * height + iy) * width + ix] += src[oy * outW + ox] }
                        }
                    }
                    row += 1
                }
            }
        }
    }
}
