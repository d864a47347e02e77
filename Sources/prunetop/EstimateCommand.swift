import ArgumentParser
import Foundation
import Metrics
import RunLogs
import Training

/// `prunetop estimate`: what a sparsity level would save on a known network, from the
/// FLOP model and the accelerator estimate, without training anything.
struct EstimateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate",
        abstract: "Estimate the FLOP reduction and accelerator speedup of a sparsity level (no training).")

    /// How the sparsity is spread over the layers and which operands it touches.
    enum Method: String, CaseIterable {
        case swatUniform = "swat-u"
        case swatStructured = "swat-structured"
        case uniform

        var summary: String {
            switch self {
            case .swatUniform: "SWAT-U: first layer dense; weights and input activations of the others Top-K sparse"
            case .swatStructured: "structured SWAT: first layer dense; kernel channels of the others pruned, input activations Top-K sparse"
            case .uniform: "uniform weight sparsity on every layer, the first included; activations and weight gradients dense"
            }
        }

        var operands: SparsifiedOperands {
            switch self {
            case .swatUniform, .swatStructured: .weightsAndActivations
            case .uniform: .weights
            }
        }

        func densities(layerCount: Int, sparsity: Double) -> [LayerDensity] {
            switch self {
            case .swatUniform, .swatStructured:
                FLOPModel.uniformDensities(layerCount: layerCount, sparsity: sparsity, firstLayerDense: true, sparsifiesActivations: true)
            case .uniform:
                FLOPModel.uniformDensities(layerCount: layerCount, sparsity: sparsity, firstLayerDense: false, sparsifiesActivations: false)
            }
        }
    }

    @Option(help: ArgumentHelp("Network: \(NetworkCatalog.names.joined(separator: ", ")).", valueName: "name"))
    var network: String

    @Option(help: "Target sparsity of the sparsified layers, a fraction in [0, 1).")
    var sparsity: Double

    @Option(help: ArgumentHelp("How the sparsity is applied: \(Method.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "method"))
    var method = Method.swatUniform.rawValue

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard NetworkCatalog.layers(network) != nil else {
            throw ValidationError("--network: expected one of \(NetworkCatalog.names.joined(separator: ", ")), found \(network)")
        }
        guard sparsity.isFinite, sparsity >= 0, sparsity < 1 else {
            let hint = sparsity >= 1 && sparsity < 100 ? " (for \(Format.plain(sparsity))% write \(Format.plain(sparsity / 100)))" : ""
            throw ValidationError("--sparsity: expected a fraction in [0, 1), found \(sparsity)\(hint)")
        }
        guard Method(rawValue: method) != nil else {
            throw ValidationError("--method: expected one of \(Method.allCases.map(\.rawValue).joined(separator: ", ")), found \(method)")
        }
    }

    func run() throws {
        let layers = NetworkCatalog.layers(network)!
        let method = Method(rawValue: method)!
        let flops = FLOPModel.network(layers, densities: method.densities(layerCount: layers.count, sparsity: sparsity))
        let speedup = AcceleratorEstimate.estimate(.sparseAccelerator(sparsity: sparsity, operands: method.operands), flops: flops)
        let beyond = speedup.extrapolated == true
            ? " AT LEAST: Table 6 stops at \(Int(100 * AcceleratorEstimate.table6.last!.sparsity))% sparsity; its figures there are shown" : ""
        if json {
            print(JSONValue.object([
                ("network", .string(network)), ("method", .string(method.rawValue)), ("sparsity", .number(sparsity)),
                ("train_flops_reduction", .number(flops.trainingReduction)),
                ("inference_flops_reduction", .number(flops.inferenceReduction)),
                ("speedup_forward", .number(speedup.forward)),
                ("speedup_backward", .number(speedup.backward)),
                ("speedup_training", .number(speedup.training)),
                ("ideal_speedup", .number(flops.idealTrainingSpeedup)),
                ("ideal_speedup_forward", .number(flops.idealForwardSpeedup)),
                ("ideal_speedup_backward", .number(flops.idealBackwardSpeedup)),
                ("dense_forward_macs", .number(flops.dense.forward)),
                ("dense_training_macs", .number(flops.dense.training)),
                ("sparsified", .string(method.operands.rawValue)),
                ("extrapolated", .bool(speedup.extrapolated == true)),
                ("estimate", .string("reconstructed SWAT FLOP model; speedups interpolated from SWAT Table 6 (simulated accelerator)")),
            ]).rendered)
            return
        }
        let percent = { (fraction: Double) in String(format: "%.1f%%", 100 * fraction) }
        let times = { (value: Double) in value.isFinite ? String(format: "%.1fx", value) : "unbounded" }
        print("\(network): \(NetworkCatalog.summary(network)!)")
        print("  \(percent(sparsity)) sparsity, \(method.rawValue): \(method.summary)")
        print("  dense cost per sample: \(Self.macs(flops.dense.forward)) forward MACs, \(Self.macs(flops.dense.training)) for a training step")
        print("ESTIMATES, not measurements:")
        print("  FLOP reduction: training \(percent(flops.trainingReduction)), inference \(percent(flops.inferenceReduction))"
              + " (SWAT's three-GEMM MAC model as reconstructed from its tables)")
        print("  ideal FLOP-bound speedup: forward \(times(flops.idealForwardSpeedup)), backward \(times(flops.idealBackwardSpeedup)),"
              + " training \(times(flops.idealTrainingSpeedup))")
        print("  sparse accelerator estimate (\(method.operands.rawValue) sparse): forward \(times(speedup.forward)),"
              + " backward \(times(speedup.backward)), training \(times(speedup.training))\(beyond)")
        print("    (interpolated from SWAT Table 6: SWAT-U on ResNet-50/ImageNet in a simulated Bit-Tactical-based accelerator,"
              + " capped at the ideal; real hardware depends on format, structure and memory bandwidth)")
    }

    private static func macs(_ value: Double) -> String {
        if value >= 1e9 { return String(format: "%.2f G", value / 1e9) }
        return value >= 1e6 ? String(format: "%.1f M", value / 1e6) : String(format: "%.1f K", value / 1e3)
    }
}
