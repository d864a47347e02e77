import Training

/// The `:` bar in the app: keys edit the line; Enter parses it (`CommandParser`) and runs
/// the command, saying on the message line what was refused.
extension DashboardApp {
    var commandContext: CommandContext {
        CommandContext(layerNames: snapshot?.layers.filter(\.isPrunable).map(\.name) ?? [], themeNames: library.names,
                       stepsPerEpoch: max(snapshot?.stepsPerEpoch ?? 1, 1))
    }

    /// Line editing in the bar; true when the command run quits.
    func editCommand(_ key: KeyEvent, size: (width: Int, height: Int)) -> Bool {
        guard var editor = commandBar else { return false }
        let outcome = editor.handle(key, context: commandContext)
        commandBar = editor
        switch outcome {
        case .editing: return false
        case .cancelled:
            commandBar = nil
            return false
        case let .submitted(line):
            commandBar = nil
            guard !line.isEmpty else { return false }
            commandHistory.save(editor.history)
            switch CommandParser.parse(line, context: commandContext) {
            case let .success(command): return run(command, size: size)
            case let .failure(error):
                state.message = "\(error)"
                return false
            }
        }
    }

    /// Runs a parsed command; true when the app should quit.
    func run(_ command: DashboardCommand, size: (width: Int, height: Int)) -> Bool {
        switch command {
        case let .action(action): return perform(action, size: size)
        case .pause, .resume:
            let paused = snapshot?.state == .paused || { if case let .playback(clock) = source.controls { clock.isPaused } else { false } }()
            if paused == (command == .pause) {
                state.message = paused ? "already paused" : "already running"
                return false
            }
            return perform(.togglePause, size: size)
        case let .setTarget(value): steer(.setTargetSparsity(value), knob: .target)
        case let .setLearningRate(value): steer(.setLearningRate(value), knob: .learningRate)
        case let .setMethod(name): steer(.setMethod(name), knob: .method)
        case let .setSchedule(schedule): steer(.setSparsitySchedule(schedule), knob: .scheduleBegin)
        case let .setBudget(distribution):
            guard var budget = snapshot?.sparsity.activeBudget else { return false }
            budget.distribution = distribution
            steer(.setLayerBudget(budget), knob: .budget)
        case var .setPace(pace):
            pace.pausesAtPhaseChanges = snapshot?.pace.pausesAtPhaseChanges ?? false
            steer(.setPace(pace), knob: .pace)
        case let .setTheme(name): applyTheme(named: name)
        case let .focusPanel(panel):
            if state.isShown(panel) { state.focusedPanel = panel } else { state.message = "\(panel.title) is hidden: :panel show \(panel.name) shows it" }
        case let .changePanel(change, panel): changePanel(change, panel)
        case .listCommands: (state.showsHelp, state.showsCommands) = (true, true)
        }
        return false
    }

    /// Shows or hides a panel for this session (the options screen saves the set).
    private func changePanel(_ change: DashboardCommand.PanelChange, _ panel: PanelID) {
        let show = change == .show || change == .toggle && !state.isShown(panel)
        if show == state.isShown(panel) {
            state.message = "\(panel.title) is \(show ? "shown" : "hidden") already"
        } else if !show && state.shownPanels == [panel] {
            state.message = "\(panel.title) is the only panel shown: show another first"
        } else {
            state.show(show ? state.shownPanels + [panel] : state.shownPanels.filter { $0 != panel })
            state.message = "\(panel.title) \(show ? "shown" : "hidden") (o, then Enter, keeps it for next time)"
        }
    }

    /// Sends a typed value to a live run, or says why it cannot take one.
    private func steer(_ command: TrainerCommand, knob: Knob) {
        switch source.controls {
        case let .steering(run):
            if run.unavailableKnobs.contains(knob) {
                state.message = Self.unavailableKnobRefusal(knob)
            } else if let refusal = refusalOnceTheRunIsOver(.editKnob) {
                state.message = refusal
            } else {
                sendAwaitingAcknowledgement(command, to: run)
            }
        case .playback: state.message = Self.replayKnobRefusal
        case .inspection: state.message = "an inspected file does not run: its knobs are as saved"
        }
    }
}
