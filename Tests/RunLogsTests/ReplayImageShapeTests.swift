import Metrics
import RunLogs
import Training
import XCTest

/// The replay rebuilds the model for the recorded data's [channels, rows, columns]; logs
/// from before colour images have no channels and are greyscale.
final class ReplayImageShapeTests: XCTestCase {
    private func log(dataset: String) -> String {
        [#"{"event":"start","config":{"model":"lenet300","sparsity":{"method":"magnitude","target":0.5}},"dataset":"#
            + dataset + #","total_steps":10,"steps_per_epoch":5}"#,
         #"{"event":"eval","step":5,"epoch":1,"test_acc":0.5,"sparsity":0.5,"target":0.5,"phase":"pruning"}"#,
         #"{"event":"done","step":10,"test_acc":0.5,"sparsity":0.5}"#].joined(separator: "\n") + "\n"
    }

    func testTheRecordedChannelsShapeTheRebuiltModel() throws {
        let colour = try ReplayTimeline(text: log(dataset: #"{"name":"cifar","channels":3,"rows":32,"columns":32,"classes":10}"#),
                                        path: "run.jsonl")
        XCTAssertEqual(colour.imageShape, [3, 32, 32])
        let model = try ModelCatalog.make(colour.model, inputShape: colour.imageShape, classCount: colour.classCount, seed: 0)
        XCTAssertEqual(model.parameter(named: "fc1.weight")?.shape, [300, 3072])

        let old = try ReplayTimeline(text: log(dataset: #"{"name":"mnist","rows":28,"columns":28,"classes":10}"#), path: "run.jsonl")
        XCTAssertEqual(old.imageShape, [1, 28, 28])

        for channels in [0, 5] {
            XCTAssertThrowsError(try ReplayTimeline(
                text: log(dataset: #"{"name":"x","channels":"# + "\(channels)" + #","rows":32,"columns":32,"classes":10}"#),
                path: "run.jsonl")) {
                XCTAssertEqual("\($0)", "run.jsonl:1: dataset.channels: expected 1 to 4, found \(channels)")
            }
        }
    }
}
