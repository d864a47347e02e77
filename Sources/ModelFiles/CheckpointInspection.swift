import Foundation
import Metrics
import Training

/// What a pruned checkpoint holds, layer by layer: sparsity, N:M compliance and storage
/// per format for every prunable weight (2-D or more), read from a `.safetensors` file
/// (PyTorch's `weight_orig` + `weight_mask` from `torch.nn.utils.prune`, or plain weights
/// whose zeros count as pruned) or from a prunetop checkpoint (its masks).
public struct CheckpointInspection: Sendable {
    public enum Format: String, Sendable {
        case safetensors
        case prunetopCheckpoint = "prunetop checkpoint"
    }

    /// Where a layer's mask came from.
    public enum MaskSource: String, Sendable {
        /// `X.weight_orig` and `X.weight_mask` (torch.nn.utils.prune).
        case torchPruneMask = "weight_mask"
        /// A plain weight: its zeros.
        case zeros
        /// A prunetop checkpoint's mask.
        case prunetopMask = "prunetop mask"
    }

    public struct Layer: Sendable {
        /// The weight's name as PyTorch would call it ("fc1.weight", also for weight_orig).
        public var name: String
        public var shape: [Int]
        public var maskSource: MaskSource
        /// Kept weights (by the mask and not zero) in the GEMM view, and the widest gap between them.
        public var extent: SparseTensorExtent
        public var nm: [NMCompliance]
        /// Every format's cost with 32-bit values.
        public var storage: [StorageCost]
        public var speedup: LayerSpeedup?

        public var keptCount: Int { extent.nonzeroCount }
        public var elementCount: Int { shape.reduce(1, *) }
        public var sparsity: Double { elementCount == 0 ? 0 : 1 - Double(keptCount) / Double(elementCount) }
        /// The GEMM view: rows (outputs) x columns (inputs x kernel taps).
        public var rows: Int { shape[0] }
        public var columns: Int { elementCount / max(shape[0], 1) }
    }

    public var file: String
    public var format: Format
    public var layers: [Layer]
    /// Tensors that are not prunable weights (biases, batch norm, masks not counted), and their values.
    public var otherTensorCount: Int
    public var otherParameterCount: Int
    /// The operand width the speedups were measured with; nil when not measured.
    public var operandColumns: Int?

    public var prunableCount: Int { layers.reduce(0) { $0 + $1.elementCount } }
    public var keptCount: Int { layers.reduce(0) { $0 + $1.keptCount } }
    public var sparsity: Double { prunableCount == 0 ? 0 : 1 - Double(keptCount) / Double(prunableCount) }

    /// The whole model's prunable weights in each one format, 32-bit values.
    public var storage: [StorageCost] {
        StorageFormats.modelCosts(layers.map(\.extent), valueBits: 32)
    }
    public var bestPerLayerBits: Int { StorageFormats.bestPerLayerBits(layers.map(\.extent), valueBits: 32) }

    /// Σ dense time over Σ sparse-kernel time over the measured layers, and the same with
    /// the kernel used only on the layers where it wins.
    public var speedupAllSparse: Double? {
        let measured = layers.compactMap(\.speedup)
        guard !measured.isEmpty else { return nil }
        return measured.reduce(0) { $0 + $1.denseSeconds } / measured.reduce(0) { $0 + $1.sparseSeconds }
    }
    public var speedupWhereFaster: Double? {
        let measured = layers.compactMap(\.speedup)
        guard !measured.isEmpty else { return nil }
        return measured.reduce(0) { $0 + $1.denseSeconds } / measured.reduce(0) { $0 + min($1.denseSeconds, $1.sparseSeconds) }
    }

    /// N:M patterns checked by default.
    public static let defaultPatterns = [(n: 2, m: 4)]

    // MARK: Reading

    public struct Options: Sendable {
        public var patterns: [(n: Int, m: Int)]
        /// Columns of the operand each weight is multiplied by when timing; nil: no timing.
        public var operandColumns: Int?

