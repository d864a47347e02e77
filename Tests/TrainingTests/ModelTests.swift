import Training
import XCTest

final class ModelTests: XCTestCase {
    func testLeNet300NamesShapesAndCounts() throws {
        let model = try ModelCatalog.make("lenet300", inputShape: [1, 28, 28], classCount: 10, seed: 0)
        XCTAssertEqual(model.prunableParameters.map(\.name), ["fc1.weight", "fc2.weight", "fc3.weight"])
        XCTAssertEqual(model.prunableParameters.map(\.shape), [[300, 784], [100, 300], [10, 100]])
        XCTAssertEqual(model.parameters.reduce(0) { $0 + $1.count }, 266_610)
        XCTAssertEqual(model.forwardMACsPerSample, 266_200)
        XCTAssertEqual(model.trainingMACsPerSample, 563_400)
        XCTAssertEqual(model.outputShape, [10])
    }

    func testLeNet5NamesAndShapes() throws {
        let model = try ModelCatalog.make("lenet5", inputShape: [1, 28, 28], classCount: 10, seed: 0)
        XCTAssertEqual(model.prunableParameters.map(\.name), ["conv1.weight", "conv2.weight", "fc1.weight", "fc2.weight", "fc3.weight"])
        XCTAssertEqual(model.prunableParameters.map(\.shape), [[6, 1, 5, 5], [16, 6, 5, 5], [120, 400], [84, 120], [10, 84]])
        XCTAssertEqual(model.layerInputShapes[6], [16, 5, 5])
        XCTAssertEqual(model.layerInputShapes[7], [400])
        XCTAssertEqual(model.outputShape, [10])
    }

    func testUnknownModelAndTooSmallInputAreRefused() {
        XCTAssertThrowsError(try ModelCatalog.make("lenet9", inputShape: [1, 28, 28], classCount: 10, seed: 0)) {
            XCTAssertEqual("\($0)", "unknown model 'lenet9'; expected one of: lenet300, lenet5, mlp, vgg-small, resnet20")
        }
        XCTAssertThrowsError(try ModelCatalog.make("lenet5", inputShape: [1, 8, 8], classCount: 10, seed: 0)) {
            XCTAssertEqual("\($0)", "lenet5: conv2 expects [6, height, width] with height and width at least 5, got [6, 4, 4]")
        }
    }

    func testInitialWeightsAreRegeneratedFromTheCounter() throws {
        let model = try ModelCatalog.make("lenet300", inputShape: [1, 28, 28], classCount: 10, seed: 42)
        let fc2 = try XCTUnwrap(model.parameter(named: "fc2.weight"))
        for element in [0, 1, 12_345, 29_999] {
            XCTAssertEqual(fc2.value[element],
                           ParameterInitializer.initialValue(seed: 42, parameterIndex: fc2.index, element: element, fanIn: 300))
        }
        let bound = ParameterInitializer.heUniformBound(fanIn: 300)
        XCTAssertTrue(fc2.value.allSatisfy { abs($0) <= bound })
        XCTAssertTrue(try XCTUnwrap(model.parameter(named: "fc2.bias")).value.allSatisfy { $0 == 0 })
        let other = try ModelCatalog.make("lenet300", inputShape: [1, 28, 28], classCount: 10, seed: 43)
        XCTAssertNotEqual(other.parameters[2].value, fc2.value)
    }

    func testConvolutionsAreFoundInsideResidualBlocks() throws {
        XCTAssertTrue(try ModelCatalog.architecture("resnet20").hasConvolutions)
        XCTAssertTrue(try ModelCatalog.architecture("lenet5").hasConvolutions)
        XCTAssertFalse(try ModelCatalog.architecture("lenet300").hasConvolutions)
        let nested = Architecture([.flatten(), .residual(body: [.residual(body: [.convolution(channels: 4, kernel: 3, padding: 1)])]),
                                   .dense(units: .classes)])
        XCTAssertTrue(nested.hasConvolutions)
        XCTAssertFalse(Architecture([.residual(body: [.dense(units: .count(8))])]).hasConvolutions)
    }

    func testBLASKernelChoice() {
        let avx512: Set = ["fma", "avx2", "avx512f", "avx512bw", "avx512dq", "avx512vl"]
        XCTAssertEqual(BLASKernelChoice.preferredCoreType(cpuFlags: avx512, detectedCore: "Prescott"), "HASWELL")
        XCTAssertEqual(BLASKernelChoice.preferredCoreType(cpuFlags: avx512, detectedCore: "Cooperlake"), "HASWELL")
        XCTAssertEqual(BLASKernelChoice.preferredCoreType(cpuFlags: ["avx2", "fma"], detectedCore: "Sandybridge"), "HASWELL")
        XCTAssertNil(BLASKernelChoice.preferredCoreType(cpuFlags: avx512, detectedCore: "Haswell"))
        XCTAssertNil(BLASKernelChoice.preferredCoreType(cpuFlags: ["avx2"], detectedCore: "Prescott"), "no FMA: keep OpenBLAS's choice")
        XCTAssertNil(BLASKernelChoice.preferredCoreType(cpuFlags: ["sse2"], detectedCore: "Prescott"))
        // A convolutional network keeps OpenBLAS's AVX-512 kernels (small-matrix GEMM paths), and
        // still leaves a generic or an AVX2-era kernel for HASWELL.
        XCTAssertNil(BLASKernelChoice.preferredCoreType(cpuFlags: avx512, detectedCore: "Cooperlake", convolutional: true))
        XCTAssertNil(BLASKernelChoice.preferredCoreType(cpuFlags: avx512, detectedCore: "SkylakeX", convolutional: true))
        XCTAssertEqual(BLASKernelChoice.preferredCoreType(cpuFlags: avx512, detectedCore: "Prescott", convolutional: true), "HASWELL")
        XCTAssertEqual(BLASKernelChoice.preferredCoreType(cpuFlags: ["avx2", "fma"], detectedCore: "Zen", convolutional: true), "HASWELL")
        let cpuinfo = "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu avx2 fma\n"
        XCTAssertEqual(BLASKernelChoice.cpuFlags(cpuinfo: cpuinfo), ["fpu", "avx2", "fma"])
        XCTAssertEqual(BLASKernelChoice.cpuModelName(cpuinfo: cpuinfo), "Test CPU")
    }
}
