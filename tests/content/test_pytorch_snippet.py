"""“Do it in PyTorch” on /steps and /gamma-beta: a snippet that compiles, carries the page's batch and
settings, and says it prints the page's numbers. PyTorch is not installed here: the snippets' NumPy part
is run, the rest compiled; bench/torch_snippets.py runs them with PyTorch by hand."""

import re

import numpy as np
import pytest

from bnviz.core.batchnorm import BatchNorm
from bnviz.core.data import PRESETS, ChannelSpec, make_batch, preset
from bnviz.experiments.stepper import running_history
from bnviz.notation import MU_B, STD_B
from content.pytorch import MAX_WRITTEN, NPY_FILE, SHOW, batch_code
from helpers.apptest import run_page, shown_cells
from ui.state import Batch


def drawn(specs, n=16, spatial=None, seed=0) -> Batch:
    specs = tuple(specs)
    return Batch(make_batch(specs, n, spatial, seed), specs, seed, "test")


OPEN = {"steps": "steps_open_pytorch", "gamma-beta": "gb_open_pytorch"}


@pytest.mark.parametrize("page", OPEN)
def test_the_closed_expander_holds_no_code_until_it_is_opened(page):
    at = run_page(page)
    (box,) = [e for e in at.expander if e.label == "Do it in PyTorch"]
    assert box.proto.expanded is False and len(box.code) == 0  # built, and highlighted, only when opened


def snippet_on(page: str, **state) -> str:
    """The code in the page's “Do it in PyTorch” expander, opened as a link opens it
    (`?steps_open_pytorch=true`), after checking that it compiles."""
    at = run_page(page, session_state=state, opened=(OPEN[page],))
    (box,) = [e for e in at.expander if e.label == "Do it in PyTorch"]
    assert box.proto.expanded is True
    code = box.code[0].value
    compile(code, f"<{page} snippet>", "exec")
    return code, at


def printed(code: str) -> list[str]:
    """The lines the snippet says it prints (its last comment block)."""
    return [line.removeprefix("# ") for line in code.split("# It prints the page's numbers:\n")[1].splitlines()]


def run_numpy_part(batch: Batch) -> dict:
    names = {"np": np}
    exec(compile(batch_code(batch), "<batch>", "exec"), names)
    return names


def page_text(numbers) -> str:
    """Numbers as the page writes them, with the ASCII minus a print() writes."""
    return "  ".join(v.replace("−", "-") for v in numbers)


def running_table(at):
    """The page's table of running against batch statistics (eval mode), as shown."""
    return shown_cells(next(d for d in at.dataframe if "mean gap (in batch stds)" in d.value.columns))


def pooled_table(at):
    """The page's table of what BatchNorm averages together (its batch statistics), as shown."""
    return shown_cells(next(d for d in at.dataframe if "in diagram" in d.value.columns))


def worked_results(at) -> list[str]:
    """The results of the worked numbers on the page (after the last ' = ')."""
    return [line.split(" = ")[-1] for line in at.table[0].value["worked"]]


# --- the batch, in NumPy ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("spatial", [None, (5, 3)], ids=["fc", "conv"])
def test_the_recipe_draws_the_learners_batch_value_for_value(name, spatial):
    batch = drawn(preset(name, 7), n=12, spatial=spatial, seed=42)
    assert np.array_equal(run_numpy_part(batch)["batch"], batch.x)


def test_the_recipe_draws_an_edited_batch_value_for_value():
    specs = (ChannelSpec("relu", -0.5, 2.0), ChannelSpec("bimodal", 5.0, 0.5), ChannelSpec("skewed", 1e6, 0.1))
    batch = drawn(specs, n=9, spatial=(4, 4), seed=11)
    code = batch_code(batch)
    assert '("relu", -0.5, 2.0)' in code and '("skewed", 1000000.0, 0.1)' in code
    assert 'family == "uniform"' not in code  # only the families the batch uses
    assert np.array_equal(run_numpy_part(batch)["batch"], batch.x)


@pytest.mark.parametrize("spatial", [None, (4, 4)], ids=["fc", "conv"])
def test_the_recipe_draws_the_training_batches_that_give_the_pages_running_statistics(spatial):
    # The snippet trains on draw(N·H·W, seed + 1 + i) (as 1 × 1 images for a conv batch), as /steps does.
    batch = drawn(preset("every shape", 3), n=8, spatial=spatial, seed=5)
    m = batch.x.size // 3
    draw = run_numpy_part(batch)["draw"]
    bn = BatchNorm(3, momentum=0.2)
    for i in range(6):
        mini = draw(m, 6 + i)
        bn(mini if spatial is None else mini[:, :, None, None])
    h = running_history(batch.x, batch.specs, batch.seed, 6, 0.2)
    np.testing.assert_array_equal(bn.running_mean, h.running_mean[6])
    np.testing.assert_array_equal(bn.running_var, h.running_var[6])


def test_a_small_upload_is_written_out_and_a_large_one_read_from_the_npy_download():
    small = Batch(np.random.default_rng(1).normal(size=(8, 2, 2, 2)), None, 0, "upload: small.npy")
    assert small.x.size <= MAX_WRITTEN
    assert np.array_equal(run_numpy_part(small)["batch"], small.x)
    large = Batch(np.ones((100, 4)), None, 0, "upload: large.csv")
    code = batch_code(large)
    assert f'batch = np.load("{NPY_FILE}")' in code and "too many to write here" in code


