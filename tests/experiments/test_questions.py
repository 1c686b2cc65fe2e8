"""The learners' questions: their content (content.questions), their experiments' numbers
(bnviz.experiments.questions) and figures (bnviz.figures.questions)."""

import re

import numpy as np
import pytest

from bnviz.core.activations import sigmoid
from bnviz.core.batchnorm import batch_norm_forward
from bnviz.core.data import make_batch, preset
from bnviz.experiments import gamma_beta, questions, stepper
from bnviz.experiments.cnn import CNNSettings
from bnviz.figures import questions as question_figures
from content import questions as content
from content.common import CLAIM_SEEDS
from content.registry import BY_URL
from helpers.apptest import _decode, bar_mean

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

EPS = 1e-5


def navigation_pages() -> set[str]:
    """The URL paths of the app's pages."""
    return set(BY_URL)


def sentences(markdown: str) -> list[str]:
    # A sentence ends at . ! ? (maybe before a closing quote or bracket) followed by a space
    # and an upper-case letter, a Greek letter or a formula.
    return [s for s in re.split(r"(?<=[.!?])[”)]?\s+(?=[A-Z$γβμσ(“])", markdown.strip()) if s]


# --- the content -------------------------------------------------------------------------


def test_there_are_nine_questions_numbered_in_order_with_distinct_keys():
    assert [q.number for q in content.QUESTIONS] == list(range(1, 10))
    assert len({q.key for q in content.QUESTIONS}) == 9


def test_the_introduction_counts_the_questions():
    assert content.INTRO.startswith("Nine questions learners ask")
    assert "questions 4 to 8 use small batches of their own" in content.uses_your_batch("default", (256, 4))
    assert content.uses_your_batch("default", (256, 4)).endswith(
        "question 9, a network trained on real handwritten digits."
    )


def test_sentence_counter_counts_sentences():
    assert len(sentences("One. Two, with γ. $x$ is three! Four (PyTorch). Five?")) == 5


@pytest.mark.parametrize("q", content.QUESTIONS, ids=lambda q: q.key)
def test_every_answer_has_two_to_five_sentences(q):
    assert 2 <= len(sentences(q.answer)) <= 5, sentences(q.answer)


@pytest.mark.parametrize("q", content.QUESTIONS, ids=lambda q: q.key)
def test_every_self_check_has_one_right_choice_and_explains_every_choice(q):
    choices = q.check.choices
    assert len(choices) >= 3
    assert sum(c.correct for c in choices) == 1
    assert len({c.text for c in choices}) == len(choices)
    assert all(len(c.why) > 40 for c in choices)
    assert len({c.why for c in choices}) == len(choices)


def test_the_right_choice_is_not_always_in_the_same_place():
    positions = {[c.correct for c in q.check.choices].index(True) for q in content.QUESTIONS}
    assert len(positions) >= 3


def test_feedback_is_none_before_a_choice_and_explains_the_choice_after():
    check = content.question("replace").check
    assert check.feedback(None) is None
    assert check.feedback("Nothing.") == (True, check.answer.why)
    right, why = check.feedback("Its mean increases by 5.")
    assert not right and "absorbs the shift" in why


def test_feedback_refuses_a_choice_that_is_not_offered():
    with pytest.raises(ValueError, match="not one of"):
        content.question("why").check.feedback("Maybe.")


def test_question_lookup_names_the_keys_when_unknown():
    assert content.question("eval").number == 6
    with pytest.raises(ValueError, match="why, undo, replace"):
        content.question("nope")


@pytest.mark.parametrize("q", content.QUESTIONS, ids=lambda q: q.key)
def test_every_question_links_to_pages_of_the_navigation(q):
    assert q.links
    assert {link.page for link in q.links} <= navigation_pages()


def test_the_six_further_pages_are_each_linked_from_some_question():
    linked = {link.page for q in content.QUESTIONS for link in q.links}
    assert linked == {"gamma-beta", "steps", "learning", "network", "real-network", "batch"}


