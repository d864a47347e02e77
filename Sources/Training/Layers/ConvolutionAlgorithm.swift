/// How a `Conv2D` computes: one GEMM per kernel tap (`TapConvolution`), or im2col and one
/// GEMM per chunk of samples (`ColumnConvolution`).
///
/// Taps make many GEMMs whose k (forward), m (input gradient) or output (weight gradient) is
/// the input channel count. OpenBLAS's AVX-512 kernels run those through small-matrix paths
/// and taps win for every layer of the zoo (1.1–1.8x less time than im2col). Other kernels
/// pack every operand, and there taps lose where the layer has fewer than 8 input channels
/// (measured with OPENBLAS_CORETYPE=HASWELL, one thread: LeNet-5's 1→6 5x5 layer took 3.2x
/// as long, ResNet-20's 1→16 3x3 stem 2.6x; 8→16 3x3 was even, 16 channels and up won).
public enum ConvolutionAlgorithm: Sendable, Equatable {
    case taps, columns

    /// The faster one for a layer with `inChannels` inputs under the BLAS kernel in use.
    public static func preferred(inChannels: Int, smallMatrixKernels: Bool = BLASRuntime.hasSmallMatrixKernels) -> Self {
        smallMatrixKernels || inChannels >= 8 ? .taps : .columns
    }
}
