"""Convert a PyTorch checkpoint (.pt, .pth) to safetensors, which `prunetop inspect` reads.

    python -m prunetop.convert IN.pt OUT.safetensors

IN holds a state dict (`torch.save(model.state_dict(), ...)`), or a dict that has one
under "state_dict", "model_state_dict" or "model" (training checkpoints), or with
--trust-pickle a whole module (`torch.save(model, ...)`). Masks of torch.nn.utils.prune stay
as they are (`X.weight_orig`, `X.weight_mask`), which prunetop recognises.

Files are read with `torch.load(weights_only=True)`, which runs no code from the file. A
pickled module cannot be read that way: --trust-pickle loads it fully, which runs whatever
code the file contains (and needs the module's classes importable), so use it only on
files you trust. The safetensors file is written here (torch and numpy only), tensors in
the state dict's order, each copied out of any storage it shares.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

import torch

DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
NESTED_KEYS = ("state_dict", "model_state_dict", "model")


class ConvertError(Exception):
    """A file that cannot be converted; the message names the file and what was expected."""


def state_dict_of(obj, path: str) -> dict:
    """The tensors of a loaded checkpoint, by name."""
    if isinstance(obj, torch.nn.Module):
        return obj.state_dict()
    if isinstance(obj, dict):
        tensors = {k: v for k, v in obj.items() if isinstance(k, str) and isinstance(v, torch.Tensor)}
        if tensors and len(tensors) == len(obj):
            return tensors
        for key in NESTED_KEYS:
            if key in obj and isinstance(obj[key], (dict, torch.nn.Module)):
                return state_dict_of(obj[key], f"{path}['{key}']")
        if tensors:
            return tensors
        keys = ", ".join(repr(k) for k in list(obj)[:10])
        raise ConvertError(f"{path}: a dict without tensors; expected a state dict or one under "
                           f"{', '.join(NESTED_KEYS)}, found keys {keys}")
    raise ConvertError(f"{path}: expected a state dict or an nn.Module, found {type(obj).__name__}")


def load(path: str, trust_pickle: bool) -> dict:
    if not os.path.isfile(path):
        raise ConvertError(f"{path}: no such file")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=not trust_pickle)
    except Exception as error:  # torch raises UnpicklingError, RuntimeError or others for files it cannot read
        if not trust_pickle and "weights_only" in str(error):
            raise ConvertError(f"{path}: holds pickled objects beyond tensors (a whole module?), which weights_only "
                               f"loading refuses. If you trust the file, pass --trust-pickle (it runs the file's code; "
                               f"the module's classes must be importable)") from None
        raise ConvertError(f"{path}: cannot load it with torch.load: {error}") from None
    return state_dict_of(obj, path)


def encode(tensors: dict, metadata: dict) -> bytes:
    """The safetensors file's bytes: 8-byte little-endian header length, JSON header padded
    to a multiple of 8 bytes, then the tensors' little-endian bytes."""
    if sys.byteorder != "little":
        raise ConvertError("this converter writes the host's bytes and needs a little-endian machine")
    header: dict = {"__metadata__": metadata}
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        if tensor.dtype not in DTYPES:
            raise ConvertError(f"'{name}': dtype {tensor.dtype} has no safetensors type prunetop reads "
                               f"(expected one of {', '.join(sorted(set(DTYPES.values())))})")
        data = tensor.detach().to("cpu").contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape), "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)
    return len(text).to_bytes(8, "little") + text + b"".join(chunks)


def convert(source: str, destination: str, trust_pickle: bool = False) -> dict:
    """Writes `destination` atomically; returns the state dict written."""
    if os.path.exists(destination) and os.path.samefile(source, destination):
        raise ConvertError(f"{destination} is the input; writing it would destroy it. Choose another output file")
    tensors = load(source, trust_pickle)
    if not tensors:
        raise ConvertError(f"{source}: the state dict holds no tensors")
    payload = encode(tensors, {"format": "pt", "source": os.path.basename(source)})
    directory = os.path.dirname(os.path.abspath(destination))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".convert-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.replace(temporary, destination)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return tensors


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m prunetop.convert",
                                     description="Convert a PyTorch .pt checkpoint to safetensors for `prunetop inspect`.")
    parser.add_argument("input", help="a .pt/.pth file: a state dict, a training checkpoint holding one, or (--trust-pickle) a module")
    parser.add_argument("output", help="the .safetensors file to write")
    parser.add_argument("--trust-pickle", action="store_true",
                        help="load pickled objects (a whole module): runs code from the file; only for files you trust")
    arguments = parser.parse_args(argv)
    try:
        tensors = convert(arguments.input, arguments.output, arguments.trust_pickle)
    except ConvertError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    masks = sum(1 for name in tensors if name.endswith("_mask"))
    print(f"wrote {arguments.output}: {len(tensors)} tensors" + (f", {masks} torch.nn.utils.prune masks" if masks else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
