"""content.steps: the /steps page's worked arithmetic, explanations, sentences and tables, in the
numbers bnviz.experiments.stepper computes."""

import numpy as np
import pytest

from bnviz.core.data import make_batch, preset
from bnviz.core.norms import norm_statistics
from bnviz.core.steps import batch_norm_steps
from bnviz.numbers import decimals, eps_text, fixed, operand
from content.steps import (
    distance_sentence,
    element_label,
    explanation,
    initial_weight_sentence,
    norm_table,
    pooled_sentence,
    running_vs_batch,
    statistic_table,
    worked_numbers,
)

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

KEYS = ["mean", "centre", "var", "std", "normalize", "scale", "shift"]
# Two channels of four samples: channel 0 is 1, 3, 5, 7 (mean 4, variance 5).
X = np.array([[1.0, 0.5], [3.0, 0.5], [5.0, 0.5], [7.0, 0.5]])


def worked(x, index, channel=0, gamma=1.0, beta=0.0, **running):
    steps = batch_norm_steps(x, gamma, beta, **running)
    return worked_numbers(x, steps, index, channel, gamma, beta)


# ---------------------------------------------------------------- numbers as text


def test_fmt_writes_a_true_minus_and_never_minus_zero():
    assert fixed(-2.054, 2) == "−2.05"
    assert fixed(-0.001, 2) == "0.00"
    assert operand(-2.05, 2) == "(−2.05)" and operand(2.05, 2) == "2.05"


def test_decimals_keep_about_three_significant_digits():
    assert decimals(10.0) == 2  # 108.23
    assert decimals(0.05) == 4  # 0.5123
    assert decimals(0.0025) == 5
    assert decimals(0.0) == 2


def test_eps_is_written_as_a_learner_writes_it():
    assert eps_text(1e-5) == "1e-5"
    assert eps_text(0.0) == "0"
    assert eps_text(0.01) == "0.01"


# ---------------------------------------------------------------- worked numbers


def test_element_label_is_numpys_index():
    assert element_label((12,), 1) == "x[12, 1]"
    assert element_label((12, 3, 5), 1) == "x[12, 1, 3, 5]"


def test_normalize_is_worked_as_in_the_formula():
    w = worked(X, KEYS.index("normalize"))
    # (1 − 4) / √(5 + 1e-5) = −1.3416...
    assert w.rows["worked"][0] == "(1.00 − 4.00) / √(5.00 + 1e-5) = −1.34"
    assert w.rows["result"][0] == pytest.approx(-3 / np.sqrt(5 + 1e-5))
    assert w.summary == "μ = 4.00, σ² = 5.00"


def test_mean_summary_sums_the_values_and_divides_by_m():
    w = worked(X, KEYS.index("mean"))
    assert w.summary == "μ = (1.00 + 3.00 + 5.00 + 7.00) / 4 = 4.00"
    assert list(w.rows["worked"]) == [
        "1.00 / 4 = 0.250",
        "3.00 / 4 = 0.750",
        "5.00 / 4 = 1.250",
        "7.00 / 4 = 1.750",
    ]


def test_long_sums_are_shortened_with_an_ellipsis_and_negatives_in_parentheses():
    x = np.array([[-1.0], [2.0], [3.0], [4.0], [-2.0]])
    assert worked(x, 0).summary == "μ = ((−1.00) + 2.00 + … + (−2.00)) / 5 = 1.20"


def test_variance_is_worked_as_the_mean_of_squared_deviations():
    w = worked(X, KEYS.index("var"))
    squares = "(1.00 − 4.00)² + (3.00 − 4.00)² + (5.00 − 4.00)² + (7.00 − 4.00)²"
    assert w.summary == f"σ² = ({squares}) / 4 = 5.00"
    assert w.rows["worked"][0] == "(1.00 − 4.00)² = 9.00"


def test_std_shows_the_square_root_with_eps():
    w = worked(X, KEYS.index("std"))
    # One rounding for every channel's σ: channel 1 is constant, its √ε = 0.0032 asks for four decimals.
    assert w.summary == "√(σ² + ε) = √(5.00 + 1e-5) = 2.2361"
    assert w.rows.empty


def test_scale_and_shift_use_gamma_and_beta_of_the_channel():
    scale = worked(X, KEYS.index("scale"), gamma=2.0, beta=-1.0)
    shift = worked(X, KEYS.index("shift"), gamma=2.0, beta=-1.0)
    assert scale.rows["worked"][0] == "2.00 × (−1.34) = −2.68"
    assert shift.rows["worked"][0] == "−2.68 + (−1.00) = −3.68"
    assert shift.summary == "β = −1.00 for channel 0"


@pytest.mark.parametrize("shape", [(32, 3), (4, 3, 5, 5)])
def test_every_result_is_the_steps_own_value(shape):
    rng = np.random.default_rng(1)
    x = rng.normal(3.0, 2.0, size=shape)
    steps = batch_norm_steps(x, 1.5, 0.5)
    for index, step in enumerate(steps):
        w = worked_numbers(x, steps, index, 2, 1.5, 0.5)
        for label, result in zip(w.rows["value"], w.rows["result"]):
            where = tuple(int(i) for i in label[2:-1].split(", "))
            value = (
                x[where] / x[:, 2].size
                if step.key == "mean"
                else (steps[1].array[where] ** 2 if step.key == "var" else step.array[where])
            )
            assert result == pytest.approx(value, rel=1e-12)
            shown = w.rows.loc[w.rows["value"] == label, "worked"].item().split(" = ")[-1]
            assert float(shown.replace("−", "-")) == pytest.approx(result, abs=0.6 * 10 ** -len(shown.split(".")[1]))


