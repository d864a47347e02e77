/// A convolution as im2col and GEMMs over chunks of the batch: the fallback for layers with
/// few input channels where OpenBLAS has no small-matrix kernels (`ConvolutionAlgorithm`).
///
/// A chunk's column matrix is [patch, samples × positions], row (c, ky, kx) holding the input
/// pixel that tap sees at each of the chunk's output positions; forward Y = W · cols, weight
/// gradient dW += dY · colsᵀ, input gradient dcols = Wᵀ · dY, then col2im. Chunks hold up to
/// 1 MB of columns (the core's L2 cache); backward builds them again from the cached input.
/// Y and dY are channel-major [outC, samples × positions].
final class ColumnConvolution {
    /// A chunk's column matrix and its gradient, [patch, samples × positions].
    private var columns: [Float] = []
    private var columnGradient: [Float] = []

    /// Samples per chunk: as many as keep the column matrix within 256 K floats.
    func chunkSize(_ geometry: ConvolutionGeometry, batch: Int) -> Int {
        min(max(1, (256 * 1024) / max(geometry.patch * geometry.positions, 1)), max(batch, 1))
    }

    /// Channel-major floats a chunk needs per output channel.
    func channelMajorSpan(_ geometry: ConvolutionGeometry, batch: Int) -> Int { chunkSize(geometry, batch: batch) * geometry.positions }

    /// For each chunk: its first sample, sample count, and channel-major output y [outC,
    /// samples × positions] = W · its columns, for `store` to move to NCHW.
    func forward(_ geometry: ConvolutionGeometry, weight: UnsafePointer<Float>, outChannels: Int, _ x: UnsafePointer<Float>,
                 batch: Int, channelMajor y: UnsafeMutablePointer<Float>, store: (_ first: Int, _ samples: Int) -> Void) {
        let chunk = chunkSize(geometry, batch: batch)
        reserve(geometry, chunk: chunk, inputGradient: false)
        for first in Swift.stride(from: 0, to: batch, by: chunk) {
            let samples = min(chunk, batch - first), span = samples * geometry.positions
            columns.withUnsafeMutableBufferPointer { cols in
                geometry.im2col(x + first * geometry.inputSize, samples: samples, into: cols.baseAddress!)
                sgemm(transposeA: false, transposeB: false, m: outChannels, n: span, k: geometry.patch,
                      a: weight, b: cols.baseAddress!, beta: 0, c: y)
            }
            store(first, samples)
        }
    }

    /// For each chunk: `load` fills the channel-major output gradient g [outC, samples ×
    /// positions] and adds the bias gradient; then dW (overwritten by the first chunk) and, with
    /// `dx`, the input gradient (`dx` is zeroed first: col2im adds into it).
    func backward(_ geometry: ConvolutionGeometry, weight: UnsafePointer<Float>, weightGradient: UnsafeMutablePointer<Float>,
                  outChannels: Int, _ x: UnsafePointer<Float>, batch: Int, channelMajor g: UnsafeMutablePointer<Float>,
                  dx: UnsafeMutablePointer<Float>?, load: (_ first: Int, _ samples: Int, _ beta: Float) -> Void) {
        let chunk = chunkSize(geometry, batch: batch), patch = geometry.patch
        reserve(geometry, chunk: chunk, inputGradient: dx != nil)
        if let dx { dx.update(repeating: 0, count: batch * geometry.inputSize) }
        for first in Swift.stride(from: 0, to: batch, by: chunk) {
            let samples = min(chunk, batch - first), span = samples * geometry.positions, beta: Float = first == 0 ? 0 : 1
            load(first, samples, beta)
            columns.withUnsafeMutableBufferPointer { cols in
                geometry.im2col(x + first * geometry.inputSize, samples: samples, into: cols.baseAddress!)
                sgemm(transposeA: false, transposeB: true, m: outChannels, n: patch, k: span,
                      a: g, b: cols.baseAddress!, beta: beta, c: weightGradient)
            }
            guard let dx else { continue }
            columnGradient.withUnsafeMutableBufferPointer { dcol in
                sgemm(transposeA: true, transposeB: false, m: patch, n: span, k: outChannels,
                      a: weight, b: g, beta: 0, c: dcol.baseAddress!)
                geometry.col2im(dcol.baseAddress!, samples: samples, into: dx + first * geometry.inputSize)
            }
        }
    }

