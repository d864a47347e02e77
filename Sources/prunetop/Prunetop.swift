import ArgumentParser

struct Prunetop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prunetop",
        abstract: "Watch and steer pruning and sparse training of small networks, live.",
        subcommands: [TUICommand.self, RunCommand.self, SweepCommand.self, ReplayCommand.self, BenchCommand.self, DoctorCommand.self, MethodsCommand.self, EstimateCommand.self,
                      ExportCommand.self],
        defaultSubcommand: TUICommand.self)
}
