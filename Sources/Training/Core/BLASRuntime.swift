import COpenBLAS
import Foundation

/// Sets how many threads OpenBLAS may use (process-wide).
public func setBLASThreads(_ count: Int) { openblas_set_num_threads(Int32(count)) }

/// What OpenBLAS is doing in this process.
public enum BLASRuntime {
    /// The kernel family OpenBLAS chose at load time, e.g. "Cooperlake", "Haswell", "Prescott".
    public static var coreName: String { String(cString: openblas_get_corename()) }
    public static var configuration: String { String(cString: openblas_get_config()) }
    public static var threadCount: Int { Int(openblas_get_num_threads()) }
    /// Whether the kernel in use has OpenBLAS's small-matrix GEMM paths (its AVX-512 kernels).
    public static var hasSmallMatrixKernels: Bool { BLASKernelChoice.avx512Cores.contains(coreName.uppercased()) }

    /// Median GFLOP/s of `repeats` timed n x n x n sgemm calls on the current thread setting.
    public static func measureSGEMM(size n: Int = 1024, repeats: Int = 5) -> Double {
        let a = (0..<(n * n)).map { Float($0 % 97) / 97 }
        let b = (0..<(n * n)).map { Float($0 % 89) / 89 }
        var c = [Float](repeating: 0, count: n * n)
        var rates: [Double] = []
        for attempt in 0...repeats {
            let begin = DispatchTime.now().uptimeNanoseconds
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        sgemm(transposeA: false, transposeB: false, m: n, n: n, k: n,
                              a: a.baseAddress!, b: b.baseAddress!, beta: 0, c: c.baseAddress!)
                    }
                }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
            if attempt > 0 { rates.append(2 * Double(n * n * n) / seconds / 1e9) }  // the first call warms up
        }
        return rates.sorted()[rates.count / 2]
    }
}

/// Debian's OpenBLAS picks its kernel from the CPU id when the library loads, and on
/// some virtual CPUs falls back to a generic kernel several times slower than the CPU
/// allows. It honours OPENBLAS_CORETYPE, read at load time, so the fix is to set that
/// variable and re-execute once, before any BLAS work.
///
/// Which kernel depends on the network (measured on an AVX-512 EPYC, one thread, batch 128,
/// CPU time per step):
/// - Dense networks: HASWELL. LeNet-300-100's GEMMs are mid-sized, and the AVX2 kernel's
///   blocking suited them best (78k samples/s against 70-75k for the detected Cooperlake
///   and for SKYLAKEX and ZEN; 2-4 % apart by 2026-12).
/// - Convolutional networks, where the CPU has an AVX-512 kernel: that kernel. A stride-1
///   convolution is many GEMMs with k or m of 16 to 128 (`TapConvolution`), which OpenBLAS's
///   AVX-512 kernels run through their small-matrix path without packing: a ResNet-20 step
///   took 0.40 s of CPU with Cooperlake against 0.45 s with HASWELL.
/// Every other CPU with AVX2 and FMA gets HASWELL.
public enum BLASKernelChoice {
    public static let preferredCore = "HASWELL"
    static let requiredFlags: Set<String> = ["avx2", "fma"]
    /// OpenBLAS's AVX-512 kernels (with small-matrix GEMM paths), as `openblas_get_corename` names them.
    static let avx512Cores: Set<String> = ["SKYLAKEX", "COOPERLAKE", "SAPPHIRERAPIDS"]

    /// The OPENBLAS_CORETYPE to force, or nil when OpenBLAS's own choice (`detectedCore`)
    /// stands: it is already the one, or the CPU lacks AVX2/FMA.
    public static func preferredCoreType(cpuFlags: Set<String>, detectedCore: String, convolutional: Bool = false) -> String? {
        let detected = detectedCore.uppercased()
        guard cpuFlags.isSuperset(of: requiredFlags), detected != preferredCore else { return nil }
        if convolutional && avx512Cores.contains(detected) { return nil }
        return preferredCore
    }

    /// The flags of the first processor in /proc/cpuinfo (empty where there is none).
    public static func cpuFlags(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> Set<String> {
        guard let line = cpuinfo?.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }

    public static func cpuModelName(cpuinfo: String? = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) -> String? {
        guard let line = cpuinfo?.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return nil }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
