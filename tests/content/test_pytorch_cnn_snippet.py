"""“Do it in PyTorch” on “In a real network”: a snippet that compiles, carries the page's settings and bnviz's
network, and prints bnviz's test accuracies. PyTorch is not installed here: the snippet's NumPy part (the
digits, the split, the initial weights, the mini-batches) is run and compared with bnviz's arrays, the rest
compiled; bench/torch_snippets.py runs it with PyTorch by hand."""

import functools

import numpy as np
import pytest

from bnviz.core.digits import PATH, split
from bnviz.experiments.cnn import CNNSettings, batch_schedule, init_weights
from content.pytorch import DIGITS_FILE, cnn_numpy_code, real_network_intro, real_network_snippet

OTHER = CNNSettings(lr=0.1, epochs=2, batch_size=32, seed=1)
ACCURACIES = {"none": 0.515625, "bn": 0.9609375, "bn_no_affine": 0.962890625}  # 264, 492 and 493 of 512


@functools.cache
def numpy_part(settings: CNNSettings) -> dict:
    """What the snippet's NumPy part defines, run on the repository's digits file."""
    names = {"np": np}
    exec(compile(cnn_numpy_code(settings, digits=str(PATH)), "<cnn numpy part>", "exec"), names)
    return names


@pytest.mark.parametrize("settings", [CNNSettings(), OTHER], ids=["default", "other"])
def test_the_snippet_compiles(settings):
    compile(real_network_snippet(settings, ACCURACIES).text, "<real network snippet>", "exec")


def test_the_snippet_carries_the_pages_settings():
    code = real_network_snippet(OTHER, ACCURACIES).code
    assert "LR, EPOCHS, BATCH_SIZE, SEED = 0.1, 2, 32, 1  # the page's settings" in code
    assert "torch.optim.SGD(net.parameters(), lr=LR, momentum=0.9)" in code
    assert "rng = np.random.default_rng(SEED)" in code and "rng = np.random.default_rng([SEED, 1])" in code


def test_the_numpy_part_is_the_snippets_own_and_reads_the_file_beside_it():
    code = real_network_snippet(CNNSettings(), ACCURACIES).code
    assert cnn_numpy_code(CNNSettings()) in code
    assert f'DIGITS = "{DIGITS_FILE}"' in code and "import torch" not in cnn_numpy_code(CNNSettings())


def test_the_network_is_bnvizs_three_blocks_and_linear_layer_in_float64():
    code = real_network_snippet(CNNSettings(), ACCURACIES).code
    assert "CHANNELS, KERNEL = (8, 16, 32), 3" in code and "POOLED = (False, True, True)" in code
    assert 'nn.Conv2d(c_in, c_out, KERNEL, padding=KERNEL // 2, bias=(norm == "none"))' in code
    assert 'nn.BatchNorm2d(c_out, momentum=0.1, affine=(norm == "bn"))' in code
    assert "nn.Sequential(*layers, nn.Flatten(), nn.Linear(128, 10))" in code
    assert "torch.set_default_dtype(torch.float64)" in code
    assert "net.train()" in code and "net.eval()" in code and "with torch.no_grad():" in code
    assert 'for norm in ("none", "bn", "bn_no_affine"):' in code


@pytest.mark.parametrize("settings", [CNNSettings(), OTHER], ids=["default", "other"])
def test_the_numpy_part_reads_and_splits_the_digits_as_bnviz_does(settings):
    names, (train, test) = numpy_part(settings), split()
    assert names["x_train"].dtype == np.float64 and names["y_train"].dtype == np.int64
    np.testing.assert_array_equal(names["x_train"], train.x)
    np.testing.assert_array_equal(names["y_train"], train.y)
    np.testing.assert_array_equal(names["x_test"], test.x)
    np.testing.assert_array_equal(names["y_test"], test.y)


@pytest.mark.parametrize("settings", [CNNSettings(), OTHER], ids=["default", "other"])
def test_the_numpy_part_draws_bnvizs_initial_weights(settings):
    names, weights = numpy_part(settings), init_weights(settings.seed)
    assert len(names["conv_weights"]) == 3
    for l, w in enumerate(names["conv_weights"], start=1):
        np.testing.assert_array_equal(w, weights[f"conv{l}"])
    np.testing.assert_array_equal(names["fc_weight"], weights["fc"])


@pytest.mark.parametrize("settings", [CNNSettings(), OTHER], ids=["default", "other"])
def test_the_numpy_part_cuts_bnvizs_mini_batches(settings):
    n = len(split().train.y)
    schedule = batch_schedule(n, settings.batch_size, settings.epochs, settings.seed)
    np.testing.assert_array_equal(np.array(numpy_part(settings)["batches"]), schedule)


def test_it_says_it_prints_bnvizs_test_accuracies_as_counts_of_test_images():
    snippet = real_network_snippet(CNNSettings(), ACCURACIES)
    assert snippet.prints == (
        "none: 264 of 512 test images right (51.6%)",
        "bn: 492 of 512 test images right (96.1%)",
        "bn_no_affine: 493 of 512 test images right (96.3%)",
    )
    assert snippet.text.endswith("# bn_no_affine: 493 of 512 test images right (96.3%)\n")


def test_a_diverged_network_is_printed_as_diverged():
    snippet = real_network_snippet(CNNSettings(lr=1.0), {**ACCURACIES, "none": None})
    assert snippet.prints[0] == "none: diverged (its loss stopped being finite)"
    assert "if not torch.isfinite(loss):" in snippet.code


def test_the_intro_says_where_the_digits_file_comes_from():
    assert "bnviz/data/digits.csv.gz" in real_network_intro() and "`DIGITS`" in real_network_intro()
