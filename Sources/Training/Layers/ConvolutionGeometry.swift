/// One convolution's geometry: channels, kernel, padding, stride, input and output sizes.
public struct ConvolutionGeometry: Sendable, Equatable {
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
}
