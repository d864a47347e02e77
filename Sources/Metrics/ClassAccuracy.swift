/// Accuracy on the test samples of one class. Pruning can cost "a large degradation in
/// accuracy for a small number of classes" while the overall accuracy barely moves
/// (Hooker et al. 2019, arXiv:1911.05248, as summarised by Hoefler et al. 2021, arXiv:2102.00554, §8.8).
public struct ClassAccuracy: Sendable, Equatable {
    public var label: Int
    public var correct: Int
    /// Test samples whose true label is this class.
    public var total: Int

    public init(label: Int, correct: Int, total: Int) {
        self.label = label
        self.correct = correct
        self.total = total
    }

    /// Nil when the class has no samples.
    public var accuracy: Double? { total == 0 ? nil : Double(correct) / Double(total) }

    /// Per-class accuracy (recall) for labels in 0..<classCount. Predictions outside the
    /// range are simply wrong; labels outside it are a caller error.
    public static func perClass(labels: [Int], predictions: [Int], classCount: Int) -> [ClassAccuracy] {
        precondition(labels.count == predictions.count, "\(labels.count) labels, \(predictions.count) predictions")
        var correct = [Int](repeating: 0, count: classCount), total = correct
        for (label, prediction) in zip(labels, predictions) {
            precondition((0..<classCount).contains(label), "label \(label) outside 0..<\(classCount)")
            total[label] += 1
            if prediction == label { correct[label] += 1 }
        }
        return (0..<classCount).map { ClassAccuracy(label: $0, correct: correct[$0], total: total[$0]) }
    }

    /// Per class, accuracy now minus accuracy at the baseline (e.g. the dense model), by
    /// label; a class is absent where either side has no samples.
    public static func changes(from baseline: [ClassAccuracy], to current: [ClassAccuracy]) -> [Int: Double] {
        let before = Dictionary(baseline.compactMap { entry in entry.accuracy.map { (entry.label, $0) } },
                                uniquingKeysWith: { first, _ in first })
        var result: [Int: Double] = [:]
        for entry in current {
            if let now = entry.accuracy, let then = before[entry.label] { result[entry.label] = now - then }
        }
        return result
    }
}
