import Foundation
import ModelFiles
import Training
import XCTest

/// `prunetop inspect` and `prunetop export --safetensors/--onnx` against real PyTorch and
/// onnxruntime (`PythonEnvironment`), on checkpoints of short real runs.
final class ModelFileCommandTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = PrunetopProcess.temporaryPath("model-files")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    /// A checkpoint of `model` after `steps` steps on the embedded digits, pruned to 80% at step 2
    /// (BN's running statistics moved, masks cut), and the run's log.
    /// `model` is a zoo name, or "custom": the layers the zoo does not use (a strided conv with
    /// bias, batch norm over features, a max pool whose stride differs from its kernel, dropout).
    private func checkpoint(_ model: String, steps: Int = 3) throws -> (checkpoint: String, log: String) {
        let log = path("\(model).jsonl"), checkpoints = path("\(model)-checkpoints")
        var network = ["--model", model]
        if model == "custom" {
            try """
                model:
                  name: custom
                  layers:
                    - {conv: 8, kernel: 3, stride: 2, padding: 1}
                    - batchnorm
                    - relu
                    - {maxpool: 3, stride: 2}
                    - flatten
                    - dense: 32
                    - batchnorm
                    - relu
                    - dropout: 0.5
                    - dense: classes
                """.write(toFile: path("custom.yaml"), atomically: true, encoding: .utf8)
            network = [path("custom.yaml")]
        }
        let run = try PrunetopProcess.run(["run"] + network + ["--data", "embedded", "--epochs", "1", "--batch", "32",
                                           "--method", "magnitude", "--sparsity", "0.8", "--schedule", "oneshot:2",
                                           "--stop-after-steps", "\(steps)", "--checkpoint-every", "\(steps)",
                                           "--checkpoint-dir", checkpoints, "--jsonl", log])
        XCTAssertEqual(run.status, 0, run.standardError)
        return (checkpoints + String(format: "/step-%06d.ckpt", steps), log)
    }

    /// Eight test images of the embedded digits, normalised as the trainer does, written as float32.
    private func inputs() throws -> (values: [Float], file: String) {
        let dataset = DatasetLoader.embeddedDigits()
        let sampler = BatchSampler(dataset: dataset, batchSize: 1, seed: 0)
        let plane = dataset.rows * dataset.columns
        var values: [Float] = []
        for index in 0..<8 {
            for (position, byte) in dataset.testImage(index).enumerated() {
                let channel = position / plane
                values.append(Float(byte) * sampler.scales[channel] + sampler.offsets[channel])
            }
        }
        let file = path("inputs.f32")
        try Data(ProtobufWriter.littleEndianBytes(values)).write(to: URL(fileURLWithPath: file))
        return (values, file)
    }

    /// prunetop's logits for `inputs` from the pruned network in `checkpoint` (masked weights zeroed).
    private func prunetopLogits(_ checkpoint: String, inputs: [Float]) throws -> [Float] {
        let network = try CheckpointNetwork(checkpoint: Checkpoint.read(from: checkpoint))
        for weight in network.model.prunableParameters { weight.value = network.effectiveValues(weight) }
        let input = Tensor(shape: [inputs.count / network.inputShape.reduce(1, *)] + network.inputShape, storage: inputs)
        return network.model.forward(input, isTraining: false).storage
    }

    private func floats(_ file: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        return data.withUnsafeBytes { raw in (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) } }
    }

    private func assertClose(_ a: [Float], _ b: [Float], tolerance: Float, _ message: String, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, message, line: line)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(worst, tolerance, "\(message): largest difference \(worst)", line: line)
        XCTAssertTrue(a.contains { $0 != 0 }, "\(message): all logits zero", line: line)
    }

    private func inspect(_ file: String, _ options: [String] = ["--no-speedup"]) throws -> [String: Any] {
        let result = try PrunetopProcess.run(["inspect", file, "--json"] + options)
        XCTAssertEqual(result.status, 0, result.standardError)
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    private func layers(_ report: [String: Any]) throws -> [String: [String: Any]] {
        let list = try XCTUnwrap(report["layers"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["name"] as! String, $0) })
    }

    func testExportReloadsInTorchWithIdenticalWeightsMasksAndLogits() throws {
        let (values, inputFile) = try inputs()
        for model in ["lenet5", "resnet20", "custom"] {
            let (checkpointPath, _) = try checkpoint(model)
            let exported = path("\(model).safetensors")
            let export = try PrunetopProcess.run(["export", checkpointPath, "--safetensors", exported])
            XCTAssertEqual(export.status, 0, export.standardError)
            _ = try TorchScripts.run(["torch", exported, inputFile, path("\(model)-torch.f32"), path("\(model)-reloaded.safetensors")],
                                     in: directory)

            // What torch holds after custom_from_mask and load_state_dict is the checkpoint, bit for bit.
            let checkpoint = try Checkpoint.read(from: checkpointPath)
            let network = try CheckpointNetwork(checkpoint: checkpoint)
            let reloaded = try SafetensorsFile(path: path("\(model)-reloaded.safetensors"))
            var compared = 0
            for parameter in network.model.parameters {
                let layer = String(parameter.name[..<parameter.name.lastIndex(of: ".")!])
                let torchName = switch parameter.role {
                case .weight: "\(layer).weight_orig"
                case .bias: "\(layer).bias"
                case .scale: "\(layer).weight"
                case .shift: "\(layer).bias"
                }
                let tensor = try XCTUnwrap(reloaded.tensor(named: torchName), "\(model): torch has no \(torchName)")
                XCTAssertEqual(tensor.shape, parameter.shape, torchName)
                XCTAssertEqual(reloaded.floats(tensor), parameter.value, "\(model): \(torchName)")
                if parameter.role == .weight {
                    let mask = try XCTUnwrap(reloaded.tensor(named: "\(layer).weight_mask"))
                    XCTAssertEqual(reloaded.floats(mask), network.masks[parameter.name], "\(model): \(layer).weight_mask")
                    compared += 1
                }
            }
            for buffer in network.model.buffers where !buffer.name.hasSuffix(".passes") {  // dropout's counter is prunetop's own
                let tensor = try XCTUnwrap(reloaded.tensor(named: buffer.name), "\(model): torch has no \(buffer.name)")
                XCTAssertEqual(reloaded.floats(tensor), buffer.values, "\(model): \(buffer.name)")
            }
            XCTAssertEqual(compared, network.model.prunableParameters.count)
            XCTAssertTrue(network.masks.values.contains { $0.contains(0) }, "\(model): the run pruned nothing")

            // The reloaded module computes prunetop's logits.
            assertClose(try floats(path("\(model)-torch.f32")), try prunetopLogits(checkpointPath, inputs: values), tolerance: 1e-5,
                        "\(model): torch vs prunetop")

            // inspect reads prunetop's export: every weight with its mask, counts as the checkpoint's.
            let report = try layers(try inspect(exported))
            XCTAssertEqual(report.count, network.model.prunableParameters.count)
            for weight in network.model.prunableParameters {
                let layer = try XCTUnwrap(report[weight.name], "\(model): inspect has no \(weight.name)")
                XCTAssertEqual(layer["mask"] as? String, "weight_mask")
                XCTAssertEqual(layer["kept"] as? Int, network.effectiveValues(weight).filter { $0 != 0 }.count, weight.name)
                XCTAssertEqual(layer["shape"] as? [Int], weight.shape)
            }
        }
    }

    func testONNXRunsToPrunetopsLogits() throws {
        let (values, inputFile) = try inputs()
        for model in ["lenet300", "lenet5", "resnet20", "custom"] {
            let (checkpointPath, log) = try checkpoint(model)
            let expected = try prunetopLogits(checkpointPath, inputs: values)
            for sparse in [false, true] {
                let onnx = path("\(model)\(sparse ? "-sparse" : "").onnx")
                // From the run log: export takes the last checkpoint it names.
                let export = try PrunetopProcess.run(["export", sparse ? checkpointPath : log, "--onnx", onnx] + (sparse ? ["--onnx-sparse"] : []))
                XCTAssertEqual(export.status, 0, export.standardError)
                let summary = try TorchScripts.run(["onnx", onnx, inputFile, "1,28,28", path("\(model)-ort.f32")], in: directory)
                let facts = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])
                let pruned = try CheckpointNetwork(checkpoint: Checkpoint.read(from: checkpointPath)).masks.values.filter { $0.contains(0) }.count
                XCTAssertGreaterThan(pruned, 0)
                XCTAssertEqual(facts["sparse_initializers"] as? Int, sparse ? pruned : 0, "\(model) \(summary)")
                if model == "resnet20" {
                    XCTAssertEqual(facts["ops"] as? [String], ["Add", "BatchNormalization", "Conv", "Flatten", "Gemm",
                                                               "GlobalAveragePool", "Identity", "Relu"])
                }
                assertClose(try floats(path("\(model)-ort.f32")), expected, tolerance: 1e-5, "\(model)\(sparse ? " sparse" : ""): onnxruntime vs prunetop")
            }
        }
    }

    func testInspectReadsTorchPrunedPlainAndConvertedFiles() throws {
        let expected = try XCTUnwrap(try JSONSerialization.jsonObject(
            with: Data(try TorchScripts.run(["checkpoints", directory], in: directory).utf8)) as? [String: [String: Any]])

        let pruned = try inspect(path("pruned.safetensors"))
        let found = try layers(pruned)
        XCTAssertEqual(Set(found.keys), ["0.weight", "4.weight", "6.weight"])
        for (name, layer) in found {
            XCTAssertEqual(layer["mask"] as? String, "weight_mask", name)
            XCTAssertEqual(layer["kept"] as? Int, expected[name]?["kept"] as? Int, name)
            XCTAssertEqual(layer["shape"] as? [Int], expected[name]?["shape"] as? [Int], name)
        }
        XCTAssertEqual((found["0.weight"]?["sparsity"] as? Double) ?? 0, 0.5, accuracy: 1e-9)
        let compliance = { (name: String) in ((found[name]?["nm"] as? [[String: Any]])?.first?["compliant"] as? Bool) }
        XCTAssertEqual(compliance("6.weight"), true, "the 2:4 mask complies")
        XCTAssertEqual(compliance("4.weight"), false, "a random 90% mask does not")
        // Batch norm (weight, bias, running_mean, running_var, num_batches_tracked) and the three biases.
        XCTAssertEqual(pruned["other_tensors"] as? Int, 8)

        let plain = try layers(try inspect(path("plain.safetensors")))
        XCTAssertEqual(plain["0.weight"]?["mask"] as? String, "zeros")
        XCTAssertEqual(plain["0.weight"]?["kept"] as? Int, expected["plain:0.weight"]?["kept"] as? Int)
        XCTAssertEqual(plain["0.weight"]?["kept"] as? Int, 300)
        XCTAssertEqual(plain["2.weight"]?["kept"] as? Int, 150)

        // A .pt converted with the package's one-line command reads the same.
        let python = try PythonEnvironment.python()
        var environment = PrunetopProcess.cleanEnvironment
        environment["PYTHONPATH"] = PythonEnvironment.packageDirectory.path
        let convert = try PrunetopProcess.run([path("pruned.pt"), path("converted.safetensors")], environment: environment,
                                              launcher: [python.path, "-m", "prunetop.convert"])
        XCTAssertEqual(convert.status, 0, convert.standardError)
        let converted = try layers(try inspect(path("converted.safetensors")))
        XCTAssertEqual(converted.mapValues { $0["kept"] as? Int }, found.mapValues { $0["kept"] as? Int })

        // The speedup is measured when asked: both times positive, per layer and in total.
        let timed = try inspect(path("pruned.safetensors"), ["--columns", "16"])
        XCTAssertEqual(timed["speedup_operand_columns"] as? Int, 16)
        XCTAssertGreaterThan(timed["speedup_all_sparse"] as? Double ?? 0, 0)
        for layer in try layers(timed).values {
            XCTAssertGreaterThan(layer["dense_seconds"] as? Double ?? 0, 0)
            XCTAssertGreaterThan(layer["sparse_seconds"] as? Double ?? 0, 0)
        }
        let text = try PrunetopProcess.run(["inspect", path("pruned.safetensors"), "--no-speedup"])
        XCTAssertEqual(text.status, 0, text.standardError)
        XCTAssertTrue(text.standardOutput.contains("6.weight  10x32"), text.standardOutput)
    }

    func testRefusesPickleBadFilesAndOverwritingInputs() throws {
        try Data([0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0, 0]).write(to: URL(fileURLWithPath: path("model.pt")))
        var huge = Data()
        var length = UInt64(100 << 30).littleEndian
        huge.append(Data(bytes: &length, count: 8))
        huge.append(Data("{}".utf8))
        try huge.write(to: URL(fileURLWithPath: path("huge.safetensors")))
        let cases: [([String], String)] = [
            (["inspect", path("model.pt")], "\(path("model.pt")), byte 0: this is a PyTorch pickle (.pt), not safetensors; "
                + "convert it with `python -m prunetop.convert \(path("model.pt")) OUT.safetensors`"),
            (["inspect", path("huge.safetensors")],
             "\(path("huge.safetensors")), byte 0: the header length says 107374182400 bytes, but only 2 bytes follow it"),
            (["inspect", path("missing.safetensors")], "\(path("missing.safetensors")): cannot open the file"),
            (["inspect", path("model.pt"), "--nm", "4:2"], "--nm: expected patterns such as 2:4 (0 <= N <= M), found '4:2'"),
            (["export", path("huge.safetensors"), "--onnx", path("x.onnx")], "\(path("huge.safetensors")): neither a prunetop checkpoint nor a run log"),
            (["export", path("model.pt"), "--onnx-sparse", "--csv", path("csv")], "--onnx-sparse goes with --onnx FILE"),
        ]
        for (arguments, message) in cases {
            let result = try PrunetopProcess.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "expected «\(message)» in «\(result.standardError)»")
        }

        let (checkpointPath, log) = try checkpoint("lenet300", steps: 2)
        let before = try Data(contentsOf: URL(fileURLWithPath: checkpointPath))
        for arguments in [["export", checkpointPath, "--onnx", checkpointPath], ["export", log, "--safetensors", checkpointPath]] {
            let result = try PrunetopProcess.run(arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains("writing it would destroy it"), result.standardError)
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: checkpointPath)), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("x.onnx")))
    }
}
