import Foundation
import Training

/// Makes OpenBLAS use the kernel that suits the trainer (see `BLASKernelChoice`).
/// OpenBLAS reads OPENBLAS_CORETYPE only when it loads, so when the kernel in use is another
/// one, set the variable and re-execute this program: once at start-up for dense networks
/// (`reexecIfKernelIsWeak`), and once more when a command learns that its network has
/// convolutions (`settleKernel`), before it has read data or written anything. A user's own
/// OPENBLAS_CORETYPE wins.
enum BLASStartup {
    static let detectedCoreVariable = "PRUNETOP_BLAS_DETECTED_CORE"
    /// The kernel this process already re-executed itself for: never twice for the same.
    static let settledCoreVariable = "PRUNETOP_BLAS_SETTLED_CORE"

    static func reexecIfKernelIsWeak() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil,
              let preferred = BLASKernelChoice.preferredCoreType(cpuFlags: BLASKernelChoice.cpuFlags(),
                                                                 detectedCore: BLASRuntime.coreName)
        else { return }
        reexec(coreType: preferred, detected: BLASRuntime.coreName)
    }

    /// The kernel for a run of `config`'s network: OpenBLAS's own AVX-512 kernel for a
    /// convolutional network where it has one, else as at start-up.
    static func settleKernel(for config: RunConfig) {
        let environment = ProcessInfo.processInfo.environment
        let ours = environment[detectedCoreVariable]
        guard environment["OPENBLAS_CORETYPE"] == nil || ours != nil else { return }
        let detected = ours ?? BLASRuntime.coreName
        let convolutional = (try? config.resolvedArchitecture())?.hasConvolutions ?? false
        let wanted = BLASKernelChoice.preferredCoreType(cpuFlags: BLASKernelChoice.cpuFlags(), detectedCore: detected,
                                                        convolutional: convolutional) ?? detected.uppercased()
        guard wanted != BLASRuntime.coreName.uppercased(), environment[settledCoreVariable] != wanted else { return }
        setenv(settledCoreVariable, wanted, 1)
        reexec(coreType: wanted, detected: detected)
    }

    private static func reexec(coreType: String, detected: String) {
        setenv("OPENBLAS_CORETYPE", coreType, 1)
        setenv(detectedCoreVariable, detected, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with the kernel in use.
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// How the kernel in use was chosen, for `doctor`.
    static var explanation: String {
        let environment = ProcessInfo.processInfo.environment
        if let detected = environment[detectedCoreVariable], let forced = environment["OPENBLAS_CORETYPE"] {
            return "OpenBLAS detected \(detected); prunetop set OPENBLAS_CORETYPE=\(forced), its fastest kernel for this network's training GEMMs"
        }
        if let forced = environment["OPENBLAS_CORETYPE"] { return "OPENBLAS_CORETYPE=\(forced) set by the user" }
        return "detected by OpenBLAS"
    }
}
