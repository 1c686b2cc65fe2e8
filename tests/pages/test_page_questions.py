"""The /questions page: each experiment shows the core's numbers; each self-check explains its choices."""

import numpy as np
import pytest

from bnviz.core.data import make_batch, preset
from bnviz.core.digits import TEST_SIZE, split
from bnviz.experiments import cnn, gamma_beta, peaks, questions, stepper
from bnviz.experiments.cnn import CNNSettings
from content import gamma_beta as content_gamma_beta
from content import questions as content
from content.registry import BY_URL
from helpers.apptest import _decode, figures, open_link, run_page, small_chart_text
from sections.real_network import training as real_network_training
from ui.state import Batch, default_batch

TITLE = "Learners' questions"


def largest_difference(x, t: float) -> float:
    """Largest |y − x| of BN with γ, β a fraction t of the way to the recovering values (gamma_beta)."""
    return gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, t))[2].batch_max_abs_diff


def open_question(number: int, **state):
    # Question 9's first opening in a test process trains /real-network's three networks (cached after).
    return run_page("questions", session_state={f"q_open_{number}": True, **state}, timeout=60)


def metric(at, label: str) -> str:
    """The value shown by the metric whose label starts with `label`."""
    found = [m.value for m in at.metric if m.label.startswith(label)]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0]


def navigation_url_paths() -> set[str]:
    return set(BY_URL)


def test_the_page_lists_every_question_closed_with_no_experiment_run():
    at = run_page("questions")
    assert at.title[0].value == TITLE
    labels = [e.label for e in at.expander]
    assert labels == [f"**{q.number}.** {q.title}" for q in content.QUESTIONS]
    assert not at.metric and not at.radio and not figures(at)
    assert "Ioffe & Szegedy (2015)" in " ".join(m.value for m in at.markdown)  # the sources


@pytest.mark.parametrize("q", content.QUESTIONS, ids=lambda q: q.key)
def test_an_open_question_shows_its_answer_experiment_links_self_check_and_sources(q):
    at = open_question(q.number)
    text = " ".join(m.value for m in at.markdown)
    assert q.answer in text and q.experiment in text
    assert [link.proto.page for link in at.get("page_link")] == [link.page for link in q.links]
    radio = at.radio(key=f"q_check_{q.number}")
    assert radio.value is None and radio.options == [c.text for c in q.check.choices]
    captions = " ".join(c.value for c in at.caption)
    assert all(content.SOURCES[k].short in captions for k in q.sources)


def test_every_link_on_the_page_goes_to_a_page_of_the_navigation():
    at = run_page("questions", session_state={f"q_open_{q.number}": True for q in content.QUESTIONS})
    assert {link.proto.page for link in at.get("page_link")} <= navigation_url_paths()


# --- 1. γ, β and the sigmoid --------------------------------------------------------------------


def test_q1_gamma_and_beta_move_the_shares_to_the_cores_values():
    at = open_question(1)
    use = questions.sigmoid_use(default_batch().x, 1.0, 0.0)
    assert metric(at, "In the nearly straight middle") == f"{use.straight:.1%}"
    at.slider(key="q_gamma").set_value(3.0).run()
    at.slider(key="q_beta").set_value(2.5).run()
    use = questions.sigmoid_use(default_batch().x, 3.0, 2.5)
    assert metric(at, "In the nearly straight middle") == f"{use.straight:.1%}"
    assert metric(at, "In the bends") == f"{use.bend:.1%}"
    assert metric(at, "In the flat ends") == f"{use.flat:.1%}"
    assert use.flat > 0.2  # the change is visible, not a no-op
    bars = figures(at)[0]["data"][0]
    assert bars["type"] == "bar"


# --- 2. the identity -----------------------------------------------------------------------------


def test_q2_at_the_recovering_values_the_largest_difference_is_rounding_error():
    at = open_question(2)
    x = default_batch().x
    assert metric(at, "Largest |y − x|") == f"{largest_difference(x, 0.0):.2e}"
    at.slider(key="q_recover").set_value(1.0).run()
    gamma_rec, beta_rec = gamma_beta.recovery(x)  # √(σ² + ε) and μ_B
    shown = metric(at, "Largest |y − x|")
    assert shown == f"{largest_difference(x, 1.0):.2e}" and float(shown) < 1e-9
    table = at.table[0].value
    np.testing.assert_allclose(table["γ"], gamma_rec)
    np.testing.assert_allclose(table["β"], beta_rec)


