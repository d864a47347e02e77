"""The network description of a run log's start event, from a PyTorch module tree.

prunetop's `NetworkDescription` (Sources/Training/Models/NetworkDescription.swift) lists every
layer in forward order with its per-sample input and output shapes: conv, linear, batch norm,
ReLU, pooling, flatten, dropout and residual adds, each prunable layer naming its weight tensor
and the prunable weights whose output units are its input units.

The module is traced with torch.fx, which sees residual adds and functional ops; a module fx
cannot trace is described from forward hooks instead (its leaf layers in the order they ran,
no residual structure). Ops that keep the tensor's shape but have no kind here (GELU, sigmoid,
identity, `contiguous`) are left out; an op that changes it in a way the description cannot
say (concatenation, attention) makes the fx description give way to the hook one.
"""

from __future__ import annotations

import math
import operator
import warnings
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence

import torch
import torch.fx
import torch.nn as nn
import torch.nn.functional as F
from torch.fx.passes.shape_prop import ShapeProp

PRUNABLE_TYPES = (nn.Conv2d, nn.Linear)


class UnsupportedGraph(Exception):
    """An op whose effect on the layer structure the description cannot express."""


def prunable_modules(model: nn.Module) -> List[tuple]:
    """(qualified name, module) of every Conv2d and Linear, in registration order."""
    return [(name, module) for name, module in model.named_modules() if isinstance(module, PRUNABLE_TYPES)]


def describe(model: nn.Module, example_input: torch.Tensor, name: str) -> Dict[str, Any]:
    """The description as the log's `network` holds it (keys sorted when written)."""
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            try:
                layers = _FXDescriber(model, example_input).layers()
            except (UnsupportedGraph, torch.fx.proxy.TraceError, TypeError, RuntimeError, NotImplementedError) as error:
                warnings.warn(f"prunetop: {name} is described from the layers that ran, without residual structure: "
                              f"torch.fx could not describe it ({type(error).__name__}: {error})", stacklevel=3)
                layers = _hook_layers(model, example_input)
    finally:
        model.train(was_training)
    return {"name": name, "inputShape": list(example_input.shape[1:]), "layers": layers}


@dataclass
class _Tensor:
    """What the description follows through the graph for one tensor."""
    shape: List[int]
    sources: List[str] = field(default_factory=list)
    positions: int = 1
    activation: Optional[str] = None


def _numel(shape: Sequence[int]) -> int:
    return int(math.prod(shape)) if shape else 1


def _pair(value) -> int:
    return int(value[0]) if isinstance(value, (tuple, list)) else int(value)


def _parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters(recurse=False))


def _weight_count(module: nn.Module) -> int:
    """Weights and biases, whether or not torch.nn.utils.prune reparametrised them."""
    total = 0
    for attribute in ("weight", "bias"):
        tensor = getattr(module, attribute + "_orig", None)
        if tensor is None:
            tensor = getattr(module, attribute, None)
        if isinstance(tensor, torch.Tensor):
            total += tensor.numel()
    return total


class _Builder:
    """Appends layer entries and moves the followed tensor past each (as the Swift Builder does)."""

    def __init__(self):
        self.entries: List[Dict[str, Any]] = []
        self.names: Dict[str, int] = {}

    def unique(self, name: str) -> str:
        count = self.names.get(name, 0) + 1
        self.names[name] = count
        return name if count == 1 else f"{name}#{count}"

    def append(self, entry: Dict[str, Any], source: _Tensor, block: Optional[str]) -> None:
        entry.setdefault("parameterCount", 0)
        entry.setdefault("forwardMACs", 0)
        entry.setdefault("elementOperations", 0)
        if block is not None:
            entry["block"] = block
        if source.activation is not None:
            entry["activation"] = source.activation
        if entry.get("weight") is not None:
            entry["inputWeights"] = list(source.sources)
            entry["inputsPerSourceUnit"] = source.positions
        entry["name"] = self.unique(entry["name"])
        self.entries.append(entry)


