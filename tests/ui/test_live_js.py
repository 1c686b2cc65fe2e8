"""The live charts' JavaScript against bnviz's Python, with Node.js: the maths (ui/live/maths.js) against the
NumPy functions it copies, on fixtures written here from bnviz's own functions (tests/ui/js/maths.test.mjs);
and every trace, shape and annotation a chart kind changes (ui/live/kinds.js) against the figure its
Python builder makes (tests/ui/js/needs.mjs). With CI=true a missing Node.js fails, never skips.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT

from bnviz.core.activations import activate
from bnviz.core.batchnorm import batch_norm_forward
from bnviz.core.data import preset
from bnviz.core.validation import check_batch
from bnviz.experiments import gamma_beta
from bnviz.experiments.home import before_after
from bnviz.experiments.training.data import make_experiment
from bnviz.experiments.training.landscape import optimum
from bnviz.experiments.training.loop import train
from bnviz.experiments.training.settings import TrainingSettings
from bnviz.figures import gamma_beta as gamma_beta_figures
from bnviz.figures import home as home_figures
from bnviz.figures.common import density, histogram_edges
from bnviz.figures.learning import (
    history_curves,
    history_figure,
    replay_arrays,
    replay_curves,
    replay_figure,
    with_step_marker,
)
from bnviz.numbers import distance, eps_text, fixed, sig
from ui.state import default_batch

LIVE = ROOT / "ui" / "live"
JS_TESTS = Path(__file__).with_name("js")


def node() -> str:
    found = shutil.which("node") or shutil.which("nodejs")
    if found is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Node.js is missing (scripts/test.sh installs Debian's nodejs)")
        pytest.skip("Node.js is missing: run scripts/test.sh, which installs Debian's nodejs")
    return found


def run_node(args: list[str], live_dir: Path = LIVE, stdin: str | None = None, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [node(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "BNVIZ_LIVE_DIR": str(live_dir), **env},
    )


def spelled(value: float):
    """A number as JSON can hold it: NaN and ±∞ spelled out (tests/ui/js/maths.test.mjs reads them back)."""
    return value if math.isfinite(value) else {math.inf: "inf", -math.inf: "-inf"}.get(value, "nan")


def fixtures() -> dict:
    """Edge cases and ordinary data, each with what bnviz's Python gives for it."""
    rng = np.random.default_rng(0)
    normal = rng.standard_normal(1000) * 3 + 1
    edges5 = np.linspace(0.0, 1.0, 6)
    histogram_cases = {
        "values on every bin edge": (edges5.copy(), edges5),
        "one value": (np.array([0.3]), edges5),
        "the last edge itself, and values outside": (np.array([1.0, 1.0, -0.1, 1.1, 0.0]), edges5),
        "all values equal (widened edges)": (np.full(7, 2.5), histogram_edges([np.full(7, 2.5)], 10)),
        "a normal sample": (normal, histogram_edges([normal], 30)),
        "negative values": (-np.abs(normal), histogram_edges([-np.abs(normal)], 17)),
    }
    histograms = [
        {
            "name": name,
            "values": values.tolist(),
            "edges": edges.tolist(),
            "counts": np.histogram(values, bins=edges)[0].tolist(),
            "density": density(values, edges).tolist(),
        }
        for name, (values, edges) in histogram_cases.items()
    ]
    refused = []
    for name, values in {
        "a NaN": [1.0, math.nan],
        "an infinity": [math.inf, 0.0],
        "minus infinity": [-math.inf],
    }.items():
        with pytest.raises(ValueError):  # what the JavaScript must refuse, bnviz refuses
            check_batch(np.array(values)[:, None])
        refused.append({"name": name, "values": [spelled(v) for v in values]})
    samples = {
        "a normal sample": normal,
        "one value": np.array([4.0]),
        "a constant": np.full(5, -2.0),
        "a zero": np.array([0.0, 0.0]),
        "large and small": np.array([1e8, 1.0, -1e-8, 3e7]),
    }
    edges = [
        {"name": name, "values": v.tolist(), "bins": bins, "edges": histogram_edges([v], bins).tolist()}
        for name, v in samples.items()
        for bins in (1, 10, 41)
    ]
    linspaces = [
        {"lo": lo, "hi": hi, "num": num, "out": np.linspace(lo, hi, num).tolist()}
        for lo, hi, num in [(0.0, 1.0, 11), (-6.0, 6.0, 241), (-0.1, 0.3, 7), (1e-3, 5e3, 200)]
    ]
    stats = [
        {"name": name, "values": v.tolist(), "mean": v.mean(), "std": v.std(), "min": v.min(), "max": v.max()}
        for name, v in samples.items()
    ]
    z = np.concatenate([np.linspace(-40, 40, 161), [0.0, 1e-8, -1e-8, 700.0, -700.0]])
    activations = {name: {"z": z.tolist(), "out": activate(name, z).tolist()} for name in ("sigmoid", "tanh", "ReLU")}
    numbers = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        1234.5678,
        0.00012345,
        1.2345e-5,
        -1.2e6,
        9.9995,
        0.5,
        161.0,
        1.42e-14,
        -0.00004,
        99999.0,
        math.nan,
        math.inf,
        # exact ties, which Python rounds to the even digit and JavaScript's toFixed away from zero
        2.5,
        -0.5,
        0.125,
        1.125,
        -3.375,
        12345.0,
        1234500.0,
    ]
    sigs = [[spelled(v), d, sig(v, d)] for v in numbers for d in (1, 2, 3, 4)]
    fixeds = [[v, p, fixed(v, p)] for v in numbers if math.isfinite(v) for p in (0, 1, 2, 3, 4)]
    # distances around float64's rounding bound, as the readouts and the table write them
    bound = gamma_beta.ROUNDING
    distances = [
        [v, bound, eps_text(bound), distance(v, bound)] for v in (0.0, 1.1e-16, 1.42e-14, 9.99e-10, 1e-9, 0.5, 161)
    ]
    far = 50 + 0.2 * rng.standard_normal(256)
    batch_norm = [
        {"name": name, "values": v.tolist(), "gamma": g, "beta": b, "eps": eps, "y": bn_one(v, g, b, eps).tolist()}
        for name, v in samples.items()
        for g, b, eps in ((1.0, 0.0, 1e-5), (2.5, -1.5, 1e-5), (0.0, 3.0, 0.0))
    ] + [
        # A mean 250 times the spread (the home page's batch: at most 15): the left-to-right mean and numpy's
        # pairwise one differ by about 1e-16 of the sum, which x̂ multiplies by mean / std.
        {
            "name": "mean 50, std 0.2",
            "values": far.tolist(),
            "gamma": 1.0,
            "beta": 0.0,
            "eps": 1e-5,
            "y": bn_one(far, 1.0, 0.0, 1e-5).tolist(),
        },
    ]
    return {
        "batch_norm": batch_norm,
        "distances": distances,
        "histograms": histograms,
        "refused": refused,
        "edges": edges,
        "linspace": linspaces,
        "stats": stats,
        "activations": activations,
        "sig": sigs,
        "fixed": fixeds,
    }


