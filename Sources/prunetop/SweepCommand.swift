import ArgumentParser
import Foundation
import Metrics
import RunLogs
import Training

/// `prunetop sweep RECIPE`: the recipe once per final sparsity, each an independent
/// `prunetop run` process with its own log, then a table of the whole hill.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a recipe at several final sparsities and tabulate Occam's hill (CSV and JSONL).",
        discussion: """
        Each point is an independent command (`--print-commands` lists them) with the recipe's seed \
        and its own log, so any batch scheduler can run them on several machines; copy the logs \
        into one directory and `prunetop sweep RECIPE --merge --out DIR ...` writes the table.
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

    func validate() throws {
        _ = try targets()
        guard jobs >= 1 && jobs <= 64 else { throw ValidationError("--jobs: expected an integer from 1 to 64, found \(jobs)") }
    }

    func targets() throws -> [Double] {
        var values: [Double]
        if let sparsities {
            guard from == nil && to == nil && steps == nil else {
                throw ValidationError("--sparsities: give either a list or --from/--to/--steps, not both")
            }
            guard !sparsities.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ValidationError("--sparsities: expected at least one value, found none")
            }
            values = try sparsities.split(separator: ",", omittingEmptySubsequences: false).map {
                guard let value = Double($0.trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--sparsities: expected numbers separated by commas, found '\($0)'")
                }
                return value
            }
        } else if let from, let to, let steps {
            guard steps >= 2 else { throw ValidationError("--steps: expected an integer >= 2, found \(steps)") }
            values = (0..<steps).map { from + (to - from) * Double($0) / Double(steps - 1) }
            guard values.allSatisfy(\.isFinite) else { throw ValidationError("--from/--to: expected finite numbers") }
        } else {
            throw ValidationError("give the points: --sparsities 0,0.5,0.9 or --from 0 --to 0.99 --steps 8")
        }
        for value in values where !(0..<1).contains(value) {
            throw ValidationError("--sparsities: expected values in [0, 1), found \(value)")
        }
        return Array(Set(values)).sorted()
    }

    private var directory: String {
        out ?? "runs/sweep-" + ((recipe as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    static func logName(_ target: Double) -> String { String(format: "sparsity-%.4f.jsonl", target) }

    /// The overrides a point runs with: the sweep's, then its final sparsity.
    private func pointOverrides(_ target: Double) -> [String] { overrides + ["schedule.final=\(target)"] }

    private func arguments(for target: Double) -> [String] {
        ["run", recipe] + pointOverrides(target).flatMap { ["--set", $0] }
            + ["--jsonl", (directory as NSString).appendingPathComponent(Self.logName(target)), "--overwrite"]
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    func run() throws {
        let targets = try targets()
        // The recipe is read and checked with every point's overrides before anything runs.
        for target in targets { _ = try RecipeFailure.load(path: recipe, overrides: pointOverrides(target)) }
        if printCommands {
            for target in targets {
                print((["prunetop"] + arguments(for: target)).map(Self.shellQuoted).joined(separator: " "))
            }
            return
        }
        let tables = ["sweep.csv", "sweep.jsonl", "sweep.partial.csv", "sweep.partial.jsonl"]
        try OutputGuard.check(outputs: tables.map { .init(role: "the sweep's \($0)", path: path($0)) }
                                  + targets.map { .init(role: "a point's log", path: path(Self.logName($0))) },
                              inputs: [.init(role: "the recipe", path: recipe)])
        try makeDirectory()
        let lock = try SweepLock(directory: directory, command: ["prunetop"] + Array(CommandLine.arguments.dropFirst()))
        defer { withExtendedLifetime(lock) {} }
        if !merge { try runPoints(targets) }
        let recipeFingerprint: ContentFingerprint
        do { recipeFingerprint = ContentFingerprint(of: try RegularFile.readText(recipe)) } catch {
            throw ValidationError("\(recipe): cannot read the recipe: \(error)")
        }
        var runs: [(target: Double, log: RunLog, logName: String)] = []
        for target in targets {
            let name = Self.logName(target)
            do {
                let log = try RunLog(path: path(name))
                if let line = log.incompleteLastLine {
                    Terminal.standardError(incompleteLastLineWarning(path: log.path, line: line) + "\n")
                }
                if let problem = Self.problem(with: log, recipe: recipeFingerprint, overrides: pointOverrides(target)) {
                    Terminal.standardError("warning: sparsity \(target): \(log.path) \(problem); left out of the table\n")
                    continue
                }
                if log.result?.fromLastEvaluation == true {
                    Terminal.standardError("note: sparsity \(target): \(log.path) lost its done line; its final evaluation "
                                           + "(at the run's last step) stands for it\n")
                }
                runs.append((target, log, name))
            } catch {
                Terminal.standardError("warning: sparsity \(target): \(error); left out of the table\n")
            }
        }
        let table = SweepTable(runs: runs)
        print(Self.render(table))
        if table.rows.count < targets.count {
            // A partial table never replaces a complete one.
            try write(table, csv: "sweep.partial.csv", jsonLines: "sweep.partial.jsonl")
            Terminal.standardError("warning: \(targets.count - table.rows.count) of \(targets.count) points are missing; "
                                   + "the table went to \(path("sweep.partial.csv")) and sweep.partial.jsonl, "
                                   + "and sweep.csv was left as it was\n")
            throw ExitCode(1)
        }
        try write(table, csv: "sweep.csv", jsonLines: "sweep.jsonl")
        for stale in ["sweep.partial.csv", "sweep.partial.jsonl"] { try? FileManager.default.removeItem(atPath: path(stale)) }
        print("table: \(directory)/sweep.csv and sweep.jsonl (dashboard: prunetop tui \(recipe) --overlay \(directory)/sweep.jsonl)")
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
    private func write(_ table: SweepTable, csv: String, jsonLines: String) throws {
        for (name, text) in [(csv, table.csv), (jsonLines, table.jsonLines)] {
            do { try text.write(toFile: path(name), atomically: true, encoding: .utf8) } catch {
                throw ValidationError("\(path(name)): cannot write the table: \((error as NSError).localizedDescription)")
            }
        }
    }

    /// Runs the points, `jobs` processes at a time, each writing its output beside its log.
    private func runPoints(_ targets: [Double]) throws {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var pending = targets[...]
        var running: [(target: Double, process: Process)] = []
        var failures: [String] = []
        while !pending.isEmpty || !running.isEmpty {
            while running.count < jobs, let target = pending.popFirst() {
                let process = Process()
                process.executableURL = executable
                process.arguments = arguments(for: target)
                let output = path(String(format: "sparsity-%.4f.out", target))
                _ = FileManager.default.createFile(atPath: output, contents: nil)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
                process.standardOutput = handle
                process.standardError = handle
                process.standardInput = FileHandle.nullDevice
                try process.run()
                Terminal.standardError("sparsity \(target): started\n")
                running.append((target, process))
            }
            Thread.sleep(forTimeInterval: 0.05)
            for (index, entry) in running.enumerated().reversed() where !entry.process.isRunning {
                running.remove(at: index)
                let status = entry.process.terminationStatus
                let summary = status == 0 ? "done" : "failed with exit code \(status) (see sparsity-\(String(format: "%.4f", entry.target)).out)"
                if status != 0 { failures.append("\(entry.target)") }
                Terminal.standardError("sparsity \(entry.target): \(summary)\n")
            }
        }
        if !failures.isEmpty { Terminal.standardError("warning: \(failures.count) point(s) failed: \(failures.joined(separator: ", "))\n") }
    }

    static func render(_ table: SweepTable) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%6.2f%%", $0 * 100) } ?? "     - " }
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

    static func shellQuoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "-_./=,:".contains($0) } ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
