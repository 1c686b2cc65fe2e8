"""The /learning page: the numbers it shows are the core's, each control changes what it should,
the replay does not retrain, and bad input gives a message."""

import re

import numpy as np
import pytest
import streamlit as st

from bnviz.core.data import make_batch, preset
from bnviz.experiments.training import loop
from bnviz.experiments.training.data import make_experiment
from bnviz.experiments.training.ends import last_epoch_mean
from bnviz.experiments.training.landscape import landscape, optimum
from bnviz.experiments.training.loop import step_detail, train
from bnviz.experiments.training.modes import train_vs_eval
from bnviz.experiments.training.settings import TrainingSettings
from bnviz.numbers import fixed, sig
from content.learning import channel_places, channel_table
from helpers.apptest import (
    SECTIONS,
    _decode,
    figures,
    hand,
    hidden_keys,
    kept,
    live_data,
    places_shown,
    run_page,
    same_number,
    shown_cells,
    small_chart_text,
)
from ui.state import Batch

SPECS = tuple(preset("channels on very different scales", 4))  # the default batch's
DEFAULT = TrainingSettings()  # the page's defaults: reconstruct, SGD, η = 0.03, B = 32, 30 epochs


def run_learning(**state):
    """/learning with every side section open (the landscape, train vs eval, momentum), as a link opens them."""
    return run_page("learning", timeout=180, session_state=state, opened=SECTIONS["learning"])


def core(settings=DEFAULT, specs=SPECS, x=None):
    exp = make_experiment(specs, x, settings)
    hist = train(exp)
    return exp, hist, optimum(exp)


def by_name(fig: dict, name: str) -> dict:
    return next(t for t in fig["data"] if t.get("name") == name)


def values(trace: dict, key: str) -> np.ndarray:
    return np.asarray(_decode(trace[key]), dtype=float)


