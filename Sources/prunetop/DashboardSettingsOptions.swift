import ArgumentParser
import Foundation
import Recipes
import TUI
import Training

extension DashboardApp.Options {
    /// Reads the config file (`DashboardSettings`) and applies it under the command line's
    /// flags: a flag given wins, the file comes next, then the built-in default. A bad file
    /// ends the command with its problems (file:line:column: key: what was expected), exit 65.
    mutating func applySettings(theme: String?, color: ColorDepth.Choice?, fps: Double?, panels shown: [PanelID]? = nil,
                                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        settingsPath = DashboardSettings.path(environment: environment)
        if let path = settingsPath {
            do {
                settings = try DashboardSettings.load(path: path, themeNames: ThemeLibrary(environment: environment).names)
            } catch {
                let count = error.diagnostics.count
                Terminal.standardError(error.description + "\n"
                                       + "error: the settings file has \(count) problem\(count == 1 ? "" : "s"); fix or remove \(path)\n")
                throw ExitCode(65)
            }
        }
        themeName = theme ?? settings.theme ?? "default"
        colorChoice = color ?? settings.color ?? .auto
        framesPerSecond = fps ?? settings.framesPerSecond ?? 5
        panels = shown ?? settings.panels ?? PanelID.allCases
    }
}
