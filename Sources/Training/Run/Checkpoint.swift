import Foundation

/// Everything needed to continue a run exactly where it was, taken between two steps: a
/// run restored from it ends with bitwise the same weights and masks as the uninterrupted
/// run (same machine and BLAS thread count), and its trainer reports the same numbers.
///
/// The data order needs nothing of its own: every epoch's permutation is a function of
/// the seed and the epoch, the batch of a step a function of the step, and its
/// augmentation (if any) a function of the seed, the step and the position in the batch.
///
/// On disk: the magic "PRUNETOPCKPT", the format version (UInt32), the payload's length
/// (UInt64) and CRC-32 (UInt32), then the payload, a fixed sequence of tagged sections
/// (see `encoded`). Everything is little-endian; the run's config is JSON.
public struct Checkpoint: Sendable {
    public static let magic = Array("PRUNETOPCKPT".utf8)
    /// Bumped whenever the layout changes. Version 2 added the "compute" section (the
    /// run's `TrainingComputeLedger`) and the "evaluations" section (the hill's history);
    /// version 1 files are still read: their runs count training FLOPs from the step they
    /// resume at, and their hill starts there. Version 3 added the data set's content
    /// (`Dataset.Content`; older files are checked by its name and counts) and the
    /// sparsity engine's values at pruning (older files: all zero). Version 4 added the
    /// images' channels to the data set's content (older files: 1, greyscale). Other
    /// versions are refused.
    public static let formatVersion: UInt32 = 4
    static let readableVersions: ClosedRange<UInt32> = 1...4
    static let headerSize = magic.count + 4 + 8 + 4

    /// The run's settings as they are now, knob changes included (method, target,
    /// schedule, budget, granularity, base learning rate). Restoring uses them as they
    /// are; settings that only steer the run (startPaused, stopAfterSteps, the checkpoint
    /// settings, threads) may be changed before restoring.
    public var config: RunConfig
    /// Where the run came from, as the caller gave it (a YAML recipe and `--set key=value`
    /// overrides); stored and returned, never interpreted.
    public var recipeText: String?
    public var overrides: [String]
    public var dataset: Dataset
    public var step: Int
    /// The learning-rate schedule reads step - offset (lottery rewinding moves it).
    public var learningRateStepOffset: Int
    /// Every parameter of the model in network order, then its buffers (batch-norm
    /// running statistics, dropout counters).
    public var parameters: [SavedParameter]
    public var sparsity: SparsityEngineCheckpoint
    public var optimizer: MethodCheckpoint
    public var progress: TrainerProgress
    /// The file it was read from, for error messages; nil for one made in memory.
    public var file: String?

