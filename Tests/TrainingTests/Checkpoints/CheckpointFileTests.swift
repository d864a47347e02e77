import Foundation
@testable import Training
import XCTest

/// Checkpoint files: a faithful round trip, atomic writes, and a clear refusal of
/// anything that is not an intact checkpoint of this model and data set.
final class CheckpointFileTests: XCTestCase {
    private let dataset = DatasetLoader.embeddedDigits()

    /// A SWAT-M run with Adam (the most kinds of state), 5 steps in, after live changes.
    private func trainedSession() throws -> TrainingSession {
        var config = CheckpointTestSupport.config(SparsityConfig(method: "swat", target: 0.6, options: ["variant": 2, "period": 2]),
                                                  optimizer: .defaultAdam)
        config.seed = UInt64.max - 12_345  // above 2^53: JSON must carry it exactly
        config.learningRateSchedule = LearningRateSchedule(decay: .step(every: 7, gamma: 0.5), warmupSteps: 2)
        config.checkpointEverySteps = 100
        config.checkpointDirectory = "runs/ckpt"
        let session = try TrainingSession(config: config, dataset: dataset)
        for _ in 0..<5 { session.trainStep() }
        session.baseLearningRate = 0.02
        try session.sparsity.setTarget(0.7)
        return session
    }

    private func savedFile(_ session: TrainingSession? = nil) throws -> (path: String, bytes: [UInt8]) {
        let path = try CheckpointTestSupport.temporaryDirectory(self) + "/run.ckpt"
        try Checkpoint(session: session ?? trainedSession()).write(to: path)
        return (path, try CheckpointFile.read(path))
    }

    // MARK: Round trip

    func testEverythingSurvivesARoundTripThroughAFile() throws {
        let session = try trainedSession()
        var progress = TrainerProgress()
        progress.add(TrainingSession.StepResult(loss: 0.75, correct: 90, samples: 128))
        progress.samplesSeen = 640
        progress.trainingSeconds = 1.25
        progress.record(session.evaluate(), atStep: 4)
        progress.evaluations = [EvaluationRecord(step: 2, sparsity: 0, accuracy: 0.5, prunedAccuracy: nil, phase: "dense"),
                                EvaluationRecord(step: 4, sparsity: 0.7, accuracy: 0.625, prunedAccuracy: 0.25, phase: "sparse")]
        progress.compute = TrainingComputeLedger(samples: 640, weightSamples: [640, 320.5], activationSamples: [64, 640], fromStep: 0)
        let recipe = "model: lenet300\nsparsity:\n  method: swat  # SWAT-M\n  name: \"µ-test ✓\"\n"
        let original = Checkpoint(session: session, progress: progress, recipeText: recipe,
                                  overrides: ["sparsity.target=0.7", "lr=0.02"])
        let path = try CheckpointTestSupport.temporaryDirectory(self) + "/round-trip.ckpt"
        try original.write(to: path)

        let read = try Checkpoint.read(from: path)
        XCTAssertEqual(read.file, path)
        XCTAssertEqual(read.config, session.currentConfig)
        XCTAssertEqual(read.config.seed, UInt64.max - 12_345)
        XCTAssertEqual(read.config.learningRate, 0.02, "the base rate as the knob left it")
        XCTAssertEqual(read.config.sparsity.target, 0.7, "the target as the knob left it")
        XCTAssertEqual(read.config.sparsity.budget?.name, "manual", "SWAT-M's own budget, as the engine holds it")
        XCTAssertEqual(read.recipeText, recipe)
        XCTAssertEqual(read.overrides, ["sparsity.target=0.7", "lr=0.02"])
        XCTAssertEqual(read.dataset, Checkpoint.Dataset(dataset))
        XCTAssertEqual(read.step, 5)
        XCTAssertEqual(read.progress.evaluations, progress.evaluations, "the hill's history")
        XCTAssertEqual(read.progress.compute, progress.compute, "the run's training FLOPs so far")
        XCTAssertEqual(read.progress.lastEvaluation?.prunedAccuracy, progress.lastEvaluation?.prunedAccuracy)
        XCTAssertEqual(read.parameters.map(\.name), session.model.parameters.map(\.name))
        XCTAssertEqual(read.parameters.map(\.shape), session.model.parameters.map(\.shape))
        XCTAssertEqual(CheckpointTestSupport.bits(read.parameters.map(\.values)),
                       CheckpointTestSupport.bits(session.model.parameters.map(\.value)))
        XCTAssertEqual(read.sparsity.masks, session.sparsity.masks)
        XCTAssertEqual(read.sparsity.generatorState, session.sparsity.generator.state)
        XCTAssertTrue(read.sparsity.updateRequested)
        XCTAssertEqual(read.sparsity.method, session.sparsity.method.saveState())
        XCTAssertNotNil(try read.sparsity.method.tensors("momentum", counts: session.sparsity.prunable.map(\.count)))
        XCTAssertEqual(read.optimizer, session.optimizer.saveState())
        XCTAssertEqual(try read.optimizer.integer("stepCount"), 5)
        XCTAssertEqual(read.progress.trainLoss, 0.75)
        XCTAssertEqual(read.progress.samplesSeen, 640)
        XCTAssertEqual(read.progress.trainingSeconds, 1.25)
        XCTAssertEqual(read.progress.lastEvaluationStep, 4)
        XCTAssertEqual(read.progress.lastEvaluation, progress.lastEvaluation)
        XCTAssertEqual(try read.encoded(), try original.encoded(), "writing what was read gives the same bytes")

        let restored = try TrainingSession(checkpoint: read, dataset: dataset)
        XCTAssertEqual(restored.step, 5)
        XCTAssertEqual(restored.baseLearningRate, 0.02)
        XCTAssertEqual(restored.sparsity.target, 0.7)
        XCTAssertTrue(restored.sparsity.updateRequested)
    }

