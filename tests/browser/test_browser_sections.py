"""A link that names a section (`?section=peaks`, content.registry.to_section) opens its page with that section's
heading in view (ui/section.js): each question of the home page, clicked as a learner clicks it; a question's link
on /questions; a link opened in classroom mode on a projector's screen."""

import re

import pytest
from playwright.sync_api import expect

from content import gamma_beta
from content.questions import HOME, question
from helpers.pw_helpers import WAIT_MS, after_run, assert_no_exception, next_frames, open_page, wait_idle

pytestmark = pytest.mark.browser
REACHED = "() => document.documentElement.dataset.bnvizSection === 'reached'"  # ui/section.js let go
# The element's top, once it has kept still for ten animation frames (a scroll or a redraw has ended).
STILL = """(e) => new Promise((resolve) => {
  let last = null, same = 0;
  const step = () => {
    const y = e.getBoundingClientRect().top;
    same = y === last ? same + 1 : 0;
    last = y;
    if (same >= 10) resolve(y); else requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
})"""


def assert_in_view(page, anchor: str) -> None:
    """The heading whose anchor is `anchor` is whole inside the window, below Streamlit's header bar, and stays
    there once the page has finished drawing (the charts above it are drawn after it)."""
    heading = page.locator(f'[data-testid="stMain"] [id="{anchor}"]')
    expect(heading).to_be_in_viewport(ratio=1, timeout=WAIT_MS)
    wait_idle(page)
    page.wait_for_function(REACHED)  # the page kept still: ui/section.js has let go
    next_frames(page)
    expect(heading).to_be_in_viewport(ratio=1)
    bar = page.locator('[data-testid="stHeader"]').bounding_box()
    assert heading.bounding_box()["y"] >= bar["y"] + bar["height"] - 1, "under the header bar"


@pytest.mark.parametrize("asked", HOME, ids=lambda q: q.opens["section"])
def test_each_home_question_opens_the_section_that_answers_it(page, app_url, asked):
    open_page(page, app_url)
    page.get_by_role("link", name=f"Answered by experiment: {asked.label}").click()
    section = asked.opens["section"]
    expect(page).to_have_url(re.compile(rf"/{asked.page}\?(.*&)?section={section}(&|$)"), timeout=WAIT_MS)
    assert_in_view(page, section)
    if asked.page == "gamma-beta":  # the number the home page says is the heading's
        number = re.search(r"Section (\d+) of", asked.label).group(1)
        expect(page.locator(f'[id="{section}"]')).to_contain_text(f"{number}. ")
    assert_no_exception(page)


def test_a_questions_link_opens_its_section_and_moving_a_control_there_leaves_the_page_where_it_is(page, app_url):
    open_page(page, app_url, "questions?q_open_8=true")
    (link,) = question("peaks").links
    page.get_by_role("link", name=link.label).click()
    expect(page).to_have_url(re.compile(r"/gamma-beta\?(.*&)?section=peaks"), timeout=WAIT_MS)
    assert_in_view(page, "peaks")
    # The section was reached: a control moved there reruns the page, which does not jump back to it.
    page.mouse.move(700, 500)
    page.mouse.wheel(0, 100)  # the peak picker stays in view: clicking it scrolls nothing
    heading = page.locator('[id="peaks"]')
    top = heading.evaluate(STILL)  # once the wheel's scroll has ended
    after_run(page, page.get_by_text("15 in channel 1", exact=True).click)
    assert abs(heading.evaluate(STILL) - top) < 5  # once the rerun's redraw has ended


def test_in_classroom_mode_a_link_opens_its_section_on_a_projectors_screen(page, app_url):
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(
        page,
        app_url,
        "gamma-beta?classroom=1&" + "&".join(f"{k}={v}" for k, v in gamma_beta.section_link("w-and-b").items()),
    )
    assert_in_view(page, "w-and-b")
    expect(page.locator('[id="w-and-b"]')).to_contain_text(gamma_beta.heading("w-and-b"))
