import Training

/// A prunable tensor's mask and magnitudes downsampled to a grid of cells for a heatmap
/// (per-layer sparsity view, cf. Hoefler et al. 2021, arXiv:2102.00554, §3.9, Fig. 16; a conv layer
/// rendered as a masked matrix, as convolution is a sparse fully-connected operator, §1.2.4, Fig. 3).
///
/// The tensor is viewed as a matrix: Dense [out, in] as is, Conv2D [out, in, kh, kw] as
/// rows = out, columns = in*kh*kw. Matrix rows split into grid rows as evenly as integers
/// allow: grid row r covers matrix rows floor(r*R/G) ..< floor((r+1)*R/G), so band sizes
/// differ by at most one and every weight lies in exactly one cell. A grid larger than the
/// matrix is clamped to the matrix (one row or column per cell): the view scales it, and
/// no cell is empty or counted twice.
public struct HeatmapGrid: Sendable, Equatable, Codable {
    public var rows: Int
    public var columns: Int
    /// Per cell, row-major: weights in the cell.
    public var weightCount: [Int]
    /// Per cell: weights the mask keeps (non-zero weights when there is no mask).
    public var keptCount: [Int]
    /// Per cell: sum of |w| over kept weights.
    public var keptMagnitudeSum: [Double]
    /// Per cell: sum of |w| over all weights as the forward pass sees them.
    public var magnitudeSum: [Double]

    /// `weights` and `mask` are row-major [matrixRows, matrixColumns].
    public init(weights: [Float], mask: [Float]?, matrixRows: Int, matrixColumns: Int,
                requestedRows: Int, requestedColumns: Int) {
        precondition(weights.count == matrixRows * matrixColumns, "weights do not fill \(matrixRows)x\(matrixColumns)")
        precondition(mask.map { $0.count == weights.count } ?? true, "mask and weights differ in size")
        rows = max(0, min(requestedRows, matrixRows))
        columns = max(0, min(requestedColumns, matrixColumns))
        let cells = rows * columns
        weightCount = [Int](repeating: 0, count: cells)
        keptCount = [Int](repeating: 0, count: cells)
        keptMagnitudeSum = [Double](repeating: 0, count: cells)
        magnitudeSum = [Double](repeating: 0, count: cells)
        guard cells > 0 else { return }
        let rowCell = Self.bands(matrixRows, into: rows), columnCell = Self.bands(matrixColumns, into: columns)
        for r in 0..<matrixRows {
            let cellRow = rowCell[r] * columns
            for c in 0..<matrixColumns {
                let i = r * matrixColumns + c, cell = cellRow + columnCell[c]
                let magnitude = Double(abs(weights[i]))
                let isKept = mask.map { $0[i] != 0 } ?? (weights[i] != 0)
                weightCount[cell] += 1
                magnitudeSum[cell] += magnitude
                if isKept {
                    keptCount[cell] += 1
                    keptMagnitudeSum[cell] += magnitude
                }
            }
        }
    }

    /// The grid of a prunable tensor (Dense or Conv2D shape); nil for other shapes.
    public init?(layer: LayerSnapshot, rows: Int, columns: Int) {
        guard let shape = PrunableLayerShape(shape: layer.shape) else { return nil }
        self.init(weights: layer.weights, mask: layer.mask, matrixRows: shape.matrixRows,
                  matrixColumns: shape.matrixColumns, requestedRows: rows, requestedColumns: columns)
    }

    /// Per cell: the kept fraction.
    public var density: [Double] {
        zip(keptCount, weightCount).map { $1 == 0 ? 0 : Double($0) / Double($1) }
    }

    /// Per cell: mean |w| over the kept weights (0 where nothing is kept): how strong the
    /// surviving connections are, independent of how many survive.
    public var meanKeptMagnitude: [Double] {
        zip(keptMagnitudeSum, keptCount).map { $1 == 0 ? 0 : $0 / Double($1) }
    }

    /// Per cell: mean |w| over all weights as the forward pass sees them (pruned weights
    /// are 0, except DropBack's, which hold w0).
    public var meanMagnitude: [Double] {
        zip(magnitudeSum, weightCount).map { $1 == 0 ? 0 : $0 / Double($1) }
    }

    /// For each of `count` matrix lines, the band of `bands` it falls in.
    static func bands(_ count: Int, into bands: Int) -> [Int] {
        var cellOf = [Int](repeating: 0, count: count)
        for band in 0..<bands {
            for line in (band * count / bands)..<((band + 1) * count / bands) { cellOf[line] = band }
        }
        return cellOf
    }
}