def test_sources_cited_exist_and_include_the_four_the_answers_rest_on():
    cited = {key for q in content.QUESTIONS for key in q.sources}
    assert cited <= set(content.SOURCES)
    assert {"ioffe2015", "pytorch", "santurkar2018", "wu2018"} <= cited
    assert "ioffe2015" in content.question("undo").sources  # the identity argument
    assert "pytorch" in content.question("channel").sources  # running statistics, momentum
    assert "wu2018" in content.question("one").sources  # GroupNorm
    assert all(s.url.startswith("https://") for s in content.SOURCES.values())


def test_the_batch_of_one_answer_quotes_pytorchs_message_as_the_core_raises_it():
    message = "Expected more than 1 value per channel when training"
    assert message in content.question("one").answer
    assert questions.train_small_batch(1).error.startswith(message)


def test_question_9_counts_the_test_digits_a_reset_block_reads_differently():
    settings = CNNSettings()
    assert "3 test digits fewer read right" in content.real_caption(settings, 3, 32, 0.5, 0.5 - 3 / 512)
    assert "1 test digit more read right" in content.real_caption(settings, 1, 8, 0.5, 0.5 + 1 / 512)
    assert "as many test digits read right as before" in content.real_caption(settings, 2, 16, 0.5, 0.5)
    assert "(learning rate 0.3, 4 epochs, batch size 64, seed 0)" in content.real_caption(settings, 2, 16, 0.5, 0.5)


# --- 1. why γ and β: the sigmoid -----------------------------------------------------------

TWO = np.array([[-1.0], [1.0]])  # x̂ = ±1/√(1 + ε), just inside |y| < 1


@pytest.mark.parametrize(
    "gamma, beta, shares",
    [
        (1.0, 0.0, (1.0, 0.0, 0.0)),
        (2.0, 0.0, (0.0, 1.0, 0.0)),
        (5.0, 0.0, (0.0, 0.0, 1.0)),
        (1.0, 4.5, (0.0, 0.5, 0.5)),
    ],
)
def test_sigmoid_use_counts_values_in_the_straight_middle_the_bends_and_the_flat_ends(gamma, beta, shares):
    use = questions.sigmoid_use(TWO, gamma, beta)
    assert (use.straight, use.bend, use.flat) == shares
    np.testing.assert_allclose(use.y.ravel(), beta + gamma * np.array([-1, 1]) / np.sqrt(1 + EPS))


def test_sigmoid_use_applies_gamma_and_beta_to_every_channel_of_a_conv_batch():
    x = make_batch(preset("channels on very different scales", 3), 16, (4, 4), seed=1)
    use = questions.sigmoid_use(x, 3.0, -1.0)
    np.testing.assert_allclose(use.y.mean(axis=(0, 2, 3)), -1.0, atol=1e-12)
    np.testing.assert_allclose(use.y.std(axis=(0, 2, 3)), 3.0, rtol=1e-3)
    assert use.straight + use.bend + use.flat == pytest.approx(1.0)


def test_with_gamma_one_and_beta_zero_most_normal_values_are_in_the_straight_middle():
    x = make_batch(preset("all standard normal", 4), 4096, seed=0)
    use = questions.sigmoid_use(x, 1.0, 0.0)
    assert use.straight == pytest.approx(0.845, abs=0.01)  # P(|z| < 1.42) for a normal
    assert use.flat < 1e-3


# --- 2. the identity: tests/experiments/test_gamma_beta.py (toward_recovery, output_readout)


# --- 3. w and b before BN ---------------------------------------------------------------------


@pytest.mark.parametrize("b", [-20.0, -3.0, 7.5, 20.0])
def test_a_bias_before_bn_has_no_effect_on_its_output(b):
    x = make_batch(preset("channels on very different scales", 4), 256, seed=0)
    res = questions.bias_and_scale(x, 1.0, b)
    assert res.change_b.max() < 1e-12
    assert res.change.max() < 1e-12
    np.testing.assert_allclose(res.z_mean, x.mean(axis=0) + b)


