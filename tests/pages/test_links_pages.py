"""Shareable links on every page but /questions and /teach (tests/pages/test_links_questions.py):
a link reproduces the view, the batch travels with it, and a bad or hostile value opens the default
with a notice that names it without repeating it. A control's URL name is its widget key
(`?gb_channel=2`). That moving a control writes the address bar is a browser test
(tests/browser/test_browser_links.py): AppTest does not update its query_params after set_value."""

import numpy as np
import pytest

from bnviz.core.data import make_batch, preset
from bnviz.experiments import batches, gamma_beta
from helpers.apptest import hand, live_data, open_link
from ui.state import DEFAULT_PRESET, default_batch

NOTICE = "This link had settings that could not be used"
BATCH_LINK = {
    "batch.kind": "convolutional",
    "batch.n": "16",
    "batch.channels": "3",
    "batch.size": "4",
    "batch.seed": "7",
    "batch.preset": "ReLU outputs",
}


def linked_batch() -> np.ndarray:
    return make_batch(preset("ReLU outputs", 3), 16, (4, 4), seed=7)


def notices(at) -> list[str]:
    return [i.value for i in at.info if i.value.startswith(NOTICE)]


def notice(at) -> str:
    (text,) = notices(at)
    return text


def named(message: str) -> list[str]:
    """The parameters a notice names: "…defaults are shown: gb_channel, batch.n." -> ["gb_channel", "batch.n"]."""
    return message.rsplit(": ", 1)[1].removesuffix(".").split(", ")


# --- a link reproduces the view ------------------------------------------------------------------


def test_home_link_sets_the_scale_and_the_numbers_follow():
    at = open_link("home", {"home_scale": "5"})
    assert at.session_state["home_scale"] == 5.0
    np.testing.assert_allclose(
        at.table[0].value["std before"].astype(float), 5 * default_batch().x.std(axis=0), rtol=1e-3
    )


def test_batch_link_draws_the_same_batch():
    at = open_link(
        "batch",
        {
            "bt_kind": "convolutional",
            "bt_n": "16",
            "bt_channels": "3",
            "bt_size": "4",
            "bt_seed": "7",
            "bt_preset": "ReLU outputs",
            "bt_heat_channel": "2",
        },
    )
    assert not notices(at)
    assert np.array_equal(at.session_state["batch"].x, linked_batch())
    assert at.selectbox(key="bt_heat_channel").value == 2
    assert "16 samples × 3 channels × 4 × 4 pixels (drawn: ReLU outputs, seed 7)" in at.success[0].value


def test_batch_link_of_an_edited_table_says_the_edits_are_not_in_it():
    at = open_link("batch", {})
    at.session_state["bt_specs"] = (batches.ChannelSpec("uniform", 3.0, 2.0),) + tuple(preset(DEFAULT_PRESET, 4))[1:]
    at.run()
    assert at.session_state["batch"].link is None
    assert any("not your edits to the table" in c.value for c in at.caption)


def test_steps_link_sets_channel_step_gamma_and_the_batch():
    at = open_link(
        "steps",
        {"steps_channel": "2", "steps_step": "5. Normalize", "steps_gamma": "2", "steps_beta": "-3", **BATCH_LINK},
    )
    assert not notices(at)
    assert np.array_equal(at.session_state["batch"].x, linked_batch())
    assert at.selectbox(key="steps_channel").value == 2
    assert at.radio(key="steps_step").value == "normalize"
    assert at.number_input(key="steps_gamma").value == 2.0 and at.number_input(key="steps_beta").value == -3.0
    assert any(s.value.startswith("Step 5 of") for s in at.subheader)


def test_gamma_beta_link_sets_each_channels_gamma_and_beta():
    at = open_link(
        "gamma-beta",
        {
            "gb_channel": "2",
            "gb_gamma": "1,1,2.5",
            "gb_beta": "0,0,-1.5",
            "gb_nonlinearity": "tanh",
            "gb_w_angle": "90",
            "gb_wb_between": "sigmoid",
            "section": "w-and-b",  # the section where the direction of w is, brought into view
        },
    )
    assert not notices(at)
    assert at.session_state["gb_gamma"] == (1.0, 1.0, 2.5, 1.0) and at.session_state["gb_beta"] == (0.0, 0.0, -1.5, 0.0)
    assert [c["value"] for c in live_data(at, "gb_drag")["controls"]] == [2.5, -1.5]  # channel 2's, in its control
    assert at.radio(key="gb_nonlinearity").value == "tanh" and at.slider(key="gb_w_angle").value == 90.0
    assert at.radio(key="gb_wb_between").value == "sigmoid" and at.query_params["section"] == "w-and-b"
    assert at.query_params["gb_gamma"] == "1,1,2.5"  # trailing channels at γ = 1 are left out


def test_gamma_beta_link_carries_the_batch_and_clamps_gamma_to_its_channels_range():
    at = open_link("gamma-beta", {"gb_gamma": "1,1e6", **BATCH_LINK})
    x = linked_batch()
    assert np.array_equal(at.session_state["batch"].x, x)
    gamma_max = gamma_beta.channel_summary(x).ranges[1].gamma_max
    assert at.session_state["gb_gamma"][1] == gamma_max  # the slider's largest value, not 1e6