    public struct SavedParameter: Sendable, Equatable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
    }

    /// The data set a run trains on: resuming on another would change every batch.
    public struct Dataset: Sendable, Equatable, CustomStringConvertible {
        public var name: String
        public var trainCount: Int
        public var testCount: Int
        /// What the images and labels hold; nil in checkpoints of format 1 and 2, which
        /// are checked by name and counts only.
        public var content: Content?

        /// The data's bytes, so data edited in place (same name and counts) is noticed.
        public struct Content: Sendable, Equatable {
            /// 1 in checkpoints of format 3, which predate colour images.
            public var channels: Int
            public var rows: Int
            public var columns: Int
            public var classCount: Int
            public var trainImages: ContentFingerprint
            public var trainLabels: ContentFingerprint
            public var testImages: ContentFingerprint
            public var testLabels: ContentFingerprint

            public init(_ dataset: ImageDataset) {
                self.init(channels: dataset.channels, rows: dataset.rows, columns: dataset.columns, classCount: dataset.classCount,
                          trainImages: ContentFingerprint(of: dataset.trainImages), trainLabels: ContentFingerprint(of: dataset.trainLabels),
                          testImages: ContentFingerprint(of: dataset.testImages), testLabels: ContentFingerprint(of: dataset.testLabels))
            }

            init(channels: Int, rows: Int, columns: Int, classCount: Int, trainImages: ContentFingerprint,
                 trainLabels: ContentFingerprint, testImages: ContentFingerprint, testLabels: ContentFingerprint) {
                (self.channels, self.rows, self.columns, self.classCount) = (channels, rows, columns, classCount)
                (self.trainImages, self.trainLabels, self.testImages, self.testLabels) = (trainImages, trainLabels, testImages, testLabels)
            }

            /// "28x28", or "3x32x32" when `showingChannels`.
            func imageSize(showingChannels: Bool) -> String {
                (showingChannels ? "\(channels)x" : "") + "\(rows)x\(columns)"
            }

            var parts: [(name: String, fingerprint: ContentFingerprint)] {
                [("the training images", trainImages), ("the training labels", trainLabels),
                 ("the test images", testImages), ("the test labels", testLabels)]
            }
        }

        public init(_ dataset: ImageDataset) {
            self.init(name: dataset.name, trainCount: dataset.trainCount, testCount: dataset.testCount, content: Content(dataset))
        }

        init(name: String, trainCount: Int, testCount: Int, content: Content?) {
            self.name = name
            self.trainCount = trainCount
            self.testCount = testCount
            self.content = content
        }

        public var description: String { "\(name) (\(trainCount) training and \(testCount) test images)" }

        /// How `now` differs from this data set, one phrase each; empty when it is the same.
        public func changes(to now: Dataset) -> [String] {
            var changes: [String] = []
            if now.name != name { changes.append("it is \(now.name), not \(name)") }
            if now.trainCount != trainCount || now.testCount != testCount {
                changes.append("it has \(now.trainCount) training and \(now.testCount) test images, not \(trainCount) and \(testCount)")
            }
            if let content, let current = now.content {
                if (current.channels, current.rows, current.columns, current.classCount)
                    != (content.channels, content.rows, content.columns, content.classCount) {
                    let channels = current.channels != 1 || content.channels != 1
                    changes.append("its images are \(current.imageSize(showingChannels: channels)) in \(current.classCount) classes, "
                                   + "not \(content.imageSize(showingChannels: channels)) in \(content.classCount)")
                }
                for (then, current) in zip(content.parts, current.parts) where then.fingerprint != current.fingerprint {
                    changes.append("\(then.name) differ (\(then.fingerprint) then, \(current.fingerprint) now)")
                }
            }
            return changes
        }
    }

    /// The state of `session` now, with the trainer's running totals and the provenance
    /// to store. Call between steps.
    public init(session: TrainingSession, progress: TrainerProgress = TrainerProgress(),
                recipeText: String? = nil, overrides: [String] = []) {
        config = session.currentConfig
        self.recipeText = recipeText
        self.overrides = overrides
        dataset = Dataset(session.dataset)
        step = session.step
        learningRateStepOffset = session.learningRateStepOffset
        parameters = session.model.parameters.map { SavedParameter(name: $0.name, shape: $0.shape, values: $0.value) }
            + session.model.buffers.map { SavedParameter(name: $0.name, shape: $0.shape, values: $0.values) }
        sparsity = session.sparsity.savedState()
        optimizer = session.optimizer.saveState()
        self.progress = progress
    }

    /// The name used in error messages.
    var fileName: String { file ?? "checkpoint" }

    // MARK: Files

    /// Reads and checks a checkpoint file; throws a `CheckpointError` saying what is wrong.
    public static func read(from path: String) throws -> Checkpoint {
        try Checkpoint(decoding: CheckpointFile.read(path), file: path)
    }

    /// Writes atomically: a failed write throws `CheckpointError.writeFailed` and leaves
    /// any previous file at `path` as it was.
    public func write(to path: String) throws {
        let bytes: [UInt8]
        do {
            bytes = try encoded()
        } catch {
            throw CheckpointError.writeFailed(file: path, reason: "cannot encode the run config: \(error)")
        }
        try CheckpointFile.write(bytes, to: path)
    }

    // MARK: Encoding

    /// The file's bytes.
    public func encoded() throws -> [UInt8] {
        var payload = BinaryWriter()
        payload.section("config")
        payload.string(String(decoding: try Self.jsonEncoder().encode(config), as: UTF8.self))

        payload.section("provenance")
        payload.bool(recipeText != nil)
        if let recipeText { payload.string(recipeText) }
        payload.count(overrides.count)
        for override in overrides { payload.string(override) }

        payload.section("dataset")
        payload.string(dataset.name)
        payload.int(dataset.trainCount)
        payload.int(dataset.testCount)
        payload.bool(dataset.content != nil)
        if let content = dataset.content {
            payload.int(content.channels)
            payload.int(content.rows)
            payload.int(content.columns)
            payload.int(content.classCount)
            for part in content.parts {
                payload.uint32(part.fingerprint.crc32)
                payload.int(part.fingerprint.byteCount)
            }
        }

        payload.section("session")
        payload.int(step)
        payload.int(learningRateStepOffset)

        payload.section("parameters")
        payload.count(parameters.count)
        for parameter in parameters {
            payload.string(parameter.name)
            payload.count(parameter.shape.count)
            for dimension in parameter.shape { payload.int(dimension) }
            payload.floats(parameter.values)
        }

        payload.section("sparsity")
        payload.int(sparsity.step)
        payload.uint64(sparsity.generatorState)
        payload.bool(sparsity.updateRequested)
        payload.bool(sparsity.lastUpdateStep != nil)
        if let lastUpdateStep = sparsity.lastUpdateStep { payload.int(lastUpdateStep) }
        payload.int(sparsity.lastMaskChurn)
        payload.count(sparsity.masks.count)
        for mask in sparsity.masks { payload.floats(mask) }
        payload.bool(sparsity.valuesAtPruning != nil)
        for values in sparsity.valuesAtPruning ?? [] { payload.floats(values) }

        payload.section("method state")
        payload.savedState(sparsity.method)

        payload.section("optimizer state")
        payload.savedState(optimizer)

        payload.section("progress")
        payload.progress(progress)

        payload.section("compute")
        payload.computeLedger(progress.compute)

        payload.section("evaluations")
        payload.count(progress.evaluations.count)
        for record in progress.evaluations {
            payload.int(record.step)
            payload.double(record.sparsity)
            payload.double(record.accuracy)
            payload.bool(record.prunedAccuracy != nil)
            if let pruned = record.prunedAccuracy { payload.double(pruned) }
            payload.string(record.phase.displayName)
        }

        payload.section("end")

        var file = BinaryWriter()
        file.raw(Self.magic)
        file.uint32(Self.formatVersion)
        file.uint64(UInt64(payload.bytes.count))
        file.uint32(CRC32.checksum(payload.bytes[...]))
        file.raw(payload.bytes)
        return file.bytes
    }

    // MARK: Decoding

    /// Checks and decodes a checkpoint file's bytes; `file` names it in errors.
    public init(decoding bytes: [UInt8], file: String = "checkpoint") throws {
        let magic = Self.magic
        guard bytes.count >= magic.count ? bytes.starts(with: magic) : magic.starts(with: bytes) else {
            throw CheckpointError.notACheckpoint(file: file)
        }
        var reader = BinaryReader(bytes, file: file)
        _ = try reader.raw(magic.count)
        let version = try reader.uint32()
        guard Self.readableVersions.contains(version) else {
            throw CheckpointError.unsupportedVersion(file: file, found: version, supported: Self.formatVersion)
        }
        let declaredLength = Int(clamping: try reader.uint64())
        let storedChecksum = try reader.uint32()
        let present = bytes.count - Self.headerSize
        if present < declaredLength {
            // Say where the data runs out: decoding what there is stops there.
            _ = try Self.decodePayload(&reader, version: version)
            throw CheckpointError.truncated(file: file, section: "end", byte: bytes.count,
                                            needed: declaredLength - present, available: 0)
        }
        guard present == declaredLength else {
            throw CheckpointError.malformed(file: file, section: "header", problem:
                "the header declares \(Format.grouped(declaredLength)) bytes of payload, but \(Format.grouped(present)) follow it")
        }
        let computedChecksum = CRC32.checksum(bytes[Self.headerSize...])
        guard computedChecksum == storedChecksum else {
            throw CheckpointError.checksumMismatch(file: file, stored: storedChecksum, computed: computedChecksum)
        }
        self = try Self.decodePayload(&reader, version: version)
        self.file = file
    }

    private static func decodePayload(_ reader: inout BinaryReader, version: UInt32) throws -> Checkpoint {
        try reader.section("config")
        let json = try reader.string()
        let config: RunConfig
        do {
            config = try jsonDecoder().decode(RunConfig.self, from: Data(json.utf8))
        } catch {
            throw reader.malformed("the run config does not decode: \(error)")
        }

        try reader.section("provenance")
        let recipeText = try reader.bool() ? try reader.string() : nil
        var overrides: [String] = []
        for _ in 0..<(try reader.count(elementSize: 8)) { overrides.append(try reader.string()) }

        try reader.section("dataset")
        var dataset = Dataset(name: try reader.string(), trainCount: try reader.natural("the training-set size"),
                              testCount: try reader.natural("the test-set size"), content: nil)
        if version >= 3, try reader.bool() {
            let channels = version >= 4 ? try reader.natural("the image channels") : 1
            let rows = try reader.natural("the image rows"), columns = try reader.natural("the image columns")
            let classes = try reader.natural("the class count")
            var parts: [ContentFingerprint] = []
            for _ in 0..<4 { parts.append(ContentFingerprint(crc32: try reader.uint32(), byteCount: try reader.natural("a data size"))) }
            dataset.content = Dataset.Content(channels: channels, rows: rows, columns: columns, classCount: classes, trainImages: parts[0],
                                              trainLabels: parts[1], testImages: parts[2], testLabels: parts[3])
        }

        try reader.section("session")
        let step = try reader.natural("the step")
        let learningRateStepOffset = try reader.natural("the learning-rate step offset")

        try reader.section("parameters")
        var parameters: [SavedParameter] = []
        for _ in 0..<(try reader.count(elementSize: 24)) {
            let name = try reader.string()
            var shape: [Int] = []
            for _ in 0..<(try reader.count(elementSize: 8)) { shape.append(try reader.natural("a dimension of \(name)")) }
            let values = try reader.floats()
            guard elementCount(shape) == values.count else { throw reader.malformed("\(name) has shape \(shape) but \(values.count) values") }
            parameters.append(SavedParameter(name: name, shape: shape, values: values))
        }

        try reader.section("sparsity")
        let sparsityStep = try reader.natural("the sparsity engine's step")
        let generatorState = try reader.uint64()
        let updateRequested = try reader.bool()
        let lastUpdateStep = try reader.bool() ? try reader.natural("the last mask update's step") : nil
        let lastMaskChurn = try reader.natural("the last mask churn")
        var masks: [[Float]] = []
        for _ in 0..<(try reader.count(elementSize: 8)) { masks.append(try reader.floats()) }
        var valuesAtPruning: [[Float]]?
        if version >= 3, try reader.bool() {
            valuesAtPruning = try masks.map { mask in
                let values = try reader.floats()
                guard values.count == mask.count else {
                    throw reader.malformed("values at pruning: \(values.count) values for a mask of \(mask.count)")
                }
                return values
            }
        }

        try reader.section("method state")
        let methodState = try reader.savedState()

        try reader.section("optimizer state")
        let optimizer = try reader.savedState()

        try reader.section("progress")
        var progress = try reader.progress(version: version)

        if version >= 2 {
            try reader.section("compute")
            progress.compute = try reader.computeLedger()
            try reader.section("evaluations")
            for _ in 0..<(try reader.count(elementSize: 33)) {
                let step = try reader.natural("an evaluation's step")
                let sparsity = try reader.double(), accuracy = try reader.double()
                let pruned = try reader.bool() ? try reader.double() : nil
                let phase = try reader.string()
                guard (0...1).contains(sparsity), (0...1).contains(accuracy), pruned.map({ (0...1).contains($0) }) ?? true else {
                    throw reader.malformed("an evaluation at step \(step) has sparsity \(sparsity) and accuracy \(accuracy)")
                }
                progress.evaluations.append(EvaluationRecord(step: step, sparsity: sparsity, accuracy: accuracy,
                                                             prunedAccuracy: pruned, phase: TrainingPhase(displayName: phase)))
            }
        } else {
            progress.compute = TrainingComputeLedger(tensorCount: 0, fromStep: step)
        }

        try reader.section("end")
        guard reader.isAtEnd else { throw reader.malformed("\(reader.remaining) bytes follow the last section") }

        var checkpoint = Checkpoint(
            config: config, recipeText: recipeText, overrides: overrides, dataset: dataset, step: step,
            learningRateStepOffset: learningRateStepOffset, parameters: parameters,
            sparsity: SparsityEngineCheckpoint(step: sparsityStep, masks: masks, generatorState: generatorState,
                                          updateRequested: updateRequested, lastUpdateStep: lastUpdateStep,
                                          lastMaskChurn: lastMaskChurn, method: methodState, valuesAtPruning: valuesAtPruning),
            optimizer: optimizer, progress: progress)
        checkpoint.file = reader.file
        return checkpoint
    }

    private init(config: RunConfig, recipeText: String?, overrides: [String], dataset: Dataset, step: Int,
                 learningRateStepOffset: Int, parameters: [SavedParameter], sparsity: SparsityEngineCheckpoint,
                 optimizer: MethodCheckpoint, progress: TrainerProgress) {
        self.config = config
        self.recipeText = recipeText
        self.overrides = overrides
        self.dataset = dataset
        self.step = step
        self.learningRateStepOffset = learningRateStepOffset
        self.parameters = parameters
        self.sparsity = sparsity
        self.optimizer = optimizer
        self.progress = progress
    }

    /// The number of elements of a tensor of this shape; nil when it overflows.
    private static func elementCount(_ shape: [Int]) -> Int? {
        var product = 1
        for dimension in shape {
            let (result, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            product = result
        }
        return product
    }

    private static func jsonEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return encoder
    }

    private static func jsonDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return decoder
    }
}

