"""The /steps page: seven steps on the learner's batch, train vs eval, and what each norm averages."""

import numpy as np
import pandas as pd
import pytest

from bnviz.core.batchnorm import batch_statistics
from bnviz.core.data import PRESETS, make_batch, preset
from bnviz.core.norms import norm_statistics
from bnviz.core.steps import batch_norm_steps
from bnviz.experiments.stepper import running_history
from bnviz.numbers import fixed
from content.steps import SHAPE, eval_answer, worked_numbers
from helpers.apptest import bar_mean, figures, hidden_keys, open_link, places_shown, run_page, same_number, shown_cells
from ui.state import Batch, default_batch

BATCHES = 20  # the eval slider's default
KEYS = ["mean", "centre", "var", "std", "normalize", "scale", "shift"]


def batch_of(name="every shape", c=4, n=32, spatial=None, specs=True) -> Batch:
    spec = tuple(preset(name, c))
    return Batch(make_batch(spec, n, spatial, seed=0), spec if specs else None, 0, f"test: {name}")


def open_steps(batch: Batch | None = None, **state):
    return run_page("steps", session_state=({"batch": batch} if batch else {}) | state)


def shown_numbers(at) -> list[str]:
    """The result of each worked line on the page (after the last '=')."""
    if not at.table:
        return []
    return [line.split(" = ")[-1] for line in at.table[0].value["worked"]]


def to_float(text: str) -> float:
    return float(text.replace("−", "-"))


def test_page_opens_on_the_default_batch_and_says_which_batch_it_uses():
    at = open_steps()
    assert at.title[0].value == "Step through BatchNorm"
    assert "default: channels on very different scales, shape (256, 4), fully connected" in at.caption[0].value
    assert at.subheader[0].value == "Step 1 of 7: Batch mean"


def test_first_step_shows_the_batch_mean_worked_for_the_chosen_channel():
    at = open_steps()
    x = default_batch().x
    mu = x[:, 1].mean()
    summary = at.code[1].value
    assert summary.startswith("μ = (") and summary.endswith(f"/ 256 = {fixed(mu, 2)}")
    assert at.code[0].value == "mu = x.mean(axis=0)"
    stats = at.dataframe[0].value
    np.testing.assert_allclose(stats["batch mean"], x.mean(axis=0))


def test_next_walks_through_the_seven_steps_with_formula_code_and_numbers_from_the_core():
    at = open_steps()
    x = default_batch().x
    steps = batch_norm_steps(x, 1.0, 0.0)
    for index, step in enumerate(steps):
        assert at.subheader[0].value == f"Step {index + 1} of 7: {step.name}"
        assert at.latex[0].value.strip("$\n") == step.highlighted
        assert at.code[0].value == step.numpy
        expected = worked_numbers(x, steps, index, 1, 1.0, 0.0)
        assert at.code[1].value == expected.summary
        assert shown_numbers(at) == [line.split(" = ")[-1] for line in expected.rows["worked"]]
        for shown, exact in zip(shown_numbers(at), expected.rows["result"]):
            assert to_float(shown) == pytest.approx(exact, abs=0.01 * max(1.0, abs(exact)))
        if index < 6:
            at.button(key="steps_next").click().run()
    assert at.button(key="steps_next").disabled
    at.button(key="steps_prev").click().run()
    assert at.session_state["steps_step"] == "scale"


def test_the_step_selector_jumps_to_any_step():
    at = open_steps()
    at.radio(key="steps_step").set_value("normalize").run()
    assert at.subheader[0].value == "Step 5 of 7: Normalize"
    # channel 1 of the default batch is N(8, 10): its x̂ has mean 0 in the lower panel
    before, after = figures(at)[0]["data"]
    assert bar_mean(after) == pytest.approx(0.0, abs=0.15)
    assert bar_mean(before) == pytest.approx(0.0, abs=1.5)


def test_gamma_and_beta_are_used_by_the_scale_and_shift_steps():
    at = open_steps(steps_step="shift")
    at.number_input(key="steps_gamma").set_value(2.0).run()
    at.number_input(key="steps_beta").set_value(3.0).run()
    x = default_batch().x
    steps = batch_norm_steps(x, 2.0, 3.0)
    y = steps[-1].array[:, 1]
    assert shown_numbers(at)[0] == fixed(y[0], 2)
    assert bar_mean(figures(at)[0]["data"][1]) == pytest.approx(3.0, abs=0.2)
    assert "changes nothing" not in " ".join(m.value for m in at.markdown)


