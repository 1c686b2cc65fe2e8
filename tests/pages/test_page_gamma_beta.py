"""The "Drag γ and β" page in AppTest: every control changes what it should, with the core's numbers."""

import numpy as np
import pytest

from bnviz import make_batch, preset
from bnviz.core.data import PRESETS
from bnviz.experiments import gamma_beta, peaks
from bnviz.notation import MU_B, RECOVER_GAMMA, STD_B
from bnviz.numbers import eps_text, fixed, sig
from content import gamma_beta as content_gamma_beta
from helpers.apptest import (
    SECTIONS,
    _decode,
    all_open,
    bar_mean,
    by_label,
    figures,
    hand,
    hidden_keys,
    live_data,
    open_link,
    run_page,
)
from ui.state import Batch, default_batch

EPS = 1e-5


def with_batch(x, source="test batch") -> dict:
    return {"batch": Batch(np.asarray(x, dtype=np.float64), None, 0, source)}


def metric(at, label_start: str) -> float:
    (value,) = [m.value for m in at.metric if m.label.startswith(label_start)]
    return float(value.rstrip(" %"))


def drag(at, **values):
    """Move the live γ/β control of §1 as the browser does when the hand stops (gamma=2.5, beta=-1)."""
    return hand(at, "gb_drag", **values)


def control(at, name: str, key: str = "gb_drag") -> dict:
    """The live control `name` as the browser is told to draw it (range, step) and the value it shows."""
    (found,) = [c for c in live_data(at, key)["controls"] if c["name"] == name]
    return found  # its value: the owner's, which the browser takes when the revision moves


def readout(at, column: str, c: int = 1) -> float:
    """Channel c's value in the readout table (the live readouts are the browser's: test_browser_live_gamma_beta.py)."""
    return shown(at.table[0].value[column].iloc[c])


def box(at, label: str):
    """The number box `label` ("exact γ"): it has no key, so that it is a new box whenever its value moves."""
    (found,) = [n for n in at.number_input if n.label == label]
    return found


def shown(text: str) -> float:
    """A table's number; a distance shown as float64's rounding ("below 1e-9", bnviz.numbers.distance) as 0."""
    return 0.0 if text == f"below {eps_text(gamma_beta.ROUNDING)}" else float(text)


def table_column(at, column: str) -> np.ndarray:
    return np.array([shown(v) for v in at.table[0].value[column]])


def test_the_page_names_its_batch_and_shows_the_default_readouts():
    at = run_page("gamma-beta")
    assert at.title[0].value == "Drag γ and β"
    assert "default: channels on very different scales" in at.caption[0].value
    assert at.selectbox(key="gb_channel").value == 1
    x = default_batch().x
    var = x[:, 1].var()
    mu_sigma = (
        f"Channel 1 of your batch: $\\mu_B$ = {fixed(x[:, 1].mean(), 4)}, $\\sigma_B$ = {fixed(x[:, 1].std(), 4)}."
    )
    assert mu_sigma in [c.value for c in at.caption]
    assert readout(at, "mean of y") == 0.0
    assert readout(at, "std of y") == pytest.approx(np.sqrt(var / (var + EPS)), abs=5e-5)
    assert table_column(at, "largest |y − x|").max() == pytest.approx(
        np.max(np.abs(gamma_beta.output_readout(x, 1.0, 0.0)[0] - x)), rel=1e-2
    )
    stages = live_data(at, "gb_drag")
    assert stages["kind"] == "gamma_beta_stages" and stages["arrays"]["xs"] == sorted(x[:, 1].tolist())
    assert [control(at, n)["value"] for n in ("gamma", "beta")] == [1.0, 0.0]
    np.testing.assert_allclose(table_column(at, MU_B), x.mean(axis=0), atol=5e-5)
    np.testing.assert_allclose(table_column(at, STD_B), x.std(axis=0), atol=5e-5)
    # W and b's chain, the peaks' switches and their loss, and the two live charts; the practice and the side
    # question are closed, so not built
    assert len(figures(at)) == 3
    assert len(figures(run_page("gamma-beta", opened=SECTIONS["gamma-beta"]))) == 5  # open: + 2