// MARK: Sections made of several values

private enum StateKind: UInt8 {
    case tensors = 0, integers = 1, doubles = 2, flag = 3
}

private extension BinaryWriter {
    mutating func savedState(_ state: MethodCheckpoint) {
        count(state.values.count)
        for key in state.values.keys.sorted() {
            string(key)
            switch state.values[key]! {
            case let .tensors(tensors):
                uint8(StateKind.tensors.rawValue)
                count(tensors.count)
                for tensor in tensors { floats(tensor) }
            case let .integers(integers):
                uint8(StateKind.integers.rawValue)
                count(integers.count)
                for integer in integers { int(integer) }
            case let .doubles(doubles):
                uint8(StateKind.doubles.rawValue)
                count(doubles.count)
                for double in doubles { self.double(double) }
            case let .flag(flag):
                uint8(StateKind.flag.rawValue)
                bool(flag)
            }
        }
    }

    mutating func computeLedger(_ ledger: TrainingComputeLedger) {
        int(ledger.fromStep)
        double(ledger.samples)
        count(ledger.weightSamples.count)
        for (weights, activations) in zip(ledger.weightSamples, ledger.activationSamples) {
            double(weights)
            double(activations)
        }
    }

    mutating func progress(_ progress: TrainerProgress) {
        double(progress.lossSinceEvaluation)
        int(progress.correctSinceEvaluation)
        int(progress.samplesSinceEvaluation)
        int(progress.stepsSinceEvaluation)
        int(progress.samplesSeen)
        double(progress.trainingSeconds)
        guard let evaluation = progress.lastEvaluation, let step = progress.lastEvaluationStep else { return bool(false) }
        bool(true)
        int(step)
        double(evaluation.accuracy)
        double(evaluation.loss)
        byteArray(evaluation.predictions)
        count(evaluation.activationZeros.count)
        for zeros in evaluation.activationZeros {
            string(zeros.layer)
            int(zeros.elements)
            int(zeros.zeros)
        }
        bool(evaluation.prunedAccuracy != nil)
        if let pruned = evaluation.prunedAccuracy { double(pruned) }
    }
}