        public init(patterns: [(n: Int, m: Int)] = CheckpointInspection.defaultPatterns, operandColumns: Int? = 256) {
            self.patterns = patterns
            self.operandColumns = operandColumns
        }
    }

    /// Reads `path`: a prunetop checkpoint (by its magic) or a safetensors file.
    public static func inspect(path: String, options: Options = Options()) throws -> CheckpointInspection {
        if try isPrunetopCheckpoint(path) {
            let network = try CheckpointNetwork(checkpoint: Checkpoint.read(from: path))
            let layers = network.model.prunableParameters.map { weight in
                layer(name: weight.name, shape: weight.shape, values: network.effectiveValues(weight), mask: nil,
                      source: .prunetopMask, options: options)
            }
            let others = network.model.parameters.filter { !$0.isPrunable }.map(\.count) + network.model.buffers.map(\.values.count)
            return CheckpointInspection(file: path, format: .prunetopCheckpoint, layers: layers, otherTensorCount: others.count,
                                        otherParameterCount: others.reduce(0, +), operandColumns: options.operandColumns)
        }
        let file = try SafetensorsFile(path: path)
        let contents = try PrunableWeights(file)
        let layers = contents.weights.map { weight in
            layer(name: weight.name, shape: weight.values.shape, values: file.floats(weight.values), mask: weight.mask.map(file.floats),
                  source: weight.mask == nil ? .zeros : .torchPruneMask, options: options)
        }
        let otherTensors = contents.others.count, otherParameters = contents.others.reduce(0) { $0 + $1.elementCount }
        return CheckpointInspection(file: path, format: .safetensors, layers: layers, otherTensorCount: otherTensors,
                                    otherParameterCount: otherParameters, operandColumns: options.operandColumns)
    }

    private static func layer(name: String, shape: [Int], values: [Float], mask: [Float]?, source: MaskSource,
                              options: Options) -> Layer {
        let kept = [Float](unsafeUninitializedCapacity: values.count) { out, initialized in
            values.withUnsafeBufferPointer { w in
                if let mask {
                    mask.withUnsafeBufferPointer { m in for i in 0..<w.count { out[i] = w[i] != 0 && m[i] != 0 ? 1 : 0 } }
                } else {
                    for i in 0..<w.count { out[i] = w[i] != 0 ? 1 : 0 }
                }
            }
            initialized = values.count
        }
        let extent = SparseTensorExtent(mask: kept, shape: shape)
        let speedup = options.operandColumns.flatMap { columns in
            LayerSpeedup.measure(weights: values, mask: kept, rows: shape[0], columns: values.count / max(shape[0], 1),
                                 operandColumns: columns)
        }
        return Layer(name: name, shape: shape, maskSource: source, extent: extent,
                     nm: options.patterns.map { NMCompliance.measure(mask: kept, shape: shape, n: $0.n, m: $0.m) },
                     storage: StorageFormats.costs(extent, valueBits: 32), speedup: speedup)
    }

    /// Whether `path` starts with a prunetop checkpoint's magic; a PyTorch pickle is refused, naming the converter.
    public static func isPrunetopCheckpoint(_ path: String) throws -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SafetensorsError(file: path, offset: nil, key: nil, problem: "cannot open the file: \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let head = Array((try? handle.read(upToCount: max(Checkpoint.magic.count, 9))) ?? Data())
        // A safetensors file's 8-byte header length can start with 0x80 too (a 896-byte
        // header): its JSON header starting at byte 8 tells it from a pickle's opcodes.
        let looksLikeSafetensors = head.count > 8 && head[8] == UInt8(ascii: "{")
        let pickle = head.count >= 2 && head[0] == 0x80 && (2...5).contains(head[1])
        if !looksLikeSafetensors && (head.starts(with: [0x50, 0x4B, 0x03, 0x04]) || pickle) {
            throw SafetensorsError(file: path, offset: 0, key: nil, problem:
                "this is a PyTorch pickle (.pt), not safetensors; convert it with "
                + "`python -m prunetop.convert \(path) OUT.safetensors` (pip install ./python)")
        }
        return Array(head.prefix(Checkpoint.magic.count)) == Checkpoint.magic
    }
}
