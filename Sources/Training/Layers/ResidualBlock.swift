/// A residual block, output = body(x) + shortcut(x), with the shortcut the identity when
/// it has no layers (He et al. 2016, arXiv:1512.03385, §3.2, Eq. 1 and 2: a projection
/// shortcut where the shape changes). The activation after the sum is the next layer's
/// business, so a basic block is this block followed by a ReLU.
public final class ResidualBlock: Layer {
    public let name: String
    public let body: [any Layer]
    /// Empty for the identity shortcut.
    public let shortcut: [any Layer]
    /// A training pass's sum and input gradient, rewritten at each step.
    private var output = ReusedTensor(), inputGradient = ReusedTensor()

    public init(name: String, body: [any Layer], shortcut: [any Layer] = []) {
        precondition(!body.isEmpty, "\(name): a residual block needs a body")
        self.name = name
        self.body = body
        self.shortcut = shortcut
    }

    public var children: [any Layer] { body + shortcut }
    public var parameters: [Parameter] { children.flatMap(\.parameters) }
    public var buffers: [Buffer] { children.flatMap(\.buffers) }

    /// The shape after each layer of `chain`, or the first layer that refuses its input.
    public static func trace(_ chain: [any Layer], from inputShape: [Int]) -> Result<[Int], ShapeMismatch> {
        var shape = inputShape
        for layer in chain {
            if let expected = layer.expectation(for: shape) {
                return .failure(ShapeMismatch(layer: layer.name, expected: expected, found: shape))
            }
            shape = layer.outputShape(for: shape)
        }
        return .success(shape)
    }

    public func expectation(for inputShape: [Int]) -> String? {
        switch (Self.trace(body, from: inputShape), Self.trace(shortcut, from: inputShape)) {
        case let (.failure(mismatch), _), let (_, .failure(mismatch)): return mismatch.description
        case let (.success(bodyShape), .success(shortcutShape)):
            return bodyShape == shortcutShape ? nil
                : "an input for which its body and shortcut agree (body gives \(bodyShape), shortcut \(shortcutShape))"
        }
    }

    public func outputShape(for inputShape: [Int]) -> [Int] {
        precondition(expectation(for: inputShape) == nil, "\(name): \(expectation(for: inputShape)!), input \(inputShape)")
        return (try? Self.trace(body, from: inputShape).get()) ?? inputShape
    }

    public func forwardMACs(inputShape: [Int]) -> Int { Self.macs(body, inputShape) + Self.macs(shortcut, inputShape) }

    private static func macs(_ chain: [any Layer], _ inputShape: [Int]) -> Int {
        var shape = inputShape, total = 0
        for layer in chain {
            total += layer.forwardMACs(inputShape: shape)
            shape = layer.outputShape(for: shape)
        }
        return total
    }

    public func describe(inputShape: [Int], into description: inout NetworkDescription.Builder) {
        func chain(_ layers: [any Layer]) -> (inout NetworkDescription.Builder) -> Void {
            { builder in
                var shape = inputShape
                for layer in layers {
                    layer.describe(inputShape: shape, into: &builder)
                    shape = layer.outputShape(for: shape)
                }
            }
        }
        description.residual(name: name, inputShape: inputShape, outputShape: outputShape(for: inputShape),
                             body: chain(body), shortcut: shortcut.isEmpty ? nil : chain(shortcut))
    }

    public func forward(_ input: Tensor, isTraining: Bool) -> Tensor {
        let main = body.reduce(input) { $1.forward($0, isTraining: isTraining) }
        let other = shortcut.reduce(input) { $1.forward($0, isTraining: isTraining) }
        return isTraining ? output.write(shape: main.shape) { Self.add(main, other, into: $0) }
            : Tensor(shape: main.shape) { Self.add(main, other, into: $0) }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        let throughBody = Self.backward(body, outputGradient, needsInputGradient: needsInputGradient)
        let throughShortcut = shortcut.isEmpty
            ? (needsInputGradient ? outputGradient : nil)
            : Self.backward(shortcut, outputGradient, needsInputGradient: needsInputGradient)
        guard let gradient = throughBody, let other = throughShortcut else { return nil }
        return inputGradient.write(shape: gradient.shape) { Self.add(gradient, other, into: $0) }
    }

    /// Backpropagates through `chain`; every layer but the first needs its input gradient.
    private static func backward(_ chain: [any Layer], _ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor? {
        var gradient = outputGradient
        for position in chain.indices.reversed() {
            guard let next = chain[position].backward(gradient, needsInputGradient: position > 0 || needsInputGradient)
            else { return nil }
            gradient = next
        }
        return gradient
    }

    /// sum = a + b, element by element.
    private static func add(_ a: Tensor, _ b: Tensor, into sum: UnsafeMutableBufferPointer<Float>) {
        a.storage.withUnsafeBufferPointer { a in
            b.storage.withUnsafeBufferPointer { b in
                for i in 0..<sum.count { sum[i] = a[i] + b[i] }
            }
        }
    }
}

/// A layer that cannot take the shape it is given.
public struct ShapeMismatch: Error, Equatable, Sendable, CustomStringConvertible {
    public var layer: String
    /// What the layer takes, e.g. "[16, height, width]".
    public var expected: String
    public var found: [Int]

    public init(layer: String, expected: String, found: [Int]) {
        (self.layer, self.expected, self.found) = (layer, expected, found)
    }

    public var description: String { "\(layer) expects \(expected), got \(found)" }
}
