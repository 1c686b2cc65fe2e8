"""/questions and /teach from a link: settings read and written back, hostile links refused,
classroom mode's hidden controls and predict-first prompts, controls hidden by `?hide=`."""

import numpy as np
import pytest

from bnviz.experiments import gamma_beta, questions, stepper
from content import questions as content
from content import teach as lesson
from helpers.apptest import hidden_keys, lesson_links, open_link
from ui.state import default_batch

NOTICE = "This link had settings that could not be used"


def largest_difference(x, t: float) -> float:
    """Largest |y − x| of BN with γ, β a fraction t of the way to the recovering values (gamma_beta)."""
    return gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, t))[2].batch_max_abs_diff


def metric(at, label: str) -> str:
    found = [m.value for m in at.metric if m.label.startswith(label)]
    assert len(found) == 1, [m.label for m in at.metric]
    return found[0]


def named(notice: str) -> list[str]:
    """The parameters a link's notice names ("... are shown: q_gamma, batch.n.")."""
    assert notice.startswith(NOTICE), notice
    return notice.split(": ", 1)[1].rstrip(".").split(", ")


def keys(elements) -> set:
    return {e.key for e in elements}


def answer_shown(at, key: str) -> bool:
    return any(m.value == content.question(key).answer for m in at.markdown)


def table_with(at, column: str):
    return next(t.value for t in at.table if column in t.value)


# --- /questions: a link reproduces the view ------------------------------------------------------------

# URL names are the controls' keys (Streamlit binds each widget to its key); an open question is q_open_N=true.
OPEN = "true"
EVERY_SETTING = {
    "q_gamma": "3",
    "q_beta": "2.5",
    "q_recover": "1",
    "q_w": "2",
    "q_b": "12",
    "q_batches": "5",
    "q_momentum": "0.5",
    "q_learn_batch": "64",
    "q_eval_sample": "9",
    "q_eval_batch": "32",
    "q_small_n": "3",
    "q_peak": "15 in channel 1",
    "q_real_block": "1",
    **{f"q_open_{q.number}": OPEN for q in content.QUESTIONS},
}
# Every question but 9, whose controls these tests do not set: its first opening in a test process trains
# /real-network's three networks (test_a_link_sets_question_9s_block tests its link).
ALL_BUT_REAL = {f"q_open_{q.number}": OPEN for q in content.QUESTIONS if q.key != "real"}


def test_a_link_with_every_setting_sets_every_control_and_opens_every_question():
    at = open_link("questions", EVERY_SETTING)
    assert not at.info
    assert at.slider(key="q_gamma").value == 3.0 and at.slider(key="q_beta").value == 2.5
    assert at.slider(key="q_recover").value == 1.0
    assert at.select_slider(key="q_w").value == 2.0 and at.slider(key="q_b").value == 12.0
    assert at.slider(key="q_batches").value == 5 and at.select_slider(key="q_momentum").value == 0.5
    assert at.select_slider(key="q_learn_batch").value == 64
    assert at.slider(key="q_eval_sample").value == 9.0 and at.select_slider(key="q_eval_batch").value == 32
    assert at.slider(key="q_small_n").value == 3 and at.radio(key="q_peak").value == "15 in channel 1"
    assert at.radio(key="q_real_block").value == 1
    assert {f"q_check_{q.number}" for q in content.QUESTIONS} <= keys(at.radio)  # every question open
    assert at.query_params == EVERY_SETTING  # the address bar keeps the same link


def test_a_link_reproduces_the_numbers_of_questions_1_to_3():
    at = open_link("questions", EVERY_SETTING)
    x = default_batch().x
    use = questions.sigmoid_use(x, 3.0, 2.5)
    assert metric(at, "In the flat ends") == f"{use.flat:.1%}" and use.flat > 0.2
    assert metric(at, "Largest |y − x|") == f"{largest_difference(x, 1.0):.2e}"
    res = questions.bias_and_scale(x, 2.0, 12.0)
    np.testing.assert_allclose(table_with(at, "input mean")["input mean"], 2.0 * x.mean(axis=0) + 12.0)
    assert metric(at, "Largest change of BN's output caused by w") == f"{res.change_w.max():.1e}"


def test_a_link_reproduces_the_numbers_of_questions_4_to_7():
    at = open_link("questions", EVERY_SETTING)
    path = stepper.running_statistics(questions.conv_batches(5), questions.CONV_CHANNELS, momentum=0.5)
    running = table_with(at, "running_mean after 5")
    np.testing.assert_allclose(running["running_mean after 5"], path.running_mean[-1])
    assert metric(at, "γ: largest change") == f"{questions.learn_gamma_beta(64).gamma_step:.3f}"
    assert metric(at, "Eval mode") == f"{questions.train_vs_eval(9.0, 32).eval_output:.3f}"
    x_hat = next(t.value for t in at.table if list(t.value.index) == ["sample 0", "sample 1", "sample 2"])
    np.testing.assert_allclose(x_hat.to_numpy(), questions.train_small_batch(3).x_hat)