    func testEveryKindOfSettingSurvivesTheConfigsJSON() throws {
        let schedules: [SparsitySchedule] = [.constant, .oneShot(atStep: 3), .iterative(rounds: 2, stepsPerRound: 5),
                                             .polynomial(initial: 0.1, beginStep: 1, endStep: 9, frequency: 2, exponent: 1)]
        let budgets = [LayerBudget(.global), LayerBudget(.uniform, keepFirstDense: true), LayerBudget(.erdosRenyi),
                       LayerBudget(.erdosRenyiKernel, minimumDensity: 0.05), LayerBudget(.manual(["fc1.weight": 0.9]))]
        let granularities: [Granularity] = [.weights, .neurons, .nOfM(n: 2, m: 4)]
        let optimizers: [OptimizerConfig] = [.defaultSGD, .defaultAdam, .sgd(momentum: 0, nesterov: false, weightDecay: 0)]
        let rates = [LearningRateSchedule.constant, .cosine, LearningRateSchedule(decay: .cosine(minimumFactor: 0.1))]
        for index in 0..<5 {
            var config = RunConfig()
            config.sparsity = SparsityConfig(method: "magnitude", target: 0.5, schedule: schedules[index % 4],
                                             budget: budgets[index], granularity: granularities[index % 3])
            config.optimizer = optimizers[index % 3]
            config.learningRateSchedule = rates[index % 3]
            config.evaluateEverySteps = index == 0 ? nil : index
            config.stopAfterSteps = index == 1 ? nil : 10 * index + 1
            let data = try JSONEncoder().encode(config)
            XCTAssertEqual(try JSONDecoder().decode(RunConfig.self, from: data), config, String(decoding: data, as: UTF8.self))
        }
    }

    // MARK: Refusals

    /// Where the data of section `name` starts: just after its tag.
    private func start(ofSection name: String, in bytes: [UInt8]) -> Int {
        var tag = BinaryWriter()
        tag.section(name)
        return bytes.firstRange(of: tag.bytes)!.upperBound
    }