    private func reserve(_ geometry: ConvolutionGeometry, chunk: Int, inputGradient: Bool) {
        let count = geometry.patch * chunk * geometry.positions
        if columns.count < count { columns = [Float](repeating: 0, count: count) }
        if inputGradient && columnGradient.count < count { columnGradient = [Float](repeating: 0, count: count) }
    }
}

private extension ConvolutionGeometry {
    var patch: Int { inChannels * kernelSize * kernelSize }
    var positions: Int { outH * outW }
    var inputSize: Int { inChannels * height * width }

    /// For each of `samples` images from `x`, tap row (c, ky, kx) and output row oy: the input pixels the
    /// tap sees, copied (a whole row segment when the stride is 1), with zeros where it falls in the padding.
    func im2col(_ x: UnsafePointer<Float>, samples: Int, into col: UnsafeMutablePointer<Float>) {
        forEachLine(samples: samples) { line, seen in
            let destination = col + line
            guard let seen else { return FloatRun.zero(destination, count: outW) }
            FloatRun.zero(destination, count: seen.first)
            if stride == 1 {
                FloatRun.copy(destination + seen.first, from: x + seen.pixel, count: seen.end - seen.first)
            } else {
                for offset in 0..<(seen.end - seen.first) { destination[seen.first + offset] = x[seen.pixel + offset * stride] }
            }
            FloatRun.zero(destination + seen.end, count: outW - seen.end)
        }
    }

    /// The adjoint of `im2col`: each column entry added back to the input pixel it copied.
    func col2im(_ col: UnsafePointer<Float>, samples: Int, into dx: UnsafeMutablePointer<Float>) {
        forEachLine(samples: samples) { line, seen in
            guard let seen else { return }
            let source = col + line + seen.first
            if stride == 1 {
                FloatRun.add(dx + seen.pixel, source, count: seen.end - seen.first)
            } else {
                for offset in 0..<(seen.end - seen.first) { dx[seen.pixel + offset * stride] += source[offset] }
            }
        }
    }

    /// The walk `im2col` and `col2im` share: for every sample, tap row (c, ky, kx) and output
    /// row oy, the offset of its line of `outW` column entries, and the output columns
    /// `first..<end` whose input pixel is inside the image with the offset of the first one
    /// (the next ones follow `stride` apart); nil when the whole line falls in the padding.
    @inline(__always)
    private func forEachLine(samples: Int, _ body: (_ line: Int, _ seen: (first: Int, end: Int, pixel: Int)?) -> Void) {
        let positions = outH * outW, span = samples * positions
        for sample in 0..<samples {
            var row = 0
            for c in 0..<inChannels {
                let plane = (sample * inChannels + c) * height * width
                for ky in 0..<kernelSize {
                    for kx in 0..<kernelSize {
                        // Output column ox sees input column ox * stride + kx - padding.
                        let shift = kx - padding
                        let first = shift >= 0 ? 0 : (-shift + stride - 1) / stride
                        let end = width - 1 - shift < 0 ? 0 : min(outW, (width - 1 - shift) / stride + 1)
                        let lines = row * span + sample * positions
                        for oy in 0..<outH {
                            let iy = oy * stride + ky - padding
                            let line = lines + oy * outW
                            if iy >= 0 && iy < height && first < end {
                                body(line, (first, end, plane + iy * width + first * stride + shift))
                            } else {
                                body(line, nil)
                            }
                        }
                        row += 1
                    }
                }
            }
        }
    }
}
