import Foundation
import Recipes
import Training

/// The dashboard's persistent settings, `$XDG_CONFIG_HOME/prunetop/config.yaml` (else
/// `~/.config/prunetop/config.yaml`). Every field is optional: unset means the built-in
/// default, and a command-line option wins over the file.
///
///     theme: light          # a theme name (bundled or in prunetop/themes)
///     color: 256            # auto, truecolor, 256, 16 or none
///     fps: 10               # redraws a second, 1 to 60
///     pace: 50              # steps a second of a live run, or full
///     keys: vim             # default, or vim: h j k l move like the arrows
///     panels: [sparsity, hill, loss, knobs]   # the panels laid out (PanelID.name)
///     bind:                 # a key to any command of the : bar
///       x: quit
///       w: layer next
public struct DashboardSettings: Sendable, Equatable {
    public var theme: String?
    public var color: ColorDepth.Choice?
    public var framesPerSecond: Double?
    public var pace: RunPace?
    public var keys: KeyPreset = .standard
    /// The panels to lay out, in Tab order; nil: all of them.
    public var panels: [PanelID]?
    /// Keys given their own command, in the file's order.
    public var bindings: [KeyBinding] = []

    public init() {}

    public enum KeyPreset: String, Sendable, Equatable, CaseIterable {
        case standard = "default"
        case vim
    }

    public struct KeyBinding: Sendable, Equatable {
        public var key: Character
        public var command: DashboardCommand

        public init(key: Character, command: DashboardCommand) {
            self.key = key
            self.command = command
        }
    }

    /// The keys the file may hold, in the order the options screen lists them.
    public static let keyNames = ["theme", "color", "fps", "pace", "keys", "panels", "bind"]

