"""Fashion-MNIST from the IDX files prunetop reads (Debian's dataset-fashion-mnist installs them
in /usr/share/datasets/fashion-mnist), as float tensors scaled to [0, 1]."""

import gzip
import os
import struct

import numpy as np
import torch

DIRECTORY = "/usr/share/datasets/fashion-mnist"


def _read(path: str) -> np.ndarray:
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as handle:
        data = handle.read()
    zero, kind, dimensions = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08:
        raise ValueError(f"{path}: not an IDX file of unsigned bytes (magic {data[:4].hex()})")
    shape = struct.unpack(">" + "I" * dimensions, data[4:4 + 4 * dimensions])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dimensions).reshape(shape)


def _find(directory: str, stem: str) -> str:
    for name in (stem + ".gz", stem):
        path = os.path.join(directory, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{directory}: no {stem}(.gz); install Fashion-MNIST with: apt-get install dataset-fashion-mnist")


def load(split: str, directory: str = DIRECTORY, limit: int = 0):
    """(images [N, 1, 28, 28] in [0, 1], labels [N]) of `split` ("train" or "t10k")."""
    images = _read(_find(directory, f"{split}-images-idx3-ubyte"))
    labels = _read(_find(directory, f"{split}-labels-idx1-ubyte"))
    if limit:
        images, labels = images[:limit], labels[:limit]
    return torch.from_numpy(images.copy()).float().div_(255).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))