def test_a_link_can_open_a_single_question():
    at = open_link("questions", {"q_open_6": OPEN})
    assert keys(at.radio) == {"q_check_6"}
    assert metric(at, "Eval mode") == f"{questions.train_vs_eval(7.0, 8).eval_output:.3f}"


@pytest.mark.parametrize(
    "name, text",
    [
        ("q_gamma", "abc"),
        ("q_gamma", "nan"),
        ("q_gamma", "1e308"),
        ("q_gamma", "0.05"),  # below the slider's 0.1
        ("q_beta", "<script>alert(1)</script>"),
        ("q_recover", "-inf"),
        ("q_w", "3"),  # not one of the slider's stops
        ("q_b", "**bold** [x](http://evil)"),
        ("q_batches", "61"),
        ("q_momentum", "0.2"),
        ("q_learn_batch", "1e400"),
        ("q_eval_batch", "0x20"),
        ("q_small_n", "0"),
        ("q_open_2", "<b>yes</b>"),
        ("q_open_2", "1"),  # a switch in a link is true or false
    ],
)
def test_a_bad_setting_opens_its_default_with_a_notice_that_does_not_repeat_it(name, text):
    # Every question open (but 9, ALL_BUT_REAL): a closed question draws no control, and its parameters are not read.
    at = open_link("questions", {**ALL_BUT_REAL, name: text})
    (notice,) = [i.value for i in at.info]
    assert named(notice) == [name]
    assert text not in notice and "<" not in notice and "*" not in notice
    assert at.slider(key="q_gamma").value == 1.0 and at.slider(key="q_batches").value == 10
    assert at.select_slider(key="q_momentum").value == 0.1 and at.slider(key="q_small_n").value == 1
    if name == "q_open_2":
        assert "q_check_2" not in keys(at.radio)  # question 2 stays closed
    else:
        assert at.slider(key="q_recover").value == 0.0
    assert name not in at.query_params  # the bad value is dropped from the address bar


def test_a_fractional_count_is_named_in_the_notice_and_streamlit_rounds_it_down():
    at = open_link("questions", {"q_open_4": OPEN, "q_batches": "2.5"})
    (notice,) = [i.value for i in at.info]
    assert named(notice) == ["q_batches"] and "2.5" not in notice
    # Streamlit corrects an integer slider's "2.5" to 2 rather than dropping it (BINDING.md).
    assert at.slider(key="q_batches").value == 2 and at.query_params["q_batches"] == "2"
    running = table_with(at, "running_mean after 2")["running_mean after 2"]
    np.testing.assert_allclose(
        running, stepper.running_statistics(questions.conv_batches(2), questions.CONV_CHANNELS, 0.1).running_mean[-1]
    )


def test_a_bad_setting_does_not_spoil_the_good_ones():
    at = open_link("questions", {"q_open_1": OPEN, "q_gamma": "3", "q_beta": "nan"})
    assert at.slider(key="q_gamma").value == 3.0 and at.slider(key="q_beta").value == 0.0
    assert named(at.info[0].value) == ["q_beta"]
    assert metric(at, "In the flat ends") == f"{questions.sigmoid_use(default_batch().x, 3.0, 0.0).flat:.1%}"


def test_a_link_sets_question_9s_block_and_a_bad_block_opens_the_last_with_a_notice():
    at = open_link("questions", {"q_open_9": OPEN, "q_real_block": "2"})
    assert not at.info and at.radio(key="q_real_block").value == 2
    assert metric(at, "Block 2's γ = 1, β = 0") and at.query_params["q_real_block"] == "2"
    at = open_link("questions", {"q_open_9": OPEN, "q_real_block": "4"})
    (notice,) = [i.value for i in at.info]
    assert named(notice) == ["q_real_block"] and at.radio(key="q_real_block").value == 3
    assert "q_real_block" not in at.query_params
    at = open_link("questions", {"q_open_9": OPEN, "hide": "real_block", "q_real_block": "1"})
    assert "q_real_block" in hidden_keys(at) and metric(at, "Block 1's γ = 1, β = 0")


# Moving a control writes it to the link, and back to its default removes it: AppTest does not update
# at.query_params after a widget moves (the browser does), so test_browser_questions checks page.url.


def test_self_check_answers_never_go_into_the_link_and_a_link_cannot_answer_them():
    right = content.question("why").check.answer.text
    at = open_link("questions", {"q_open_1": OPEN, "check_1": right, "q_check_1": right})
    assert at.radio(key="q_check_1").value is None and not at.success
    at.radio(key="q_check_1").set_value(right).run()
    assert at.success
    assert not any("check" in name for name in at.query_params)


