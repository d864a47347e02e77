/// Random crops with zero padding and horizontal flips of the training images, the usual
/// CIFAR augmentation (He et al. 2016, arXiv:1512.03385, §4.2: "4 pixels are padded on each
/// side, and a 32×32 crop is randomly sampled from the padded image or its horizontal
/// flip"; torchvision's `RandomCrop(32, padding=4)` then `RandomHorizontalFlip()`).
///
/// Only the batches of training steps are augmented (`BatchSampler.trainingBatch`); test
/// batches and the batches methods draw to score weights (SNIP, ...) never are.
///
/// Padding value: the padded pixels are 0, black, *before* normalisation, as torchvision
/// pads the image before `Normalize`; normalised, they are each channel's -mean/std (not 0).
///
/// Determinism: the crop and flip of a sample are a pure function of the seed, the step and
/// the sample's position in the step's batch (`CounterRandom`), so the same run, or one
/// resumed from a checkpoint, sees bitwise the same batches.
public struct DataAugmentation: Sendable, Equatable, Codable {
    /// Pixels of padding on each side: the crop's offset is uniform in -padding...padding
    /// on each axis, independently.
    public var padding: Int
    /// Mirror left-right with probability 1/2 (after cropping).
    public var horizontalFlip: Bool

    public init(padding: Int, horizontalFlip: Bool) {
        self.padding = padding
        self.horizontalFlip = horizontalFlip
    }

    /// 4 pixels of padding and flips: what `augment: true` turns on.
    public static let standard = DataAugmentation(padding: 4, horizontalFlip: true)

    /// The most padding a config may ask for.
    public static let maximumPadding = 64

    /// What happens to one sample: output pixel (c, y, x) is input pixel
    /// (c, y + rowShift, x' + columnShift), x' = columns - 1 - x when flipped, else x;
    /// a pixel outside the input is 0 (before normalisation).
    public struct Draw: Sendable, Equatable {
        public var rowShift: Int
        public var columnShift: Int
        public var flipped: Bool

        public init(rowShift: Int, columnShift: Int, flipped: Bool) {
            self.rowShift = rowShift
            self.columnShift = columnShift
            self.flipped = flipped
        }

        public static let identity = Draw(rowShift: 0, columnShift: 0, flipped: false)
    }

    /// The random stream of augmentation draws ("AUGM").
    static let stream: UInt64 = 0x4155_474D

    /// The draw of the sample at `position` in the batch of training step `step`, for a run
    /// with `seed` and `batchSize`: one 64-bit counter-based value, indexed by the sample's
    /// place in the run (step x batch size + position).
    public func draw(seed: UInt64, step: Int, position: Int, batchSize: Int) -> Draw {
        let index = UInt64(step) &* UInt64(batchSize) &+ UInt64(position)
        let bits = CounterRandom.bits(seed: seed, stream: Self.stream, index: index)
        let choices = UInt64(2 * max(padding, 0) + 1)
        // Separate bit fields: 24 bits for each offset, the top bit for the flip.
        return Draw(rowShift: Int((bits & 0xFF_FFFF) % choices) - padding,
                    columnShift: Int((bits >> 24 & 0xFF_FFFF) % choices) - padding,
                    flipped: horizontalFlip && bits >> 63 == 1)
    }
}