# --- 3. w and b ------------------------------------------------------------------------------------


def test_q3_the_bias_changes_the_input_but_not_the_output():
    at = open_question(3)
    at.slider(key="q_b").set_value(12.0).run()
    at.select_slider(key="q_w").set_value(2.0).run()
    x = default_batch().x
    res = questions.bias_and_scale(x, 2.0, 12.0)
    assert metric(at, "Largest change of BN's output caused by b") == f"{res.change_b.max():.1e}"
    assert metric(at, "Largest change of BN's output caused by w") == f"{res.change_w.max():.1e}"
    assert float(metric(at, "Largest change of BN's output caused by b")) < 1e-12
    table = at.table[0].value
    np.testing.assert_allclose(table["input mean"], 2.0 * x.mean(axis=0) + 12.0)
    np.testing.assert_allclose(table["output mean"], 0.0, atol=1e-12)


def test_q3_links_to_the_w_and_b_section_of_gamma_beta():
    at = open_question(3)
    (link,) = [el.proto for el in at.get("page_link") if el.proto.page == "gamma-beta"]
    assert link.query_string == "section=w-and-b" and "section 3:" in link.label
    assert content_gamma_beta.heading("w-and-b") == "3. Do γ and β replace W and b?"


# --- 4. per channel, running statistics ------------------------------------------------------------


def test_q4_shows_per_channel_statistics_and_the_running_mean_after_k_batches():
    at = open_question(4)
    first = questions.conv_batches(1)[0]
    stats = at.table[0].value
    assert list(stats["values pooled"]) == [128] * 3
    np.testing.assert_allclose(stats["batch mean $\\mu_B$"], first.mean(axis=(0, 2, 3)))
    at.slider(key="q_batches").set_value(5).run()
    at.select_slider(key="q_momentum").set_value(0.5).run()
    path = stepper.running_statistics(questions.conv_batches(5), questions.CONV_CHANNELS, momentum=0.5)
    running = at.table[1].value
    np.testing.assert_allclose(running["running_mean after 5"], path.running_mean[-1])
    np.testing.assert_allclose(running["running_var after 5"], path.running_var[-1])
    np.testing.assert_allclose(running["true mean"], [0.0, 8.0, -3.0])
    assert len(figures(at)[0]["data"]) == 3


def test_q4_with_no_training_batch_the_running_statistics_are_their_initial_values():
    at = open_question(4, q_batches=0)
    running = at.table[1].value
    assert list(running["running_mean after 0"]) == [0.0] * 3 and list(running["running_var after 0"]) == [1.0] * 3


# --- 5. where is the learning -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [2, 64])
def test_q5_batch_size_changes_the_jumps_to_the_cores_values(size):
    at = open_question(5)
    at.select_slider(key="q_learn_batch").set_value(size).run()
    run = questions.learn_gamma_beta(size)
    assert metric(at, r"$\mu_B$: largest jump") == f"{run.mean_jump:.3f}"
    assert metric(at, "γ: largest change") == f"{run.gamma_step:.3f}"
    assert metric(at, "β: largest change") == f"{run.beta_step:.3f}"
    gamma = next(t for t in figures(at)[0]["data"] if t["name"] == "γ")
    np.testing.assert_allclose(_decode(gamma["y"]), run.gamma[1:])


# --- 6. training and evaluation ----------------------------------------------------------------------


def test_q6_eval_output_and_training_range_are_the_cores():
    at = open_question(6)
    at.slider(key="q_eval_sample").set_value(9.0).run()
    at.select_slider(key="q_eval_batch").set_value(32).run()
    res = questions.train_vs_eval(9.0, 32)
    assert metric(at, "Eval mode") == f"{res.eval_output:.3f}"
    low, high = res.train_range
    assert metric(at, "Training mode") == f"{low:.3f} … {high:.3f}"
    assert float(metric(at, "Eval mode")) == pytest.approx((9.0 - 5.0) / 2.0, abs=0.2)


# --- 7. a batch of one -------------------------------------------------------------------------------


def test_q7_a_batch_of_one_shows_the_error_and_x_hat_zero():
    at = open_question(7)
    assert at.slider(key="q_small_n").value == 1
    assert any("Expected more than 1 value per channel when training" in e.value for e in at.error)
    formula = at.table[0].value
    np.testing.assert_allclose(formula.loc["batch mean $\\mu_B$"], questions.small_batch(1)[0])
    assert list(formula.loc["batch variance $\\sigma_B^2$"]) == [0.0] * 4
    assert list(formula.iloc[3]) == [0.0] * 4  # x̂
    np.testing.assert_allclose(at.table[1].value.loc["x̂"], questions.eval_mode_output(questions.small_batch(1))[0])
    demo = questions.group_norm_demo()
    assert metric(at, "GroupNorm") == f"{demo.gn_diff:.1e}" and metric(at, "BatchNorm") == f"{demo.bn_diff:.3f}"