    func testATruncatedFileIsRefusedSayingWhereItEnds() throws {
        let (path, bytes) = try savedFile()
        let cuts = [(0, "header"), (5, "header"), (Checkpoint.headerSize + 3, "config"),
                    (start(ofSection: "parameters", in: bytes) + 1000, "parameters"),
                    (start(ofSection: "method state", in: bytes) + 100, "method state"),
                    (start(ofSection: "optimizer state", in: bytes) + 200_000, "optimizer state"),
                    (bytes.count - 1, "end")]
        for (length, section) in cuts {
            try Data(bytes.prefix(length)).write(to: URL(fileURLWithPath: path))
            let error = CheckpointTestSupport.checkpointError { try Checkpoint.read(from: path) }
            guard case let .truncated(file, foundSection, byte, needed, available)? = error else {
                XCTFail("cut at \(length): \(String(describing: error))")
                continue
            }
            XCTAssertEqual(file, path)
            XCTAssertEqual(foundSection, section, "cut at \(length): \(error!)")
            XCTAssertEqual(byte + available, length, "cut at \(length): \(error!)")
            XCTAssertGreaterThan(needed, available)
            XCTAssertTrue("\(error!)".hasPrefix("checkpoint \(path) is truncated: in section '\(section)' at byte "), "\(error!)")
        }
    }

