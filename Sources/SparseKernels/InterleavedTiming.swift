import COpenBLAS
import Dispatch
import Glibc

/// Times alternatives against each other: each runs in a loop for at least a minimum time,
/// the alternatives take turns within every repeat (so drift in the machine's speed hits
/// all alike), and each one's median time per call is kept.
///
/// The clock is the calling thread's CPU time when BLAS runs on one thread (all the work
/// is then in this thread): another busy thread, such as the trainer or a build on the
/// other core, cannot inflate a reading by taking the core away, which with wall time made
/// a dashboard on a loaded machine read 8.8x for a network measured at 1.8x. With more
/// BLAS threads their work is not in this thread's time, so the clock is wall time.
public enum InterleavedTiming {
    /// Median seconds per call of each closure.
    public static func medianSeconds(_ variants: [() -> Void], repeats: Int, minimumSecondsPerRepeat: Double) -> [Double] {
        let onOneThread = openblas_get_num_threads() == 1
        func clock() -> Double { onOneThread ? threadCPUSeconds() : wallSeconds() }
        // Calls per repeat, from a warm-up call of each (which also faults the buffers in).
        let calls = variants.map { run -> Int in
            run()
            let begin = clock()
            run()
            let once = max(clock() - begin, 1e-8)
            return max(1, Int((minimumSecondsPerRepeat / once).rounded(.up)))
        }
        var samples = [[Double]](repeating: [], count: variants.count)
        for _ in 0..<repeats {
            for (index, run) in variants.enumerated() {
                let begin = clock()
                for _ in 0..<calls[index] { run() }
                samples[index].append((clock() - begin) / Double(calls[index]))
            }
        }
        return samples.map { $0.sorted()[$0.count / 2] }
    }

    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }

    static func wallSeconds() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }
}
