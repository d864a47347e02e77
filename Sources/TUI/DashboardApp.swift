import CNCurses
import Dispatch
import Foundation
import Metrics
import SparseKernels
import Training

/// The interactive dashboard: owns the terminal (main thread only), reads keys and the
/// mouse, sends commands to the trainer and redraws from its snapshots.
public final class DashboardApp {
    public struct Options {
        public var colorChoice: ColorDepth.Choice = .auto
        public var ascii = false
        public var themeName = "default"
        public var framesPerSecond = 5.0
        /// Shown on the message line at start (e.g. that Fashion-MNIST is missing).
        public var initialMessage: String?
        /// Points of a sweep or an earlier run, drawn under the live run on Occam's hill.
        public var overlay = HillOverlay()
        /// The hill's baseline, when the user gave one (`--baseline`).
        public var baseline: HillBaseline?
        /// A live run's events, as the trainer sends them (on its thread), e.g. to a log.
        public var onEvent: (@Sendable (TrainerEvent) -> Void)?
        /// Where the S key saves checkpoints.
        public var checkpointDirectory = "runs/checkpoints"
        /// Each new snapshot the dashboard draws (main thread).
        public var onSnapshot: ((TrainingSnapshot) -> Void)?
        /// How fast a live run starts out (the pace knob changes it).
        public var pace = RunPace.fullSpeed

        public init() {}
    }

    /// Why the dashboard ended, and the exit code to use.
    public enum Outcome: Equatable {
        case quit
        /// A signal (or the terminal gone, as SIGHUP would say): exit with 128 + its number.
        case signalled(TerminationSignals.Signal)

        public var exitCode: Int32 {
            switch self {
            case .quit: 0
            case let .signalled(signal): signal.exitCode
            }
        }
    }

    private let trainer: any DashboardSource
    private let options: Options
    private let library: ThemeLibrary
    private var themeName: String
    private var theme: Theme
    private var glyphs: Glyphs
    private var depth: ColorDepth
    private var frameState: DashboardFrameState
    private var state = DashboardState()
    private var history = RunHistory()
    private var snapshot: TrainingSnapshot?
    private var frame: DashboardFrame?
    /// The snapshot step and state the live frame was computed from.
    private var frameOf: (step: Int, state: RunState)?
    private lazy var framePacing = FramePacing(framesPerSecond: options.framesPerSecond)
    private var editing: String?
    private var confirmingQuit = false
    /// The method `m` (or the method knob) proposes; Enter switches to it.
    private var proposedMethod: String?
    private var lastSnapshotMessage: String?
    private let signals = TerminationSignals()
    private let speedup = SpeedupMeasurement()

    public convenience init(trainer: any DashboardSource, model: Model, options: Options) throws {
        try self.init(trainer: trainer, frameState: DashboardFrameState(model: model), options: options)
    }

    public init(trainer: any DashboardSource, frameState: DashboardFrameState, options: Options) throws {
        self.trainer = trainer
        self.options = options
        library = ThemeLibrary()
        let file = try library.load(named: options.themeName)
        themeName = file.theme.name
        let terminal = TerminalInfo.current()
        depth = ColorDepth.resolve(options.colorChoice, terminal: terminal)
        theme = depth.adapting(file.theme)
        glyphs = options.ascii || !terminal.supportsUnicode ? .ascii : .unicode
        self.frameState = frameState
        self.frameState.overlay = options.overlay
        self.frameState.givenBaseline = options.baseline
        state.message = options.initialMessage
        if let warning = file.diagnostics.first { state.message = "theme: \(warning)" }
    }

