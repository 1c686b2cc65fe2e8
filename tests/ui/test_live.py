"""ui/live.py, the Python side of the live charts: what is sent to the browser, the values it sends
back, and the link. The browser side is tested in tests/browser/test_browser_live.py."""

import base64
import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import plotly
import pytest
from conftest import ROOT

from bnviz.experiments.home import before_after
from bnviz.figures.common import density
from bnviz.figures.home import BINS
from bnviz.figures.learning import replay_arrays, replay_stride
from helpers.apptest import hand, live_data, open_link, run_page
from ui import live
from ui.live import LiveControl
from ui.state import default_batch

SCALE = LiveControl("home_scale", "Multiply every activation by", 0.1, 10.0, 0.1, 1.0)


@pytest.mark.parametrize("text, value", [(2.0, 2.0), (2.55, 2.5), (10.7, 10.0), (0.05, 0.1), (1.1, 1.1)])
def test_a_value_snaps_to_the_range_inputs_grid(text, value):
    assert SCALE.snap(text) == value


def test_a_value_past_a_max_off_the_step_grid_snaps_to_the_last_step_below_it():
    every_other = LiveControl("learn_step", "Step", 1, 3840, 2, 1)  # steps 1, 3, …, 3839
    assert [every_other.snap(v) for v in (3840, 5000, 3838, 2, 0)] == [3839, 3839, 3839, 3, 1]


def test_a_control_with_play_tells_the_browser_to_draw_its_button():
    step = LiveControl("learn_step", "Step", 1, 960, 1, 1, play=True)
    (control,) = live.element_data("step_replay", {}, {}, [step], {"learn_step": 40.0}, 1)["controls"]
    assert control["play"] is True and control["value"] == 40.0 and control["decimals"] == 0


@pytest.mark.parametrize("steps, stride", [(1, 1), (960, 1), (2000, 1), (2001, 2), (3840, 2), (20_000, 11)])
def test_the_replay_keeps_every_step_of_a_training_up_to_2000_steps_then_every_kth(steps, stride):
    assert replay_stride(steps) == stride
    assert len(range(0, steps, stride)) <= 2000


def test_the_replay_arrays_are_the_recorded_numbers_of_one_channel_exactly():
    rng = np.random.default_rng(0)
    recorded = {name: rng.normal(size=(7, 3)) for name in ("mu", "var", "gamma", "beta", "loss")}
    recorded["loss"][3, 2] = np.nan  # not JSON: sent as null, shown as "any"
    hist = SimpleNamespace(steps=7, **recorded)
    arrays = replay_arrays(hist, 2, stride=3)
    assert json.loads(json.dumps(arrays, allow_nan=False)) == arrays
    assert arrays["stride"] == 3 and arrays["mu"] == recorded["mu"][[0, 3, 6], 2].tolist()  # steps 1, 4, 7
    assert arrays["loss"] == [recorded["loss"][0, 2], None, recorded["loss"][6, 2]]
    assert replay_arrays(hist, 0)["gamma"] == recorded["gamma"][:, 0].tolist()


def test_the_element_data_is_json_with_each_controls_range_value_and_decimals():
    data = live.element_data(
        "before_after", {"data": [], "layout": {}}, {"x": [[1.0]]}, [SCALE], {"home_scale": 2.0}, 3
    )
    assert json.loads(json.dumps(data)) == data
    (control,) = data["controls"]
    assert control == {
        "name": "home_scale",
        "label": "Multiply every activation by",
        "min": 0.1,
        "max": 10.0,
        "step": 0.1,
        "value": 2.0,
        "decimals": 1,
        "help": "",
        "play": False,
        "disabled": False,
        "hidden": False,
    }
    assert data["kind"] == "before_after" and data["revision"] == 3 and data["debounce"] == live.DEBOUNCE_MS


def test_the_home_chart_sends_the_batch_exactly_and_its_three_controls():
    data = live_data(run_page(), "home_live")
    x = default_batch().x
    arrays = data["arrays"]
    assert data["kind"] == "before_after"
    assert (arrays["scale"], arrays["gamma"], arrays["beta"]) == ("home_scale", "home_gamma", "home_beta")
    assert np.array_equal(np.array(arrays["x"]).T, x)  # exact: the browser bins the same numbers
    assert arrays["x_range"] == [x.min(), x.max()] and arrays["channel"] == 0 and arrays["eps"] == 1e-5
    assert [c["name"] for c in data["controls"]] == ["home_scale", "home_gamma", "home_beta"]
    assert [c["value"] for c in data["controls"]] == [1.0, 1.0, 0.0]
    assert [r["name"] for r in data["readouts"]] == ["std", "mean_after", "std_after"]
    assert data["readouts"][0]["label"] == "std of each channel before:"


