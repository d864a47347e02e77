"""prunetop's model zoo rebuilt in PyTorch (nn.Conv2d, nn.BatchNorm2d, nn.Linear), layer for
layer: the peers of scripts/bench-vs-torch.sh train these, and scripts/zoo_counts_torch.py
counts their parameters and forward MACs for ZooTests."""
import torch
import torch.nn as nn


def mlp(inputs, widths, classes):
    layers, features = [], inputs
    for width in widths:
        layers += [nn.Linear(features, width), nn.ReLU()]
        features = width
    return nn.Sequential(nn.Flatten(), *layers, nn.Linear(features, classes))


class BasicBlock(nn.Module):
    """He et al. 2016's basic block with a projection shortcut where the shape changes."""

    def __init__(self, cin, cout, stride):
        super().__init__()
        self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.b1 = nn.BatchNorm2d(cout)
        self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.b2 = nn.BatchNorm2d(cout)
        self.sc = (nn.Sequential() if stride == 1 and cin == cout
                   else nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout)))

    def forward(self, x):
        return torch.relu(self.b2(self.c2(torch.relu(self.b1(self.c1(x))))) + self.sc(x))


def resnet20(cin, classes, width=1):
    layers, c = [nn.Conv2d(cin, 16 * width, 3, 1, 1, bias=False), nn.BatchNorm2d(16 * width), nn.ReLU()], 16 * width
    for planes, stride in [(16 * width, 1), (32 * width, 2), (64 * width, 2)]:
        for block in range(3):
            layers.append(BasicBlock(c, planes, stride if block == 0 else 1))
            c = planes
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes))


def vgg_small(cin, classes, width=1):
    layers, c = [], cin
    for channels in [32, 64, 128]:
        for _ in range(2):
            layers += [nn.Conv2d(c, channels * width, 3, 1, 1, bias=False), nn.BatchNorm2d(channels * width), nn.ReLU()]
            c = channels * width
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, classes))


def lenet5(cin, side, classes):
    s = (side // 2 - 4) // 2
    return nn.Sequential(nn.Conv2d(cin, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(16 * s * s, 120), nn.ReLU(), nn.Linear(120, 84),
                         nn.ReLU(), nn.Linear(84, classes))


def build(name, shape, classes=10):
    """The zoo model `name` for per-sample input `shape` (channels, height, width)."""
    channels, side = shape[0], shape[1]
    return {
        "lenet300": lambda: mlp(channels * side * side, [300, 100], classes),
        "lenet5": lambda: lenet5(channels, side, classes),
        "mlp": lambda: mlp(channels * side * side, [512, 256], classes),
        "vgg-small": lambda: vgg_small(channels, classes),
        "resnet20": lambda: resnet20(channels, classes),
    }[name]()
