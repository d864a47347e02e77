/// Turns a data set's UInt8 images into normalised Float batches. The training order is
/// a seeded permutation per epoch; the last partial batch of an epoch is dropped.
public struct BatchSampler: Sendable {
    public let dataset: ImageDataset
    public let batchSize: Int
    public let seed: UInt64
    /// Per channel: normalised value = byte * scale + offset, i.e. (byte/255 - mean) / std
    /// with the mean and standard deviation of that channel over the training images.
    /// One channel (greyscale) gives exactly the numbers of the single-channel sampler
    /// this replaced.
    public let scales: [Float]
    public let offsets: [Float]
    /// Crops and flips of the training steps' batches; nil: none.
    public let augmentation: DataAugmentation?

    public init(dataset: ImageDataset, batchSize: Int, seed: UInt64, augmentation: DataAugmentation? = nil) {
        precondition(batchSize > 0 && batchSize <= dataset.trainCount)
        precondition(augmentation.map { (0...DataAugmentation.maximumPadding).contains($0.padding) } ?? true)
        self.dataset = dataset
        self.batchSize = batchSize
        self.seed = seed
        self.augmentation = augmentation
        let normalization = Self.normalization(for: dataset.trainImages, channels: dataset.channels,
                                               planeSize: dataset.rows * dataset.columns)
        scales = normalization.map(\.scale)
        offsets = normalization.map(\.offset)
    }

    public var stepsPerEpoch: Int { dataset.trainCount / batchSize }
    public var sampleShape: [Int] { dataset.sampleShape }

    /// Each channel's (scale, offset) from its bytes over all `images` (CHW, planes of
    /// `planeSize` bytes).
    static func normalization(for images: [UInt8], channels: Int, planeSize: Int) -> [(scale: Float, offset: Float)] {
        // Channel c's count of byte value v is at c * 256 + v.
        var counts = [Int](repeating: 0, count: channels * 256)
        let imageSize = channels * planeSize
        counts.withUnsafeMutableBufferPointer { counts in
            images.withUnsafeBufferPointer { bytes in
                for image in stride(from: 0, to: bytes.count, by: imageSize) {
                    for channel in 0..<channels {
                        let plane = image + channel * planeSize, base = channel * 256
                        for p in plane..<(plane + planeSize) { counts[base + Int(bytes[p])] += 1 }
                    }
                }
            }
        }
        let histograms = (0..<channels).map { Array(counts[($0 * 256)..<(($0 + 1) * 256)]) }
        let count = Double(max(images.count / channels, 1))
        return histograms.map { histogram in
            let mean = histogram.enumerated().reduce(0.0) { $0 + Double($1.offset) / 255 * Double($1.element) } / count
            let variance = histogram.enumerated().reduce(0.0) {
                let d = Double($1.offset) / 255 - mean
                return $0 + d * d * Double($1.element)
            } / count
            let std = max(variance.squareRoot(), 1e-6)
            return (Float(1 / (255 * std)), Float(-mean / std))
        }
    }

    /// The order in which epoch `epoch` visits the training samples.
    public func permutation(epoch: Int) -> [Int32] {
        var order = (0..<Int32(dataset.trainCount)).map { $0 }
        var generator = SeededGenerator(seed: CounterRandom.bits(seed: seed, stream: 0x5348_5546, index: UInt64(epoch)))
        order.shuffle(using: &generator)
        return order
    }

    /// The batch of training step `step`, its samples `indices` in order: augmented when
    /// `augmentation` is set (the draws a function of the seed, the step and the position
    /// in the batch), else the same as `batch(trainIndices:)`.
    public func trainingBatch(step: Int, indices: ArraySlice<Int32>) -> (images: Tensor, labels: [Int32]) {
        var batch = (images: Tensor.empty, labels: [Int32]())
        trainingBatch(step: step, indices: indices, into: &batch)
        return batch
    }

    /// `trainingBatch(step:indices:)` written into `batch`, whose storage is reused when it
    /// has the shape and nobody else holds it (a training loop keeps its batches).
    public func trainingBatch(step: Int, indices: ArraySlice<Int32>, into batch: inout (images: Tensor, labels: [Int32])) {
        gather(images: dataset.trainImages, labels: dataset.trainLabels, indices: indices,
               augmentedStep: augmentation == nil ? nil : step, into: &batch)
    }

    /// The training images at `indices` as a [count, channels, rows, columns] tensor and
    /// their labels, never augmented.
    public func batch(trainIndices indices: ArraySlice<Int32>) -> (images: Tensor, labels: [Int32]) {
        var batch = (images: Tensor.empty, labels: [Int32]())
        gather(images: dataset.trainImages, labels: dataset.trainLabels, indices: indices, augmentedStep: nil, into: &batch)
        return batch
    }

    /// Test samples `range` as a tensor and their labels, never augmented.
    public func testBatch(_ range: Range<Int>) -> (images: Tensor, labels: [Int32]) {
        var batch = (images: Tensor.empty, labels: [Int32]())
        gather(images: dataset.testImages, labels: dataset.testLabels,
               indices: (Int32(range.lowerBound)..<Int32(range.upperBound)).map { $0 }[...], augmentedStep: nil, into: &batch)
        return batch
    }

    /// The images at `indices` into `batch` (augmented with the draws of `augmentedStep`
    /// unless nil) and their labels; every value is written.
    private func gather(images: [UInt8], labels: [UInt8], indices: ArraySlice<Int32>, augmentedStep: Int?,
                        into batch: inout (images: Tensor, labels: [Int32])) {
        let values = dataset.valuesPerImage
        let (channels, rows, columns) = (dataset.channels, dataset.rows, dataset.columns)
        let plane = rows * columns
        let (scales, offsets) = (scales, offsets)
        let (seed, batchSize, augmentation) = (seed, batchSize, augmentation)
        let shape = batch.images.shape
        if !(shape.count == 4 && shape[0] == indices.count && shape[1] == channels && shape[2] == rows && shape[3] == columns) {
            batch.images = Tensor(shape: [indices.count] + sampleShape)
        }
        batch.images.storage.withUnsafeMutableBufferPointer { out in
            images.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    let src = source.baseAddress! + Int(index) * values
                    let dst = out.baseAddress! + row * values
                    guard let step = augmentedStep, let augmentation,
                          case let draw = augmentation.draw(seed: seed, step: step, position: row, batchSize: batchSize),
                          draw != .identity else {
                        for c in 0..<channels {
                            let (scale, offset) = (scales[c], offsets[c])
                            let (from, to) = (src + c * plane, dst + c * plane)
                            for p in 0..<plane { to[p] = Float(from[p]) * scale + offset }
                        }
                        continue
                    }
                    for c in 0..<channels {
                        let (scale, offset) = (scales[c], offsets[c])
                        for y in 0..<rows {
                            let to = dst + c * plane + y * columns
                            let sourceRow = y + draw.rowShift
                            guard (0..<rows).contains(sourceRow) else {
                                for x in 0..<columns { to[x] = offset }
                                continue
                            }
                            let from = src + c * plane + sourceRow * columns
                            for x in 0..<columns {
                                let sourceColumn = (draw.flipped ? columns - 1 - x : x) + draw.columnShift
                                to[x] = (0..<columns).contains(sourceColumn) ? Float(from[sourceColumn]) * scale + offset : offset
                            }
                        }
                    }
                }
            }
        }
        if batch.labels.count != indices.count { batch.labels = [Int32](repeating: 0, count: indices.count) }
        for (row, index) in indices.enumerated() { batch.labels[row] = Int32(labels[Int(index)]) }
    }
}