def test_the_channel_selector_changes_the_numbers_followed():
    at = open_steps()
    at.selectbox(key="steps_channel").set_value(3).run()
    mu = default_batch().x[:, 3].mean()
    assert at.code[1].value.endswith(f"= {fixed(mu, 2)}")
    assert at.table[0].value.index[0] == "x[0, 3]"


def test_a_conv_batch_is_worked_over_samples_and_positions():
    batch = batch_of(spatial=(5, 5), n=8)
    at = open_steps(batch, steps_step="centre")
    x = batch.x
    assert at.code[0].value == "xc = x - mu[:, None, None]"
    labels = list(at.table[0].value.index)
    assert all(label.startswith("x[") and label.count(",") == 3 for label in labels)
    where = tuple(int(i) for i in labels[1][2:-1].split(", "))
    assert shown_numbers(at)[1] == fixed(x[where] - x[:, 1].mean(), 2)


def test_eval_mode_uses_the_running_statistics_after_the_chosen_number_of_batches():
    batch = default_batch()
    at = open_steps(steps_eval=True, steps_batches=7)
    h = running_history(batch.x, batch.specs, batch.seed, 7)
    assert at.subheader[0].value == "Step 1 of 7: Running mean"
    assert at.code[1].value == f"running_mean[1] = {fixed(h.running_mean[7, 1], 2)}"
    table = at.dataframe[0].value
    np.testing.assert_allclose(table["running mean"], h.running_mean[7])
    np.testing.assert_allclose(table["this batch's mean"], batch.x.mean(axis=0))
    sentence = at.info[0].value
    assert sentence.startswith(
        f"After 7 training batches, channel 1's running mean is {fixed(h.running_mean[7, 1], 2)}"
    )
    comparison = at.dataframe[1].value
    np.testing.assert_allclose(comparison["running variance"], h.running_var[7])


def test_the_batches_slider_moves_the_running_statistics():
    at = open_steps(steps_eval=True)
    assert at.select_slider(key="steps_momentum") and "steps_momentum" not in hidden_keys(
        at
    )  # out of classroom mode, the momentum is shown
    at.slider(key="steps_batches").set_value(0).run()
    assert at.code[1].value == "running_mean[1] = 0.00"  # nothing seen yet
    assert at.info[0].value.startswith("Before any training batch")
    at.slider(key="steps_batches").set_value(200).run()
    assert to_float(at.code[1].value.split(" = ")[-1]) == pytest.approx(8.0, abs=1.0)  # channel 1 is N(8, 10)


def test_eval_normalize_step_is_not_exactly_mean_zero_after_few_batches():
    at = open_steps(steps_eval=True, steps_batches=3, steps_step="normalize")
    batch = default_batch()
    h = running_history(batch.x, batch.specs, batch.seed, 3)
    x_hat = (batch.x[:, 1] - h.running_mean[3, 1]) / np.sqrt(h.running_var[3, 1] + 1e-5)
    assert bar_mean(figures(at)[0]["data"][1]) == pytest.approx(x_hat.mean(), abs=0.1)
    assert abs(x_hat.mean()) > 0.5  # three batches in, the running mean is far from the batch's


def test_a_batch_given_as_data_trains_on_resamples_of_itself():
    batch = batch_of(specs=False, n=64)
    at = open_steps(batch, steps_eval=True, steps_batches=50)
    h = running_history(batch.x, None, 0, 50)
    np.testing.assert_allclose(at.dataframe[0].value["running mean"], h.running_mean[50])
    assert any("resampled from your batch's samples" in c.value for c in at.caption)


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("spatial", [None, (4, 4)], ids=["fc", "conv"])
def test_every_preset_and_both_layer_kinds_show_the_cores_variance_in_train_and_eval(name, spatial):
    # Stepping through all seven steps is checked once, on the default batch (Next, above); here each
    # preset and layer kind is opened at the variance step, whose table holds one number per channel.
    batch = batch_of(name, c=4, n=16, spatial=spatial)
    _, _, var = batch_statistics(batch.x)
    for eval_mode in (False, True):
        at = open_steps(batch, steps_eval=eval_mode, steps_step="var")
        assert not at.exception and not at.error
        table = at.dataframe[0].value  # the step's table: one row per channel
        own = table.iloc[:, 1] if eval_mode else table.iloc[:, 0]  # eval: the running value, then the batch's
        np.testing.assert_allclose(own.to_numpy(dtype=float), var, rtol=1e-12, atol=1e-12)
        assert len(figures(at)) >= 2


