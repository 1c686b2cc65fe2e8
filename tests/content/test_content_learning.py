"""content.learning: the /learning page's LaTeX, explanations and tables quote the training's own numbers."""

import numpy as np
import pytest

from bnviz.core.data import preset
from bnviz.experiments.training.data import Experiment, make_experiment
from bnviz.experiments.training.landscape import optimum
from bnviz.experiments.training.loop import step_detail, train
from bnviz.experiments.training.modes import compare_settings, train_vs_eval
from bnviz.experiments.training.settings import EPS, SUGGESTED_LR, TrainingSettings
from bnviz.numbers import fixed
from content.common import CLAIM_SEEDS
from content.learning import (
    END_ELSEWHERE,
    END_UNDO,
    channel_places,
    channel_table,
    conventions_latex,
    conventions_table,
    end_choices,
    explain_task,
    modes_answer,
    modes_table,
    step_rows,
    update_equations,
    where_they_end,
)

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)

SPECS = tuple(preset("channels on very different scales", 4))


def tiny_experiment(task: str, optimizer: str) -> Experiment:
    """Six values, two channels, fixed mini-batches of three (as in test_training)."""
    x = np.array([[1.0, 10.0], [3.0, -2.0], [-1.0, 4.0], [6.0, 0.5], [2.5, 7.0], [0.0, -3.0]])
    s = TrainingSettings(task=task, optimizer=optimizer, lr=0.1, batch_size=3, epochs=2, n_train=6)
    batches = np.array([[0, 1, 2], [3, 4, 5], [5, 0, 3], [1, 2, 4]])
    return Experiment(s, x, x.copy(), x.mean(0), x.std(0), batches, x, x.copy())


def test_update_equations_show_the_steps_real_numbers():
    exp = tiny_experiment("reconstruct", "sgd")
    hist = train(exp)
    d = step_detail(exp, hist, 0, 0)
    # batch (1, 3, -1): x̂ = (0, 1.2247, -1.2247), y = x̂, t = x: dL/dy = 2(x̂ - x)/3
    lines = update_equations(d, "sgd")
    assert lines[0].endswith(f"= {d.grad_gamma:.4g}")
    assert rf"= 1 - 0.1 \times ({d.grad_gamma:.4g}) = {1 - 0.1 * d.grad_gamma:.4g}" in lines[2]
    assert "v_" in update_equations(d, "momentum")[-1]


def test_step_rows_end_with_the_sums_that_are_the_gradients():
    exp = make_experiment(SPECS, None, TrainingSettings(batch_size=16))
    d = step_detail(exp, train(exp), 3, 1)
    rows = step_rows(d, "reconstruct", rows=8)
    assert len(rows["x"]) == 9 and rows["i"][-1] == "Σ (all 16)"
    assert rows["∂L/∂y"][-1] == pytest.approx(np.sum(d.dy)) == pytest.approx(d.grad_beta)
    assert rows["∂L/∂y · x̂"][-1] == pytest.approx(d.grad_gamma)


def test_task_explanations_quote_the_computed_numbers():
    exp = make_experiment(SPECS, None, TrainingSettings(batch_size=2, epochs=2))
    gamma_star, beta_star = optimum(exp)
    p = channel_places(channel_table(exp, train(exp), gamma_star, beta_star))
    text, why = explain_task(exp, gamma_star, beta_star, 1, p)
    # γ* and σ as the table "every channel" writes them, three decimals each: γ* = 5.681 beside 10.020
    assert f"γ* = **{fixed(gamma_star[1], p['γ*'])}**" in text
    assert f"√(σ²+ε) = {fixed(np.sqrt(exp.std[1] ** 2 + EPS), p['σ of the data'])}" in text
    assert f"{gamma_star[1] / np.sqrt(exp.std[1] ** 2 + EPS):.3f} × √(σ²+ε)" in why and "B = 2" in why
    exp = make_experiment(SPECS, None, TrainingSettings(task="classify"))
    text, why = explain_task(exp, *optimum(exp), 0, p)
    assert "σ(4·((x − μ)/σ − 0.5))" in text and why is None


def test_modes_table_holds_one_value_per_training_for_the_channel():
    exp = make_experiment(SPECS, None, TrainingSettings(batch_size=4, epochs=1))
    te = train_vs_eval(exp, train(exp))
    table = modes_table([te, te], 2)
    assert table["running_var after training"] == [te.running_var[2]] * 2
    assert table["variance of the held-out batch"][0] == pytest.approx(exp.holdout_x[:, 2].var(ddof=1))


def test_adam_update_rule_writes_the_betas_training_uses():
    exp = tiny_experiment("reconstruct", "adam")
    d = step_detail(exp, train(exp), 0, 0)
    rule = update_equations(d, "adam")[2]
    assert rule.startswith(r"m \leftarrow 0.9\,m + 0.1\,g,\quad v \leftarrow 0.999\,v + 0.001\,g^2,")
    assert rule.endswith(r"\hat v = \frac{v}{1 - 0.999^t}")
    assert update_equations(d, "momentum")[2] == r"v \leftarrow 0.9\,v + \frac{\partial L}{\partial p}"


def test_conventions_name_their_defaults_and_write_the_learners_momentum_their_way():
    lines = conventions_latex(0.1)
    assert lines[1] == (
        r"\text{Keras} \;(\text{default } m = 0.99):\quad \text{moving} \leftarrow m\,\text{moving} + (1 - m)\,\mu_B"
    )
    table = conventions_table(0.1)
    assert table["PyTorch"] == {"default m": 0.1, "your setting, written this way": 0.1}
    assert table["cs231n"]["your setting, written this way"] == pytest.approx(0.9)


# --- the class's predictions: the right choice, from the training, on every seed ----------------------------


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_gamma_and_beta_end_at_sigma_and_mu_only_when_the_task_asks_for_the_input_back(seed):
    # What lesson step 5 tells the teacher to listen for, at its link's settings (channel 1), on every channel.
    for task, answer in (("reconstruct", END_UNDO), ("target", END_ELSEWHERE), ("classify", END_ELSEWHERE)):
        exp = make_experiment(SPECS, None, TrainingSettings(task=task, lr=SUGGESTED_LR[task], seed=seed))
        hist = train(exp)
        assert [where_they_end(exp, hist, c) for c in range(exp.channels)] == [answer] * exp.channels, task


def test_gamma_and_beta_that_do_not_move_stay_near_their_start():
    exp = make_experiment(SPECS, None, TrainingSettings(task="target", lr=1e-3, epochs=1))
    hist = train(exp)
    assert end_choices()[1] == "no: they stay near 1 and 0"
    assert where_they_end(exp, hist, 1) == end_choices()[1]


@pytest.mark.parametrize("seed", CLAIM_SEEDS)
def test_with_batches_of_two_or_four_training_and_eval_mode_are_very_different(seed):
    for small in (2, 4):  # /learning's "Small batch" choices
        base = TrainingSettings(seed=seed)
        exp = make_experiment(SPECS, None, compare_settings(base, small, base.steps))
        result = train_vs_eval(exp, train(exp))
        assert [modes_answer(result, c) for c in range(exp.channels)] == ["very different"] * exp.channels
