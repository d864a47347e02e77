import Training

/// A Conv2D layer with its weight W [outC, patch] in CSR, run as a direct sparse
/// convolution (`SparseMatrix.multiplyShifted`), with no im2col columns: im2col copies the
/// input kernel² / stride² times, which at 90% sparsity costs more than the multiply.
///
/// Per sample, the input is copied once into its zero-padded image, split by stride s into
/// s² phase images (phase (py, px) holds the padded pixels (i·s + py, j·s + px); for
/// stride 1 the one phase is the padded image). Output (oy, ox) of tap (c, ky, kx) reads
/// padded pixel (oy·s + ky, ox·s + kx), which is pixel (oy + ky/s, ox + kx/s) of phase
/// (ky mod s, kx mod s): every kept tap is then one contiguous run over its phase image,
/// shifted by a fixed offset, and the outputs are computed over the phase width, of which
/// the `outW` valid ones of each row are kept. The bias is added in the multiply.
public final class SparseConvolution: SparseLayerKernel {
    public let name: String
    public let matrix: SparseMatrix
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let padding: Int
    public let stride: Int
    let bias: [Float]?
    /// One sample's phase images, [s², inChannels, phaseHeight, phaseWidth] and some slack;
    /// the pixels that come from the padding are never written, so stay zero while the
    /// input size does.
    private var phases: [Float] = []
    private var geometryFor = (height: 0, width: 0)
    /// Each stored entry's offset in `phases`.
    private var offsets: [Int32] = []
    /// The phases (py, px) some kept tap reads (a 1x1 stride-2 conv reads one of four);
    /// only these are filled.
    private let usedPhases: [(py: Int, px: Int)]
    /// One sample's outputs over the phase width, [outC, length].
    private var wideOutput: [Float] = []

    /// From the layer's weights as they are now (masked weights are zero there).
    public init(_ layer: Conv2D) {
        name = layer.name
        (inChannels, outChannels, kernelSize, padding, stride) = (layer.inChannels, layer.outChannels, layer.kernelSize, layer.padding, layer.stride)
        matrix = SparseMatrix(weights: layer.weight.value, mask: nil, rows: layer.outChannels,
                              columns: layer.inChannels * layer.kernelSize * layer.kernelSize)
        bias = layer.bias?.value
        let (s, k) = (layer.stride, layer.kernelSize)
        var used = Set<Int>()
        for index in layer.weight.value.indices where layer.weight.value[index] != 0 {
            used.insert((index / k % k % s) * s + index % k % s)  // (ky mod s, kx mod s)
        }
        usedPhases = used.sorted().map { (py: $0 / s, px: $0 % s) }
    }

    public func forward(_ input: Tensor) -> Tensor {
        let (batch, height, width) = (input.shape[0], input.shape[2], input.shape[3])
        let (s, k, p, outC) = (stride, kernelSize, padding, outChannels)
        let (paddedHeight, paddedWidth) = (height + 2 * p, width + 2 * p)
        let (outH, outW) = ((paddedHeight - k) / s + 1, (paddedWidth - k) / s + 1)
        let (phaseHeight, phaseWidth) = ((paddedHeight + s - 1) / s, (paddedWidth + s - 1) / s)
        let phasePlane = phaseHeight * phaseWidth, phaseSize = inChannels * phasePlane
        // Rounded up to whole 8-lane vectors: no scalar tail (7x7 outputs over a padded
        // width of 9 are 63 lanes), the extra lanes dropped with the padded columns.
        let length = (outH * phaseWidth + 7) / 8 * 8
        if geometryFor != (height, width) {
            // A run of the last phase's last plane ends at most (k - 1)/s + 7 floats past it.
            phases = [Float](repeating: 0, count: s * s * phaseSize + k + 8)
            offsets = matrix.entryOffsets(columnOffsets: (0..<matrix.columnCount).map { column in
                let (c, ky, kx) = (column / (k * k), column / k % k, column % k)
                return ((ky % s) * s + kx % s) * phaseSize + c * phasePlane + (ky / s) * phaseWidth + kx / s
            })
            geometryFor = (height, width)
        }
        if wideOutput.count < outC * length { wideOutput = [Float](repeating: 0, count: outC * length) }
        return Tensor(shape: [batch, outC, outH, outW]) { out in
            input.storage.withUnsafeBufferPointer { x in
                phases.withUnsafeMutableBufferPointer { image in
                    offsets.withUnsafeBufferPointer { entryOffsets in
                        wideOutput.withUnsafeMutableBufferPointer { y in
                            for sample in 0..<batch {
                                let planes = x.baseAddress! + sample * inChannels * height * width
                                if s == 1 {
                                    for c in 0..<inChannels {
                                        for row in 0..<height {
                                            Self.copy(image.baseAddress! + c * phasePlane + (row + p) * phaseWidth + p,
                                                      from: planes + (c * height + row) * width, count: width)
                                        }
                                    }
                                } else {
                                    gatherPhases(planes, height: height, width: width, into: image.baseAddress!,
                                                 phaseHeight: phaseHeight, phaseWidth: phaseWidth)
                                }
                                multiply(image.baseAddress!, offsets: entryOffsets.baseAddress!, length: length, into: y.baseAddress!)
                                for c in 0..<outC {
                                    for oy in 0..<outH {
                                        Self.copy(out.baseAddress! + ((sample * outC + c) * outH + oy) * outW,
                                                  from: y.baseAddress! + c * length + oy * phaseWidth, count: outW)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Phase (py, px), row i, column j of channel c: padded pixel (i·s + py, j·s + px), that is
    /// input pixel (i·s + py − p, j·s + px − p); the ones in the padding are left at zero.
    private func gatherPhases(_ planes: UnsafePointer<Float>, height: Int, width: Int, into image: UnsafeMutablePointer<Float>,
                              phaseHeight: Int, phaseWidth: Int) {
        let (s, p) = (stride, padding), phasePlane = phaseHeight * phaseWidth
        for (py, px) in usedPhases {
            let firstColumn = (p - px + s - 1) / s, endColumn = min(phaseWidth, (width - 1 + p - px) / s + 1)
            guard firstColumn < endColumn else { continue }
            for c in 0..<inChannels {
                let target = image + ((py * s + px) * inChannels + c) * phasePlane
                for i in 0..<phaseHeight {
                    let row = i * s + py - p
                    guard row >= 0 && row < height else { continue }
                    let source = planes + (c * height + row) * width
                    for j in firstColumn..<endColumn { target[i * phaseWidth + j] = source[j * s + px - p] }
                }
            }
        }
    }

    private func multiply(_ image: UnsafePointer<Float>, offsets: UnsafePointer<Int32>, length: Int, into y: UnsafeMutablePointer<Float>) {
        if let bias {
            bias.withUnsafeBufferPointer { matrix.multiplyShifted(image, offsets: offsets, length: length, bias: $0.baseAddress, into: y) }
        } else {
            matrix.multiplyShifted(image, offsets: offsets, length: length, bias: nil, into: y)
        }
    }

    /// `count` floats, eight at a time: the rows here are 7 to 32 floats, where a call to
    /// memmove per row costs more than the copy.
    @inline(__always)
    private static func copy(_ destination: UnsafeMutablePointer<Float>, from source: UnsafePointer<Float>, count: Int) {
        var i = 0
        let to = UnsafeMutableRawPointer(destination), from = UnsafeRawPointer(source)
        while i + 8 <= count {
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self), toByteOffset: i * 4, as: SIMD8<Float>.self)
            i += 8
        }
        while i < count {
            destination[i] = source[i]
            i += 1
        }
    }
}