def bn_one(values: np.ndarray, gamma: float, beta: float, eps: float) -> np.ndarray:
    """The core's BatchNorm of one channel, train mode."""
    y, _, _ = batch_norm_forward(values[:, None], np.array([gamma]), np.array([beta]), eps)
    return y[:, 0]


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("js") / "fixtures.json"
    path.write_text(json.dumps(fixtures()), encoding="utf-8")
    return path


def maths_tests(fixture_file: Path, live_dir: Path = LIVE) -> subprocess.CompletedProcess:
    return run_node(["--test", str(JS_TESTS / "maths.test.mjs")], live_dir, BNVIZ_JS_FIXTURES=str(fixture_file))


def test_the_live_charts_maths_is_bnvizs_numpy_maths(fixture_file):
    result = maths_tests(fixture_file)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# pass 8" in result.stdout and "# fail 0" in result.stdout


def test_a_changed_bin_edge_rule_in_the_javascript_fails_the_comparison(fixture_file, tmp_path):
    """A value on an inner edge belongs to the bin it opens (numpy): counting it in the bin it closes fails."""
    changed = tmp_path / "live"
    shutil.copytree(LIVE, changed)
    maths = (changed / "maths.js").read_text(encoding="utf-8")
    assert maths.count("if (edges[m] <= v) a = m;") == 1
    (changed / "maths.js").write_text(maths.replace("if (edges[m] <= v) a = m;", "if (edges[m] < v) a = m;"))
    result = maths_tests(fixture_file, changed)
    assert result.returncode != 0
    assert "not ok 1 - histogram counts" in result.stdout and "values on every bin edge" in result.stdout


# --- the names a chart kind changes, in the figures Python builds -------------------------------------