    /// Runs until the user quits or a signal ends it; the terminal is restored either way.
    public func run() -> Outcome {
        CrashGuard.install()
        signals.start()
        let depth = self.depth
        let backend = TerminalBackend(palette: { colors, direct in
            switch depth {
            case .none: return .none
            case .truecolor where direct: return .direct
            default:
                return .indexed { color in
                    switch depth.terminalColor(for: color) {
                    case let .indexed(index): return Int32(index < colors ? index : 7)
                    case let .rgb(rgb): return Int32(colors >= 256 ? ColorDepth.nearestPalette256(rgb) : ColorDepth.nearestBasic16(rgb))
                    case nil: return -1
                    }
                }
            }
        })
        defer { backend.close() }
        if let live = trainer as? Trainer { live.start(pace: options.pace, onEvent: options.onEvent ?? { _ in }) } else { trainer.start() }
        let frameInterval = 1 / options.framesPerSecond
        var nextFrame = Date()
        var outcome: Outcome?
        while outcome == nil {
            if let signalled = signals.received {
                outcome = .signalled(signalled)
                break
            }
            let wait = max(0, Int32(nextFrame.timeIntervalSinceNow * 1000))
            if let key = backend.readKey(timeoutMilliseconds: min(wait, 50)) {
                if key == .resize { backend.invalidate() }
                // Act on the run as it is now, so quick repeated keys build on each other.
                refreshFromTrainer(size: backend.size)
                if handle(key, size: backend.size) { outcome = .quit }
                render(backend)
                continue
            }
            // The terminal went away without a SIGHUP: end as if it had come, not spin on EOF.
            if backend.inputClosed {
                outcome = .signalled(.hangUp)
                break
            }
            if Date() >= nextFrame {
                refreshFromTrainer(size: backend.size)
                render(backend)
                nextFrame = Date().addingTimeInterval(frameInterval)
            }
        }
        trainer.send(.stop)
        // Wait however long the step in flight takes: exiting while the trainer multiplies
        // on its queue would fault inside OpenBLAS (see SpeedupMeasurement.finish).
        while !trainer.waitUntilFinished(timeout: 1) {}
        speedup.finish()
        return outcome ?? .quit
    }

    // MARK: Data

    private func refreshFromTrainer(size: (width: Int, height: Int)) {
        guard let latest = trainer.latestSnapshot else { return }
        if snapshot == nil {
            if trainer.playback == nil, state.message == nil { state.message = PhaseNarration.opening(latest) }
            // Open on a layer the run prunes, not one the budget keeps dense (LeNet-5's conv1).
            let count = latest.layers.filter(\.isPrunable).count
            let keptDense = latest.sparsity.activeBudget.denseLayers(count: count)
            state.selectedLayer = (0..<count).first { !keptDense.contains($0) } ?? 0
        }
        if let message = latest.message, message != lastSnapshotMessage {
            state.message = message
            lastSnapshotMessage = message
            if let change = latest.pausedAtPhaseChange {
                frameState.takeEvaluations(latest)
                state.message = PhaseNarration.pause(change, snapshot: latest, hill: frameState.hill)
            }
        }
        if latest.step == snapshot?.step && latest.state == snapshot?.state && frame != nil {
            refreshLiveFrame(latest)
            return
        }
        if latest.state == .finished && snapshot?.state != .finished {
            let rate = latest.trainingSeconds > 0 ? Double(latest.samplesSeen) / latest.trainingSeconds : 0
            let accuracy = latest.testAccuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
            state.message = "finished: test accuracy \(accuracy), \(Format.grouped(Int(rate.rounded()))) samples/s of training; q quits"
        }
        snapshot = latest
        options.onSnapshot?(latest)
        history.record(latest)
        sizeHeatmaps(for: size, layers: latest.layers.filter(\.isPrunable).count)
        if let recorded = trainer.recordedFrame(for: latest) {
            frame = recorded.dashboardFrame
            frame?.otherOperationsPerSample = frameState.network.elementOperations
            frameState.takeEvaluations(latest)
        } else if trainer.playback == nil {
            refreshLiveFrame(latest)
        }
    }

