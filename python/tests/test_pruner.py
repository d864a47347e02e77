import pytest
import torch
import torch.nn as nn

from conftest import small_cnn
from prunetop import GradualPruner


def test_the_cubic_schedule_reaches_the_target_at_its_end():
    pruner = GradualPruner(small_cnn(), target=0.8, begin_step=10, end_step=110, every=10)
    assert pruner.scheduled(5) == 0
    assert pruner.scheduled(10) == 0
    assert pruner.scheduled(60) == pytest.approx(0.8 * (1 - 0.5 ** 3))
    assert pruner.scheduled(110) == 0.8
    assert pruner.phase(5) == "dense" and pruner.phase(50) == "pruning" and pruner.phase(200) == "fine-tune"


def test_masks_are_torch_prune_masks_that_follow_a_target_changed_while_it_runs():
    torch.manual_seed(0)
    model = small_cnn()
    pruner = GradualPruner(model, target=0.5, begin_step=0, end_step=20, every=5)
    for step in range(0, 21):
        pruner.step(step)
    assert pruner.sparsity() == pytest.approx(0.5, abs=1e-4)
    fc = model[5]
    assert hasattr(fc, "weight_orig") and torch.equal(fc.weight, fc.weight_orig * fc.weight_mask)
    # Global: the smallest magnitudes across layers go, not the same fraction of each.
    kept = torch.cat([m.weight_orig[m.weight_mask.bool()].abs() for _, m in pruner.modules])
    gone = torch.cat([m.weight_orig[~m.weight_mask.bool()].abs() for _, m in pruner.modules])
    assert gone.max() <= kept.min()
    # The knob: past the schedule's end a new target is applied at the next step.
    pruner.set_target(0.9)
    assert pruner.step(21)
    assert pruner.sparsity() == pytest.approx(0.9, abs=1e-4)
    assert not pruner.step(22)
    # Lower: the largest pruned weights come back at their old values.
    pruner.set_target(0.7)
    pruner.step(23)
    assert pruner.sparsity() == pytest.approx(0.7, abs=1e-4)


def test_a_target_outside_zero_to_one_is_refused():
    with pytest.raises(ValueError, match=r"target: expected a sparsity in \[0, 1\), found 1.0"):
        GradualPruner(nn.Linear(3, 3), target=1.0)