def test_q7_a_batch_of_three_is_normalized_and_no_error_is_shown():
    at = open_question(7)
    at.slider(key="q_small_n").set_value(3).run()
    assert not at.error
    np.testing.assert_allclose(at.table[0].value.to_numpy(), questions.train_small_batch(3).x_hat)


# --- self-checks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("q", content.QUESTIONS, ids=lambda q: q.key)
def test_every_self_check_explains_a_wrong_choice_then_confirms_the_right_one(q):
    at = open_question(q.number, q_small_n=2)  # question 7 without its refusal message
    assert not at.success and not at.error
    wrong = next(c for c in q.check.choices if not c.correct)
    at.radio(key=f"q_check_{q.number}").set_value(wrong.text).run()
    assert [e.value for e in at.error] == [f"Not quite. {wrong.why} Try another answer."]
    assert not at.success
    at.radio(key=f"q_check_{q.number}").set_value(q.check.answer.text).run()
    assert [s.value for s in at.success] == [f"Right. {q.check.answer.why}"]
    assert not at.error


# --- 8. γ, β and the peaks -------------------------------------------------------------------------------


def peak_rows(at) -> list[list[str]]:
    (table,) = [t.value for t in at.table if "its z-score" in t.value.columns]
    return table.values.tolist()


def test_q8_follows_a_peak_and_shows_what_the_next_layer_gives_it_with_and_without_gamma_and_beta():
    at = open_question(8)
    assert at.radio(key="q_peak").value == "9 in channel 0"
    assert peak_rows(at) == [["9.000", "2.066", "5.847"], ["5.847", "0.000", "5.847"], ["3.971", "−2.923", "5.847"]]
    assert [metric(at, m) for m in ("Needed", "With γ and β learned", "With γ = 1, β = 0 fixed")] == [
        "0.982",
        "0.983",
        "0.293",
    ]
    assert "sigmoid(9 − 5) is needed" in " ".join(m.value for m in at.markdown)
    assert "Final loss: 6.7e-8 with γ and β, 0.0207 without them" in " ".join(c.value for c in at.caption)


def test_q8_links_to_the_peaks_section_of_gamma_beta_opened():
    at = open_question(8)
    (link,) = [el.proto for el in at.get("page_link") if "section 4" in el.proto.label]
    assert (link.page, link.query_string) == ("gamma-beta", "section=peaks")
    assert "section 4:" in link.label and content_gamma_beta.heading("peaks").startswith("4. ")


def test_q8_another_peak_gives_the_experiments_own_numbers():
    at = open_question(8)
    at.radio(key="q_peak").set_value("16.5 in channel 1").run()
    needed, with_, without = peaks.run().peak_outputs(1, 1)
    assert peak_rows(at)[0][0] == "16.500"
    assert metric(at, "Needed") == f"{needed:.3f}" and metric(at, "With γ = 1, β = 0 fixed") == f"{without:.3f}"
    assert abs(with_ - needed) < 0.005 < abs(without - needed)


# --- 9. γ and β in a real network ------------------------------------------------------------------------


def shown_percent(share: float) -> str:
    return f"{100 * share:.1f}\u00a0%"


@pytest.mark.parametrize("block", [3, 1])
def test_q9_shows_the_trained_networks_a_reset_blocks_accuracy_and_its_share_near_zero(block):
    at = open_question(9)
    assert at.radio(key="q_real_block").value == 3  # the last block first, as on /real-network
    if block != 3:
        at.radio(key="q_real_block").set_value(block).run()
    # /real-network's training at its default settings, as the page caches it (the same run, not trained again)
    result = real_network_training.train(CNNSettings())
    bn, affine_free = result["bn"], result["bn_no_affine"]
    after = cnn.with_block_reset(bn.net, block).accuracy(split().test)[1]
    assert metric(at, "With γ and β, as trained") == shown_percent(bn.final_accuracy)
    assert metric(at, f"Block {block}'s γ = 1, β = 0 after training") == shown_percent(after)
    assert metric(at, "Trained without γ and β") == shown_percent(affine_free.final_accuracy)
    assert metric(at, "Near zero, with γ and β") == shown_percent(bn.near_zero[block - 1, -1])
    assert metric(at, "Near zero, without γ and β") == shown_percent(affine_free.near_zero[block - 1, -1])
    change = round((after - bn.final_accuracy) * TEST_SIZE)
    caption = next(c.value for c in at.caption if c.value.startswith("All "))
    assert caption.startswith(f"All {cnn.CHANNELS[block - 1]} channels of block {block} set back to γ = 1, β = 0")
    assert (f"{abs(change)} test digit" if change else "as many test digits") in caption


