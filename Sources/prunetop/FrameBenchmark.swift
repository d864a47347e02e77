import DashboardModel
import Foundation
import Metrics
import RunLogs
import TUI
import Training

/// How long one dashboard frame takes: composing every panel into a Screen, and flushing
/// it through the real ncurses backend (to /dev/null, xterm-256color), at 80x24 and
/// 200x60, on a live snapshot of a run pruned to 90%. Each frame changes the focused
/// panel, so every flush writes real changes.
struct FrameBenchmark {
    struct Timing {
        var width: Int, height: Int
        var drawMilliseconds: Double
        var flushMilliseconds: Double
        var totalMilliseconds: Double { drawMilliseconds + flushMilliseconds }
    }

    let timings: [Timing]

    /// `network`: a config whose model (zoo name and options, or architecture) to run.
    init(dataset: ImageDataset, network: RunConfig = RunConfig(), frames: Int) throws {
        var config = network
        config.epochs = 100
        config.startPaused = true
        config.sparsity = SparsityConfig(method: "magnitude", target: 0.9, schedule: .constant)
        let trainer = try Trainer(config: config, dataset: dataset)
        let model = try config.makeModel(inputShape: dataset.sampleShape, classCount: dataset.classCount)
        trainer.start()
        trainer.send(.step(count: 20))
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, trainer.latestSnapshot.map({ $0.step < 20 || $0.state != .paused }) ?? true {
            Thread.sleep(forTimeInterval: 0.01)
        }
        let snapshot = trainer.latestSnapshot!
        trainer.send(.stop)
        trainer.waitUntilFinished()

        var timings: [Timing] = []
        for (width, height) in [(80, 24), (200, 60)] {
            var frameContext = DashboardFrameContext(model: model)
            let frame = DashboardFrame.make(snapshot, context: &frameContext)
            var history = RunHistory()
            history.record(snapshot)
            let backend = TerminalBackend(palette: { _, _ in .indexed { ColorDepth.nearestPalette256($0).int32 } }, mouse: false,
                                          nullScreen: ("xterm-256color", width, height))
            var draws: [Double] = [], flushes: [Double] = []
            for index in 0..<frames {
                var state = DashboardViewState()
                state.focusedPanel = DashboardViewState.PanelID.allCases[index % DashboardViewState.PanelID.allCases.count]
                let model = DashboardModel(snapshot: snapshot, frame: frame, hill: frameContext.hill, history: history, state: state)
                let begin = DispatchTime.now().uptimeNanoseconds
                var screen = Screen(width: width, height: height)
                DashboardView.draw(model, into: &screen, theme: .fallback, glyphs: .unicode)
                let drawn = DispatchTime.now().uptimeNanoseconds
                backend.draw(screen)
                let flushed = DispatchTime.now().uptimeNanoseconds
                draws.append(Double(drawn - begin) / 1e6)
                flushes.append(Double(flushed - drawn) / 1e6)
            }
            backend.close()
            timings.append(Timing(width: width, height: height, drawMilliseconds: draws.sorted()[frames / 2],
                                  flushMilliseconds: flushes.sorted()[frames / 2]))
        }
        self.timings = timings
    }

    var json: [(String, JSONValue)] {
        [("frame_ms", .array(timings.map {
            .object([("width", .int($0.width)), ("height", .int($0.height)),
                     ("draw", .number(($0.drawMilliseconds * 1000).rounded() / 1000)),
                     ("flush", .number(($0.flushMilliseconds * 1000).rounded() / 1000)),
                     ("total", .number(($0.totalMilliseconds * 1000).rounded() / 1000))])
        }))]
    }

    var text: [String] {
        timings.map {
            String(format: "  dashboard frame at %dx%d: %.3f ms (compose %.3f + flush %.3f, medians)",
                   $0.width, $0.height, $0.totalMilliseconds, $0.drawMilliseconds, $0.flushMilliseconds)
        }
    }
}

private extension Int {
    var int32: Int32 { Int32(self) }
}
