"""The dashboard's panels of one evaluation, computed from the prunable tensors as prunetop's
Swift side computes them (Sources/Metrics, Sources/DashboardModel/RecordedFrame.swift): per-layer
counts, 41-bin weight histograms over stable ranges, 24x64 heatmap grids, the input-pixel map,
FLOPs, storage and the accelerator estimate. Everything runs as torch reductions over the
weights, once per tensor: no Python loop over weights.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
import torch.nn as nn

HEATMAP_ROWS = 24
HEATMAP_COLUMNS = 64
HISTOGRAM_BINS = 41
STORAGE_FORMATS = ["dense", "bitmap", "coordinate", "delta", "compressedSparseRow"]
# SWAT Table 6 (Raihan & Aamodt 2020): sparsity, forward and backward speedups, as
# Sources/Metrics/AcceleratorEstimate.swift holds them.
TABLE6 = [(0.0, 1.0, 1.0), (0.8, 3.3, 3.4), (0.9, 5.6, 6.3)]


@dataclass
class PrunableTensor:
    """One prunable weight as the forward pass sees it, with its mask (None: no mask, zeros count as pruned)."""
    name: str
    module: nn.Module

    def weight(self) -> torch.Tensor:
        """orig x mask when torch.nn.utils.prune reparametrised it: `weight` itself is
        recomputed only at the next forward pass."""
        orig, mask = getattr(self.module, "weight_orig", None), getattr(self.module, "weight_mask", None)
        if isinstance(orig, torch.Tensor) and isinstance(mask, torch.Tensor):
            return (orig.detach() * mask)
        return self.module.weight.detach()

    def mask(self) -> Optional[torch.Tensor]:
        mask = getattr(self.module, "weight_mask", None)
        return mask.detach() if isinstance(mask, torch.Tensor) else None

    def kept(self) -> torch.Tensor:
        """Weights stored: kept by the mask and non-zero, as bools."""
        weight = self.weight()
        mask = self.mask()
        stored = weight != 0
        return stored if mask is None else stored & (mask != 0)


class StableRange:
    """A histogram range that does not jitter between evaluations (StableHistogramRange.swift)."""

    def __init__(self, shrink_after: int = 10, minimum: float = 1e-3):
        self.shrink_after = shrink_after
        self.minimum = nice_ceiling(minimum)
        self.limit: Optional[float] = None
        self.fitting = 0

    def update(self, largest: float) -> None:
        if not math.isfinite(largest):
            return
        needed = max(abs(largest), self.minimum)
        if self.limit is None:
            self.limit = nice_ceiling(needed)
        elif needed > self.limit:
            self.limit = nice_ceiling(needed)
            self.fitting = 0
        elif needed <= self.limit / 4:
            self.fitting += 1
            if self.fitting >= self.shrink_after:
                self.limit = nice_ceiling(needed)
                self.fitting = 0
        else:
            self.fitting = 0


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 x 10^k at least `value`."""
    decade = 10 ** math.floor(math.log10(value))
    for step in (1.0, 2.0, 5.0):
        if value <= step * decade * (1 + 1e-6):
            return step * decade
    return 10 * decade