# --- /questions: classroom mode and hidden controls --------------------------------------------------


def test_classroom_mode_hides_the_momentum_but_keeps_its_value_from_the_link():
    at = open_link("questions", {"classroom": "1", "q_open_4": OPEN, "q_batches": "5", "q_momentum": "0.5"})
    assert "q_momentum" in hidden_keys(at) and at.slider(key="q_batches").value == 5
    assert "q_batches" not in hidden_keys(at)
    path = stepper.running_statistics(questions.conv_batches(5), questions.CONV_CHANNELS, 0.5)
    np.testing.assert_allclose(table_with(at, "running_mean after 5")["running_mean after 5"], path.running_mean[-1])
    assert at.query_params["q_momentum"] == "0.5"  # still in the link


def reveals(at) -> list[str]:
    """The classroom reveals shown: the right answer, whether the class chose it, and why (ui.classroom.reveal)."""
    return [m.value for m in at.markdown if m.value.startswith("**The answer:")]


def test_classroom_mode_locks_question_2_at_the_start_until_the_class_predicts():
    at = open_link("questions", {"classroom": "1", "q_open_2": OPEN, "q_recover": "1"})
    x = default_batch().x
    assert "q_recover" in hidden_keys(at) and "q_recover_locked" not in hidden_keys(at)
    locked = at.slider(key="q_recover_locked")
    assert locked.disabled and locked.value == 0.0
    start = largest_difference(x, 0.0)
    assert metric(at, "Largest |y − x|") == f"{start:.2e}" and start > 1.0  # the answer is not shown yet
    assert not reveals(at)
    assert not answer_shown(at, "undo") and "q_check_2" not in keys(at.radio)  # nothing gives it away
    assert not any("BN can be the identity" in c.value for c in at.caption)
    guess = at.radio(key="q_predict_recover")
    assert guess.value is None and len(guess.options) == 3
    guess.set_value("small but not 0: ε gets in the way").run()
    assert at.slider(key="q_recover").value == 1.0 and "q_recover" not in hidden_keys(at)  # the link's, revealed
    shown = metric(at, "Largest |y − x|")
    assert shown == f"{largest_difference(x, 1.0):.2e}" and float(shown) < 1e-9
    (told,) = reveals(at)
    assert told.startswith(
        "**The answer: 0, up to rounding: y is x again.** Your class chose “small but not 0: ε gets in the way”: "
        "not this one."
    )
    assert shown in told
    assert at.query_params["q_recover"] == "1" and not any("predict" in name for name in at.query_params)
    assert answer_shown(at, "undo") and at.radio(key="q_check_2").value is None


def test_after_predicting_question_2_the_answer_waits_for_the_recovering_values():
    at = open_link("questions", {"classroom": "1", "q_open_2": OPEN})
    at.radio(key="q_predict_recover").set_value("0, up to rounding: y is x again").run()
    assert at.slider(key="q_recover").value == 0.0 and not reveals(at)
    assert "What happens shows at 1, the recovering values." in [c.value for c in at.caption]
    at.slider(key="q_recover").set_value(1.0).run()
    assert reveals(at)[0].startswith("**The answer: 0, up to rounding: y is x again.** Your class chose it.")


def test_classroom_mode_hides_the_batch_of_one_until_the_class_predicts():
    at = open_link("questions", {"classroom": "1", "q_open_7": OPEN})
    assert at.slider(key="q_small_n").value == 1
    assert not at.error and not at.table and not at.metric  # nothing of N = 1 yet
    assert not answer_shown(at, "one") and "q_check_7" not in keys(at.radio)
    at.radio(key="q_predict_one").set_value("every output is 0").run()
    assert answer_shown(at, "one") and at.radio(key="q_check_7").value is None
    assert any("Expected more than 1 value per channel when training" in e.value for e in at.error)
    (told,) = reveals(at)
    assert told.startswith(
        "**The answer: it stops with an error.** Your class chose “every output is 0”: not this one. BatchNorm in "
        "training stops"
    )
    assert list(at.table[0].value.iloc[3]) == [0.0] * 4  # x̂ = 0, as the text says
    assert metric(at, "GroupNorm") == f"{questions.group_norm_demo().gn_diff:.1e}"


def test_classroom_mode_shows_larger_batches_before_the_prediction():
    at = open_link("questions", {"classroom": "1", "q_open_7": OPEN, "q_small_n": "3"})
    assert at.radio(key="q_predict_one").value is None
    np.testing.assert_allclose(at.table[0].value.to_numpy(), questions.train_small_batch(3).x_hat)


