/// A masked Dense-layer weight W [outputs, inputs] (PyTorch layout, as `Dense` stores it)
/// in compressed sparse row form: one row per output neuron, holding the column (input)
/// index and value of every kept weight.
///
/// Kept means what `LayerSnapshot.nonzeroCount` counts: kept by the mask and not zero,
/// so the product equals x·(W⊙M)ᵀ exactly in real arithmetic. (For DropBack, whose
/// untracked weights keep their initial values in the forward pass, this is the masked
/// network, not the one the trainer evaluates.) The survey's storage formats (Hoefler et al. 2021,
/// arXiv:2102.00554, §2.2; see `StorageFormats`) price CSR for storage; here it is chosen for speed:
/// a row is a dot product with gathered inputs, which needs no write conflicts and no
/// input-dependent branches, so the time depends on the mask only, never on the data.
///
/// Column indices are UInt16 (layers of up to 65,536 inputs; lenet300 has 784): at batch 1
/// the kernel is bound by loads, and four UInt16 indices come in one 8-byte load, four
/// values in one 16-byte load, leaving the four gathered inputs: 1.5 loads per weight
/// instead of 3 when each weight's index and value are loaded apart (that version took
/// 5.9 µs for lenet300 at 95% batch 1 in `prunetop bench --sparse`, this one 3.3-4.8 µs).
public struct SparseMatrix: Sendable {
    public let rowCount: Int
    public let columnCount: Int
    /// Weights kept (the padding below not counted).
    public let nonzeroCount: Int
    /// Row r's entries are at rowStarts[r] ..< rowStarts[r + 1]; rowCount + 1 entries. Each
    /// row is padded with explicit zeros (column 0) to a multiple of 4 entries, so that the
    /// batch-1 loop, unrolled by 4, has no remainder loop whose varying trip count the branch
    /// predictor would miss on most rows (rows of lenet300 at 95% hold about 40 weights).
    let rowStarts: [Int32]
    let columnIndices: [UInt16]
    let values: [Float]
    static let rowPadding = 4

    /// Builds the CSR of `weights` (row-major [rows, columns]) where `mask` (0/1, same
    /// layout; nil = all kept) keeps a weight and the weight is not zero. O(rows x columns).
    public init(weights: [Float], mask: [Float]?, rows: Int, columns: Int) {
        precondition(rows >= 0 && columns >= 0 && weights.count == rows * columns,
                     "SparseMatrix: \(weights.count) weights do not make \(rows)x\(columns)")
        precondition(mask == nil || mask!.count == weights.count, "SparseMatrix: mask size differs from the weights")
        precondition(weights.count + Self.rowPadding * rows < Int(Int32.max), "SparseMatrix: more than 2^31 weights")
        precondition(columns <= 1 << 16, "SparseMatrix: \(columns) inputs; column indices are 16-bit")
        func kept(_ i: Int) -> Bool { weights[i] != 0 && (mask.map { $0[i] != 0 } ?? true) }
        let count = (0..<weights.count).reduce(0) { $0 + (kept($1) ? 1 : 0) }
        var starts: [Int32] = [0], indices: [UInt16] = [], keptValues: [Float] = []
        starts.reserveCapacity(rows + 1)
        indices.reserveCapacity(count + Self.rowPadding * rows)
        keptValues.reserveCapacity(count + Self.rowPadding * rows)
        for row in 0..<rows {
            for column in 0..<columns where kept(row * columns + column) {
                indices.append(UInt16(truncatingIfNeeded: column))
                keptValues.append(weights[row * columns + column])
            }
            while (indices.count - Int(starts[row])) % Self.rowPadding != 0 {
                indices.append(0)
                keptValues.append(0)
            }
            starts.append(Int32(indices.count))
        }
        rowCount = rows
        columnCount = columns
        nonzeroCount = count
        rowStarts = starts
        columnIndices = indices
        values = keptValues
    }

    /// Fraction of the rows x columns weights not kept.
    public var sparsity: Double {
        rowCount * columnCount == 0 ? 0 : 1 - Double(nonzeroCount) / Double(rowCount * columnCount)
    }

