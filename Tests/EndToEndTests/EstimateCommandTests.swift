import Foundation
import XCTest

/// `prunetop estimate`, run as a user would.
final class EstimateCommandTests: XCTestCase {
    private func estimate(_ arguments: [String]) throws -> [String: Any] {
        let result = try PrunetopProcess.run(["estimate", "--json"] + arguments)
        XCTAssertEqual(result.status, 0, result.standardError)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    private func number(_ object: [String: Any], _ key: String) throws -> Double { try XCTUnwrap(object[key] as? Double, key) }

    func testJSONReproducesSWATsVGG16Row() throws {
        let object = try estimate(["--network", "vgg16", "--sparsity", "0.9"])
        XCTAssertEqual(object["network"] as? String, "vgg16")
        XCTAssertEqual(object["method"] as? String, "swat-u")
        // Table 2 prints 89.7 / 89.5 (%).
        XCTAssertEqual(try number(object, "train_flops_reduction"), 0.897, accuracy: 0.002)
        XCTAssertEqual(try number(object, "inference_flops_reduction"), 0.895, accuracy: 0.002)
        // Table 6 at 90% and their harmonic mean, 5.9x.
        XCTAssertEqual(try number(object, "speedup_forward"), 5.6, accuracy: 1e-9)
        XCTAssertEqual(try number(object, "speedup_backward"), 6.3, accuracy: 1e-9)
        XCTAssertEqual(try number(object, "speedup_training"), 2 / (1 / 5.6 + 1 / 6.3), accuracy: 1e-9)
        XCTAssertEqual(try number(object, "ideal_speedup"), 1 / (1 - (try number(object, "train_flops_reduction"))), accuracy: 1e-9)
    }

    func testStructuredResNet18AndUniformLeNet() throws {
        let resnet = try estimate(["--network", "resnet18", "--sparsity", "0.7", "--method", "swat-structured"])
        XCTAssertEqual(try number(resnet, "inference_flops_reduction"), 0.698, accuracy: 0.002)
        XCTAssertEqual(try number(resnet, "train_flops_reduction"), 0.698, accuracy: 0.002)

        // Every layer at 90%, activations dense: forward MACs fall 90%, the weight gradient not at all.
        let lenet = try estimate(["--network", "lenet300", "--sparsity", "0.9", "--method", "uniform"])
        XCTAssertEqual(try number(lenet, "inference_flops_reduction"), 0.9, accuracy: 1e-9)
        XCTAssertLessThan(try number(lenet, "train_flops_reduction"), 0.5)
        XCTAssertLessThanOrEqual(try number(lenet, "speedup_training"), try number(lenet, "ideal_speedup") + 1e-12)
    }

    func testHumanOutputSaysTheseAreEstimates() throws {
        let result = try PrunetopProcess.run(["estimate", "--network", "densenet121", "--sparsity", "0.9"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.contains("ESTIMATES, not measurements"), result.standardOutput)
        XCTAssertTrue(result.standardOutput.contains("inference 89.8%"), result.standardOutput)
    }

    func testBadArgumentsAreRefusedWithWhatWasExpected() throws {
        let cases: [([String], String)] = [
            (["--network", "alexnet", "--sparsity", "0.9"], "--network: expected one of lenet300, lenet5, vgg16, wrn-16-8, densenet121, resnet18, resnet50, wrn-50-2, found alexnet"),
            (["--network", "vgg16", "--sparsity", "90"], "--sparsity: expected a fraction in [0, 1), found 90.0 (for 90% write 0.9)"),
            (["--network", "vgg16", "--sparsity", "1"], "--sparsity: expected a fraction in [0, 1), found 1.0"),
            (["--network", "vgg16", "--sparsity=-0.1"], "--sparsity: expected a fraction in [0, 1), found -0.1"),
            (["--network", "vgg16", "--sparsity", "0.5", "--method", "rigl"], "--method: expected one of swat-u, swat-structured, uniform, found rigl"),
            (["--network", "vgg16"], "Missing expected argument '--sparsity <sparsity>'"),
        ]
        for (arguments, message) in cases {
            let result = try PrunetopProcess.run(["estimate"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.standardError)")
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): expected «\(message)» in «\(result.standardError)»")
        }
    }
}
