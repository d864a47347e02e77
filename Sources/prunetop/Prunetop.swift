import ArgumentParser

struct Prunetop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prunetop",
        abstract: "Watch and steer pruning and sparse training of small networks, live.",
        subcommands: [TUICommand.self, RunCommand.self, SweepCommand.self, ReplayCommand.self, ShowCommand.self, CompareCommand.self, BenchCommand.self,
                      DoctorCommand.self, MethodsCommand.self, EstimateCommand.self, ExportCommand.self, InspectCommand.self, WatchCommand.self,
                      SensitivityCommand.self],
        defaultSubcommand: TUICommand.self)
}

extension Prunetop {
    /// `main()`, except for the usage text: it follows a problem with the command line
    /// (found while parsing and validating it), not one found while running, such as a
    /// file that cannot be read or an output that would overwrite an input.
    static func mainShowingUsageOnlyForCommandLineProblems() {
        var command: ParsableCommand
        do { command = try parseAsRoot() } catch { exit(withError: error) }
        do { try command.run() } catch let problem as ValidationError {
            Terminal.standardError("Error: \(problem.message)\n")
            exit(withError: ExitCode.validationFailure)
        } catch {
            exit(withError: error)
        }
    }
}
