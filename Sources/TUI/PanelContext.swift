import DashboardModel
import Metrics
import Training

/// What a panel draws from: the dashboard's model with the figures and snapshot it has
/// once the first frame is in, and where the panel is on the screen.
public struct PanelContext {
    public var model: DashboardModel
    public var frame: DashboardFrame
    public var snapshot: TrainingSnapshot
    public var layout: DashboardLayout
    /// The whole panel, frame included.
    public var border: Rect
    /// Inside the frame: where its content goes.
    public var area: Rect

    /// The prunable layers of the snapshot.
    public var layers: [LayerSnapshot] { snapshot.layers.filter(\.isPrunable) }

    /// The index of the layer `l`, `L` and `1`-`9` select, within `layers`.
    public var selectedIndex: Int { min(model.state.selectedLayer, max(layers.count - 1, 0)) }

    public var selectedLayer: LayerSnapshot? {
        let layers = layers
        return layers.isEmpty ? nil : layers[selectedIndex]
    }
}
