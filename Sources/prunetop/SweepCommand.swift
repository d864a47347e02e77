import ArgumentParser
import Foundation
import Metrics
import RunLogs
import Training
import TUI

/// `prunetop sweep RECIPE`: the recipe once per point of a grid (any recipe keys, the
/// final sparsity, seeds), each an independent `prunetop run` process with its own log,
/// then a table of the whole hill (per cell: mean, standard deviation and count).
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a recipe over a grid of values and seeds and tabulate Occam's hill (CSV and JSONL).",
        discussion: """
        Each point is an independent command (`--print-commands` lists them) with its own log, so \
        any batch scheduler can run them (`--emit slurm|k8s|shell DIR` writes the files, each task \
        runs `--index I`); `prunetop sweep RECIPE ... --merge` then writes the table from the logs. \
        A sweep started again runs only the points whose log did not finish.
        """)

    @Argument(help: "The recipe to sweep.")
    var recipe: String

    @Option(help: "Final sparsities, comma-separated (e.g. 0,0.5,0.8,0.9,0.95,0.98,0.99).")
    var sparsities: String?

    @Option(help: "First sparsity of an even range (with --to and --steps).")
    var from: Double?

    @Option(help: "Last sparsity of an even range.")
    var to: Double?

    @Option(help: "Number of points of the range.")
    var steps: Int?

    @Option(help: ArgumentHelp("Vary a recipe key over these values (repeatable; every combination runs), e.g. "
                               + "--grid method=magnitude,rigl --grid schedule.final=0.9,0.95.", valueName: "key=v1,v2,..."))
    var grid: [String] = []

    @Option(help: "Run every cell with this many seeds: the recipe's seed and the next ones (e.g. 3: seeds 0, 1, 2).")
    var seeds: Int?

    @Option(help: "Runs at once, each its own process (default: 1).")
    var jobs = 1

    @Option(help: "Directory for the runs' logs and the table (default: runs/sweep-RECIPE).")
    var out: String?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a recipe value for every point (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Flag(help: "Print the command of each point and exit (to run them elsewhere).")
    var printCommands = false

    @Flag(help: "Only build the table from the logs already in --out.")
    var merge = false

    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Write files to run the points on a scheduler and exit: slurm (an array script), k8s (an Indexed Job) or shell "
            + "(one command a line, for GNU parallel).", valueName: "slurm|k8s|shell DIR"))
    var emit: [String] = []

    @Option(help: "The container image of --emit k8s (with prunetop on its PATH).")
    var image = "prunetop:latest"

    @Option(help: "Run only point I (from 0, in --print-commands order) and write its log; no table (--merge makes it).")
    var index: Int?

    @Flag(name: .customLong("index-from-env"),
          help: "Like --index, with I from SLURM_ARRAY_TASK_ID or else JOB_COMPLETION_INDEX (what --emit writes).")
    var indexFromEnvironment = false

    @Option(help: ArgumentHelp("With --index: the point's result as one JSON line to this file, or - for stdout.", valueName: "file|-"))
    var resultJson: String?

    enum EmitKind: String { case slurm, k8s, shell }

    func validate() throws {
        _ = try gridAxes()
        guard jobs >= 1 && jobs <= 64 else { throw ValidationError("--jobs: expected an integer from 1 to 64, found \(jobs)") }
        if let seeds, seeds < 1 { throw ValidationError("--seeds: expected an integer >= 1, found \(seeds)") }
        if !emit.isEmpty {
            guard emit.count == 2, EmitKind(rawValue: emit[0]) != nil else {
                throw ValidationError("--emit: expected a kind (slurm, k8s or shell) and a directory, found '\(emit.joined(separator: " "))'")
            }
        }
        if index != nil && indexFromEnvironment { throw ValidationError("--index-from-env: give either it or --index, not both") }
        if let index, index < 0 { throw ValidationError("--index: expected an integer >= 0, found \(index)") }
        if resultJson != nil && index == nil && !indexFromEnvironment {
            throw ValidationError("--result-json: applies to one point (--index); a whole sweep's results are its table")
        }
        let modes = [printCommands, merge, !emit.isEmpty, index != nil || indexFromEnvironment].filter { $0 }.count
        if modes > 1 { throw ValidationError("give at most one of --print-commands, --merge, --emit and --index") }
    }

    /// The grid's axes with the final sparsity from --sparsities or --from/--to/--steps.
    func gridAxes() throws -> (axes: [SweepGrid.Axis], targets: [Double]?, seeds: [UInt64]?) {
        var (axes, targets, gridSeeds) = try SweepGrid.axes(grid, overrides: overrides)
        if let sparsities {
            guard from == nil && to == nil && steps == nil else {
                throw ValidationError("--sparsities: give either a list or --from/--to/--steps, not both")
            }
            guard !sparsities.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--sparsities: expected at least one value, found none")
            }
            guard targets == nil else { throw ValidationError("--sparsities: give either it or --grid schedule.final, not both") }
            targets = try SweepGrid.targets(sparsities.split(separator: ",", omittingEmptySubsequences: false).map(String.init),
                                            option: "--sparsities")
        } else if let from, let to, let steps {
            guard targets == nil else { throw ValidationError("--from/--to/--steps: give either them or --grid schedule.final, not both") }
            guard steps >= 2 else { throw ValidationError("--steps: expected an integer >= 2, found \(steps)") }
            let values = (0..<steps).map { from + (to - from) * Double($0) / Double(steps - 1) }
            guard values.allSatisfy(\.isFinite) else { throw ValidationError("--from/--to: expected finite numbers") }
            targets = try SweepGrid.targets(values.map { "\($0)" }, option: "--sparsities")
        } else if axes.isEmpty && targets == nil && gridSeeds == nil && seeds == nil {
            throw ValidationError("give the points: --sparsities 0,0.5,0.9, --from 0 --to 0.99 --steps 8, or --grid KEY=V1,V2")
        }
        if seeds != nil && gridSeeds != nil { throw ValidationError("--seeds: give either it or --grid seed=..., not both") }
        return (axes, targets, gridSeeds)
    }

    /// The grid, its seeds counted from the recipe's own seed (after --set).
    private func makeGrid() throws -> SweepGrid {
        let (axes, targets, gridSeeds) = try gridAxes()
        var grid = SweepGrid(axes: axes, targets: targets, seeds: gridSeeds)
        if let seeds {
            let first = try RecipeFailure.load(path: recipe, overrides: overrides).config.seed
            grid.seeds = (0..<UInt64(seeds)).map { first + $0 }
        }
        return grid
    }

    /// A point and the final sparsity it runs at (its own, else the recipe's).
    struct Planned {
        var point: SweepGrid.Point
        var target: Double
    }

    private var directory: String {
        out ?? "runs/sweep-" + ((recipe as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    private func arguments(for point: SweepGrid.Point) -> [String] {
        ["run", recipe] + point.overrides.flatMap { ["--set", $0] } + ["--jsonl", path(point.logName), "--overwrite"]
    }

    /// NAME.result.json: the point's `--result-json` line, written beside its log.
    private static func resultName(_ point: SweepGrid.Point) -> String {
        (point.logName as NSString).deletingPathExtension + ".result.json"
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    func run() throws {
        // The recipe is read and checked with every point's overrides before anything runs.
        let planned = try makeGrid().points(overrides: overrides).map {
            Planned(point: $0, target: try RecipeFailure.load(path: recipe, overrides: $0.overrides).config.sparsity.target)
        }
        if printCommands {
            for entry in planned { print((["prunetop"] + arguments(for: entry.point)).map(Self.shellQuoted).joined(separator: " ")) }
            return
        }
        if !emit.isEmpty {
            try SweepEmission(kind: EmitKind(rawValue: emit[0])!, directory: emit[1], pointCount: planned.count,
                              task: taskArguments(), image: image).write(recipe: recipe)
            return
        }
        if index != nil || indexFromEnvironment { return try runTask(planned) }
        let tables = ["sweep.csv", "sweep.jsonl", "sweep-cells.csv", "sweep.partial.csv", "sweep.partial.jsonl", "sweep-cells.partial.csv"]
        try OutputGuard.check(outputs: tables.map { .init(role: "the sweep's \($0)", path: path($0)) }
                                  + planned.map { .init(role: "a point's log", path: path($0.point.logName)) },
                              inputs: [.init(role: "the recipe", path: recipe)])
        try makeDirectory()
        let lock = try SweepLock(directory: directory, command: ["prunetop"] + Array(CommandLine.arguments.dropFirst()))
        defer { withExtendedLifetime(lock) {} }
        let recipeFingerprint = try fingerprint()
        if !merge { try runPoints(planned, recipe: recipeFingerprint) }
        var runs: [(target: Double, log: RunLog, logName: String, settings: [SweepSetting], seed: UInt64?)] = []
        for entry in planned {
            let point = entry.point, name = point.logName
            do {
                let log = try RunLog(path: path(name))
                if let line = log.incompleteLastLine {
                    Terminal.standardError(incompleteLastLineWarning(path: log.path, line: line) + "\n")
                }
                if let problem = Self.problem(with: log, recipe: recipeFingerprint, overrides: point.overrides) {
                    Terminal.standardError("warning: \(Self.label(point)): \(log.path) \(problem); left out of the table\n")
                    continue
                }
                if log.result?.fromLastEvaluation == true {
                    Terminal.standardError("note: \(Self.label(point)): \(log.path) lost its done line; its final evaluation "
                                           + "(at the run's last step) stands for it\n")
                }
                runs.append((entry.target, log, name, point.settings, point.seed))
            } catch {
                Terminal.standardError("warning: \(Self.label(point)): \(error); left out of the table\n")
            }
        }
        let table = SweepTable(runs: runs)
        print(Self.render(table))
        if table.rows.count < planned.count {
            // A partial table never replaces a complete one.
            try write(table, csv: "sweep.partial.csv", jsonLines: "sweep.partial.jsonl", cells: "sweep-cells.partial.csv")
            Terminal.standardError("warning: \(planned.count - table.rows.count) of \(planned.count) points are missing; "
                                   + "the table went to \(path("sweep.partial.csv")) and sweep.partial.jsonl, "
                                   + "and sweep.csv was left as it was\n")
            throw ExitCode(1)
        }
        try write(table, csv: "sweep.csv", jsonLines: "sweep.jsonl", cells: "sweep-cells.csv")
        for stale in ["sweep.partial.csv", "sweep.partial.jsonl", "sweep-cells.partial.csv"] {
            try? FileManager.default.removeItem(atPath: path(stale))
        }
        print("table: \(directory)/sweep.csv, sweep-cells.csv and sweep.jsonl "
              + "(dashboard: prunetop tui \(recipe) --overlay \(directory)/sweep.jsonl)")
    }

    /// "sparsity 0.9" for a sweep of the final sparsity alone, else the point's log name.
    static func label(_ point: SweepGrid.Point) -> String {
        if point.settings.isEmpty && point.seed == nil, let target = point.target { return "sparsity \(target)" }
        return (point.logName as NSString).deletingPathExtension
    }

    private func fingerprint() throws -> ContentFingerprint {
        do { return ContentFingerprint(of: try RegularFile.readText(recipe)) } catch {
            throw ValidationError("\(recipe): cannot read the recipe: \(error)")
        }
    }

    /// The options a cluster task repeats: the same points, into the same directory.
    private func taskArguments() -> [String] {
        var arguments = ["sweep", recipe]
        if let sparsities { arguments += ["--sparsities", sparsities] }
        if let from, let to, let steps { arguments += ["--from", "\(from)", "--to", "\(to)", "--steps", "\(steps)"] }
        arguments += grid.flatMap { ["--grid", $0] } + (seeds.map { ["--seeds", "\($0)"] } ?? [])
        arguments += overrides.flatMap { ["--set", $0] } + ["--out", directory]
        return arguments
    }

    /// `--index I`: one point, under a shared lock, skipped when its log already finished.
    private func runTask(_ planned: [Planned]) throws {
        let environment = ProcessInfo.processInfo.environment
        let chosen: Int
        if let index { chosen = index } else {
            guard let (name, text) = ["SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"].lazy
                    .compactMap({ name in environment[name].map { (name, $0) } }).first else {
                throw ValidationError("--index-from-env: neither SLURM_ARRAY_TASK_ID nor JOB_COMPLETION_INDEX is set")
            }
            guard let value = Int(text) else { throw ValidationError("--index-from-env: \(name): expected an integer, found '\(text)'") }
            chosen = value
        }
        guard planned.indices.contains(chosen) else {
            throw ValidationError("--index: expected 0 to \(planned.count - 1) (the sweep has \(planned.count) points), found \(chosen)")
        }
        var outputs: [OutputGuard.File] = [.init(role: "the point's log", path: path(planned[chosen].point.logName))]
        if let resultJson, resultJson != "-" { outputs.append(.init(role: "--result-json", path: resultJson)) }
        try OutputGuard.check(outputs: outputs, inputs: [.init(role: "the recipe", path: recipe)])
        try makeDirectory()
        let lock = try SweepLock(directory: directory, command: [], shared: true)
        defer { withExtendedLifetime(lock) {} }
        try runPoints([planned[chosen]], recipe: try fingerprint())
        guard let resultJson else { return }
        // The point's own result line, from this run or the one that finished it before.
        let line: String
        do { line = try RegularFile.readText(path(Self.resultName(planned[chosen].point))) } catch {
            throw ValidationError("--result-json: the point left no result line (\(error)); see its log and .out file")
        }
        if resultJson == "-" { print(line, terminator: "") } else {
            do { try line.write(toFile: resultJson, atomically: true, encoding: .utf8) } catch {
                throw ValidationError("--result-json: cannot write \(resultJson): \((error as NSError).localizedDescription)")
            }
        }
    }

    /// Why `log` is not this sweep's point at these overrides, or nil when it is.
    static func problem(with log: RunLog, recipe: ContentFingerprint, overrides: [String]) -> String? {
        guard let ran = log.recipe else {
            return "does not record the recipe it ran (a run without a recipe, or a log from before prunetop recorded it)"
        }
        if ran.fingerprint != recipe {
            return "ran another recipe, or this one before an edit (\(ran.fingerprint); the recipe now has \(recipe))"
        }
        if ran.overrides != overrides {
            func listed(_ values: [String]) -> String { values.isEmpty ? "none" : values.joined(separator: " ") }
            return "ran with the overrides \(listed(ran.overrides)), not \(listed(overrides))"
        }
        return log.unfinishedReason
    }

    private func makeDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw ValidationError("--out \(directory): is a file; expected a directory for the points' logs and the table")
        }
        guard mkdirAll(directory) else {
            throw ValidationError("--out \(directory): cannot create the directory: \(String(cString: strerror(errno)))")
        }
    }

    /// `mkdir -p`; false with errno set.
    private func mkdirAll(_ path: String) -> Bool {
        var current = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            if !current.isEmpty && !current.hasSuffix("/") { current += "/" }
            current += component
            if mkdir(current, 0o755) != 0 && errno != EEXIST { return false }
        }
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        if (status.st_mode & S_IFMT) != S_IFDIR { errno = ENOTDIR; return false }
        return true
    }

    /// Each file written whole, then renamed over the old one.
    private func write(_ table: SweepTable, csv: String, jsonLines: String, cells: String) throws {
        for (name, text) in [(csv, table.csv), (jsonLines, table.jsonLines), (cells, table.cellsCSV)] {
            do { try text.write(toFile: path(name), atomically: true, encoding: .utf8) } catch {
                throw ValidationError("\(path(name)): cannot write the table: \((error as NSError).localizedDescription)")
            }
        }
    }

    /// A point's log: this sweep's finished run, none yet, or why it must run again.
    private enum LogState { case finished, absent, unfinished(String) }

    private func state(of point: SweepGrid.Point, recipe: ContentFingerprint) -> LogState {
        guard FileManager.default.fileExists(atPath: path(point.logName)) else { return .absent }
        do {
            let log = try RunLog(path: path(point.logName))
            return Self.problem(with: log, recipe: recipe, overrides: point.overrides).map { .unfinished($0) } ?? .finished
        } catch {
            return .unfinished("cannot be read (\(error))")
        }
    }

    /// Moves a log that must be rerun to NAME.earlier-N.jsonl (the first N free), so
    /// nothing a run wrote is lost; returns the new path.
    private func setAside(_ name: String) throws -> String {
        let stem = (name as NSString).deletingPathExtension
        var number = 1
        while FileManager.default.fileExists(atPath: path("\(stem).earlier-\(number).jsonl")) { number += 1 }
        let aside = path("\(stem).earlier-\(number).jsonl")
        guard rename(path(name), aside) == 0 else {
            throw ValidationError("\(path(name)): cannot move it aside to \(aside): \(String(cString: strerror(errno)))")
        }
        return aside
    }

    /// Runs the points whose log has not finished, `jobs` processes at a time, each
    /// writing its output beside its log. A signal (Ctrl-C, SIGTERM) stops the running
    /// points (each log gets its `stopped` event) and starts no more; the same command
    /// later resumes.
    private func runPoints(_ planned: [Planned], recipe: ContentFingerprint) throws {
        var pending: [SweepGrid.Point] = []
        for point in planned.map(\.point) {
            switch state(of: point, recipe: recipe) {
            case .finished: Terminal.standardError("\(Self.label(point)): finished before (\(path(point.logName))), not run again\n")
            case .absent: pending.append(point)
            case let .unfinished(reason):
                let aside = try setAside(point.logName)
                try? FileManager.default.removeItem(atPath: path(Self.resultName(point)))
                Terminal.standardError("\(Self.label(point)): \(path(point.logName)) is not its finished run (\(reason)); "
                                       + "moved to \(aside), running it again\n")
                pending.append(point)
            }
        }
        let signals = TerminationSignals()
        signals.start()
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var queue = pending[...]
        var running: [(point: SweepGrid.Point, process: Process)] = []
        var failures: [String] = []
        while !queue.isEmpty || !running.isEmpty {
            if signals.received != nil { queue.removeAll() }
            while running.count < jobs, let point = queue.popFirst() {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments(for: point) + ["--result-json", path(Self.resultName(point))]
                let output = path((point.logName as NSString).deletingPathExtension + ".out")
                _ = FileManager.default.createFile(atPath: output, contents: nil)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
                process.standardOutput = handle
                process.standardError = handle
                process.standardInput = FileHandle.nullDevice
                process.environment = ProcessInfo.processInfo.environment.merging([SweepParentWatch.environmentKey: "\(getpid())"]) { $1 }
                try process.run()
                Terminal.standardError("\(Self.label(point)): started\n")
                running.append((point, process))
            }
            Thread.sleep(forTimeInterval: 0.05)
            if signals.received != nil { for entry in running where entry.process.isRunning { entry.process.interrupt() } }
            for (index, entry) in running.enumerated().reversed() where !entry.process.isRunning {
                running.remove(at: index)
                let status = entry.process.terminationStatus
                let output = (entry.point.logName as NSString).deletingPathExtension + ".out"
                let stopped = signals.received != nil && status != 0
                let summary = status == 0 ? "done" : stopped ? "stopped (exit code \(status))" : "failed with exit code \(status) (see \(output))"
                if status != 0 && !stopped { failures.append(Self.label(entry.point)) }
                Terminal.standardError("\(Self.label(entry.point)): \(summary)\n")
            }
        }
        if let signal = signals.received {
            Terminal.standardError("stopped by \(signal.name): run the same command again to run the points left\n")
            throw ExitCode(signal.exitCode)
        }
        if !failures.isEmpty {
            Terminal.standardError("warning: \(failures.count) point(s) failed: \(failures.joined(separator: ", "))\n")
            if index != nil || indexFromEnvironment { throw ExitCode(1) }
        }
    }

    static func render(_ table: SweepTable) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%6.2f%%", $0 * 100) } ?? "     - " }
        if table.rows.contains(where: { !$0.settings.isEmpty || $0.seed != nil }) { return renderCells(table) }
        var lines = ["target  sparsity  after pruning  after fine-tuning  region"]
        for row in table.rows {
            lines.append(String(format: "%6.4f  %8.4f  ", row.target, row.sparsity) + "      " + percent(row.accuracyAfterPruning)
                         + "            " + percent(row.accuracyAfterFineTuning) + "  " + (row.region?.rawValue ?? "-")
                         + (row.isKnee ? "  knee" : ""))
        }
        lines.append("dense baseline \(percent(table.denseBaseline)); knee \(table.knee.map { String(format: "%.4f", $0) } ?? "-"); "
                     + "parameter slack at 0/1/5% loss: \(percent(table.slack.zero)) \(percent(table.slack.onePercent)) \(percent(table.slack.fivePercent))")
        return lines.joined(separator: "\n")
    }

    /// One line per cell: mean ± sample standard deviation over its seeds (n runs), one
    /// block per group (settings) with its baseline and knee.
    private static func renderCells(_ table: SweepTable) -> String {
        func spread(_ statistic: SweepStatistic?) -> String {
            guard let statistic else { return String(repeating: " ", count: 15) + "-" }
            let deviation = statistic.standardDeviation.map { String(format: "%5.2f", $0 * 100) } ?? "    -"
            return String(format: "%6.2f%% ± ", statistic.mean * 100) + deviation + " pt"
        }
        var lines: [String] = []
        for group in table.groups {
            lines.append(group.settings.isEmpty ? "(recipe as written)" : SweepSetting.label(group.settings))
            lines.append("  target  n  sparsity     after pruning        after fine-tuning    region")
            for cell in group.cells {
                lines.append(String(format: "  %6.4f %2d  %8.4f  ", cell.target, cell.accuracyAfterFineTuning.count, cell.sparsity.mean)
                             + spread(cell.accuracyAfterPruning) + "  " + spread(cell.accuracyAfterFineTuning) + "  "
                             + (cell.region?.rawValue ?? "-") + (cell.isKnee ? "  knee" : ""))
            }
            lines.append("  dense baseline " + (group.denseBaseline.map { String(format: "%.2f%%", $0 * 100) } ?? "-")
                         + "; knee " + (group.knee.map { String(format: "%.4f", $0) } ?? "-"))
        }
        lines.append("mean ± sample standard deviation (n - 1) over the n seeds of each cell, in percentage points")
        return lines.joined(separator: "\n")
    }

    static func shellQuoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
