"""What `RunLog.evaluate()` costs on ResNet-18 and ResNet-50 (ImageNet shapes, 224x224, CPU),
pruned to 90% with torch.nn.utils.prune masks: the panels (counts, histograms, heatmaps,
storage, FLOPs), the JSON line, and the write; also the start event's network description
(once per run) and the size of one evaluation's line.

    python python/benchmarks/evaluation_cost.py [--repeats 5] [--threads 1]

The networks are defined here as torchvision defines them (11,689,512 and 25,557,032
parameters): torchvision's wheels on PyPI do not load with the CPU build of torch.
"""

import argparse
import os
import statistics
import tempfile
import time

import torch
import torch.nn as nn

import prunetop


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, inputs, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inputs, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, block, layers, classes=1000):
        super().__init__()
        self.inputs = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._layer(block, 64, layers[0])
        self.layer2 = self._layer(block, 128, layers[1], 2)
        self.layer3 = self._layer(block, 256, layers[2], 2)
        self.layer4 = self._layer(block, 512, layers[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512 * block.expansion, classes)

    def _layer(self, block, planes, count, stride=1):
        downsample = None
        if stride != 1 or self.inputs != planes * block.expansion:
            downsample = nn.Sequential(nn.Conv2d(self.inputs, planes * block.expansion, 1, stride, bias=False),
                                       nn.BatchNorm2d(planes * block.expansion))
        layers = [block(self.inputs, planes, stride, downsample)]
        self.inputs = planes * block.expansion
        layers += [block(self.inputs, planes) for _ in range(1, count)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def measure(name, model, repeats):
    with tempfile.TemporaryDirectory() as directory:
        path = os.path.join(directory, "run.jsonl")
        pruner = prunetop.GradualPruner(model, target=0.9, begin_step=0, end_step=1)
        pruner.apply(0.9)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        started = time.perf_counter()
        run = prunetop.RunLog(path, model, torch.zeros(1, 3, 224, 224), optimizer=optimizer, pruner=pruner, total_steps=100,
                              model_name=name)
        start_seconds = time.perf_counter() - started
        run.step(loss=1.0, samples=256)
        panels, totals, cpu = [], [], []
        for _ in range(repeats):
            size_before = os.path.getsize(path)
            t0 = time.perf_counter()
            run.recorder.evaluate()
            t1, c1 = time.perf_counter(), time.process_time()
            run.evaluate(test_accuracy=0.7)
            t2, c2 = time.perf_counter(), time.process_time()
            panels.append(t1 - t0)
            totals.append(t2 - t1)
            cpu.append(c2 - c1)
            line_bytes = os.path.getsize(path) - size_before
        step_costs = []
        for _ in range(200):
            t0 = time.perf_counter()
            run.step(loss=1.0, samples=256)
            step_costs.append(time.perf_counter() - t0)
        run.end()
    parameters = sum(p.numel() for p in model.parameters())
    print(f"{name}: {parameters:,} parameters, {len(run.recorder.tensors)} prunable tensors; start event (network description) "
          f"{start_seconds:.2f} s; evaluate() median {statistics.median(totals):.3f} s wall (min {min(totals):.3f}), "
          f"{statistics.median(cpu):.3f} s CPU, of which the panels {statistics.median(panels):.3f} s wall; one eval line {line_bytes / 1e6:.2f} MB; "
          f"step() between evaluations median {statistics.median(step_costs) * 1e6:.0f} µs")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    print(f"torch {torch.__version__}, {args.threads} thread(s), {os.cpu_count()} CPUs")
    measure("resnet18", ResNet(BasicBlock, [2, 2, 2, 2]), args.repeats)
    measure("resnet50", ResNet(Bottleneck, [3, 4, 6, 3]), args.repeats)


if __name__ == "__main__":
    main()