def test_gamma_control_sets_the_output_std_and_the_number_box_follows():
    at = run_page("gamma-beta")
    first = live_data(at, "gb_drag")
    drag(at, gamma=7.5)
    x = default_batch().x[:, 1]
    assert box(at, "exact γ").value == 7.5
    assert at.session_state["gb_gamma"][1] == 7.5
    assert readout(at, "std of y") == pytest.approx(7.5 * x.std() / np.sqrt(x.var() + EPS), abs=5e-5)
    assert readout(at, "mean of y") == 0.0
    np.testing.assert_allclose(table_column(at, "std of y")[[0, 2, 3]], 1.0, atol=1e-3)  # other channels untouched
    assert live_data(at, "gb_drag") == first  # the browser already shows 7.5: the rerun sends the chart nothing


def test_beta_number_box_sets_the_output_mean_exactly_and_the_live_control_follows():
    at = run_page("gamma-beta")
    box(at, "exact β").set_value(3.14159).run()
    assert control(at, "beta")["value"] == 3.14159
    assert live_data(at, "gb_drag")["controls"][1]["value"] == 3.14159  # the browser is told, off the step grid
    assert readout(at, "mean of y") == pytest.approx(3.1416, abs=1e-9)
    assert at.table[0].value["mean of y"].iloc[1] == "3.1416"


def test_recover_the_original_gives_back_the_input_and_says_so():
    at = run_page("gamma-beta")
    by_label(at.button, "Recover the original").click().run()
    x = default_batch().x
    gamma, beta = gamma_beta.recovery(x)
    assert at.session_state["gb_gamma"] == tuple(gamma) and at.session_state["gb_beta"] == tuple(beta)
    assert control(at, "gamma")["value"] == gamma[1] and box(at, "exact β").value == beta[1]
    assert table_column(at, "largest |y − x|").max() < 1e-9
    assert readout(at, "histogram distance y to x") < 1e-9
    assert any("BatchNorm is the identity on this batch" in s.value for s in at.success)
    np.testing.assert_allclose(table_column(at, "largest |y − x|"), 0.0, atol=1e-9)


def test_reset_puts_gamma_one_and_beta_zero_back_in_every_channel():
    at = run_page("gamma-beta")
    by_label(at.button, "Recover the original").click().run()
    by_label(at.button, "Reset to γ = 1, β = 0").click().run()
    assert at.session_state["gb_gamma"] == (1.0,) * 4 and at.session_state["gb_beta"] == (0.0,) * 4
    assert control(at, "gamma")["value"] == 1.0
    assert table_column(at, "largest |y − x|").max() > 1.0


def test_each_channel_keeps_its_own_gamma_and_beta_and_its_own_ranges():
    at = run_page("gamma-beta")
    drag(at, gamma=4.0)
    at.selectbox(key="gb_channel").select(3).run()
    gamma = control(at, "gamma")
    assert gamma["value"] == 1.0
    x3 = default_batch().x[:, 3]
    assert gamma["max"] == gamma_beta.nice_ceil(2 * np.sqrt(x3.var() + EPS))  # 80 for a channel with σ ≈ 40
    assert control(at, "beta")["max"] >= abs(x3.mean())
    box(at, "exact γ").set_value(30.0).run()
    at.selectbox(key="gb_channel").select(1).run()
    assert control(at, "gamma")["value"] == 4.0
    assert at.session_state["gb_gamma"] == (1.0, 4.0, 1.0, 30.0)
    assert not at.exception


def test_a_constant_channel_says_that_gamma_has_no_effect_there():
    x = make_batch(preset("one dead channel with zero variance", 3), 32, seed=0)
    at = run_page("gamma-beta", session_state=with_batch(x), opened=SECTIONS["gamma-beta"])
    drag(at, gamma=2.5)  # channel 1 is the dead one
    assert readout(at, "std of y") == 0.0
    assert any("This channel is constant ($\\sigma_B$ = 0), so x̂ = 0" in c.value for c in at.caption)
    assert any("γ has no effect" in w.value for w in at.warning)


