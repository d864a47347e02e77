/// A data set's training part split in two: `count` training images held out, chosen by
/// the first `count` entries of a seeded shuffle of the training indices, and the rest to
/// train on. The test part is never touched. `dataset` has the rest as its training part
/// and the held-out images as its test part, so a `TrainingSession` on it trains without
/// them and `evaluate()` measures on them.
public struct HeldOutSplit: Sendable {
    /// The held-out images' indices in the original training part, ascending.
    public let heldOutIndices: [Int]
    public let dataset: ImageDataset

    /// The shuffle's own stream, so that it is not the training order's (same seed).
    static let streamSalt: UInt64 = 0x5E45_1717_0000_0001

    public init(_ original: ImageDataset, heldOut count: Int, seed: UInt64) {
        precondition(count > 0 && count < original.trainCount,
                     "HeldOutSplit: \(count) held out of \(original.trainCount) training images")
        var generator = SeededGenerator(seed: seed ^ Self.streamSalt)
        var order = Array(0..<original.trainCount)
        // Fisher-Yates, only as far as the held-out part needs.
        for i in 0..<count {
            let j = i + Int(generator.next() % UInt64(order.count - i))
            order.swapAt(i, j)
        }
        heldOutIndices = order[..<count].sorted()
        var isHeldOut = [Bool](repeating: false, count: original.trainCount)
        for index in heldOutIndices { isHeldOut[index] = true }
        let kept = (0..<original.trainCount).filter { !isHeldOut[$0] }
        func images(_ indices: [Int]) -> [UInt8] {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(indices.count * original.valuesPerImage)
            for index in indices { bytes.append(contentsOf: original.trainImage(index)) }
            return bytes
        }
        dataset = ImageDataset(name: original.name + " (\(count) training images held out)", source: original.source,
                               channels: original.channels, rows: original.rows, columns: original.columns,
                               classCount: original.classCount,
                               trainImages: images(kept), trainLabels: kept.map { original.trainLabels[$0] },
                               testImages: images(heldOutIndices), testLabels: heldOutIndices.map { original.trainLabels[$0] })
    }
}
