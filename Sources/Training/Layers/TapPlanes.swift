/// How a convolution's input is laid out so that, for each kernel tap, the inputs that tap
/// sees at every output position form a [C, columns] matrix: a strided view of one buffer
/// (`TapConvolution`). Output row oy fills columns oy · rowPitch ..< oy · rowPitch + outW;
/// the columns past outW in each row are computed and dropped.
protocol TapPlanes {
    var geometry: ConvolutionGeometry { get }
    /// Columns per sample: outH rows of `rowPitch`.
    var columns: Int { get }
    var rowPitch: Int { get }
    /// Floats from one input channel's plane to the next (the views' leading dimension).
    var channelStride: Int { get }
    /// Floats of one sample's planes.
    var sampleSize: Int { get }
    /// Where tap (ky, kx)'s view starts.
    func offset(ky: Int, kx: Int) -> Int
    /// One NCHW sample into its planes. The buffer is zero when first used with a geometry
    /// and holds only this layout's writes after that.
    func fill(_ x: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>)
    /// The adjoint of `fill`: gradients with respect to the planes to the NCHW sample's.
    func extractGradient(_ planes: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>)
}

extension PaddedRowColumns: TapPlanes {
    var columns: Int { columnsPerSample }
    var channelStride: Int { planeSize }
    var sampleSize: Int { paddedSize(samples: 1) }
    func offset(ky: Int, kx: Int) -> Int { tapOffset(ky: ky, kx: kx) }
    func fill(_ x: UnsafePointer<Float>, into planes: UnsafeMutablePointer<Float>) { pad(x, samples: 1, into: planes) }
    func extractGradient(_ planes: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>) { unpad(planes, samples: 1, into: dx) }
}
