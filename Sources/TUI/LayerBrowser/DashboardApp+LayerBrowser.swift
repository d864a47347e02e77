/// The layer browser in the app: opened by `b` or `:layers`; its keys, wheel and clicks
/// move through the layers, Enter (or a click on the selected one) shows the layer in
/// the heatmap and histogram panels.
extension DashboardApp {
    func openLayerBrowser(size: (width: Int, height: Int)) {
        guard let snapshot else {
            state.message = "no layers yet: the first snapshot has not come"
            return
        }
        var browser = LayerBrowser(snapshot: snapshot, network: frameContext.network, selected: state.selectedLayer)
        browser.reveal(height: Self.browserListArea(size).height)
        layerBrowser = browser
    }

    /// Gives the open browser the latest snapshot's figures.
    func refreshLayerBrowser() {
        guard let snapshot else { return }
        layerBrowser?.update(from: snapshot, network: frameContext.network)
    }

    /// A key, click or wheel step while the browser is open; never quits.
    func browseLayers(_ key: KeyEvent, size: (width: Int, height: Int)) -> Bool {
        guard var browser = layerBrowser else { return false }
        let list = Self.browserListArea(size)
        switch key {
        case let .mouseClick(x, y):
            guard LayerBrowserView.frame(in: Self.browserArea(size)).contains(x: x, y: y) else {
                layerBrowser = nil
                return false
            }
            let before = browser.selected
            if list.contains(x: x, y: y), browser.select(visibleLine: y - list.y), browser.selected == before, let chosen = before {
                choose(chosen)
                return false
            }
        default:
            switch browser.handle(key, height: list.height) {
            case .browsing: break
            case .closed:
                layerBrowser = nil
                return false
            case let .chosen(index):
                choose(index)
                return false
            }
        }
        layerBrowser = browser
        return false
    }

    private func choose(_ index: Int) {
        layerBrowser = nil
        state.selectedLayer = index
        let name = snapshot?.layers.filter(\.isPrunable).dropFirst(index).first.map { CommandParser.layerName($0.name) } ?? "\(index + 1)"
        state.message = "layer \(index + 1) \(name) in the heatmap and histogram"
    }

    private static func browserArea(_ size: (width: Int, height: Int)) -> Rect {
        DashboardLayout(width: size.width, height: size.height)?.body ?? Rect(x: 0, y: 0, width: size.width, height: size.height)
    }

    private static func browserListArea(_ size: (width: Int, height: Int)) -> Rect {
        LayerBrowserView.listArea(in: browserArea(size))
    }
}
