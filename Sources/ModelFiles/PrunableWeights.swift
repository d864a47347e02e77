/// A safetensors file's tensors read as a pruned PyTorch state dict: `X_orig` with `X_mask`
/// (what `torch.nn.utils.prune` leaves) is one weight `X` pruned by its mask; any other
/// float tensor of 2 or more dimensions is a weight whose zeros count as pruned; the rest
/// (biases, batch norm, counters) are other tensors.
public struct PrunableWeights {
    public struct Weight {
        /// As PyTorch names the pruned attribute: "fc1.weight" for fc1.weight_orig.
        public var name: String
        public var values: SafetensorsFile.Tensor
        /// Nil for a plain weight.
        public var mask: SafetensorsFile.Tensor?
    }

    public var weights: [Weight] = []
    public var others: [SafetensorsFile.Tensor] = []

    /// Half a prune parametrisation (a mask without its weight or the reverse) and a mask
    /// whose shape is not its weight's are refused, naming the key.
    public init(_ file: SafetensorsFile) throws(SafetensorsError) {
        let byName = Dictionary(file.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func fail(_ tensor: SafetensorsFile.Tensor, _ problem: String) -> SafetensorsError {
            SafetensorsError(file: file.path, offset: file.dataStart + tensor.dataOffsets.lowerBound, key: tensor.name, problem: problem)
        }
        for tensor in file.tensors {
            if tensor.name.hasSuffix("_mask") {
                let stem = String(tensor.name.dropLast("_mask".count))
                guard let weight = byName[stem + "_orig"] else { throw fail(tensor, "a torch.nn.utils.prune mask without its '\(stem)_orig'") }
                guard tensor.shape == weight.shape else {
                    throw fail(tensor, "shape \(tensor.shape); expected \(weight.shape), the shape of '\(weight.name)'")
                }
                continue
            }
            let isWeight = tensor.shape.count >= 2 && [.F32, .F16, .BF16, .F64].contains(tensor.dtype)
            if tensor.name.hasSuffix("_orig") {
                let stem = String(tensor.name.dropLast("_orig".count))
                guard let mask = byName[stem + "_mask"] else { throw fail(tensor, "a torch.nn.utils.prune weight without its '\(stem)_mask'") }
                if isWeight { weights.append(Weight(name: stem, values: tensor, mask: mask)) } else { others.append(tensor) }
            } else if isWeight {
                weights.append(Weight(name: tensor.name, values: tensor, mask: nil))
            } else {
                others.append(tensor)
            }
        }
    }
}
