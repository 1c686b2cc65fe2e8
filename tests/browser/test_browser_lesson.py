"""The lesson on one projected screen, in Chromium: each step of /teach's plan, opened from its teacher link
at both projector sizes, shows the class's prompt and the control it needs, hides the answer until the class
has chosen, and once the teacher acts shows the result and a neutral reveal, all in the window at once.

Each step names its prediction (content.teach's `predict`); the page marks the prompt, the control and the
result with containers keyed `lesson_ask_<key>`, `lesson_control_<key>`, `lesson_result_<key>`, and the reveal
`lesson_reveal_<key>` (ui.classroom). ACTIONS says how the teacher reveals each one.
"""

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Locator, Page, expect

from content import teach as lesson
from helpers.pw_helpers import PROJECTORS, WAIT_MS, after_run, assert_no_exception, open_page, shot

pytestmark = pytest.mark.browser

ROLES = ("ask", "control", "result")


def part(page: Page, role: str, key: str) -> Locator:
    return page.locator(f'[data-testid="stMain"] .st-key-lesson_{role}_{key}')


def out_of_view(page: Page, name: str, locator: Locator) -> str | None:
    """Why `locator` is not wholly in the window below Streamlit's header bar, or None when it is."""
    if locator.count() != 1:
        return f"{name}: {locator.count()} elements"
    box = locator.bounding_box()
    if box is None or box["height"] == 0:
        return f"{name}: not drawn"
    bar = page.locator('[data-testid="stHeader"]').bounding_box()
    top, size = (bar["y"] + bar["height"]) if bar else 0, page.viewport_size
    if box["y"] < top - 1 or box["y"] + box["height"] > size["height"] + 1:
        return f"{name}: from y = {box['y']:.0f} to {box['y'] + box['height']:.0f} px, the window {top:.0f}–{size['height']}"
    if box["x"] < 0 or box["x"] + box["width"] > size["width"] + 1:
        return f"{name}: from x = {box['x']:.0f} to {box['x'] + box['width']:.0f} px, wider than the window"
    return None


def assert_in_view(page: Page, **parts: Locator) -> None:
    problems = [p for name, locator in parts.items() if (p := out_of_view(page, name, locator))]
    assert not problems, f"{page.url} at {page.viewport_size}: " + "; ".join(problems)


def wait_still(page: Page) -> None:
    """Until every chart shown is drawn (the element's `data-plots`, set once plotly has drawn it: before, the
    element has its placeholder's height) and the page's scroll position and height keep still for ten
    animation frames."""
    page.wait_for_function(
        """() => new Promise((done) => {
            const main = document.querySelector('[data-testid="stMain"]');
            const undrawn = () => [...main.querySelectorAll('.bnviz-chart, .bnviz-live')]
                .filter((e) => e.getClientRects().length > 0 && !(Number(e.dataset.plots || 0) >= 1)).length;
            let last = null, still = 0;
            const look = () => {
                const now = JSON.stringify([main.scrollTop, main.scrollHeight]);
                still = now === last && undrawn() === 0 ? still + 1 : 0;
                last = now;
                if (still >= 10) done(true); else requestAnimationFrame(look);
            };
            look();
        })""",
        timeout=WAIT_MS,
    )


# How the teacher reveals the answer to each step's prediction, once the class has chosen (by its key).
ACTIONS: dict[str, Callable[[Page], None]] = {}


def move_home_scale(page: Page) -> None:
    """Step 1: the scale from ×1 to ×4 with the keyboard, unlocked once the class has chosen."""
    scale = page.get_by_role("slider", name="Multiply every activation by")
    expect(scale).to_be_enabled()
    scale.focus()
    for _ in range(30):  # 30 steps of 0.1
        page.keyboard.press("ArrowRight")
    expect(scale).to_have_value("4")


ACTIONS["home_predict_scale"] = move_home_scale


def draw_another_batch(page: Page) -> None:
    """Step 2: "Draw another batch", unlocked once the class has chosen."""
    button = page.get_by_role("button", name="Draw another batch")
    expect(button).to_be_enabled()
    after_run(page, button.click)


ACTIONS["bt_predict_draw"] = draw_another_batch
# 3. Step through BN: Next, from the standard deviation to normalizing.
ACTIONS["steps_predict_shape"] = lambda page: after_run(page, page.get_by_role("button", name="Next ▶").click)
# 4. Drag γ and β: “Recover the original”.
ACTIONS["gb_predict_recover"] = lambda page: after_run(
    page, page.get_by_role("button", name="Recover the original").click
)
# 5. /learning: the class's choice itself draws where γ and β went (the training is the page's own).
ACTIONS["learn_predict_end"] = lambda page: None
# 6. /network: the teacher trains the three networks.
ACTIONS["net_predict_train"] = lambda page: after_run(
    page, page.get_by_role("button", name="Train the three networks").click
)
# 7. /real-network: the teacher trains the three networks (trained once per server: the cache answers at once).
ACTIONS["cnn_predict_train"] = lambda page: after_run(
    page, page.get_by_role("button", name="Train the three networks").click
)
# 8. /questions: the class's choice itself runs question 6's experiment at the link's sample and batch size.
ACTIONS["q_predict_eval"] = lambda page: None


