"""End to end on /learning in Chromium: real key presses on the live step control (replayed in the
browser, ui/live.py), its Play/Pause button, and your own γ and β. The trainings, optimizers, tasks and
the train-vs-eval comparison are checked in AppTest (test_page_learning.py)."""

import re

import numpy as np
import pytest
from conftest import ARTIFACTS
from playwright.sync_api import Page, expect

from bnviz.core.data import preset
from bnviz.experiments.training.data import make_experiment
from bnviz.experiments.training.loop import train
from bnviz.experiments.training.settings import TrainingSettings
from bnviz.figures.learning import history_curves
from bnviz.numbers import sig
from helpers.pw_helpers import (
    SCREENSHOTS,
    after_run,
    assert_no_exception,
    next_frames,
    open_expander,
    plotly_charts,
    press,
    shot,
    slider,
    step_slider,
    wait_idle,
)

pytestmark = pytest.mark.browser

STEP = re.compile(r"^Step \(move it, or press Play")
CHANNEL = 1  # the page's default channel
READOUTS = ("mu", "var", "gamma", "beta", "loss")
MARKER = (
    "() => document.querySelector('.bnviz-live .js-plotly-plot')?.layout?.shapes?.at(-1)?.x0"  # undefined until drawn
)
T = 90_000  # ms: a training and its figures on a busy machine (other test runs share the CPU)


def open_learning(page: Page, app_url: str) -> None:
    """open_page with this file's longer timeout: the first run trains three times."""
    page.set_default_timeout(T)
    page.goto(f"{app_url}/learning")
    page.wait_for_selector('[data-testid="stMain"]')
    wait_idle(page, timeout=T)


def element_shot(locator, name: str) -> None:
    """Screenshot one element once the app is idle (the page scrolls inside Streamlit's main area,
    so a full-page shot would only hold the top). Only with BNVIZ_SCREENSHOTS=1."""
    if not SCREENSHOTS:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    wait_idle(locator.page, timeout=T)
    locator.scroll_into_view_if_needed()
    locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def step_control(page: Page):
    """The live replay's step: a native range input named by its <label>."""
    return page.get_by_role("slider", name=STEP)


def recorded():
    """The page's default training and its record by the core (the numbers the replay must show)."""
    exp = make_experiment(tuple(preset("channels on very different scales", 4)), None, TrainingSettings())
    return exp, train(exp)


def assert_replay_shows_step(page: Page, hist, step: int) -> None:
    """The marker on `step` and each readout the recorded number of that step: the exact float (data-value)
    and its text as bnviz.numbers.sig writes it."""
    page.wait_for_function(f"() => ({MARKER})() === {step}")
    for name in READOUTS:
        readout = page.locator(f'.bnviz-live-readout-value[data-name="{name}"]')
        value = float(getattr(hist, name)[step - 1, CHANNEL])
        expect(readout).to_have_text(sig(value))
        assert float(readout.get_attribute("data-value")) == value, name


def chart(page: Page, index: int):
    return plotly_charts(page).nth(index)


def step_line(page: Page) -> str:
    return page.locator("p").filter(has_text=re.compile(r"^Step \d+ up close")).first.inner_text()


def move(page: Page, label: str, key: str, times: int) -> None:
    """Press a key on a slider `times` times, each press waiting for the value to move, then let the rerun finish."""
    step_slider(slider(page, label), times, key)
    wait_idle(page, timeout=T)


