import Training

/// The recipe's `model`: a zoo name (`model: resnet20`), a zoo model with options
/// (`model: {zoo: mlp, widths: [1024, 1024]}`), or a network of its own, a list of layers
/// (`model: [...]`, or `model: {name: mine, layers: [...]}`). A layer is a kind alone
/// (`- relu`) or a mapping whose first key is the kind with its main value (`- conv: 16`,
/// `- dense: classes`, `- dropout: 0.5`) and the kind's options beside it (`kernel: 3`).
extension RecipeReader {
    /// Each layer's options besides its kind, and whether the kind takes a main value.
    private static let layerOptions: [String: [String]] = [
        "dense": ["name"], "conv": ["name", "kernel", "stride", "padding", "bias"], "batchnorm": ["name"],
        "relu": ["name"], "maxpool": ["name", "stride"], "avgpool": ["name"], "flatten": ["name"],
        "dropout": ["name"], "residual": ["name"],
    ]
    private static let needsValue: Set = ["dense", "conv", "dropout", "residual"]

    mutating func readModel(_ node: RecipeNode, into config: inout RunConfig, locations: inout [[Int]: RecipeLocation]) {
        locations[[]] = node.location
        switch node {
        case .scalar:
            if let name = choice(node, "model", ModelCatalog.names) { config.model = name }
        case .sequence:
            config.model = "custom"
            config.architecture = Architecture(readLayers(node, key: "model", path: [], locations: &locations))
        case let .mapping(entries, _):
            checkKeys(entries, path: "model")
            if let layers = value(entries, "layers") {
                for entry in entries where ["zoo", "width", "widths"].contains(entry.key) {
                    report(entry.keyLocation, "model.\(entry.key)", "applies to a zoo model, not to one given by `layers`")
                }
                config.model = value(entries, "name").flatMap { string($0, "model.name") } ?? "custom"
                config.architecture = Architecture(readLayers(layers, key: "model.layers", path: [], locations: &locations))
                return
            }
            guard let zooNode = value(entries, "zoo") else {
                report(node, "model", "expected `zoo: NAME` (one of \(ModelCatalog.names.joined(separator: ", "))) or `layers: [...]`")
                return
            }
            if value(entries, "name") != nil { report(node, "model.name", "names a network given by `layers`; a zoo model has its own") }
            guard let name = choice(zooNode, "model.zoo", ModelCatalog.names) else { return }
            var options = ModelCatalog.Options()
            if let widthNode = value(entries, "width") { options.width = integer(widthNode, "model.width", 1...16) }
            if let widthsNode = value(entries, "widths") {
                guard case let .sequence(items, _) = widthsNode, !items.isEmpty else {
                    report(widthsNode, "model.widths", "expected a list of layer widths such as [512, 256], found \(Self.kind(of: widthsNode))")
                    return
                }
                options.widths = items.compactMap { integer($0, "model.widths", 1...1_000_000) }
            }
            do {
                _ = try ModelCatalog.architecture(name, options: options)
                config.model = name
                config.modelOptions = options == ModelCatalog.Options() ? nil : options
            } catch {
                report(node, "model", "\(error)")
            }
        }
    }

    private mutating func readLayers(_ node: RecipeNode, key: String, path: [Int], locations: inout [[Int]: RecipeLocation]) -> [LayerSpec] {
        guard case let .sequence(items, _) = node else {
            report(node, key, "expected a list of layers such as [conv: 16, relu, dense: classes], found \(Self.kind(of: node))")
            return []
        }
        if items.isEmpty { report(node, key, "expected at least one layer, found an empty list") }
        var layers: [LayerSpec] = []
        for (position, item) in items.enumerated() {
            locations[path + [position]] = item.location
            if let layer = readLayer(item, key: "\(key)[\(position)]", path: path + [position], locations: &locations) {
                layers.append(layer)
            }
        }
        return layers
    }

