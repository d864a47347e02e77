import Foundation
import Training

/// Makes OpenBLAS use the kernel that suits the trainer (see `BLASKernelChoice`).
/// OpenBLAS reads OPENBLAS_CORETYPE only when it loads, so when the detected kernel is
/// another one, set the variable and re-execute this program once. A user's own
/// OPENBLAS_CORETYPE wins.
enum BLASStartup {
    static let detectedCoreVariable = "PRUNETOP_BLAS_DETECTED_CORE"

    static func reexecIfKernelIsWeak() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil,
              let preferred = BLASKernelChoice.preferredCoreType(cpuFlags: BLASKernelChoice.cpuFlags(),
                                                                 detectedCore: BLASRuntime.coreName)
        else { return }
        setenv("OPENBLAS_CORETYPE", preferred, 1)
        setenv(detectedCoreVariable, BLASRuntime.coreName, 1)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        // execv returns only on failure: carry on with the detected kernel.
        unsetenv("OPENBLAS_CORETYPE")
    }

    /// How the kernel in use was chosen, for `doctor`.
    static var explanation: String {
        let environment = ProcessInfo.processInfo.environment
        if let detected = environment[detectedCoreVariable], let forced = environment["OPENBLAS_CORETYPE"] {
            return "OpenBLAS detected \(detected); prunetop set OPENBLAS_CORETYPE=\(forced), its fastest kernel for small training GEMMs"
        }
        if let forced = environment["OPENBLAS_CORETYPE"] { return "OPENBLAS_CORETYPE=\(forced) set by the user" }
        return "detected by OpenBLAS"
    }
}
