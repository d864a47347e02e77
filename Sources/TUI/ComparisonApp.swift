import Foundation
import RunLogs

/// `prunetop compare`: two recorded runs in one screen (`ComparisonView`), interactive (the
/// layer keys of the dashboard: l, L, 1-9; g the histograms' log scale; q quits) or as one frame.
public final class ComparisonApp {
    private let comparison: RunComparison
    private let theme: Theme
    private let glyphs: Glyphs
    private let depth: ColorDepth
    private var state = DashboardViewState()

    public init(comparison: RunComparison, colorChoice: ColorDepth.Choice = .auto, ascii: Bool = false,
                themeName: String = "default") throws {
        self.comparison = comparison
        let file = try ThemeLibrary().load(named: themeName)
        let terminal = TerminalInfo.current()
        depth = ColorDepth.resolve(colorChoice, terminal: terminal)
        theme = depth.adapting(file.theme)
        glyphs = ascii || !terminal.supportsUnicode ? .ascii : .unicode
        state.message = comparison.layerMismatch.map { "\($0); l L 1-9 layer, q quits" } ?? "l L 1-9 select a layer, g log histograms, q quits"
    }

    /// The comparison drawn into a screen of this size; with a `caption` on the message line
    /// instead of the keys (a printed frame takes none).
    public func frame(width: Int, height: Int, caption: String? = nil) -> Screen {
        var screen = Screen(width: width, height: height)
        screen.fill(screen.bounds, with: Cell(" ", style: CellStyle(background: theme.color(.background))))
        ComparisonView(comparison: comparison, selectedLayer: state.selectedLayer, logHistogram: state.logHistogram,
                       message: caption ?? state.message)
            .render(into: &screen, area: screen.bounds, theme: theme, glyphs: glyphs)
        DashboardView.paintBackground(&screen, theme: theme)
        return screen
    }

    /// Runs until q or a signal; the terminal is restored either way.
    public func run() -> DashboardApp.Outcome {
        CrashGuard.install()
        let signals = TerminationSignals()
        signals.start()
        let backend = TerminalBackend(palette: depth.backendPalette)
        defer { backend.close() }
        backend.draw(frame(width: backend.size.width, height: backend.size.height))
        while true {
            if let signalled = signals.received { return .signalled(signalled) }
            if backend.inputClosed { return .signalled(.hangUp) }
            guard let key = backend.readKey(timeoutMilliseconds: 100) else { continue }
            if key == .resize { backend.invalidate() }
            if handle(key) { return .quit }
            backend.draw(frame(width: backend.size.width, height: backend.size.height))
        }
    }

    /// Applies a key; true when it quits.
    private func handle(_ key: KeyEvent) -> Bool {
        let count = max(comparison.layers.count, 1)
        switch KeyBindings.action(for: key, state: state) {
        case .quit: return true
        case .nextLayer: state.selectedLayer = (state.selectedLayer + 1) % count
        case .previousLayer: state.selectedLayer = (state.selectedLayer + count - 1) % count
        case let .selectLayer(index):
            if index < comparison.layers.count { state.selectedLayer = index } else { state.message = "there are \(comparison.layers.count) layers" }
        case .toggleLogHistogram: state.logHistogram.toggle()
        default: break
        }
        return false
    }
}