    private mutating func readLayer(_ node: RecipeNode, key: String, path: [Int], locations: inout [[Int]: RecipeLocation]) -> LayerSpec? {
        let kind: String, main: RecipeNode?, options: [RecipeNode.Entry]
        switch node {
        case let .scalar(text, _):
            (kind, main, options) = (text, nil, [])
        case let .mapping(entries, _):
            guard let first = entries.first else { report(node, key, "expected a layer, found an empty mapping"); return nil }
            (kind, main, options) = (first.key, first.value, Array(entries.dropFirst()))
        case .sequence:
            report(node, key, "expected a layer such as `relu` or `conv: 16`, found a list")
            return nil
        }
        guard let allowed = Self.layerOptions[kind] else {
            var message = "unknown layer kind '\(kind)'"
            if let suggestion = RecipeSchema.suggestion(for: kind, among: LayerSpec.kindNames) { message += "; did you mean '\(suggestion)'?" }
            report(node, key, message + " (kinds: \(LayerSpec.kindNames.joined(separator: ", ")))")
            return nil
        }
        let key = "\(key).\(kind)"
        for entry in options where !allowed.contains(entry.key) {
            var message = "unknown option '\(entry.key)' of \(kind)"
            if let suggestion = RecipeSchema.suggestion(for: entry.key, among: allowed) { message += "; did you mean '\(suggestion)'?" }
            report(entry.keyLocation, key, message + " (options: \(allowed.joined(separator: ", ")))")
        }
        let mainValue = main.flatMap { node -> RecipeNode? in
            if case let .scalar(text, _) = node, text.isEmpty { return nil }
            return node
        }
        if Self.needsValue.contains(kind) && mainValue == nil {
            report(node, key, "\(kind) needs its \(Self.mainValueName(kind)), e.g. `- \(Self.example(kind))`")
            return nil
        }
        func option(_ name: String) -> RecipeNode? { value(options, name) }
        let name = option("name").flatMap { string($0, "\(key).name") }
        switch kind {
        case "dense":
            if case let .scalar(text, _) = mainValue!, text == "classes" { return .dense(name: name, units: .classes) }
            return integer(mainValue!, key, 1...1_000_000).map { .dense(name: name, units: .count($0)) }
        case "conv":
            guard let channels = integer(mainValue!, key, 1...100_000) else { return nil }
            let kernel = option("kernel").flatMap { integer($0, "\(key).kernel", 1...64) } ?? 3
            let stride = option("stride").flatMap { integer($0, "\(key).stride", 1...64) } ?? 1
            let padding = option("padding").flatMap { integer($0, "\(key).padding", 0...64) } ?? 0
            let bias = option("bias").flatMap { boolean($0, "\(key).bias") } ?? true
            return .convolution(name: name, channels: channels, kernel: kernel, stride: stride, padding: padding, bias: bias)
        case "maxpool":
            let kernel = mainValue.flatMap { integer($0, key, 1...64) } ?? 2
            let stride = option("stride").flatMap { integer($0, "\(key).stride", 1...64) }
            return .maxPool(name: name, kernel: kernel, stride: stride)
        case "dropout":
            return number(mainValue!, key, 0...1, openUpper: true).map { .dropout(name: name, rate: Float($0)) }
        case "residual":
            guard let section = mapping(mainValue!, key: key) else { return nil }
            for entry in section where !["body", "shortcut"].contains(entry.key) {
                report(entry.keyLocation, key, "unknown key '\(entry.key)' (keys of residual: body, shortcut)")
            }
            guard let bodyNode = value(section, "body") else {
                report(mainValue!, key, "expected `body: [...]`, the layers the shortcut goes around")
                return nil
            }
            let body = readLayers(bodyNode, key: "\(key).body", path: path + [0], locations: &locations)
            let shortcut = value(section, "shortcut").map { readLayers($0, key: "\(key).shortcut", path: path + [1], locations: &locations) } ?? []
            return .residual(name: name, body: body, shortcut: shortcut)
        default:
            if let mainValue { report(mainValue, key, "\(kind) takes no value, found \(Self.kind(of: mainValue))") }
            switch kind {
            case "batchnorm": return .batchNorm(name: name)
            case "relu": return .relu(name: name)
            case "avgpool": return .globalAveragePool(name: name)
            default: return .flatten(name: name)
            }
        }
    }

    private static func mainValueName(_ kind: String) -> String {
        switch kind {
        case "dense": "number of units (or `classes`)"
        case "conv": "number of output channels"
        case "dropout": "rate"
        default: "body and shortcut"
        }
    }

    private static func example(_ kind: String) -> String {
        switch kind {
        case "dense": "dense: 128"
        case "conv": "conv: 16"
        case "dropout": "dropout: 0.5"
        default: "residual: {body: [conv: 16, batchnorm]}"
        }
    }
}