    /// Recomputes the panels from `latest` when it is newer than the frame and the pacing
    /// allows (a big network's frame comes less often; the header follows every snapshot).
    private func refreshLiveFrame(_ latest: TrainingSnapshot) {
        guard trainer.playback == nil, frameOf.map({ $0.step != latest.step || $0.state != latest.state }) ?? true else { return }
        let start = FramePacing.now
        guard frame == nil || framePacing.isDue(at: start) else { return }
        frame = DashboardFrame.make(latest, state: &frameState)
        frameOf = (latest.step, latest.state)
        framePacing.computed(startedAt: start, cost: FramePacing.now - start)
        if sparseInferenceGap(frameState.network) == nil { speedup.requestIfMasksChanged(latest) }
    }

    /// Asks the frame for heatmap grids that fill their part of the Sparsity panel (two
    /// pixel rows per cell).
    private func sizeHeatmaps(for size: (width: Int, height: Int), layers: Int) {
        guard let layout = DashboardLayout(width: size.width, height: size.height) else { return }
        let areas = SparsityPanelLayout(rect: layout[.sparsity].inset(by: 1), layers: layout.sparsityShowsEveryLayer ? max(layers, 1) : 1,
                                        selected: state.selectedLayer, hasInputMap: frame?.inputMap != nil,
                                        inputMapToggled: state.inputMapToggled)
        guard let area = areas.heatmaps.first else { return }
        frameState.heatmapRows = max((area.height - 1) * 2, 2)
        frameState.heatmapColumns = max(area.width, 4)
    }

    private func render(_ backend: TerminalBackend) {
        let size = backend.size
        var screen = Screen(width: size.width, height: size.height)
        var model = DashboardModel(snapshot: snapshot, frame: frame, hill: frameState.hill, history: history, state: state,
                                   editing: editing, measuredCPU: speedup.latest,
                                   paused: snapshot?.state == .paused)
        model.replaySpeed = trainer.playback?.speed
        model.replaySecondsRemaining = trainer.playback?.secondsRemaining
        model.confirmingQuit = confirmingQuit
        model.measuredCPUGap = trainer.playback != nil ? "live runs only" : sparseInferenceGap(frameState.network)
        DashboardView.draw(model, into: &screen, theme: theme, glyphs: glyphs)
        backend.draw(screen)
    }

    // MARK: Input

