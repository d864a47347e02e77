/// Which units of the prunable layers still lie on a path from the network input to its
/// output through active weights (kept by the mask and non-zero).
///
/// RigL's MNIST code (`get_compressed_fc` in rigl/mnist/mnist_train_eval.py) removes
/// neurons without incoming edges and, one layer ahead only, neurons without outgoing
/// edges. Here the rule is exact: one forward pass marks every unit reachable from some
/// network input, one backward pass marks every unit from which some network output is
/// reachable, and a weight is *effective* iff it is active, its input unit is reachable
/// and its output unit reaches the output. The chain is acyclic, so one pass each way is
/// the fixed point; no iteration is needed.
///
/// The layers need not form a chain: each reads the output units of its `sources` (the
/// network description's `unitLinks`). Residual sums tie channels: a summed channel is live
/// when any of the tensors feeding it is (a union), and an identity shortcut carries a
/// channel past the block, so a conv whose own path died still counts as cut off only if
/// the sum's channel is dead too. Without links, each layer reads the one before it.
///
/// Units are neurons for Dense layers and channels for Conv2D layers (a coarsening: a
/// channel counts as live when any of its kernels is, whatever the spatial position).
/// Between two convolutions the channels map one to one (ReLU and max-pooling keep
/// channels); a Flatten maps channel `c` of a [C, H, W] map to the Dense input columns
/// `c*H*W ..< (c+1)*H*W`, as NCHW storage lays it out.
///
/// A neuron with no live incoming path still outputs the constant relu(b). Its outgoing
/// weights add a constant to the next layer that could be folded into that layer's
/// bias, so they are counted as ineffective, as RigL's compression does.
struct LiveConnectivity {
    struct Layer {
        var name: String
        var shape: PrunableLayerShape
        /// Per weight: kept by the mask and non-zero.
        var active: [Bool]
        /// Per (output unit, input unit): any weight of the kernel active.
        var connected: [Bool]
    }

    let layers: [Layer]
    /// Per layer: the layers whose output units are its input units (empty: the network input).
    let sources: [[Int]]
    /// Per layer: the layers reading its output units (empty: it gives the network output).
    let consumers: [[Int]]
    /// Input units of layer l per output unit of a source (1, or H*W after a Flatten).
    let inputsPerSourceUnit: [Int]
    /// Per layer, per input unit: reachable from the network input.
    private(set) var reachableInputs: [[Bool]] = []
    /// Per layer, per output unit: reachable from the network input.
    private(set) var reachableOutputs: [[Bool]] = []
    /// Per layer, per output unit: some network output is reachable from it.
    private(set) var outputReachingOutputs: [[Bool]] = []
    /// Per layer, per input unit: some network output is reachable from it.
    private(set) var outputReachingInputs: [[Bool]] = []

    /// The layers read as a chain, each fed by the one before it.
    init(_ layers: [Layer]) throws(LayerChainError) {
        guard !layers.isEmpty else { throw .empty }
        var ratios = [1]
        for (previous, next) in zip(layers, layers.dropFirst()) {
            let outputs = previous.shape.outputUnits, inputs = next.shape.inputUnits
            if inputs == outputs {
                ratios.append(1)
            } else if previous.shape.isConvolution, !next.shape.isConvolution, outputs > 0, inputs % outputs == 0 {
                ratios.append(inputs / outputs)
            } else {
                throw .mismatch(from: previous.name, to: next.name, outputs: outputs, inputs: inputs)
            }
        }
        try self.init(layers, sources: layers.indices.map { $0 == 0 ? [] : [$0 - 1] }, inputsPerSourceUnit: ratios)
    }

