"""Classroom mode in Chromium: a teacher's walk through every page with Next, each page accessible
(axe-core), with nothing wrong in the console; every page, its side sections open and every reveal
predicted, fit for a projector and readable from the back of the room (at 1280 × 720 and 1024 × 768 no
label cut off, no sideways scrolling, the sidebar collapsed, every text of 20 px or more and chart text
of 18 px or more, no legend on an axis or subplot title, no tick label with an SI suffix:
pw_helpers.projector_problems); and on /gamma-beta the large text (a style only a browser applies),
the exact boxes hidden, and a predict-first prompt that locks the action until the class has predicted.
The prompts of /steps, /learning and /network are checked in AppTest (their test_page_*.py)."""

import itertools
import re

import pytest
from playwright.sync_api import expect

from content.questions import QUESTIONS
from content.registry import PAGES
from helpers.apptest import all_open
from helpers.pw_helpers import (
    PROJECTORS,
    WAIT_MS,
    after_run,
    assert_accessible,
    assert_fits_projectors,
    assert_large_text,
    assert_no_exception,
    open_page,
    shot,
    tall_shot,
    wait_idle,
    watch_console,
)

pytestmark = pytest.mark.browser


def test_classroom_mode_from_a_link_walks_every_page_projected_accessible_and_without_errors(page, app_url):
    problems = watch_console(page)
    page.set_viewport_size(PROJECTORS[0])  # a projector's 1280 × 720
    open_page(page, app_url, "?classroom=1")
    assert_large_text(page)
    shot(page, "classroom-home")
    assert_accessible(page)
    for previous, current in itertools.pairwise(PAGES):
        page.get_by_text(f"Next: {current.title}").click()
        expect(page).to_have_url(re.compile(rf"/{current.url_path}\?classroom=1$"))
        expect(page.get_by_text(f"Previous: {previous.title}")).to_be_visible()
        wait_idle(page)
        assert_no_exception(page)
        assert_accessible(page)  # no critical or serious axe-core violation, in classroom mode
        # Fit for a projector: each page at both sizes in the test below, its sections open and every reveal shown.
        if current != PAGES[-1]:  # the walk goes on from the main area, the sidebar being closed
            expect(page.get_by_role("link", name=re.compile(r"^Next:"))).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Next:"))).to_have_count(0)  # /teach, the last page
    assert problems == []  # no console error, no failed request, on any page of the walk


def unanswered_prompt(page):
    """The first predict-first prompt on screen that the class has not answered, or None."""
    for radio in prompt(page).all():
        if radio.is_visible() and radio.locator("input:checked").count() == 0:
            return radio
    return None


@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.url_path or "home")
def test_every_page_opened_and_revealed_reads_from_the_back_of_the_room_on_a_projector(page, app_url, info):
    # Every side section open (the charts they hide too) and every reveal shown once the class predicts.
    opened = (
        {f"q_open_{q.number}": "true" for q in QUESTIONS} if info.url_path == "questions" else all_open(info.url_path)
    )
    page.set_viewport_size(PROJECTORS[0])
    open_page(page, app_url, f"{info.url_path}?classroom=1" + "".join(f"&{k}={v}" for k, v in opened.items()))
    for _ in range(10):  # a page has at most a few prompts; one may appear once another is answered
        radio = unanswered_prompt(page)
        if radio is None:
            break
        after_run(page, radio.locator("label").nth(1).click)  # its first choice (label 0 is the question)
    assert unanswered_prompt(page) is None
    assert_no_exception(page)
    assert_fits_projectors(page)


def prompt(page):
    return page.locator('[data-testid="stRadio"]').filter(has_text="Your class's prediction")


def predict(page, choice: str) -> None:
    after_run(page, prompt(page).get_by_text(choice, exact=True).click)


def test_gamma_beta_asks_for_a_prediction_before_recovering_the_original(page, app_url):
    open_page(page, app_url, "gamma-beta?classroom=1")
    assert_large_text(page)
    expect(page.get_by_label("exact γ")).to_be_hidden()  # exact boxes are not for the class
    recover = page.get_by_role("button", name="Recover the original")
    expect(recover).to_be_disabled()
    expect(page.get_by_text("Predict first:")).to_be_visible()
    tall_shot(page, "classroom-gamma-beta-before")
    predict(page, "γ = 1, β = 0")
    expect(recover).to_be_enabled()
    recover.click()
    told = page.locator(".st-key-lesson_reveal_gb_predict_recover")
    expect(told).to_be_visible(timeout=WAIT_MS)
    expect(told).to_contain_text("The answer:")
    expect(told).to_contain_text("Your class chose “γ = 1, β = 0”: not this one.")
    expect(page.get_by_text("Largest |y − x|").first).to_be_visible()
    tall_shot(page, "classroom-gamma-beta-after")
    assert_fits_projectors(page)  # "Recover the original" and the recovered numbers whole, on a projector
    assert_no_exception(page)