def test_a_weight_scale_changes_the_output_only_through_eps():
    w = 0.5
    res = questions.bias_and_scale(TWO, w, 3.0)  # σ² = 1: x̂ = ±w/√(w² + ε) against ±1/√(1 + ε)
    expected = abs(w / np.sqrt(w**2 + EPS) - 1 / np.sqrt(1 + EPS))
    assert res.change_w[0] == pytest.approx(expected, rel=1e-6)
    assert 0 < res.change_w[0] < 1e-4
    assert res.z_mean[0] == pytest.approx(3.0) and res.z_std[0] == pytest.approx(0.5)
    assert res.y_mean[0] == pytest.approx(0.0, abs=1e-15) and res.y_std[0] == pytest.approx(1.0, abs=1e-4)


def test_bias_and_scale_refuses_a_weight_that_is_not_positive():
    with pytest.raises(ValueError, match="positive"):
        questions.bias_and_scale(TWO, 0.0, 1.0)


# --- 4. per channel, running statistics -------------------------------------------------------


def test_channel_statistics_pool_the_n_h_w_values_of_each_channel():
    x = questions.conv_batches(1)[0]
    assert x.shape == (8, 3, 4, 4)
    stats = questions.channel_statistics(x)
    assert stats.count == 8 * 4 * 4
    np.testing.assert_allclose(stats.mu, x.mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(stats.var, x.var(axis=(0, 2, 3)))
    assert stats.overall_mean == pytest.approx(x.mean())


def test_conv_batches_are_reproducible_and_each_is_a_new_draw():
    a, b = questions.conv_batches(2), questions.conv_batches(2)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[0], a[1])


def test_running_mean_approaches_each_channels_true_mean():
    path = stepper.running_statistics(questions.conv_batches(60), questions.CONV_CHANNELS, momentum=0.1)
    true_mean, true_var = questions.conv_population()
    np.testing.assert_allclose(true_mean, [0.0, 8.0, -3.0])
    np.testing.assert_allclose(true_var, [1.0, 100.0, 0.04])
    np.testing.assert_allclose(path.running_mean[-1], true_mean, atol=0.5)
    np.testing.assert_allclose(path.running_var[-1], true_var, rtol=0.2)
    assert path.running_mean.shape == (61, 3)


# --- 5. where is the learning ----------------------------------------------------------------


def test_the_first_sgd_step_uses_the_gradient_of_the_loss():
    size, lr = 8, questions.LEARN_RATE
    run = questions.learn_gamma_beta(size, steps=1)
    x = make_batch([questions.LEARN_SPEC], size, seed=0)

    def loss(gamma, beta):
        y, _, _ = batch_norm_forward(x, np.array([gamma]), np.array([beta]))
        return np.mean((y - questions.target(x)) ** 2)

    h = 1e-6  # central differences of the loss give the gradient SGD should use
    d_gamma = (loss(1 + h, 0) - loss(1 - h, 0)) / (2 * h)
    d_beta = (loss(1, h) - loss(1, -h)) / (2 * h)
    assert run.gamma[1] == pytest.approx(1 - lr * d_gamma, abs=1e-8)
    assert run.beta[1] == pytest.approx(0 - lr * d_beta, abs=1e-8)
    assert run.loss[0] == pytest.approx(loss(1, 0))
    assert run.batch_mean[0] == pytest.approx(x.mean())


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_with_large_batches_gamma_and_beta_reach_what_the_loss_asks_for(seed):
    run = questions.learn_gamma_beta(64, seed=seed)
    assert run.gamma[-1] == pytest.approx(questions.TARGET_STD, abs=0.2)
    assert run.beta[-1] == pytest.approx(questions.TARGET_MEAN, abs=0.2)
    assert run.loss[-10:].mean() < run.loss[:5].mean() / 10


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_with_batches_of_2_or_4_gamma_settles_lower(seed):
    """Question 5: "With batches of 2 or 4, σ_B is itself noisy and usually too small, so γ settles lower"."""
    final = {size: questions.learn_gamma_beta(size, seed=seed).gamma[-1] for size in (2, 4, 64)}
    assert final[2] < final[4] < final[64], final


