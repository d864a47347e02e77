"""prunetop's run log (JSONL), written from a PyTorch training loop.

The events and keys are the ones prunetop's own trainer writes (Sources/RunLogs/RunLogEvents):
`start` (settings, data, the network description, and `steering`: the command file and the
knobs this run takes), `progress` between evaluations, `eval` with the per-layer counts and the
dashboard's panels (`frame`), `command` acknowledging each command, and `done` or `stopped`.
Each line is one write(2) of a whole line, so a reader sees a line whole or not at all.

Under torch.distributed only rank 0 writes and reads commands; every rank must call `step()`
(it broadcasts rank 0's knobs, so the masks and the learning rate stay the same everywhere, and a
paused rank 0 holds the others at that broadcast).
"""

from __future__ import annotations

import json
import math
import os
import time
from typing import Any, Dict, List, Optional

import torch
import torch.nn as nn

from . import network as network_description
from .commands import Command, CommandError, CommandFile
from .panels import PanelRecorder, PrunableTensor, inference_reduction, training_reduction
from .pruner import GradualPruner

SCHEMA = 2
KNOB_PAUSE, KNOB_TARGET, KNOB_LR = "pause", "target", "lr"
# Seconds between progress lines while paused (prunetop watch says a log silent for 30 s stopped).
PAUSED_HEARTBEAT = 10.0


def _fraction(value: float) -> str:
    """As prunetop's Format.fraction: "0.90", or the value in full when two decimals lose it."""
    short = f"{value:.2f}"
    return short if float(short) == value else repr(value)


def _rate(value: float) -> str:
    return f"{value:g}"


def _finite(value: Optional[float]) -> Optional[float]:
    return value if value is not None and math.isfinite(value) else None


def _json_safe(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _encode_value(key: str, value: Any) -> str:
    # The frame and the network description are written with sorted keys, as prunetop writes them.
    sort = key in ("frame", "network")
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False, sort_keys=sort)
    except ValueError:
        return json.dumps(_json_safe(value), separators=(",", ":"), ensure_ascii=False, allow_nan=False, sort_keys=sort)


def _encode(event: Dict[str, Any]) -> str:
    """One line: the keys in the order given ("event" first), a number that is not finite as null."""
    return "{" + ",".join(json.dumps(key) + ":" + _encode_value(key, value) for key, value in event.items()) + "}"


def _distributed_rank() -> int:
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank()
    return 0


def _distributed_world() -> int:
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_world_size()
    return 1


