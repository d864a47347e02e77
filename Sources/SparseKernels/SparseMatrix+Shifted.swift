extension SparseMatrix {
    /// For `multiplyShifted`: each stored entry's input offset, `columnOffsets[column]`
    /// (a row's padding entries, column 0 with weight 0, take column 0's).
    public func entryOffsets(columnOffsets: [Int]) -> [Int32] {
        precondition(columnOffsets.count == columnCount, "one offset per column")
        precondition(columnOffsets.allSatisfy { $0 >= 0 && $0 < Int(Int32.max) }, "offsets are 32-bit")
        return columnIndices.map { Int32(truncatingIfNeeded: columnOffsets[Int($0)]) }
    }

    /// A direct convolution's product (`SparseConvolution`): y[row, i] = bias[row] +
    /// Σ_k W[row, k] · input[offset_k + i] for i in 0..<length, `offsets` from
    /// `entryOffsets` (one per stored entry): each kept tap is one run over the input
    /// shifted by its offset, so there are no im2col columns to build.
    ///
    /// Blocks of 32 lanes outside, rows inside: each block reads the 32-wide slices of the
    /// input runs it needs from cache once per row, while the CSR (a few kB at 90%) stays
    /// in L1. With rows outside, as `multiplyFeatureMajor` goes, the input runs would
    /// stream through the cache once per output channel.
    public func multiplyShifted(_ input: UnsafePointer<Float>, offsets: UnsafePointer<Int32>, length: Int,
                                bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>) {
        rowStarts.withUnsafeBufferPointer { starts in
            values.withUnsafeBufferPointer { weights in
                var lane = 0
                while lane + 32 <= length {
                    for row in 0..<rowCount {
                        var low = SIMD16<Float>(repeating: bias?[row] ?? 0), high = low
                        for k in Int(starts[row])..<Int(starts[row + 1]) {
                            let w = SIMD16<Float>(repeating: weights[k])
                            let source = UnsafeRawPointer(input + Int(offsets[k]) + lane)
                            low += w * source.loadUnaligned(as: SIMD16<Float>.self)
                            high += w * source.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
                        }
                        let output = UnsafeMutableRawPointer(y + row * length + lane)
                        output.storeBytes(of: low, as: SIMD16<Float>.self)
                        output.storeBytes(of: high, toByteOffset: 64, as: SIMD16<Float>.self)
                    }
                    lane += 32
                }
                while lane + 8 <= length {
                    for row in 0..<rowCount {
                        var sum = SIMD8<Float>(repeating: bias?[row] ?? 0)
                        for k in Int(starts[row])..<Int(starts[row + 1]) {
                            let source = UnsafeRawPointer(input + Int(offsets[k]) + lane)
                            sum += SIMD8<Float>(repeating: weights[k]) * source.loadUnaligned(as: SIMD8<Float>.self)
                        }
                        UnsafeMutableRawPointer(y + row * length + lane).storeBytes(of: sum, as: SIMD8<Float>.self)
                    }
                    lane += 8
                }
                while lane < length {
                    for row in 0..<rowCount {
                        var sum = bias?[row] ?? 0
                        for k in Int(starts[row])..<Int(starts[row + 1]) { sum += weights[k] * input[Int(offsets[k]) + lane] }
                        y[row * length + lane] = sum
                    }
                    lane += 1
                }
            }
        }
    }
}
