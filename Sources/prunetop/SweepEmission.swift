import ArgumentParser
import Foundation

/// `prunetop sweep ... --emit slurm|k8s|shell DIR`: files that run a sweep's points on a
/// scheduler, one task per point, each task `prunetop sweep ... --index I` (or
/// `--index-from-env`, which reads `SLURM_ARRAY_TASK_ID` or `JOB_COMPLETION_INDEX`) writing
/// its own log into the sweep's `--out`; `prunetop sweep ... --merge` then makes the table.
/// Tasks start in the directory the sweep was emitted from, so relative paths hold.
struct SweepEmission {
    var kind: SweepCommand.EmitKind
    var directory: String
    var pointCount: Int
    /// `sweep RECIPE ... --out DIR`, without the executable and the index.
    var task: [String]
    /// The container image of a Kubernetes Job.
    var image: String

    static func fileName(_ kind: SweepCommand.EmitKind) -> String {
        switch kind {
        case .slurm: "sweep.slurm"
        case .k8s: "sweep-job.yaml"
        case .shell: "sweep.jobs"
        }
    }

    func write(recipe: String) throws {
        let file = (directory as NSString).appendingPathComponent(Self.fileName(kind))
        try OutputGuard.check(outputs: [.init(role: "--emit \(kind.rawValue)", path: file)], inputs: [.init(role: "the recipe", path: recipe)])
        guard FileManager.default.fileExists(atPath: directory) || (try? FileManager.default.createDirectory(
            atPath: directory, withIntermediateDirectories: true)) != nil else {
            throw ValidationError("--emit \(directory): cannot create the directory")
        }
        do { try text.write(toFile: file, atomically: true, encoding: .utf8) } catch {
            throw ValidationError("--emit: cannot write \(file): \((error as NSError).localizedDescription)")
        }
        if kind != .k8s { chmod(file, 0o755) }
        let submit = switch kind {
        case .slurm: "sbatch \(file)"
        case .k8s: "kubectl apply -f \(file)"
        case .shell: "parallel --jobs 4 < \(file)   (or: bash \(file), one point after another)"
        }
        print("\(pointCount) tasks: \(file)\nsubmit: \(submit)\nthen: prunetop \(task.map(SweepCommand.shellQuoted).joined(separator: " ")) --merge")
    }

    private var workingDirectory: String { FileManager.default.currentDirectoryPath }

    /// This prunetop's own path: the tasks run the same build (a shared file system).
    private var executable: String { URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path }

    var text: String {
        let quoted = { (arguments: [String]) in arguments.map(SweepCommand.shellQuoted).joined(separator: " ") }
        switch kind {
        case .shell:
            return (0..<pointCount).map { index in
                "cd \(SweepCommand.shellQuoted(workingDirectory)) && " + quoted([executable] + task + ["--index", String(index)])
            }.joined(separator: "\n") + "\n"
        case .slurm:
            return """
            #!/bin/bash
            # A prunetop sweep of \(pointCount) points as a Slurm job array: one task per point,
            # each writing its own log; when all are done, run the --merge command below.
            #SBATCH --job-name=\(jobName)
            #SBATCH --array=0-\(pointCount - 1)
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            #SBATCH --output=\(workingDirectory)/\(jobName)-%A_%a.out
            # merge: \(quoted([executable] + task + ["--merge"]))
            set -euo pipefail
            export OPENBLAS_NUM_THREADS=1
            cd \(SweepCommand.shellQuoted(workingDirectory))
            exec \(quoted([executable] + task + ["--index-from-env"]))

            """
        case .k8s:
            let command = (["prunetop"] + task + ["--index-from-env"]).map(Self.yamlString).joined(separator: ", ")
            return """
            # A prunetop sweep of \(pointCount) points as a Kubernetes Indexed Job: pod I runs point I
            # (JOB_COMPLETION_INDEX), each writing its own log under workingDir, which must be a volume
            # shared by the pods and holding the recipe (add it under volumes/volumeMounts); when all
            # are done, run: prunetop \(quoted(task)) --merge
            apiVersion: batch/v1
            kind: Job
            metadata:
              name: \(jobName)
            spec:
              completionMode: Indexed
              completions: \(pointCount)
              parallelism: \(min(pointCount, 8))
              backoffLimitPerIndex: 1
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: prunetop
                      image: \(Self.yamlString(image))
                      workingDir: \(Self.yamlString(workingDirectory))
                      command: [\(command)]
                      env:
                        - name: OPENBLAS_NUM_THREADS
                          value: "1"
                      resources:
                        requests:
                          cpu: "1"

            """
        }
    }

    /// "prunetop-sweep-lenet300": from the sweep's directory, as a DNS label (Kubernetes names).
    private var jobName: String {
        let out = task.firstIndex(of: "--out").map { task[$0 + 1] } ?? "sweep"
        let name = (out as NSString).lastPathComponent.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" }
        let label = ("prunetop-" + String(name)).prefix(63)
        return String(label.reversed().drop { $0 == "-" }.reversed())
    }

    /// A double-quoted YAML string (JSON's escapes are YAML's).
    static func yamlString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
