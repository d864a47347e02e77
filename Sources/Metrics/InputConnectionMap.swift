import Training

/// For the first Dense layer of an MLP on images (lenet300 on 28x28), the number of active
/// outgoing weights (kept and non-zero) of each input pixel, laid out as the image: which
/// pixels the pruned network still reads. Pruning tends to cut the corners first, pixels
/// that "play a very small role" (Hoefler et al. 2021, arXiv:2102.00554, §3.3).
public struct InputConnectionMap: Sendable, Equatable, Codable {
    public var rows: Int
    public var columns: Int
    /// Row-major [rows, columns]: active weights leaving the pixel, summed over channels.
    public var counts: [Int]
    /// Count of a fully connected pixel: the layer's outputs x the image's channels.
    public var maximum: Int

    /// `layer` is a Dense weight [outputs, channels*rows*columns] fed by a flattened
    /// [channels, rows, columns] image (`imageShape`, or [rows, columns] for one channel);
    /// nil when the shapes do not fit.
    public init?(firstLayer layer: LayerSnapshot, imageShape: [Int]) {
        let image = imageShape.count == 2 ? [1] + imageShape : imageShape
        guard image.count == 3, layer.shape.count == 2, image.allSatisfy({ $0 > 0 }),
              layer.shape[1] == image.reduce(1, *), layer.weights.count == layer.shape[0] * layer.shape[1],
              layer.mask.map({ $0.count == layer.weights.count }) ?? true
        else { return nil }
        let (outputs, inputs) = (layer.shape[0], layer.shape[1])
        let pixels = image[1] * image[2]
        rows = image[1]
        columns = image[2]
        maximum = outputs * image[0]
        var counts = [Int](repeating: 0, count: pixels)
        for o in 0..<outputs {
            for input in 0..<inputs {
                let i = o * inputs + input
                if layer.weights[i] != 0, layer.mask.map({ $0[i] != 0 }) ?? true { counts[input % pixels] += 1 }
            }
        }
        self.counts = counts
    }

    public func count(row: Int, column: Int) -> Int { counts[row * columns + column] }

    /// Pixels with no active outgoing weight.
    public var disconnectedPixels: Int { counts.reduce(0) { $0 + ($1 == 0 ? 1 : 0) } }
}