def test_the_snippets_show_writes_numbers_as_the_page_does():
    names = {}
    exec(SHOW, names)
    assert names["show"](np.array([-1e-17, 1600.5, -2.5]), ",.4f") == "0.0000  1,600.5000  -2.5000"
    assert names["show"](np.array(0.125), ".2f") == "0.12"


# --- /steps ------------------------------------------------------------------------------------------


def test_the_steps_snippet_carries_the_batch_gamma_beta_momentum_and_train_mode():
    code, _ = snippet_on("steps", steps_gamma=2.5, steps_beta=-1.0)
    assert "batch = draw(256, seed=0)  # (256, 4)" in code
    assert '("normal", 50.0, 40.0),' in code  # channel 3 of the default preset
    assert "bn = nn.BatchNorm1d(4, eps=1e-5, momentum=0.1, dtype=torch.float64)" in code
    assert "bn.weight.fill_(2.5)" in code and "bn.bias.fill_(-1.0)" in code
    assert "bn.train()" in code and "bn.eval()" not in code


def test_the_steps_snippet_prints_the_batch_statistics_and_the_worked_outputs_of_the_page():
    code, at = snippet_on("steps", steps_gamma=2.5, steps_beta=-1.0, steps_channel=3, steps_step="shift")
    pooled = pooled_table(at)  # BatchNorm's means and variances, with the decimals of every table of the page
    assert printed(code) == [
        "batch mean: " + "  ".join(pooled["mean"]),
        "batch variance: " + "  ".join(pooled["variance"]),
        "y, channel 3: " + page_text(worked_results(at)),
    ]
    assert printed(code)[1].endswith("1661.581")  # σ² of channel 3, to the decimals of channel 2's 0.042


def test_in_eval_mode_the_snippet_trains_on_the_pages_batches_and_prints_its_running_statistics():
    code, at = snippet_on("steps", steps_eval=True, steps_batches=7, steps_momentum=0.2, steps_step="shift")
    assert "momentum=0.2" in code and "for i in range(7):" in code
    assert "bn(torch.from_numpy(draw(256, seed=1 + i)))" in code and "bn.eval()" in code
    running = running_table(at)
    outcome = next(m.value for m in at.markdown if "With the running statistics" in m.value)
    mean, var = re.search(r"has mean (\S+) and variance (\S+)\. ", outcome).groups()
    assert printed(code) == [
        "running mean: " + "  ".join(running["running mean"]),  # as the table shows them
        "running variance: " + "  ".join(running["running variance"]),
        "mean of x̂, channel 1: " + page_text([mean]),
        "variance of x̂, channel 1: " + page_text([var]),
        "y, channel 1: " + page_text(worked_results(at)),
    ]


def test_a_conv_batch_gets_batchnorm2d_pooled_over_samples_and_positions():
    batch = drawn(preset("every shape", 4), n=8, spatial=(5, 5), seed=3)
    code, at = snippet_on("steps", batch=batch, steps_eval=True, steps_batches=4, steps_step="shift")
    assert "batch = draw(8, seed=3, hw=(5, 5))  # (8, 4, 5, 5)" in code
    assert "bn = nn.BatchNorm2d(4, eps=1e-5" in code
    assert "bn(torch.from_numpy(draw(200, seed=4 + i))[:, :, None, None])" in code  # N·H·W = 200 values
    labels = list(at.table[0].value.index)  # x[n, 1, h, w]
    index = [[int(label[2:-1].split(", ")[axis]) for label in labels] for axis in (0, 2, 3)]
    assert f"y[{index[0]}, 1, {index[1]}, {index[2]}]" in code
    assert printed(code)[-1] == "y, channel 1: " + page_text(worked_results(at))


def test_an_uploaded_batch_trains_on_resamples_of_its_own_samples():
    batch = Batch(np.random.default_rng(2).normal(3.0, 2.0, size=(10, 3)), None, 0, "upload: acts.csv")
    code, at = snippet_on("steps", batch=batch, steps_eval=True, steps_batches=5)
    assert "rng = np.random.default_rng([0, 7919])" in code
    assert "bn(torch.from_numpy(batch[rng.integers(0, 10, size=10)]))" in code
    running = running_table(at)
    assert printed(code)[0] == "running mean: " + "  ".join(running["running mean"])


# --- /gamma-beta ------------------------------------------------------------------------------------


def test_the_gamma_beta_snippet_carries_each_channels_gamma_and_beta_and_prints_the_readout_table():
    code, at = snippet_on("gamma-beta", gb_gamma=(0.5, 2.0, 2.5, 3.3), gb_beta=(1.0, -2.0, 0.0, 4.5))
    assert "gamma = [0.5, 2.0, 2.5, 3.3]" in code and "beta = [1.0, -2.0, 0.0, 4.5]" in code
    assert "bn.weight.copy_(torch.tensor(gamma, dtype=torch.float64))" in code  # float64: no rounding to float32
    assert "bn.bias.copy_(torch.tensor(beta, dtype=torch.float64))" in code
    assert "bn = nn.BatchNorm1d(4, eps=1e-5, dtype=torch.float64)" in code and "bn.train()" in code
    table = at.table[0].value
    assert printed(code) == [
        "batch mean: " + page_text(table[MU_B]),
        "batch std: " + page_text(table[STD_B]),
        "mean of y: " + page_text(table["mean of y"]),
        "std of y: " + page_text(table["std of y"]),
    ]
    assert printed(code)[2] == "mean of y: 1.0000  -2.0000  0.0000  4.5000"