    /// Applies one key; true when the app should quit.
    private func handle(_ key: KeyEvent, size: (width: Int, height: Int)) -> Bool {
        if editing != nil { return editValue(key) }
        if confirmingQuit {
            confirmingQuit = false
            if key == .character("q") || key == .character("y") { return true }
            state.message = "quit cancelled"
            return false
        }
        if let proposed = proposedMethod {
            switch key {
            case .enter:
                proposedMethod = nil
                sendAndAwaitAnnouncement(.setMethod(proposed))
                if let undo = snapshot?.undoableMethodSwitch, undo.to == proposed { state.message = MethodSwitchProposal.applied(undo) }
                return false
            case .escape:
                proposedMethod = nil
                state.message = "kept \(snapshot?.sparsity.method ?? "the method")"
                return false
            default:
                break
            }
        }
        // Any key but one that proposes the next method drops the proposal.
        let proposalBefore = proposedMethod
        defer { if proposedMethod == proposalBefore { proposedMethod = nil } }
        guard let action = KeyBindings.action(for: key, state: state) else { return false }
        if let refusal = refusalOnceTheRunIsOver(action) {
            state.message = refusal
            return false
        }
        let layout = DashboardLayout(width: size.width, height: size.height)
        switch action {
        case .quit:
            if trainer.playback != nil { return true }
            if let current = snapshot?.state, !current.isTerminal {
                confirmingQuit = true
                state.message = "the run is in progress: press q again to quit, any other key to go on"
                return false
            }
            return true
        case .toggleHelp: state.showsHelp.toggle()
        case .closeHelp: state.showsHelp = false
        case .togglePause:
            if let replay = trainer.playback { replay.send(replay.isPaused ? .resume : .pause) }
            else if let current = snapshot, !current.state.isTerminal {
                let pausing = current.state == .running
                trainer.send(pausing ? .pause : .resume)
                if current.state != .diverged { state.message = PhaseNarration.toggled(paused: pausing, snapshot: current) }
            }
        case .step: trainer.send(.step(count: 1))
        case .focusNext: cycleFocus(by: 1)
        case .focusPrevious: cycleFocus(by: -1)
        case let .moveFocus(direction):
            if let layout { state.focusedPanel = layout.neighbour(of: state.focusedPanel, toward: direction) }
        case .selectNextKnob: state.selectedKnob = (state.selectedKnob + 1) % Knob.allCases.count
        case .selectPreviousKnob: state.selectedKnob = (state.selectedKnob + Knob.allCases.count - 1) % Knob.allCases.count
        case .increaseKnob: turn(Knob.allCases[state.selectedKnob], by: 1)
        case .decreaseKnob: turn(Knob.allCases[state.selectedKnob], by: -1)
        case .editKnob:
            if trainer.playback != nil { state.message = Self.replayKnobRefusal } else { editing = "" }
        case .cycleMethod:
            if trainer.playback != nil { state.message = Self.replayKnobRefusal } else { turn(.method, by: 1) }
        case .undoMethodSwitch:
            if trainer.playback != nil { state.message = Self.replayKnobRefusal } else { sendAndAwaitAnnouncement(.undoMethodSwitch) }
        case let .changePace(direction): turn(.pace, by: direction)
        case .nextLayer: state.selectedLayer = (state.selectedLayer + 1) % max(layerCount, 1)
        case .previousLayer: state.selectedLayer = (state.selectedLayer + max(layerCount, 1) - 1) % max(layerCount, 1)
        case let .selectLayer(index):
            if index < layerCount { state.selectedLayer = index } else { state.message = "there are \(layerCount) prunable layers" }
        case .toggleError: state.showsError.toggle()
        case .toggleLogHistogram: state.logHistogram.toggle()
        case .toggleHeatmapMode: state.heatmapShowsMagnitude.toggle()
        case .toggleInputMap: state.inputMapToggled.toggle()
        case .rewind:
            if trainer.playback != nil { state.message = Self.replayKnobRefusal } else { trainer.send(.rewind) }
        case .cycleTheme: cycleTheme()
        case .saveCheckpoint: saveCheckpoint()
        case .redraw: break
        case let .click(x, y):
            if let hit = layout?.hitTest(x: x, y: y, selectedKnob: state.selectedKnob) {
                state.focusedPanel = hit.panel
                if let knob = hit.knob { state.selectedKnob = knob }
            }
        case let .wheel(x, y, delta):
            if let hit = layout?.hitTest(x: x, y: y, selectedKnob: state.selectedKnob), hit.panel == .knobs {
                if let knob = hit.knob { state.selectedKnob = knob }
                turn(Knob.allCases[state.selectedKnob], by: delta)
            }
        }
        return false
    }

    private var layerCount: Int { snapshot?.layers.filter(\.isPrunable).count ?? 0 }

    /// What a key that steers the trainer says once the run has ended: the trainer takes no
    /// more commands, and a key that did nothing and said nothing looked broken.
    private func refusalOnceTheRunIsOver(_ action: DashboardAction) -> String? {
        guard trainer.playback == nil, let current = snapshot?.state, current.isTerminal else { return nil }
        let why: String
        switch action {
        case .togglePause, .step: why = "there is nothing left to pause or step"
        case .increaseKnob, .decreaseKnob, .editKnob, .cycleMethod, .changePace, .undoMethodSwitch: why = "the knobs steer a live run"
        case .rewind: why = "rewind acts on a live run"
        case .saveCheckpoint: why = "S saves a live run to go on with later"
        default: return nil
        }
        return "the run has \(current == .finished ? "finished" : "stopped"): \(why); q quits"
    }

