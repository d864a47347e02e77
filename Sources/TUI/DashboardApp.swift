import CNCurses
import DashboardModel
import Dispatch
import Foundation
import Metrics
import RunLogs
import SparseKernels
import Training

/// The interactive dashboard: owns the terminal (main thread only), reads keys and the
/// mouse, acts on its source (steers a live run, or works a replay's clock) and redraws
/// from its snapshots.
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
        /// A recorded run whose curves the Loss panel draws under the live run's (`--compare`);
        /// its hill points are in `overlay`.
        public var compared: ComparedRun?
        /// The log `compared` was read from, followed as it grows (a run still training).
        public var comparedLog: FollowedRunLog?
        /// A live run's events, as the trainer sends them (on its thread), e.g. to a log.
        public var onEvent: (@Sendable (TrainerEvent) -> Void)?
        /// Where the S key saves checkpoints.
        public var checkpointDirectory = "runs/checkpoints"
        /// Each new snapshot the dashboard draws (main thread).
        public var onSnapshot: ((TrainingSnapshot) -> Void)?
        /// How fast a live run starts out (the pace knob changes it).
        public var pace = RunPace.fullSpeed
        /// The config file's settings (the options screen edits them) and where it is.
        public var settings = DashboardSettings()
        public var settingsPath: String?
        /// The panels laid out (`--panels`, else the file's `panels`).
        public var panels = PanelID.allCases

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

    let source: any DashboardSource
    let options: Options
    let library: ThemeLibrary
    private var themeName: String
    private var theme: Theme
    private var glyphs: Glyphs
    private var depth: ColorDepth
    var frameContext: DashboardFrameContext
    var state = DashboardViewState()
    private var history = RunHistory()
    /// The `--compare` run as far as its log goes.
    private var compared: ComparedRun?
    /// The source's `restarts` the history was recorded under.
    private var restartsSeen = 0
    var snapshot: TrainingSnapshot?
    private var frame: DashboardFrame?
    /// The snapshot step and state the live frame was computed from.
    private var frameOf: (step: Int, state: RunStatus)?
    private lazy var framePacing = FramePacing(framesPerSecond: options.framesPerSecond)
    private var editing: String?
    private var confirmingQuit = false
    /// The `:` bar being typed in, and the history it keeps across sessions.
    var commandBar: CommandEditor?
    let commandHistory = CommandHistory()
    /// The layer browser, while it is open.
    var layerBrowser: LayerBrowser?
    /// The options screen, while it is open; the keys as the settings map them.
    var optionsScreen: OptionsScreen?
    var keyMap: KeyMap
    var settings: DashboardSettings
    /// The method `m` (or the method knob) proposes; Enter switches to it.
    private var proposedMethod: String?
    private var lastSnapshotMessage: String?
    private let signals = TerminationSignals()
    let speedup: SpeedupMeasurement

    /// `model`: the dashboard's own copy of the run's network (not the trainer's); the
    /// measured CPU speedup runs it from then on.
    public convenience init(source: any DashboardSource, model: Model, options: Options) throws {
        try self.init(source: source, frameContext: DashboardFrameContext(model: model), options: options, measuring: model)
    }

    /// `model`, when given, as for `init(source:model:options:)`; without one the measured
    /// CPU speedup covers MLPs only.
    public init(source: any DashboardSource, frameContext: DashboardFrameContext, options: Options, measuring model: Model? = nil) throws {
        self.source = source
        speedup = SpeedupMeasurement(model: model)
        self.options = options
        settings = options.settings
        keyMap = KeyMap(preset: options.settings.keys, bindings: options.settings.bindings)
        library = ThemeLibrary()
        let file = try library.load(named: options.themeName)
        themeName = file.theme.name
        let terminal = TerminalInfo.current()
        depth = ColorDepth.resolve(options.colorChoice, terminal: terminal)
        theme = depth.adapting(file.theme)
        glyphs = options.ascii || !terminal.supportsUnicode ? .ascii : .unicode
        self.frameContext = frameContext
        self.frameContext.overlay = options.overlay
        compared = options.compared
        self.frameContext.givenBaseline = options.baseline
        state.show(options.panels)
        state.message = options.initialMessage
        if let warning = file.diagnostics.first { state.message = "theme: \(warning)" }
    }

    /// Runs until the user quits or a signal ends it; the terminal is restored either way.
    public func run() -> Outcome {
        CrashGuard.install()
        signals.start()
        let backend = TerminalBackend(palette: depth.backendPalette)
        defer { backend.close() }
        source.start(DashboardStartOptions(pace: options.pace, onEvent: options.onEvent ?? { _ in }))
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
                refreshFromSource(size: backend.size)
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
                refreshFromSource(size: backend.size)
                render(backend)
                nextFrame = Date().addingTimeInterval(frameInterval)
            }
        }
        source.stop()
        // Wait however long the step in flight takes: exiting while the trainer multiplies
        // on its queue would fault inside OpenBLAS (see SpeedupMeasurement.finish).
        while !source.waitUntilFinished(timeout: 1) {}
        speedup.finish()
        return outcome ?? .quit
    }

    // MARK: Data

    func refreshFromSource(size: (width: Int, height: Int)) {
        refreshCompared()
        if case let .steering(run) = source.controls {
            // Commands whose acknowledgement came after `sendAwaitingAcknowledgement` gave up.
            for acknowledgement in run.takeAcknowledgements() { show(acknowledgement) }
        }
        guard let latest = source.latestSnapshot else { return }
        if source.restarts != restartsSeen {
            restartsSeen = source.restarts
            (history, snapshot, frame, frameOf) = (RunHistory(), nil, nil, nil)
            let (overlay, baseline) = (frameContext.overlay, frameContext.givenBaseline)
            frameContext = DashboardFrameContext(network: source.network ?? frameContext.network)
            (frameContext.overlay, frameContext.givenBaseline) = (overlay, baseline)
            state.message = "the run began again (its log has a new start): the curves start over"
        }
        for earlier in source.takeIntermediateSnapshots() { history.record(earlier) }
        if snapshot == nil {
            if case .steering = source.controls, state.message == nil { state.message = PhaseNarration.opening(latest) }
            // Open on a layer the run prunes, not one the budget keeps dense (LeNet-5's conv1).
            let count = latest.layers.filter(\.isPrunable).count
            let keptDense = latest.sparsity.activeBudget.denseLayers(count: count)
            state.selectedLayer = (0..<count).first { !keptDense.contains($0) } ?? 0
        }
        if let message = latest.message, message != lastSnapshotMessage {
            state.message = message
            lastSnapshotMessage = message
            if let change = latest.pausedAtPhaseChange {
                frameContext.takeEvaluations(latest)
                state.message = PhaseNarration.pause(change, snapshot: latest, hill: frameContext.hill)
            }
        }
        if latest.step == snapshot?.step && latest.state == snapshot?.state && frame != nil {
            refreshLiveFrame(latest)
            return
        }
        if latest.state == .finished && snapshot?.state != .finished {
            let rate = latest.trainingSeconds > 0 ? Double(latest.samplesSeen) / latest.trainingSeconds : 0
            let accuracy = latest.testAccuracy.map { String(format: "%.2f%%", $0 * 100) } ?? "n/a"
            // A recorded run (a watched one) counts no samples: it says no rate rather than 0.
            let speed = latest.samplesSeen > 0 ? ", \(Format.grouped(Int(rate.rounded()))) samples/s of training" : ""
            state.message = "finished: test accuracy \(accuracy)\(speed); q quits"
        }
        snapshot = latest
        options.onSnapshot?(latest)
        history.record(latest)
        sizeHeatmaps(for: size, layers: latest.layers.filter(\.isPrunable).count)
        switch source.figures(for: latest) {
        case let .recorded(recorded):
            frame = recorded.dashboardFrame
            frame?.otherOperationsPerSample = frameContext.network.elementOperations
            frameContext.takeEvaluations(latest)
        case .computedFromWeights: refreshLiveFrame(latest)
        case .notYet: break
        }
    }

    /// Forgets the live frame, so the next refresh computes the panels from the latest snapshot
    /// whatever the pacing (a one-shot frame's panels show the step its header does).
    func dropLiveFrame() { (frame, frameOf) = (nil, nil) }

    /// Takes what the compared run's log gained (`--compare` on a run still training): its
    /// curves and its points on the hill; a line that does not read is named on the message line.
    private func refreshCompared() {
        guard let log = options.comparedLog, let previous = compared, log.poll() else { return }
        if let problem = log.problem { state.message = "--compare: \(problem)" }
        guard let timeline = log.comparedRun?.timeline else { return }
        let updated = ComparedRun(name: previous.name, timeline: timeline)
        frameContext.overlay.points.removeAll { $0.runID == previous.hillRunID }
        frameContext.overlay.points = updated.hillPoints + frameContext.overlay.points
        compared = updated
    }

    /// Recomputes the panels from `latest` when it is newer than the frame and the pacing
    /// allows (a big network's frame comes less often; the header follows every snapshot).
    private func refreshLiveFrame(_ latest: TrainingSnapshot) {
        guard case .computedFromWeights = source.figures(for: latest),
              frameOf.map({ $0.step != latest.step || $0.state != latest.state }) ?? true else { return }
        let start = FramePacing.now
        guard frame == nil || framePacing.isDue(at: start) else { return }
        frame = DashboardFrame.make(latest, context: &frameContext)
        frameOf = (latest.step, latest.state)
        framePacing.computed(startedAt: start, cost: FramePacing.now - start)
        if sparseInferenceGap(frameContext.network) == nil { speedup.requestIfMasksChanged(latest) }
    }

    /// Asks the frame for heatmap grids that fill their part of the Sparsity panel (two
    /// pixel rows per cell).
    private func sizeHeatmaps(for size: (width: Int, height: Int), layers: Int) {
        guard let layout = state.layout(width: size.width, height: size.height), let sparsity = layout.panels[.sparsity] else { return }
        let areas = SparsityPanelLayout(rect: sparsity.inset(by: 1), layers: layout.sparsityShowsEveryLayer ? max(layers, 1) : 1,
                                        selected: state.selectedLayer, hasInputMap: frame?.inputMap != nil,
                                        inputMapToggled: state.inputMapToggled)
        guard let area = areas.heatmaps.first else { return }
        frameContext.heatmapRows = max((area.height - 1) * 2, 2)
        frameContext.heatmapColumns = max(area.width, 4)
    }

    private func render(_ backend: TerminalBackend) {
        backend.draw(composeScreen(width: backend.size.width, height: backend.size.height))
    }

    /// The dashboard as it stands, drawn into a screen of this size.
    func composeScreen(width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height)
        var model = DashboardModel(snapshot: snapshot, frame: frame, hill: frameContext.hill, history: history, state: state,
                                   editing: editing, measuredCPU: speedup.latest,
                                   paused: snapshot?.state == .paused)
        model.confirmingQuit = confirmingQuit
        model.compared = compared
        refreshLayerBrowser()
        (model.commandBar, model.layerBrowser, model.optionsScreen) = (commandBar, layerBrowser, optionsScreen)
        switch source.controls {
        case let .playback(clock):
            model.replaySpeed = clock.speed
            model.replaySecondsRemaining = clock.secondsRemaining
            model.measuredCPUGap = "live runs only"
        case let .steering(run):
            model.measuredCPUGap = sparseInferenceGap(frameContext.network)
            model.unavailableKnobs = run.unavailableKnobs
        case .inspection:
            model.inspecting = true
            model.measuredCPUGap = "text report"
        }
        DashboardView.draw(model, into: &screen, theme: theme, glyphs: glyphs)
        return screen
    }

    // MARK: Input

    /// Applies one key; true when the app should quit.
    private func handle(_ key: KeyEvent, size: (width: Int, height: Int)) -> Bool {
        if editing != nil { return editValue(key) }
        if commandBar != nil { return editCommand(key, size: size) }
        if layerBrowser != nil && key != .resize { return browseLayers(key, size: size) }
        if optionsScreen != nil && key != .resize { return editOptions(key) }
        if confirmingQuit {
            confirmingQuit = false
            if key == .character("q") || key == .character("y") { return true }
            state.message = "quit cancelled"
            return false
        }
        var key = key
        switch keyMap.meaning(of: key) {
        case let .command(command): return run(command, size: size)
        case let .key(mapped): key = mapped
        }
        if let proposed = proposedMethod, case let .steering(run) = source.controls {
            switch key {
            case .enter:
                proposedMethod = nil
                sendAwaitingAcknowledgement(.setMethod(proposed), to: run)
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
        return perform(action, size: size)
    }

    /// Does what a key (or a command standing for one) asks; true when the app should quit.
    func perform(_ action: DashboardAction, size: (width: Int, height: Int)) -> Bool {
        let layout = state.layout(width: size.width, height: size.height)
        switch action {
        case .toggleHelp: (state.showsHelp, state.showsCommands) = (!state.showsHelp, false)
        case .closeHelp: (state.showsHelp, state.showsCommands) = (false, false)
        case .focusNext: cycleFocus(by: 1)
        case .focusPrevious: cycleFocus(by: -1)
        case let .moveFocus(direction):
            if let layout { state.focusedPanel = layout.neighbour(of: state.focusedPanel, toward: direction) }
        case .selectNextKnob, .selectPreviousKnob:
            state.selectedKnob = (state.selectedKnob + (action == .selectNextKnob ? 1 : Knob.allCases.count - 1)) % Knob.allCases.count
            // `:knob next` with the panel hidden: say which knob `:knob up` would now turn.
            if !state.isShown(.knobs) { state.message = "knob selected: \(Knob.allCases[state.selectedKnob].rawValue) (Knobs is hidden)" }
        case .nextLayer: state.selectedLayer = (state.selectedLayer + 1) % max(layerCount, 1)
        case .previousLayer: state.selectedLayer = (state.selectedLayer + max(layerCount, 1) - 1) % max(layerCount, 1)
        case let .selectLayer(index):
            if index < layerCount { state.selectedLayer = index } else { state.message = "there are \(layerCount) prunable layers" }
        case .toggleError: state.showsError.toggle()
        case .toggleLogHistogram: state.logHistogram.toggle()
        case .toggleHeatmapMode: state.heatmapShowsMagnitude.toggle()
        case .toggleInputMap: state.inputMapToggled.toggle()
        case .cycleTheme: cycleTheme()
        case .redraw: break
        case .openCommandBar: commandBar = CommandEditor(history: commandHistory.load())
        case .openLayerBrowser: openLayerBrowser(size: size)
        case .openOptions: openOptions()
        case let .click(x, y):
            if let hit = layout?.hitTest(x: x, y: y, selectedKnob: state.selectedKnob) {
                state.focusedPanel = hit.panel
                if let knob = hit.knob { state.selectedKnob = knob }
            }
        case let .wheel(x, y, delta):
            guard let hit = layout?.hitTest(x: x, y: y, selectedKnob: state.selectedKnob), hit.panel == .knobs else { break }
            if let knob = hit.knob { state.selectedKnob = knob }
            return actOnTheRun(delta > 0 ? .increaseKnob : .decreaseKnob)
        case .quit, .togglePause, .step, .increaseKnob, .decreaseKnob, .editKnob, .cycleMethod, .changePace, .undoMethodSwitch,
             .rewind, .saveCheckpoint:
            return actOnTheRun(action)
        case let .keyOfHiddenPanel(panel, hidden):
            // A replay's knob keys set its speed, which the header shows: they need no panel.
            if case .playback = source.controls { return perform(hidden, size: size) }
            // Knobs' + - Enter would turn the selected knob, which no one sees.
            state.message = "\(panel.title) is hidden: :knob up|down|edit turns the selected knob "
                + "(\(Knob.allCases[state.selectedKnob].rawValue)); :panel show \(panel.name)"
        }
        return false
    }

    /// An action on the run rather than on the view: it steers a live run, or works a
    /// replay's clock. True when the app should quit.
    private func actOnTheRun(_ action: DashboardAction) -> Bool {
        switch source.controls {
        case let .steering(run): steer(run, action)
        case let .playback(clock): play(clock, action)
        case .inspection: inspect(action)
        }
    }

    private func steer(_ run: any SteerableRun, _ action: DashboardAction) -> Bool {
        if let refusal = refusalOnceTheRunIsOver(action) {
            state.message = refusal
            return false
        }
        switch action {
        case .quit:
            if let current = snapshot?.state, !current.isTerminal, run.quittingStopsTheRun {
                confirmingQuit = true
                state.message = "the run is in progress: press q again to quit, any other key to go on"
                return false
            }
            return true
        case .togglePause:
            if let current = snapshot, !current.state.isTerminal {
                let pausing = current.state == .running
                run.send(pausing ? .pause : .resume)
                if current.state != .diverged { state.message = PhaseNarration.toggled(paused: pausing, snapshot: current) }
            }
        case .step: run.send(.step(count: 1))
        case .increaseKnob: turn(Knob.allCases[state.selectedKnob], by: 1, on: run)
        case .decreaseKnob: turn(Knob.allCases[state.selectedKnob], by: -1, on: run)
        case let .changePace(direction): turn(.pace, by: direction, on: run)
        case .cycleMethod: turn(.method, by: 1, on: run)
        case .editKnob: editing = ""
        case .undoMethodSwitch: sendAwaitingAcknowledgement(.undoMethodSwitch, to: run)
        case .rewind: run.send(.rewind)
        case .saveCheckpoint: saveCheckpoint(on: run)
        default: break
        }
        return false
    }

    /// A replay: space and s work its clock and every knob key its speed; its own knobs
    /// are as recorded. q quits at once.
    private func play(_ clock: any PlaybackControls, _ action: DashboardAction) -> Bool {
        switch action {
        case .quit: return true
        case .togglePause: clock.togglePause()
        case .step: clock.stepToNextMoment()
        case .increaseKnob: clock.changeSpeed(by: 1)
        case .decreaseKnob: clock.changeSpeed(by: -1)
        case let .changePace(direction): clock.changeSpeed(by: direction)
        case .editKnob, .cycleMethod, .undoMethodSwitch, .rewind: state.message = Self.replayKnobRefusal
        case .saveCheckpoint: state.message = "a replay has no checkpoints to save"
        default: break
        }
        return false
    }

    /// A fixed snapshot: q quits; a key that would act on a run says why it does nothing.
    private func inspect(_ action: DashboardAction) -> Bool {
        switch action {
        case .quit: return true
        case .togglePause, .step, .increaseKnob, .decreaseKnob, .changePace, .editKnob, .cycleMethod, .undoMethodSwitch, .rewind,
             .saveCheckpoint:
            state.message = "an inspected file does not run: its knobs are as saved"
        default: break
        }
        return false
    }

    private var layerCount: Int { snapshot?.layers.filter(\.isPrunable).count ?? 0 }

    /// What a key that steers the trainer says once the run has ended: the trainer takes no
    /// more commands, and a key that did nothing and said nothing looked broken.
    func refusalOnceTheRunIsOver(_ action: DashboardAction) -> String? {
        guard let current = snapshot?.state, current.isTerminal else { return nil }
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
        let panels = state.shownPanels
        let index = panels.firstIndex(of: state.focusedPanel) ?? 0
        state.focusedPanel = panels[(index + offset + panels.count) % panels.count]
    }

    static func unavailableKnobRefusal(_ knob: Knob) -> String { "refused: this run does not take the \(knob.rawValue) knob" }

    static let replayKnobRefusal = "a replay shows the run as recorded: its knobs cannot change; < > or + - set the speed"

    private func turn(_ knob: Knob, by direction: Int, on run: any SteerableRun) {
        if run.unavailableKnobs.contains(knob) {
            state.message = Self.unavailableKnobRefusal(knob)
            return
        }
        guard let snapshot = source.latestSnapshot ?? snapshot else { return }
        if knob == .method {
            propose(MethodSwitchProposal.method(after: proposedMethod ?? snapshot.sparsity.method, steps: direction), to: run)
            return
        }
        send(KnobCommands.step(knob, by: direction, snapshot: snapshot), to: run)
    }

    /// Asks the trainer what switching to `method` would do, and says it; Enter switches.
    private func propose(_ method: String, to run: any SteerableRun) {
        sendAwaitingAcknowledgement(.previewMethodSwitch(method), to: run)
        guard let preview = source.latestSnapshot?.methodSwitchPreview, preview.to == method else { return }
        proposedMethod = method
        state.message = MethodSwitchProposal.message(preview)
    }

    private func send(_ result: Result<TrainerCommand, KnobCommands.Refusal>, to run: any SteerableRun) {
        switch result {
        case let .success(command): sendAwaitingAcknowledgement(command, to: run)
        case let .failure(refusal): state.message = "refused: \(refusal)"
        }
    }

    /// Sends a command and waits until the trainer acknowledges it (at most 100 ms), so
    /// the next key press builds on the new value. The UI thread blocks on the trainer's
    /// acknowledgement semaphore meanwhile (keys pressed wait in the terminal's buffer); a
    /// later acknowledgement is shown when `refreshFromSource` takes it.
    func sendAwaitingAcknowledgement(_ command: TrainerCommand, to run: any SteerableRun) {
        let acknowledgement = run.awaitAcknowledgement(of: run.send(command), timeout: 0.1)
        if let latest = source.latestSnapshot { snapshot = latest }
        if let acknowledgement { show(acknowledgement) }
    }

    /// Says what the trainer answered a command. Shown now, and not again by the next
    /// refresh: a caller may say it in its own words.
    private func show(_ acknowledgement: CommandAcknowledgement) {
        guard let message = acknowledgement.message else { return }
        state.message = message
        lastSnapshotMessage = message
    }

    /// Line editing of a typed knob value; true never (typing cannot quit).
    private func editValue(_ key: KeyEvent) -> Bool {
        switch key {
        case .escape:
            editing = nil
        case .enter:
            if let text = editing, let snapshot, case let .steering(run) = source.controls {
                let knob = Knob.allCases[state.selectedKnob]
                if run.unavailableKnobs.contains(knob) {
                    state.message = Self.unavailableKnobRefusal(knob)
                } else {
                    send(KnobCommands.typed(text, for: knob, snapshot: snapshot), to: run)
                }
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
    private func saveCheckpoint(on run: any SteerableRun) {
        do {
            try FileManager.default.createDirectory(atPath: options.checkpointDirectory, withIntermediateDirectories: true)
        } catch {
            state.message = "cannot create \(options.checkpointDirectory): \(error.localizedDescription)"
            return
        }
        let stamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.omitted))
        let path = (options.checkpointDirectory as NSString).appendingPathComponent("dashboard-\(stamp).ckpt")
        sendAwaitingAcknowledgement(.saveCheckpoint(path: path), to: run)
    }

    private func cycleTheme() { applyTheme(named: library.name(after: themeName)) }

    func applyTheme(named next: String) {
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
enum CrashGuard {
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

