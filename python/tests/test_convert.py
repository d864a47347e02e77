"""`python -m prunetop.convert` on real torch checkpoints, read back with the safetensors library."""

import os
import subprocess
import sys

import pytest
import torch
import torch.nn as nn
import torch.nn.utils.prune as prune
from safetensors import safe_open
from safetensors.torch import load_file

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.fc = nn.Linear(8 * 4 * 4, 10)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.bn(self.conv(x))), 1))


def pruned_net():
    torch.manual_seed(0)
    net = Net()
    prune.l1_unstructured(net.conv, "weight", amount=0.5)
    prune.random_unstructured(net.fc, "weight", amount=0.8)
    return net


def run_convert(*arguments):
    environment = dict(os.environ, PYTHONPATH=PACKAGE_DIR + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "prunetop.convert", *map(str, arguments)],
                          capture_output=True, text=True, env=environment)


def assert_same_tensors(path, expected):
    loaded = load_file(str(path))
    assert list(loaded) == list(expected)
    for name, tensor in expected.items():
        assert loaded[name].dtype == tensor.dtype, name
        assert torch.equal(loaded[name], tensor), name


def test_state_dict_with_prune_masks(tmp_path):
    net = pruned_net()
    torch.save(net.state_dict(), tmp_path / "net.pt")
    result = run_convert(tmp_path / "net.pt", tmp_path / "net.safetensors")
    assert result.returncode == 0, result.stderr
    assert "11 tensors, 2 torch.nn.utils.prune masks" in result.stdout
    assert_same_tensors(tmp_path / "net.safetensors", net.state_dict())
    with safe_open(str(tmp_path / "net.safetensors"), framework="pt") as f:
        assert f.metadata() == {"format": "pt", "source": "net.pt"}
    assert (tmp_path / "net.safetensors").read_bytes()[:8] != b"PK\x03\x04"


def test_training_checkpoint_with_nested_state_dict(tmp_path):
    net = pruned_net()
    torch.save({"epoch": 3, "model_state_dict": net.state_dict(), "optimizer": {"lr": 0.1}}, tmp_path / "ckpt.pth")
    result = run_convert(tmp_path / "ckpt.pth", tmp_path / "out.safetensors")
    assert result.returncode == 0, result.stderr
    assert_same_tensors(tmp_path / "out.safetensors", net.state_dict())


def test_whole_module_needs_trust_pickle(tmp_path):
    net = pruned_net()
    torch.save(net, tmp_path / "module.pt")
    refused = run_convert(tmp_path / "module.pt", tmp_path / "m.safetensors")
    assert refused.returncode == 2
    assert "--trust-pickle" in refused.stderr and str(tmp_path / "module.pt") in refused.stderr
    assert not (tmp_path / "m.safetensors").exists()
    # The module's class lives in this test file; the child process imports it from here.
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([PACKAGE_DIR, os.path.dirname(__file__)]))
    script = ("import sys, test_convert; sys.modules['__main__'].Net = test_convert.Net; "
              "from prunetop.convert import main; sys.exit(main(sys.argv[1:]))")
    torch.save(net, tmp_path / "module.pt")
    accepted = subprocess.run([sys.executable, "-c", script, str(tmp_path / "module.pt"), str(tmp_path / "m.safetensors"),
                               "--trust-pickle"], capture_output=True, text=True, env=environment)
    assert accepted.returncode == 0, accepted.stderr
    assert_same_tensors(tmp_path / "m.safetensors", net.state_dict())


def test_dtypes_and_shared_storage(tmp_path):
    shared = torch.arange(6, dtype=torch.float32).reshape(2, 3)
    state = {"a.weight": shared, "tied.weight": shared, "half": torch.tensor([1.5, -2.0], dtype=torch.float16),
             "bf": torch.tensor([0.25], dtype=torch.bfloat16), "count": torch.tensor(7), "flag": torch.tensor([True, False]),
             "scalar": torch.tensor(3.0, dtype=torch.float64)}
    torch.save(state, tmp_path / "s.pt")
    result = run_convert(tmp_path / "s.pt", tmp_path / "s.safetensors")
    assert result.returncode == 0, result.stderr
    assert_same_tensors(tmp_path / "s.safetensors", state)


def test_refusals_name_the_file_and_what_was_expected(tmp_path):
    torch.save({"a": torch.zeros(2, dtype=torch.complex64)}, tmp_path / "c.pt")
    result = run_convert(tmp_path / "c.pt", tmp_path / "c.safetensors")
    assert result.returncode == 2 and "'a': dtype torch.complex64 has no safetensors type" in result.stderr

    torch.save({"epoch": 3, "note": "x"}, tmp_path / "empty.pt")
    result = run_convert(tmp_path / "empty.pt", tmp_path / "e.safetensors")
    assert result.returncode == 2
    assert f"{tmp_path / 'empty.pt'}: a dict without tensors; expected a state dict" in result.stderr

    result = run_convert(tmp_path / "missing.pt", tmp_path / "x.safetensors")
    assert result.returncode == 2 and "missing.pt: no such file" in result.stderr

    torch.save(pruned_net().state_dict(), tmp_path / "same.pt")
    before = (tmp_path / "same.pt").read_bytes()
    result = run_convert(tmp_path / "same.pt", tmp_path / "same.pt")
    assert result.returncode == 2 and "is the input" in result.stderr
    assert (tmp_path / "same.pt").read_bytes() == before


@pytest.mark.parametrize("amount", [0.0, 0.9])
def test_reloads_with_custom_from_mask(tmp_path, amount):
    net = Net()
    prune.l1_unstructured(net.fc, "weight", amount=amount)
    torch.save(net.state_dict(), tmp_path / "n.pt")
    assert run_convert(tmp_path / "n.pt", tmp_path / "n.safetensors").returncode == 0
    loaded = load_file(str(tmp_path / "n.safetensors"))
    fresh = Net()
    prune.custom_from_mask(fresh.fc, "weight", loaded["fc.weight_mask"])
    fresh.load_state_dict(loaded)
    x = torch.randn(2, 3, 4, 4)
    net.eval(), fresh.eval()
    assert torch.equal(fresh(x), net(x))  # the forward pre-hook recomputes weight = weight_orig * weight_mask
    assert torch.equal(fresh.fc.weight, net.fc.weight)
    assert float((fresh.fc.weight == 0).float().mean()) == pytest.approx(amount, abs=1e-3)