    /// A panel set as a setting: nil (the default, every panel, new ones included) for all.
    public static func panels(_ shown: [PanelID]) -> [PanelID]? { shown == PanelID.allCases ? nil : shown }

    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") { return config + "/prunetop/config.yaml" }
        if let home = environment["HOME"], home.hasPrefix("/") { return home + "/.config/prunetop/config.yaml" }
        return nil
    }

    /// The file's settings; none when it does not exist. Every problem is reported with the
    /// file, line, key and what was expected, as a recipe's are.
    public static func load(path: String, themeNames: [String]) throws(RecipeErrors) -> DashboardSettings {
        guard FileManager.default.fileExists(atPath: path) else { return DashboardSettings() }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw RecipeErrors([RecipeDiagnostic(.file(path: path, line: 1, column: 1), key: nil, "cannot read the file as UTF-8 text")])
        }
        return try parse(yaml: text, path: path, themeNames: themeNames)
    }

    public static func parse(yaml: String, path: String, themeNames: [String]) throws(RecipeErrors) -> DashboardSettings {
        var settings = DashboardSettings()
        // Only comments and blank lines: no settings (YAML's empty document).
        if yaml.split(separator: "\n").allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }) {
            return settings
        }
        let root = try RecipeNode.parse(yaml: yaml, path: path)
        guard case let .mapping(entries, _) = root else {
            throw RecipeErrors([RecipeDiagnostic(root.location, key: nil, "expected a mapping such as 'theme: light'")])
        }
        var problems: [RecipeDiagnostic] = []
        func scalar(_ entry: RecipeNode.Entry) -> String? {
            if case let .scalar(text, _) = entry.value { return text }
            problems.append(RecipeDiagnostic(entry.value.location, key: entry.key, "expected a single value, found a \(entry.value.kindName)"))
            return nil
        }
        func refuse(_ entry: RecipeNode.Entry, _ message: String) { problems.append(RecipeDiagnostic(entry.value.location, key: entry.key, message)) }
        for entry in entries {
            switch entry.key {
            case "theme":
                guard let text = scalar(entry) else { continue }
                if themeNames.contains(text) { settings.theme = text } else { refuse(entry, "expected one of \(themeNames.joined(separator: ", ")), found '\(text)'") }
            case "color":
                guard let text = scalar(entry) else { continue }
                if let choice = ColorDepth.Choice(argument: text) { settings.color = choice } else {
                    refuse(entry, "expected one of \(ColorDepth.Choice.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'")
                }
            case "fps":
                guard let text = scalar(entry) else { continue }
                switch SettingRules.framesPerSecond.parse(text) {
                case let .success(value): settings.framesPerSecond = value
                case let .failure(problem): refuse(entry, problem.description)
                }
            case "pace":
                guard let text = scalar(entry) else { continue }
                if let pace = RunPace(typed: text) { settings.pace = pace } else { refuse(entry, "expected \(RunPace.expectedText), found '\(text)'") }
            case "keys":
                guard let text = scalar(entry) else { continue }
                if let preset = KeyPreset(rawValue: text) { settings.keys = preset } else {
                    refuse(entry, "expected one of \(KeyPreset.allCases.map(\.rawValue).joined(separator: ", ")), found '\(text)'")
                }
            case "panels":
                switch panelList(entry) {
                case let .success(panels): settings.panels = panels
                case let .failure(errors): problems += errors.diagnostics
                }
            case "bind":
                guard case let .mapping(bindings, _) = entry.value else {
                    refuse(entry, "expected a mapping of keys to commands, such as 'x: quit'")
                    continue
                }
                for binding in bindings {
                    let key = "bind." + binding.key
                    guard binding.key.count == 1, let character = binding.key.first, !character.isWhitespace else {
                        problems.append(RecipeDiagnostic(binding.keyLocation, key: key, "expected a single character key, found '\(binding.key)'"))
                        continue
                    }
                    guard case let .scalar(text, location) = binding.value else {
                        problems.append(RecipeDiagnostic(binding.value.location, key: key, "expected a command such as 'layer next'"))
                        continue
                    }
                    var context = CommandContext(themeNames: themeNames)
                    context.layersKnown = false
                    switch CommandParser.parse(text, context: context) {
                    case let .success(command): settings.bindings.append(KeyBinding(key: character, command: command))
                    case let .failure(error): problems.append(RecipeDiagnostic(location, key: key, "expected a command of the : bar; \(error)"))
                    }
                }
            default:
                var message = "unknown setting; expected one of \(keyNames.joined(separator: ", "))"
                if let suggestion = CommandParser.closest(to: entry.key, among: keyNames) { message += "; did you mean '\(suggestion)'?" }
                problems.append(RecipeDiagnostic(entry.keyLocation, key: entry.key, message))
            }
        }
        if !problems.isEmpty { throw RecipeErrors(problems) }
        return settings
    }

    /// `panels: [sparsity, hill]` (or a block list) by `PanelID.list`'s rules; the first
    /// problem is reported, at the item it is found on.
    static func panelList(_ entry: RecipeNode.Entry) -> Result<[PanelID], RecipeErrors> {
        guard case let .sequence(items, location) = entry.value else {
            return .failure(RecipeErrors([RecipeDiagnostic(entry.value.location, key: entry.key,
                                                           "expected a list of panels such as [sparsity, hill] (some of \(PanelID.namesText)), found a \(entry.value.kindName)")]))
        }
        var names: [String] = []
        for item in items {
            guard case let .scalar(text, _) = item else {
                return .failure(RecipeErrors([RecipeDiagnostic(item.location, key: entry.key, "expected a panel name (\(PanelID.namesText)), found a \(item.kindName)")]))
            }
            names.append(text)
        }
        return PanelID.list(names).mapError { RecipeErrors([RecipeDiagnostic($0.index.map { items[$0].location } ?? location, key: entry.key, $0.message)]) }
    }

    /// The value each editable key is written with (`SettingsFile`); nil: unset.
    public var values: [String: SettingsFile.Value] {
        var values: [String: SettingsFile.Value] = [:]
        values["theme"] = theme.map(SettingsFile.Value.scalar)
        values["color"] = color.map { .scalar($0.rawValue) }
        values["fps"] = framesPerSecond.map { .scalar(Format.plain($0)) }
        values["pace"] = pace.map { .scalar($0.stepsPerSecond.map(Format.plain) ?? "full") }
        values["keys"] = keys == .standard ? nil : .scalar(keys.rawValue)
        values["panels"] = panels.map { .list($0.map(\.name)) }
        return values
    }
}

extension RecipeNode {
    var kindName: String {
        switch self {
        case .scalar: "value"
        case .mapping: "mapping"
        case .sequence: "list"
        }
    }
}