@pytest.mark.parametrize("spatial", [None, (5, 4)], ids=["FC", "conv"])
@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_runs_and_is_recovered_exactly(name, spatial):
    x = make_batch(preset(name, 6), 32, spatial=spatial, seed=3)
    at = run_page("gamma-beta", session_state=with_batch(x, f"preset: {name}"), opened=SECTIONS["gamma-beta"])
    assert f"shape {x.shape}" in at.caption[0].value
    by_label(at.button, "Recover the original").click().run()
    assert not at.exception and not at.error
    assert table_column(at, "largest |y − x|").max() < 1e-9


def test_a_batch_with_one_value_per_channel_gives_a_message_not_an_exception():
    at = run_page("gamma-beta", session_state=with_batch(np.ones((1, 3))), opened=SECTIONS["gamma-beta"])
    assert "more than 1 value per channel" in at.error[0].value
    assert len(figures(at)) == 0


def test_settings_from_a_wider_batch_are_fitted_to_a_narrower_one():
    x = make_batch(preset("all standard normal", 2), 64, seed=0)
    state = with_batch(x) | {"gb_channel": 5, "gb_gamma": (2.0, 500.0, 3.0, 3.0, 3.0, 9.0), "gb_beta": (1.0,)}
    at = run_page("gamma-beta", session_state=state, opened=SECTIONS["gamma-beta"])
    assert at.selectbox(key="gb_channel").value == 0
    assert at.session_state["gb_gamma"] == (2.0, 3.0)  # 500 clamped to the channel's range [0, 3]
    assert at.session_state["gb_beta"] == (1.0, 0.0)
    assert control(at, "gamma")["value"] == 2.0


def test_show_the_answer_matches_the_target():
    at = run_page("gamma-beta", opened=("gb_open_target",))
    target = gamma_beta.draw_target(0)
    start = metric(at, "Closeness")
    assert start < 95
    [b for b in at.button if b.label == "Show the answer"][0].click().run()
    assert at.slider(key="gb_target_gamma").value == target.gamma
    assert at.slider(key="gb_target_beta").value == target.beta
    assert metric(at, "Closeness") == 100
    assert any(f"γ = {target.gamma:g}, β = {target.beta:g}" in s.value for s in at.success)


def test_new_target_draws_another_one_and_the_sliders_change_the_closeness():
    at = run_page("gamma-beta", opened=("gb_open_target",))
    [b for b in at.button if b.label == "New target"][0].click().run()
    assert at.session_state["gb_target_seed"] == 1
    target = gamma_beta.draw_target(1)
    at.slider(key="gb_target_beta").set_value(target.beta).run()
    near = metric(at, "Closeness")
    at.slider(key="gb_target_gamma").set_value(target.gamma).run()
    assert metric(at, "Closeness") == 100 > near
    values = default_batch().x[:, 1]
    goal = gamma_beta.standardized(values, target.gamma, target.beta)[1]
    fig = figure_with(at, "target")
    assert bar_mean(fig["data"][0]) == pytest.approx(goal.mean(), abs=0.5)


def test_the_nonlinearity_controls_change_the_share_in_the_linear_region():
    at = run_page("gamma-beta")
    values = default_batch().x[:, 1]
    # The share is the browser's (test_browser_live_gamma_beta.py); here: what it is computed from.
    data = live_data(at, "gb_nl_live")
    assert data["kind"] == "nonlinearity" and data["readouts"][0]["label"].startswith(
        "Share of the values in the nearly"
    )
    assert data["arrays"]["xh"] == gamma_beta.standardized(values, 1.0, 0.0)[0].tolist()
    assert data["arrays"]["region"] == list(gamma_beta.linear_region("sigmoid"))
    hand(at, "gb_nl_live", gb_nl_gamma=3.0)  # as the browser sends it when the hand stops
    at.radio(key="gb_nonlinearity").set_value("ReLU").run()
    data = live_data(at, "gb_nl_live")
    assert data["arrays"]["name"] == "ReLU" and data["arrays"]["region"] == [0.0, None]
    assert data["readouts"][0]["label"] == "Share of the values on the active side z ≥ 0:"
    assert [c["value"] for c in data["controls"]] == [1.0, 0.0]  # as Python last set them: the browser keeps 3
    assert at.session_state["gb_nl_gamma"] == 3.0  # the owner
    assert at.query_params["gb_nl_gamma"] == "3"
    curve = [t for t in data["figure"]["data"] if t["type"] == "scatter"][0]
    assert curve["name"] == "ReLU(z)"
    assert "Ioffe" in " ".join(m.value for m in at.markdown)