def plotted(trace: dict, series: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(y the trace plots, the series at the steps it plots): long histories are thinned."""
    steps = values(trace, "x").astype(int)
    return values(trace, "y"), series[steps - 1]


def metric(at, label: str):
    return next(m for m in at.metric if m.label == label)


def history(at) -> dict:
    """The time-axis figure as the live replay (ui/live.py) sends it to the browser."""
    return live_data(at, "learn_live")["figure"]


def move_step(at, step: int):
    """The step control's value as the browser sends it back when the hand stops (setStateValue)."""
    return hand(at, "learn_live", learn_step=float(step))


def latex(at) -> str:
    return "\n".join(el.value for el in at.latex)


@pytest.fixture(scope="module")
def default_page():
    return run_learning()


def test_page_title_and_the_batch_it_trains_on(default_page):
    at = default_page
    assert at.title[0].value == "Watch γ and β learned"
    captions = " ".join(c.value for c in at.caption)
    assert "default: channels on very different scales" in captions and "its channel distributions" in captions


def rounding(exp, hist, gamma_star, beta_star) -> dict[str, int]:
    """The decimals the page writes each of the every-channel table's quantities with."""
    return channel_places(channel_table(exp, hist, gamma_star, beta_star))


def test_metrics_show_the_cores_learned_values_and_optimum(default_page):
    exp, hist, (gamma_star, beta_star) = core()
    p = rounding(exp, hist, gamma_star, beta_star)
    g = metric(default_page, "γ, mean of the last epoch")
    assert float(g.value) == pytest.approx(last_epoch_mean(exp, hist, "gamma")[1], rel=1e-3)
    assert g.delta == f"γ* = {fixed(gamma_star[1], p['γ*'], '-')}"
    b = metric(default_page, "β, mean of the last epoch")
    assert float(b.value) == pytest.approx(last_epoch_mean(exp, hist, "beta")[1], rel=1e-3)
    assert b.delta == f"β* = {fixed(beta_star[1], p['β*'], '-')}"


def test_time_axis_figure_plots_the_cores_training_of_the_watched_channel(default_page):
    exp, hist, (gamma_star, _) = core()
    fig = history(default_page)
    for name, series in [("γ", hist.gamma), ("μ<sub>B</sub> of the batch", hist.mu), ("running_var", hist.running_var)]:
        np.testing.assert_allclose(*plotted(by_name(fig, name), series[:, 1]), rtol=1e-6)
    assert values(by_name(fig, "γ"), "x")[-1] == hist.steps
    assert any(s.get("y0") == pytest.approx(gamma_star[1]) for s in fig["layout"]["shapes"])
    text = " ".join(c.value for c in default_page.caption)
    assert "Computed for every batch, never learned" in text and "Learned, one value shared by every batch" in text


def test_the_live_replay_sends_the_recorded_numbers_of_the_watched_channel_exactly(default_page):
    _, hist, _ = core()
    data = live_data(default_page, "learn_live")
    assert data["kind"] == "step_replay"
    (control,) = data["controls"]
    assert (control["name"], control["min"], control["max"], control["step"], control["value"]) == (
        "learn_step",
        1,
        hist.steps,
        1,
        hist.steps,  # at first the whole training: its last step
    )
    assert control["play"] is True and control["label"].startswith("Step (move it, or press Play")
    arrays = data["arrays"]
    assert arrays["control"] == "learn_step" and arrays["stride"] == 1
    for name in ("mu", "var", "gamma", "beta", "loss"):
        assert arrays[name] == getattr(hist, name)[:, 1].tolist(), name  # float64, every step: exact
    (marker,) = [s for s in data["figure"]["layout"]["shapes"] if s.get("name") == "step_marker"]  # by its name
    assert marker["x0"] == marker["x1"] == hist.steps and marker["yref"] == "paper"  # the line the browser moves
    assert [r["label"] for r in data["readouts"]] == ["μ<sub>B</sub> =", "σ²<sub>B</sub> =", "γ =", "β =", "loss ="]
    # The curves the browser draws up to the step: every trace of the time axis, by its meta, as drawn in full.
    traces = {t["meta"]: t for t in data["figure"]["data"]}
    assert set(arrays["curves"]) == set(traces)
    for meta, curve in arrays["curves"].items():
        np.testing.assert_array_equal(curve["x"], values(traces[meta], "x"))
        np.testing.assert_array_equal(values(curve, "y"), values(traces[meta], "y"))  # float32, both
    assert arrays["curves"]["gamma"]["known"] == arrays["curves"]["gamma"]["x"]  # a step's point, from its step
    assert arrays["curves"]["loss_epoch"]["known"] == [32 * (e + 1) for e in range(30)]  # an epoch's, once it ends


def test_the_replay_says_what_to_watch_and_why_the_loss_stays_noisy_with_the_runs_numbers(default_page):
    exp, hist, (gamma_star, beta_star) = core()
    p = rounding(exp, hist, gamma_star, beta_star)
    captions = [c.value for c in default_page.caption]
    assert "Press Play and watch $\\mu_B$ jump from batch to batch while γ and β settle." in captions
    (noise,) = [c for c in captions if c.startswith("**Why the loss stays noisy once γ and β have settled:**")]
    last = slice(hist.steps - 32, None)  # the last epoch: 32 batches
    g, b, loss = (getattr(hist, name)[last, 1] for name in ("gamma", "beta", "loss"))
    assert f"γ stayed between {fixed(g.min(), p['γ learned'])} and {fixed(g.max(), p['γ learned'])}" in noise
    assert f"β between {fixed(b.min(), p['β learned'])} and {fixed(b.max(), p['β learned'])}" in noise
    assert f"the loss of one batch went from {sig(loss.min())} to {sig(loss.max())}" in noise


def test_a_shorter_training_brings_the_step_back_into_its_range():
    at = move_step(run_learning(), 900)
    at.slider(key="learn_epochs").set_value(2).run()  # 2 epochs of 32 steps
    (control,) = live_data(at, "learn_live")["controls"]
    assert control["max"] == 64 and control["value"] == 64  # the browser is told the new step
    assert any(m.value.startswith("**Step 64 up close**") for m in at.markdown)


def test_reconstruct_explains_gamma_star_against_sqrt_var_plus_eps(default_page):
    exp, hist, (gamma_star, beta_star) = core()
    p = rounding(exp, hist, gamma_star, beta_star)
    text = " ".join(m.value for m in default_page.markdown)
    assert f"γ* = **{fixed(gamma_star[1], p['γ*'])}**" in text and f"β* = **{fixed(beta_star[1], p['β*'])}**" in text
    assert f"√(σ²+ε) = {fixed(np.sqrt(exp.std[1] ** 2 + 1e-5), p['σ of the data'])}" in text
    # μ and σ with the decimals of the table, as √(σ²+ε) and β* beside them (not "σ = 10" by "√(σ²+ε) = 10.02")
    assert f"(μ = {fixed(exp.mu[1], p['μ of the data'])}, σ = {fixed(exp.std[1], p['σ of the data'])})" in text


def test_a_different_target_settles_at_the_target_not_at_mu_and_sigma():
    at = run_learning(learn_task="target", learn_target_mean=-1.5, learn_target_std=2.0)
    exp, hist, (gamma_star, beta_star) = core(DEFAULT.replace(task="target", target_mean=-1.5, target_std=2.0))
    p = rounding(exp, hist, gamma_star, beta_star)["β*"]
    assert metric(at, "β, mean of the last epoch").delta == f"β* = {fixed(beta_star[1], p, '-')}"  # "-1.50"
    assert beta_star[1] == pytest.approx(-1.5)
    assert gamma_star[1] == pytest.approx(2.0, rel=0.05)


def test_choosing_a_task_sets_a_learning_rate_that_suits_it():
    at = run_learning()
    at.radio(key="learn_task").set_value("classify").run()
    assert at.select_slider(key="learn_lr").value == 0.3
    _, hist, (gamma_star, _) = core(DEFAULT.replace(task="classify", lr=0.3))
    assert metric(at, "γ, mean of the last epoch").delta == f"γ* = {gamma_star[1]:.4g}"
    assert gamma_star[1] > 3  # the steep sigmoid the labels need
    assert r"\sigma(y_i) - \text{label}_i" in latex(at)
    at.radio(key="learn_task").set_value("reconstruct").run()
    assert at.select_slider(key="learn_lr").value == 0.03


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_the_optimizer_changes_the_path_and_the_update_written_out(optimizer):
    at = move_step(run_learning(learn_optimizer=optimizer), 50)
    _, hist, _ = core(DEFAULT.replace(optimizer=optimizer))
    np.testing.assert_allclose(*plotted(by_name(history(at), "γ"), hist.gamma[:, 1]), rtol=1e-6)
    assert (r"v \leftarrow 0.9" if optimizer == "momentum" else r"\hat m = \frac{m}{1 - 0.9^t}") in latex(at)


@pytest.fixture
def trainings(monkeypatch) -> list:
    """The settings of every training the page runs from now on (caches cleared first)."""
    calls = []

    def counting_train(exp, on_progress=None):
        calls.append(exp.settings)
        return train(exp, on_progress)

    monkeypatch.setattr(loop, "train", counting_train)
    st.cache_data.clear()
    return calls


def test_the_scrubber_replays_steps_with_their_numbers_and_never_retrains(trainings):
    at = run_learning()
    assert len(trainings) == 3  # the training, and the batch-2 and batch-64 comparisons
    exp, hist, _ = core()
    sent = live_data(at, "learn_live")
    for step in (1, 200, 960):
        move_step(at, step)
        d = step_detail(exp, hist, step - 1, 1)
        assert at.query_params.get("learn_step") == (None if step == 960 else str(step))  # `?learn_step=200`
        text = latex(at)
        assert f"= {d.grad_gamma:.4g}" in text and f"= {d.grad_beta:.4g}" in text
        assert f"= {d.gamma:.4g} - 0.03" in text and f"= {d.gamma_next:.4g}" in text
        assert kept(live_data(at, "learn_live"), sent)  # the browser already shows the step: it keeps its input
        step_fig = figures(at)[0]  # the time axis is the live replay's; the step's own figure is the first chart
        np.testing.assert_allclose(values(by_name(step_fig, "x (input)"), "x"), d.x, rtol=1e-6)
    assert len(trainings) == 3  # moving the scrubber replayed the record, it did not train again
    assert at.table[0].value["∂L/∂y"].iloc[-1] == pytest.approx(d.grad_beta)


def test_an_unstable_learning_rate_warns_instead_of_failing():
    at = run_learning(learn_lr=3.0)
    assert any("diverged" in w.value and "smaller learning rate" in w.value for w in at.warning)


def test_an_uploaded_batch_is_resampled_from_its_own_values():
    x = np.random.default_rng(0).normal(5.0, 2.0, size=(300, 2))
    at = run_learning(batch=Batch(x, None, 0, "upload: acts.npy"), learn_channel=1)
    assert "its own values, resampled" in " ".join(c.value for c in at.caption)
    exp, hist, _ = core(specs=None, x=x)
    assert float(metric(at, "γ, mean of the last epoch").value) == pytest.approx(
        last_epoch_mean(exp, hist)[1], rel=1e-3
    )
    assert exp.mu[1] == pytest.approx(x[:, 1].mean(), abs=0.2)


def test_a_convolutional_batch_with_one_channel_trains_and_the_channel_choice_is_clamped():
    specs = (preset("all standard normal", 1)[0],)
    batch = Batch(make_batch(specs, 8, spatial=(4, 4), seed=0), specs, 0, "preset: one channel")
    at = run_learning(batch=batch)  # learn_channel defaults to 1, which this batch lacks
    assert at.selectbox(key="learn_channel").value == 0
    assert not at.error
    assert "shape (8, 1, 4, 4)" in " ".join(c.value for c in at.caption)


def test_a_constant_channel_says_only_beta_learns():
    specs = tuple(preset("one dead channel with zero variance", 3))
    at = run_learning(batch=Batch(make_batch(specs, 64, seed=0), specs, 0, "preset: dead"))  # channel 1 is dead
    assert any("constant" in i.value and "only β learns" in i.value for i in at.info)
    assert metric(at, "γ, mean of the last epoch").delta == "γ* = any"
    assert "nan" not in " ".join(m.value for m in at.markdown)


def test_closed_side_sections_train_nothing_and_draw_nothing(trainings):
    at = run_page("learning", timeout=180)  # as the page opens: its side sections closed
    assert trainings == [DEFAULT]  # the training alone: train vs eval's two trainings wait until it is opened
    assert len(figures(at)) == 1 and len(at.table) == 0  # the step's figure; its arithmetic closed, not built
    assert [e.label for e in at.expander if e.proto.expanded] == []
    assert not [el for el in at.latex if "leftarrow" in el.value]


def test_your_turn_draws_your_moves_with_their_loss_and_start_again_clears_them():
    at = run_learning()
    exp, hist, _ = core()
    land = landscape(exp)
    at.slider(key="learn_my_gamma").set_value(6.0).run()
    at.slider(key="learn_my_beta").set_value(5.0).run()
    fig = figures(at)[1]
    mine = by_name(fig, "your path")
    np.testing.assert_allclose(values(mine, "x"), [1.0, 6.0, 6.0])
    np.testing.assert_allclose(values(mine, "y"), [0.0, 0.0, 5.0])
    expected = [land.loss(1, g, b) for g, b in [(1.0, 0.0), (6.0, 0.0), (6.0, 5.0)]]
    assert mine["text"] == [f"{v:.4g}" for v in expected]
    assert metric(at, "Your loss now").value == f"{expected[-1]:.4g}"
    assert metric(at, "Your loss now").delta == "2 moves"
    at.button(key="learn_restart").click().run()
    assert len(values(by_name(figures(at)[1], "your path"), "x")) == 1
    assert metric(at, "Your loss now").delta == "0 moves"


def test_train_vs_eval_table_shows_the_cores_comparison_for_batch_2_and_64(default_page):
    table = default_page.table[1].value  # the step's numbers are table 0
    assert list(table.columns) == ["batch 2", "batch 64"]
    for b in [2, 64]:
        per_epoch = 1024 // b  # each trained for about as many steps as the main training
        s = DEFAULT.replace(batch_size=b, epochs=-(-DEFAULT.steps // per_epoch))
        exp = make_experiment(SPECS, None, s)
        te = train_vs_eval(exp, train(exp))
        column = table[f"batch {b}"].astype(float)
        assert column["running_mean after training"] == pytest.approx(te.running_mean[1], rel=1e-3)
        assert column["loss in training mode"] == pytest.approx(te.loss_train[1], rel=1e-3)
        assert column["loss in eval mode"] == pytest.approx(te.loss_eval[1], rel=1e-3)
    gaps = table.loc["… as a fraction of the output's spread"].astype(float)
    assert gaps["batch 64"] < 0.5 * gaps["batch 2"]


def test_the_small_batch_control_switches_to_batches_of_four():
    at = run_learning()
    at.select_slider(key="learn_small_batch").set_value(4).run()
    assert list(at.table[1].value.columns) == ["batch 4", "batch 64"]


def test_conventions_show_the_bn_momentum_written_the_keras_and_cs231n_way():
    at = run_learning(learn_momentum=0.05)
    table = at.dataframe[-1].value  # the conventions are the last dataframe
    assert table.loc["PyTorch", "your setting, written this way"] == pytest.approx(0.05)
    assert table.loc["Keras", "your setting, written this way"] == pytest.approx(0.95)
    assert table.loc["Keras", "default m"] == 0.99 and table.loc["cs231n", "default m"] == 0.9
    formulas = latex(at)
    assert r"\text{running} \leftarrow (1 - m)\,\text{running} + m\,\mu_B" in formulas
    assert r"\text{moving} \leftarrow m\,\text{moving} + (1 - m)\,\mu_B" in formulas


def reveals(at) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("**The answer:")]


def test_classroom_mode_hides_the_seed_and_asks_for_a_prediction_before_each_reveal():
    at = run_learning(classroom=True)
    shown = {n.label for n in at.number_input if n.key not in hidden_keys(at)}
    assert "Seed" not in shown and "Initial γ" not in shown
    # In classroom mode the conventions' table (its section open) is an HTML table too; the others wait.
    revealed = lambda: [t for t in at.table if t.value.index.name != "convention"]  # noqa: E731
    assert len(revealed()) == 0 and len(at.metric) == 0  # where γ and β end waits for a prediction
    at.radio(key="learn_predict_end").set_value("no: they stay near 1 and 0").run()
    # The reveal: the right choice, computed from the training, and that the class's was not it.
    assert (
        "**The answer: yes: γ ≈ σ, β ≈ μ (BN undone).** Your class chose “no: they stay near 1 and 0”: not this one."
        in (reveals(at)[0])
    )
    assert [m.label for m in at.metric][:2] == ["γ, mean of the last epoch", "β, mean of the last epoch"]
    # The step's numbers and where every channel ends; the comparison waits for its own prediction.
    assert len(revealed()) == 2 and "γ*" in revealed()[1].value.columns
    at.radio(key="learn_predict_modes").set_value("very different").run()
    assert any(list(t.value.columns) == ["batch 2", "batch 64"] for t in revealed())
    assert reveals(at)[1].startswith(
        "**The answer: very different.** Your class chose it. With batches of 2 the two modes"
    )
    assert small_chart_text(at) == []  # every chart's text at 18 px or more, the live ones too


def test_in_classroom_mode_another_task_asks_the_class_again_and_its_answer_comes_from_its_training():
    at = run_learning(classroom=True)
    assert "**Predict first:** On the task “Reconstruct the input”, will γ and β end at σ and μ of channel 1?" in [
        m.value for m in at.markdown
    ]
    at.radio(key="learn_predict_end").set_value("yes: γ ≈ σ, β ≈ μ (BN undone)").run()
    assert reveals(at)[0].startswith("**The answer: yes: γ ≈ σ, β ≈ μ (BN undone).** Your class chose it.")
    at.radio(key="learn_task").set_value("target").run()
    assert at.radio(key="learn_predict_end").value is None and not reveals(at)  # asked again, nothing shown
    assert len(at.metric) == 0
    at.radio(key="learn_predict_end").set_value("yes: γ ≈ σ, β ≈ μ (BN undone)").run()
    assert reveals(at)[0].startswith(
        "**The answer: no: somewhere else.** Your class chose “yes: γ ≈ σ, β ≈ μ (BN undone)”: not this one."
    )


# --- one rounding per column and per quantity (issue 22) ----------------------------------------------

GAMMA_COLUMNS, BETA_COLUMNS = ("γ*", "γ learned"), ("β*", "β learned")


def channels_shown(at):
    """ "Where every channel ends up" as shown: one row per channel."""
    (table,) = [d for d in at.dataframe if "γ*" in d.value.columns]
    return shown_cells(table)


def star(at, name: str) -> str:
    """The number the task's explanation quotes as γ* or β* (in bold)."""
    text = " ".join(m.value for m in at.markdown)
    return re.search(rf"{name}\* = \*\*([^*]+)\*\*", text).group(1)


@pytest.fixture(scope="module")
def target_page():
    """A target of mean −3: β* is −3.000 to four digits, and β learned −2.99…"""
    return run_learning(learn_task="target", learn_target_mean=-3.0, learn_target_std=0.5)


@pytest.mark.parametrize("page", ["default_page", "target_page"])
def test_the_every_channel_table_writes_each_quantity_with_one_number_of_decimals(page, request):
    cells = channels_shown(request.getfixturevalue(page))
    for columns in (["μ of the data"], ["σ of the data"], GAMMA_COLUMNS, BETA_COLUMNS):
        texts = [t for c in columns for t in cells[c]]
        assert len(places_shown(texts)) == 1, (columns, texts)  # γ* beside γ learned: one rounding


def test_the_metrics_the_explanation_and_the_time_axis_quote_the_tables_numbers(target_page):
    # "/learning shows −3 beside −2.998": β* and β learned, in one metric, with one rounding.
    at = target_page
    row = channels_shown(at).loc["channel 1"]
    for symbol, learned in (("γ", "γ learned"), ("β", "β learned")):
        shown = metric(at, f"{symbol}, mean of the last epoch")
        assert len(places_shown([shown.value, shown.delta.split(" = ")[1]])) == 1, (shown.value, shown.delta)
        assert shown.value == row[learned]
        assert shown.delta == f"{symbol}* = {row[f'{symbol}*']}"
        assert same_number(star(at, symbol)) == row[f"{symbol}*"]
        notes = [a["text"] for a in history(at)["layout"]["annotations"] if a["text"].startswith(f"{symbol}* = ")]
        assert [same_number(n) for n in notes] == [f"{symbol}* = {row[f'{symbol}*']}"]
    text = " ".join(m.value for m in at.markdown)
    assert f"σ = {same_number(row['σ of the data'])}".replace("-", "−") in text
    assert f"μ = {row['μ of the data']}".replace("-", "−") in text


def test_the_steps_table_has_one_number_of_decimals_per_column_and_the_update_quotes_its_sums():
    at = move_step(run_learning(), 200)
    cells = shown_cells(at.table[0])
    for column, texts in cells.items():
        assert len(places_shown(texts)) == 1, (column, list(texts))
    text = latex(at)
    assert rf"\hat{{x}}_i = {cells['∂L/∂y · x̂'].iloc[-1]}" in text  # ∂L/∂γ, the last column's sum
    assert rf"\frac{{\partial L}}{{\partial y_i}} = {cells['∂L/∂y'].iloc[-1]}" in text  # ∂L/∂β


def test_the_steps_figure_writes_gamma_and_beta_as_the_steps_line_and_readouts_do():
    at = move_step(run_learning(), 200)
    exp, hist, _ = core()
    d = step_detail(exp, hist, 199, 1)
    line = next(m.value for m in at.markdown if m.value.startswith("**Step 200 up close**"))
    assert f"γ = {sig(d.gamma)}, β = {sig(d.beta)}" in line
    assert f"y = {sig(d.gamma)}·x̂ + {sig(d.beta)}" in [t.get("name") for t in figures(at)[0]["data"]]  # β > 0 here


def test_the_train_vs_eval_table_writes_each_quantity_with_one_number_of_decimals(default_page):
    cells = shown_cells(default_page.table[1]).T  # one column per quantity
    groups = [
        ["mean of the held-out batch", "running_mean after training"],
        ["variance of the held-out batch", "running_var after training"],
        ["loss in training mode", "loss in eval mode"],
        ["mean |y_train − y_eval|"],
        ["… as a fraction of the output's spread"],
    ]
    assert sorted(c for g in groups for c in g) == sorted(cells.columns)
    for group in groups:
        texts = [t for c in group for t in cells[c]]
        assert len(places_shown(texts)) == 1, (group, texts)


def test_the_conventions_write_each_momentum_with_one_number_of_decimals_in_table_formula_and_caption(default_page):
    at = default_page
    (table,) = [d for d in at.dataframe if "default m" in d.value.columns]
    cells = shown_cells(table)
    assert len(places_shown([t for c in cells.columns for t in cells[c]])) == 1
    assert rf"\text{{Keras}} \;(\text{{default }} m = {cells.loc['Keras', 'default m']})" in latex(at)
    mine = cells["your setting, written this way"]
    caption = next(c.value for c in at.caption if c.value.startswith("PyTorch's m is the weight"))
    assert f"So PyTorch's {mine['PyTorch']} is Keras' and cs231n's {mine['Keras']}." in caption
