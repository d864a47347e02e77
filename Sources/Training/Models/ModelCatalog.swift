/// The networks prunetop can build by name. Every model takes images of
/// [channels, rows, columns] and ends in `classCount` logits.
public enum ModelCatalog {
    public static let names = ["lenet300", "lenet5"]

    public static func describe(_ name: String) -> String? {
        switch name {
        case "lenet300": "LeNet-300-100: an MLP, inputs-300-100-classes, ReLU"
        case "lenet5": "LeNet-5 style CNN: conv 5x5 (6, pad 2) - pool - conv 5x5 (16) - pool - 120 - 84 - classes, ReLU"
        default: nil
        }
    }

    public static func make(_ name: String, inputShape: [Int], classCount: Int, seed: UInt64) throws -> Model {
        switch name {
        case "lenet300": return lenet300(inputShape: inputShape, classCount: classCount, seed: seed)
        case "lenet5": return try lenet5(inputShape: inputShape, classCount: classCount, seed: seed)
        default: throw ModelError.unknownModel(name, known: names)
        }
    }

    public static func lenet300(inputShape: [Int], classCount: Int, seed: UInt64) -> Model {
        let inputs = inputShape.reduce(1, *)
        return Model(name: "lenet300", inputShape: inputShape, layers: [
            Dense(name: "fc1", inputs: inputs, outputs: 300, seed: seed, firstParameterIndex: 0),
            ReLU(name: "relu1"),
            Dense(name: "fc2", inputs: 300, outputs: 100, seed: seed, firstParameterIndex: 2),
            ReLU(name: "relu2"),
            Dense(name: "fc3", inputs: 100, outputs: classCount, seed: seed, firstParameterIndex: 4),
        ])
    }

    public static func lenet5(inputShape: [Int], classCount: Int, seed: UInt64) throws -> Model {
        guard inputShape.count == 3, inputShape[1] >= 12, inputShape[2] >= 12 else {
            throw ModelError.inputTooSmall(model: "lenet5", inputShape: inputShape, minimum: "[channels, 12, 12]")
        }
        let channels = inputShape[0]
        // conv1 keeps the size (pad 2), pool halves it, conv2 (no pad) takes 4, pool halves it.
        let side = { (size: Int) in (size / 2 - 4) / 2 }
        let flattened = 16 * side(inputShape[1]) * side(inputShape[2])
        return Model(name: "lenet5", inputShape: inputShape, layers: [
            Conv2D(name: "conv1", inChannels: channels, outChannels: 6, kernelSize: 5, padding: 2,
                   seed: seed, firstParameterIndex: 0),
            ReLU(name: "relu1"),
            MaxPool2D(name: "pool1"),
            Conv2D(name: "conv2", inChannels: 6, outChannels: 16, kernelSize: 5, seed: seed, firstParameterIndex: 2),
            ReLU(name: "relu2"),
            MaxPool2D(name: "pool2"),
            Flatten(name: "flatten"),
            Dense(name: "fc1", inputs: flattened, outputs: 120, seed: seed, firstParameterIndex: 4),
            ReLU(name: "relu3"),
            Dense(name: "fc2", inputs: 120, outputs: 84, seed: seed, firstParameterIndex: 6),
            ReLU(name: "relu4"),
            Dense(name: "fc3", inputs: 84, outputs: classCount, seed: seed, firstParameterIndex: 8),
        ])
    }
}

public enum ModelError: Error, CustomStringConvertible, Equatable {
    case unknownModel(String, known: [String])
    case inputTooSmall(model: String, inputShape: [Int], minimum: String)

    public var description: String {
        switch self {
        case let .unknownModel(name, known):
            "unknown model '\(name)'; expected one of: \(known.joined(separator: ", "))"
        case let .inputTooSmall(model, shape, minimum):
            "\(model) needs input of at least \(minimum), the data has \(shape)"
        }
    }
}
