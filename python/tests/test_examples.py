"""The two-process example (examples/pytorch/fashion_mnist_ddp.py) for real: gloo, DDP, a
command sent while it runs reaches both ranks."""

import json
import os
import subprocess
import sys
import time

import pytest

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FASHION = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


@pytest.mark.skipif(not os.path.exists(FASHION), reason="Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist)")
def test_the_distributed_example_follows_a_target_sent_while_it_runs(tmp_path):
    log = str(tmp_path / "ddp.jsonl")
    environment = dict(os.environ, PYTHONPATH=os.path.join(REPOSITORY, "python") + os.pathsep + os.environ.get("PYTHONPATH", ""),
                       OMP_NUM_THREADS="1")
    process = subprocess.Popen([sys.executable, os.path.join(REPOSITORY, "examples/pytorch/fashion_mnist_ddp.py"), "--log", log,
                                "--steps", "150", "--eval-every", "75", "--begin", "5", "--end", "50", "--every", "5",
                                "--target", "0.5", "--train-limit", "2000", "--test-limit", "300", "--step-delay", "0.02"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment)
    try:
        deadline = time.monotonic() + 60
        while not os.path.exists(log + ".commands") and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        with open(log + ".commands", "a") as handle:
            handle.write(json.dumps({"id": 1, "command": "set_target", "value": 0.75}) + "\n")
        output, _ = process.communicate(timeout=120)
    finally:
        process.kill()
    assert process.returncode == 0, output
    ranks = sorted(line for line in output.splitlines() if line.startswith("rank "))
    assert ranks == ["rank 0: sparsity 0.7500", "rank 1: sparsity 0.7500"], output
    events = [json.loads(line) for line in open(log)]
    assert [e["outcome"] for e in events if e["event"] == "command"] == ["applied"]
    assert events[-1]["event"] == "done" and abs(events[-1]["sparsity"] - 0.75) < 1e-3
