/// Where everything goes on a screen of a given size: the header at the top, the message
/// line at the bottom, and the six panels between them. Pure and deterministic, so the app
/// can recompute it on every resize and tests can check it.
///
/// Three arrangements, chosen by size (header, message line, then the panels):
///
/// - **compact** (80x24 up to 119 columns or 39 rows): a one-line header, two bands of
///   three panels, each band half of what is left. Top: Sparsity (40%) | Weights | Occam's
///   hill; bottom: Loss (35%) | Speedup | Knobs. At 80x24 every panel is 11 rows high
///   (Knobs: all eight knobs and the hint).
/// - **medium** (from 120x40): a two-line header (status and progress bar); a right-hand
///   column 36 wide holds Knobs (12 rows: every knob, a blank row and the hint) over
///   Speedup; the left is two bands, Sparsity (55%) | Occam's hill over Weights | Loss.
///   At 120x40: Sparsity and Occam's hill 18 rows, Weights and Loss 19, Speedup 25.
/// - **large** (from 160x48): as medium, but Sparsity spans the left side in its own band
///   (40% of the body) so it can show one heatmap per layer side by side, over Weights |
///   Occam's hill | Loss. At 160x48: Sparsity 18 rows (124 columns), the three below it
///   27, Knobs 12, Speedup 33; at 200x60: 22, 35, 12 and 45.
///
/// Below 80x24 there is no layout (`init` returns nil) and the app shows `TooSmallView`.
public struct DashboardLayout: Sendable, Equatable {
    public typealias PanelID = DashboardState.PanelID

    public enum Arrangement: String, Sendable {
        case compact, medium, large
    }

    /// A direction to move the focus in (arrow keys outside the Knobs panel).
    public enum Direction: Sendable, Equatable {
        case up, down, left, right
    }

    /// What a screen point falls on: a panel, and for the Knobs panel the knob row (an
    /// index into `Knob.allCases`) when the point is on one.
    public struct Hit: Sendable, Equatable {
        public var panel: PanelID
        public var knob: Int?

        public init(panel: PanelID, knob: Int? = nil) {
            self.panel = panel
            self.knob = knob
        }
    }

    public static let minimumWidth = 80
    public static let minimumHeight = 24
    /// Inner rows Knobs needs to show every knob and its hint line.
    static let knobsHeight = Knob.allCases.count + 1 + 2 + 1
    static let sideColumnWidth = 36

    public let width: Int
    public let height: Int
    public let arrangement: Arrangement
    public let header: Rect
    public let messageLine: Rect
    public let panels: [PanelID: Rect]

    /// The Sparsity panel has room for every layer's heatmap side by side (large arrangement);
    /// otherwise it shows the selected layer (and what else fits).
    public var sparsityShowsEveryLayer: Bool { arrangement == .large }

