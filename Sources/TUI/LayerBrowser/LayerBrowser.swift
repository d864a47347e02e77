import Training

/// The layer browser's state: every prunable layer with its size, sparsity, target and
/// kind, grouped under its residual block when the network has blocks; `/` filters by
/// substring, Enter picks the selected layer. A value: the app feeds it keys and wheel
/// steps, the view draws it.
public struct LayerBrowser: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        /// Index among the prunable layers (what `DashboardViewState.selectedLayer` counts).
        public var index: Int
        public var name: String
        /// "conv", "linear".
        public var kind: String
        /// The residual block it is in ("layer1.0"); nil at the top level.
        public var block: String?
        public var shape: [Int]
        public var parameters: Int
        /// Measured: the mask's zeros over the weights.
        public var sparsity: Double
        /// What the budget assigns it now.
        public var target: Double?

        public init(index: Int, name: String, kind: String, block: String?, shape: [Int], parameters: Int, sparsity: Double, target: Double?) {
            (self.index, self.name, self.kind, self.block, self.shape) = (index, name, kind, block, shape)
            (self.parameters, self.sparsity, self.target) = (parameters, sparsity, target)
        }
    }

    /// One line of the list: a block's heading or a layer.
    public enum Line: Sendable, Equatable {
        case block(String)
        case layer(Row)
    }

    public enum Outcome: Sendable, Equatable {
        case browsing
        case closed
        /// Enter on a layer: its prunable index.
        case chosen(Int)
    }

    public private(set) var rows: [Row]
    public private(set) var filter = ""
    /// `/` was pressed: keys type the filter until Enter or Esc.
    public private(set) var typingFilter = false
    /// The selected layer's prunable index; nil when the filter leaves none.
    public private(set) var selected: Int?
    /// The first line shown.
    public private(set) var scroll = 0

    public init(rows: [Row], selected: Int) {
        self.rows = rows
        self.selected = rows.contains { $0.index == selected } ? selected : rows.first?.index
    }

    /// The rows from a snapshot's layers, with kinds and blocks from the network's description.
    public init(snapshot: TrainingSnapshot, network: NetworkDescription, selected: Int) {
        let described = Dictionary(network.prunableLayers.compactMap { layer in layer.weight.map { ($0, layer) } }, uniquingKeysWith: { a, _ in a })
        let rows = snapshot.layers.filter(\.isPrunable).enumerated().map { index, layer in
            let description = described[layer.name]
            let kind = description.map { $0.kind == .convolution ? "conv" : $0.kind.rawValue } ?? (layer.shape.count == 4 ? "conv" : "linear")
            let zeros = layer.parameterCount - layer.nonzeroCount
            return Row(index: index, name: CommandParser.layerName(layer.name), kind: kind, block: description?.block, shape: layer.shape,
                       parameters: layer.parameterCount, sparsity: layer.parameterCount > 0 ? Double(zeros) / Double(layer.parameterCount) : 0,
                       target: layer.targetSparsity)
        }
        self.init(rows: rows, selected: selected)
    }

    /// The layers the filter keeps (a substring of the name, block or kind, any case), each
    /// block's under its heading.
    public var lines: [Line] {
        let needle = filter.lowercased()
        let kept = rows.filter { needle.isEmpty || "\($0.name) \($0.kind)".lowercased().contains(needle) }
        var lines: [Line] = []
        var block: String?
        for row in kept {
            if let rowBlock = row.block, rowBlock != block { lines.append(.block(rowBlock)) }
            block = row.block
            lines.append(.layer(row))
        }
        return lines
    }

    /// The line the selection is on.
    public var selectedLine: Int? {
        lines.firstIndex { if case let .layer(row) = $0 { row.index == selected } else { false } }
    }

    /// The same layers with newer figures (the filter, selection and scroll stay).
    public mutating func update(from snapshot: TrainingSnapshot, network: NetworkDescription) {
        let fresh = LayerBrowser(snapshot: snapshot, network: network, selected: selected ?? 0)
        if fresh.rows.map(\.name) == rows.map(\.name) { rows = fresh.rows }
    }

    /// Applies a key with `height` lines visible.
    public mutating func handle(_ key: KeyEvent, height: Int) -> Outcome {
        if typingFilter {
            switch key {
            case .escape:
                (filter, typingFilter) = ("", false)
            case .enter:
                typingFilter = false
            case .character("\u{7F}"):
                if !filter.isEmpty { filter.removeLast() }
            case let .character(character) where filter.count < 40:
                filter.append(character)
            default:
                break
            }
            keepSelectionVisible(height: height)
            return .browsing
        }
        switch key {
        case .escape, .character("q"), .character("b"): return .closed
        case .enter: return selected.map(Outcome.chosen) ?? .browsing
        case .character("/"): typingFilter = true
        case .up, .character("k"): moveSelection(by: -1)
        case .down, .character("j"): moveSelection(by: 1)
        case .wheelUp: scroll(by: -3, height: height)
        case .wheelDown: scroll(by: 3, height: height)
        default: break
        }
        keepSelectionVisible(height: height)
        return .browsing
    }

    /// Selects the layer on the `line`-th line shown (a click); false on a heading or past the end.
    public mutating func select(visibleLine line: Int) -> Bool {
        let all = lines
        guard line >= 0, scroll + line < all.count, case let .layer(row) = all[scroll + line] else { return false }
        selected = row.index
        return true
    }

    /// Moves the view without moving the selection (the wheel).
    public mutating func scroll(by lines: Int, height: Int) {
        scroll = min(max(scroll + lines, 0), max(self.lines.count - height, 0))
    }

    private mutating func moveSelection(by offset: Int) {
        let shown = Self.layerIndices(lines)
        guard !shown.isEmpty else { return }
        let position = selected.flatMap { shown.firstIndex(of: $0) } ?? (offset > 0 ? -1 : shown.count)
        selected = shown[min(max(position + offset, 0), shown.count - 1)]
        pendingReveal = true
    }

    /// Set when the selection moved by key: the next `keepSelectionVisible` scrolls to it.
    private var pendingReveal = false

    /// Scrolls so the selected layer shows (on opening).
    public mutating func reveal(height: Int) {
        pendingReveal = true
        keepSelectionVisible(height: height)
    }

    private mutating func keepSelectionVisible(height: Int) {
        let all = lines, shown = Self.layerIndices(all)
        if selected.map({ !shown.contains($0) }) ?? true {
            // The filter hid it (or none was left): the first layer it keeps.
            selected = shown.first
            pendingReveal = true
        }
        scroll = min(scroll, max(all.count - height, 0))
        guard pendingReveal, let line = selectedLine else { return }
        pendingReveal = false
        // A block's first layer brings its heading into view with it.
        let top: Int
        if line > 0, case .block = all[line - 1] { top = line - 1 } else { top = line }
        if top < scroll { scroll = top }
        if line >= scroll + height { scroll = line - height + 1 }
    }

    private static func layerIndices(_ lines: [Line]) -> [Int] {
        lines.compactMap { if case let .layer(row) = $0 { row.index } else { nil } }
    }
}