def shape_table(at):
    (table,) = [t.value for t in at.table if list(t.value.columns) == ["x (before BN)", "x̂ (after BN)"]]
    return table


def test_only_two_numbers_change_for_every_shape():
    at = run_page("gamma-beta", opened=SECTIONS["gamma-beta"])
    for shape in ["skewed", "bimodal", "relu", "heavy-tailed", "batch"]:
        at.radio(key="gb_shape").set_value(shape).run()
        table = shape_table(at)
        before, after = (np.array([float(v) for v in table[c]]) for c in table.columns)
        assert after[0] == pytest.approx(0.0, abs=1e-3) and after[1] == pytest.approx(1.0, abs=1e-3)
        np.testing.assert_allclose(after[2:], before[2:], atol=1e-3)  # skewness, kurtosis kept
    values = gamma_beta.shape_example("heavy-tailed")
    at.radio(key="gb_shape").set_value("heavy-tailed").run()
    assert float(shape_table(at).iloc[3, 0]) == pytest.approx(
        gamma_beta.shape_statistics(values)["excess kurtosis"], abs=1e-3
    )


def moves(at) -> dict[str, float]:
    """Under each knob of the W and b section, how far it moves BN's output y: {"‖w‖": 0.0, …}; "below 1e-9" as 0."""
    knobs = ("‖w‖", "θ", "b", "γ", "β")
    texts = [c.value for c in at.caption if c.value.startswith("Δy")]
    assert len(texts) == len(knobs), texts
    return {
        k: 0.0 if t == f"Δy below {eps_text(gamma_beta.ROUNDING)}" else float(t.removeprefix("Δy = "))
        for k, t in zip(knobs, texts)
    }


def test_bias_and_length_of_w_do_not_change_the_bn_output_but_its_direction_does():
    at = run_page("gamma-beta")
    at.slider(key="gb_b").set_value(12.0).run()
    at.slider(key="gb_w_scale").set_value(3.0).run()
    assert moves(at)["b"] < 1e-12  # "below 1e-9": float64's rounding
    assert moves(at)["‖w‖"] < 1e-4
    assert moves(at)["θ"] == 0.0
    z_bars = [t for t in figure_with(at, "z")["data"] if t.get("meta") == "z_now"][0]
    u = gamma_beta.linear_inputs()
    z, _ = gamma_beta.linear_then_bn(u, gamma_beta.weights(3.0, 30.0), 12.0)
    assert bar_mean(z_bars) == pytest.approx(z.mean(), abs=0.5)
    at.slider(key="gb_w_angle").set_value(120.0).run()
    expected = gamma_beta.linear_effects(u, 3.0, 120.0, 12.0, 30.0).direction
    assert moves(at)["θ"] == pytest.approx(expected, abs=0.005) and expected > 0.5
    answer = " ".join(" ".join(i.value.split()) for i in at.info)
    assert "The bias b before BN is redundant" in answer and "β takes over its role" in answer


def test_gamma_and_beta_after_bn_move_its_output_where_b_and_the_length_of_w_do_not():
    at = run_page("gamma-beta")
    at.slider(key="gb_wb_gamma").set_value(2.0).run()
    at.slider(key="gb_wb_beta").set_value(1.5).run()
    at.slider(key="gb_b").set_value(-7.0).run()
    u = gamma_beta.linear_inputs()
    effects = gamma_beta.linear_effects(u, 1.0, 30.0, -7.0, 30.0, 2.0, 1.5)
    assert moves(at) == {"‖w‖": 0.0, "θ": 0.0, "b": 0.0, "γ": pytest.approx(effects.gamma, abs=0.005), "β": 1.5}
    assert effects.gamma > 1.0
    y_title = [a["text"] for a in figure_with(at, "z")["layout"]["annotations"] if a["text"].startswith("y = γ·x̂ + β")]
    assert y_title[0].endswith("mean 1.50, std 2.00")  # β sets the mean, γ the spread (times x̂'s, ≈ 1)


