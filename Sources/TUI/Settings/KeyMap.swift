/// What a key press means once the settings' key preset and bindings are applied, before
/// `KeyBindings`: a bound key runs its command; with the vim preset h j k l are the
/// arrows (move the focus; in the Knobs panel select and change knobs), and the keys they
/// displace move: n / N pick the next / previous layer (l / L), ? alone opens the help (h).
public struct KeyMap: Sendable, Equatable {
    public enum Meaning: Sendable, Equatable {
        case key(KeyEvent)
        case command(DashboardCommand)
    }

    public var preset: DashboardSettings.KeyPreset
    public var bindings: [DashboardSettings.KeyBinding]

    public init(preset: DashboardSettings.KeyPreset = .standard, bindings: [DashboardSettings.KeyBinding] = []) {
        self.preset = preset
        self.bindings = bindings
    }

    public func meaning(of event: KeyEvent) -> Meaning {
        guard case let .character(character) = event else { return .key(event) }
        if let binding = bindings.last(where: { $0.key == character }) { return .command(binding.command) }
        guard preset == .vim else { return .key(event) }
        switch character {
        case "h": return .key(.left)
        case "j": return .key(.down)
        case "k": return .key(.up)
        case "l": return .key(.right)
        case "n": return .command(.action(.nextLayer))
        case "N": return .command(.action(.previousLayer))
        default: return .key(event)
        }
    }
}