def test_a_constant_channel_is_worked_without_dividing_by_zero():
    w = worked(X, KEYS.index("normalize"), channel=1)
    assert w.rows["worked"][0] == "(0.50 − 0.50) / √(0.00 + 1e-5) = 0.00"  # x to the decimals of every channel
    assert w.rows["result"][0] == 0.0


def test_eval_mode_works_with_the_running_statistics():
    mean, var = np.array([2.0, 0.0]), np.array([4.0, 1.0])
    assert worked(X, 0, mean=mean, var=var).summary == "running_mean[0] = 2.00"
    assert worked(X, 0, mean=mean, var=var).rows.empty  # read from the layer, not from these values
    assert worked(X, 2, mean=mean, var=var).summary == "running_var[0] = 4.00"
    assert worked(X, 4, mean=mean, var=var).rows["worked"][0] == "(1.00 − 2.00) / √(4.00 + 1e-5) = −0.50"


def test_statistic_table_has_one_row_per_channel_and_in_eval_the_batch_value_beside():
    x = X + np.array([0.0, 1.0]) * np.arange(4)[:, None]
    batch = batch_norm_steps(x, 1.0, 0.0)
    run = batch_norm_steps(x, 1.0, 0.0, mean=[1.0, 2.0], var=[1.0, 1.0])
    train_table = statistic_table(batch, 0)
    assert list(train_table["batch mean"]) == pytest.approx([4.0, 2.0])
    eval_table = statistic_table(run, 0, batch)
    assert list(eval_table.columns) == ["running mean", "this batch's mean", "difference"]
    assert list(eval_table["difference"]) == pytest.approx([-3.0, 0.0])
    with pytest.raises(ValueError, match="not a per-channel statistic"):
        statistic_table(batch, 1)


def test_explanation_changes_in_eval_and_hints_when_gamma_and_beta_do_nothing():
    assert "running_mean" in explanation("mean", eval_mode=True)
    assert "running_mean" not in explanation("mean")
    assert "changes nothing" in explanation("scale", gamma=1.0)
    assert "changes nothing" not in explanation("scale", gamma=2.0)
    assert "changes nothing" in explanation("shift", beta=0.0)


# ---------------------------------------------------------------- running statistics


def test_running_vs_batch_measures_the_gap_in_batch_stds():
    table = running_vs_batch(np.array([1.0, 2.0]), np.array([2.0, 1.0]), np.array([3.0, 2.0]), np.array([4.0, 0.0]))
    assert table["mean gap (in batch stds)"][0] == pytest.approx(1.0)  # |1 − 3| / √4
    assert table["variance ratio"][0] == pytest.approx(0.5)
    assert np.isnan(table["mean gap (in batch stds)"][1]) and np.isnan(table["variance ratio"][1])


def test_distance_sentence_gives_the_numbers_in_words():
    table = running_vs_batch(np.array([1.0]), np.array([2.0]), np.array([3.0]), np.array([4.0]))
    text = distance_sentence(table, 0, 20, {"mean": 2, "var": 2})
    assert text.startswith("After 20 training batches, channel 0's running mean is 1.00 against this batch's 3.00")
    assert "1.00 of the batch's standard deviation apart" in text and "(0.50 times the batch's)" in text
    assert distance_sentence(table, 0, 0, {"mean": 2, "var": 2}).startswith("Before any training batch")


def test_initial_weight_is_one_minus_momentum_to_the_k():
    assert "(1 − 0.1)^20 = 0.122" in initial_weight_sentence(0.1, 20)


# ---------------------------------------------------------------- what is averaged together


CONV = make_batch(preset("every shape", 6), 16, (5, 5), seed=0)


def test_batch_table_rows_are_the_per_channel_statistics():
    table, total = norm_table(CONV, "batch", channel=4)
    mu, var = norm_statistics(CONV, "batch")
    assert total == 6
    np.testing.assert_allclose(table["mean"], mu)
    np.testing.assert_allclose(table["variance"], var)
    assert list(table["in diagram"]) == ["", "", "", "", "●", ""]
    assert set(table["values averaged"]) == {16 * 25}


def test_table_always_includes_the_highlighted_pair():
    table, total = norm_table(CONV, "instance", sample=9, channel=4, max_rows=12)
    assert total == 96 and len(table) == 12
    last = table.iloc[-1]
    assert (last["in diagram"], last["sample"], last["channels"]) == ("●", "9", "4")
    assert last["mean"] == pytest.approx(CONV[9, 4].mean())


def test_group_table_names_the_channel_range_of_each_group():
    table, total = norm_table(CONV, "group", groups=3, sample=0, channel=5)
    assert total == 16 * 3
    assert list(table["channels"][:3]) == ["0–1", "2–3", "4–5"]
    assert table["in diagram"][2] == "●"
    assert table["mean"][2] == pytest.approx(CONV[0, 4:6].mean())


def test_instance_norm_on_a_fully_connected_batch_raises_the_cores_message():
    with pytest.raises(ValueError, match="need spatial positions"):
        norm_table(X, "instance")


def test_pooled_sentence_says_which_values_and_how_many():
    text = pooled_sentence(CONV.shape, "batch", channel=1)
    assert "averaged over 16 samples × 25 positions = 400 values" in text
    assert "channel 1 of every sample" in text
    assert "over its 6 channels × 25 positions = 150 values" in pooled_sentence(CONV.shape, "layer", sample=2)
    assert "channels 2–3 (the group of channel 3)" in pooled_sentence(CONV.shape, "group", 0, 3, groups=3)
    assert "averaged over the 4 samples" not in pooled_sentence(X.shape, "batch")
    assert "over 4 samples = 4 values" in pooled_sentence(X.shape, "batch")
