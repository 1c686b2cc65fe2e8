"""The "Why BN helps" page in AppTest: the three networks' numbers against the core, each control, the form,
errors as messages; the jolt of "Do γ and β just undo BN?" and its numbers."""

import numpy as np
import pytest

import bnviz.experiments.mlp
from bnviz.core.datasets import make_dataset
from bnviz.experiments.jolt import DEFAULT_LR, jolt
from bnviz.experiments.mlp import SWEEP_LRS, NetworkSettings, lr_sweep, train_networks
from bnviz.figures.network import outcome
from content.network import (
    JOLT_PREDICTIONS,
    JOLT_TITLE,
    TRAIN,
    final_losses,
    jolt_happened,
    jolt_summary,
    jolt_why,
    lowest_loss,
    sweep_answer,
    undo_summary,
    undo_text,
)
from helpers.apptest import SECTIONS, _decode, by_label, figures, hidden_keys, run_page, small_chart_text

TIMEOUT = 300  # the first run trains; the machine may be busy
QUICK = {"net_sweep": False, "net_steps": 200}


def page(**state):
    """/network with its side section (inside the network) open, as a link opens it."""
    return run_page("network", timeout=TIMEOUT, session_state=state, opened=SECTIONS["network"])


def reveals(at) -> list[str]:
    """The classroom reveals on the page, in order: the answer, whether the class chose it, and why."""
    return [m.value for m in at.markdown if m.value.startswith("**The answer:")]


def boxes(at) -> list[str]:
    """The three result lines, one per network."""
    return [
        m.value for m in at.markdown if m.value.startswith(("**Without BN** (", "**BN with γ, β** (", "**BN without"))
    ]


def trained_with(at) -> str:
    """The line above the results that names the settings they belong to."""
    (line,) = [i.value for i in at.info if i.value.startswith("**These results are for:**")]
    return line


def chart_titles(at) -> list[str]:
    return [(f["layout"].get("title") or {}).get("text", "") for f in figures(at)]


def jolt_charts(at) -> list[dict]:
    """The jolt's figures (its loss, and its relative step when "Why the step shrinks" is open): their lines
    carry meta "arm:copy"."""
    return [f for f in figures(at) if any(t.get("meta") == "bn:1" for t in f["data"])]


def lines_from(at, start: str) -> list[str]:
    """The page's markdown texts that start with `start`."""
    return [m.value for m in at.markdown if m.value.startswith(start)]


def test_the_default_page_trains_the_three_networks_and_shows_the_cores_numbers():
    at = page()
    assert at.title[0].value == "Why BN helps"
    plain, bn, fixed = train_networks(NetworkSettings())
    assert boxes(at) == [
        f"**Without BN** (tanh, learning rate 3, 600 steps): {outcome(plain)}",
        f"**BN with γ, β** (tanh, learning rate 3, 600 steps): {outcome(bn)}",
        f"**BN without γ, β** (tanh, learning rate 3, 600 steps): {outcome(fixed)}",
    ]
    assert boxes(at)[2].endswith("final loss 0.179, accuracy 94%")  # the number "So why does BN help?" quotes
    assert len(figures(at)) == 10  # curves, boundary, strips, saturation, gradients, γ/β, sweep, jolt, its steps, undo
    curves = figures(at)[0]
    np.testing.assert_allclose(_decode(curves["data"][0]["y"]), plain.loss)
    np.testing.assert_allclose(_decode(curves["data"][2]["y"]), bn.loss)
    np.testing.assert_allclose(_decode(curves["data"][4]["y"]), fixed.loss)
    assert trained_with(at).startswith(
        "**These results are for:** the two moons, tanh, 4 hidden layers of 32 units, learning rate 3, "
        "initialisation 1×, batch size 32, 600 steps, seed 0."
    )


