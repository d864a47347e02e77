/// Max pooling over `size` x `size` windows of an NCHW tensor, `stride` apart (by default
/// `size`: windows that do not overlap); a ragged edge is dropped, as PyTorch does by default.
public final class MaxPool2D: Layer {
    public let name: String
    public let size: Int
    public let stride: Int
    private var cachedInputShape: [Int] = []
    /// For each output element, the flat input index of its maximum.
    private var argmax: [Int32] = []
    /// A training pass's output and input gradient, rewritten at each step.
    private var output = ReusedTensor(), inputGradient = ReusedTensor()

    public init(name: String, size: Int = 2, stride: Int? = nil) {
        precondition(size >= 1 && (stride ?? size) >= 1)
        self.name = name
        self.size = size
        self.stride = stride ?? size
    }

    public func expectation(for inputShape: [Int]) -> String? {
        inputShape.count == 3 && inputShape[1] >= size && inputShape[2] >= size
            ? nil : "[channels, height, width] with height and width at least \(size)"
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(expectation(for: inputShape) == nil, "\(name) expects \(expectation(for: inputShape)!), got \(inputShape)")
        return [inputShape[0], (inputShape[1] - size) / stride + 1, (inputShape[2] - size) / stride + 1]
    }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        let output = outputShape(for: inputShape)
        description.append(.init(name: name, kind: .maxPool, inputShape: inputShape, outputShape: output,
                                 geometry: .init(inChannels: inputShape[0], outChannels: inputShape[0], kernel: size, stride: stride, padding: 0),
                                 elementOperations: output.reduce(1, *) * (size * size - 1)))
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outH = (height - size) / stride + 1, outW = (width - size) / stride + 1
        let outCount = batch * channels * outH * outW
        // Reused between steps: only a training pass needs the indices, for backward.
        if isTraining && argmax.count != outCount { argmax = [Int32](repeating: 0, count: outCount) }
        if isTraining { cachedInputShape = input.shape }
        return isTraining ? output.write(batch, channels, outH, outW) { pool(input, isTraining: true, into: $0) }
            : Tensor(shape: [batch, channels, outH, outW]) { pool(input, isTraining: false, into: $0) }
    }

    private func pool(_ input: Tensor, isTraining: Bool, into out: UnsafeMutableBufferPointer<Float>) {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outH = (height - size) / stride + 1, outW = (width - size) / stride + 1
        input.storage.withUnsafeBufferPointer { x in
            argmax.withUnsafeMutableBufferPointer { indices in
                if size == 2 && stride == 2 {
                    Self.pool2x2(x, into: out, indices: isTraining ? indices : nil, planes: batch * channels, height: height, width: width)
                    return
                }
                var o = 0
                for plane in 0..<(batch * channels) {
                    let planeBase = plane * height * width
                    for oy in 0..<outH {
                        for ox in 0..<outW {
                            var best = planeBase + oy * stride * width + ox * stride
                            for dy in 0..<size {
                                for dx in 0..<size {
                                    let i = planeBase + (oy * stride + dy) * width + ox * stride + dx
                                    if x[i] > x[best] { best = i }
                                }
                            }
                            out[o] = x[best]
                            if isTraining { indices[o] = Int32(best) }
                            o += 1
                        }
                    }
                }
            }
        }
    }

    /// The 2x2 stride-2 case (the pooling of LeNet-5 and VGG), unrolled: the same
    /// comparisons in the same order as the general loop, so ties and NaNs pick the same
    /// element.
    private static func pool2x2(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableBufferPointer<Float>,
                                indices: UnsafeMutableBufferPointer<Int32>?, planes: Int, height: Int, width: Int) {
        let outH = height / 2, outW = width / 2
        var o = 0
        for plane in 0..<planes {
            let planeBase = plane * height * width
            for oy in 0..<outH {
                let top = planeBase + 2 * oy * width
                for ox in 0..<outW {
                    // Selects, not branches: which element wins is data, and mispredicted
                    // branches made this the third most costly step of LeNet-5's training.
                    let i0 = top + 2 * ox
                    var best = i0, value = x[i0]
                    let b = x[i0 + 1], c = x[i0 + width], d = x[i0 + width + 1]
                    best = b > value ? i0 + 1 : best
                    value = b > value ? b : value
                    best = c > value ? i0 + width : best
                    value = c > value ? c : value
                    best = d > value ? i0 + width + 1 : best
                    value = d > value ? d : value
                    out[o] = value
                    indices?[o] = Int32(best)
                    o += 1
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        return inputGradient.write(shape: cachedInputShape) { dx in
            dx.update(repeating: 0)
            outputGradient.storage.withUnsafeBufferPointer { dy in
                for o in 0..<dy.count { dx[Int(argmax[o])] += dy[o] }
            }
        }
    }
}
