"""Gradual global magnitude pruning on torch.nn.utils.prune, following a target that can change
while it runs (prunetop's target sparsity knob).

The schedule is Zhu & Gupta's cubic (AGP, arXiv:1710.01878): between `begin_step` and
`end_step`, every `every` steps, the sparsity is target * (1 - (1 - progress)^3); after
`end_step` it is the target. Each update ranks the magnitudes of all prunable weights together
(global) and writes the `weight_mask` buffers that `prune.identity` set up, so the model is a
plain torch.nn.utils.prune model throughout (`prune.remove` makes the masks permanent).

A weight pruned stays pruned while the target rises (its effective value is 0). A lower
target brings weights back: the largest `weight_orig` magnitudes among the pruned, at the
values they had when pruned.
"""

from __future__ import annotations

from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.utils.prune as prune

from .network import prunable_modules


class GradualPruner:
    method = "magnitude"

    def __init__(self, model: nn.Module, target: float, begin_step: int = 0, end_step: int = 1000, every: int = 100,
                 modules: Optional[Sequence[Tuple[str, nn.Module]]] = None):
        if not 0 <= target < 1:
            raise ValueError(f"target: expected a sparsity in [0, 1), found {target}")
        if not 0 <= begin_step <= end_step or every < 1:
            raise ValueError(f"expected 0 <= begin_step <= end_step and every >= 1, found {begin_step}, {end_step}, {every}")
        self.modules: List[Tuple[str, nn.Module]] = list(modules) if modules is not None else prunable_modules(model)
        if not self.modules:
            raise ValueError("the model has no Conv2d or Linear layer to prune")
        self.target = float(target)
        self.begin_step, self.end_step, self.every = begin_step, end_step, every
        self.last_update_step: Optional[int] = None
        self.last_churn = 0
        self.applied_target: Optional[float] = None
        for _, module in self.modules:
            if not hasattr(module, "weight_mask"):
                prune.identity(module, "weight")

    def scheduled(self, step: int) -> float:
        """The sparsity the schedule asks for at `step`."""
        if step < self.begin_step:
            return 0.0
        if step >= self.end_step or self.end_step == self.begin_step:
            return self.target
        progress = (step - self.begin_step) / (self.end_step - self.begin_step)
        return self.target * (1 - (1 - progress) ** 3)

    def phase(self, step: int) -> str:
        if step < self.begin_step:
            return "dense"
        return "pruning" if step < self.end_step else "fine-tune"

    def set_target(self, target: float) -> None:
        if not 0 <= target < 1:
            raise ValueError(f"expected a sparsity in [0, 1), found {target}")
        self.target = float(target)

    def due(self, step: int) -> bool:
        """An update falls on `step`, or the target moved since the last one past the schedule's end."""
        if step < self.begin_step:
            return False
        on_schedule = step <= self.end_step and (step - self.begin_step) % self.every == 0
        return on_schedule or (step >= self.end_step and self.applied_target != self.target)

    def step(self, step: int) -> bool:
        """Updates the masks when one is due; True when it did."""
        if not self.due(step):
            return False
        self.apply(self.scheduled(step))
        self.last_update_step = step
        self.applied_target = self.target if step >= self.end_step else None
        return True

    @torch.no_grad()
    def apply(self, sparsity: float) -> None:
        """Masks that keep the largest magnitudes of all prunable weights together."""
        masks = [module.weight_mask for _, module in self.modules]
        origs = [module.weight_orig for _, module in self.modules]
        total = sum(m.numel() for m in masks)
        prune_count = int(round(sparsity * total))
        currently_pruned = sum(int((m == 0).sum()) for m in masks)
        # Rising: the pruned stay pruned (score 0). Falling: every weight competes on |orig|.
        scores = [(o.abs() * (m != 0) if prune_count >= currently_pruned else o.abs()).reshape(-1) for o, m in zip(origs, masks)]
        flat = torch.cat(scores)
        new_flat = torch.ones_like(flat, dtype=masks[0].dtype)
        if prune_count >= total:
            new_flat.zero_()
        elif prune_count > 0:
            # Exactly prune_count weights go: those below the threshold, then ties by position.
            threshold = torch.kthvalue(flat, prune_count).values
            below = flat < threshold
            new_flat[below] = 0
            ties = torch.nonzero(flat == threshold).reshape(-1)[:prune_count - int(below.sum())]
            new_flat[ties] = 0
        churn, offset = 0, 0
        for (_, module), mask in zip(self.modules, masks):
            new = new_flat[offset:offset + mask.numel()].reshape(mask.shape)
            churn += int((new != mask).sum())
            mask.copy_(new)
            offset += mask.numel()
        for _, module in self.modules:
            # As torch.nn.utils.prune does after computing a mask: the weight the module
            # holds until its next forward pass (whose pre-hook recomputes it) is masked too.
            with torch.enable_grad():
                setattr(module, "weight", module.weight_orig * module.weight_mask)
        self.last_churn = churn

    def sparsity(self) -> float:
        masks = [module.weight_mask for _, module in self.modules]
        total = sum(m.numel() for m in masks)
        return sum(int((m == 0).sum()) for m in masks) / total if total else 0.0