def home_case(side_by_side: bool = False) -> dict:
    x = default_batch().x
    figure = home_figures.before_after_figure(x, 1.0, 1.0, 0.0, side_by_side=side_by_side)
    return {
        "kind": "before_after",
        "figure": json.loads(figure.to_json()),
        "arrays": home_figures.before_after_arrays(x) | {"scale": "s", "gamma": "g", "beta": "b"},
        "values": {"s": 2.0, "g": 2.5, "b": -1.5},  # an axis of each row moves
    }


def stages_case() -> dict:
    x = default_batch().x
    y, x_hat, out = gamma_beta.output_readout(x, [1.0] * 4, [0.0] * 4)
    arrays = gamma_beta_figures.stages_arrays(x[:, 1], x_hat[:, 1])
    return {
        "kind": "gamma_beta_stages",
        "figure": json.loads(gamma_beta_figures.stages_figure(x[:, 1], x_hat[:, 1], y[:, 1]).to_json()),
        "arrays": arrays | {"gamma": "g", "beta": "b"},
        "values": {"g": 2.0, "b": 1.0},
    }


def nonlinearity_case() -> dict:
    x_hat = gamma_beta.output_readout(default_batch().x, [1.0] * 4, [0.0] * 4)[1][:, 1]
    return {
        "kind": "nonlinearity",
        "figure": json.loads(gamma_beta_figures.nonlinearity_figure(x_hat, "sigmoid").to_json()),
        "arrays": gamma_beta_figures.nonlinearity_arrays(x_hat, "sigmoid") | {"gamma": "g", "beta": "b"},
        "values": {"g": 4.0, "b": -1.0},
    }


@functools.cache
def replay_training():
    """A short training of the default batch (5 epochs of 32 steps), its optimum and the replay's curves."""
    exp = make_experiment(tuple(preset("channels on very different scales", 4)), None, TrainingSettings(epochs=5))
    hist = train(exp)
    gamma_star, beta_star = optimum(exp)
    return exp, hist, gamma_star[1], beta_star[1]


def replay_case(step: int = 50) -> dict:
    # The replay's figure as the page sends it: the whole training, marked at its last step
    # (bnviz.figures.learning.with_step_marker), and the arrays the browser replays it from.
    exp, hist, gamma_star, beta_star = replay_training()
    figure = with_step_marker(history_figure(exp, hist, 1, gamma_star, beta_star).to_dict(), hist.steps - 1)
    arrays = replay_arrays(hist, 1) | {"curves": replay_curves(history_curves(exp, hist, 1)), "control": "step"}
    return {"kind": "step_replay", "figure": json.loads(figure.to_json()), "arrays": arrays, "values": {"step": step}}


CASES = {
    "home": home_case,
    "home_side_by_side": functools.partial(home_case, side_by_side=True),  # classroom mode's: before beside after
    "stages": stages_case,
    "nonlinearity": nonlinearity_case,
    "replay": replay_case,
}


def check_names(case: dict) -> subprocess.CompletedProcess:
    return run_node([str(JS_TESTS / "needs.mjs")], stdin=json.dumps(case))


@pytest.mark.parametrize("name", CASES)
def test_every_trace_shape_and_annotation_a_chart_kind_changes_is_named_by_its_python_builder(name):
    result = check_names(CASES[name]())
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    "name, where, key, old",
    [
        ("stages", "data", "meta", "y_bars"),
        ("home", "data", "meta", "after_3"),
        ("nonlinearity", "shapes", "name", "linear_region"),
        ("nonlinearity", "annotations", "name", "linear_label"),
        ("replay", "shapes", "name", "step_marker"),
        ("replay", "data", "meta", "gamma"),
        ("replay", "data", "meta", "loss_epoch"),
    ],
)
def test_a_name_renamed_in_python_fails_the_check(name, where, key, old):
    case = CASES[name]()
    items = case["figure"]["data"] if where == "data" else case["figure"]["layout"][where]
    (item,) = [i for i in items if i.get(key) == old]
    item[key] = old + "_renamed"
    result = check_names(case)
    assert result.returncode == 1 and f'"{old}"' in result.stderr


# --- what a chart kind draws, against what Python draws at the same values ---------------------------