def _weighted_entry(module: nn.Module, name: str, input_shape, output_shape) -> Dict[str, Any]:
    if isinstance(module, nn.Conv2d):
        groups = module.groups
        in_per_group = module.in_channels // groups
        kernel = _pair(module.kernel_size)
        spatial = _numel(output_shape[1:])
        return {
            "name": name, "kind": "convolution", "inputShape": input_shape, "outputShape": output_shape,
            "geometry": {"inChannels": in_per_group, "outChannels": module.out_channels, "kernel": kernel,
                         "stride": _pair(module.stride), "padding": _pair(module.padding) if not isinstance(module.padding, str) else 0},
            "weight": f"{name}.weight", "parameterCount": _weight_count(module),
            "forwardMACs": module.out_channels * in_per_group * _numel(module.kernel_size) * spatial,
            "elementOperations": _numel(output_shape) if module.bias is not None else 0,
        }
    positions = _numel(output_shape[:-1]) if len(output_shape) > 1 else 1
    return {
        "name": name, "kind": "linear", "inputShape": input_shape, "outputShape": output_shape,
        "geometry": {"inChannels": module.in_features, "outChannels": module.out_features, "kernel": 1, "stride": 1, "padding": 0},
        "weight": f"{name}.weight", "parameterCount": _weight_count(module),
        "forwardMACs": module.in_features * module.out_features * positions,
        "elementOperations": _numel(output_shape) if module.bias is not None else 0,
    }


def _pool_entry(kind: str, name: str, input_shape, output_shape, kernel: int, stride: int, padding: int) -> Dict[str, Any]:
    channels = input_shape[0] if input_shape else 1
    return {"name": name, "kind": kind, "inputShape": input_shape, "outputShape": output_shape,
            "geometry": {"inChannels": channels, "outChannels": channels, "kernel": kernel, "stride": stride, "padding": padding},
            "elementOperations": kernel * kernel * _numel(output_shape)}


_RELU_FUNCTIONS = {F.relu, torch.relu, torch.relu_, F.relu6}
_ADD_FUNCTIONS = {operator.add, operator.iadd, torch.add}
_FLATTEN_FUNCTIONS = {torch.flatten}
_MAX_POOL_FUNCTIONS = {F.max_pool2d}
_AVG_POOL_FUNCTIONS = {F.avg_pool2d, F.adaptive_avg_pool2d}
_PASS_METHODS = {"contiguous", "clone", "detach", "float", "to", "type_as", "size", "dim"}


