/// How the Sparsity panel's inside is shared between the layers' heatmaps and the first
/// MLP layer's 28x28 input-pixel map.
///
/// A panel at least `wideWidth` columns wide shows the input map at its left by default,
/// in a square column sized to the panel's height; the `i` key (`inputMapToggled`) hides
/// it. A narrower panel shows heatmaps by default, and `i` shows the input map in their
/// place. The heatmaps share what is left equally, one column apart, each at least
/// `minimumHeatmapWidth` columns: when the layers do not all fit (a ResNet's 22), the panel
/// shows a window of consecutive layers around the selected one, and `l`/`L` scroll it.
public struct SparsityPanelLayout: Sendable, Equatable {
    public static let wideWidth = 60
    /// Wide enough for a ResNet layer's caption ("l2.0.s.conv1 90.0%"): six layers at 160 columns.
    public static let minimumHeatmapWidth = 18

    public var inputMap: Rect?
    public var heatmaps: [Rect]
    /// Which of the layers the heatmaps show, in order: all of them when they fit.
    public var shownLayers: Range<Int>

    /// `layers` heatmaps to show, `selected` among them kept in view; `hasInputMap` when
    /// the run's first layer has one.
    public init(rect: Rect, layers: Int, selected: Int = 0, hasInputMap: Bool, inputMapToggled: Bool) {
        let wide = rect.width >= Self.wideWidth
        var heatmapArea = rect
        inputMap = nil
        if hasInputMap, wide != inputMapToggled {
            guard wide else {
                inputMap = rect
                heatmaps = []
                shownLayers = 0..<0
                return
            }
            // A cell is about twice as tall as wide: a square image of (height - 1) rows under
            // its caption takes twice as many columns, up to a third of the panel.
            let mapWidth = max(min(2 * (rect.height - 1), 56, rect.width / 3), 20)
            inputMap = Rect(x: rect.x, y: rect.y, width: mapWidth, height: rect.height)
            heatmapArea = Rect(x: rect.x + mapWidth + 1, y: rect.y, width: rect.width - mapWidth - 1, height: rect.height)
        }
        shownLayers = Self.window(layers: layers, selected: selected,
                                  capacity: max(1, (heatmapArea.width + 1) / (Self.minimumHeatmapWidth + 1)))
        heatmaps = Self.split(heatmapArea, into: shownLayers.count)
    }

    /// At most `capacity` consecutive layers with `selected` among them, as centred on it
    /// as the ends allow.
    public static func window(layers: Int, selected: Int, capacity: Int) -> Range<Int> {
        guard layers > capacity else { return 0..<max(layers, 0) }
        let first = min(max(selected - (capacity - 1) / 2, 0), layers - capacity)
        return first..<(first + capacity)
    }

    private static func split(_ rect: Rect, into count: Int) -> [Rect] {
        guard count > 0 else { return [] }
        let width = rect.width / count
        return (0..<count).map { i in
            Rect(x: rect.x + i * width, y: rect.y, width: i == count - 1 ? rect.width - i * width : width - 1, height: rect.height)
        }
    }
}
