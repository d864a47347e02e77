import COpenBLAS
import SparseKernels

/// One weight's measured CPU time as a dense GEMM (BLAS sgemm) and with prunetop's CSR
/// kernel (`SparseMatrix.multiplyFeatureMajor`): W [rows x columns] times an operand
/// [columns x operandColumns]. For a linear layer the operand is a batch of that many
/// samples; for a convolution, W is [out x in·kh·kw] and the operand the im2col matrix of
/// that many output positions (256 = one 16x16 feature map). Median of 5 repeats, each at
/// least 5 ms of calls, after a warm-up; the operand's values do not change either time.
public struct LayerSpeedup: Sendable, Equatable {
    public var denseSeconds: Double
    public var sparseSeconds: Double
    public var speedup: Double { denseSeconds / sparseSeconds }

    /// Nil when the kernel cannot hold the layer (more than 65,536 columns) or it is empty.
    public static func measure(weights: [Float], mask: [Float], rows: Int, columns: Int, operandColumns: Int) -> LayerSpeedup? {
        guard rows > 0, columns > 0, columns <= 1 << 16, operandColumns > 0 else { return nil }
        let matrix = SparseMatrix(weights: weights, mask: mask, rows: rows, columns: columns)
        let dense = zip(weights, mask).map { $1 == 0 ? 0 : $0 }
        let operand = (0..<(columns * operandColumns)).map { Float(UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) >> 8) / 16_777_216 }
        let y = UnsafeMutablePointer<Float>.allocate(capacity: rows * operandColumns)
        defer { y.deallocate() }
        return operand.withUnsafeBufferPointer { x in
            dense.withUnsafeBufferPointer { w in
                let times = InterleavedTiming.medianSeconds([
                    {
                        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasint(rows), blasint(operandColumns), blasint(columns),
                                    1, w.baseAddress!, blasint(columns), x.baseAddress!, blasint(operandColumns),
                                    0, y, blasint(operandColumns))
                    },
                    { matrix.multiplyFeatureMajor(x.baseAddress!, batch: operandColumns, bias: nil, appliesReLU: false, into: y) },
                ], repeats: 5, minimumSecondsPerRepeat: 0.005)
                return LayerSpeedup(denseSeconds: times[0], sparseSeconds: times[1])
            }
        }
    }
}
