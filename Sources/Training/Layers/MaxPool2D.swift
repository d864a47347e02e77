/// Max pooling over non-overlapping `size` x `size` windows of an NCHW tensor
/// (stride = size; a ragged edge is dropped, as PyTorch does by default).
public final class MaxPool2D: Layer {
    public let name: String
    public let size: Int
    private var cachedInputShape: [Int] = []
    /// For each output element, the flat input index of its maximum.
    private var argmax: [Int32] = []

    public init(name: String, size: Int = 2) {
        self.name = name
        self.size = size
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(inputShape.count == 3, "\(name) expects [channels, height, width]")
        return [inputShape[0], inputShape[1] / size, inputShape[2] / size]
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
        let outH = height / size, outW = width / size
        let outCount = batch * channels * outH * outW
        var indices = [Int32](repeating: 0, count: outCount)
        let output = Tensor(shape: [batch, channels, outH, outW]) { out in
            input.storage.withUnsafeBufferPointer { x in
                var o = 0
                for plane in 0..<(batch * channels) {
                    let planeBase = plane * height * width
                    for oy in 0..<outH {
                        for ox in 0..<outW {
                            var best = planeBase + oy * size * width + ox * size
                            for dy in 0..<size {
                                for dx in 0..<size {
                                    let i = planeBase + (oy * size + dy) * width + ox * size + dx
                                    if x[i] > x[best] { best = i }
                                }
                            }
                            out[o] = x[best]
                            indices[o] = Int32(best)
                            o += 1
                        }
                    }
                }
            }
        }
        if isTraining {
            cachedInputShape = input.shape
            argmax = indices
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        guard needsInputGradient else { return nil }
        var dx = Tensor(shape: cachedInputShape)
        dx.storage.withUnsafeMutableBufferPointer { dx in
            outputGradient.storage.withUnsafeBufferPointer { dy in
                for o in 0..<dy.count { dx[Int(argmax[o])] += dy[o] }
            }
        }
        return dx
    }
}
