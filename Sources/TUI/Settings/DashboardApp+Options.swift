/// The options screen in the app: a change to the theme or the keys applies at once;
/// Enter writes the config file (`SettingsFile`), Esc closes without writing.
extension DashboardApp {
    func editOptions(_ key: KeyEvent) -> Bool {
        guard var screen = optionsScreen else { return false }
        let outcome = screen.handle(key)
        optionsScreen = screen
        switch outcome {
        case .editing: break
        case let .changed(row):
            if row == .theme, let name = screen.settings.theme { applyTheme(named: name) }
            if row == .keys { keyMap.preset = screen.settings.keys }
        case .closed:
            optionsScreen = nil
            if screen.settings != settings { state.message = "options not saved (Enter saves them)" }
        case .save:
            optionsScreen = nil
            settings = screen.settings
            guard let path = options.settingsPath else {
                state.message = "options: nowhere to save them (set HOME or XDG_CONFIG_HOME)"
                break
            }
            do {
                try SettingsFile.save(settings, to: path)
                state.message = "options saved to \(path)"
            } catch {
                state.message = "options: cannot write \(path): \(error.localizedDescription)"
            }
        }
        return false
    }
}