class RunLog:
    """Writes the log of one run at `path` and takes the commands in `path + ".commands"`.

    `mode`: "new" refuses a file that already holds a log, "overwrite" replaces it, "append"
    adds this run after it (a restarted writer: `prunetop watch` starts over at the new start
    event). `dataset`: name, train, test, classes (what the start event says about the data).
    """

    def __init__(self, path: str, model: nn.Module, example_input: torch.Tensor, *, total_steps: int,
                 steps_per_epoch: Optional[int] = None, optimizer: Optional[torch.optim.Optimizer] = None,
                 pruner: Optional[GradualPruner] = None, model_name: Optional[str] = None,
                 dataset: Optional[Dict[str, Any]] = None, batch_size: Optional[int] = None, epochs: Optional[int] = None,
                 seed: Optional[int] = None, method: Optional[str] = None, mode: str = "new", rank: Optional[int] = None,
                 progress_interval: float = 0.2, pause_poll: float = 0.02):
        if total_steps < 1:
            raise ValueError(f"total_steps: expected an integer >= 1, found {total_steps}")
        if mode not in ("new", "overwrite", "append"):
            raise ValueError(f"mode: expected new, overwrite or append, found {mode!r}")
        self.path = path
        self.commands_path = path + ".commands"
        self.rank = _distributed_rank() if rank is None else rank
        self.world = _distributed_world()
        self.active = self.rank == 0
        self.model = model
        self.optimizer = optimizer
        self.pruner = pruner
        self.method = method or (pruner.method if pruner else "pytorch")
        self.total_steps = total_steps
        self.steps_per_epoch = max(1, steps_per_epoch or total_steps)
        self.progress_interval = progress_interval
        self.pause_poll = pause_poll
        self.current_step = 0
        self.paused = False
        self.message: Optional[str] = None
        self.started = time.monotonic()
        self.training_seconds = 0.0
        self.samples_seen = 0
        self.last_progress = 0.0
        self.loss_sum, self.loss_count = 0.0, 0
        self.rate_samples, self.rate_since = 0, time.monotonic()
        self.samples_per_second = 0.0
        self.last_step_time = time.monotonic()
        self.last_update_step: Optional[int] = None
        self.mask_churn = 0
        self.ended = False
        self.knobs = [KNOB_PAUSE] + ([KNOB_TARGET] if pruner else []) + ([KNOB_LR] if optimizer else [])
        if not self.active:
            return
        self.descriptor = self._open(path, mode)
        # The command file exists from the start, so prunetop can append to it at once.
        os.close(os.open(self.commands_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644))
        self.commands = CommandFile(self.commands_path, from_end=True)
        name = model_name or type(model).__name__
        self.network = network_description.describe(model, example_input, name)
        weights = {entry["weight"]: entry["forwardMACs"] for entry in self.network["layers"] if entry.get("weight")}
        modules = dict(model.named_modules())
        tensors = [PrunableTensor(w, modules[w[:-len(".weight")]]) for w in weights if w[:-len(".weight")] in modules]
        self.recorder = PanelRecorder(tensors, weights, self.network["inputShape"])
        self.counts = self.recorder.counts()
        self._write("start", self._start_event(name, example_input, dataset, batch_size, epochs, seed))

    # --- the loop's calls -------------------------------------------------------------

    def step(self, loss: Optional[float] = None, samples: Optional[int] = None, step: Optional[int] = None) -> None:
        """After each optimizer step: takes the dashboard's commands (waiting here while
        paused), updates the pruner's masks when due, and writes a progress line a few
        times a second."""
        now = time.monotonic()
        self.training_seconds += now - self.last_step_time
        self.current_step = self.current_step + 1 if step is None else step
        if samples:
            self.samples_seen += samples
            self.rate_samples += samples
            if self.active:
                self.recorder.count_samples(samples)
        if loss is not None and math.isfinite(loss):
            self.loss_sum += loss
            self.loss_count += 1
        changed = self._take_commands() if self.active else False
        self._synchronise()
        if self.pruner is not None and self.pruner.step(self.current_step):
            self.last_update_step = self.current_step
            self.mask_churn = self.pruner.last_churn
            if self.active:
                self.counts = self.recorder.counts()
                changed = True
        if self.active and (changed or now - self.last_progress >= self.progress_interval):
            self._progress()
        self.last_step_time = time.monotonic()

    def evaluate(self, test_accuracy: Optional[float] = None, test_loss: Optional[float] = None,
                 train_accuracy: Optional[float] = None, train_loss: Optional[float] = None) -> None:
        """One evaluation: the accuracy the loop measured, and the panels from the weights."""
        if not self.active:
            return
        layers, frame, summary = self.recorder.evaluate()
        self.counts = [(layer["params"], layer["nonzero"]) for layer in layers]
        event: Dict[str, Any] = {"step": self.current_step, "epoch": self.current_step / self.steps_per_epoch,
                                 "train_loss": _finite(train_loss if train_loss is not None else self._mean_loss(keep=True)),
                                 "train_acc": train_accuracy, "test_loss": _finite(test_loss), "test_acc": test_accuracy,
                                 "test_acc_pruned": None, "lr": self._lr()}
        event.update(self._sparsity_fields())
        event.update(self._flop_fields(summary["flops"], summary["cumulative"]))
        event.update({"layers": layers, "method_stats": {}, "activation_sparsity": None,
                      "samples_per_s": self.samples_per_second, "seconds": self._seconds(), "frame": frame})
        self._write("eval", event)

    def end(self, outcome: str = "done", test_accuracy: Optional[float] = None, test_loss: Optional[float] = None,
            message: Optional[str] = None) -> None:
        """The run's last line: `done`, or `stopped` for a run cut short."""
        if outcome not in ("done", "stopped", "diverged"):
            raise ValueError(f"outcome: expected done, stopped or diverged, found {outcome!r}")
        if not self.active or self.ended:
            return
        self.ended = True
        self.counts = self.recorder.counts()
        step_flops, run_flops = self.recorder.flops()
        event: Dict[str, Any] = {"step": self.current_step, "epoch": self.current_step / self.steps_per_epoch,
                                 "test_acc": test_accuracy, "test_acc_pruned": None, "test_loss": _finite(test_loss)}
        event.update(self._sparsity_fields())
        event.update(self._flop_fields(step_flops, run_flops))
        rate = self.samples_seen / self.training_seconds if self.training_seconds > 0 else 0.0
        event.update({"seconds": self._seconds(), "training_seconds": self.training_seconds, "samples_per_s": rate,
                      "message": message})
        self._write(outcome, event)
        os.close(self.descriptor)

    def __enter__(self) -> "RunLog":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self.end("stopped", message=f"{kind.__name__}: {error}")

    # --- commands ---------------------------------------------------------------------

    def _take_commands(self) -> bool:
        applied = False
        while True:
            for item in self.commands.poll():
                self._apply(item)
                applied = True
            if not self.paused:
                return applied
            # A heartbeat while paused: the dashboard tells a paused run from a dead writer.
            if time.monotonic() - self.last_progress >= PAUSED_HEARTBEAT:
                self._progress()
            time.sleep(self.pause_poll)

    def _apply(self, item) -> None:
        if isinstance(item, CommandError):
            self._acknowledge(item.id, "refused", f"refused: {item.message}")
            return
        step = f"{self.current_step:,}"
        if item.command == "pause":
            if self.paused:
                self._acknowledge(item.id, "refused", "refused: already paused")
                return
            self.paused = True
            self._acknowledge(item.id, "applied", f"paused at step {step}")
            self._progress()
        elif item.command == "resume":
            if not self.paused:
                self._acknowledge(item.id, "refused", "refused: not paused")
                return
            self.paused = False
            self._acknowledge(item.id, "applied", f"resumed at step {step}")
        elif item.command == "set_target":
            if self.pruner is None:
                self._acknowledge(item.id, "refused", "refused: this run has no prunetop.GradualPruner: target sparsity is not one of its knobs")
            elif not 0 <= item.value < 1:
                self._acknowledge(item.id, "refused", f"refused: target sparsity: expected a number in [0, 1), found {item.value:g}")
            else:
                old = self.pruner.target
                self.pruner.set_target(item.value)
                self._acknowledge(item.id, "applied", f"target sparsity {_fraction(old)} → {_fraction(item.value)} at step {step}")
        elif item.command == "set_lr":
            if self.optimizer is None:
                self._acknowledge(item.id, "refused", "refused: this run gave prunetop no optimizer: learning rate is not one of its knobs")
            elif not item.value > 0:
                self._acknowledge(item.id, "refused", f"refused: learning rate: expected a number > 0, found {item.value:g}")
            else:
                old = self._lr()
                self._set_lr(item.value)
                self._acknowledge(item.id, "applied", f"learning rate {_rate(old)} → {_rate(item.value)} at step {step}")

    def _acknowledge(self, command_id: Optional[int], outcome: str, message: str) -> None:
        self.message = message
        event = {"step": self.current_step, "message": message, "id": command_id, "outcome": outcome, "paused": self.paused}
        if self.pruner is not None:
            event["target"] = self.pruner.target
        if self.optimizer is not None:
            event["lr"] = self._lr()
        self._write("command", event)

    def _synchronise(self) -> None:
        """Rank 0's knobs on every rank, once a step."""
        if self.world <= 1 or not torch.distributed.is_initialized():
            return
        knobs = torch.tensor([self.pruner.target if self.pruner else -1.0, self._lr() if self.optimizer else -1.0], dtype=torch.float64)
        torch.distributed.broadcast(knobs, src=0)
        if not self.active:
            if self.pruner is not None:
                self.pruner.set_target(float(knobs[0]))
            if self.optimizer is not None and float(knobs[1]) != self._lr():
                self._set_lr(float(knobs[1]))

    def _lr(self) -> Optional[float]:
        return float(self.optimizer.param_groups[0]["lr"]) if self.optimizer else None

    def _set_lr(self, value: float) -> None:
        """Scales every parameter group by the same factor as the first."""
        old = self._lr()
        for index, group in enumerate(self.optimizer.param_groups):
            group["lr"] = value if index == 0 or not old else group["lr"] * value / old

    # --- events -----------------------------------------------------------------------

    def _seconds(self) -> float:
        return time.monotonic() - self.started

    def _mean_loss(self, keep: bool = False) -> Optional[float]:
        if self.loss_count == 0:
            return None
        mean = self.loss_sum / self.loss_count
        if not keep:
            self.loss_sum, self.loss_count = 0.0, 0
        return mean

    def _measured(self) -> tuple:
        total = sum(params for params, _ in self.counts)
        stored = sum(nonzero for _, nonzero in self.counts)
        return total, stored

    def _sparsity_fields(self) -> Dict[str, Any]:
        total, stored = self._measured()
        sparsity = 1 - stored / total if total else 0.0
        return {"method": self.method,
                "phase": self.pruner.phase(self.current_step) if self.pruner else ("sparse" if sparsity > 0 else "dense"),
                "target": self.pruner.scheduled(self.current_step) if self.pruner else sparsity,
                "sparsity": sparsity, "compression": total / stored if stored else None, "mask_churn": self.mask_churn,
                "last_update_step": self.last_update_step}

    def _flop_fields(self, flops, cumulative) -> Dict[str, Any]:
        dense_run = sum(cumulative["dense"].values())
        sparse_run = sum(cumulative["sparse"].values())
        return {"sparsified": "weights", "step_train_flops_reduction": training_reduction(flops),
                "inference_flops_reduction": inference_reduction(flops), "train_macs": sparse_run, "train_macs_dense": dense_run,
                "train_flops_reduction": 0.0 if dense_run == 0 else 1 - sparse_run / dense_run, "train_macs_from_step": 0}

    def _progress(self) -> None:
        now = time.monotonic()
        if now > self.rate_since and self.rate_samples:
            self.samples_per_second = self.rate_samples / (now - self.rate_since)
        self.rate_samples, self.rate_since = 0, now
        self.last_progress = now
        event: Dict[str, Any] = {"step": self.current_step, "state": "paused" if self.paused else "running",
                                 "loss": self._mean_loss(), "lr": self._lr(), "samples_per_s": self.samples_per_second}
        event.update(self._sparsity_fields())
        event.update({"message": self.message, "seconds": self._seconds()})
        self._write("progress", event)

    def _start_event(self, name, example_input, dataset, batch_size, epochs, seed) -> Dict[str, Any]:
        dataset = dict(dataset or {})
        shape = list(example_input.shape[1:])
        image = shape if len(shape) == 3 else [1] + shape if len(shape) == 2 else [1, 1, shape[0] if shape else 1]
        optimizer = None
        if self.optimizer is not None:
            defaults = self.optimizer.param_groups[0]
            optimizer = {"name": type(self.optimizer).__name__.lower()}
            for key, logged in (("momentum", "momentum"), ("nesterov", "nesterov"), ("weight_decay", "weight_decay")):
                if key in defaults:
                    optimizer[logged] = defaults[key]
            if "betas" in defaults:
                optimizer["beta1"], optimizer["beta2"] = defaults["betas"]
            if "eps" in defaults:
                optimizer["epsilon"] = defaults["eps"]
        sparsity = {"method": self.method, "target": self.pruner.target if self.pruner else None,
                    "schedule": "polynomial" if self.pruner else None, "budget": "global" if self.pruner else None,
                    "granularity": None,
                    "options": ({"begin": self.pruner.begin_step, "end": self.pruner.end_step, "every": self.pruner.every}
                                if self.pruner else {})}
        parameters = sum(p.numel() for p in self.model.parameters())
        return {
            "schema": SCHEMA,
            "config": {"model": name, "data": None, "augment": None, "epochs": epochs, "batch": batch_size, "lr": self._lr(),
                       "lr_schedule": None, "optimizer": optimizer, "seed": None if seed is None else str(seed), "threads": torch.get_num_threads(),
                       "eval_every": None, "sparsity": sparsity},
            "dataset": {"name": dataset.get("name", "?"), "source": dataset.get("source", "pytorch"), "train": dataset.get("train"),
                        "test": dataset.get("test"), "channels": image[0], "rows": image[1], "columns": image[2],
                        "classes": dataset.get("classes") or self._class_count()},
            "steps_per_epoch": self.steps_per_epoch,
            "total_steps": self.total_steps,
            "parameters": parameters,
            "prunable": [{"name": t.name, "params": t.weight().numel()} for t in self.recorder.tensors],
            "blas_core": None,
            "network": self.network,
            "steering": {"commands": os.path.basename(self.commands_path), "knobs": self.knobs},
        }

    def _class_count(self) -> Optional[int]:
        """The last layer's outputs, when it gives one number per sample."""
        last = self.network["layers"][-1] if self.network["layers"] else None
        return last["outputShape"][0] if last and len(last["outputShape"]) == 1 else None

    # --- the file ---------------------------------------------------------------------

    @staticmethod
    def _open(path: str, mode: str) -> int:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CLOEXEC
        if mode == "overwrite":
            return os.open(path, flags | os.O_CREAT | os.O_TRUNC, 0o644)
        if mode == "append":
            return os.open(path, flags | os.O_CREAT, 0o644)
        try:
            return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            size = os.stat(path).st_size
            if size:
                raise FileExistsError(f"{path} already holds {size} bytes (an earlier run's log?); give a new file, "
                                      f"mode='overwrite' to replace it or mode='append' to add this run after it") from None
            return os.open(path, flags)

    def _write(self, name: str, fields: Dict[str, Any]) -> None:
        if not self.active:
            return
        event = {"event": name}
        event.update(fields)
        line = (_encode(event) + "\n").encode()
        view = memoryview(line)
        while view:
            written = os.write(self.descriptor, view)
            view = view[written:]