def test_the_sweep_chart_shows_the_final_loss_of_every_rate_for_the_three_networks():
    at = page()
    sweep = lr_sweep(NetworkSettings())
    (fig,) = [f for f in figures(at) if "learning rate" in (f["layout"].get("title") or {}).get("text", "")]
    by_name = {t["name"]: t for t in fig["data"]}
    for name, norm in (("without BN", "none"), ("BN with γ, β", "bn"), ("BN without γ, β", "bn_no_affine")):
        finite = [r.final_loss for r in sweep.runs[norm] if not r.diverged]
        np.testing.assert_allclose(_decode(by_name[name]["y"]), finite, rtol=1e-12)
    assert "learning rate" in fig["layout"]["title"]["text"]


def test_turning_the_sweep_off_removes_its_chart():
    at = page(**QUICK)
    assert len(figures(at)) == 9
    assert not any("each learning rate" in t for t in chart_titles(at))


def test_relu_at_a_high_learning_rate_shows_the_plain_network_diverging():
    at = page(net_activation="ReLU", **QUICK)
    plain, bn, fixed = train_networks(NetworkSettings(activation="ReLU", steps=200))
    assert plain.diverged and not bn.diverged and not fixed.diverged
    assert f"diverged at step {plain.diverged_at}" in boxes(at)[0]
    assert outcome(bn) in boxes(at)[1] and outcome(fixed) in boxes(at)[2]
    assert any(t.startswith("Dead units per layer") for t in chart_titles(at))


def test_on_the_circles_with_tanh_only_the_network_without_gamma_and_beta_stays_near_guessing():
    at = page(net_dataset="circles", net_lr=0.3, net_sweep=False)
    plain, bn, fixed = train_networks(NetworkSettings(dataset="circles", lr=0.3))
    assert boxes(at) == [
        f"**Without BN** (tanh, learning rate 0.3, 600 steps): {outcome(plain)}",
        f"**BN with γ, β** (tanh, learning rate 0.3, 600 steps): {outcome(bn)}",
        f"**BN without γ, β** (tanh, learning rate 0.3, 600 steps): {outcome(fixed)}",
    ]
    assert [box.rsplit(": ", 1)[1] for box in boxes(at)] == [  # the numbers of "Things to try"
        "final loss 0.000987, accuracy 100%",
        "final loss 0.0124, accuracy 100%",
        "final loss 0.684, accuracy 56%",
    ]
    assert any(h.value == "What each network learned on the circles" for h in at.subheader)
    X, y = make_dataset("circles", 512, seed=0)
    boundary = figures(at)[1]
    class0 = next(t for t in boundary["data"] if t.get("name") == "class 0")
    np.testing.assert_allclose(_decode(class0["x"]), X[y == 0, 0], rtol=1e-6)


def test_depth_width_and_steps_change_the_network_that_is_drawn():
    at = page(net_depth=5, net_width=8, net_steps=100, net_sweep=False)
    strips, gamma_beta = figures(at)[2], figures(at)[5]
    assert len([t for t in strips["data"] if t["type"] == "heatmap"]) == 3 * 5
    assert max(_decode(strips["data"][0]["x"])) == 100
    assert len(gamma_beta["data"]) == 2 * 5 and all(len(_decode(t["y"])) == 8 for t in gamma_beta["data"])
    assert "100 steps" in boxes(at)[0]


def test_a_too_small_initialisation_leaves_the_plain_network_guessing():
    at = page(net_activation="ReLU", net_lr=0.1, net_init_scale=0.1, **QUICK)
    (plain,) = train_networks(NetworkSettings(activation="ReLU", lr=0.1, init_scale=0.1, steps=200), norms=("none",))
    assert plain.final_loss == pytest.approx(np.log(2), abs=0.01)
    assert boxes(at)[0].endswith(outcome(plain))


def test_the_seed_and_batch_size_change_the_run():
    first = boxes(page(**QUICK))
    assert boxes(page(net_seed=1, **QUICK)) != first
    assert boxes(page(net_batch_size=64, **QUICK)) != first


