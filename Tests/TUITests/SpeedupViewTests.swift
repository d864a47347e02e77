import Foundation
import Metrics
import TUI
import Training
import XCTest

final class SpeedupViewTests: XCTestCase {
    /// One 10x10 layer at 10% weight density: training MACs 200 -> 110, forward 100 -> 10.
    let flops = FLOPModel.network([.linear("fc1", inputs: 10, outputs: 10)], densities: [LayerDensity(weight: 0.1, activation: 1)])
    /// 1,000 of 10,000 kept, gaps at most 20: delta coding wins at 37,000 bits.
    let storage = StorageFormats.cheapest(StorageFormats.costs(
        SparseTensorExtent(rows: 100, columns: 100, nonzeroCount: 1000, maxGap: 20), valueBits: 32))
    let estimate = SpeedupEstimate(forward: 5.6, backward: 6.3, training: 5.93)
    /// 1,000 samples of the layer above, half of them dense: 200k dense, 155k actual MACs.
    let cumulative = NetworkFLOPs(layers: [], dense: MACBreakdown(forward: 100_000, backwardInput: 0, backwardWeight: 100_000),
                                  sparse: MACBreakdown(forward: 55_000, backwardInput: 0, backwardWeight: 100_000))

    func draw(width: Int, height: Int, measured: CPUSpeedupReading? = CPUSpeedupReading(speedup: 1.8, step: 4680, batch: 1, sparseLayers: 2, layers: 3), gap: String? = nil,
              estimate: SpeedupEstimate? = nil, cumulative: NetworkFLOPs? = nil,
              theme: Theme = .fallback, glyphs: Glyphs = .unicode) -> Screen {
        var screen = Screen(width: width, height: height)
        SpeedupView(estimate: estimate ?? self.estimate, flops: flops, cumulative: cumulative, measuredCPU: measured, measuredCPUGap: gap,
                    storage: storage)
            .render(into: &screen, area: screen.bounds, theme: theme, glyphs: glyphs)
        return screen
    }