class _FXDescriber:
    def __init__(self, model: nn.Module, example_input: torch.Tensor):
        self.model = model
        self.graph = torch.fx.symbolic_trace(model)
        ShapeProp(self.graph).propagate(example_input)
        self.modules = dict(self.graph.named_modules())
        self.builder = _Builder()
        self.tensors: Dict[torch.fx.Node, _Tensor] = {}
        self.add_blocks = self._add_blocks()

    def _add_blocks(self) -> List[str]:
        """The modules that hold a residual add: the blocks."""
        blocks = set()
        for node in self.graph.graph.nodes:
            if self._is_add(node):
                stack = node.meta.get("nn_module_stack") or {}
                if stack:
                    blocks.add(list(stack.keys())[-1])
        return sorted(blocks, key=len, reverse=True)

    def _block(self, node: torch.fx.Node) -> Optional[str]:
        path = node.target if node.op == "call_module" else "/".join(list((node.meta.get("nn_module_stack") or {}).keys())[-1:])
        for block in self.add_blocks:
            if path == block or path.startswith(block + "."):
                return block
        return None

    def _scope(self, node: torch.fx.Node) -> str:
        stack = node.meta.get("nn_module_stack") or {}
        prefix = list(stack.keys())[-1] if stack else ""
        return f"{prefix}.{node.name}" if prefix else node.name

    def _is_add(self, node: torch.fx.Node) -> bool:
        if node.op == "call_function" and node.target in _ADD_FUNCTIONS:
            return sum(isinstance(a, torch.fx.Node) for a in node.args) == 2
        return node.op == "call_method" and node.target in ("add", "add_") and sum(isinstance(a, torch.fx.Node) for a in node.args) == 2

    @staticmethod
    def _shape(node: torch.fx.Node) -> Optional[List[int]]:
        meta = node.meta.get("tensor_meta")
        if meta is None or not hasattr(meta, "shape"):
            return None
        return list(meta.shape[1:])

    def layers(self) -> List[Dict[str, Any]]:
        for node in self.graph.graph.nodes:
            if node.op == "placeholder":
                self.tensors[node] = _Tensor(shape=self._shape(node) or [])
            elif node.op == "get_attr":
                continue
            elif node.op == "output":
                break
            else:
                self._visit(node)
        if not any(entry.get("weight") for entry in self.builder.entries):
            raise UnsupportedGraph("no conv or linear layer found")
        return self.builder.entries

    def _input(self, node: torch.fx.Node) -> _Tensor:
        first = next((a for a in node.args if isinstance(a, torch.fx.Node)), None)
        if first is None or first not in self.tensors:
            raise UnsupportedGraph(f"{node.name}: its input is not a tensor followed here")
        return self.tensors[first]

    def _visit(self, node: torch.fx.Node) -> None:
        shape = self._shape(node)
        block = self._block(node)
        if self._is_add(node):
            a, b = (self.tensors.get(arg) for arg in node.args[:2])
            if a is None or b is None or shape is None:
                raise UnsupportedGraph(f"{node.name}: an add of untracked tensors")
            tied = sorted(set(a.sources) | set(b.sources))
            name = f"{block}.add" if block else self._scope(node)
            self.builder.append({"name": name, "kind": "add", "inputShape": shape, "outputShape": shape,
                                 "elementOperations": _numel(shape), "tiedWeights": tied}, _Tensor(shape), block)
            self.tensors[node] = _Tensor(shape, tied, 1, None)
            return
        source = self._input(node)
        if shape is None:
            raise UnsupportedGraph(f"{node.name}: no tensor output")
        if node.op == "call_module":
            module = self.modules[node.target]
            self._module(node, module, source, shape, block)
        elif node.op == "call_function" and node.target in _RELU_FUNCTIONS or node.op == "call_method" and node.target in ("relu", "relu_"):
            name = self._scope(node)
            self.builder.append({"name": name, "kind": "relu", "inputShape": source.shape, "outputShape": shape,
                                 "elementOperations": _numel(shape)}, source, block)
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, self.builder.entries[-1]["name"])
        elif node.op == "call_function" and node.target in _FLATTEN_FUNCTIONS or node.op == "call_method" and node.target in ("flatten", "view", "reshape"):
            self._flatten(node, source, shape, block)
        elif node.op == "call_function" and node.target in _MAX_POOL_FUNCTIONS | _AVG_POOL_FUNCTIONS:
            kind = "maxPool" if node.target in _MAX_POOL_FUNCTIONS else "averagePool"
            kernel = max(source.shape[-1] // max(shape[-1], 1), 1) if len(shape) == 3 else 1
            self.builder.append(_pool_entry(kind, self._scope(node), source.shape, shape, kernel, kernel, 0), source, block)
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, source.activation)
        elif shape == source.shape:
            # A shape-keeping op without a kind here: the channels pass through unnamed.
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, None)
        else:
            raise UnsupportedGraph(f"{node.name} ({node.target}) changes {source.shape} to {shape}")

    def _flatten(self, node, source: _Tensor, shape, block) -> None:
        if len(shape) != 1:
            raise UnsupportedGraph(f"{node.name}: a reshape to {shape}")
        positions = source.positions * (_numel(source.shape[1:]) if len(source.shape) == 3 else 1)
        self.builder.append({"name": self._scope(node), "kind": "flatten", "inputShape": source.shape, "outputShape": shape},
                            source, block)
        self.tensors[node] = _Tensor(shape, source.sources, positions, source.activation)

    def _module(self, node, module: nn.Module, source: _Tensor, shape, block) -> None:
        name = node.target
        if isinstance(module, PRUNABLE_TYPES):
            self.builder.append(_weighted_entry(module, name, source.shape, shape), source, block)
            self.tensors[node] = _Tensor(shape, [f"{name}.weight"], 1, None)
        elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            self.builder.append({"name": name, "kind": "batchNorm", "inputShape": source.shape, "outputShape": shape,
                                 "parameterCount": _parameter_count(module), "elementOperations": 2 * _numel(shape)}, source, block)
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, None)
        elif isinstance(module, (nn.ReLU, nn.ReLU6)):
            self.builder.append({"name": name, "kind": "relu", "inputShape": source.shape, "outputShape": shape,
                                 "elementOperations": _numel(shape)}, source, block)
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, self.builder.entries[-1]["name"])
        elif isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
            kind = "maxPool" if isinstance(module, nn.MaxPool2d) else "averagePool"
            self.builder.append(_pool_entry(kind, name, source.shape, shape, _pair(module.kernel_size),
                                            _pair(module.stride or module.kernel_size), _pair(module.padding)), source, block)
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, source.activation)
        elif isinstance(module, (nn.AdaptiveAvgPool2d, nn.AdaptiveMaxPool2d)):
            kind = "averagePool" if isinstance(module, nn.AdaptiveAvgPool2d) else "maxPool"
            kernel = max(source.shape[-1] // max(shape[-1], 1), 1)
            self.builder.append(_pool_entry(kind, name, source.shape, shape, kernel, kernel, 0), source, block)
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, source.activation)
        elif isinstance(module, nn.Flatten):
            self._flatten(node, source, shape, block)
        elif isinstance(module, (nn.Dropout, nn.Dropout2d)):
            self.builder.append({"name": name, "kind": "dropout", "inputShape": source.shape, "outputShape": shape}, source, block)
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, source.activation)
        elif shape == source.shape:
            self.tensors[node] = _Tensor(shape, source.sources, source.positions, None)
        else:
            raise UnsupportedGraph(f"{name} ({type(module).__name__}) changes {source.shape} to {shape}")


