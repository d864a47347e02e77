/// The im2col view of a convolution's input (one geometry: channels, kernel, padding,
/// stride, input and output sizes): the column matrix [patch, samples × positions], whose
/// row (c, ky, kx) holds, for each sample and output position, the input pixel that kernel
/// tap sees (zero in the padding). The forward pass multiplies it by the weights; `col2im`
/// is its adjoint, for the input gradient. Public so that other kernels (the sparse
/// inference of SparseKernels) build the same columns.
public struct ConvolutionColumns: Sendable, Equatable {
    public let inChannels: Int
    public let kernelSize: Int
    public let padding: Int
    public let stride: Int
    public let height: Int
    public let width: Int
    public let outH: Int
    public let outW: Int

    public init(inChannels: Int, kernelSize: Int, padding: Int, stride: Int, height: Int, width: Int) {
        precondition(stride >= 1 && kernelSize >= 1 && padding >= 0)
        self.inChannels = inChannels
        self.kernelSize = kernelSize
        self.padding = padding
        self.stride = stride
        self.height = height
        self.width = width
        outH = (height + 2 * padding - kernelSize) / stride + 1
        outW = (width + 2 * padding - kernelSize) / stride + 1
    }

    /// Rows of the column matrix: inChannels × kernel².
    public var patch: Int { inChannels * kernelSize * kernelSize }
    /// Output positions per sample.
    public var positions: Int { outH * outW }
    /// Floats of one input sample.
    public var inputSize: Int { inChannels * height * width }

    /// For each of `samples` images from `x`, tap row (c, ky, kx) and output row oy: the input pixels the
    /// tap sees, copied (a whole row segment when the stride is 1), with zeros where it falls in the padding.
    public func im2col(_ x: UnsafePointer<Float>, samples: Int, into col: UnsafeMutablePointer<Float>) {
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
    public func col2im(_ col: UnsafePointer<Float>, samples: Int, into dx: UnsafeMutablePointer<Float>) {
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

/// Short-run float loops for the column copies.
enum FloatRun {
    /// `count` floats from `source` to `destination` (not overlapping), eight at a time: the
    /// rows copied here are 10 to 30 floats long, where a call to memmove per row cost more
    /// than the copy.
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, count: Int) {
        var i = 0
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
        while i + 8 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        if i + 4 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD4<Float>.self), toByteOffset: i * 4, as: SIMD4<Float>.self)
            i += 4
        }
        while i < count {
            destination[i] = source[i]
            i += 1
        }
    }

    /// `count` floats from `source` plus `shift` to `destination` (not overlapping), eight at a time.
    @inline(__always)
    static func copy(_ destination: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, count: Int, adding shift: Float) {
        var i = 0
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source), lanes = SIMD8<Float>(repeating: shift)
        while i + 8 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) + lanes, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            destination[i] = source[i] + shift
            i += 1
        }
    }

    /// `count` zeros from `destination`: the padding's one or two floats per row, where a
    /// call to memset cost more than the stores.
    @inline(__always)
    static func zero(_ destination: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { destination[i] = 0 }
    }

    /// destination[i] += source[i] for `count` floats, eight at a time (the compiler does not
    /// vectorise the loop itself: it cannot rule out that the two overlap).
    @inline(__always)
    static func add(_ destination: UnsafeMutablePointer<Float>, _ source: UnsafePointer<Float>, count: Int) {
        var i = 0
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
        while i + 8 <= count {
            let sum = to.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self) + from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
            to.storeBytes(of: sum, toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            destination[i] += source[i]
            i += 1
        }
    }
}
