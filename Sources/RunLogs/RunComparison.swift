import DashboardModel
import Foundation
import Metrics
import Training

/// Two recorded runs side by side (`prunetop compare A.jsonl B.jsonl`): their final numbers
/// and the differences B − A, their evaluations aligned by sparsity (the curves align them by
/// step), and their
/// prunable layers aligned by name (the union, with gaps where a run has no such layer).
/// Pure: built from two timelines, no terminal.
public struct RunComparison: Sendable {
    /// One run as compared: its name (the log's file name) and what the log recorded.
    public struct Run: Sendable {
        public var name: String
        public var method: String
        public var timeline: ReplayTimeline
        /// The last moment: the run's final state (or a live log's latest).
        public var last: TrainingSnapshot { timeline.moments[timeline.moments.count - 1].snapshot }
        /// The panels of the last evaluation.
        public var lastFrame: RecordedFrame? { timeline.moments.last { $0.frame != nil }?.frame }
        public var evaluations: [EvaluationRecord] { last.evaluations }
        /// Seconds since the log file was last written, when it was read (nil: not known).
        public var quietSeconds: Double?
        /// How the run ended ("finished", "stopped" or "diverged") once the log has its end
        /// event; before, "live", or "no line for 12 min" once the file has been quiet for two
        /// minutes (a run killed outright writes no end event; a paused one writes nothing).
        public var progress: String {
            switch last.state {
            case .finished, .stopped, .diverged: return last.state.rawValue
            case .running, .paused:
                guard let quiet = quietSeconds, quiet >= 120 else { return "live" }
                let minutes = Int(quiet / 60)
                return "no line for " + (minutes < 120 ? "\(minutes) min" : "\(minutes / 60) h")
            }
        }

        public init(name: String, timeline: ReplayTimeline, quietSeconds: Double? = nil) {
            self.name = name
            self.timeline = timeline
            self.quietSeconds = quietSeconds
            method = timeline.moments.last?.snapshot.sparsity.method ?? "?"
        }

        /// Seconds since the file at `path` was last modified; nil when it cannot be read.
        public static func quietSeconds(ofFileAt path: String, now: Date = Date()) -> Double? {
            (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date).map { max(0, now.timeIntervalSince($0)) }
        }
    }

    /// A value of each run (nil where a run has none) and B − A where both do.
    public struct Pair: Sendable, Equatable {
        public var a: Double?
        public var b: Double?
        public var delta: Double? { a.flatMap { a in b.map { $0 - a } } }

        public init(a: Double?, b: Double?) {
            self.a = a
            self.b = b
        }
    }

    public struct AlignedPoint: Sendable, Equatable {
        /// Measured sparsity, a fraction, to 0.1%.
        public var sparsity: Double
        public var accuracy: Pair
    }

    public struct LayerRow: Sendable, Equatable {
        public var name: String
        /// Measured sparsity (1 − kept/weights) at each run's last evaluation.
        public var sparsity: Pair
    }

    public let a: Run
    public let b: Run

    public init(a: Run, b: Run) {
        self.a = a
        self.b = b
    }

    /// Test accuracy at each run's last evaluation (nil before any).
    public var finalAccuracy: Pair { Pair(a: a.evaluations.last?.accuracy, b: b.evaluations.last?.accuracy) }

    /// Measured sparsity of the prunable weights at each run's last moment.
    public var finalSparsity: Pair { Pair(a: a.last.sparsity.measured, b: b.last.sparsity.measured) }

    public var steps: Pair { Pair(a: Double(a.last.step), b: Double(b.last.step)) }

    /// Test accuracy at every sparsity either run was evaluated at (to 0.1%: a schedule's
    /// 90% is measured as 0.8999...), the last evaluation at each, in order; a gap where one was not.
    public var accuracyBySparsity: [AlignedPoint] {
        func key(_ record: EvaluationRecord) -> Double { (record.sparsity * 1000).rounded() / 1000 }
        var bySparsity: [Double: Pair] = [:]
        for record in a.evaluations { bySparsity[key(record), default: Pair(a: nil, b: nil)].a = record.accuracy }
        for record in b.evaluations { bySparsity[key(record), default: Pair(a: nil, b: nil)].b = record.accuracy }
        return bySparsity.keys.sorted().map { AlignedPoint(sparsity: $0, accuracy: bySparsity[$0]!) }
    }

    /// The prunable layers of A in order, then those only B has; a nil sparsity where a run has no such layer.
    public var layers: [LayerRow] {
        let sparsityA = Self.layerSparsity(a.last), sparsityB = Self.layerSparsity(b.last)
        let names = sparsityA.map(\.name) + sparsityB.map(\.name).filter { name in !sparsityA.contains { $0.name == name } }
        return names.map { name in
            LayerRow(name: name, sparsity: Pair(a: sparsityA.first { $0.name == name }?.sparsity,
                                                b: sparsityB.first { $0.name == name }?.sparsity))
        }
    }

    /// Why the layers do not line up one to one (different networks), or nil when they do
    /// or when a run has no layers yet (a live log before its first evaluation).
    public var layerMismatch: String? {
        guard !Self.layerSparsity(a.last).isEmpty, !Self.layerSparsity(b.last).isEmpty else { return nil }
        let rows = layers
        let onlyA = rows.filter { $0.sparsity.b == nil }.map(\.name), onlyB = rows.filter { $0.sparsity.a == nil }.map(\.name)
        guard !onlyA.isEmpty || !onlyB.isEmpty else { return nil }
        var parts: [String] = []
        if !onlyA.isEmpty { parts.append("only A has \(onlyA.joined(separator: ", "))") }
        if !onlyB.isEmpty { parts.append("only B has \(onlyB.joined(separator: ", "))") }
        return "different networks (\(a.timeline.model) and \(b.timeline.model)): " + parts.joined(separator: "; ")
    }

    /// Both runs on Occam's hill: A's points as the dashboard draws its own run's, B's as
    /// another run's; the baseline is A's converged dense phase, else B's.
    public var hill: OccamsHill {
        func evaluations(_ run: Run) -> [HillEvaluation] { DashboardFrameContext.hillEvaluations(of: run.last) }
        let (evaluationsA, evaluationsB) = (evaluations(a), evaluations(b))
        let baseline = RunHill.densePhaseBaseline(evaluationsA, finished: a.last.state == .finished).baseline
            ?? RunHill.densePhaseBaseline(evaluationsB, finished: b.last.state == .finished).baseline
        return OccamsHill(points: RunHill.points(evaluationsB, runID: "B:" + b.name)
                              + RunHill.points(evaluationsA, runID: DashboardFrameContext.liveRunID),
                          baseline: baseline, missingBaselineReason: baseline == nil ? "no converged dense phase in A or B" : nil)
    }

    static func layerSparsity(_ snapshot: TrainingSnapshot) -> [(name: String, sparsity: Double)] {
        snapshot.layers.filter(\.isPrunable).map { layer in
            let count = layer.shape.reduce(1, *)
            return (layer.name, count > 0 ? 1 - Double(layer.nonzeroCount) / Double(count) : 0)
        }
    }
}
