/// Zero-padded input planes laid out so that a stride-1 convolution's kernel taps are
/// strided views of them (`TapConvolution`), with no column matrix.
///
/// Each plane's rows are `rowPitch` = width + padding wide: a row starts with `padding`
/// zeros, which also serve as the right padding of the row above. Output (oy, ox) under tap
/// (ky, kx) then reads padded index (oy + ky) · rowPitch + ox + kx, so for a fixed tap the
/// whole output plane reads one contiguous segment starting at ky · rowPitch + kx,
/// outH · rowPitch long. Computing every row's `rowPitch` outputs costs the last
/// kernel − 1 − padding of each, which are not outputs (they mix the row's end with the next
/// row's start): they are dropped, and backward gives them a zero output gradient, so they
/// add nothing to the weight or input gradients. For ResNet-20's 3x3 convolutions on
/// 28/14/7-pixel planes that is 4–14 % more columns.
struct PaddedRowColumns {
    let geometry: ConvolutionGeometry
    /// Padded row width: width + padding.
    let rowPitch: Int
    /// Floats of one padded plane: (height + 2 · padding) rows of `rowPitch`, plus the
    /// kernel − 1 floats the last row's extra outputs read past it.
    let planeSize: Int

    /// Nil unless the stride is 1 and the padding at most kernel − 1 (so the shared padding
    /// between rows covers both sides).
    init?(_ geometry: ConvolutionGeometry) {
        guard geometry.stride == 1, geometry.padding <= geometry.kernelSize - 1 else { return nil }
        self.geometry = geometry
        rowPitch = geometry.width + geometry.padding
        planeSize = (geometry.height + 2 * geometry.padding) * rowPitch + geometry.kernelSize - 1
    }

    /// Computed columns per sample: outH rows of `rowPitch`.
    var columnsPerSample: Int { geometry.outH * rowPitch }
    /// Floats of the padded input of `samples` samples.
    func paddedSize(samples: Int) -> Int { samples * geometry.inChannels * planeSize }
    /// Where tap (ky, kx)'s segment starts in a padded plane.
    func tapOffset(ky: Int, kx: Int) -> Int { ky * rowPitch + kx }

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

    /// The adjoint of `pad`: the interiors of `samples` samples' padded planes to NCHW.
    func unpad(_ padded: UnsafePointer<Float>, samples: Int, into x: UnsafeMutablePointer<Float>) {
        let (height, width, padding) = (geometry.height, geometry.width, geometry.padding)
        for plane in 0..<(samples * geometry.inChannels) {
            let source = padded + plane * planeSize + padding * rowPitch + padding
            let destination = x + plane * height * width
            for row in 0..<height {
                FloatRun.copy(destination + row * width, from: source + row * rowPitch, count: width)
            }
        }
    }
}
