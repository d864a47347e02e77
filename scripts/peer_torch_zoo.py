#!/usr/bin/env python3
"""PyTorch CPU training throughput of a prunetop zoo model (scripts/torch_zoo.py), for
scripts/bench-vs-torch.sh: the same layers, batch, thread count and optimizer as
`prunetop bench` (SGD, momentum 0.9, Nesterov, weight decay 5e-4, softmax cross-entropy),
timed over the training loop only. 1x28x28 trains on Fashion-MNIST; 3x32x32 on uniformly
random images, as the bench's CIFAR-format directory of random images holds (speed does not
depend on the pixels). Prints samples_per_s, the median of the repeats."""
import argparse
import gzip
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_zoo import build  # noqa: E402

FASHION = "/usr/share/datasets/fashion-mnist"


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = struct.unpack(">" + "I" * (data[3]), data[4:4 + 4 * data[3]])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * data[3]).reshape(dims)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--shape", default="1x28x28", choices=["1x28x28", "3x32x32"])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    shape = tuple(int(s) for s in args.shape.split("x"))
    if shape == (1, 28, 28):
        x = torch.tensor(idx(f"{FASHION}/train-images-idx3-ubyte.gz").reshape(-1, *shape), dtype=torch.float32) / 255.0
        y = torch.tensor(idx(f"{FASHION}/train-labels-idx1-ubyte.gz").astype(np.int64))
    else:
        generator = torch.Generator().manual_seed(0)
        x = torch.randint(0, 256, (10000, *shape), generator=generator).float() / 255.0
        y = torch.randint(0, 10, (10000,), generator=generator)
    model = build(args.model, shape)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4)
    n = x.shape[0]
    order = torch.randperm(n)

    def step(i):
        rows = order[(i * args.batch) % (n - args.batch):][:args.batch]
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x[rows]), y[rows]).backward()
        optimizer.step()

    for i in range(args.warmup):
        step(i)
    rates = []
    for _ in range(args.repeats):
        begin = time.perf_counter()
        for i in range(args.steps):
            step(i)
        rates.append(args.steps * args.batch / (time.perf_counter() - begin))
    print(f"torch {torch.__version__} {args.model} {args.shape} threads={args.threads} batch={args.batch} "
          f"samples_per_s={np.median(rates):.0f} runs={[round(r) for r in rates]}")


main()