def test_learning_link_sets_the_training():
    at = open_link(
        "learning",
        {
            "learn_task": "A different target",  # the task's label: a static one, so the link holds it
            "learn_target_mean": "-2",
            "learn_lr": "0.1",
            "learn_epochs": "3",
            "learn_batch_size": "64",
            "learn_channel": "0",
            "learn_step": "40",
        },
    )
    assert not notices(at)
    assert at.radio(key="learn_task").value == "target"
    assert at.number_input(key="learn_target_mean").value == -2.0
    assert at.select_slider(key="learn_lr").value == 0.1 and at.slider(key="learn_epochs").value == 3
    assert at.select_slider(key="learn_batch_size").value == 64 and at.selectbox(key="learn_channel").value == 0
    steps = 3 * (1024 // 64)
    (step,) = live_data(at, "learn_live")["controls"]  # the step replayed in the browser (ui/live.py)
    assert step["max"] == steps and step["value"] == 40 and at.session_state["learn_step"] == 40
    assert any(m.value.startswith("**Step 40 up close** (channel 0)") for m in at.markdown)


def test_network_link_sets_the_form_and_trains_with_it():
    at = open_link("network", {"net_activation": "ReLU", "net_lr": "0.3", "net_steps": "100", "net_sweep": "false"})
    assert not notices(at)
    assert at.radio(key="net_activation").value == "ReLU" and at.select_slider(key="net_lr").value == 0.3
    assert at.toggle(key="net_sweep").value is False
    assert any("(ReLU, learning rate 0.3, 100 steps)" in m.value for m in at.markdown)


# --- a bad or hostile link -----------------------------------------------------------------------

HOSTILE = ["nan", "1e400", "<script>alert(1)</script>", "**bold** [x](http://evil)"]
MORE_HOSTILE = ["abc", "-inf", "1e308", "0x10", "9" * 300, "<img src=x onerror=alert(1)>"]
CASES = [  # (page, URL name, session key of a control, its default)
    ("home", "home_scale", "home_live", {"home_scale": 1.0, "home_gamma": 1.0, "home_beta": 0.0}),
    ("home", "home_gamma", "home_live", {"home_scale": 1.0, "home_gamma": 1.0, "home_beta": 0.0}),
    ("batch", "bt_n", "bt_n", 256),
    ("steps", "steps_channel", "steps_channel", 1),
    ("gamma-beta", "gb_gamma", "gb_drag", {"gamma": 1.0, "beta": 0.0}),
    ("gamma-beta", "batch.n", "gb_drag", {"gamma": 1.0, "beta": 0.0}),
    ("gamma-beta", "gb_peak", "gb_peak", "9 in channel 0"),  # a radio's label: only the six peaks' are valid
    ("learning", "learn_lr", "learn_lr", 0.03),
    ("learning", "learn_step", "learn_live", {"learn_step": 960}),  # the live replay's step: the last (ui/live.py)
    ("network", "net_lr", "net_lr", 3.0),
]


def shown_value(at, key):
    """A widget's value, or a live chart's controls' values as it is told to show them (ui/live.py)."""
    if key in LIVE_CHARTS:
        return {c["name"]: c["value"] for c in live_data(at, key)["controls"]}
    return at.session_state[key]


LIVE_CHARTS = {"home_live", "gb_drag", "learn_live"}


# Sent with each page's bad value: /network's shortest training; /gamma-beta's peaks section in view, where the peak is.
ALONGSIDE = {"network": {"net_steps": "100"}, "gamma-beta": {"section": "peaks"}}


@pytest.mark.parametrize(
    "page, name, key, default, text",
    [(*case, text) for case in CASES for text in HOSTILE] + [(*CASES[0], text) for text in MORE_HOSTILE],
)
def test_a_hostile_value_opens_the_default_with_a_notice_that_does_not_repeat_it(page, name, key, default, text):
    at = open_link(page, {name: text, **ALONGSIDE.get(page, {})})
    message = notice(at)
    assert named(message) == [name]
    assert text not in message and "<" not in message and "*" not in message
    assert shown_value(at, key) == default
    assert name not in at.query_params  # the bad value is dropped from the address bar
    if name == "batch.n":
        assert "batch" not in at.session_state  # the default batch, never replaced


def test_unknown_parameters_are_ignored_and_never_shown():
    at = open_link("steps", {"evil": "<img src=x onerror=alert(1)>"})
    assert not notices(at) and "evil" not in at.query_params


# --- the values the pages write themselves ---------------------------------------------------------


def test_the_batch_made_on_batch_and_each_channels_gamma_are_written_to_the_link():
    # /batch's own controls are written by Streamlit (a browser test reads them in the address bar);
    # what draws the batch again on other pages, and the per-channel γ, the pages write themselves.
    at = open_link("batch", {})
    at.select_slider(key="bt_n").set_value(512).run()
    assert at.session_state["batch"].link == {"n": "512"}
    at.switch_page("pages/gamma-beta.py").run()
    assert at.query_params.get("batch.n") == "512"
    hand(at, "gb_drag", gamma=2.0)  # as the live control sends it when the hand stops
    assert at.query_params["gb_gamma"] == "1,2" and at.query_params["batch.n"] == "512"


def test_an_uploaded_batch_is_not_put_in_a_link():
    at = open_link("gamma-beta", {})
    from ui.state import Batch

    at.session_state["batch"] = Batch(np.random.default_rng(0).normal(size=(32, 2)), None, 0, "upload: acts.npy")
    at.run()
    assert not any(k.startswith("batch.") for k in at.query_params)
