"""/real-network in AppTest: the numbers a learner reads against the core's run, each section's control, the
form, bad links as messages, and classroom mode's predict-first stage."""

import numpy as np
import pytest

from bnviz.core.digits import split
from bnviz.experiments import cnn
from bnviz.experiments.cnn import NORMS, TRAIN_EVAL_BATCHES
from bnviz.figures.network import NAMES
from content import real_network as words
from helpers.apptest import SECTIONS, _decode, by_label, figures, run_page, shown_cells
from helpers.cnn_runs import trained

TIMEOUT = 300  # the first run trains (about 2.5 s alone); the machine may be busy


def page(opened=(), **state):
    return run_page("real-network", timeout=TIMEOUT, session_state=state, opened=opened)


def array(value) -> np.ndarray:
    """A figure's array as sent (a list, or plotly's typed array with its shape)."""
    flat = np.asarray(_decode(value))
    shape = value.get("shape") if isinstance(value, dict) else None
    return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat


def markdown(at) -> list[str]:
    return [m.value for m in at.markdown]


def test_the_three_boxes_give_each_networks_test_accuracy_of_the_default_run():
    at = page()
    result = trained()
    boxes = [m for m in markdown(at) if m.startswith(("**Without BN**", "**BN with γ, β**", "**BN without γ, β**"))]
    assert boxes == [words.arm_box(result[n]) for n in NORMS]
    assert f"{100 * result['bn'].final_accuracy:.1f}" in boxes[1]
    curves = [f for f in figures(at) if any(t.get("meta") == "accuracy bn" for t in f["data"])]
    (accuracy,) = [t for t in curves[0]["data"] if t.get("meta") == "accuracy bn"]
    np.testing.assert_allclose(array(accuracy["y"]), result["bn"].test_accuracy, rtol=1e-6)


def test_the_chosen_blocks_summary_and_heatmaps_follow_the_block_radio():
    at = page()
    result = trained()
    assert words.block_summary(result, 3) in markdown(at)
    at.radio(key="cnn_block").set_value(1).run()
    assert words.block_summary(result, 1) in markdown(at)
    (colorful,) = [f for f in figures(at) if any(t.get("meta") == "colorful none" for t in f["data"])]
    (none,) = [t for t in colorful["data"] if t.get("meta") == "colorful none"]
    counts = array(none["customdata"])
    assert counts.shape == (cnn.HIST_BINS, result["none"].steps_done)
    np.testing.assert_array_equal(counts, result["none"].hist[0].T)


def test_the_channels_summary_and_the_reset_switch_give_the_cores_accuracies():
    at = page()
    net = trained()["bn"].net
    facts = cnn.channel_facts(net, 3)
    assert words.channels_summary(facts) in markdown(at)
    top = int(facts.by_gamma[0])
    before = net.accuracy(split().test)[1]
    assert words.reset_summary(3, top, before, None) in markdown(at)
    at.toggle(key="cnn_reset").set_value(True).run()
    after = cnn.with_channel_reset(net, 3, top).accuracy(split().test)[1]
    assert words.reset_summary(3, top, before, after) in markdown(at)
    at.selectbox(key="cnn_reset_channel_3").set_value(int(facts.by_gamma[-1])).run()
    last = int(facts.by_gamma[-1])
    after_last = cnn.with_channel_reset(net, 3, last).accuracy(split().test)[1]
    assert words.reset_summary(3, last, before, after_last) in markdown(at)


def test_the_train_mode_table_gives_each_batch_sizes_accuracy():
    at = page()
    result = trained()
    (shown,) = [t for t in at.dataframe]
    cells = shown_cells(shown)
    for norm in ("bn", "bn_no_affine"):
        found = cnn.train_eval_accuracies(result[norm].net)
        row = cells.loc[NAMES[norm]]
        assert row[words.MODES_COLUMNS["eval"]] == words.percent(found["eval"])
        for b in TRAIN_EVAL_BATCHES:
            assert row[words.batch_column(b)] == words.percent(found[b])
    arm = result["bn"]
    table = {
        NAMES[n]: {words.MODES_COLUMNS["eval"]: f["eval"]} | {words.batch_column(b): f[b] for b in TRAIN_EVAL_BATCHES}
        for n, f in ((n, cnn.train_eval_accuracies(result[n].net)) for n in ("bn", "bn_no_affine"))
    }
    last_batch = cnn.with_running(arm.net, *cnn.replay_running(arm, 1.0)).accuracy(split().test)[1]
    assert words.modes_summary(table, cnn.changed_answers(arm.net), last_batch) in markdown(at)


def test_the_momentum_section_replays_the_running_statistics_with_the_chosen_momentum():
    at = page(opened=("cnn_open_momentum",))
    arm = trained()["bn"]
    test = split().test
    assert words.momentum_summary(0.1, arm.final_accuracy, arm.final_accuracy, arm.steps_done) in markdown(at)
    at.select_slider(key="cnn_momentum").set_value(0.001).run()
    means, variances = cnn.replay_running(arm, 0.001)
    slow = cnn.with_running(arm.net, means, variances).accuracy(test)[1]
    assert words.momentum_summary(0.001, slow, arm.final_accuracy, arm.steps_done) in markdown(at)


def test_every_side_section_opens_without_an_error_and_the_pytorch_snippet_prints_the_pages_accuracies():
    at = page(opened=SECTIONS["real-network"])
    assert words.what_it_shows(trained()) in markdown(at)
    (code,) = [c.value for c in at.code]
    result = trained()
    for norm in NORMS:
        right = round(result[norm].final_accuracy * split().test.y.size)
        assert f"{norm}: {right} of 512 test images right" in code


def test_other_settings_train_when_the_form_is_sent():
    at = page()
    at.select_slider(key="cnn_epochs").set_value(2)
    at.select_slider(key="cnn_lr").set_value(0.1)
    by_label(at.button, words.TRAIN).click().run(timeout=TIMEOUT)
    assert not at.exception
    other = trained(lr=0.1, epochs=2)
    boxes = [m for m in markdown(at) if m.startswith("**Without BN**")]
    assert boxes == [words.arm_box(other["none"])]
    assert words.trained_with(other.settings) in [i.value for i in at.info]


@pytest.mark.parametrize("params", [{"cnn_lr": "7"}, {"cnn_epochs": "abc"}, {"cnn_seed": "-5"}, {"cnn_block": "9"}])
def test_a_link_with_a_setting_out_of_range_opens_the_default_run_without_an_error(params):
    from helpers.apptest import open_link

    at = open_link("real-network", params, timeout=TIMEOUT)
    assert not at.exception and not at.error
    assert words.arm_box(trained()["none"]) in markdown(at)


def test_in_classroom_mode_the_results_wait_for_the_class_and_the_teachers_training():
    at = run_page("real-network", timeout=TIMEOUT, session_state={"classroom": True})
    question = words.prediction(cnn.CNNSettings()).question
    assert any(question in m for m in markdown(at))
    assert not any(m.startswith("**Without BN**") for m in markdown(at))  # nothing revealed yet
    at.radio(key=words.PREDICT_KEY).set_value(words.PREDICTIONS[0]).run()
    by_label(at.button, words.TRAIN).click().run(timeout=TIMEOUT)
    answer = [m for m in markdown(at) if m.startswith("**The answer:")]
    assert answer and answer[0].startswith(f"**The answer: {words.worst(trained())[0]}.**")
    assert words.final_accuracies(trained()) in answer[0]
