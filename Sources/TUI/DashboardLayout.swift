/// Where everything goes on a screen of a given size: the header at the top, the message
/// line at the bottom, and the panels between them. Pure and deterministic, so the app
/// can recompute it on every resize and tests can check it.
///
/// Three arrangements, chosen by size, each cut into bands; every panel declares its slot
/// in each (`DashboardPanel.slots`: band, place along it, share of it) and fills it:
///
/// - **compact** (80x24 up to 119 columns or 39 rows): a one-line header, a top and a
///   bottom band, each half of what is left. Top: Sparsity (40%) | Weights | Occam's
///   hill; bottom: Loss (35%) | Speedup | Knobs. At 80x24 every panel is 11 rows high
///   (Knobs: all eight knobs and the hint).
/// - **medium** (from 120x40): a two-line header (status and progress bar); a side column
///   36 wide holds Knobs (13 rows: every knob, a blank row and the hint) over Speedup;
///   the left is two bands, Sparsity (55%) | Occam's hill over Weights | Loss.
///   At 120x40: Sparsity and Occam's hill 18 rows, Weights and Loss 19, Speedup 24.
/// - **large** (from 160x48): as medium, but the top band is 40% of the body and Sparsity
///   spans it alone, so it can show one heatmap per layer side by side, over Weights |
///   Occam's hill | Loss. At 160x48: Sparsity 18 rows (124 columns), the three below it
///   27, Knobs 13, Speedup 32; at 200x60: 22, 35, 13 and 44.
///
/// With panels hidden (`DashboardViewState.shownPanels`), only the shown ones are cut from
/// their bands, and a band none is left in gives its room to the others: the side column
/// goes without Knobs and Speedup, and a lone top or bottom band takes the whole height.
///
/// Below 80x24 there is no layout (`init` returns nil) and the app shows `TooSmallView`.
public struct DashboardLayout: Sendable, Equatable {
    public typealias PanelID = DashboardViewState.PanelID

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
    static let sideColumnWidth = 36

    public let width: Int
    public let height: Int
    public let arrangement: Arrangement
    public let header: Rect
    public let messageLine: Rect
    public let panels: [PanelID: Rect]
    /// The panels laid out, in Tab order.
    public let panelOrder: [PanelID]

    /// The Sparsity panel has room for every layer's heatmap side by side (large arrangement);
    /// otherwise it shows the selected layer (and what else fits).
    public var sparsityShowsEveryLayer: Bool { arrangement == .large }

    /// nil below 80x24. `panels`: those shown (`DashboardViewState.layout`), all by default.
    public init?(width: Int, height: Int, panels list: [any DashboardPanel] = DashboardPanels.all) {
        guard width >= Self.minimumWidth, height >= Self.minimumHeight else { return nil }
        self.width = width
        self.height = height
        let arrangement: Arrangement = width >= 160 && height >= 48 ? .large : width >= 120 && height >= 40 ? .medium : .compact
        self.arrangement = arrangement
        let headerHeight = arrangement == .compact ? 1 : 2
        header = Rect(x: 0, y: 0, width: width, height: headerHeight)
        messageLine = Rect(x: 0, y: height - 1, width: width, height: 1)
        let body = Rect(x: 0, y: headerHeight, width: width, height: height - headerHeight - 1)
        let occupied = Set(list.compactMap { $0.slots[arrangement]?.band })
        panels = Self.fill(Self.bands(of: body, arrangement, occupied: occupied), arrangement, list)
        panelOrder = list.map(\.id)
    }

    public subscript(panel: PanelID) -> Rect { panels[panel]! }

    // MARK: Arrangements

    /// The bands' rects; a band no panel is shown in gets none, and its room goes to the
    /// others (no side column: the two bands span the body; one band left: it fills it).
    private static func bands(of body: Rect, _ arrangement: Arrangement, occupied: Set<PanelSlot.Band>) -> [PanelSlot.Band: Rect] {
        func stacked(_ area: Rect, topShare: Int) -> [PanelSlot.Band: Rect] {
            guard occupied.contains(.top) else { return [.bottom: area] }
            guard occupied.contains(.bottom) else { return [.top: area] }
            let (top, bottom) = area.splitRows(topHeight: area.height * topShare / 100)
            return [.top: top, .bottom: bottom]
        }
        let topShare = arrangement == .large ? 40 : 50
        guard arrangement != .compact, occupied.contains(.side) else { return stacked(body, topShare: topShare) }
        guard occupied.contains(.top) || occupied.contains(.bottom) else { return [.side: body] }
        let (main, side) = body.splitColumns(leftWidth: body.width - sideColumnWidth)
        return stacked(main, topShare: topShare).merging([.side: side]) { $1 }
    }

    /// Cuts each band among the panels whose slot is in it, in their order: first the
    /// shares and fixed sizes, each of what the ones before it left; the `.rest` panels
    /// then split what is left evenly (with none, the last panel takes it).
    private static func fill(_ bands: [PanelSlot.Band: Rect], _ arrangement: Arrangement,
                             _ list: [any DashboardPanel]) -> [PanelID: Rect] {
        var panels: [PanelID: Rect] = [:]
        for (band, rect) in bands {
            let members = list.compactMap { panel in panel.slots[arrangement].map { (id: panel.id, slot: $0) } }
                .filter { $0.slot.band == band }.sorted { $0.slot.order < $1.slot.order }
            let stacked = band == .side
            var left = stacked ? rect.height : rect.width
            var sizes = members.map { member -> Int? in
                let size: Int
                switch member.slot.size {
                case let .share(numerator, denominator): size = left * numerator / denominator
                case let .cells(cells): size = min(cells, left)
                case .rest: return nil
                }
                left -= size
                return size
            }
            let resting = sizes.indices.filter { sizes[$0] == nil }
            for (index, member) in resting.enumerated() {
                sizes[member] = left * (index + 1) / resting.count - left * index / resting.count
            }
            if resting.isEmpty, let last = sizes.indices.last { sizes[last]! += left }
            var rest = rect
            for (member, size) in zip(members, sizes) {
                let piece: Rect
                (piece, rest) = stacked ? rest.splitRows(topHeight: size!) : rest.splitColumns(leftWidth: size!)
                panels[member.id] = piece
            }
        }
        return panels
    }

    // MARK: Mouse and focus

    /// The panel under a screen point, and the knob row when it is one. `selectedKnob`
    /// matters because a short Knobs panel scrolls to keep the selected knob visible.
    public func hitTest(x: Int, y: Int, selectedKnob: Int = 0) -> Hit? {
        guard let panel = panelOrder.first(where: { panels[$0]!.contains(x: x, y: y) }) else { return nil }
        guard panel == .knobs else { return Hit(panel: panel) }
        let knob = KnobsView.knob(atX: x, y: y, in: self[.knobs], selectedKnob: selectedKnob)
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
        for candidate in panelOrder where candidate != panel {
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