def test_training_runs_and_the_step_control_changes_the_numbers(page, app_url):
    open_learning(page, app_url)
    expect(page.locator("h1").first).to_contain_text("Watch γ and β learned", timeout=T)
    expect(plotly_charts(page)).to_have_count(1, timeout=T)  # the step's (the side topics closed, not drawn)
    page.wait_for_function(f"() => ({MARKER})() === 960", timeout=T)  # the live replay drawn: the whole training
    assert_no_exception(page)
    shot(page, "learning-default")
    last = step_line(page)
    assert last.startswith("Step 960 up close")
    # The readouts' μ_B and σ²_B: their B drawn as a subscript element, as plotly draws the legend's.
    labels = page.locator(".bnviz-live-readout-label")
    expect(labels.nth(0)).to_have_text("μB =")
    expect(labels.nth(1)).to_have_text("σ²B =")
    expect(labels.locator("sub")).to_have_text(["B", "B"])
    element_shot(page.locator(".bnviz-live"), "learning-time-axis")
    step_control(page).press("Home")
    expect(step_control(page)).to_have_value("1")
    expect(page.get_by_text(re.compile(r"^Step 1 up close"))).to_be_visible(timeout=T)
    assert step_line(page) != last and "loss = " in step_line(page)
    element_shot(chart(page, 0), "learning-step-1")
    open_expander(page, "The arithmetic of this step")  # the worked update, closed until asked for
    expect(page.locator('[data-testid="stTable"]').first).to_contain_text("∂L/∂y", timeout=T)
    element_shot(page.locator('[data-testid="stTable"]').first, "learning-step-numbers-1")
    assert_no_exception(page)


def test_the_step_replays_in_the_browser_plays_pauses_and_the_link_follows(page, app_url):
    _, hist = recorded()
    open_learning(page, app_url)
    control = step_control(page)
    expect(control).to_have_value("960")
    control.focus()
    control.press("Home")
    for _ in range(11):
        control.press("ArrowRight")  # no wait between presses: a learner holding the key down
    expect(control).to_have_value("12")  # no press lost
    assert_replay_shows_step(page, hist, 12)  # in the browser, before Python has run
    expect(page).to_have_url(re.compile(r"[?&]learn_step=12(&|$)"), timeout=T)  # sent when the hand stopped
    wait_idle(page, timeout=T)
    expect(page.get_by_text(re.compile(r"^Step 12 up close"))).to_be_visible(timeout=T)
    expect(control).to_have_value("12")  # not undone by Python's run

    play = page.locator(".bnviz-live-play")  # a native button: focused and pressed with the keyboard
    expect(play).to_have_attribute("aria-pressed", "false")
    play.focus()
    page.keyboard.press("Space")
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(play).to_have_text("Pause")
    page.wait_for_function("(c) => Number(document.querySelector(c).value) >= 40", arg=".bnviz-live input")
    page.keyboard.press("Space")  # Pause
    expect(play).to_have_attribute("aria-pressed", "false")
    expect(play).to_have_text("Play")
    paused = int(control.input_value())
    assert 40 <= paused < 960
    next_frames(page, 10)
    expect(control).to_have_value(str(paused))  # paused: the step no longer moves
    assert_replay_shows_step(page, hist, paused)
    expect(page).to_have_url(re.compile(rf"[?&]learn_step={paused}(&|$)"), timeout=T)
    wait_idle(page, timeout=T)
    expect(page.get_by_text(re.compile(rf"^Step {paused} up close"))).to_be_visible(timeout=T)
    assert_no_exception(page)


def test_your_own_path_is_drawn_with_its_loss(page, app_url):
    open_learning(page, app_url)
    open_expander(page, "The loss landscape, and your turn")
    mine = page.locator('[data-testid="stMetric"]').filter(has_text="Your loss now")
    expect(mine).to_contain_text("0 moves", timeout=T)
    start = mine.locator('[data-testid="stMetricValue"]').inner_text()
    for moves, label in enumerate(["Your γ", "Your β", "Your γ"], start=1):
        move(page, label, "PageUp", 1)  # one press, one move of a tenth of the range, towards γ*, β*
        expect(mine).to_contain_text(f"{moves} moves", timeout=T)
    assert float(mine.locator('[data-testid="stMetricValue"]').inner_text()) < float(start)
    element_shot(chart(page, 1), "learning-landscape-your-path")
    after_run(page, page.get_by_role("button", name="Start again").click, timeout=T)
    expect(mine).to_contain_text("0 moves", timeout=T)
    assert_no_exception(page)


def choose_task(page: Page, task: str) -> None:
    task_choice = page.locator('[data-testid="stRadio"]').filter(has_text="Task").get_by_text(task, exact=True)
    after_run(page, task_choice.click, timeout=T)