def test_q9_links_to_the_sections_of_real_network():
    at = open_question(9)
    links = [(el.proto.page, el.proto.query_string) for el in at.get("page_link")]
    assert links == [
        ("real-network", "section=three-networks-on-digits"),
        ("real-network", "section=activations"),
        ("real-network", "section=gamma-beta-learned"),
    ]


# --- bad and unusual batches -------------------------------------------------------------------------------


def test_a_convolutional_batch_works_in_the_questions_on_your_batch():
    x = make_batch(preset("ReLU outputs", 3), 16, (4, 4), seed=2)
    state = {"batch": Batch(x, None, 2, "test: conv"), "q_recover": 1.0}
    at = run_page("questions", session_state={**state, "q_open_1": True, "q_open_2": True, "q_open_3": True})
    assert not at.error
    assert metric(at, "In the nearly straight middle") == f"{questions.sigmoid_use(x, 1.0, 0.0).straight:.1%}"
    assert float(metric(at, "Largest |y − x|")) < 1e-9
    assert "test: conv" in " ".join(c.value for c in at.caption)


def test_in_classroom_mode_every_open_question_draws_its_chart_text_at_18_px_or_more():
    at = open_link("questions", {"classroom": "1", **{f"q_open_{q.number}": "true" for q in content.QUESTIONS}})
    for prompt in [r for r in at.radio if r.label == "Your class's prediction"]:
        prompt.set_value(prompt.options[0])  # every reveal shown
    at.run()
    assert not at.exception
    assert len(figures(at)) >= 6
    assert small_chart_text(at) == []


def test_in_classroom_mode_question_6_asks_first_and_shows_its_result_answer_and_self_check_after_the_choice():
    at = open_link("questions", {"classroom": "1", "q_open_6": "true"})
    ask = content.PREDICTS["eval"]
    texts = [m.value for m in at.markdown]
    assert f"**Predict first:** {ask.question}" in texts
    assert at.slider(key="q_eval_sample").value == 7.0  # the control is there, its result is not
    assert not figures(at) and not at.metric
    answer = content.QUESTIONS[5].answer
    assert answer not in texts and not [r for r in at.radio if r.key == "q_check_6"]  # nor the written answer
    assert not [m for m in texts if m.startswith("**The answer:")]
    at.radio(key=ask.key).set_value("never").run()
    res = questions.train_vs_eval(7.0, 8)
    low, high = res.train_range
    (told,) = [m.value for m in at.markdown if m.value.startswith("**The answer:")]
    assert told == (
        "**The answer: only in training mode.** Your class chose “never”: not this one. "
        f"Eval mode: {res.eval_output:.3f} every time (running_mean, running_var). Training mode: from {low:.3f} to "
        f"{high:.3f} (each batch's own statistics)."
    )
    assert len(figures(at)) == 1 and answer in [m.value for m in at.markdown]
    assert at.radio(key="q_check_6").value is None  # the self-check follows, unanswered


def test_the_right_choice_of_each_prediction_comes_from_its_experiment():
    x = default_batch().x
    largest = gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, 1.0))[2].batch_max_abs_diff
    assert content.recover_answer(largest, float(np.abs(x).max())) == "0, up to rounding: y is x again"
    assert content.recover_answer(1e-3, 10.0) == "small but not 0: ε gets in the way"
    assert content.recover_answer(5.0, 10.0) == "large: the normalization cannot be undone"
    res = questions.train_vs_eval(7.0, 8)
    assert content.eval_answer(*res.train_range) == "only in training mode"
    assert content.eval_answer(1.0, 1.0) == "never"
    one = questions.train_small_batch(1)
    assert content.one_answer(one.error, one.x_hat) == "it stops with an error"
    two = questions.train_small_batch(2)
    assert content.one_answer(two.error, two.x_hat) == "it trains as usual"