def test_outside_classroom_mode_no_prediction_is_asked():
    at = open_link("questions", {"q_open_2": OPEN, "q_open_7": OPEN, "q_recover": "1"})
    assert keys(at.radio) == {"q_check_2", "q_check_7"}
    assert at.slider(key="q_recover").value == 1.0 and float(metric(at, "Largest |y − x|")) < 1e-9
    assert not at.info and any("Expected more than 1 value" in e.value for e in at.error)
    assert answer_shown(at, "undo") and answer_shown(at, "one")


@pytest.mark.parametrize(
    "hide, gone, kept",
    [
        ("gamma", "q_gamma", "q_beta"),
        ("beta", "q_beta", "q_gamma"),
        ("b", "q_b", "q_batches"),
        ("batches", "q_batches", "q_b"),
        ("eval_sample", "q_eval_sample", "q_small_n"),
        ("small_n", "q_small_n", "q_eval_sample"),
    ],
)
def test_a_link_can_hide_any_slider(hide, gone, kept):
    at = open_link("questions", {"hide": hide, **ALL_BUT_REAL})
    assert gone in hidden_keys(at) and kept in keys(at.slider) - hidden_keys(at)


def test_a_hidden_control_keeps_the_links_value():
    at = open_link("questions", {"hide": "gamma,w", "q_open_1": OPEN, "q_open_3": OPEN, "q_gamma": "3", "q_w": "5"})
    assert {"q_gamma", "q_w"} <= hidden_keys(at) and "q_beta" not in hidden_keys(at)
    x = default_batch().x
    assert metric(at, "In the flat ends") == f"{questions.sigmoid_use(x, 3.0, 0.0).flat:.1%}"
    change_w = questions.bias_and_scale(x, 5.0, 0.0).change_w.max()
    assert metric(at, "Largest change of BN's output caused by w") == f"{change_w:.1e}"
    assert any("γ = 3 and β = 0" in c.value for c in at.caption)  # the caption says what was used
    assert at.query_params["hide"] == "gamma,w"


# --- /teach --------------------------------------------------------------------------------------------


def step_label(number: int) -> str:
    """The step selector's option, as the link carries it: `?teach_step=Step+4%3A+Drag+γ+and+β`."""
    return f"Step {number}: {lesson.PLAN[number - 1].title}"


def test_a_teachers_link_opens_one_step_with_its_answers():
    at = open_link("teach", {"teach_step": step_label(4), "teach_answers": "true"})
    assert at.selectbox(key="teach_step").value == 4 and at.toggle(key="teach_answers").value is True
    step = lesson.PLAN[3]
    assert [h.value for h in at.subheader] == [f"4. {step.title}"]
    body = " ".join(m.value for m in at.markdown)
    assert all(ask.expect in body for ask in step.ask) and "Listen for:" in body


@pytest.mark.parametrize(
    "name, text",
    [
        ("teach_step", "Step 9: Nothing"),
        ("teach_step", "4"),
        ("teach_step", "nan"),
        ("teach_step", "<script>x</script>"),
        ("teach_answers", "maybe"),
    ],
)
def test_a_bad_teachers_link_opens_the_whole_lesson_with_a_notice(name, text):
    at = open_link("teach", {name: text})
    (notice,) = [i.value for i in at.info]
    assert notice.startswith(NOTICE) and notice.endswith(f": {name}.") and text not in notice
    assert at.selectbox(key="teach_step").value == 0 and at.toggle(key="teach_answers").value is False
    assert at.table  # the whole lesson's sequence
    assert name not in at.query_params


def test_a_teachers_link_can_hide_the_step_selector_and_the_answers_switch():
    at = open_link("teach", {"teach_step": step_label(2), "hide": "step"})
    assert hidden_keys(at) == {"teach_step"} and at.toggle(key="teach_answers")
    assert [h.value for h in at.subheader] == [f"2. {lesson.PLAN[1].title}"]  # the link's step, still shown
    at = open_link("teach", {"hide": "answers"})
    assert hidden_keys(at) == {"teach_answers"} and at.selectbox(key="teach_step")


def test_classroom_mode_keeps_both_controls_of_the_teachers_page():
    at = open_link("teach", {"classroom": "1"})
    assert not hidden_keys(at) and at.selectbox(key="teach_step") and at.toggle(key="teach_answers")
    assert at.toggle(key="classroom").value is True


def test_the_teachers_plan_links_each_step_to_its_view():
    def student_link(number: int) -> tuple[str, dict[str, str]]:  # the open tab's second link: its student link
        _, page, query = lesson_links(open_link("teach", {"teach_tab": f"Step {number}"}))[1]
        return page, query

    page, query = student_link(6)
    assert page == "network" and query["net_sweep"] == "false"
    page, query = student_link(7)
    assert page == "real-network" and query == {
        "hide": "lr,epochs,batch_size,seed",
        "section": "three-networks-on-digits",
        "student": "1",
    }
    page, query = student_link(8)
    assert page == "questions" and query["q_open_6"] == "true" and query["section"] == "question-6"