def alone_as_bars(outline: dict) -> dict:
    """A histogram outline (a step line from the first edge, histogram_outline) as the bars it outlines."""
    x, y = (np.asarray(_decode(outline[k]), dtype=float) for k in ("x", "y"))
    edges = x[1:]
    return {"x": (edges[:-1] + edges[1:]) / 2, "y": y[1:-1], "width": np.diff(edges)}


def test_the_next_layer_stands_in_for_gamma_and_beta_with_nothing_between_but_not_through_a_sigmoid():
    at = run_page("gamma-beta")
    at.slider(key="gb_wb_gamma").set_value(2.0).run()
    at.slider(key="gb_wb_beta").set_value(1.5).run()
    text = " ".join(m.value for m in at.markdown)
    assert "**Nothing between: the next layer can stand in.**" in text
    assert "its best w″ = 2.000 and b″ = 1.500 give the same output (largest difference below 1e-9)" in text
    at.radio(key="gb_wb_between").set_value("sigmoid").run()
    chain = gamma_beta.chain(gamma_beta.linear_inputs(), gamma_beta.weights(1.0, 30.0), 0.0, 2.0, 1.5, "sigmoid")
    text = " ".join(m.value for m in at.markdown)
    assert "**A sigmoid between: the next layer cannot stand in.**" in text
    assert f"still miss the output by up to {fixed(chain.gap, 3)}" in text and chain.gap > 0.1
    assert f"w″ = {fixed(chain.w_alone, 3)} and b″ = {fixed(chain.b_alone, 3)}" in text
    alone = [t for t in figure_with(at, "z")["data"] if t.get("meta") == "out_alone"][0]
    np.testing.assert_allclose(bar_mean(alone_as_bars(alone)), chain.out_alone.mean(), atol=0.05)


def test_classroom_mode_asks_for_a_prediction_before_the_recovery_and_hides_the_exact_boxes():
    at = run_page("gamma-beta", session_state={"classroom": True})
    assert len(at.number_input) == 0 and not [t for t in at.table if "largest |y − x|" in t.value.columns]
    recover = [b for b in at.button if b.label == "Recover the original"][0]
    assert recover.disabled
    at.radio(key="gb_predict_recover").set_value("γ = 1, β = 0").run()
    recover = [b for b in at.button if b.label == "Recover the original"][0]
    assert not recover.disabled
    recover.click().run()
    (answer,) = [m.value for m in at.markdown if m.value.startswith("**The answer:")]
    errors = gamma_beta.guess_errors(default_batch().x)
    assert errors["recover"] < gamma_beta.ROUNDING < min(e for g, e in errors.items() if g != "recover")
    assert answer.startswith(f"**The answer: γ = {RECOVER_GAMMA}, β = {MU_B}.** Your class chose “γ = 1, β = 0”")
    assert f"with γ = 1, β = 0, up to {sig(errors['start'], 3)}." in answer
    assert not at.success  # a neutral reveal, not a green box
    drag(at, gamma=2.0)  # the live control still drives the store
    assert at.session_state["gb_gamma"][1] == 2.0


def test_before_the_class_predicts_nothing_on_gamma_betas_first_screen_names_the_recovering_values():
    at = open_link("gamma-beta", {"classroom": "1", "gb_channel": "2", "hide": "channel,exact"})
    assert f"**Predict first:** {content_gamma_beta.RECOVER.question}" in [m.value for m in at.markdown]
    shown = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert (
        "gives back its input" not in shown and "\\gamma\\,\\sigma_B" not in shown
    )  # the undo text, std of y's formula
    (recover,) = [b for b in at.button if b.label == "Recover the original"]
    assert recover.help == content_gamma_beta.RECOVER_HELP and RECOVER_GAMMA not in recover.help
    assert f"{MU_B} = {fixed(default_batch().x[:, 2].mean(), 4)}" in shown  # the channel's statistics are fine
    at.radio(key="gb_predict_recover").set_value(content_gamma_beta.RECOVER.choices[2]).run()
    assert "gives back its input" in " ".join(m.value for m in at.markdown)  # once the class has chosen


