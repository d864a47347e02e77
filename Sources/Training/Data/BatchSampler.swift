/// Turns a data set's UInt8 images into normalised Float batches. The training order is
/// a seeded permutation per epoch; the last partial batch of an epoch is dropped.
public struct BatchSampler: Sendable {
    public let dataset: ImageDataset
    public let batchSize: Int
    public let seed: UInt64
    /// Normalised pixel = pixel * scale + offset, i.e. (pixel/255 - mean) / std with the
    /// mean and standard deviation of the training images.
    public let scale: Float
    public let offset: Float

    public init(dataset: ImageDataset, batchSize: Int, seed: UInt64) {
        precondition(batchSize > 0 && batchSize <= dataset.trainCount)
        self.dataset = dataset
        self.batchSize = batchSize
        self.seed = seed
        (scale, offset) = Self.normalization(for: dataset.trainImages)
    }

    public var stepsPerEpoch: Int { dataset.trainCount / batchSize }
    public var sampleShape: [Int] { [1, dataset.rows, dataset.columns] }

    static func normalization(for images: [UInt8]) -> (scale: Float, offset: Float) {
        var histogram = [Int](repeating: 0, count: 256)
        for pixel in images { histogram[Int(pixel)] += 1 }
        let count = Double(max(images.count, 1))
        let mean = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset) / 255 * Double($1.element) } / count
        let variance = histogram.enumerated().reduce(0.0) {
            let d = Double($1.offset) / 255 - mean
            return $0 + d * d * Double($1.element)
        } / count
        let std = max(variance.squareRoot(), 1e-6)
        return (Float(1 / (255 * std)), Float(-mean / std))
    }

    /// The order in which epoch `epoch` visits the training samples.
    public func permutation(epoch: Int) -> [Int32] {
        var order = (0..<Int32(dataset.trainCount)).map { $0 }
        var generator = SeededGenerator(seed: CounterRandom.bits(seed: seed, stream: 0x5348_5546, index: UInt64(epoch)))
        order.shuffle(using: &generator)
        return order
    }

    /// The images at `indices` as a [count, 1, rows, columns] tensor and their labels.
    public func batch(trainIndices indices: ArraySlice<Int32>) -> (images: Tensor, labels: [Int32]) {
        gather(images: dataset.trainImages, labels: dataset.trainLabels, indices: indices)
    }

    /// Test samples `range` as a tensor and their labels.
    public func testBatch(_ range: Range<Int>) -> (images: Tensor, labels: [Int32]) {
        gather(images: dataset.testImages, labels: dataset.testLabels, indices: (Int32(range.lowerBound)..<Int32(range.upperBound)).map { $0 }[...])
    }

    private func gather(images: [UInt8], labels: [UInt8], indices: ArraySlice<Int32>) -> (images: Tensor, labels: [Int32]) {
        let pixels = dataset.pixelsPerImage
        let (scale, offset) = (scale, offset)
        let tensor = Tensor(shape: [indices.count] + sampleShape) { out in
            images.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    let src = source.baseAddress! + Int(index) * pixels
                    let dst = out.baseAddress! + row * pixels
                    for p in 0..<pixels { dst[p] = Float(src[p]) * scale + offset }
                }
            }
        }
        return (tensor, indices.map { Int32(labels[Int($0)]) })
    }
}