    func testAFileThatIsNotACheckpointIsRefused() throws {
        let path = try CheckpointTestSupport.temporaryDirectory(self) + "/notes.txt"
        try Data("model: lenet300\nepochs: 5\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = CheckpointTestSupport.checkpointError { try Checkpoint.read(from: path) }
        XCTAssertEqual(error, .notACheckpoint(file: path))
        XCTAssertEqual(error.map { "\($0)" }, "\(path) is not a prunetop checkpoint (it does not start with the checkpoint magic bytes)")

        let missing = CheckpointTestSupport.checkpointError { try Checkpoint.read(from: path + ".missing") }
        XCTAssertEqual(missing, .unreadable(file: path + ".missing", reason: "No such file or directory"))
    }

    func testAFlippedByteFailsTheChecksum() throws {
        var (path, bytes) = try savedFile()
        bytes[bytes.count / 2] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = CheckpointTestSupport.checkpointError { try Checkpoint.read(from: path) }
        guard case let .checksumMismatch(file, stored, computed) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(file, path)
        XCTAssertNotEqual(stored, computed)
        XCTAssertTrue("\(error!)".contains("is corrupt: its CRC32 is 0x"), "\(error!)")
    }

    func testAnotherFormatVersionIsRefused() throws {
        var (path, bytes) = try savedFile()
        bytes[Checkpoint.magic.count] = 5  // the version's low byte
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(CheckpointTestSupport.checkpointError { try Checkpoint.read(from: path) },
                       .unsupportedVersion(file: path, found: 5, supported: 4))
    }

    /// A version-1 file (before the compute section) still reads: its run counts training
    /// FLOPs from the step it resumes at.
    func testAVersionOneCheckpointStillReads() throws {
        let session = try trainedSession()
        let (_, current) = try savedFile(session)
        func tag(_ name: String) -> [UInt8] { withUnsafeBytes(of: UInt64(name.utf8.count).littleEndian, Array.init) + Array(name.utf8) }
        func offset(of pattern: [UInt8]) throws -> Int {
            try XCTUnwrap((0...(current.count - pattern.count)).last { current[$0..<($0 + pattern.count)].elementsEqual(pattern) })
        }
        let header = Checkpoint.headerSize
        // Version 4's data content: a flag, channels, rows, columns and classes, four CRC-32s
        // and sizes; and its values at pruning: a flag, then per tensor a count and the floats.
        let contentSize = 1 + 4 * 8 + 4 * (4 + 8), sessionTag = try offset(of: tag("session"))
        let valuesSize = 1 + session.sparsity.masks.reduce(0) { $0 + 8 + 4 * $1.count }
        let methodTag = try offset(of: tag("method state"))
        let payload = Array(current[header..<(sessionTag - contentSize)] + current[sessionTag..<(methodTag - valuesSize)]
                            + current[methodTag..<(try offset(of: tag("compute")))] + current[(try offset(of: tag("end")))...])
        let file = Checkpoint.magic + withUnsafeBytes(of: UInt32(1).littleEndian, Array.init)
            + withUnsafeBytes(of: UInt64(payload.count).littleEndian, Array.init)
            + withUnsafeBytes(of: CRC32.checksum(payload[...]).littleEndian, Array.init) + payload
        let old = try Checkpoint(decoding: file, file: "old.ckpt")
        XCTAssertEqual(old.step, session.step)
        XCTAssertEqual(old.progress.compute, TrainingComputeLedger(tensorCount: 0, fromStep: session.step))
        XCTAssertEqual(old.parameters.map(\.values), try Checkpoint(decoding: current).parameters.map(\.values))
        XCTAssertNil(old.dataset.content, "checked by name and counts only")
        XCTAssertEqual(old.dataset.changes(to: Checkpoint.Dataset(dataset)), [])
    }

    /// A version-3 file (before colour images) has no channels in its data content: it
    /// reads as greyscale, and resumes on the same greyscale data.
    func testAVersionThreeCheckpointReadsAsGreyscale() throws {
        let session = try trainedSession()
        let (_, current) = try savedFile(session)
        var dataTag = BinaryWriter()
        dataTag.section("dataset")
        let section = try XCTUnwrap(current.firstRange(of: dataTag.bytes)).upperBound
        // The name, the two counts and the content flag, then the channels (8 bytes) to drop.
        let channels = section + 8 + dataset.name.utf8.count + 2 * 8 + 1
        XCTAssertEqual(current[channels..<(channels + 8)], [1, 0, 0, 0, 0, 0, 0, 0], "greyscale: 1 channel")
        let payload = Array(current[Checkpoint.headerSize..<channels] + current[(channels + 8)...])
        let file = Checkpoint.magic + withUnsafeBytes(of: UInt32(3).littleEndian, Array.init)
            + withUnsafeBytes(of: UInt64(payload.count).littleEndian, Array.init)
            + withUnsafeBytes(of: CRC32.checksum(payload[...]).littleEndian, Array.init) + payload
        let old = try Checkpoint(decoding: file, file: "v3.ckpt")
        XCTAssertEqual(old.dataset.content?.channels, 1)
        XCTAssertEqual(old.dataset.content, Checkpoint.Dataset.Content(dataset))
        XCTAssertEqual(old.dataset.changes(to: Checkpoint.Dataset(dataset)), [])
        XCTAssertEqual(try TrainingSession(checkpoint: old, dataset: dataset).step, session.step)
    }

    /// Colour data records its channels; data with other channels is named as such.
    func testTheDataContentRecordsChannels() throws {
        func images(_ channels: Int) -> ImageDataset {
            ImageDataset(name: "tiles", source: "memory", channels: channels, rows: 4, columns: 4, classCount: 2,
                         trainImages: [UInt8](repeating: 9, count: 2 * channels * 16), trainLabels: [0, 1],
                         testImages: [UInt8](repeating: 3, count: channels * 16), testLabels: [1])
        }
        let colour = Checkpoint.Dataset(images(3))
        XCTAssertEqual(colour.content?.channels, 3)
        let changes = colour.changes(to: Checkpoint.Dataset(images(1)))
        XCTAssertEqual(changes.first, "its images are 1x4x4 in 2 classes, not 3x4x4 in 2")
        XCTAssertEqual(changes.count, 3, "and the images' bytes differ, train and test: \(changes)")
    }

    /// A damaged length must be refused before it is allocated: a 100 GB tensor in a
    /// file with a valid checksum, and a header claiming a 100 GB payload.
    func testDeclaredLengthsAreCheckedAgainstTheBytesLeftBeforeAllocating() throws {
        var payload = BinaryWriter()
        payload.section("config")
        payload.string(String(decoding: try JSONEncoder().encode(RunConfig()), as: UTF8.self))
        payload.section("provenance")
        payload.bool(false)
        payload.count(0)
        payload.section("dataset")
        payload.string("digits-8x8 (embedded)")
        payload.int(1437)
        payload.int(360)
        payload.bool(false)  // no content fingerprint
        payload.section("session")
        payload.int(0)
        payload.int(0)
        payload.section("parameters")
        payload.count(1)
        payload.string("fc1.weight")
        payload.count(1)
        payload.int(25_000_000_000)
        payload.count(25_000_000_000)  // 100 GB of Float, and no data after it
        var file = BinaryWriter()
        file.raw(Checkpoint.magic)
        file.uint32(Checkpoint.formatVersion)
        file.uint64(UInt64(payload.bytes.count))
        file.uint32(CRC32.checksum(payload.bytes[...]))
        file.raw(payload.bytes)

        let hugeTensor = CheckpointTestSupport.checkpointError { try Checkpoint(decoding: file.bytes, file: "huge.ckpt") }
        XCTAssertEqual(hugeTensor, .truncated(file: "huge.ckpt", section: "parameters", byte: file.bytes.count,
                                              needed: 100_000_000_000, available: 0))

        var hugePayload = file.bytes
        hugePayload.replaceSubrange((Checkpoint.magic.count + 4)..<(Checkpoint.magic.count + 12),
                                    with: withUnsafeBytes(of: UInt64(100_000_000_000).littleEndian, Array.init))
        guard case let .truncated(_, section, _, _, _)? = CheckpointTestSupport.checkpointError({
            try Checkpoint(decoding: hugePayload, file: "huge.ckpt")
        }) else { return XCTFail("a 100 GB payload claim must be refused as truncated") }
        XCTAssertEqual(section, "parameters", "where the data that is there runs out")
    }

    func testACheckpointForAnotherModelOrDataSetIsRefused() throws {
        var checkpoint = Checkpoint(session: try trainedSession())
        checkpoint.file = "lenet300.ckpt"
        checkpoint.config.model = "lenet5"
        let model = CheckpointTestSupport.checkpointError { try TrainingSession(checkpoint: checkpoint, dataset: dataset) }
        XCTAssertEqual(model, .modelMismatch(file: "lenet300.ckpt",
                                             problem: "parameter 1 is fc1.weight in the checkpoint, conv1.weight in lenet5"))
        XCTAssertEqual(model.map { "\($0)" },
                       "checkpoint lenet300.ckpt does not fit the model: parameter 1 is fc1.weight in the checkpoint, conv1.weight in lenet5")

        checkpoint.config.model = "lenet300"
        let fewerClasses = ImageDataset(name: "digits 0-4", source: "test", rows: 28, columns: 28, classCount: 5,
                                        trainImages: dataset.trainImages, trainLabels: dataset.trainLabels.map { $0 % 5 },
                                        testImages: dataset.testImages, testLabels: dataset.testLabels.map { $0 % 5 })
        XCTAssertEqual(CheckpointTestSupport.checkpointError { try TrainingSession(checkpoint: checkpoint, dataset: fewerClasses) },
                       .modelMismatch(file: "lenet300.ckpt", problem: "fc3.weight is [10, 100] in the checkpoint, [5, 100] in lenet300"))

        let otherDigits = ImageDataset(name: "other digits", source: "test", rows: 28, columns: 28, classCount: 10,
                                       trainImages: dataset.trainImages, trainLabels: dataset.trainLabels,
                                       testImages: dataset.testImages, testLabels: dataset.testLabels)
        let data = CheckpointTestSupport.checkpointError { try TrainingSession(checkpoint: checkpoint, dataset: otherDigits) }
        XCTAssertEqual(data.map { "\($0)" }, "checkpoint lenet300.ckpt was trained on digits-8x8 (embedded) (1437 training and "
                       + "360 test images), and the data given differs: it is other digits, not digits-8x8 (embedded) "
                       + "(--allow-data-change resumes on it anyway)")
    }

    /// Data edited in place keeps its name and counts; the checkpoint's fingerprint of its
    /// content still tells, unless the change is allowed.
    func testDataEditedInPlaceIsRefusedUnlessAllowed() throws {
        var checkpoint = Checkpoint(session: try trainedSession())
        checkpoint.file = "run.ckpt"
        var labels = dataset.trainLabels
        labels[7] = (labels[7] + 1) % 10
        let edited = ImageDataset(name: dataset.name, source: dataset.source, rows: dataset.rows, columns: dataset.columns,
                                  classCount: dataset.classCount, trainImages: dataset.trainImages, trainLabels: labels,
                                  testImages: dataset.testImages, testLabels: dataset.testLabels)
        let changes = checkpoint.dataset.changes(to: Checkpoint.Dataset(edited))
        XCTAssertEqual(changes.count, 1)
        XCTAssertTrue(changes[0].hasPrefix("the training labels differ (CRC-32 0x"), changes[0])
        XCTAssertEqual(CheckpointTestSupport.checkpointError { try TrainingSession(checkpoint: checkpoint, dataset: edited) },
                       .datasetMismatch(file: "run.ckpt", checkpoint: checkpoint.dataset.description, changes: changes))
        let allowed = try TrainingSession(checkpoint: checkpoint, dataset: edited, allowingDataChange: true)
        XCTAssertEqual(allowed.step, checkpoint.step)
        // And the content survives the file.
        let read = try Checkpoint(decoding: try checkpoint.encoded())
        XCTAssertEqual(read.dataset.content, Checkpoint.Dataset.Content(dataset))
    }

    func testAMethodStateThatDoesNotFitIsRefusedNamingTheKey() throws {
        let session = try SparsityTestSupport.session(SparsityConfig(method: "taylor", target: 0.5))
        session.trainStep()
        var checkpoint = Checkpoint(session: session)
        checkpoint.sparsity.method = MethodCheckpoint(values: ["updates": .integers([0]), "installedTarget": .doubles([0])])
        XCTAssertEqual(CheckpointTestSupport.checkpointError { try TrainingSession(checkpoint: checkpoint, dataset: dataset) },
                       .malformed(file: "checkpoint", section: "method state", problem: "taylor: 'scores' is missing (expected tensors)"))
    }

    // MARK: Atomic writes

    func testAFailedWriteLeavesThePreviousCheckpointIntact() throws {
        let (path, before) = try savedFile()
        let session = try trainedSession()
        session.trainStep()
        // A file-size limit makes write(2) fail part-way, as a full disk would.
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
        let previousHandler = signal(SIGXFSZ, SIG_IGN)
        var small = limit
        small.rlim_cur = 64 * 1024
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &small)
        let error = CheckpointTestSupport.checkpointError { try Checkpoint(session: session).write(to: path) }
        setrlimit(Int32(RLIMIT_FSIZE.rawValue), &limit)
        signal(SIGXFSZ, previousHandler)

        guard case let .writeFailed(file, reason)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(file, path)
        XCTAssertTrue(reason.hasPrefix("writing "), reason)
        XCTAssertTrue(reason.hasSuffix(": File too large"), reason)
        XCTAssertEqual(try CheckpointFile.read(path), before, "the previous checkpoint is untouched")
        let directory = CheckpointFile.directoryName(path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), ["run.ckpt"], "no temporary file is left")
        XCTAssertEqual(try Checkpoint.read(from: path).step, 5)
    }

    func testWritingWhereNoDirectoryCanBeIsRefused() throws {
        let (path, _) = try savedFile()
        let target = path + "/inside-a-file.ckpt"
        let error = CheckpointTestSupport.checkpointError { try Checkpoint(session: try trainedSession()).write(to: target) }
        XCTAssertEqual(error, .writeFailed(file: target, reason: "cannot create a temporary file in \(path): Not a directory"))
    }
}