def test_the_prediction_is_asked_again_for_another_batch():
    at = run_page("gamma-beta", session_state={"classroom": True})
    at.radio(key="gb_predict_recover").set_value("γ = 1, β = 0").run()
    at.session_state["batch"] = Batch(make_batch(preset("ReLU outputs", 4), 64, seed=1), None, 1, "test: ReLU")
    at.run()
    assert at.radio(key="gb_predict_recover").value is None
    assert [b for b in at.button if b.label == "Recover the original"][0].disabled


def test_extreme_channels_get_ranges_that_hold_their_recovery_and_are_recovered():
    rng = np.random.default_rng(0)
    x = np.stack([1e8 + rng.standard_normal(64), np.zeros(64), 1e-6 * rng.standard_normal(64)], axis=1)
    at = run_page("gamma-beta", session_state=with_batch(x, "extreme"), opened=SECTIONS["gamma-beta"])
    at.selectbox(key="gb_channel").select(0).run()
    beta = control(at, "beta")
    assert beta["max"] >= 1e8 and beta["min"] <= -1e8
    [b for b in at.button if b.label == "Recover the original"][0].click().run()
    assert not at.exception and not at.error
    assert control(at, "beta")["value"] == pytest.approx(x[:, 0].mean(), rel=1e-15)
    assert table_column(at, "largest |y − x|").max() < 1e-9
    assert any("identity on this batch" in s.value for s in at.success)


def test_a_channel_hidden_by_the_link_still_follows_the_link():
    at = open_link("gamma-beta", {"gb_channel": "3", "hide": "channel"})
    assert hidden_keys(at) >= {"gb_channel"} and not control(at, "gamma")["hidden"]
    assert at.selectbox(key="gb_channel")
    x3 = default_batch().x[:, 3]
    assert readout(at, "std of y", 3) == pytest.approx(np.sqrt(x3.var() / (x3.var() + EPS)), abs=5e-5)
    assert at.query_params["gb_channel"] == "3" and at.query_params["hide"] == "channel"


# --- how do γ and β fix the normalized peaks? ---------------------------------------------------------


def peak_rows(at) -> list[list[str]]:
    """The peak followed through BN, as the table shows it: value, channel mean, z-score per stage."""
    (table,) = [t.value for t in at.table if "its z-score" in t.value.columns]
    return table.values.tolist()


def learned_rows(at) -> dict[str, list[str]]:
    (table,) = [t.value for t in at.table if list(t.value.columns) == ["channel 0", "channel 1"]]
    return {name: row.tolist() for name, row in table.iterrows()}


def peaks_text(at) -> str:
    return " ".join(m.value for m in at.markdown)


def figure_with(at, name: str) -> dict:
    """The one figure with a trace named `name`."""
    (found,) = [f for f in figures(at) if any(t.get("name") == name for t in f["data"])]
    return found


def loss_figure(at) -> dict:
    (found,) = [f for f in figures(at) if f["layout"].get("yaxis", {}).get("type") == "log"]
    return found


