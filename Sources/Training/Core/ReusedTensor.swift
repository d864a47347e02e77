/// A tensor a layer owns and rewrites in place from one training step to the next, so a
/// step allocates nothing once the shapes are settled. Each `write` hands back the same
/// storage when its shape is unchanged and nobody else still holds it; when a caller does
/// (a cached input not yet released, a snapshot), the write goes to a fresh copy — Swift's
/// copy on write — so a tensor someone holds is never overwritten under them. Its shape
/// array is kept too: the dimensions are compared, and a new array made only when they differ.
/// Layers use it for training passes only; an evaluation pass allocates its tensors, so one
/// run between a training forward and its backward leaves the training buffers alone.
struct ReusedTensor {
    private var tensor = Tensor.empty

    /// The last tensor written (`Tensor.empty` before the first write).
    var current: Tensor { tensor }

    /// Rewrites the tensor as `shape` through `body`, which must set every element (the
    /// old values are left in place), and returns it.
    mutating func write(shape: [Int], _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        if tensor.shape != shape { tensor = Tensor(shape: shape) }
        return fill(body)
    }

    /// `write(shape:)` for a [d0, d1] tensor, without building the shape array each time.
    mutating func write(_ d0: Int, _ d1: Int, _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let shape = tensor.shape
        if !(shape.count == 2 && shape[0] == d0 && shape[1] == d1) { tensor = Tensor(shape: [d0, d1]) }
        return fill(body)
    }

    /// `write(shape:)` for a [d0, d1, d2, d3] tensor, without building the shape array each time.
    mutating func write(_ d0: Int, _ d1: Int, _ d2: Int, _ d3: Int,
                        _ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        let shape = tensor.shape
        if !(shape.count == 4 && shape[0] == d0 && shape[1] == d1 && shape[2] == d2 && shape[3] == d3) {
            tensor = Tensor(shape: [d0, d1, d2, d3])
        }
        return fill(body)
    }

    private mutating func fill(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        tensor.storage.withUnsafeMutableBufferPointer { body($0) }
        return tensor
    }
}

extension Tensor {
    /// No elements; shared, so assigning it (to let go of a cached tensor) allocates nothing.
    static let empty = Tensor(shape: [0], storage: [])
}