def test_the_figure_as_first_sent_is_the_cores_density_at_scale_one():
    data = live_data(run_page(), "home_live")
    x = default_batch().x
    y = before_after(x, 1.0, 1.0, 0.0).y
    layout = data["figure"]["layout"]
    for row, values in (("before", x), ("after", y)):
        for c in range(x.shape[1]):
            (trace,) = [t for t in data["figure"]["data"] if t["meta"] == f"{row}_{c}"]
            lo, hi = layout["xaxis" + trace["xaxis"][1:]]["range"]
            edges = np.linspace(lo, hi, BINS + 1)
            got = trace["y"]
            got = np.frombuffer(base64.b64decode(got["bdata"]), dtype=got["dtype"]) if isinstance(got, dict) else got
            assert np.array_equal(got, density(values[:, c], edges))


def test_a_rerun_sends_the_same_data_so_the_browser_does_not_run_the_chart_again():
    at = run_page()
    first = live_data(at, "home_live")
    at.run()
    assert live_data(at, "home_live") == first


def test_the_value_sent_back_moves_the_numbers_the_link_and_the_owner_but_not_the_data():
    at = run_page()
    first = live_data(at, "home_live")
    hand(at, "home_live", home_scale=3.0)  # as the browser's setStateValue("home_scale", 3)
    assert at.query_params["home_scale"] == "3" and at.session_state["home_scale"] == 3.0  # the one owner
    std = at.table[0].value["std before"].astype(float)
    np.testing.assert_allclose(std, 3 * default_batch().x.std(axis=0), rtol=1e-12)
    assert live_data(at, "home_live") == first  # the browser already shows 3: the rerun sends the chart nothing


def test_a_link_sets_the_live_control_and_the_browser_is_told():
    at = open_link("home", {"home_scale": "2.5"})
    assert at.session_state["home_scale"] == 2.5
    assert live_data(at, "home_live")["controls"][0]["value"] == 2.5


def test_a_hostile_link_value_opens_the_default_and_the_notice_names_it():
    at = open_link("home", {"home_scale": "<img src=x onerror=alert(1)>"})
    (message,) = [i.value for i in at.info]
    assert message.endswith(": home_scale.") and "<" not in message
    assert "home_scale" not in at.query_params
    assert live_data(at, "home_live")["controls"][0]["value"] == 1.0  # the default: the owner took nothing


def test_a_control_the_link_hides_is_drawn_hidden_and_keeps_its_value():
    at = open_link("home", {"home_scale": "4", "hide": "scale"})
    control, *others = live_data(at, "home_live")["controls"]
    assert control["hidden"] is True and control["value"] == 4.0
    assert [c["hidden"] for c in others] == [False, False]  # γ and β: not named by the link


def test_plotly_js_and_the_live_modules_are_served_from_one_folder_named_by_their_digest(tmp_path, monkeypatch):
    monkeypatch.setattr(live, "STATIC", tmp_path / "static")
    (tmp_path / "static" / "live-0ld").mkdir(parents=True)  # an older version's folder
    (tmp_path / "static" / "plotly.min.js").write_text("old")  # where plotly.js was served before
    folder = live.serve_live_js()
    assert live.MODULES_URL == f"app/static/{folder.name}/"
    assert sorted(p.name for p in (tmp_path / "static").iterdir()) == [folder.name]
    for name in live.SERVED:
        assert (folder / name).read_bytes() == (live.MODULES / name).read_bytes()
    plotly_js = folder / "plotly.min.js"
    assert plotly_js.read_bytes() == (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    # Dated long ago: a browser keeps a tenth of a file's age without asking again (no Cache-Control is sent).
    assert {(folder / name).stat().st_mtime for name in [*live.SERVED, "plotly.min.js"]} == {live.SERVED_DATE}
    mtime = plotly_js.stat().st_mtime_ns
    assert live.serve_live_js() == folder and plotly_js.stat().st_mtime_ns == mtime  # copied once


def test_the_folder_changes_with_the_installed_plotly_js(monkeypatch):
    before = live._modules_digest()
    monkeypatch.setattr(plotly, "__version__", "0.0.1")
    assert live._modules_digest() != before


@pytest.mark.parametrize("name", ["element.js", "kinds.js", "maths.js", "figure.js", "layer.js"])
def test_the_browser_code_never_inserts_text_as_html(name):
    js = (ROOT / "ui" / "live" / name).read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in js
    assert "cdn" not in js.lower() and "https://" not in js


def test_a_chart_with_no_control_is_sent_to_the_live_element_as_kind_static():
    """/learning's step figure (ui.live.shared_chart): the figure, no control, no readout; no st.plotly_chart."""
    at = run_page("learning")
    sent = [json.loads(el.proto.json) for el in at.get("bidi_component")]
    (static,) = [data for data in sent if data["kind"] == "static"]
    assert static["chart"] == "learn_step_figure" and static["controls"] == [] and static["readouts"] == []
    assert static["figure"]["data"] and not at.get("plotly_chart")