def test_batchnorm_table_lists_each_channels_statistics_over_the_batch():
    at = open_steps()
    table = at.dataframe[-1].value
    mu, var = norm_statistics(default_batch().x, "batch")
    np.testing.assert_allclose(table["mean"], mu)
    np.testing.assert_allclose(table["variance"], var)
    assert list(table["in diagram"]) == ["", "●", "", ""]
    text = " ".join(m.value for m in at.markdown)
    assert "channel 1 gets one mean and one variance, averaged over 256 samples = 256 values" in text


@pytest.mark.parametrize("kind, groups", [("layer", None), ("instance", None), ("group", 2)])
def test_each_norm_kind_shows_its_statistics_on_a_conv_batch(kind, groups):
    batch = batch_of(spatial=(3, 3), n=6)
    at = open_steps(batch, steps_kind=kind, steps_groups=groups or 2, steps_sample=4)
    table = at.dataframe[-1].value
    mu, var = norm_statistics(batch.x, kind, groups)
    row = table[table["in diagram"] == "●"].iloc[0]
    expected = mu[4] if kind == "layer" else mu[4, 1] if kind == "instance" else mu[4, 0]
    assert row["mean"] == pytest.approx(expected)
    assert row["sample"] == "4"


def test_instance_norm_on_a_fully_connected_batch_is_explained_not_an_error():
    at = open_steps(steps_kind="instance")
    assert not at.error
    assert any("InstanceNorm does not apply to this batch" in i.value and "(N, C, H, W)" in i.value for i in at.info)


def test_group_norm_offers_only_group_counts_that_divide_c():
    at = open_steps(batch_of(c=6, spatial=(2, 2)), steps_kind="group")
    assert at.selectbox(key="steps_groups").options == ["1", "2", "3", "6"]
    at.selectbox(key="steps_groups").set_value(3).run()
    assert any("GroupNorm with 3 groups" in m.value for m in at.markdown)


def test_saved_choices_beyond_a_smaller_batch_fall_back_instead_of_failing():
    at = open_steps(batch_of(c=3, n=4), steps_channel=3, steps_sample=10, steps_groups=2, steps_kind="group")
    assert at.session_state["steps_channel"] == 0
    assert at.session_state["steps_groups"] in (1, 3)
    assert not at.error


def test_unknown_saved_step_and_kind_fall_back_to_the_first():
    at = open_steps(steps_step="nonsense", steps_kind="weird")
    assert at.subheader[0].value == "Step 1 of 7: Batch mean"
    assert at.radio(key="steps_kind").value == "batch"


def test_a_batch_of_one_sample_in_eval_mode_warns_and_shows_the_batch_statistics():
    x = np.array([[1.0, 2.0]])
    at = open_steps(Batch(x, None, 0, "upload: one.npy"), steps_eval=True)
    assert not at.error
    assert any("Expected more than 1 value per channel" in w.value for w in at.warning)
    assert at.subheader[0].value == "Step 1 of 7: Batch mean"


def test_eval_mode_says_what_happens_to_x_hat():
    at = open_steps(steps_eval=True, steps_batches=5)
    batch = default_batch()
    h = running_history(batch.x, batch.specs, batch.seed, 5)
    x_hat = (batch.x[:, 1] - h.running_mean[5, 1]) / np.sqrt(h.running_var[5, 1] + 1e-5)
    text = " ".join(m.value for m in at.markdown)
    assert f"this batch's x̂ in channel 1 has mean {fixed(x_hat.mean(), 2)} and variance {fixed(x_hat.var(), 2)}" in text


