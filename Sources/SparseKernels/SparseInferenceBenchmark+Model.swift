import Training

extension SparseInferenceBenchmark {
    /// Measures a whole network (`SparseModelInference`: CNNs, residual networks, recipe
    /// networks) at `batch`: per Conv2D and Dense layer, its own dense `forward` against its
    /// CSR kernel on the input that layer sees in a dense pass, the faster kept; then the
    /// network's evaluation pass against the plan, falling back to all-dense (speedup 1)
    /// when the plan as a whole is not faster. The input is a fixed pseudo-random batch in
    /// [0, 1): no kernel has a data-dependent branch, so the values do not change the time.
    public static func measure(inference: SparseModelInference, batch: Int,
                               settings: Settings = .dashboard) -> SparseInferenceMeasurement {
        precondition(batch >= 1 && settings.repeats >= 1)
        let shape = [batch] + inference.inputShape
        let input = Tensor(shape: shape, storage: (0..<shape.reduce(1, *)).map {
            Float(UInt32(truncatingIfNeeded: $0 &* 2_654_435_761) >> 8) / 16_777_216
        })
        let inputs = inference.kernelInputs(input)
        let count = inference.kernels.count
        var choice = (0..<count).map { index -> Bool in
            let kernel = inference.kernels[index], layer = inference.layers[index], x = inputs[index]
            guard kernel.matrix.sparsity >= settings.minimumSparsityTried else { return false }
            let times = medianSeconds([{ _ = layer.forward(x, isTraining: false) }, { _ = kernel.forward(x) }], settings: settings)
            return times[1] < times[0]
        }
        let allSparse = [Bool](repeating: true, count: count)
        var variants: [() -> Void] = [{ _ = inference.forwardDense(input) }]
        if settings.timesEveryLayerSparse { variants.append { _ = inference.forward(input, useSparse: allSparse) } }
        let plannedIndex = variants.count
        let plansSomething = choice.contains(true) && !(settings.timesEveryLayerSparse && choice == allSparse)
        if plansSomething { variants.append { [choice] in _ = inference.forward(input, useSparse: choice) } }
        let times = medianSeconds(variants, settings: settings)
        let dense = times[0], forcedSparse = settings.timesEveryLayerSparse ? times[1] : nil
        var planned = plansSomething ? times[plannedIndex] : (choice.contains(true) ? forcedSparse! : dense)
        if planned >= dense {
            choice = [Bool](repeating: false, count: count)
            planned = dense
        }
        let matrices = inference.kernels.map(\.matrix)
        let weights = matrices.reduce(0) { $0 + $1.rowCount * $1.columnCount }
        let kept = matrices.reduce(0) { $0 + $1.nonzeroCount }
        return SparseInferenceMeasurement(
            batch: batch, layerNames: inference.kernels.map(\.name), layerSparsities: matrices.map(\.sparsity),
            usesSparse: choice, denseSeconds: dense, sparseSeconds: planned, allSparseSeconds: forcedSparse,
            buildSeconds: inference.buildSeconds, sparsity: weights == 0 ? 0 : 1 - Double(kept) / Double(weights))
    }
}
