# The zoo rebuilt in PyTorch, for an independent count of parameters and forward MACs
# (ZooTests compares with these). Run: /path/to/venv/bin/python scripts/zoo_counts_torch.py
import torch
import torch.nn as nn
from torch_zoo import build


def count(m):
    return sum(p.numel() for p in m.parameters())


def macs(m, shape):
    total = [0]

    def hook(mod, i, o):
        if isinstance(mod, nn.Conv2d):
            total[0] += o.numel() // o.shape[0] * mod.in_channels // mod.groups * mod.kernel_size[0] * mod.kernel_size[1]
        if isinstance(mod, nn.Linear):
            total[0] += mod.in_features * mod.out_features
    hooks = [mm.register_forward_hook(hook) for mm in m.modules()]
    m.eval()
    m(torch.zeros(1, *shape))
    for h in hooks:
        h.remove()
    return total[0]


for shape in [(1, 28, 28), (3, 32, 32)]:
    for name in ["lenet300", "lenet5", "mlp", "vgg-small", "resnet20"]:
        m = build(name, shape)
        print(shape, name, count(m), macs(m, shape))
