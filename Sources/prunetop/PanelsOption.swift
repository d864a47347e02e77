import Foundation
import ArgumentParser
import TUI

/// `--panels sparsity,hill`: the dashboard's panels for this run, over the config file's
/// `panels` (`PanelID.list`'s rules: short names, at least one, each once).
struct PanelsOption: ParsableArguments {
    @Option(help: ArgumentHelp("The panels to show, comma-separated: \(PanelID.namesText). Default: the config file's, else all.",
                               valueName: "names"))
    var panels: String?

    func validate() throws { _ = try list }

    /// The panels given, in Tab order; nil when the option is not.
    var list: [PanelID]? {
        get throws {
            guard let panels else { return nil }
            let names = panels.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            switch PanelID.list(panels.isEmpty ? [] : names) {
            case let .success(list): return list
            case let .failure(problem): throw ValidationError("--panels \(panels): \(problem.message)")
            }
        }
    }
}