def _bands(count: int, bands: int) -> torch.Tensor:
    """For each of `count` matrix lines, its band: band b covers floor(b*count/bands) ..< floor((b+1)*count/bands)."""
    starts = torch.tensor([b * count // bands for b in range(bands)], dtype=torch.long)
    return torch.searchsorted(starts, torch.arange(count), right=True) - 1


def _matrix(weight: torch.Tensor) -> torch.Tensor:
    return weight.reshape(weight.shape[0], -1) if weight.dim() > 1 else weight.reshape(1, -1)


def ceil_log2(x: int) -> int:
    return 0 if x <= 1 else (x - 1).bit_length()


def storage_bits(fmt: str, rows: int, columns: int, nonzero: int, max_gap: int, value_bits: int = 32) -> int:
    n, m = rows * columns, nonzero
    values = m * value_bits
    if fmt == "dense":
        return n * value_bits
    if fmt == "bitmap":
        return values + n
    if fmt == "coordinate":
        return values + m * ceil_log2(n)
    if fmt == "delta":
        return values + m * ceil_log2(max_gap)
    return values + m * ceil_log2(columns) + rows * ceil_log2(m)


def _interpolate(sparsity: float, column: int) -> float:
    if sparsity <= 0:
        return 1.0
    if sparsity >= 1:
        return math.inf
    for point in TABLE6:
        if point[0] == sparsity:
            return point[column]
    x = -math.log(1 - sparsity)
    points = [(-math.log(1 - p[0]), math.log(p[column])) for p in TABLE6]
    upper = next((i for i, p in enumerate(points) if p[0] >= x), len(points) - 1)
    a, b = points[max(upper - 1, 0)], points[max(upper, 1)]
    return math.exp(a[1] + (x - a[0]) * (b[1] - a[1]) / (b[0] - a[0]))


def _ratio(dense: float, sparse: float) -> float:
    return (1.0 if dense == 0 else math.inf) if sparse == 0 else dense / sparse


def accelerator_estimate(sparsity: float, dense: Dict[str, float], sparse: Dict[str, float]) -> Dict[str, object]:
    """`AcceleratorEstimate.estimate(.sparseAccelerator(sparsity:, operands: .weights), flops:)`."""
    table_sparsity = min(sparsity, TABLE6[-1][0])
    forward_table = _interpolate(table_sparsity, 1)
    dense_backward = dense["backwardInput"] + dense["backwardWeight"]
    sparse_backward = sparse["backwardInput"] + sparse["backwardWeight"]
    ideal_forward = _ratio(dense["forward"], sparse["forward"])
    ideal_backward = _ratio(dense_backward, sparse_backward)
    ideal_training = _ratio(dense["forward"] + dense_backward, sparse["forward"] + sparse_backward)
    backward_time = dense["backwardInput"] / forward_table + dense["backwardWeight"]
    forward = min(forward_table, ideal_forward)
    backward = min(_ratio(dense_backward, backward_time), ideal_backward)
    training = min(2 / (1 / forward + 1 / backward), ideal_training)
    return {"backward": backward, "extrapolated": sparsity > TABLE6[-1][0], "forward": forward,
            "operands": "weights", "training": training}


def _macs(forward: float, first: bool, weight_density: float) -> Dict[str, float]:
    return {"backwardInput": 0.0 if first else forward * weight_density, "backwardWeight": forward,
            "forward": forward * weight_density}


def _sum(items: Sequence[Dict[str, float]]) -> Dict[str, float]:
    return {key: float(sum(item[key] for item in items)) for key in ("backwardInput", "backwardWeight", "forward")}


class PanelRecorder:
    """Computes one evaluation's layers and frame; keeps the histogram ranges and the run's
    training MACs (the ledger) between evaluations."""

    def __init__(self, tensors: List[PrunableTensor], forward_macs: Dict[str, int], image_shape: Sequence[int]):
        self.tensors = tensors
        self.forward_macs = [float(forward_macs.get(t.name, 0)) for t in tensors]
        self.image_shape = list(image_shape)
        self.ranges = {t.name: StableRange() for t in tensors}
        self.band_cache: Dict[tuple, tuple] = {}
        self.densities = np.ones(len(tensors))
        self.samples = 0.0
        self.weight_samples = np.zeros(len(tensors))

    # The ledger: what each step computed, at the densities of the last measurement.
    def count_samples(self, samples: int) -> None:
        self.samples += samples
        self.weight_samples += samples * self.densities

    def counts(self) -> List[tuple]:
        """(params, stored) per tensor; updates the densities the ledger uses."""
        result = []
        for index, tensor in enumerate(self.tensors):
            params = tensor.weight().numel()
            stored = int(tensor.kept().sum())
            result.append((params, stored))
            self.densities[index] = stored / params if params else 1.0
        return result

    def _band_indices(self, rows: int, columns: int) -> tuple:
        key = (rows, columns)
        if key not in self.band_cache:
            grid_rows, grid_columns = max(0, min(HEATMAP_ROWS, rows)), max(0, min(HEATMAP_COLUMNS, columns))
            row_band, column_band = _bands(rows, grid_rows), _bands(columns, grid_columns)
            row_sizes = torch.bincount(row_band, minlength=grid_rows)
            column_sizes = torch.bincount(column_band, minlength=grid_columns)
            weight_count = (row_sizes[:, None] * column_sizes[None, :]).reshape(-1).tolist()
            self.band_cache[key] = (grid_rows, grid_columns, row_band, column_band, weight_count)
        return self.band_cache[key]

    def heatmap(self, weight: torch.Tensor, kept: torch.Tensor) -> Dict[str, object]:
        matrix, kept_matrix = _matrix(weight), _matrix(kept).to(weight.dtype)
        rows, columns = matrix.shape
        grid_rows, grid_columns, row_band, column_band, weight_count = self._band_indices(rows, columns)
        magnitude = matrix.abs()
        # Columns first in the weights' precision (a cell row sums at most a few thousand),
        # then the rows of the much smaller result in double.
        by_column = torch.zeros(3, rows, grid_columns, dtype=matrix.dtype)
        by_column[0].index_add_(1, column_band, kept_matrix)
        by_column[1].index_add_(1, column_band, magnitude * kept_matrix)
        by_column[2].index_add_(1, column_band, magnitude)
        cells = torch.zeros(3, grid_rows, grid_columns, dtype=torch.float64).index_add_(1, row_band, by_column.double())
        cells = cells.reshape(3, -1)
        return {"columns": grid_columns, "keptCount": cells[0].round().long().tolist(), "keptMagnitudeSum": cells[1].tolist(),
                "magnitudeSum": cells[2].tolist(), "rows": grid_rows, "weightCount": weight_count}

    def histogram(self, name: str, weight: torch.Tensor, kept: torch.Tensor) -> Dict[str, object]:
        values, flat_kept = weight.reshape(-1), kept.reshape(-1)
        largest = float(values.abs().max()) if values.numel() else 0.0
        non_finite = 0
        if not math.isfinite(largest):
            finite = torch.isfinite(values)
            non_finite = int((~finite).sum())
            values, flat_kept = values[finite], flat_kept[finite]
            largest = float(values.abs().max()) if values.numel() else 0.0
        range_ = self.ranges[name]
        if values.numel():
            range_.update(largest)
        limit = range_.limit if range_.limit is not None else range_.minimum
        lower, upper = -limit, limit
        width = (upper - lower) / HISTOGRAM_BINS
        out_of_range = 0
        if largest > upper + abs(upper) * 1e-6:
            inside = values.abs() <= upper + abs(upper) * 1e-6
            out_of_range = int((~inside).sum())
            values, flat_kept = values[inside], flat_kept[inside]
        bins = ((values - lower) / width).floor_().long().clamp_(0, HISTOGRAM_BINS - 1)
        bins += (~flat_kept).long() * HISTOGRAM_BINS
        counts = torch.bincount(bins, minlength=2 * HISTOGRAM_BINS).tolist()
        return {"kept": counts[:HISTOGRAM_BINS], "lowerBound": lower, "nonFinite": non_finite,
                "outOfRange": out_of_range, "pruned": counts[HISTOGRAM_BINS:], "upperBound": upper}

    def input_map(self, weight: torch.Tensor, kept: torch.Tensor) -> Optional[Dict[str, object]]:
        image = [1] + self.image_shape if len(self.image_shape) == 2 else self.image_shape
        if len(image) != 3 or weight.dim() != 2 or weight.shape[1] != math.prod(image):
            return None
        per_input = kept.sum(dim=0).reshape(image[0], image[1] * image[2]).sum(dim=0)
        return {"columns": image[2], "counts": per_input.tolist(), "maximum": weight.shape[0] * image[0], "rows": image[1]}

    @staticmethod
    def max_gap(kept: torch.Tensor) -> int:
        positions = torch.nonzero(kept.reshape(-1)).reshape(-1)
        if positions.numel() == 0:
            return 0
        gaps = torch.diff(positions, prepend=torch.tensor([-1], dtype=positions.dtype))
        return int(gaps.max())

    def flops(self) -> tuple:
        """(one step's MACs per sample, the run's MACs so far), dense and at the densities last
        measured: `FLOPModel.network` and `FLOPModel.cumulative`."""
        step_layers = []
        for index, tensor in enumerate(self.tensors):
            forward = self.forward_macs[index]
            step_layers.append({"dense": _macs(forward, index == 0, 1.0), "name": tensor.name,
                                "sparse": _macs(forward, index == 0, float(self.densities[index]))})
        flops = {"dense": _sum([l["dense"] for l in step_layers]), "layers": step_layers,
                 "sparse": _sum([l["sparse"] for l in step_layers])}
        run_layers = []
        for index, tensor in enumerate(self.tensors):
            forward = self.forward_macs[index]
            dense = {key: value * self.samples for key, value in _macs(forward, index == 0, 1.0).items()}
            weights = float(self.weight_samples[index])
            sparse = {"backwardInput": 0.0 if index == 0 else forward * weights, "backwardWeight": forward * self.samples,
                      "forward": forward * weights}
            run_layers.append({"dense": dense, "name": tensor.name, "sparse": sparse})
        cumulative = {"dense": _sum([l["dense"] for l in run_layers]), "layers": run_layers,
                      "sparse": _sum([l["sparse"] for l in run_layers])}
        return flops, cumulative

    def evaluate(self) -> tuple:
        """(layers of the eval event, frame, summary numbers)."""
        layers, heatmaps, histograms, extents = [], {}, {}, []
        input_map = None
        for index, tensor in enumerate(self.tensors):
            weight = tensor.weight()
            mask = tensor.mask()
            kept = weight != 0 if mask is None else (weight != 0) & (mask != 0)
            params = weight.numel()
            stored = int(kept.sum())
            self.densities[index] = stored / params if params else 1.0
            histogram = self.histogram(tensor.name, weight, kept)
            histograms[tensor.name] = histogram
            heatmaps[tensor.name] = self.heatmap(weight, kept)
            if index == 0:
                input_map = self.input_map(weight, kept)
            rows = weight.shape[0] if weight.dim() > 1 else 1
            extents.append((rows, params // max(rows, 1), stored, self.max_gap(kept)))
            layers.append({"name": tensor.name, "shape": list(weight.shape), "params": params, "nonzero": stored, "computed": stored,
                           "activation_density": None, "target": None,
                           "histogram": {"lower": histogram["lowerBound"], "upper": histogram["upperBound"],
                                         "kept": histogram["kept"], "pruned": histogram["pruned"]}})
        total = sum(layer["params"] for layer in layers)
        stored = sum(layer["nonzero"] for layer in layers)
        sparsity = 1 - stored / total if total else 0.0

        flops, cumulative = self.flops()

        costs = [(fmt, sum(storage_bits(fmt, *extent) for extent in extents)) for fmt in STORAGE_FORMATS]
        dense_bits = costs[0][1]
        cheapest_format, cheapest_bits = min(costs, key=lambda item: item[1])
        estimate = accelerator_estimate(sparsity, flops["dense"], flops["sparse"])
        frame = {
            "acceleratorEstimate": estimate,
            "activationSparsity": 0,
            "cheapestStorage": {"bits": cheapest_bits, "compressionRatio": 1 if cheapest_bits == 0 else dense_bits / cheapest_bits,
                                "format": cheapest_format},
            "cumulativeFLOPs": cumulative,
            "flops": flops,
            "heatmaps": heatmaps,
            "histograms": histograms,
            "histogramsShowDistance": False,
        }
        if input_map is not None:
            frame["inputMap"] = input_map
        summary = {"sparsity": sparsity, "stored": stored, "total": total, "flops": flops, "cumulative": cumulative}
        return layers, frame, summary


def training_reduction(flops: Dict[str, Dict[str, float]]) -> float:
    dense = sum(flops["dense"].values())
    return 0.0 if dense == 0 else 1 - sum(flops["sparse"].values()) / dense


def inference_reduction(flops: Dict[str, Dict[str, float]]) -> float:
    dense = flops["dense"]["forward"]
    return 0.0 if dense == 0 else 1 - flops["sparse"]["forward"] / dense
