/// A convolution of one sample as one GEMM per kernel tap, straight from its input planes
/// (`TapPlanes`: padded rows for stride 1, phases for larger strides): no column matrix is
/// built or read back.
///
/// With W_t the [outC, C] weights of tap t = (ky, kx) and P_t the [C, columns] view of the
/// planes that starts at the tap's offset (leading dimension: one channel's plane),
///
/// - forward:         Y   = Σ_t W_t · P_t
/// - weight gradient: dW_t = dY · P_tᵀ
/// - input gradient:  dP_t += W_tᵀ · dY, tap after tap into the gradient planes
///
/// where Y and dY are channel-major [outC, columns] with `rowPitch` columns per output row.
/// Trying several samples per GEMM (channel-major planes across samples) was slower here.
/// Against im2col and one GEMM with k = C · k², this reads the input k² times through
/// BLAS's packing instead of writing and re-reading a k²-times-larger column matrix, and
/// col2im becomes the input-gradient GEMMs' own accumulation (`beta` = 1). Measured on
/// ResNet-20's 3x3 layers (one thread, AVX-512 kernel): 1.1–1.8x less time per layer.
struct TapConvolution {
    let planes: any TapPlanes
    let outChannels: Int

    /// Padded rows where the geometry allows them, else phases.
    init(_ geometry: ConvolutionGeometry, outChannels: Int) {
        planes = PaddedRowColumns(geometry) ?? PolyphasePlanes(geometry)
        self.outChannels = outChannels
    }

    var taps: Int { planes.geometry.kernelSize * planes.geometry.kernelSize }
    var inChannels: Int { planes.geometry.inChannels }
    var columns: Int { planes.columns }
    /// Floats of the per-tap weights [tap, outC, C].
    var tapWeightCount: Int { taps * outChannels * inChannels }

    private func offset(_ tap: Int) -> Int {
        let k = planes.geometry.kernelSize
        return planes.offset(ky: tap / k, kx: tap % k)
    }

    /// Weights [outC, C, k, k] to per-tap [tap, outC, C].
    func gatherTapWeights(_ weight: UnsafePointer<Float>, into tapWeights: UnsafeMutablePointer<Float>) {
        let (taps, perTap, inC) = (taps, outChannels * inChannels, inChannels)
        for o in 0..<outChannels {
            for c in 0..<inC {
                let source = weight + (o * inC + c) * taps
                for tap in 0..<taps { tapWeights[tap * perTap + o * inC + c] = source[tap] }
            }
        }
    }

    /// Per-tap gradients [tap, outC, C] to the weights' layout [outC, C, k, k].
    func scatterTapGradient(_ tapGradient: UnsafePointer<Float>, into gradient: UnsafeMutablePointer<Float>) {
        let (taps, perTap, inC) = (taps, outChannels * inChannels, inChannels)
        for o in 0..<outChannels {
            for c in 0..<inC {
                let destination = gradient + (o * inC + c) * taps
                for tap in 0..<taps { destination[tap] = tapGradient[tap * perTap + o * inC + c] }
            }
        }
    }

    /// y [outC, columns] = the sample's convolution (no bias).
    /// `samplePlanes`: the sample's planes (`TapPlanes.fill`).
    func forward(samplePlanes: UnsafePointer<Float>, tapWeights: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        let (outC, inC, n, pitch) = (outChannels, inChannels, columns, planes.channelStride)
        for tap in 0..<taps {
            sgemm(transposeA: false, transposeB: false, m: outC, n: n, k: inC,
                  a: tapWeights + tap * outC * inC, lda: inC, b: samplePlanes + offset(tap), ldb: pitch,
                  beta: tap == 0 ? 0 : 1, c: y, ldc: n)
        }
    }

    /// tapGradient [tap, outC, C] = beta · tapGradient + the sample's weight gradient, from
    /// its output gradient dy [outC, columns] (zero in the columns that are no outputs).
    func weightGradient(outputGradient dy: UnsafePointer<Float>, samplePlanes: UnsafePointer<Float>, beta: Float,
                        into tapGradient: UnsafeMutablePointer<Float>) {
        let (outC, inC, n, pitch) = (outChannels, inChannels, columns, planes.channelStride)
        for tap in 0..<taps {
            sgemm(transposeA: false, transposeB: true, m: outC, n: inC, k: n,
                  a: dy, lda: n, b: samplePlanes + offset(tap), ldb: pitch,
                  beta: beta, c: tapGradient + tap * outC * inC, ldc: inC)
        }
    }

    /// Adds the sample's input gradient into its gradient planes (zero them first;
    /// `TapPlanes.extractGradient` then gives the NCHW gradient).
    func addInputGradient(outputGradient dy: UnsafePointer<Float>, tapWeights: UnsafePointer<Float>,
                          into gradientPlanes: UnsafeMutablePointer<Float>) {
        let (outC, inC, n, pitch) = (outChannels, inChannels, columns, planes.channelStride)
        for tap in 0..<taps {
            sgemm(transposeA: true, transposeB: false, m: inC, n: n, k: outC,
                  a: tapWeights + tap * outC * inC, lda: inC, b: dy, ldb: n,
                  beta: 1, c: gradientPlanes + offset(tap), ldc: pitch)
        }
    }
}