    func testEveryLineWhenThereIsRoom() {
        let screen = draw(width: 52, height: 8, cumulative: cumulative)
        XCTAssertEqual(screen.lines.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }, [
            "ESTIMATE accelerator: training 5.9×",
            "  forward 5.6×  backward 6.3×",
            "  ideal FLOP bound 1.8×",
            "measured here (CPU): 1.8× at step 4,680",
            "  batch 1, sparse kernel on 2 of 3 layers",
            "FLOPs per step −45.0% training, −90.0% inference",
            "run so far −22.5%: 155k of 200k training MACs",
            "storage delta 4.6 kB, 8.6× smaller",
        ])
        XCTAssertEqual(screen[0, 0].style.foreground, Theme.fallback.colors[.estimate])
        XCTAssertTrue(screen[0, 0].style.bold)
        XCTAssertEqual(screen[0, 3].style.foreground, Theme.fallback.colors[.measured])
    }

    /// The 160x48 layout's panel is 32 columns by 20 rows: words over several rows, not
    /// abbreviations over a third of it.
    func testATallNarrowPanelStacksEveryLineInWords() {
        let screen = draw(width: 32, height: 20, cumulative: cumulative)
        XCTAssertEqual(screen.lines.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }, [
            "ESTIMATE, sparse accelerator",
            "  training 5.9×",
            "  forward 5.6×  backward 6.3×",
            "  ideal FLOP bound 1.8×",
            "MEASURED here (CPU)",
            "  sparse inference 1.8×",
            "  on the masks of step 4,680",
            "  batch 1, 2/3 layers sparse",
            "FLOPs per step",
            "  training −45.0%",
            "  inference −90.0%",
            "run so far −22.5% FLOPs",
            "  155k of 200k training MACs",
            "storage delta 4.6 kB",
            "  8.6× smaller than dense",
            "", "", "", "", "",
        ])
        XCTAssertTrue(screen[0, 0].style.bold)
        XCTAssertEqual(screen[2, 5].style.foreground, Theme.fallback.colors[.measured])
        let beyond = draw(width: 32, height: 20, estimate: SpeedupEstimate(forward: 5.6, backward: 6.3, training: 5.9,
                                                                           operands: .weights, extrapolated: true))
        XCTAssertEqual(Array(beyond.lines.prefix(4)).map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) },
                       ["ESTIMATE, sparse accelerator", "  skips weights only", "  training ≥5.9×", "  (Table 6 ends at 90%)"])
        let dropBack = draw(width: 32, height: 20, estimate: SpeedupEstimate(forward: 1, backward: 1, training: 1, operands: SparsifiedOperands.none))
        XCTAssertEqual(dropBack.lines[1].trimmingCharacters(in: .whitespaces), "skips nothing")
        XCTAssertEqual(draw(width: 32, height: 10, cumulative: cumulative).lines[0].trimmingCharacters(in: .whitespaces),
                       "est. train 5.9×", "too short to stack: the short forms")
    }

    /// A CNN's figure (ResNet-20: 19 of its 22 conv and linear layers ran sparse), cell by
    /// cell: what it measured, at which batch, on which masks, in the measured colour.
    func testACNNsMeasuredFigureSaysWhatRanSparse() {
        let resnet = CPUSpeedupReading(speedup: 1.43, step: 1200, batch: 1, sparseLayers: 19, layers: 22)
        let screen = draw(width: 50, height: 8, measured: resnet)
        XCTAssertEqual(screen.lines.map { $0.replacingOccurrences(of: " +$", with: "", options: .regularExpression) }, [
            "ESTIMATE accelerator: training 5.9×",
            "  forward 5.6×  backward 6.3×",
            "  ideal FLOP bound 1.8×",
            "measured here (CPU): 1.4× at step 1,200",
            "  batch 1, sparse kernel on 19 of 22 layers",
            "FLOPs per step −45.0% training, −90.0% inference",
            "storage delta 4.6 kB, 8.6× smaller",
            "",
        ])
        for x in 0..<43 { XCTAssertEqual(screen[x, 4].style.foreground, Theme.fallback.colors[.measured], "column \(x)") }
        XCTAssertEqual(draw(width: 18, height: 8, measured: resnet).lines[4], "b1 sparse 19/22   ", "the short form")
    }

    func testSmallRectsDropLinesByImportanceAndUseShortForms() {
        XCTAssertEqual(draw(width: 40, height: 1).lines, ["ESTIMATE accelerator: training 5.9×     "])
        XCTAssertEqual(draw(width: 30, height: 2, measured: nil).lines, ["est. train 5.9×               ", "measured here (CPU): n/a      "])
        XCTAssertEqual(draw(width: 41, height: 2, measured: nil, gap: "live runs only").lines,
                       ["ESTIMATE accelerator: training 5.9×      ", "measured here (CPU): n/a (live runs only)"], "says why it is not measured")
        XCTAssertEqual(draw(width: 18, height: 4).lines, ["est. train 5.9×   ", "ideal 1.8×        ", "CPU 1.8× @4,680   ", "delta 4.6 kB 8.6× "])
        XCTAssertEqual(draw(width: 5, height: 1).lines, ["est. "])
    }

    func testTheEstimateNamesWhatItSkipsAndWhenItExtrapolates() {
        let weights = SpeedupEstimate(forward: 5.6, backward: 1.7, training: 2.5, operands: .weights, extrapolated: false)
        XCTAssertEqual(draw(width: 52, height: 1, estimate: weights).lines[0].trimmingCharacters(in: .whitespaces),
                       "ESTIMATE accelerator (weights only): training 2.5×")
        let beyond = SpeedupEstimate(forward: 9, backward: 11, training: 9.9, operands: .weightsAndActivations, extrapolated: true)
        XCTAssertEqual(draw(width: 80, height: 1, estimate: beyond).lines[0].trimmingCharacters(in: .whitespaces),
                       "ESTIMATE accelerator (weights+activations): training ≥9.9× (Table 6 ends at 90%)")
        XCTAssertEqual(draw(width: 30, height: 1, estimate: beyond).lines[0].trimmingCharacters(in: .whitespaces), "est. train ≥9.9× W+A")
        XCTAssertEqual(draw(width: 30, height: 1, estimate: SpeedupEstimate(forward: 1, backward: 1, training: 1, operands: SparsifiedOperands.none))
                        .lines[0].trimmingCharacters(in: .whitespaces), "est. train 1.0× none skipped")
        let dropBack = SpeedupEstimate(forward: 1, backward: 1, training: 1, operands: SparsifiedOperands.none, extrapolated: false)
        XCTAssertEqual(draw(width: 60, height: 1, estimate: dropBack).lines[0].trimmingCharacters(in: .whitespaces),
                       "ESTIMATE accelerator (nothing skipped): training 1.0×")
    }

    func testASCIIAndMonochrome() {
        let screen = draw(width: 50, height: 6, theme: WidgetTestSupport.monochrome, glyphs: .ascii)
        XCTAssertEqual(screen.lines[0], "ESTIMATE accelerator: training 5.9x               ")
        XCTAssertEqual(screen.lines[4], "FLOPs per step -45.0% training, -90.0% inference  ")
        XCTAssertNil(screen[0, 0].style.foreground)
        XCTAssertTrue(screen[0, 0].style.bold, "the estimate stands out without colour")
    }

    func testDrawsOnlyInsideItsRectAtAnySize() {
        WidgetTestSupport.assertRobust { screen, rect, theme, glyphs in
            SpeedupView(estimate: estimate, flops: flops, measuredCPU: nil, storage: storage)
                .render(into: &screen, area: rect, theme: theme, glyphs: glyphs)
        }
    }
}
