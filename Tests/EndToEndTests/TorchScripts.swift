import Foundation
import XCTest

/// The Python side of the model-file tests, run with the real torch and onnxruntime of
/// `PythonEnvironment`: written to a temporary file and run as `python script.py COMMAND ...`.
enum TorchScripts {
    /// Runs `source` with `arguments`; fails the test (with Python's stderr) unless it exits 0.
    static func run(_ arguments: [String], in directory: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let python = try PythonEnvironment.python(file: file, line: line)
        let script = (directory as NSString).appendingPathComponent("model_files.py")
        if !FileManager.default.fileExists(atPath: script) { try source.write(toFile: script, atomically: true, encoding: .utf8) }
        var environment = PrunetopProcess.cleanEnvironment
        environment["PYTHONPATH"] = PythonEnvironment.packageDirectory.path
        let result = try PrunetopProcess.run(arguments, environment: environment, timeout: 600, launcher: [python.path, script])
        XCTAssertEqual(result.status, 0, "python \(arguments.joined(separator: " ")): \(result.standardError)", file: file, line: line)
        return result.standardOutput
    }

    static let source = #"""
import json, sys
import numpy as np
import torch, torch.nn as nn, torch.nn.utils.prune as prune

def nested(root, name, module):
    # "layer1.0.conv1" -> root.layer1 (a container) -> "0" -> conv1, as PyTorch names it.
    parent = root
    *path, last = name.split(".")
    for part in path:
        if part not in parent._modules:
            parent.add_module(part, nn.Module())
        parent = parent._modules[part]
    parent.add_module(last, module)
    return module

class Exported(nn.Module):
    """The module an exported prunetop network is, from its metadata's `prunetop.network`."""
    def __init__(self, layers):
        super().__init__()
        self.forward_layers = [self.make(spec) for spec in layers]

    def make(self, spec):
        kind, name = spec["kind"], spec["name"]
        if kind == "linear":
            m = nested(self, name, nn.Linear(spec["in_features"], spec["out_features"]))
            return lambda x: m(torch.flatten(x, 1))
        if kind == "conv2d":
            return nested(self, name, nn.Conv2d(spec["in_channels"], spec["out_channels"], spec["kernel_size"],
                                                spec["stride"], spec["padding"], bias=spec["bias"]))
        if kind in ("batchnorm1d", "batchnorm2d"):
            cls = nn.BatchNorm1d if kind == "batchnorm1d" else nn.BatchNorm2d
            return nested(self, name, cls(spec["num_features"], eps=spec["eps"], momentum=spec["momentum"]))
        if kind == "relu": return torch.relu
        if kind == "maxpool2d": return nn.MaxPool2d(spec["kernel_size"], spec["stride"])
        if kind == "global_avg_pool": return lambda x: x.mean(dim=(2, 3))
        if kind == "flatten": return lambda x: torch.flatten(x, 1)
        if kind == "dropout": return lambda x: x  # evaluation passes values through
        if kind == "residual":
            body = [self.make(s) for s in spec["body"]]
            shortcut = [self.make(s) for s in spec["shortcut"]]
            def block(x):
                y, s = x, x
                for f in body: y = f(y)
                for f in shortcut: s = f(s)
                return y + s
            return block
        raise ValueError(f"unknown layer kind {kind}")

    def forward(self, x):
        for f in self.forward_layers: x = f(x)
        return x

def reload(path):
    from safetensors import safe_open
    from safetensors.torch import load_file
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata()
    state = load_file(path)
    net = Exported(json.loads(metadata["prunetop.network"]))
    for name, module in net.named_modules():
        if name + ".weight_mask" in state:
            prune.custom_from_mask(module, "weight", state[name + ".weight_mask"])
    net.load_state_dict(state, strict=True)
    return net.eval(), [int(d) for d in metadata["prunetop.input_shape"].split(",")]

def inputs(path, shape):
    return torch.from_numpy(np.fromfile(path, dtype="<f4").reshape(-1, *shape))

command = sys.argv[1]
if command == "torch":
    # torch EXPORTED INPUTS LOGITS_OUT STATE_OUT: reload into the equivalent module, run it, save what it holds.
    from safetensors.torch import save_file
    net, shape = reload(sys.argv[2])
    with torch.no_grad():
        net(inputs(sys.argv[3], shape)).numpy().astype("<f4").tofile(sys.argv[4])
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, sys.argv[5])
elif command == "onnx":
    # onnx MODEL INPUTS C,H,W LOGITS_OUT
    import onnx, onnxruntime as ort
    model = onnx.load(sys.argv[2])
    onnx.checker.check_model(model)
    shape = [int(d) for d in sys.argv[4].split(",")]
    session = ort.InferenceSession(sys.argv[2], providers=["CPUExecutionProvider"])
    (logits,) = session.run(["logits"], {"input": inputs(sys.argv[3], shape).numpy()})
    logits.astype("<f4").tofile(sys.argv[5])
    print(json.dumps({"sparse_initializers": len(model.graph.sparse_initializer), "initializers": len(model.graph.initializer),
                      "ops": sorted({n.op_type for n in model.graph.node})}))
elif command == "checkpoints":
    # checkpoints DIR: torch-pruned and plain safetensors and a .pt, with what inspect should find.
    from safetensors.torch import save_file
    out = sys.argv[2]
    torch.manual_seed(0)
    net = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.Flatten(),
                        nn.Linear(8 * 4 * 4, 32), nn.ReLU(), nn.Linear(32, 10))
    prune.l1_unstructured(net[0], "weight", amount=0.5)
    prune.random_unstructured(net[4], "weight", amount=0.9)
    # 2:4 along the inputs: keep the two largest of every 4.
    w = net[6].weight.detach().abs().reshape(10, 8, 4)
    keep = torch.zeros_like(w).scatter_(2, w.topk(2, dim=2).indices, 1.0).reshape(10, 32)
    prune.custom_from_mask(net[6], "weight", keep)
    state = {k: v.contiguous() for k, v in net.state_dict().items()}
    save_file(state, f"{out}/pruned.safetensors")
    torch.save(net.state_dict(), f"{out}/pruned.pt")
    plain = nn.Sequential(nn.Linear(20, 30), nn.ReLU(), nn.Linear(30, 5))
    with torch.no_grad():
        plain[0].weight[:, :10] = 0  # half of its inputs cut, as plain zeros
    save_file({k: v.contiguous() for k, v in plain.state_dict().items()}, f"{out}/plain.safetensors")
    expected = {}
    for name, module in [("0.weight", net[0]), ("4.weight", net[4]), ("6.weight", net[6])]:
        effective = module.weight_orig * module.weight_mask
        expected[name] = {"shape": list(effective.shape), "kept": int((effective != 0).sum())}
    for name in ["0.weight", "2.weight"]:
        weight = plain.state_dict()[name]
        expected["plain:" + name] = {"shape": list(weight.shape), "kept": int((weight != 0).sum())}
    print(json.dumps(expected))
else:
    raise SystemExit(f"unknown command {command}")
"""#
}
