/// Names a dashboard panel: the title on its frame, and the short lower-case name the
/// config file's `panels`, `:panel` and `:focus` take. Each panel declares its own in its
/// file (`extension PanelID { static let loss = ... }`).
public struct PanelID: Hashable, Sendable {
    public let title: String
    public let name: String

    public init(title: String, name: String) {
        self.title = title
        self.name = name
    }

    /// Every panel, in Tab order (`DashboardPanels.all`).
    public static var allCases: [PanelID] { DashboardPanels.all.map(\.id) }

    /// The panel a short name stands for, in any case ("Loss" is loss).
    public static func named(_ name: String) -> PanelID? { allCases.first { $0.name == name.lowercased() } }

    /// "sparsity, weights, hill, speedup, loss, knobs": what a panel name may be.
    public static var namesText: String { allCases.map(\.name).joined(separator: ", ") }
}

extension PanelID {
    /// What is wrong with a list of panel names, and which name (an index) when one is.
    public struct ListProblem: Error, Sendable, Equatable {
        public var index: Int?
        public var message: String
    }

    /// The panels a list of short names stands for (`panels:`, `--panels`), in Tab order:
    /// at least one, each once.
    public static func list(_ names: [String]) -> Result<[PanelID], ListProblem> {
        let expected = "some of \(namesText)"
        guard !names.isEmpty else { return .failure(ListProblem(message: "expected at least one panel (\(expected)), found none")) }
        var panels: [PanelID] = []
        for (index, name) in names.enumerated() {
            guard let panel = named(name) else {
                var message = "unknown panel '\(name)'; expected \(expected)"
                if let suggestion = CommandParser.closest(to: name, among: allCases.map(\.name)) { message += "; did you mean '\(suggestion)'?" }
                return .failure(ListProblem(index: index, message: message))
            }
            guard !panels.contains(panel) else { return .failure(ListProblem(index: index, message: "'\(name)' is listed twice; expected each panel once")) }
            panels.append(panel)
        }
        return .success(allCases.filter(panels.contains))
    }
}
