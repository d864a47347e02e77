import Foundation
import RunLogs

/// `prunetop compare`: two recorded runs in one screen (`ComparisonView`), interactive (the
/// layer keys of the dashboard: l, L, 1-9; g the histograms' log scale; q quits) or as one frame.
/// Interactive, it follows both logs (`FollowedRunLog`): lines appended to either redraw the
/// comparison, the selected layer staying selected.
public final class ComparisonApp {
    public private(set) var comparison: RunComparison
    private let logs: (a: FollowedRunLog, b: FollowedRunLog)?
    private let theme: Theme
    private let glyphs: Glyphs
    private let depth: ColorDepth
    private var state = DashboardViewState()
    /// When the comparison was last built from the logs.
    private var lastBuilt = Date()

    /// The layer whose histograms are shown, an index into `comparison.layers`.
    public var selectedLayer: Int { state.selectedLayer }

    /// `comparison` as it stands, or, with `logs`, the comparison of two followed logs that
    /// have a moment each (`comparison` is theirs so far).
    public init(comparison: RunComparison, following logs: (a: FollowedRunLog, b: FollowedRunLog)? = nil,
                colorChoice: ColorDepth.Choice = .auto, ascii: Bool = false, themeName: String = "default") throws {
        self.comparison = comparison
        self.logs = logs
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
        let problem = logs.flatMap { logs in [logs.a, logs.b].compactMap(\.problem).first }
        ComparisonView(comparison: comparison, selectedLayer: state.selectedLayer, logHistogram: state.logHistogram,
                       message: caption ?? problem ?? state.message)
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
            let key = backend.readKey(timeoutMilliseconds: 100)
            var changed = refresh()
            if let key {
                if key == .resize { backend.invalidate() }
                if handle(key) { return .quit }
                changed = true
            }
            if changed { backend.draw(frame(width: backend.size.width, height: backend.size.height)) }
        }
    }

    /// Reads what the followed logs gained; true when there is something new to draw. The
    /// selected layer stays selected by name (a log that started again may list other layers).
    @discardableResult
    public func refresh() -> Bool {
        guard let logs else { return false }
        let (changedA, changedB) = (logs.a.poll(), logs.b.poll())
        // Unchanged logs are looked at again now and then: a run that stopped writing says so.
        guard changedA || changedB || Date().timeIntervalSince(lastBuilt) >= 10 else { return false }
        lastBuilt = Date()
        guard let a = logs.a.comparedRun, let b = logs.b.comparedRun else { return true }
        let selected = comparison.layers.indices.contains(state.selectedLayer) ? comparison.layers[state.selectedLayer].name : nil
        comparison = RunComparison(a: a, b: b)
        let names = comparison.layers.map(\.name)
        state.selectedLayer = selected.flatMap { names.firstIndex(of: $0) } ?? min(state.selectedLayer, max(names.count - 1, 0))
        return true
    }

    /// Applies a key; true when it quits.
    func handle(_ key: KeyEvent) -> Bool {
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
