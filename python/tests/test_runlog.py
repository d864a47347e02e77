import json
import threading
import time

import pytest
import torch
import torch.nn.functional as F

from conftest import TinyResNet, read_log, small_cnn
import prunetop


def train(model, run, steps, evaluate_every=0, accuracy=0.5):
    optimizer = run.optimizer
    torch.manual_seed(0)
    for step in range(1, steps + 1):
        images, labels = torch.randn(8, 1, 28, 28), torch.randint(0, 10, (8,))
        loss = F.cross_entropy(model(images), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        run.step(loss=loss.item(), samples=8)
        if evaluate_every and step % evaluate_every == 0:
            run.evaluate(test_accuracy=accuracy, test_loss=1.0)


def make_run(log_path, model=None, **options):
    model = model or small_cnn()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    pruner = prunetop.GradualPruner(model, target=0.5, begin_step=2, end_step=10, every=2)
    run = prunetop.RunLog(log_path, model, torch.zeros(1, 1, 28, 28), optimizer=optimizer, pruner=pruner, total_steps=20,
                          steps_per_epoch=10, dataset={"name": "random", "classes": 10}, progress_interval=0, **options)
    return model, optimizer, pruner, run


def test_the_log_has_prunetops_events_and_keys(log_path):
    model, _, pruner, run = make_run(log_path)
    train(model, run, 20, evaluate_every=10)
    run.end(test_accuracy=0.5)
    events = read_log(log_path)
    assert [e["event"] for e in events][0] == "start" and events[-1]["event"] == "done"
    start = events[0]
    assert start["schema"] == 2 and start["total_steps"] == 20 and start["steps_per_epoch"] == 10
    assert start["steering"] == {"commands": "run.jsonl.commands", "knobs": ["pause", "target", "lr"]}
    assert start["dataset"]["rows"] == 28 and start["dataset"]["channels"] == 1
    assert [p["name"] for p in start["prunable"]] == ["0.weight", "5.weight", "8.weight"]
    evaluations = [e for e in events if e["event"] == "eval"]
    assert [e["step"] for e in evaluations] == [10, 20]
    last = evaluations[-1]
    assert last["sparsity"] == pytest.approx(0.5, abs=1e-3) and last["phase"] == "fine-tune" and last["target"] == 0.5
    assert [layer["nonzero"] for layer in last["layers"]] == [int(m.weight_mask.sum()) for _, m in pruner.modules]
    assert list(last["frame"].keys()) == sorted(last["frame"].keys())
    assert last["frame"]["flops"]["sparse"]["forward"] < last["frame"]["flops"]["dense"]["forward"]
    progress = [e for e in events if e["event"] == "progress"]
    assert progress and all(e["state"] == "running" for e in progress)


def test_a_residual_network_logs_every_prunable_layer(log_path):
    model = TinyResNet()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    run = prunetop.RunLog(log_path, model, torch.zeros(1, 1, 28, 28), optimizer=optimizer, total_steps=2)
    run.step(loss=1.0)
    run.evaluate(test_accuracy=0.1)
    run.end()
    events = read_log(log_path)
    adds = [layer for layer in events[0]["network"]["layers"] if layer["kind"] == "add"]
    assert len(adds) == 2
    assert len(events[-2]["layers"]) == 7
    assert events[0]["steering"]["knobs"] == ["pause", "lr"], "no pruner: no target knob"


def send(run, line):
    with open(run.commands_path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(line) + "\n")


def test_commands_are_applied_between_steps_and_acknowledged_in_the_log(log_path):
    model, optimizer, pruner, run = make_run(log_path)
    train(model, run, 12)
    send(run, {"id": 1, "command": "set_target", "value": 0.8})
    send(run, {"id": 2, "command": "set_lr", "value": 0.05})
    send(run, {"id": 3, "command": "set_target", "value": 1.5})
    send(run, {"id": 4, "command": "warp"})
    train(model, run, 1)
    assert pruner.sparsity() == pytest.approx(0.8, abs=1e-3), "the masks follow the new target at once past the schedule's end"
    assert optimizer.param_groups[0]["lr"] == 0.05
    acknowledgements = [e for e in read_log(log_path) if e["event"] == "command"]
    assert [(a["id"], a["outcome"]) for a in acknowledgements] == [(1, "applied"), (2, "applied"), (3, "refused"), (4, "refused")]
    assert acknowledgements[0]["message"] == "target sparsity 0.50 → 0.80 at step 13"
    assert acknowledgements[0]["target"] == 0.8
    assert acknowledgements[1]["message"] == "learning rate 0.1 → 0.05 at step 13"
    assert acknowledgements[2]["message"] == "refused: target sparsity: expected a number in [0, 1), found 1.5"
    assert acknowledgements[3]["message"].startswith(f"refused: {run.commands_path}:4: command: expected one of")


def test_pause_holds_the_loop_until_resume(log_path):
    model, _, _, run = make_run(log_path)
    train(model, run, 1)
    send(run, {"id": 1, "command": "pause"})
    resumed_after = []

    def resume_later():
        time.sleep(0.5)
        send(run, {"id": 2, "command": "resume"})

    thread = threading.Thread(target=resume_later)
    thread.start()
    started = time.monotonic()
    train(model, run, 1)
    resumed_after.append(time.monotonic() - started)
    thread.join()
    assert resumed_after[0] >= 0.45
    events = read_log(log_path)
    assert any(e["event"] == "progress" and e["state"] == "paused" for e in events)
    assert [e["message"] for e in events if e["event"] == "command"] == ["paused at step 2", "resumed at step 2"]


def test_an_existing_log_is_never_overwritten_unless_asked(log_path):
    with open(log_path, "w") as handle:
        handle.write('{"event":"start"}\n')
    with pytest.raises(FileExistsError, match="already holds 18 bytes"):
        make_run(log_path)
    assert open(log_path).read() == '{"event":"start"}\n'
    _, _, _, run = make_run(log_path, mode="append")
    run.end()
    assert [e["event"] for e in read_log(log_path)] == ["start", "start", "done"]


def test_an_exception_in_the_loop_ends_the_log_as_stopped(log_path):
    model, _, _, run = make_run(log_path)
    with pytest.raises(RuntimeError):
        with run:
            train(model, run, 2)
            raise RuntimeError("out of memory")
    last = read_log(log_path)[-1]
    assert last["event"] == "stopped" and last["message"] == "RuntimeError: out of memory"
