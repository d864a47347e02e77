import pytest
import torch
import torch.nn as nn

from conftest import TinyResNet, small_cnn
from prunetop import describe_network


def by_name(description):
    return {layer["name"]: layer for layer in description["layers"]}


def test_a_sequential_cnn_is_described_layer_by_layer_with_shapes_and_macs():
    description = describe_network(small_cnn(), torch.zeros(1, 1, 28, 28), "cnn")
    assert description["inputShape"] == [1, 28, 28]
    kinds = [layer["kind"] for layer in description["layers"]]
    assert kinds == ["convolution", "batchNorm", "relu", "maxPool", "flatten", "linear", "relu", "dropout", "linear"]
    layers = description["layers"]
    conv, fc1, fc2 = layers[0], layers[5], layers[8]
    assert conv["weight"] == "0.weight" and conv["outputShape"] == [4, 28, 28]
    assert conv["forwardMACs"] == 4 * 1 * 9 * 28 * 28
    assert conv["geometry"] == {"inChannels": 1, "outChannels": 4, "kernel": 3, "stride": 1, "padding": 1}
    assert fc1["inputShape"] == [784] and fc1["forwardMACs"] == 784 * 32
    # The flatten turned 4 channels of 14x14 into 784 inputs: 196 per conv output channel.
    assert fc1["inputWeights"] == ["0.weight"] and fc1["inputsPerSourceUnit"] == 196
    assert fc2["activation"] == "6" and fc2["inputWeights"] == ["5.weight"]
    assert layers[3]["geometry"]["kernel"] == 2


def test_a_residual_block_has_its_add_tying_the_weights_that_feed_it():
    description = describe_network(TinyResNet(), torch.zeros(1, 1, 16, 16), "tiny-resnet")
    layers = by_name(description)
    first_add = layers["layer1.0.add"]
    assert first_add["kind"] == "add" and first_add["block"] == "layer1.0"
    # An identity shortcut: the block's conv2 and the stem conv feed the same channels.
    assert first_add["tiedWeights"] == ["conv.weight", "layer1.0.conv2.weight"]
    second_add = layers["layer1.1.add"]
    assert second_add["tiedWeights"] == ["layer1.1.conv2.weight", "layer1.1.shortcut.0.weight"]
    # The next block's first conv reads the sum: both tied weights are its sources.
    assert layers["layer1.1.conv1"]["inputWeights"] == ["conv.weight", "layer1.0.conv2.weight"]
    assert layers["layer1.1.shortcut.0"]["outputShape"] == [8, 8, 8]
    assert layers["pool"]["kind"] == "averagePool" and layers["fc"]["inputShape"] == [8]
    prunable = [layer["weight"] for layer in description["layers"] if layer.get("weight")]
    assert prunable == ["conv.weight", "layer1.0.conv1.weight", "layer1.0.conv2.weight", "layer1.1.conv1.weight",
                        "layer1.1.conv2.weight", "layer1.1.shortcut.0.weight", "fc.weight"]


class Untraceable(nn.Module):
    """Control flow on a tensor's value: torch.fx cannot trace it."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(12, 6)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(6, 3)

    def forward(self, x):
        if x.sum() > 1e9:
            x = x * 0
        return self.fc2(self.relu(self.fc1(x)))


def test_a_module_fx_cannot_trace_is_described_from_the_layers_that_ran():
    with pytest.warns(UserWarning, match="untraceable is described from the layers that ran, without residual structure"):
        description = describe_network(Untraceable(), torch.zeros(1, 12), "untraceable")
    assert [layer["kind"] for layer in description["layers"]] == ["linear", "relu", "linear"]
    assert description["layers"][2]["inputWeights"] == ["fc1.weight"]
    assert description["layers"][2]["activation"] == "relu"
