import Training

/// Ways to store a sparse weight tensor (Hoefler et al. 2021, arXiv:2102.00554, §2.2, Fig. 5).
public enum StorageFormat: String, Sendable, CaseIterable, Codable {
    case dense
    case bitmap
    case coordinate
    case delta
    case compressedSparseRow

    public var label: String {
        switch self {
        case .dense: "dense"
        case .bitmap: "bitmap"
        case .coordinate: "COO"
        case .delta: "delta"
        case .compressedSparseRow: "CSR"
        }
    }
}

/// What the storage cost depends on: a tensor viewed as `rows` x `columns` (the GEMM view:
/// output units x inputs·kernel) holding `nonzeroCount` values; `maxGap` is the largest
/// distance between neighbouring non-zero positions in row-major order, counting the first
/// non-zero's distance from position -1 (so a fully dense tensor has gap 1).
public struct SparseTensorExtent: Sendable, Equatable {
    public var rows: Int
    public var columns: Int
    public var nonzeroCount: Int
    public var maxGap: Int

    public init(rows: Int, columns: Int, nonzeroCount: Int, maxGap: Int) {
        self.rows = rows
        self.columns = columns
        self.nonzeroCount = nonzeroCount
        self.maxGap = maxGap
    }

    /// The extent of a 0/1 mask of `shape` ([out, in] or [out, in, kh, kw]; a vector is one row).
    public init(mask: [Float], shape: [Int]) {
        precondition(shape.reduce(1, *) == mask.count, "mask of \(mask.count) does not fill shape \(shape)")
        rows = shape.count > 1 ? shape[0] : 1
        columns = shape.count > 1 ? shape.dropFirst().reduce(1, *) : mask.count
        var count = 0, previous = -1, widest = 0
        for (position, kept) in mask.enumerated() where kept != 0 {
            widest = max(widest, position - previous)
            previous = position
            count += 1
        }
        nonzeroCount = count
        maxGap = widest
    }

    public var elementCount: Int { rows * columns }
}

/// Bits of one tensor in one format.
public struct StorageCost: Sendable, Equatable, Codable {
    public var format: StorageFormat
    public var bits: Int
    /// Dense bits over this format's bits.
    public var compressionRatio: Double
}

/// Storage sizes from the survey's formulas (Hoefler et al. 2021, arXiv:2102.00554, §2.2: m non-zeros
/// of k bits among n):
///
///     dense  n·k
///     bitmap m·k + n
///     COO    m·k + m·⌈log2 n⌉
///     delta  m·k + m·⌈log2 d̂⌉        (d̂: the actual largest gap)
///     CSR    m·k + m·⌈log2 n_c⌉ + n_r·⌈log2 m⌉
///
/// Unit tests assert the formulas, evaluated on the survey's §2.2 example (n = 10^8, k = 8), not
/// the survey prose's ranges ("10-70%" bitmap, delta above 80%), which by our arithmetic do not
/// follow from them: bitmap breaks even with dense at 12.5% sparsity, 10-bit delta with bitmap at 90%.
public enum StorageFormats {
    public static let valueWidths = [32, 16, 8]

    public static func bits(_ format: StorageFormat, _ extent: SparseTensorExtent, valueBits: Int) -> Int {
        let n = extent.elementCount, m = extent.nonzeroCount
        let values = m * valueBits
        switch format {
        case .dense: return n * valueBits
        case .bitmap: return values + n
        case .coordinate: return values + m * ceilLog2(n)
        case .delta: return values + m * ceilLog2(extent.maxGap)
        case .compressedSparseRow: return values + m * ceilLog2(extent.columns) + extent.rows * ceilLog2(m)
        }
    }

    /// Every format's cost, in `StorageFormat.allCases` order.
    public static func costs(_ extent: SparseTensorExtent, valueBits: Int) -> [StorageCost] {
        costs(of: StorageFormat.allCases.map { ($0, bits($0, extent, valueBits: valueBits)) })
    }

    /// Every format's cost for a whole model stored in that one format.
    public static func modelCosts(_ extents: [SparseTensorExtent], valueBits: Int) -> [StorageCost] {
        costs(of: StorageFormat.allCases.map { format in
            (format, extents.reduce(0) { $0 + bits(format, $1, valueBits: valueBits) })
        })
    }

    /// The smallest cost; a tie goes to the format listed first (dense, then bitmap, ...),
    /// the simpler one.
    public static func cheapest(_ costs: [StorageCost]) -> StorageCost {
        costs.min { $0.bits < $1.bits }!
    }

    /// Bits when every layer uses its own cheapest format.
    public static func bestPerLayerBits(_ extents: [SparseTensorExtent], valueBits: Int) -> Int {
        extents.reduce(0) { $0 + cheapest(costs($1, valueBits: valueBits)).bits }
    }

    /// ⌈log2 x⌉, and 0 for x <= 1 (one possible value needs no bits).
    public static func ceilLog2(_ x: Int) -> Int {
        x <= 1 ? 0 : Int.bitWidth - (x - 1).leadingZeroBitCount
    }

    private static func costs(of bits: [(StorageFormat, Int)]) -> [StorageCost] {
        let dense = bits.first { $0.0 == .dense }!.1
        return bits.map { format, size in
            StorageCost(format: format, bits: size, compressionRatio: size == 0 ? 1 : Double(dense) / Double(size))
        }
    }
}

extension SparseTensorExtent {
    /// The extent of a snapshot tensor: its active weights, kept by the mask (if any) and
    /// not zero, as `LayerSnapshot.nonzeroCount` counts them.
    public init(_ layer: LayerSnapshot) {
        let stored = layer.weights.indices.map { index -> Float in
            layer.weights[index] != 0 && (layer.mask?[index] ?? 1) != 0 ? 1 : 0
        }
        self.init(mask: stored, shape: layer.shape)
    }
}
