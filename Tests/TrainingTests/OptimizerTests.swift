import Training
import XCTest

final class OptimizerTests: XCTestCase {
    private func parameter(_ values: [Float]) -> Parameter {
        Parameter(name: "p.weight", shape: [values.count], role: .weight, index: 0, value: values)
    }

    func testSGDMomentumAndWeightDecayByHand() {
        let p = parameter([1.0, -2.0])
        let sgd = SGD(parameters: [p], momentum: 0.9, nesterov: false, weightDecay: 0.1)
        p.gradient = [0.5, 0.25]
        sgd.step(learningRate: 0.1)
        // g' = g + 0.1 w = [0.6, 0.05]; v = g'; w -= 0.1 v
        XCTAssertEqual(p.value[0], 0.94, accuracy: 1e-6)
        XCTAssertEqual(p.value[1], -2.005, accuracy: 1e-6)
        p.gradient = [0.5, 0.25]
        sgd.step(learningRate: 0.1)
        // g' = [0.5 + 0.094, 0.25 - 0.2005] = [0.594, 0.0495]; v = 0.9 [0.6, 0.05] + g' = [1.134, 0.0945]
        XCTAssertEqual(p.value[0], 0.94 - 0.1134, accuracy: 1e-6)
        XCTAssertEqual(p.value[1], -2.005 - 0.00945, accuracy: 1e-6)
    }

    func testSGDNesterovByHand() {
        let p = parameter([1.0])
        let sgd = SGD(parameters: [p], momentum: 0.5, nesterov: true, weightDecay: 0)
        p.gradient = [2.0]
        sgd.step(learningRate: 0.1)
        // v = 2; step = g + μ v = 2 + 1 = 3
        XCTAssertEqual(p.value[0], 0.7, accuracy: 1e-6)
        p.gradient = [2.0]
        sgd.step(learningRate: 0.1)
        // v = 0.5*2 + 2 = 3; step = 2 + 1.5 = 3.5
        XCTAssertEqual(p.value[0], 0.35, accuracy: 1e-6)
    }

    func testAdamFirstTwoStepsByHand() {
        let p = parameter([1.0, 1.0])
        let adam = Adam(parameters: [p], beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0)
        p.gradient = [0.5, -4.0]
        adam.step(learningRate: 0.01)
        // Bias-corrected first step moves each weight by lr * sign(g).
        XCTAssertEqual(p.value[0], 0.99, accuracy: 1e-6)
        XCTAssertEqual(p.value[1], 1.01, accuracy: 1e-6)
        p.gradient = [0.5, 0.0]
        adam.step(learningRate: 0.01)
        // Weight 1: m = 0.9*(-0.4) = -0.36, v = 0.999*0.016 = 0.015984;
        // m̂ = -0.36/0.19, v̂ = 0.015984/0.001999; step = 0.01 * m̂ / sqrt(v̂).
        let mHat = -0.36 / 0.19, vHat = 0.015984 / (1 - 0.999 * 0.999)
        XCTAssertEqual(Double(p.value[1]), 1.01 - 0.01 * mHat / vHat.squareRoot(), accuracy: 1e-5)
    }

    func testLearningRateSchedules() {
        let cosine = LearningRateSchedule(decay: .cosine(minimumFactor: 0))
        XCTAssertEqual(cosine.rate(base: 0.1, step: 0, totalSteps: 100), 0.1, accuracy: 1e-7)
        XCTAssertEqual(cosine.rate(base: 0.1, step: 50, totalSteps: 100), 0.05, accuracy: 1e-7)
        XCTAssertEqual(cosine.rate(base: 0.1, step: 100, totalSteps: 100), 0, accuracy: 1e-7)
        XCTAssertEqual(LearningRateSchedule(decay: .cosine(minimumFactor: 0.1)).rate(base: 1, step: 100, totalSteps: 100), 0.1, accuracy: 1e-6)

        let stepped = LearningRateSchedule(decay: .step(every: 10, gamma: 0.5))
        XCTAssertEqual(stepped.rate(base: 0.8, step: 9, totalSteps: 100), 0.8)
        XCTAssertEqual(stepped.rate(base: 0.8, step: 10, totalSteps: 100), 0.4)
        XCTAssertEqual(stepped.rate(base: 0.8, step: 25, totalSteps: 100), 0.2)

        let warm = LearningRateSchedule(decay: .cosine(minimumFactor: 0), warmupSteps: 4)
        XCTAssertEqual(warm.rate(base: 0.4, step: 0, totalSteps: 104), 0.1, accuracy: 1e-7)
        XCTAssertEqual(warm.rate(base: 0.4, step: 3, totalSteps: 104), 0.4, accuracy: 1e-7)
        XCTAssertEqual(warm.rate(base: 0.4, step: 54, totalSteps: 104), 0.2, accuracy: 1e-7)
        XCTAssertEqual(LearningRateSchedule.constant.rate(base: 0.3, step: 77, totalSteps: 100), 0.3)
    }
}
