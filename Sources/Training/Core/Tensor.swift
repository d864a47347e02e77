/// A dense Float32 tensor in contiguous row-major storage. The first dimension of
/// an activation tensor is the batch.
public struct Tensor: Sendable, Equatable {
    public var shape: [Int]
    public var storage: [Float]

    public init(shape: [Int], repeating value: Float = 0) {
        self.shape = shape
        self.storage = [Float](repeating: value, count: shape.reduce(1, *))
    }

    public init(shape: [Int], storage: [Float]) {
        precondition(shape.reduce(1, *) == storage.count,
                     "shape \(shape) needs \(shape.reduce(1, *)) values, got \(storage.count)")
        self.shape = shape
        self.storage = storage
    }

    /// A tensor whose storage the caller fills completely through `initializer`.
    public init(shape: [Int], uninitialized initializer: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = shape.reduce(1, *)
        self.shape = shape
        self.storage = [Float](unsafeUninitializedCapacity: count) { buffer, initializedCount in
            initializer(buffer)
            initializedCount = count
        }
    }

    public var count: Int { storage.count }
    public var batchSize: Int { shape.first ?? 0 }
    /// Elements per sample: everything but the batch dimension.
    public var sampleSize: Int { shape.dropFirst().reduce(1, *) }
}
