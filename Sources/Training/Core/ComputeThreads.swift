/// How many threads the trainer's arithmetic uses, process-wide like OpenBLAS's own count.
///
/// A dense network gives them to OpenBLAS, which splits each GEMM. A convolutional network's
/// GEMMs are too small to split well (two BLAS threads made ResNet-20 no faster than one), so
/// there OpenBLAS runs on one thread and each convolution splits its samples among the
/// threads instead (`Conv2D`), every thread with its own workspaces and single-threaded BLAS.
public enum ComputeThreads {
    /// Threads a convolution splits its samples among. Set only by `use`, before a step runs.
    nonisolated(unsafe) public private(set) static var convolutionWorkers = 1

    /// `count` threads for training `model`.
    public static func use(_ count: Int, for model: Model) {
        let count = max(count, 1)
        if count > 1 && model.hasConvolutions {
            setBLASThreads(1)
            convolutionWorkers = count
        } else {
            setBLASThreads(count)
            convolutionWorkers = 1
        }
    }
}
