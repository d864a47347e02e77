import torch
import torch.nn as nn
import torch.nn.utils.prune as prune

from prunetop.panels import HEATMAP_COLUMNS, HEATMAP_ROWS, PanelRecorder, PrunableTensor, StableRange, nice_ceiling, storage_bits


def recorder_for(modules, image=(1, 8, 8)):
    tensors = [PrunableTensor(f"{name}.weight", module) for name, module in modules]
    return PanelRecorder(tensors, {t.name: t.weight().numel() for t in tensors}, list(image))


def test_counts_come_from_weight_mask_buffers_of_torch_nn_utils_prune():
    torch.manual_seed(0)
    linear = nn.Linear(64, 30)
    conv = nn.Conv2d(3, 8, 3)
    prune.l1_unstructured(linear, "weight", amount=0.75)
    prune.random_unstructured(conv, "weight", amount=0.5)
    layers, frame, summary = recorder_for([("fc", linear), ("conv", conv)]).evaluate()
    assert layers[0]["nonzero"] == int(linear.weight_mask.sum()) == 480
    assert layers[1]["nonzero"] == int(conv.weight_mask.sum()) == 108
    assert layers[1]["shape"] == [8, 3, 3, 3]
    assert summary["sparsity"] == 1 - (480 + 108) / (1920 + 216)
    # Histograms split kept from pruned weights and count every weight once.
    histogram = frame["histograms"]["fc.weight"]
    assert sum(histogram["kept"]) == 480 and sum(histogram["pruned"]) == 1440
    assert histogram["upperBound"] == -histogram["lowerBound"] == nice_ceiling(float(linear.weight_orig.detach().abs().max()))
    # The pruned weights are zero as the forward pass sees them: all in the middle bin.
    assert histogram["pruned"][20] == 1440
    grid = frame["heatmaps"]["fc.weight"]
    assert (grid["rows"], grid["columns"]) == (min(30, HEATMAP_ROWS), min(64, HEATMAP_COLUMNS))
    assert sum(grid["weightCount"]) == 1920 and sum(grid["keptCount"]) == 480
    assert abs(sum(grid["magnitudeSum"]) - float(linear.weight.detach().abs().sum())) < 1e-3
    # A 64-input first layer on an 8x8 image: the input map counts kept weights per pixel.
    assert frame["inputMap"]["rows"] == 8 and sum(frame["inputMap"]["counts"]) == 480


def test_without_a_mask_zeros_count_as_pruned():
    linear = nn.Linear(10, 4)
    with torch.no_grad():
        linear.weight[:, :5] = 0
    layers, frame, _ = recorder_for([("fc", linear)], image=(1, 2, 5)).evaluate()
    assert layers[0]["nonzero"] == 20
    assert sum(frame["heatmaps"]["fc.weight"]["keptCount"]) == 20


def test_heatmap_bands_match_the_swift_grid_for_a_matrix_larger_than_the_grid():
    linear = nn.Linear(100, 50)
    prune.l1_unstructured(linear, "weight", amount=0.3)
    grid = recorder_for([("fc", linear)], image=(1, 10, 10)).evaluate()[1]["heatmaps"]["fc.weight"]
    assert (grid["rows"], grid["columns"]) == (24, 64)
    # Row band r covers rows floor(r*50/24) ..< floor((r+1)*50/24): 2 or 3 rows.
    assert grid["weightCount"][0] == 2 * 1 and grid["weightCount"][64] == 2 * 1
    mask = linear.weight_mask
    assert grid["keptCount"][0] == int(mask[0:2, 0:1].sum())


def test_the_stable_range_grows_at_once_and_shrinks_only_after_ten_small_frames():
    range_ = StableRange()
    range_.update(0.3)
    assert range_.limit == 0.5
    range_.update(0.7)
    assert range_.limit == 1.0
    for _ in range(9):
        range_.update(0.1)
    assert range_.limit == 1.0
    range_.update(0.1)
    assert range_.limit == 0.1


def test_storage_formulas_and_the_cheapest_format():
    assert storage_bits("dense", 10, 10, 100, 1) == 3200
    assert storage_bits("bitmap", 10, 10, 10, 20) == 10 * 32 + 100
    assert storage_bits("compressedSparseRow", 10, 10, 10, 20) == 320 + 10 * 4 + 10 * 4
    linear = nn.Linear(100, 100)
    prune.l1_unstructured(linear, "weight", amount=0.99)
    cheapest = recorder_for([("fc", linear)], image=(1, 10, 10)).evaluate()[1]["cheapestStorage"]
    assert cheapest["format"] != "dense" and cheapest["compressionRatio"] > 10