@pytest.mark.parametrize("size", [2, 4, 8, 16, 64])
def test_batch_means_jump_more_than_gamma_and_beta_move_in_a_step(size):
    run = questions.learn_gamma_beta(size)
    assert run.mean_jump == pytest.approx(np.abs(np.diff(run.batch_mean)).max())
    assert run.gamma_step == pytest.approx(np.abs(np.diff(run.gamma)).max())
    assert run.mean_jump > 3 * max(run.gamma_step, run.beta_step)


def test_learning_refuses_zero_steps():
    with pytest.raises(ValueError, match="steps"):
        questions.learn_gamma_beta(8, steps=0)


# --- 6. training and evaluation ----------------------------------------------------------------


def test_eval_output_uses_the_running_statistics():
    res = questions.train_vs_eval(9.0, 8)
    layer = stepper.running_statistics(questions.warmup_batches(), 1)
    assert res.running_mean == layer.running_mean[-1, 0] and res.running_var == layer.running_var[-1, 0]
    assert res.eval_output == pytest.approx((9.0 - res.running_mean) / np.sqrt(res.running_var + EPS))


def test_training_outputs_depend_on_the_batch_and_use_its_statistics():
    res = questions.train_vs_eval(7.0, 8)
    assert len(res.train_outputs) == 20 and np.ptp(res.train_outputs) > 0.5
    assert res.train_range == (res.train_outputs.min(), res.train_outputs.max())
    others = make_batch([questions.EVAL_SPEC], 7, seed=questions.WARMUP_BATCHES)  # the first training batch
    batch = np.vstack([[[7.0]], others])
    assert res.train_outputs[0] == pytest.approx((7.0 - batch.mean()) / np.sqrt(batch.var() + EPS))
    assert res.batch_means[0] == pytest.approx(batch.mean())


def test_in_a_batch_of_two_the_training_output_is_plus_or_minus_one_up_to_eps():
    res = questions.train_vs_eval(7.0, 2)
    other = np.array([make_batch([questions.EVAL_SPEC], 1, seed=questions.WARMUP_BATCHES + j)[0, 0] for j in range(20)])
    half = (7.0 - other) / 2  # two values: μ_B halfway, σ²_B = half²
    np.testing.assert_allclose(res.train_outputs, half / np.sqrt(half**2 + EPS))
    assert np.median(np.abs(res.train_outputs)) > 0.9999


def test_train_vs_eval_refuses_a_training_batch_of_one():
    with pytest.raises(ValueError, match="at least 2"):
        questions.train_vs_eval(7.0, 1)


# --- 7. a batch of one -------------------------------------------------------------------------


def test_a_training_batch_of_one_is_refused_with_the_cores_message():
    res = questions.train_small_batch(1)
    assert res.x_hat is None and res.x.shape == (1, 4)
    assert "got input of shape (1, 4)" in res.error


def test_a_training_batch_of_two_normalizes_to_plus_or_minus_one():
    res = questions.train_small_batch(2)
    assert res.error is None
    np.testing.assert_allclose(np.abs(res.x_hat), 1.0, atol=1e-2)
    np.testing.assert_array_equal(res.x, questions.train_small_batch(5).x[:2])  # the same first samples


def test_the_formula_on_one_sample_gives_mean_equal_to_it_variance_zero_and_x_hat_zero():
    x = questions.small_batch(1)
    one = questions.one_value_statistics(x)
    np.testing.assert_array_equal(one.mu, x[0])
    assert one.var.tolist() == [0.0] * 4 and one.x_hat.tolist() == [[0.0] * 4]


def test_eval_mode_normalizes_one_sample_with_the_running_statistics():
    x = questions.small_batch(1)
    out = questions.eval_mode_output(x)
    assert out.shape == (1, 4) and np.isfinite(out).all() and np.abs(out).min() > 0.01


def test_group_norm_of_an_image_does_not_depend_on_its_batch_but_bn_does():
    demo = questions.group_norm_demo()
    assert demo.gn_diff == 0.0
    assert demo.bn_diff > 0.1
    assert demo.mu.shape == demo.var.shape == (1, 2)
    groups = demo.gn_alone.reshape(1, 2, -1)  # two groups of two channels × 16 positions
    np.testing.assert_allclose(groups.mean(axis=2), 0, atol=1e-12)
    np.testing.assert_allclose(groups.var(axis=2), demo.var / (demo.var + EPS))


