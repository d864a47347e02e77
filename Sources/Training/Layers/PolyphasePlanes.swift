/// The input of a convolution split into its stride × stride phases, so that each
/// kernel tap reads one phase at stride 1 (`TapConvolution`), with no column matrix.
///
/// With stride s and the input padded by p, phase (a, b) is the plane
/// Q_ab[i][j] = padded[s · i + a][s · j + b]. Tap (ky, kx) = (s · qy + a, s · qx + b) sees, at
/// output (oy, ox), padded[s · oy + ky][s · ox + kx] = Q_ab[oy + qy][ox + qx]: phase (a, b)
/// read from offset (qy, qx), the same for every output. Each phase's rows are
/// `rowPitch` = outW + qMax wide (qMax = (k − 1) / s, the largest in-phase offset), and
/// every row computes `rowPitch` outputs, the last qMax of which are not outputs and are
/// dropped (their output gradient is zero). Only phases some tap reads are kept: 1x1 stride 2
/// keeps phase (0, 0), a quarter of the input.
struct PolyphasePlanes: TapPlanes {
    let geometry: ConvolutionGeometry
    let rowPitch: Int
    /// Kept phases per side: min(stride, kernel).
    let phasesPerSide: Int
    /// Rows of a phase plane: outH + qMax.
    let rows: Int
    /// Floats of one channel's phase plane: `rows` rows of `rowPitch`, plus the qMax floats
    /// the last row's extra outputs read past it.
    let channelStride: Int

    /// Any geometry; `PaddedRowColumns` lays out stride 1 with less waste where it applies.
    init(_ geometry: ConvolutionGeometry) {
        self.geometry = geometry
        let qMax = (geometry.kernelSize - 1) / geometry.stride
        rowPitch = geometry.outW + qMax
        phasesPerSide = min(geometry.stride, geometry.kernelSize)
        rows = geometry.outH + qMax
        channelStride = rows * rowPitch + qMax
    }

    var columns: Int { geometry.outH * rowPitch }
    var sampleSize: Int { phasesPerSide * phasesPerSide * geometry.inChannels * channelStride }

    func offset(ky: Int, kx: Int) -> Int {
        let s = geometry.stride
        return phaseStart(a: ky % s, b: kx % s) + (ky / s) * rowPitch + kx / s
    }

    private func phaseStart(a: Int, b: Int) -> Int { (a * phasesPerSide + b) * geometry.inChannels * channelStride }

    /// The phase columns j whose input column s · j + b − p lies inside the image.
    private func insideColumns(b: Int) -> Range<Int> {
        let (s, p, width) = (geometry.stride, geometry.padding, geometry.width)
        let first = max(0, (p - b + s - 1) / s)
        let end = min(rowPitch, width - 1 + p - b < 0 ? 0 : (width - 1 + p - b) / s + 1)
        return first..<max(first, end)
    }

    /// Every position of every kept phase: the input pixel it stands for, or 0 in the padding
    /// and past the input's edge.
    func fill(_ x: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>) {
        let (s, p, height, width) = (geometry.stride, geometry.padding, geometry.height, geometry.width)
        for a in 0..<phasesPerSide {
            for b in 0..<phasesPerSide {
                let inside = insideColumns(b: b), firstColumn = s * inside.lowerBound + b - p
                for c in 0..<geometry.inChannels {
                    let plane = planes + phaseStart(a: a, b: b) + c * channelStride, source = x + c * height * width
                    for i in 0..<rows {
                        let y = s * i + a - p, row = plane + i * rowPitch
                        guard y >= 0 && y < height else {
                            FloatRun.zero(row, count: rowPitch)
                            continue
                        }
                        FloatRun.zero(row, count: inside.lowerBound)
                        let from = source + y * width + firstColumn
                        for j in 0..<inside.count { row[inside.lowerBound + j] = from[s * j] }
                        FloatRun.zero(row + inside.upperBound, count: rowPitch - inside.upperBound)
                    }
                }
            }
        }
    }

    /// Each input pixel's gradient from the one phase position that stands for it (0 where
    /// no kept phase or no row holds it: no tap saw that pixel).
    func extractGradient(_ planes: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) {
        let (s, p, height, width) = (geometry.stride, geometry.padding, geometry.height, geometry.width)
        dx.update(repeating: 0, count: geometry.inChannels * height * width)
        for a in 0..<phasesPerSide {
            for b in 0..<phasesPerSide {
                let inside = insideColumns(b: b), firstColumn = s * inside.lowerBound + b - p
                for c in 0..<geometry.inChannels {
                    let plane = planes + phaseStart(a: a, b: b) + c * channelStride, destination = dx + c * height * width
                    for i in 0..<rows {
                        let y = s * i + a - p
                        guard y >= 0 && y < height else { continue }
                        let row = plane + i * rowPitch + inside.lowerBound, to = destination + y * width + firstColumn
                        for j in 0..<inside.count { to[s * j] = row[j] }
                    }
                }
            }
        }
    }
}
