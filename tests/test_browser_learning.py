"""End to end on /learning in Chromium: train, scrub through the steps, walk the landscape, compare modes."""

import re

import pytest
from conftest import ARTIFACTS
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect
from pw_helpers import assert_no_exception, plotly_charts, shot, slider, wait_idle

pytestmark = pytest.mark.browser

STEP = "Step (move it to replay the training"
T = 90_000  # ms: a training and its figures on a busy machine (other test runs share the CPU)


def open_learning(page: Page, app_url: str) -> None:
    """open_page with this file's longer timeout: the first run trains three times."""
    page.set_default_timeout(T)
    page.goto(f"{app_url}/learning")
    page.wait_for_selector('[data-testid="stMain"]')
    wait_idle(page, timeout=T)


def element_shot(locator, name: str) -> None:
    """Screenshot one element (the page scrolls inside Streamlit's main area, so a full-page
    shot would only hold the top). A chart re-drawn by a late rerun is taken again."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for attempt in range(3):
        wait_idle(locator.page, timeout=T)
        try:
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=str(ARTIFACTS / f"{name}.png"))
            return
        except PlaywrightError:
            if attempt == 2:
                raise


def chart(page: Page, index: int):
    return plotly_charts(page).nth(index)


def step_line(page: Page) -> str:
    return page.locator("p").filter(has_text=re.compile(r"^Step \d+ up close")).first.inner_text()


def move(page: Page, label: str, key: str, times: int) -> None:
    """Press a key on a slider `times` times, letting each rerun finish (a press that lands
    during a rerun can be undone by it)."""
    for _ in range(times):
        thumb = slider(page, label)
        thumb.focus()
        thumb.press(key)
        wait_idle(page, timeout=T)


def choose(page: Page, label: str, option: str) -> None:
    page.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page, timeout=T)


def test_training_runs_and_the_step_scrubber_changes_the_numbers(page, app_url):
    open_learning(page, app_url)
    expect(page.locator("h1").first).to_contain_text("Watch γ and β learned", timeout=T)
    expect(plotly_charts(page)).to_have_count(4, timeout=T)
    assert_no_exception(page)
    shot(page, "learning-default")
    choose(page, "Optimizer", "Adam")  # a new training, with its progress bar, then cached
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="Adam at the end")).to_be_visible(timeout=T)
    first = step_line(page)
    assert first.startswith("Step 1 up close")
    element_shot(chart(page, 0), "learning-adam-time-axis")
    move(page, STEP, "ArrowRight", 10)
    expect(slider(page, STEP)).to_have_value("11", timeout=T)
    expect(page.get_by_text(re.compile(r"^Step 11 up close"))).to_be_visible(timeout=T)
    eleventh = step_line(page)
    assert eleventh != first and "μ_B = " in eleventh
    element_shot(chart(page, 1), "learning-scrubber-step-11")
    move(page, STEP, "End", 1)
    expect(page.get_by_text(re.compile(r"^Step 960 up close"))).to_be_visible(timeout=T)
    assert step_line(page) not in (first, eleventh)
    element_shot(chart(page, 1), "learning-scrubber-step-960")
    element_shot(page.locator('[data-testid="stTable"]').first, "learning-scrubber-numbers-960")
    assert_no_exception(page)


def test_ten_quick_presses_on_the_step_slider_end_at_step_11_and_the_link_carries_it(page, app_url):
    open_learning(page, app_url)
    thumb = slider(page, STEP)
    expect(thumb).to_have_value("1")
    thumb.focus()
    for _ in range(10):
        thumb.press("ArrowRight")  # no wait between presses: a learner holding the key down
    expect(page).to_have_url(re.compile(r"learn_step=11(&|$)"), timeout=T)
    wait_idle(page, timeout=T)
    expect(thumb).to_have_value("11")  # no press lost, none undone by a rerun
    expect(page.get_by_text(re.compile(r"^Step 11 up close"))).to_be_visible(timeout=T)
    assert_no_exception(page)


@pytest.mark.parametrize("task", ["A different target", "Feed a classifier"])
def test_each_task_trains_towards_its_own_optimum(page, app_url, task):
    open_learning(page, app_url)
    page.get_by_text(task, exact=True).click()
    wait_idle(page, timeout=T)
    gamma = page.locator('[data-testid="stMetric"]').filter(has_text="γ, mean of the last epoch")
    expect(gamma).to_contain_text("γ* = ", timeout=T)
    if task == "Feed a classifier":
        expect(slider(page, "Learning rate")).to_have_value("5", timeout=T)  # 0.3: index 5 of the rates
    assert_no_exception(page)
    slug = "target" if "target" in task else "classifier"
    box = page.locator('[data-testid="stVerticalBlock"]').filter(has_text="γ*, β* are computed")
    element_shot(box.filter(has_not_text="Channel to watch").first, f"learning-task-{slug}-explained")
    element_shot(chart(page, 0), f"learning-task-{slug}-time-axis")
    element_shot(chart(page, 2), f"learning-task-{slug}-landscape")


def test_momentum_path_on_the_landscape(page, app_url):
    open_learning(page, app_url)
    choose(page, "Optimizer", "SGD with momentum 0.9")
    expect(page.locator('[data-testid="stMetric"]').filter(has_text="SGD with momentum 0.9 at the end")).to_be_visible(
        timeout=T
    )
    element_shot(chart(page, 0), "learning-momentum-time-axis")
    element_shot(chart(page, 2), "learning-momentum-landscape")
    assert_no_exception(page)


def test_your_own_path_is_drawn_with_its_loss(page, app_url):
    open_learning(page, app_url)
    mine = page.locator('[data-testid="stMetric"]').filter(has_text="Your loss now")
    expect(mine).to_contain_text("0 moves", timeout=T)
    start = mine.locator('[data-testid="stMetricValue"]').inner_text()
    for moves, label in enumerate(["Your γ", "Your γ", "Your β", "Your γ", "Your β"], start=1):
        move(page, label, "PageUp", 1)  # one press, one move of a tenth of the range, towards γ*, β*
        expect(mine).to_contain_text(f"{moves} moves", timeout=T)
    assert float(mine.locator('[data-testid="stMetricValue"]').inner_text()) < float(start)
    element_shot(chart(page, 2), "learning-landscape-your-path")
    page.get_by_role("button", name="Start again").click()
    wait_idle(page, timeout=T)
    expect(mine).to_contain_text("0 moves", timeout=T)
    assert_no_exception(page)


def test_train_and_eval_modes_compared_for_batches_of_2_and_64(page, app_url):
    open_learning(page, app_url)
    compare = chart(page, 3)
    expect(compare).to_contain_text("trained with batches of 2", timeout=T)
    expect(compare).to_contain_text("trained with batches of 64", timeout=T)
    element_shot(compare, "learning-train-vs-eval-2-vs-64")
    element_shot(page.locator('[data-testid="stTable"]').nth(1), "learning-train-vs-eval-table")
    move(page, "Small batch", "ArrowRight", 1)
    expect(chart(page, 3)).to_contain_text("trained with batches of 4", timeout=T)
    element_shot(chart(page, 3), "learning-train-vs-eval-4-vs-64")
    assert_no_exception(page)
