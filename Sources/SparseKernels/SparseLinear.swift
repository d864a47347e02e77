import Training

/// A Dense layer in CSR, W [outputs, inputs]: one sample as a sparse matrix-vector product,
/// a batch in feature-major layout (transposed in and out, both part of the time), as
/// `SparseInferenceNetwork` runs an MLP's layers.
public final class SparseLinear: SparseLayerKernel {
    public let name: String
    public let matrix: SparseMatrix
    let bias: [Float]
    private var inputT: [Float] = []
    private var outputT: [Float] = []

    public init(_ layer: Dense) {
        name = layer.name
        matrix = SparseMatrix(weights: layer.weight.value, mask: nil, rows: layer.outputCount, columns: layer.inputCount)
        bias = layer.bias.value
    }

    public func forward(_ input: Tensor) -> Tensor {
        let batch = input.batchSize, inputs = matrix.columnCount, outputs = matrix.rowCount
        precondition(input.sampleSize == inputs, "\(name) expects \(inputs) inputs per sample")
        if batch > 1 && inputT.count < batch * inputs { inputT = [Float](repeating: 0, count: batch * inputs) }
        if batch > 1 && outputT.count < batch * outputs { outputT = [Float](repeating: 0, count: batch * outputs) }
        return Tensor(shape: [batch, outputs]) { out in
            input.storage.withUnsafeBufferPointer { x in
                bias.withUnsafeBufferPointer { b in
                    guard batch > 1 else {
                        return matrix.multiplyVector(x.baseAddress!, bias: b.baseAddress, appliesReLU: false, into: out.baseAddress!)
                    }
                    inputT.withUnsafeMutableBufferPointer { xT in
                        outputT.withUnsafeMutableBufferPointer { yT in
                            SparseInferenceNetwork.transpose(x.baseAddress!, rows: batch, columns: inputs, into: xT.baseAddress!)
                            matrix.multiplyFeatureMajor(xT.baseAddress!, batch: batch, bias: b.baseAddress, appliesReLU: false,
                                                        into: yT.baseAddress!)
                            SparseInferenceNetwork.transpose(yT.baseAddress!, rows: outputs, columns: batch, into: out.baseAddress!)
                        }
                    }
                }
            }
        }
    }
}
