/// The options screen in the app: a change to the theme, the keys or the panels applies at
/// once; Enter writes the config file (`SettingsFile`), Esc closes without writing.
extension DashboardApp {
    /// The screen opens on the settings as they apply now: the panels `:panel` or
    /// `--panels` changed, to be saved as they are seen.
    func openOptions() {
        var current = settings
        if state.shownPanels != current.panels ?? PanelID.allCases { current.panels = DashboardSettings.panels(state.shownPanels) }
        optionsScreen = OptionsScreen(settings: current, themeNames: library.names, path: options.settingsPath)
    }

    func editOptions(_ key: KeyEvent) -> Bool {
        guard var screen = optionsScreen else { return false }
        let outcome = screen.handle(key)
        optionsScreen = screen
        switch outcome {
        case .editing: break
        case let .changed(row):
            if row == .theme, let name = screen.settings.theme { applyTheme(named: name) }
            if row == .keys { keyMap.preset = screen.settings.keys }
            if case .panel = row { state.show(screen.shownPanels) }
        case let .refused(why): state.message = why
        case .closed:
            optionsScreen = nil
            if screen.settings != screen.opened { state.message = "options not saved (Enter saves them)" }
        case .save:
            optionsScreen = nil
            settings = screen.settings
            guard let path = options.settingsPath else {
                state.message = "options: nowhere to save them (set HOME or XDG_CONFIG_HOME)"
                break
            }
            do {
                try SettingsFile.save(settings, opened: screen.opened, to: path)
                state.message = "options saved to \(path)"
            } catch {
                state.message = "options: cannot write \(path): \(error.localizedDescription)"
            }
        }
        return false
    }
}
