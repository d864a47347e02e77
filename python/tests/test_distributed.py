"""Two real gloo processes: rank 0 writes the log and reads commands, rank 1 writes nothing,
and both apply rank 0's knobs."""

import json
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker(rank, port, directory):
    import prunetop

    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=2)
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(16, 8), nn.ReLU(), nn.Linear(8, 4))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    pruner = prunetop.GradualPruner(model, target=0.3, begin_step=0, end_step=1, every=1)
    # Each rank names its own path: only rank 0's may appear.
    path = os.path.join(directory, f"rank{rank}.jsonl")
    run = prunetop.RunLog(path, model, torch.zeros(1, 16), optimizer=optimizer, pruner=pruner, total_steps=4)
    if rank == 0:
        with open(run.commands_path, "a") as handle:
            handle.write(json.dumps({"id": 1, "command": "set_target", "value": 0.75}) + "\n")
            handle.write(json.dumps({"id": 2, "command": "set_lr", "value": 0.02}) + "\n")
    dist.barrier()
    for _ in range(3):
        run.step(loss=1.0, samples=4)
    run.evaluate(test_accuracy=0.5)
    run.end()
    with open(os.path.join(directory, f"result{rank}.json"), "w") as handle:
        json.dump({"sparsity": pruner.sparsity(), "lr": optimizer.param_groups[0]["lr"]}, handle)
    dist.destroy_process_group()


def test_rank_zero_writes_and_every_rank_follows_its_knobs(tmp_path):
    mp.spawn(worker, args=(free_port(), str(tmp_path)), nprocs=2, join=True)
    assert (tmp_path / "rank0.jsonl").exists()
    assert not (tmp_path / "rank1.jsonl").exists() and not (tmp_path / "rank1.jsonl.commands").exists()
    results = [json.loads((tmp_path / f"result{rank}.json").read_text()) for rank in (0, 1)]
    assert results[0] == results[1]
    assert abs(results[0]["sparsity"] - 0.75) < 0.01 and results[0]["lr"] == 0.02
