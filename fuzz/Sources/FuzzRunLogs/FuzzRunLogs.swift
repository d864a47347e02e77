// libFuzzer target: run logs and sweep tables (JSONL: `--jsonl`, `sweep.jsonl`), as read by
// `prunetop replay`, `prunetop export` and `--overlay`.
//
// The text goes through `RunLog(text:path:)`, `SweepTable(jsonLines:path:)`,
// `ReplayTimeline(text:path:)` and (through a temporary file: it only reads paths)
// `HillOverlay(file:)` and `RunExport.read(path:)`; what reads is then used as
// those commands use it: CSV and SVG export, and for a replay the model the dashboard
// builds from the log's shapes and a few frames drawn into an in-memory screen.
import FuzzSupport
import Foundation
import Metrics
import Training
import TUI

private let temporaryPath: String = {
    let directory = FileManager.default.fileExists(atPath: "/dev/shm") ? "/dev/shm" : NSTemporaryDirectory()
    return (directory as NSString).appendingPathComponent("prunetop-fuzz-runlog-\(getpid()).jsonl")
}()

@_cdecl("FuzzRunLogs_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv, fuzzRunLog)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRunLog(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = inputBuffer(data, size)
    // The readers take String(contentsOfFile:encoding: .utf8), which refuses anything else.
    guard let text = String(validating: input, as: UTF8.self) else { return -1 }
    let path = "fuzz.jsonl"

    if let log = try? RunLog(text: text, path: path) {
        for file in RunExport.csvFiles(.run(log)) { _ = file.contents.utf8.count }
        _ = HillSVG.run(log).document
    }
    if let table = (try? SweepTable(jsonLines: text, path: path)) ?? nil {
        _ = table.csv
        _ = table.jsonLines
        _ = HillSVG.sweep(table, name: "fuzz", method: nil).document
    }
    if let timeline = try? ReplayTimeline(text: text, path: path) { replay(timeline) }

    if FileManager.default.createFile(atPath: temporaryPath, contents: Data(text.utf8)) {
        _ = try? HillOverlay(file: temporaryPath)
        if let exported = try? RunExport.read(path: temporaryPath) {
            for file in RunExport.csvFiles(exported) { _ = file.contents.utf8.count }
        }
    }
    return 0
}

/// What `prunetop replay` does with a timeline: builds the model from the recorded shapes
/// and draws moments through the dashboard (here the first, one with a recorded frame,
/// and the last, into an 80x24 screen).
private func replay(_ timeline: ReplayTimeline) {
    guard let model = try? ModelCatalog.make(timeline.model, inputShape: timeline.imageShape,
                                             classCount: timeline.classCount, seed: 0) else { return }
    var frameState = DashboardFrameState(model: model)
    var history = RunHistory()
    let moments = timeline.moments
    var picked = Set([0, moments.count - 1])
    if let framed = moments.firstIndex(where: { $0.frame != nil }) { picked.insert(framed) }
    for (index, moment) in moments.enumerated() {
        history.record(moment.snapshot)
        guard picked.contains(index) else { continue }
        let frame = moment.frame?.dashboardFrame
        if frame != nil { frameState.takeEvaluations(moment.snapshot) }
        var state = DashboardState()
        state.focusedPanel = DashboardState.PanelID.allCases[index % DashboardState.PanelID.allCases.count]
        let dashboard = DashboardModel(snapshot: moment.snapshot, frame: frame, hill: frameState.hill, history: history,
                                       state: state)
        var screen = Screen(width: 80, height: 24)
        DashboardView.draw(dashboard, into: &screen, theme: .fallback, glyphs: .unicode)
    }
}