def test_classroom_mode_asks_for_a_prediction_before_eval_mode():
    at = open_steps(classroom=True)
    assert at.toggle(key="steps_eval").disabled
    assert not [s for s in at.select_slider if s.key == "steps_momentum"]  # eval mode is off: not drawn
    at.radio(key="steps_predict_eval").set_value("Close, but not exactly").run()
    assert not at.toggle(key="steps_eval").disabled
    at.toggle(key="steps_eval").set_value(True).run()
    assert at.subheader[0].value == "Step 1 of 7: Running mean"
    assert at.select_slider(key="steps_momentum") and "steps_momentum" in hidden_keys(
        at
    )  # a detail, hidden for the class
    assert at.slider(key="steps_batches") and "steps_batches" not in hidden_keys(at)
    # The reveal: the right choice computed from this run's x̂ in channel 1, in a neutral box.
    batch = default_batch()
    h = running_history(batch.x, batch.specs, batch.seed, BATCHES)
    x_hat = (batch.x[:, 1] - h.running_mean[BATCHES, 1]) / np.sqrt(h.running_var[BATCHES, 1] + 1e-5)
    right = eval_answer(x_hat.mean(), x_hat.var())
    said = "Your class chose it." if right == "Close, but not exactly" else "not this one"
    (answer,) = [m.value for m in at.markdown if m.value.startswith("**The answer:")]
    assert answer.startswith(f"**The answer: {right}.**") and said in answer
    assert f"x̂ has mean {fixed(x_hat.mean(), 2)} and variance {fixed(x_hat.var(), 2)}" in answer
    assert not at.success and not any("Your class predicted" in m.value for m in at.markdown)


def test_classroom_mode_asks_the_eval_prediction_again_for_another_number_of_batches():
    at = open_steps(classroom=True)
    at.radio(key="steps_predict_eval").set_value("No, far from it").run()
    at.toggle(key="steps_eval").set_value(True).run()
    at.slider(key="steps_batches").set_value(60).run()
    assert at.radio(key="steps_predict_eval").value is None  # a prediction about 20 batches is not one about 60
    assert "**Predict first:** In eval mode, after 60 training batches" in " ".join(m.value for m in at.markdown)
    assert at.toggle(key="steps_eval").disabled and at.subheader[0].value == "Step 1 of 7: Batch mean"


# --- the lesson's prediction: is the skewed channel Gaussian after normalizing? -------------------------


def step_charts(at) -> list[dict]:
    """The step's chart in classroom mode, titled by the channel alone (the heading names the step)."""
    return [f for f in figures(at) if f["layout"].get("title", {}).get("text") == "Channel 2"]


SKEWED_LINK = {"batch.preset": "every shape", "steps_channel": "2", "classroom": "1"}


def test_classroom_mode_asks_whether_a_skewed_channel_is_gaussian_before_normalizing():
    at = open_link("steps", SKEWED_LINK | {"steps_step": "4. Standard deviation"})
    assert at.subheader[0].value == "Step 4 of 7: Standard deviation"
    assert f"**Predict first:** {SHAPE.question}" in [m.value for m in at.markdown]
    assert at.button(key="steps_next").disabled  # Next waits for the class
    at.radio(key=SHAPE.key).set_value(SHAPE.choices[0]).run()
    assert not at.button(key="steps_next").disabled
    assert not [m for m in at.markdown if m.value.startswith("**The answer:")]  # not before normalizing
    at.button(key="steps_next").click().run()
    assert at.subheader[0].value == "Step 5 of 7: Normalize"
    x = make_batch(tuple(preset("every shape", 4)), 256, None, seed=0)[:, 2]
    x_hat = (x - x.mean()) / np.sqrt(x.var() + 1e-5)
    skew = float(np.mean((x - x.mean()) ** 3) / x.std() ** 3)
    assert skew > 1  # a skewed channel, and after normalizing just as skewed:
    (answer,) = [m.value for m in at.markdown if m.value.startswith("**The answer:")]
    assert answer.startswith("**The answer: No: still skewed, now with mean 0 and variance 1.**")
    assert "Your class chose “Yes: normalizing makes it Gaussian”: not this one." in answer
    assert f"Skewness of x: {fixed(skew, 2)}, of x̂: {fixed(skew, 2)}" in answer
    assert x_hat.mean() == pytest.approx(0, abs=1e-12)


def test_a_normalized_skewed_channel_is_not_drawn_before_the_class_predicts():
    at = open_link("steps", SKEWED_LINK | {"steps_step": "5. Normalize"})
    assert at.subheader[0].value == "Step 5 of 7: Normalize"
    assert not step_charts(at)  # the after-normalizing histogram would answer the question
    assert "This step's chart appears once the class has predicted." in [c.value for c in at.caption]
    at.radio(key=SHAPE.key).set_value(SHAPE.choices[2]).run()
    (chart,) = step_charts(at)
    assert [a["text"] for a in chart["layout"]["annotations"][:2]] == ["before: x − μ", "after: x̂"]
    assert "Your class chose it." in " ".join(m.value for m in at.markdown)