def test_the_peaks_section_follows_channel_0s_highest_peak_and_shows_both_trainings():
    at = run_page("gamma-beta")
    radio = at.radio(key="gb_peak")
    assert radio.value == "9 in channel 0" and len(radio.options) == 6
    assert peak_rows(at) == [["9.000", "2.066", "5.847"], ["5.847", "0.000", "5.847"], ["3.971", "−2.923", "5.847"]]
    assert learned_rows(at) == {
        "γ learned": ["1.179", "2.237"],
        "γ needed: √(batch variance + ε)": ["1.186", "2.241"],
        "β learned": ["−2.923", "3.146"],
        "β needed: batch mean − 5": ["−2.934", "3.150"],
    }
    text = peaks_text(at)
    assert "the loss stops at 0.0207, the least any w and b reach" in text
    assert "Your peak, x = 9, gets 0.293 where 0.982 is needed" in text
    assert "the loss falls to 6.7e-8 and your peak gets 0.983" in text
    # why the target is sigmoid(x − 5), and why the peak ends near 3.97 rather than at 9 (the run's numbers)
    assert "**Why the target is sigmoid(x − 5).** Before BN, this layer fed a sigmoid with the bias −5" in text
    assert "off for 98\u00a0% of channel 0 but on for its peaks" in text and "on for 94\u00a0% of channel 1" in text
    assert "**Why your peak ends at 3.971, not at 9.**" in text and "here 9 − 5 = 4.000" in text
    assert "the needed values would be the identity of section 1" in text and "your peak would get 9 back" in text
    loss = loss_figure(at)
    curves = {t["name"]: _decode(t["y"]) for t in loss["data"]}
    assert curves["γ = 1, β = 0 fixed"][-1] == pytest.approx(0.0207, abs=1e-4)
    assert curves["γ, β learned"][-1] < 1e-6
    mark = [t for t in figure_with(at, "your peak")["data"] if t.get("name") == "your peak"][0]
    assert mark["x"] == [9.0] and mark["xaxis"] == "x"


def test_picking_another_peak_moves_the_table_and_the_mark():
    at = run_page("gamma-beta")
    at.radio(key="gb_peak").set_value("15 in channel 1").run()
    result = peaks.run()
    before, after, learned = peaks.follow_peak(result.x, 1, 0, *[v[1] for v in result.learned(True)[:2]])
    assert peak_rows(at)[0] == ["15.000", "8.150", "3.056"] and before.z == pytest.approx(3.056, abs=5e-4)
    assert peak_rows(at)[2] == [f"{learned.value:.3f}", f"{learned.mean:.3f}", "3.056"]
    text = peaks_text(at)
    without, needed = result.outputs(result.x, False)[0, 1], result.t[0, 1]
    assert f"Your peak, x = 15, gets {without:.3f} where {needed:.3f} is needed" in text
    assert f"**Why your peak ends at {learned.value:.3f}, not at 15.**" in text and "here 15 − 5 = 10.000" in text
    mark = [t for t in figure_with(at, "your peak")["data"] if t.get("name") == "your peak"][0]
    assert mark["x"] == [15.0] and mark["xaxis"] == "x2"


def test_a_link_picks_the_peak_even_with_the_picker_hidden():
    at = open_link("gamma-beta", {"gb_peak": "16.5 in channel 1", "hide": "peak", **all_open("gamma-beta")})
    assert "gb_peak" in hidden_keys(at)
    assert peak_rows(at)[0][0] == "16.500"


def test_the_answers_are_numbered_sections_each_with_the_anchor_a_link_opens_it_at():
    at = run_page("gamma-beta")
    headers = [(h.value, h.proto.anchor) for h in at.header]
    assert headers == [(f"{n}. {s.title}", s.anchor) for n, s in enumerate(content_gamma_beta.SECTIONS, start=1)]
    assert [a for _, a in headers] == ["spread-and-mean", "nonlinearity", "w-and-b", "peaks"]
    assert content_gamma_beta.heading("peaks") == "4. How do γ and β fix the normalized peaks?"


def test_the_side_sections_open_closed_and_a_link_opens_the_one_it_names():
    def opened(at) -> list[str]:
        return [e.label for e in at.expander if e.proto.expanded]

    assert opened(run_page("gamma-beta")) == []
    assert opened(open_link("gamma-beta", {"gb_open_shape": "true"})) == [content_gamma_beta.SHAPE_TITLE]
    assert opened(open_link("gamma-beta", {"gb_open_target": "true"})) == [content_gamma_beta.TARGET_TITLE]
    # a link to a section (home's and the questions' links) opens the page as it is, the section among the rest
    at = open_link("gamma-beta", {"section": "peaks"})
    assert opened(at) == [] and at.query_params["section"] == "peaks"