def _hook_layers(model: nn.Module, example_input: torch.Tensor) -> List[Dict[str, Any]]:
    """The leaf layers of known kinds in the order they ran, chained one after another."""
    names = {module: name for name, module in model.named_modules()}
    ran: List[tuple] = []

    def hook(module, inputs, output):
        if inputs and isinstance(inputs[0], torch.Tensor) and isinstance(output, torch.Tensor):
            ran.append((module, list(inputs[0].shape[1:]), list(output.shape[1:])))

    kinds = (nn.Conv2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d, nn.AvgPool2d,
             nn.AdaptiveAvgPool2d, nn.Flatten, nn.Dropout)
    handles = [m.register_forward_hook(hook) for m in model.modules() if isinstance(m, kinds)]
    try:
        model(example_input)
    finally:
        for handle in handles:
            handle.remove()
    builder = _Builder()
    current = _Tensor(list(example_input.shape[1:]))
    for module, input_shape, output_shape in ran:
        name = names[module]
        if isinstance(module, PRUNABLE_TYPES):
            if len(input_shape) != len(current.shape) and len(current.shape) == 3:
                current = _Tensor(input_shape, current.sources, current.positions * _numel(current.shape[1:]), current.activation)
            builder.append(_weighted_entry(module, name, input_shape, output_shape), current, None)
            current = _Tensor(output_shape, [f"{name}.weight"])
        elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)):
            builder.append({"name": name, "kind": "batchNorm", "inputShape": input_shape, "outputShape": output_shape,
                            "parameterCount": _parameter_count(module), "elementOperations": 2 * _numel(output_shape)}, current, None)
            current = _Tensor(output_shape, current.sources, current.positions)
        elif isinstance(module, nn.ReLU):
            builder.append({"name": name, "kind": "relu", "inputShape": input_shape, "outputShape": output_shape,
                            "elementOperations": _numel(output_shape)}, current, None)
            current = _Tensor(output_shape, current.sources, current.positions, builder.entries[-1]["name"])
        elif isinstance(module, (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d)):
            kind = "maxPool" if isinstance(module, nn.MaxPool2d) else "averagePool"
            kernel = max(input_shape[-1] // max(output_shape[-1], 1), 1)
            builder.append(_pool_entry(kind, name, input_shape, output_shape, kernel, kernel, 0), current, None)
            current = _Tensor(output_shape, current.sources, current.positions, current.activation)
        elif isinstance(module, nn.Flatten):
            positions = current.positions * (_numel(input_shape[1:]) if len(input_shape) == 3 else 1)
            builder.append({"name": name, "kind": "flatten", "inputShape": input_shape, "outputShape": output_shape}, current, None)
            current = _Tensor(output_shape, current.sources, positions, current.activation)
        elif isinstance(module, nn.Dropout):
            builder.append({"name": name, "kind": "dropout", "inputShape": input_shape, "outputShape": output_shape}, current, None)
            current = _Tensor(output_shape, current.sources, current.positions, current.activation)
    return builder.entries
