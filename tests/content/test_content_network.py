"""content.network: what “Do γ and β just undo BN?” says of a jolt and of the learned γ, β, made from the run's
own numbers (hand-built runs here; the page's first settings on every seed in tests/content/test_claims.py)."""

import numpy as np
import pytest

from bnviz.experiments.jolt import Jolt, Undo
from bnviz.experiments.mlp import NetworkSettings
from content.network import (
    JOLT_PREDICTIONS,
    before_jolt,
    jolt_happened,
    jolt_question,
    jolt_summary,
    jolt_verdict,
    jolt_why,
    recovered,
    steps_text,
    undo_summary,
    undo_text,
)

STEPS, AT = 40, 20  # windows of 10: steps 11-20 before the jolt, 21-30 after it, 31-40 the end


def loss(before: float, after: tuple[float, float], end: tuple[float, float]) -> np.ndarray:
    """Two copies' losses (2, STEPS): alike before the jolt, then `after` and `end` (without, jolted)."""
    values = np.full((2, STEPS), before)
    values[:, AT : AT + 10] = np.array(after)[:, None]
    values[:, AT + 10 :] = np.array(end)[:, None]
    return values


def hand_jolt(none: np.ndarray, bn: np.ndarray, diverged=None, factor: float = 10.0) -> Jolt:
    """A jolt of layer 1 after AT of STEPS steps at lr 0.5 with these losses; ‖W‖ = 2 (×factor when jolted) and
    ‖dL/dW‖ = 0.02 (BN: ÷factor when jolted; without BN: ×3), so ‖ΔW‖/‖W‖ is 0.005 before."""
    weight = np.full((2, STEPS), 2.0)
    weight[1, AT:] *= factor
    grads = {arm: np.full((2, STEPS), 0.02) for arm in ("none", "bn")}
    grads["bn"][1, AT:] /= factor
    grads["none"][1, AT:] *= 3
    diverged = diverged or {}
    return Jolt(
        NetworkSettings(steps=STEPS, lr=0.5),
        layer=1,
        factor=factor,
        at=AT,
        loss={"none": none, "bn": bn},
        grad_norm=grads,
        weight_norm={"none": weight, "bn": weight.copy()},
        diverged_at={arm: np.array(diverged.get(arm, (0, 0))) for arm in ("none", "bn")},
        undo=None,
    )


def test_the_verdict_compares_the_ten_steps_after_the_jolt_with_the_run_without_it():
    result = hand_jolt(loss(0.1, (0.10, 0.50), (0.01, 0.30)), loss(0.1, (0.10, 0.13), (0.02, 0.02)))
    assert jolt_verdict(result, "none") == "jumps"  # 0.4 above
    assert jolt_verdict(result, "bn") == "carries on"  # 0.03 above, within 0.05
    assert recovered(result, "none") is False and recovered(result, "bn") is True
    dropped = hand_jolt(loss(0.1, (0.3, 0.1), (0.01, 0.01)), loss(0.1, (0.1, 0.1), (0.0, 0.0)))
    assert jolt_verdict(dropped, "none") == "drops"


def test_a_jolted_copy_that_diverges_in_the_ten_steps_after_the_jolt_diverges():
    none = loss(0.1, (0.1, 0.5), (0.01, 0.3))
    none[1, AT + 3 :] = np.nan
    result = hand_jolt(none, loss(0.1, (0.1, 0.1), (0.0, 0.0)), diverged={"none": (0, AT + 4)})
    assert jolt_verdict(result, "none") == "diverges" and recovered(result, "none") is None
    assert jolt_summary(result).startswith(
        "**Without BN** the jolted network diverges at step 24: its loss or a weight stopped being a finite number."
    )
    assert jolt_happened(result) == "only without BN"


def test_the_summary_gives_each_arms_numbers_and_bns_step_against_the_square_of_the_factor():
    result = hand_jolt(loss(0.1, (0.00102, 0.478), (0.000419, 0.189)), loss(0.1, (0.0596, 0.0503), (0.0366, 0.0359)))
    assert jolt_summary(result) == (
        "**Without BN** the loss jumps: 0.478 over the 10 steps after the jolt, against 0.00102 without it, and it "
        "is still higher at the end: 0.189 against 0.000419. **With BN** the loss carries on: 0.0503 against "
        "0.0596; layer 1's steps ‖ΔW‖/‖W‖ become 100 times smaller, as 1/10² predicts. Before it, both networks "
        "had a loss of 0.1."
    )
    assert steps_text(result) == (
        "At the first step after the jolt, layer 1's ‖ΔW‖/‖W‖ was, with BN, 5e-05 against 0.005 in the run without "
        "the jolt (100 times smaller); without BN, 0.0015 against 0.005 (3.33 times smaller)."
    )
    assert jolt_happened(result) == "only without BN"