def test_a_changed_control_applies_only_when_train_is_pressed_and_the_results_say_so():
    at = page(**QUICK)
    before = boxes(at)
    assert "activation" not in trained_with(at) and ", tanh, " in trained_with(at)
    assert trained_with(at).endswith(f"A control changed above applies only when you press “{TRAIN}”.")
    # A control inside the form changes on screen, but its value reaches the page only on submit:
    # the results, and the line naming their settings, stay those of the last run.
    at.radio(key="net_activation").set_value("sigmoid").run()
    assert at.session_state["net_activation"] == "tanh"
    assert boxes(at) == before and ", tanh, " in trained_with(at)
    assert chart_titles(at)[2].startswith("Each layer's tanh outputs")
    # AppTest redraws the form from the last run (a browser would keep showing sigmoid): choose it again.
    at.radio(key="net_activation").set_value("sigmoid")
    by_label(at.button, TRAIN).click().run()
    assert not at.exception
    assert ", sigmoid, " in trained_with(at) and boxes(at)[0].startswith("**Without BN** (sigmoid,")
    assert chart_titles(at)[2].startswith("Each layer's sigmoid outputs")


def test_a_rerun_with_the_same_settings_does_not_train_again(monkeypatch):
    page(net_seed=7, **QUICK)

    def fail(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(bnviz.experiments.mlp, "train_networks", fail)
    at = page(net_seed=7, **QUICK)  # served from st.cache_data
    assert len(figures(at)) == 9


def test_an_error_in_training_is_shown_as_a_message_not_a_traceback(monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("batch_size must be between 2 and the 512 points")

    monkeypatch.setattr(bnviz.experiments.mlp, "train_networks", refuse)
    at = page(net_seed=9999, **QUICK)  # a seed no other test trains, so not in the cache
    assert [e.value for e in at.error] == [
        "These settings cannot be trained: batch_size must be between 2 and the 512 points"
    ]
    assert not figures(at)


def test_classroom_mode_keeps_the_essential_controls_and_asks_for_predictions_before_each_reveal():
    at = page(classroom=True, net_steps=200)
    widgets = [*at.radio, *at.select_slider, *at.slider]
    labels = [w.label for w in widgets if w.key not in hidden_keys(at)]  # drawn hidden, their values still apply
    assert {"Dataset", "Activation", "Learning rate", "Initialisation scale"} <= set(labels)
    assert not {"Hidden layers", "Units per hidden layer", "Batch size", "Training steps"} & set(labels)
    assert len(figures(at)) == 0  # the training waits for the class's prediction, and so does the sweep
    assert at.radio(key="net_predict_train").options == [
        "without BN",
        "BN with γ, β",
        "BN without γ, β",
        "about the same",
    ]
    at.radio(key="net_predict_train").set_value("without BN").run()
    assert len(figures(at)) == 0 and not reveals(at)  # the teacher trains once the class has chosen
    by_label(at.button, TRAIN).click().run()
    assert len(figures(at)) == 3  # the loss beside the prompt, then the curves and the map ("Inside" is closed)
    runs = train_networks(NetworkSettings(steps=200))  # the run the page shows, by its one function
    right = lowest_loss(runs)
    assert reveals(at) == [
        f"**The answer: {' or '.join(right)}.** "
        + ("Your class chose it." if "without BN" in right else "Your class chose “without BN”: not this one.")
        + f" {final_losses(runs)}"
    ]
    at.radio(key="net_predict_sweep").set_value("only the small ones").run()
    assert not at.exception
    assert len(figures(at)) == 4  # and the sweep
    assert not lines_from(at, "**Without BN** the loss")  # the jolt waits for its own prediction
    assert at.radio(key="net_predict_jolt").options == JOLT_PREDICTIONS
    at.radio(key="net_predict_jolt").set_value("both").run()
    assert len(figures(at)) == 5 and len(jolt_charts(at)) == 1  # and the jolt
    happened = jolt_happened(jolt(NetworkSettings(steps=200, lr=DEFAULT_LR), layer=1, factor=10.0))
    assert reveals(at)[2].startswith(f"**The answer: {happened}.** ")
    assert small_chart_text(at) == []  # every chart's text at 18 px or more, for the back of the room
    sweep = lr_sweep(NetworkSettings(steps=200))
    rates = {norm: ", ".join(f"{lr:g}" for lr in sweep.trained(norm)) for norm in sweep.runs}
    answer = sweep_answer(sweep.trained("none"), SWEEP_LRS)
    assert reveals(at)[1] == (
        f"**The answer: {answer}.** "
        + (
            "Your class chose it."
            if answer == "only the small ones"
            else "Your class chose “only the small ones”: not this one."
        )
        + " Reaching 90 % accuracy, the network "
        f"without BN trained at learning rates {rates['none']}; BN with γ, β at {rates['bn']}; "
        f"BN without γ, β at {rates['bn_no_affine']}."
    )


def test_in_classroom_mode_a_changed_setting_asks_the_class_again_before_showing_its_training():
    at = page(classroom=True, net_steps=200)
    at.radio(key="net_predict_train").set_value("BN with γ, β").run()
    by_label(at.button, TRAIN).click().run()
    assert len(reveals(at)) == 1
    at.select_slider(key="net_lr").set_value(0.3)
    by_label(at.button, TRAIN).click().run()
    assert at.radio(key="net_predict_train").value is None  # a prediction about rate 3 is not one about 0.3
    assert not reveals(at) and len(figures(at)) == 0
    assert (
        "**Predict first:** Same start, same batches, 200 steps at learning rate 0.3: which network ends with the lowest loss?"
        in [m.value for m in at.markdown]
    )


def test_the_jolt_shows_each_networks_loss_with_and_without_the_jolt_and_the_runs_numbers():
    at = page(**QUICK)
    expected = jolt(NetworkSettings(steps=200, lr=DEFAULT_LR), layer=1, factor=10.0)  # the form's, at its own rate
    assert JOLT_TITLE in [h.value for h in at.subheader]
    assert at.radio(key="net_jolt_factor").value == 10.0 and at.radio(key="net_jolt_layer").value == 1
    (summary,) = lines_from(at, "**Without BN** the ")
    assert summary == f"{jolt_summary(expected)} {undo_summary(expected.undo)}"  # and whether γ, β undid BN
    assert summary.startswith("**Without BN** the loss jumps: ") and "**With BN** the loss carries on: " in summary
    loss, steps = jolt_charts(at)
    for arm in ("none", "bn"):
        line = next(t for t in loss["data"] if t["meta"] == f"{arm}:1")
        np.testing.assert_allclose(_decode(line["y"]), expected.windowed(expected.loss[arm][1])[1])
        line = next(t for t in steps["data"] if t["meta"] == f"{arm}:1")
        np.testing.assert_allclose(_decode(line["y"]), expected.windowed(expected.step_size(arm)[1])[1])
    assert lines_from(at, "**Why the step shrinks") == [jolt_why(expected)]
    assert any(m.value == undo_text(expected.undo) for m in at.markdown)
    assert undo_text(expected.undo).startswith("**No layer undoes BN**")


def test_a_tenth_on_hidden_layer_2_jolts_that_layer_and_the_text_follows():
    at = page(**QUICK)
    at.radio(key="net_jolt_factor").set_value(0.1)
    at.radio(key="net_jolt_layer").set_value(2).run()
    assert not at.exception
    expected = jolt(NetworkSettings(steps=200, lr=DEFAULT_LR), layer=2, factor=0.1)
    assert lines_from(at, "**Without BN** the ") == [f"{jolt_summary(expected)} {undo_summary(expected.undo)}"]
    assert "as 1/0.1² predicts." in jolt_summary(expected)
    (loss, _) = jolt_charts(at)
    assert (
        loss["layout"]["xaxis"]["title"]["text"] == "training step (vertical line: ×0.1 on layer 2's W after step 100)"
    )