    /// The layers with their links (`NetworkDescription.unitLinks`): every source comes
    /// before the layer it feeds, and its output units times `inputsPerSourceUnit` are
    /// that layer's input units.
    init(_ layers: [Layer], sources: [[Int]], inputsPerSourceUnit: [Int]) throws(LayerChainError) {
        guard !layers.isEmpty else { throw .empty }
        guard sources.count == layers.count, inputsPerSourceUnit.count == layers.count else {
            throw .linksMismatch(layers: layers.count, links: sources.count)
        }
        var consumers = [[Int]](repeating: [], count: layers.count)
        for (l, layerSources) in sources.enumerated() {
            for s in layerSources {
                let outputs = s < l ? layers[s].shape.outputUnits * inputsPerSourceUnit[l] : -1
                guard s >= 0, outputs == layers[l].shape.inputUnits else {
                    throw .mismatch(from: s >= 0 && s < layers.count ? layers[s].name : "layer \(s)", to: layers[l].name,
                                    outputs: max(outputs, 0), inputs: layers[l].shape.inputUnits)
                }
                consumers[s].append(l)
            }
        }
        self.layers = layers
        self.sources = sources
        self.consumers = consumers
        self.inputsPerSourceUnit = inputsPerSourceUnit
        propagateForward()
        propagateBackward()
    }

    private mutating func propagateForward() {
        for (l, layer) in layers.enumerated() {
            let inputs = layer.shape.inputUnits, outputs = layer.shape.outputUnits
            let reachable: [Bool]
            if sources[l].isEmpty {
                reachable = [Bool](repeating: true, count: inputs)
            } else {
                let ratio = inputsPerSourceUnit[l]
                reachable = (0..<inputs).map { i in sources[l].contains { reachableOutputs[$0][i / ratio] } }
            }
            var out = [Bool](repeating: false, count: outputs)
            for o in 0..<outputs {
                let row = o * inputs
                for i in 0..<inputs where reachable[i] && layer.connected[row + i] {
                    out[o] = true
                    break
                }
            }
            reachableInputs.append(reachable)
            reachableOutputs.append(out)
        }
    }

    private mutating func propagateBackward() {
        var outputsReaching = [[Bool]](repeating: [], count: layers.count)
        var inputsReaching = [[Bool]](repeating: [], count: layers.count)
        for l in layers.indices.reversed() {
            let layer = layers[l], inputs = layer.shape.inputUnits, outputs = layer.shape.outputUnits
            if consumers[l].isEmpty {
                outputsReaching[l] = [Bool](repeating: true, count: outputs)
            } else {
                outputsReaching[l] = (0..<outputs).map { unit in
                    consumers[l].contains { c in
                        let ratio = inputsPerSourceUnit[c]
                        return inputsReaching[c][(unit * ratio)..<((unit + 1) * ratio)].contains(true)
                    }
                }
            }
            var reaching = [Bool](repeating: false, count: inputs)
            for o in 0..<outputs where outputsReaching[l][o] {
                let row = o * inputs
                for i in 0..<inputs where layer.connected[row + i] { reaching[i] = true }
            }
            inputsReaching[l] = reaching
        }
        outputReachingOutputs = outputsReaching
        outputReachingInputs = inputsReaching
    }

    /// Active weights of layer l on a live input-to-output path.
    func effectiveCount(_ l: Int) -> Int {
        let layer = layers[l], inputs = layer.shape.inputUnits, area = layer.shape.kernelArea
        var count = 0
        for o in 0..<layer.shape.outputUnits where outputReachingOutputs[l][o] {
            for i in 0..<inputs where reachableInputs[l][i] {
                let start = (o * inputs + i) * area
                for k in start..<(start + area) where layer.active[k] { count += 1 }
            }
        }
        return count
    }

    /// Output units of layer l that are unreachable from the input or reach no output.
    func deadUnitCount(_ l: Int) -> Int {
        zip(reachableOutputs[l], outputReachingOutputs[l]).reduce(0) { $0 + ($1.0 && $1.1 ? 0 : 1) }
    }

    /// Network inputs (pixels for an MLP, image channels for a CNN) from which no output is
    /// reachable: an input unit is dead when no layer reading the network input uses it.
    var deadInputCount: Int {
        let readers = layers.indices.filter { sources[$0].isEmpty }
        guard let first = readers.first else { return 0 }
        return (0..<layers[first].shape.inputUnits).filter { i in !readers.contains { outputReachingInputs[$0][i] } }.count
    }
}