def test_after_a_jolt_that_both_recover_from_the_summary_says_so():
    result = hand_jolt(loss(0.1, (0.001, 0.6), (0.0004, 0.005)), loss(0.1, (0.06, 0.39), (0.037, 0.04)), factor=0.1)
    summary = jolt_summary(result)
    assert "**With BN** the loss jumps: 0.39 against 0.06, and it recovers by the end: 0.04 against 0.037" in summary
    assert "layer 1's steps ‖ΔW‖/‖W‖ become 100 times larger, as 1/0.1² predicts." in summary
    assert jolt_happened(result) == "both"


def test_what_happened_is_always_one_of_the_predictions():
    calm = loss(0.1, (0.1, 0.1), (0.0, 0.0))
    jump = loss(0.1, (0.1, 0.5), (0.0, 0.0))
    for none, bn in ((calm, calm), (jump, calm), (calm, jump), (jump, jump)):
        assert jolt_happened(hand_jolt(none, bn)) in JOLT_PREDICTIONS
    assert jolt_happened(hand_jolt(calm, jump)) == "only BN with γ, β"
    assert jolt_happened(hand_jolt(calm, calm)) == "neither"
    assert (
        jolt_question(2, 0.1)
        == "Halfway through training, hidden layer 2's weights are multiplied by 0.1. Whose loss jumps?"
    )


def test_why_quotes_how_the_bn_networks_weights_grew_after_the_jolt():
    result = hand_jolt(loss(0.1, (0.1, 0.5), (0.0, 0.3)), loss(0.1, (0.1, 0.1), (0.0, 0.0)), factor=0.1)
    result.weight_norm["bn"][1, AT + 10] = 1.23
    assert "here ‖W‖ of layer 1 went from 0.2 just after the jolt to 1.23 10 steps later." in jolt_why(result)
    steady = hand_jolt(loss(0.1, (0.1, 0.5), (0.0, 0.3)), loss(0.1, (0.1, 0.1), (0.0, 0.0)))
    assert "here ‖W‖ of layer 1 stayed at 20 over the 10 steps after the jolt." in jolt_why(steady)


def test_the_undo_text_names_the_closest_unit_and_whether_any_layer_undoes_bn():
    # Layer 1: d = 0.5, 1, 0.02 (unit 3 nearly undone); layer 2: d = 0.04, 0.06, 0.08 (median 0.06: undone).
    scale = np.ones((2, 3))
    gamma = np.array([[1.5, 2.0, 1.02], [1.04, 1.06, 1.08]])
    undo = Undo(gamma, np.zeros((2, 3)), np.zeros((2, 3)), scale - 1e-5, 1e-5)
    np.testing.assert_allclose(undo.distance, [[0.5, 1.0, 0.02], [0.04, 0.06, 0.08]], atol=1e-12)
    text = undo_text(undo)
    assert text.startswith("**Layer 2 nearly undoes BN**: call d the root mean square of a unit's output − input")
    assert "In each hidden layer the median unit's d is 0.06 to 0.50." in text
    assert "4 of the 6 units have d below 0.1; the closest is layer 1, unit 3: γ = 1.020 against" in text
    assert "(d = 0.02)" in text
    far = Undo(gamma + 1.0, np.zeros((2, 3)), np.zeros((2, 3)), scale - 1e-5, 1e-5)
    assert undo_text(far).startswith("**No layer undoes BN**: ")
    # The line under the jolt says the same, in a line.
    assert undo_summary(undo).startswith("**And γ and β?** Trained without the jolt, layer 2 nearly undid BN: ")
    assert (
        "in each layer the median unit's output still differs from its input by 0.06 to 0.50 of the input's spread"
        in (undo_summary(undo))
    )
    assert "no layer undid BN: in each layer the median unit's output still differs from its input by 1.06 to 1.50" in (
        undo_summary(far)
    )


@pytest.mark.parametrize("factor", [10.0, 0.1])
def test_the_words_do_not_break_on_a_copy_without_a_finite_step(factor):
    result = hand_jolt(loss(0.1, (0.1, 0.5), (0.0, 0.3)), loss(0.1, (0.1, 0.1), (0.0, 0.0)), factor=factor)
    result.grad_norm["bn"][:, AT] = np.nan
    assert "‖ΔW‖" not in jolt_summary(result) and steps_text(result).count("with BN") == 0


def test_the_summary_says_which_network_was_ahead_before_the_jolt_and_what_bn_bought_then():
    """The chart may show the plain network's loss below BN's before the jolt: the text says so, and that BN's
    gain here is a loss the weights' scale does not move (only when BN's loss carried on)."""
    ahead = loss(0.01, (0.5, 0.5), (0.2, 0.2))
    ahead[:, :AT] = 0.001  # without BN: lower before the jolt
    calm = loss(0.05, (0.05, 0.05), (0.05, 0.05))
    text = before_jolt(hand_jolt(ahead, calm))
    assert text == (
        "Before it, the network without BN was ahead (0.001 against 0.05): BN buys here not a lower loss but one "
        "that the weights' scale does not move."
    )
    assert before_jolt(hand_jolt(calm, ahead)) == "Before it, the network with BN was ahead (0.001 against 0.05)."
    assert before_jolt(hand_jolt(calm, calm)) == "Before it, both networks had a loss of 0.05."
    assert jolt_summary(hand_jolt(ahead, calm)).endswith(text)