@pytest.mark.parametrize("tasks", [["A different target"], ["A different target", "Reconstruct the input"]])
def test_after_the_target_task_the_batch_size_and_epochs_still_reach_the_address(page, app_url, tasks):
    # "A different target" draws its two inputs above the other controls; Streamlit's browser side dropped the
    # address binding of every control whose place that moved (the link then opened with B = 32).
    open_learning(page, app_url)
    for task in tasks:
        choose_task(page, task)
    expect(page).to_have_url(
        re.compile(r"[?&]learn_task=A\+different\+target(&|$)" if len(tasks) == 1 else r"/learning$")
    )
    press(slider(page, "Batch size B"), 4, "ArrowLeft")  # 32 -> 2
    expect(page).to_have_url(re.compile(r"[?&]learn_batch_size=2(&|$)"), timeout=T)
    wait_idle(page, timeout=T)
    press(slider(page, "Epochs"), 1, "ArrowLeft")  # 30 -> 29
    expect(page).to_have_url(re.compile(r"[?&]learn_epochs=29(&|$)"), timeout=T)
    expect(page).to_have_url(re.compile(r"[?&]learn_batch_size=2(&|$)"))  # still there
    assert_no_exception(page)


# Each redraw of the replay, as it happens: the step, and each curve's number of points and last step drawn.
RECORD_REDRAWS = """(root) => {
  const gd = root.querySelector('.js-plotly-plot');
  const input = root.querySelector('input[type=range]');
  const button = root.querySelector('.bnviz-live-play');
  window.__redraws = [];
  window.__played = {};
  new MutationObserver(() => window.__redraws.push({
    step: Number(input.value),
    height: gd.getBoundingClientRect().height,
    curves: Object.fromEntries(gd.data.map((t) => [t.meta, [t.x.length, t.x.length ? t.x[t.x.length - 1] : null]])),
  })).observe(root, {attributes: true, attributeFilter: ['data-draws']});
  new MutationObserver(() => (window.__played[button.getAttribute('aria-pressed')] = performance.now()))
    .observe(button, {attributes: true, attributeFilter: ['aria-pressed']});
}"""


def test_play_draws_each_curve_up_to_the_cursor_at_the_speed_chosen_and_ends_on_the_last_step(page, app_url):
    exp, hist = recorded()
    curves = history_curves(exp, hist, CHANNEL)  # the time axis' curves, as Python draws them
    open_learning(page, app_url)
    page.wait_for_function(f"() => ({MARKER})() === 960", timeout=T)
    speed = page.get_by_label("Speed")  # a native <select>, labelled, beside Play
    expect(speed).to_have_value("1")
    expect(speed.locator("option")).to_have_text(["0.5×", "1×", "2×", "4×"])
    speed.select_option("4")
    chart_root = page.locator(".bnviz-live")
    chart_root.evaluate(RECORD_REDRAWS)
    play = page.locator(".bnviz-live-play")
    play.click()  # at the end: the replay starts again from step 1
    expect(play).to_have_attribute("aria-pressed", "true")
    page.wait_for_function("() => window.__played.false !== undefined", timeout=T)  # it stopped by itself
    expect(step_control(page)).to_have_value("960")
    assert_replay_shows_step(page, hist, 960)
    redraws = page.evaluate("window.__redraws")
    steps = [r["step"] for r in redraws]
    assert steps[0] == 1 and steps[-1] == 960 and steps == sorted(steps) and len(set(steps)) > 20
    assert {r["height"] for r in redraws} == {760}  # the chart keeps its height, plotly's redraws too
    for r in redraws:  # every curve drawn with the points known at the cursor, no further
        for meta, (n, last) in r["curves"].items():
            known = int(np.searchsorted(curves[meta].known, r["step"], side="right"))
            assert n == known, (meta, r["step"], n, known)
            assert last is None or last <= r["step"], (meta, r["step"], last)
    # By the clock, not by frames: at 4× the whole training in 10 s / 4 (a slow frame makes a longer move).
    played = page.evaluate("window.__played.false - window.__played.true") / 1000
    assert 2.4 <= played < 10, played
    assert_no_exception(page)