def python_figure_at(name: str, step: int = 50) -> dict:
    """The figure Python builds at the values of CASES[name] (what the page shows once the hand rests)."""
    if name == "replay":
        exp, hist, gamma_star, beta_star = replay_training()
        return replay_figure(exp, hist, 1, gamma_star, beta_star, step - 1).to_dict()
    x = default_batch().x
    if name.startswith("home"):
        return home_figures.before_after_figure(x, 2.0, 2.5, -1.5, side_by_side=name == "home_side_by_side").to_dict()
    x_hat = gamma_beta.output_readout(x, [1.0] * 4, [0.0] * 4)[1][:, 1]
    if name == "stages":
        y = x_hat * 2.0 + 1.0  # as kinds.js: x̂·γ, then + β
        return gamma_beta_figures.stages_figure(x[:, 1], x_hat, y).to_dict()
    return gamma_beta_figures.nonlinearity_figure(x_hat * 4.0 - 1.0, "sigmoid").to_dict()


def decoded(value):
    """An array as plotly.py may hold it: a list, a NumPy array, or base64 ({"dtype", "bdata"})."""
    if isinstance(value, dict):
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
    return value


def close(actual, expected, what: str) -> None:
    actual, expected = np.asarray(actual, dtype=float), np.asarray(decoded(expected), dtype=float)
    assert actual.shape == expected.shape, what
    np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12, err_msg=what)


def kind_update(case: dict) -> dict:
    result = check_names(case)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["update"]


@pytest.mark.parametrize("name", ["home", "home_side_by_side", "stages", "nonlinearity"])
def test_a_chart_kinds_update_draws_what_python_draws_at_the_same_values(name):
    """Every trace, axis range, shape and annotation a kind changes equals Python's figure at the same
    γ, β or scale: the browser's picture is the server's, and the axes it keeps are the ones Python set."""
    update = kind_update(CASES[name]())
    python = python_figure_at(name)
    assert update["layout"]
    assert_draws(update, python)


def assert_draws(update: dict, python: dict) -> None:
    """Every trace, axis range, shape and annotation `update` changes is Python's figure's."""
    traces = {t["meta"]: t for t in python["data"] if "meta" in t}
    assert update["traces"]
    for meta, changes in update["traces"].items():
        for key, value in changes.items():
            if key == "error_x":
                close(value["value"], traces[meta]["error_x"]["value"], f"{meta}.error_x")
            elif key == "customdata" and "%{customdata}" not in traces[meta].get("hovertemplate", ""):
                continue  # the counts, which only the home page's hover names
            elif key != "hovertemplate":
                close(value, traces[meta][key], f"{meta}.{key}")
    for key, changes in update.get("layout", {}).items():
        close(changes["range"], python["layout"][key]["range"], f"{key}.range")
    for where in ("shapes", "annotations"):
        for item_name, changes in update.get(where, {}).items():
            (item,) = [i for i in python["layout"][where] if i.get("name") == item_name]
            for key, value in changes.items():
                close(value, item[key], f"{item_name}.{key}")


def test_the_home_readouts_are_the_cores_numbers_as_the_table_writes_them():
    """The std of each channel before BN, and the mean and std of channel 0 after it with γ and β: the
    browser's BatchNorm (maths.js batchNorm) is the core's, to float64's rounding."""
    result = check_names(CASES["home"]())
    assert result.returncode == 0, result.stderr
    readouts = json.loads(result.stdout)["update"]["readouts"]
    before, y = before_after(default_batch().x, 2.0, 2.5, -1.5)
    assert readouts["std"] == ", ".join(fixed(s, 3) for s in before.std(axis=0))
    for name, value in (("mean_after", y[:, 0].mean()), ("std_after", y[:, 0].std())):
        assert readouts[name]["text"] == fixed(value, 3)
        assert readouts[name]["value"] == pytest.approx(value, rel=1e-12, abs=1e-13)


@pytest.mark.parametrize("step", [1, 31, 32, 50, 160])
def test_the_replay_draws_each_curve_up_to_the_step_as_python_draws_it(step):
    """The replay at a step (stepReplay) is replay_figure at that step: every curve drawn with the points known
    then (each step's own; an epoch's mean loss once its last step, 32, is done), the marker on the step."""
    update = kind_update(replay_case(step))
    python = python_figure_at("replay", step)
    assert set(update["traces"]) == {t["meta"] for t in python["data"]}  # every curve, each drawn up to the step
    assert_draws(update, python)
    assert update["traces"]["gamma"]["x"] == list(range(1, step + 1))  # 160 steps: every step is drawn
    assert len(update["traces"]["loss_epoch"]["x"]) == step // 32
    assert update["shapes"]["step_marker"] == {"x0": step, "x1": step}