# --- figures -----------------------------------------------------------------------------------


def test_sigmoid_figure_draws_the_histogram_of_y_and_the_curve_over_at_least_minus_8_to_8():
    use = questions.sigmoid_use(make_batch(preset("all standard normal", 2), 512, seed=0), 2.0, 1.0)
    fig = question_figures.sigmoid_figure(use.y).to_plotly_json()
    bars, curve = fig["data"]
    edges_width = float(np.asarray(_decode(bars["width"]))[0])
    assert bar_mean(bars) == pytest.approx(use.y.mean(), abs=edges_width / 2)
    x, y = np.asarray(_decode(curve["x"])), np.asarray(_decode(curve["y"]))
    np.testing.assert_allclose(y, sigmoid(x))
    assert x.min() <= -8 and x.max() >= 8
    assert list(fig["layout"]["xaxis"]["range"]) == [x.min(), x.max()]


def test_sigmoid_figure_widens_for_large_values_and_stays_small_for_large_batches():
    small = question_figures.sigmoid_figure(np.linspace(-20, 20, 100))
    large = question_figures.sigmoid_figure(np.random.default_rng(0).normal(size=200_000))
    assert small.layout.xaxis.range[1] >= 20
    assert len(large.to_json()) < 30_000


def test_input_output_figure_overlays_x_and_y_per_channel_up_to_the_cap():
    x = make_batch(preset("every shape", 6), 64, seed=0)
    y, _, _ = gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, 0.0))
    fig = question_figures.input_output_figure(x, y, channels=4)
    assert len(fig.data) == 8
    assert bar_mean(fig.data[2].to_plotly_json()) == pytest.approx(x[:, 1].mean(), abs=np.ptp(x[:, 1]) / 40)
    assert bar_mean(fig.data[3].to_plotly_json()) == pytest.approx(0.0, abs=np.ptp(x[:, 1]) / 40)


def test_before_after_figure_output_panels_coincide_when_only_b_changes():
    x = make_batch(preset("channels on very different scales", 2), 128, seed=0)
    res = questions.bias_and_scale(x, 1.0, 15.0)
    fig = question_figures.before_after_figure(res.z, res.y, x, res.y_ref)
    ref, out = fig.data[2], fig.data[3]
    np.testing.assert_allclose(out.y, ref.y)
    assert bar_mean(fig.data[1].to_plotly_json()) - bar_mean(fig.data[0].to_plotly_json()) == pytest.approx(
        15.0, abs=0.5
    )


def test_running_mean_figure_draws_each_channels_running_mean_and_its_true_mean():
    path = stepper.running_statistics(questions.conv_batches(5), questions.CONV_CHANNELS, 0.1)
    true_mean, _ = questions.conv_population()
    fig = question_figures.running_mean_figure(path.running_mean, true_mean, 0.1)
    assert len(fig.data) == 3
    for c in range(3):
        np.testing.assert_allclose(fig.data[c].y, path.running_mean[:, c])
    assert sorted(s.y0 for s in fig.layout.shapes) == sorted(true_mean.tolist())


def test_learning_figure_puts_batch_statistics_and_parameters_on_one_step_axis():
    run = questions.learn_gamma_beta(8, steps=10)
    fig = question_figures.learning_figure(run, 3.0, 1.0)
    by_name = {t.name: t for t in fig.data}
    np.testing.assert_allclose(by_name["μ<sub>B</sub>"].y, run.batch_mean)
    np.testing.assert_allclose(by_name["γ"].y, run.gamma[1:])
    np.testing.assert_allclose(by_name["β"].y, run.beta[1:])
    assert list(by_name["γ"].x) == list(range(1, 11))
    assert sorted(s.y0 for s in fig.layout.shapes) == [1.0, 3.0]


def test_train_eval_figure_draws_the_training_outputs_and_the_eval_line():
    res = questions.train_vs_eval(7.0, 4)
    fig = question_figures.train_eval_figure(res)
    np.testing.assert_allclose(fig.data[0].y, res.train_outputs)
    assert set(fig.data[1].y) == {res.eval_output}
