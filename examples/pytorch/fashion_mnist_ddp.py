"""The Fashion-MNIST example on two CPU processes with torch.distributed (gloo) and
DistributedDataParallel: each rank trains on its half of every batch; rank 0 writes the log and
reads prunetop's commands, and `run.step()` hands its knobs to the other rank, so the masks
and the learning rate stay the same on both.

    python examples/pytorch/fashion_mnist_ddp.py --log runs/fashion-ddp.jsonl &
    prunetop watch runs/fashion-ddp.jsonl
"""

import os
import socket
import sys
import time

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fashion_data  # noqa: E402
from fashion_mnist import SmallCNN, arguments, evaluate  # noqa: E402

import prunetop  # noqa: E402

WORLD = 2


def worker(rank, args, port):
    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=WORLD)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train_images, train_labels = fashion_data.load("train", args.data, args.train_limit)
    test_images, test_labels = fashion_data.load("t10k", args.data, args.test_limit)
    model = SmallCNN()
    # The pruner and the log see the plain module; DDP wraps it for the gradients' all-reduce
    # (pruning first: DDP registers the parameters as they are then, weight_orig included).
    pruner = prunetop.GradualPruner(model, target=args.target, begin_step=args.begin, end_step=args.end, every=args.every)
    ddp = DistributedDataParallel(model)
    optimizer = torch.optim.SGD(ddp.parameters(), lr=args.lr, momentum=0.9)
    half = args.batch // WORLD
    run = prunetop.RunLog(args.log, model, train_images[:1], optimizer=optimizer, pruner=pruner, total_steps=args.steps,
                          steps_per_epoch=max(len(train_images) // args.batch, 1), model_name="small-cnn (2 ranks)",
                          batch_size=args.batch, seed=args.seed, mode=args.mode,
                          dataset={"name": "fashion-mnist", "source": args.data, "train": len(train_images), "test": len(test_images),
                                   "classes": 10})
    generator = torch.Generator().manual_seed(args.seed)  # the same order on every rank
    order, position = torch.randperm(len(train_images), generator=generator), 0
    with run:
        for step in range(1, args.steps + 1):
            if position + args.batch > len(order):
                order, position = torch.randperm(len(train_images), generator=generator), 0
            index = order[position + rank * half:position + (rank + 1) * half]
            position += args.batch
            loss = F.cross_entropy(ddp(train_images[index]), train_labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            run.step(loss=loss.item(), samples=len(index) * WORLD)
            if step % args.eval_every == 0 or step == args.steps:
                if rank == 0:
                    accuracy, test_loss = evaluate(model, test_images, test_labels)
                    run.evaluate(test_accuracy=accuracy, test_loss=test_loss)
                    print(f"step {step}: test accuracy {accuracy:.4f}, sparsity {pruner.sparsity():.4f}, target {pruner.target:.2f}, "
                          f"lr {optimizer.param_groups[0]['lr']:g}", flush=True)
            if args.step_delay:
                time.sleep(args.step_delay)
        if rank == 0:
            accuracy, test_loss = evaluate(model, test_images, test_labels)
            run.end(test_accuracy=accuracy, test_loss=test_loss)
            print(f"done: test accuracy {accuracy:.4f}, sparsity {pruner.sparsity():.4f}", flush=True)
    # Both ranks hold the same masks: rank 1 says its sparsity for the README's check.
    print(f"rank {rank}: sparsity {pruner.sparsity():.4f}", flush=True)
    dist.destroy_process_group()


def main():
    args = arguments()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mp.spawn(worker, args=(args, port), nprocs=WORLD, join=True)


if __name__ == "__main__":
    main()