    /// nil below 80x24.
    public init?(width: Int, height: Int) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return nil }
        self.width = width
        self.height = height
        arrangement = width >= 160 && height >= 48 ? .large : width >= 120 && height >= 40 ? .medium : .compact
        let headerHeight = arrangement == .compact ? 1 : 2
        header = Rect(x: 0, y: 0, width: width, height: headerHeight)
        messageLine = Rect(x: 0, y: height - 1, width: width, height: 1)
        let body = Rect(x: 0, y: headerHeight, width: width, height: height - headerHeight - 1)
        switch arrangement {
        case .compact: panels = Self.compact(body)
        case .medium: panels = Self.medium(body)
        case .large: panels = Self.large(body)
        }
    }

    public subscript(panel: PanelID) -> Rect { panels[panel]! }

    // MARK: Arrangements

    private static func compact(_ body: Rect) -> [PanelID: Rect] {
        let (top, bottom) = body.splitRows(topHeight: body.height / 2)
        let (sparsity, topRest) = top.splitColumns(leftWidth: top.width * 40 / 100)
        let (weights, occam) = topRest.splitColumns(leftWidth: topRest.width / 2)
        let (loss, bottomRest) = bottom.splitColumns(leftWidth: bottom.width * 35 / 100)
        let (speedup, knobs) = bottomRest.splitColumns(leftWidth: bottomRest.width / 2)
        return [.sparsity: sparsity, .weights: weights, .occamsHill: occam, .loss: loss, .speedup: speedup, .knobs: knobs]
    }

    private static func sideColumn(_ body: Rect) -> (main: Rect, knobs: Rect, speedup: Rect) {
        let (main, side) = body.splitColumns(leftWidth: body.width - sideColumnWidth)
        let (knobs, speedup) = side.splitRows(topHeight: knobsHeight)
        return (main, knobs, speedup)
    }

    private static func medium(_ body: Rect) -> [PanelID: Rect] {
        let (main, knobs, speedup) = sideColumn(body)
        let (top, bottom) = main.splitRows(topHeight: main.height / 2)
        let (sparsity, occam) = top.splitColumns(leftWidth: top.width * 55 / 100)
        let (weights, loss) = bottom.splitColumns(leftWidth: bottom.width / 2)
        return [.sparsity: sparsity, .weights: weights, .occamsHill: occam, .loss: loss, .speedup: speedup, .knobs: knobs]
    }

    private static func large(_ body: Rect) -> [PanelID: Rect] {
        let (main, knobs, speedup) = sideColumn(body)
        let (sparsity, bottom) = main.splitRows(topHeight: main.height * 40 / 100)
        let (weights, rest) = bottom.splitColumns(leftWidth: bottom.width / 3)
        let (occam, loss) = rest.splitColumns(leftWidth: rest.width / 2)
        return [.sparsity: sparsity, .weights: weights, .occamsHill: occam, .loss: loss, .speedup: speedup, .knobs: knobs]
    }

    // MARK: Mouse and focus

    /// The panel under a screen point, and the knob row when it is one. `selectedKnob`
    /// matters because a short Knobs panel scrolls to keep the selected knob visible.
    public func hitTest(x: Int, y: Int, selectedKnob: Int = 0) -> Hit? {
        guard let panel = PanelID.allCases.first(where: { panels[$0]!.contains(x: x, y: y) }) else { return nil }
        guard panel == .knobs else { return Hit(panel: panel) }
        let knob = KnobsView.knob(atX: x, y: y, in: panels[.knobs]!, selectedKnob: selectedKnob)
        return Hit(panel: .knobs, knob: knob)
    }

    /// The panel next to `panel` in `direction`: among the panels that lie wholly beyond its
    /// edge, the one closest to its centre (ties to the one that overlaps it most). `panel`
    /// itself when there is none.
    public func neighbour(of panel: PanelID, toward direction: Direction) -> PanelID {
        let from = self[panel]
        func centre(_ r: Rect) -> (x: Int, y: Int) { (r.x * 2 + r.width, r.y * 2 + r.height) }  // doubled
        let c = centre(from)
        var best: (panel: PanelID, distance: Int, overlap: Int)?
        for candidate in PanelID.allCases where candidate != panel {
            let r = self[candidate]
            let beyond: Bool, overlap: Int
            switch direction {
            case .up: beyond = r.maxY <= from.y; overlap = min(r.maxX, from.maxX) - max(r.x, from.x)
            case .down: beyond = r.y >= from.maxY; overlap = min(r.maxX, from.maxX) - max(r.x, from.x)
            case .left: beyond = r.maxX <= from.x; overlap = min(r.maxY, from.maxY) - max(r.y, from.y)
            case .right: beyond = r.x >= from.maxX; overlap = min(r.maxY, from.maxY) - max(r.y, from.y)
            }
            guard beyond else { continue }
            let d = centre(r)
            let distance = abs(d.x - c.x) + abs(d.y - c.y) * 2  // rows are about twice as tall as columns are wide
            let better = best.map { overlap > 0 && $0.overlap <= 0 || (overlap > 0) == ($0.overlap > 0) && distance < $0.distance } ?? true
            if better { best = (candidate, distance, overlap) }
        }
        return best?.panel ?? panel
    }
}