def teacher_link(step: lesson.LessonStep) -> str:
    return f"{step.page}?{urlencode(lesson.teacher_link(step))}"


@pytest.mark.parametrize("size", PROJECTORS, ids=lambda s: f"{s['width']}x{s['height']}")
@pytest.mark.parametrize("number", range(1, len(lesson.PLAN) + 1))
def test_each_step_shows_its_prompt_control_and_reveal_on_one_projected_screen(page, app_url, number, size):
    step = lesson.PLAN[number - 1]
    assert step.predict is not None, f"step {number} asks the class nothing before its reveal"
    key = step.predict.key
    page.set_viewport_size(size)
    open_page(page, app_url, teacher_link(step))
    page.wait_for_function("() => document.documentElement.dataset.bnvizSection !== 'holding'", timeout=WAIT_MS)
    wait_still(page)
    ask, control, result = (part(page, role, key) for role in ROLES)
    assert_in_view(page, prompt=ask, control=control)
    expect(page.locator(f".st-key-lesson_reveal_{key}")).to_have_count(0)
    shot(page, f"lesson-{number}-{size['width']}-before")

    # A wrong choice (the right one is computed by the page), then the teacher's action.
    after_run(page, ask.get_by_text(step.predict.choices[0], exact=True).click)
    ACTIONS[key](page)
    reveal = page.locator(f".st-key-lesson_reveal_{key}")
    expect(reveal).to_be_visible(timeout=WAIT_MS)
    page.wait_for_function(f"() => document.documentElement.dataset.bnvizReveal === {key!r}", timeout=WAIT_MS)
    wait_still(page)
    assert_in_view(page, prompt=ask, control=control, result=result, reveal=reveal)
    shot(page, f"lesson-{number}-{size['width']}-after")
    expect(reveal).to_contain_text("The answer:")
    expect(reveal).to_contain_text(
        "Your class chose it." if f"The answer: {step.predict.choices[0]}." in reveal.inner_text() else "not this one"
    )
    # Neutral: the reveal is a plain bordered box, not a success or error callout.
    expect(reveal.locator('[data-testid="stAlertContainer"]')).to_have_count(0)
    assert_no_exception(page)


def test_the_plans_links_open_their_step_in_a_new_tab_the_start_page_too(page, app_url):
    open_page(page, app_url, "teach")
    links = page.locator('[data-testid="stMain"] a[target="_blank"]')
    expect(links).to_have_count(2)  # the open step's (step 1's) teacher and student links
    assert [a.evaluate("a => a.href") for a in links.all()] == [
        f"{app_url}/?{urlencode(params)}"
        for params in (lesson.teacher_link(lesson.PLAN[0]), lesson.student_link(lesson.PLAN[0]))
    ]
    with page.context.expect_page() as opened:
        links.first.click()
    projected = opened.value
    projected.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"] h1', timeout=WAIT_MS)
    expect(projected.locator("h1").first).to_contain_text("Batch Normalization")  # the start page, not /teach
    expect(projected.get_by_role("switch", name="Classroom mode")).to_be_checked()


def test_a_student_link_opens_the_same_view_without_classroom_mode_nor_the_lesson_plan(page, app_url):
    step = lesson.PLAN[3]  # /gamma-beta, channel 2
    open_page(page, app_url, f"{step.page}?{urlencode(lesson.student_link(step))}")
    expect(page.get_by_role("switch", name="Classroom mode")).not_to_be_checked()
    expect(page.get_by_text("Predict first:")).to_have_count(0)  # no prompt: the student explores alone
    expect(page.get_by_role("combobox", name="Channel")).to_have_count(0)  # hidden by the link, as projected
    nav = page.locator('[data-testid="stSidebarNav"]')
    expect(nav.get_by_role("link", name="Drag γ and β")).to_be_visible()
    expect(nav.get_by_role("link", name="For teachers")).to_have_count(0)  # no plan, no answers
    after_run(page, nav.get_by_role("link", name="Start here").click)
    assert "student=1" in page.evaluate("location.search")  # a link the student copies stays a student's
    expect(nav.get_by_role("link", name="For teachers")).to_have_count(0)