private extension BinaryReader {
    mutating func savedState() throws -> MethodCheckpoint {
        var values: [String: MethodCheckpoint.Value] = [:]
        for _ in 0..<(try count(elementSize: 9)) {
            let key = try string()
            guard values[key] == nil else { throw malformed("'\(key)' appears twice") }
            let kind = try uint8()
            switch StateKind(rawValue: kind) {
            case .tensors:
                var tensors: [[Float]] = []
                for _ in 0..<(try count(elementSize: 8)) { tensors.append(try floats()) }
                values[key] = .tensors(tensors)
            case .integers:
                var integers: [Int] = []
                for _ in 0..<(try count(elementSize: 8)) { integers.append(try int()) }
                values[key] = .integers(integers)
            case .doubles:
                var doubles: [Double] = []
                for _ in 0..<(try count(elementSize: 8)) { doubles.append(try double()) }
                values[key] = .doubles(doubles)
            case .flag:
                values[key] = .flag(try bool())
            case nil:
                throw malformed("'\(key)' has an unknown kind of value (\(kind))")
            }
        }
        return MethodCheckpoint(values: values)
    }

    mutating func computeLedger() throws -> TrainingComputeLedger {
        let fromStep = try natural("the step the compute count starts at")
        let samples = try double()
        guard samples.isFinite && samples >= 0 else { throw malformed("the compute count's samples are \(samples)") }
        var weights: [Double] = [], activations: [Double] = []
        for _ in 0..<(try count(elementSize: 16)) {
            let (w, a) = (try double(), try double())
            guard w.isFinite, a.isFinite, (0...samples).contains(w), (0...samples).contains(a) else {
                throw malformed("a compute count is outside 0...\(samples): \(w), \(a)")
            }
            weights.append(w)
            activations.append(a)
        }
        return TrainingComputeLedger(samples: samples, weightSamples: weights, activationSamples: activations, fromStep: fromStep)
    }

    mutating func progress(version: UInt32) throws -> TrainerProgress {
        var progress = TrainerProgress()
        progress.lossSinceEvaluation = try double()
        progress.correctSinceEvaluation = try natural("the correct count since the last evaluation")
        progress.samplesSinceEvaluation = try natural("the sample count since the last evaluation")
        progress.stepsSinceEvaluation = try natural("the step count since the last evaluation")
        progress.samplesSeen = try natural("the samples seen")
        progress.trainingSeconds = try double()
        guard try bool() else { return progress }
        let step = try natural("the last evaluation's step")
        let accuracy = try double(), loss = try double()
        let predictions = try byteArray()
        var zeros: [ActivationZeroCount] = []
        for _ in 0..<(try count(elementSize: 24)) {
            zeros.append(ActivationZeroCount(layer: try string(), elements: try natural("an activation count"),
                                             zeros: try natural("an activation zero count")))
        }
        let prunedAccuracy = try version >= 2 && bool() ? try double() : nil
        progress.record(TrainingSession.Evaluation(accuracy: accuracy, loss: loss, activationZeros: zeros,
                                                   predictions: predictions, prunedAccuracy: prunedAccuracy), atStep: step)
        return progress
    }
}
