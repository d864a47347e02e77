import ArgumentParser
import Foundation
import TUI

/// The size and colours of a one-shot frame (`show`, `tui --once`): printed once, without
/// curses, so it works over a pipe and in CI logs.
struct OneShotFrameOptions: ParsableArguments {
    @Option(help: "Frame width in columns (default: the terminal's when stdout is one, else 120).")
    var width: Int?

    @Option(help: "Frame height in rows (default: the terminal's when stdout is one, else 40).")
    var height: Int?

    static let defaultSize = (width: 120, height: 40)
    static let sizes = 1...1000

    func validate() throws {
        for (name, value) in [("--width", width), ("--height", height)] {
            if let value, !Self.sizes.contains(value) {
                throw ValidationError("\(name): expected \(Self.sizes.lowerBound) to \(Self.sizes.upperBound) cells, found \(value)")
            }
        }
    }

    /// The frame's size: as given, else the terminal's, else 120x40.
    func size(_ terminal: TerminalInfo) -> (width: Int, height: Int) {
        (width ?? terminal.columns ?? Self.defaultSize.width, height ?? terminal.rows ?? Self.defaultSize.height)
    }

    /// How `--color` colours the frame on this stdout.
    static func coloring(_ choice: ColorDepth.Choice, terminal: TerminalInfo) -> FrameColoring {
        FrameColoring.resolve(choice, stdoutIsTerminal: terminal.isTerminal, terminal: terminal)
    }

    static func write(_ screen: Screen, _ coloring: FrameColoring) {
        FileHandle.standardOutput.write(Data(coloring.text(screen).utf8))
    }
}
