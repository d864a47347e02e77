/// The column matrix of a stride-1 convolution built from whole padded planes, so that each
/// of its rows is one contiguous copy per sample instead of one short copy per output row.
///
/// The input is first copied into padded planes whose rows are `rowPitch` = width + padding
/// wide: each row starts with `padding` zeros, which also serve as the right padding of the
/// row above. Output (oy, ox) under tap (ky, kx) then reads padded index
/// (oy + ky) · rowPitch + ox + kx, so tap row (c, ky, kx) of the column matrix is the plane
/// segment starting at ky · rowPitch + kx, outH · rowPitch long. The GEMM computes every
/// row's `rowPitch` outputs; the last kernel − 1 − padding of each are not outputs (they mix
/// the row's end with the next row's start) and are dropped, and backward gives them a zero
/// output gradient, so they add nothing to the weight or input gradients. For ResNet-20's
/// 3x3 convolutions on 28/14/7-pixel planes that is 4–14 % more GEMM columns, against an
/// im2col that spent about 20 cycles per 7- to 28-float row copy.
struct PaddedRowColumns {
    let geometry: ConvolutionColumns
    /// Padded row width: width + padding.
    let rowPitch: Int
    /// Floats of one padded plane: (height + 2 · padding) rows of `rowPitch`, plus the
    /// kernel − 1 floats the last row's extra outputs read past it.
    let planeSize: Int

    /// Nil unless the stride is 1 and the padding at most kernel − 1 (so the shared padding
    /// between rows covers both sides).
    init?(_ geometry: ConvolutionColumns) {
        guard geometry.stride == 1, geometry.padding <= geometry.kernelSize - 1 else { return nil }
        self.geometry = geometry
        rowPitch = geometry.width + geometry.padding
        planeSize = (geometry.height + 2 * geometry.padding) * rowPitch + geometry.kernelSize - 1
    }

    /// Column-matrix columns per sample: outH rows of `rowPitch`.
    var columnsPerSample: Int { geometry.outH * rowPitch }
    /// Floats of the padded input of `samples` samples.
    func paddedSize(samples: Int) -> Int { samples * geometry.inChannels * planeSize }

    /// Copies `samples` NCHW samples into the interiors of their padded planes. The padding
    /// is never written: the caller zeroes the buffer once when it is made.
    func pad(_ x: UnsafePointer<Float>, samples: Int, into padded: UnsafeMutablePointer<Float>) {
        let (height, width, padding) = (geometry.height, geometry.width, geometry.padding)
        for plane in 0..<(samples * geometry.inChannels) {
            let source = x + plane * height * width
            let destination = padded + plane * planeSize + padding * rowPitch + padding
            for row in 0..<height {
                FloatRun.copy(destination + row * rowPitch, from: source + row * width, count: width)
            }
        }
    }

    /// The column matrix [patch, samples × columnsPerSample] from padded planes.
    func im2col(_ padded: UnsafePointer<Float>, samples: Int, into col: UnsafeMutablePointer<Float>) {
        forEachSegment(samples: samples) { column, plane in
            FloatRun.copy(col + column, from: padded + plane, count: columnsPerSample)
        }
    }

    /// The adjoint of `pad` after `im2col`: each column entry added to the padded position
    /// it was copied from (`padded` must be zero first), then the interiors copied to `dx`.
    func col2im(_ col: UnsafePointer<Float>, samples: Int, padded: UnsafeMutablePointer<Float>,
                into dx: UnsafeMutablePointer<Float>) {
        forEachSegment(samples: samples) { column, plane in
            FloatRun.add(padded + plane, col + column, count: columnsPerSample)
        }
        let (height, width, padding) = (geometry.height, geometry.width, geometry.padding)
        for plane in 0..<(samples * geometry.inChannels) {
            let source = padded + plane * planeSize + padding * rowPitch + padding
            let destination = dx + plane * height * width
            for row in 0..<height {
                FloatRun.copy(destination + row * width, from: source + row * rowPitch, count: width)
            }
        }
    }

    /// For each tap row (c, ky, kx) of the column matrix and each sample: the offset of its
    /// segment in the column matrix and of the padded-plane segment it copies.
    @inline(__always)
    private func forEachSegment(samples: Int, _ body: (_ column: Int, _ plane: Int) -> Void) {
        let span = samples * columnsPerSample, k = geometry.kernelSize, sampleSize = geometry.inChannels * planeSize
        var row = 0
        for c in 0..<geometry.inChannels {
            for ky in 0..<k {
                for kx in 0..<k {
                    let tap = c * planeSize + ky * rowPitch + kx
                    for sample in 0..<samples { body(row * span + sample * columnsPerSample, sample * sampleSize + tap) }
                    row += 1
                }
            }
        }
    }
}