    /// One sample: y[r] = b[r] + Σ_k W[r, k] x[k] over the stored weights, then max(·, 0)
    /// when `appliesReLU`. `x` has `columnCount` values, `y` gets `rowCount`.
    public func multiplyVector(_ x: UnsafePointer<Float>, bias: UnsafePointer<Float>?, appliesReLU: Bool,
                               into y: UnsafeMutablePointer<Float>) {
        rowStarts.withUnsafeBufferPointer { starts in
            columnIndices.withUnsafeBufferPointer { columns in
                values.withUnsafeBufferPointer { weights in
                    guard let column = columns.baseAddress, let weight = weights.baseAddress else {
                        for row in 0..<rowCount { y[row] = Self.activate(bias?[row] ?? 0, appliesReLU) }
                        return
                    }
                    for row in 0..<rowCount {
                        var k = Int(starts[row])
                        let end = Int(starts[row + 1])
                        var sum = SIMD4<Float>()
                        while k < end {  // rows hold a multiple of 4 entries
                            let packed = UnsafeRawPointer(column + k).loadUnaligned(as: UInt64.self)
                            let gathered = SIMD4<Float>(x[Int(packed & 0xFFFF)], x[Int((packed >> 16) & 0xFFFF)],
                                                        x[Int((packed >> 32) & 0xFFFF)], x[Int(packed >> 48)])
                            sum += UnsafeRawPointer(weight + k).loadUnaligned(as: SIMD4<Float>.self) * gathered
                            k += 4
                        }
                        y[row] = Self.activate((bias?[row] ?? 0) + ((sum[0] + sum[1]) + (sum[2] + sum[3])), appliesReLU)
                    }
                }
            }
        }
    }

    /// A batch in feature-major layout: `xT` is [columnCount, batch] (sample b of input k at
    /// k·batch + b) and `yT` gets [rowCount, batch]. Each stored weight is applied to 32
    /// samples at once as contiguous vector multiply-adds, so the work vectorises although
    /// the rows are irregular; the row's indices are re-read once per 32 samples, from L1.
    public func multiplyFeatureMajor(_ xT: UnsafePointer<Float>, batch: Int, bias: UnsafePointer<Float>?,
                                     appliesReLU: Bool, into yT: UnsafeMutablePointer<Float>) {
        rowStarts.withUnsafeBufferPointer { starts in
            columnIndices.withUnsafeBufferPointer { columns in
                values.withUnsafeBufferPointer { weights in
                    for row in 0..<rowCount {
                        let begin = Int(starts[row]), end = Int(starts[row + 1])
                        let b = bias?[row] ?? 0
                        let output = yT + row * batch
                        var lane = 0
                        while lane + 32 <= batch {
                            var low = SIMD16<Float>(repeating: b), high = low
                            for k in begin..<end {
                                let w = SIMD16<Float>(repeating: weights[k])
                                let input = UnsafeRawPointer(xT + Int(columns[k]) * batch + lane)
                                low += w * input.loadUnaligned(as: SIMD16<Float>.self)
                                high += w * input.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                            }
                            if appliesReLU {
                                low.replace(with: 0, where: low .< 0)
                                high.replace(with: 0, where: high .< 0)
                            }
                            UnsafeMutableRawPointer(output + lane).storeBytes(of: low, as: SIMD16<Float>.self)
                            UnsafeMutableRawPointer(output + lane + 16).storeBytes(of: high, as: SIMD16<Float>.self)
                            lane += 32
                        }
                        while lane + 8 <= batch {
                            var sum = SIMD8<Float>(repeating: b)
                            for k in begin..<end {
                                let input = UnsafeRawPointer(xT + Int(columns[k]) * batch + lane)
                                sum += SIMD8<Float>(repeating: weights[k]) * input.loadUnaligned(as: SIMD8<Float>.self)
                            }
                            if appliesReLU { sum.replace(with: 0, where: sum .< 0) }
                            UnsafeMutableRawPointer(output + lane).storeBytes(of: sum, as: SIMD8<Float>.self)
                            lane += 8
                        }
                        while lane < batch {
                            var sum = b
                            for k in begin..<end { sum += weights[k] * xT[Int(columns[k]) * batch + lane] }
                            output[lane] = Self.activate(sum, appliesReLU)
                            lane += 1
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func activate(_ value: Float, _ appliesReLU: Bool) -> Float { appliesReLU ? max(value, 0) : value }
}