def test_a_channel_that_is_not_skewed_is_stepped_through_without_the_question():
    at = open_steps(classroom=True, steps_step="std")  # the default batch's channel 1 is normal
    assert SHAPE.key not in [r.key for r in at.radio]
    assert not at.button(key="steps_next").disabled


def test_the_shift_step_leaves_gamma_betas_question_open_in_classroom_mode():
    at = open_link("steps", {"classroom": "1", "steps_step": "7. Shift by β"})
    text = " ".join(m.value for m in at.markdown)
    assert "The class predicts it on *Drag γ and β*" in text and "gives back x exactly" not in text


# --- one rounding per column and per quantity (issue 22) ----------------------------------------------


# The page's dataframes, each known by its columns (AppTest does not give an element's key).
TABLES = {
    "statistics": lambda columns: "mean gap (in batch stds)" not in columns and "in diagram" not in columns,
    "running": lambda columns: "mean gap (in batch stds)" in columns,
    "pooled": lambda columns: "in diagram" in columns,
}


def numbers_of(at, name: str) -> pd.DataFrame:
    """The cells of the page's dataframe `name` (TABLES) as shown, its numeric columns only."""
    (table,) = [d for d in at.dataframe if TABLES[name](list(d.value.columns))]
    cells = shown_cells(table)
    return cells[[c for c in cells.columns if places_shown(cells[c])]]


def legend_value(at, prefix: str) -> str:
    """The number after `prefix` in the legend of the step's figure (`μ<sub>B</sub> = ` -> "8.19")."""
    (name,) = [t["name"] for t in figures(at)[0]["data"] if t.get("name", "").startswith(prefix)]
    return name.removeprefix(prefix).split(":")[0].split(" ")[0]


@pytest.mark.parametrize("eval_mode", [False, True], ids=["train", "eval"])
@pytest.mark.parametrize("step", ["mean", "var", "std"])
def test_every_column_of_the_steps_tables_has_one_number_of_decimals(step, eval_mode):
    # The default batch's channels span 0.2 to 40 in spread: one column held "0.00, 8.19, −3.008, 50.55".
    at = open_steps(steps_step=step, steps_eval=eval_mode)
    for name in ["statistics", "pooled"] + (["running"] if eval_mode else []):
        for column, texts in numbers_of(at, name).items():
            assert len(places_shown(texts)) == 1, (name, column, list(texts))


def test_the_batch_mean_reads_the_same_in_the_figure_the_worked_numbers_both_tables_and_the_snippet():
    at = run_page("steps", session_state={"steps_channel": 2}, opened=("steps_open_pytorch",))
    shown = legend_value(at, "μ<sub>B</sub> = ")  # channel 2, the channel of spread 0.2
    assert at.code[1].value.endswith(f"= {shown}")  # the worked numbers' sum
    column = list(numbers_of(at, "statistics")["batch mean"])
    assert same_number(shown) == column[2]
    assert list(numbers_of(at, "pooled")["mean"]) == column  # What is averaged together, BatchNorm
    snippet = at.expander[0].code[0].value  # “Do it in PyTorch”: what it prints
    assert "# batch mean: " + "  ".join(column) in snippet


def test_eval_mode_writes_the_running_variance_alike_in_the_worked_numbers_tables_figure_and_sentence():
    at = open_steps(steps_eval=True, steps_channel=2, steps_step="var")
    worked = at.code[1].value.removeprefix("running_var[2] = ")
    assert legend_value(at, "σ²<sub>run</sub> = ") == worked
    assert numbers_of(at, "statistics")["running variance"].iloc[2] == same_number(worked)
    running = numbers_of(at, "running")
    assert running["running variance"].iloc[2] == same_number(worked)
    batch_var = running["batch variance"].iloc[2]
    assert f"Its running variance is {worked} against {batch_var}" in at.info[0].value


def test_eval_mode_says_the_mean_of_x_hat_with_the_digits_of_its_figure():
    at = open_steps(steps_eval=True, steps_channel=2, steps_step="normalize")
    after = [a["text"] for a in figures(at)[0]["layout"]["annotations"] if a["text"].startswith("mean ")][-1]
    text = " ".join(m.value for m in at.markdown)
    assert f"this batch's x̂ in channel 2 has {after} and variance" in text