    private func cycleFocus(by offset: Int) {
        let panels = DashboardState.PanelID.allCases
        let index = panels.firstIndex(of: state.focusedPanel) ?? 0
        state.focusedPanel = panels[(index + offset + panels.count) % panels.count]
    }

    static let replayKnobRefusal = "a replay shows the run as recorded: its knobs cannot change; < > or + - set the speed"

    private func turn(_ knob: Knob, by direction: Int) {
        if let replay = trainer.playback {
            // Every knob key is the replay's speed: its own knobs are as recorded.
            replay.changeSpeed(by: direction)
            return
        }
        guard let snapshot = trainer.latestSnapshot ?? snapshot else { return }
        if knob == .method {
            propose(MethodSwitchProposal.method(after: proposedMethod ?? snapshot.sparsity.method, steps: direction))
            return
        }
        send(KnobCommands.step(knob, by: direction, snapshot: snapshot))
    }

    /// Asks the trainer what switching to `method` would do, and says it; Enter switches.
    private func propose(_ method: String) {
        sendAndAwaitAnnouncement(.previewMethodSwitch(method))
        guard let preview = trainer.latestSnapshot?.methodSwitchPreview, preview.to == method else { return }
        proposedMethod = method
        state.message = MethodSwitchProposal.message(preview)
    }

    private func send(_ result: Result<TrainerCommand, KnobCommands.Refusal>) {
        switch result {
        case let .success(command): sendAndAwaitAnnouncement(command)
        case let .failure(refusal): state.message = "refused: \(refusal)"
        }
    }

    /// Sends a knob command and waits (at most 100 ms) until the trainer announces it
    /// applied or refused it, so the next key press builds on the new value.
    private func sendAndAwaitAnnouncement(_ command: TrainerCommand) {
        let before = trainer.latestSnapshot?.message
        trainer.send(command)
        let deadline = Date().addingTimeInterval(0.1)
        while Date() < deadline, trainer.latestSnapshot?.message == before {
            Thread.sleep(forTimeInterval: 0.002)
        }
        if let latest = trainer.latestSnapshot {
            snapshot = latest
            // Shown now, and not again by the next refresh: a caller may say it in its own words.
            if let message = latest.message, message != before {
                state.message = message
                lastSnapshotMessage = message
            }
        }
    }

    /// Line editing of a typed knob value; true never (typing cannot quit).
    private func editValue(_ key: KeyEvent) -> Bool {
        switch key {
        case .escape:
            editing = nil
        case .enter:
            if let text = editing, let snapshot {
                send(KnobCommands.typed(text, for: Knob.allCases[state.selectedKnob], snapshot: snapshot))
            }
            editing = nil
        case .character("\u{7F}"):
            if editing?.isEmpty == false { editing?.removeLast() }
        case let .character(character) where editing!.count < 40:
            editing?.append(character)
        default:
            break
        }
        return false
    }

    /// Asks the trainer to save between steps; it says where (or why not) on the message line.
    private func saveCheckpoint() {
        guard trainer.playback == nil else {
            state.message = "a replay has no checkpoints to save"
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: options.checkpointDirectory, withIntermediateDirectories: true)
        } catch {
            state.message = "cannot create \(options.checkpointDirectory): \(error.localizedDescription)"
            return
        }
        let stamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.omitted))
        let path = (options.checkpointDirectory as NSString).appendingPathComponent("dashboard-\(stamp).ckpt")
        sendAndAwaitAnnouncement(.saveCheckpoint(path: path))
    }

    private func cycleTheme() {
        let next = library.name(after: themeName)
        do {
            let file = try library.load(named: next)
            themeName = file.theme.name
            theme = depth.adapting(file.theme)
            state.message = "theme \(themeName)"
        } catch {
            state.message = "theme \(next): \(error)"
        }
    }
}

/// On a crash, put the terminal back before the process dies.
private enum CrashGuard {
    static func install() {
        for number in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
            signal(number) { number in
                endwin()
                signal(number, SIG_DFL)
                raise(number)
            }
        }
    }
}

