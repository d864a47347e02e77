"""A small CNN pruned on Fashion-MNIST by gradual global magnitude pruning, on the CPU, while
prunetop watches and steers it:

    python examples/pytorch/fashion_mnist.py --log runs/fashion.jsonl &
    prunetop watch runs/fashion.jsonl

In the dashboard, + and - (or Enter and a value) on "target sparsity" and "learning rate" reach
this process between two steps; space pauses and resumes it.
"""

import argparse
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_data  # noqa: E402

import prunetop  # noqa: E402


class SmallCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3, padding=1)
        self.bn2 = nn.BatchNorm2d(16)
        self.pool = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(16 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.bn1(self.conv1(x))))
        x = self.pool(F.relu(self.bn2(self.conv2(x))))
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def arguments(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--log", required=True, help="the run log prunetop watches")
    parser.add_argument("--mode", default="new", choices=["new", "overwrite", "append"], help="an existing log: refuse, replace, or add this run after it")
    parser.add_argument("--data", default=fashion_data.DIRECTORY)
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=0.05)
    parser.add_argument("--target", type=float, default=0.9)
    parser.add_argument("--begin", type=int, default=300, help="first pruning step")
    parser.add_argument("--end", type=int, default=2000, help="step the target is reached")
    parser.add_argument("--every", type=int, default=50, help="steps between mask updates")
    parser.add_argument("--eval-every", type=int, default=250)
    parser.add_argument("--train-limit", type=int, default=0, help="use the first N training images (0: all)")
    parser.add_argument("--test-limit", type=int, default=2000, help="evaluate on the first N test images")
    parser.add_argument("--step-delay", type=float, default=0.0, help="seconds to sleep after each step (to watch a short run)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    return parser.parse_args(argv)


@torch.no_grad()
def evaluate(model, images, labels, batch=1000):
    model.eval()
    correct, loss = 0, 0.0
    for start in range(0, len(images), batch):
        logits = model(images[start:start + batch])
        loss += F.cross_entropy(logits, labels[start:start + batch], reduction="sum").item()
        correct += (logits.argmax(1) == labels[start:start + batch]).sum().item()
    model.train()
    return correct / len(images), loss / len(images)


def main(argv=None):
    args = arguments(argv)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_images, train_labels = fashion_data.load("train", args.data, args.train_limit)
    test_images, test_labels = fashion_data.load("t10k", args.data, args.test_limit)
    model = SmallCNN()
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    steps_per_epoch = max(len(train_images) // args.batch, 1)

    # The three lines that connect the run to prunetop (and `run.step`, `run.evaluate` below).
    pruner = prunetop.GradualPruner(model, target=args.target, begin_step=args.begin, end_step=args.end, every=args.every)
    run = prunetop.RunLog(args.log, model, train_images[:1], optimizer=optimizer, pruner=pruner, total_steps=args.steps,
                          steps_per_epoch=steps_per_epoch, model_name="small-cnn", batch_size=args.batch, seed=args.seed,
                          dataset={"name": "fashion-mnist", "source": args.data, "train": len(train_images), "test": len(test_images),
                                   "classes": 10},
                          mode=args.mode)
    order = torch.randperm(len(train_images))
    position = 0
    with run:
        for step in range(1, args.steps + 1):
            if position + args.batch > len(order):
                order, position = torch.randperm(len(train_images)), 0
            index = order[position:position + args.batch]
            position += args.batch
            loss = F.cross_entropy(model(train_images[index]), train_labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            run.step(loss=loss.item(), samples=len(index))
            if step % args.eval_every == 0 or step == args.steps:
                accuracy, test_loss = evaluate(model, test_images, test_labels)
                run.evaluate(test_accuracy=accuracy, test_loss=test_loss)
                print(f"step {step}: test accuracy {accuracy:.4f}, sparsity {pruner.sparsity():.4f}, target {pruner.target:.2f}, "
                      f"lr {optimizer.param_groups[0]['lr']:g}", flush=True)
            if args.step_delay:
                time.sleep(args.step_delay)
        accuracy, test_loss = evaluate(model, test_images, test_labels)
        run.end(test_accuracy=accuracy, test_loss=test_loss)
    print(f"done: test accuracy {accuracy:.4f}, sparsity {pruner.sparsity():.4f}", flush=True)


if __name__ == "__main__":
    main()
