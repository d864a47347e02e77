/// How the Sparsity panel's inside is shared between the layers' heatmaps and the first
/// MLP layer's 28x28 input-pixel map.
///
/// A panel at least `wideWidth` columns wide shows the input map at its left by default,
/// in a square column sized to the panel's height; the `i` key (`inputMapToggled`) hides
/// it. A narrower panel shows heatmaps by default, and `i` shows the input map in their
/// place. The heatmaps share what is left equally, one column apart.
public struct SparsityPanelLayout: Sendable, Equatable {
    public static let wideWidth = 60

    public var inputMap: Rect?
    public var heatmaps: [Rect]

    /// `layers` heatmaps to show; `hasInputMap` when the run's first layer has one.
    public init(rect: Rect, layers: Int, hasInputMap: Bool, inputMapToggled: Bool) {
        let wide = rect.width >= Self.wideWidth
        guard hasInputMap, wide != inputMapToggled else {
            inputMap = nil
            heatmaps = Self.split(rect, into: layers)
            return
        }
        guard wide else {
            inputMap = rect
            heatmaps = []
            return
        }
        // A cell is about twice as tall as wide: a square image of (height - 1) rows under
        // its caption takes twice as many columns, up to a third of the panel.
        let mapWidth = max(min(2 * (rect.height - 1), 56, rect.width / 3), 20)
        inputMap = Rect(x: rect.x, y: rect.y, width: mapWidth, height: rect.height)
        heatmaps = Self.split(Rect(x: rect.x + mapWidth + 1, y: rect.y, width: rect.width - mapWidth - 1, height: rect.height),
                              into: layers)
    }

    private static func split(_ rect: Rect, into count: Int) -> [Rect] {
        guard count > 0 else { return [] }
        let width = rect.width / count
        return (0..<count).map { i in
            Rect(x: rect.x + i * width, y: rect.y, width: i == count - 1 ? rect.width - i * width : width - 1, height: rect.height)
        }
    }
}
