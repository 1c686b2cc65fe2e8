"""Links in a fresh browser: deep links on a fresh server, a copied link that reproduces each
page's view in a new session, moving a control writes the address bar (URL names are widget keys),
hostile links, classroom mode from a deep link, hidden controls, and the browser's history (one entry per
page: Back leaves the page). The walk through the pages in classroom mode: tests/browser/test_browser_classroom.py."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from conftest import serve_app
from playwright.sync_api import expect

from content import teach as lesson
from content.registry import PAGES
from helpers.apptest import live_data, open_link
from helpers.pw_helpers import (
    WAIT_MS,
    address,
    after_run,
    assert_no_exception,
    open_page,
    plotly_charts,
    press,
    shot,
    slider,
    step_slider,
    wait_idle,
)

pytestmark = pytest.mark.browser

TEACHING_ORDER = ["", "batch", "steps", "gamma-beta", "learning", "network", "real-network", "questions", "teach"]


@pytest.fixture
def fresh_server():
    """A server nobody has visited yet: Streamlit would serve pages/ in legacy mode."""
    with serve_app("streamlit-fresh.log") as url:
        yield url


def test_a_deep_link_as_first_request_of_a_fresh_server_gets_the_apps_navigation(page, fresh_server):
    open_page(page, fresh_server, "steps?classroom=1")
    expect(page.locator("h1").first).to_contain_text("Step through BatchNorm")
    expect(page.get_by_role("dialog")).to_have_count(0)  # no "Page not found" from legacy pages/ mode
    nav = page.locator('[data-testid="stSidebarNav"] a')
    expect(nav).to_have_count(len(TEACHING_ORDER))
    expect(page.get_by_text("Classroom mode")).to_be_visible()
    expect(page.get_by_text("Next: Drag γ and β")).to_be_visible()
    assert_no_exception(page)


def test_a_hyphenated_page_as_first_request_of_a_fresh_server_is_found(page, fresh_server):
    # In legacy pages/ mode the first request is looked up by file name: pages/gamma-beta.py.
    open_page(page, fresh_server, "gamma-beta?gb_gamma=1,2")
    expect(page.locator("h1").first).to_contain_text("Drag γ and β")
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("slider", name="γ (scale)", exact=True)).to_have_value("2")  # the live control
    assert_no_exception(page)


# --- a copied link reproduces the view in a new browser session ------------------------------------


def reopen(page):
    """Open the page's current address as a new Streamlit session that has only the link to go on (the app
    keeps nothing in the browser): in AppTest, which runs the page as the server does for a browser that opens
    the link. Copying the address bar is the browser's part, so it is read there once every run has
    finished; opening a copied link in another browser altogether: test_browser_questions.py, and the
    deep links above."""
    wait_idle(page)
    url = urlsplit(address(page))
    params = {name: values[-1] for name, values in parse_qs(url.query).items()}
    return open_link(url.path.strip("/") or "home", params)


def test_a_rapid_series_of_presses_on_a_slider_ends_at_the_value_pressed_to(page, app_url):
    # Each press reruns the page; a bound widget's value is never sent back by the page, so no
    # rerun undoes a press made while it ran, and no press needs pressing again.
    open_page(page, app_url, "batch")
    thumb = page.locator(".st-key-bt_channels").get_by_role("slider")
    expect(thumb).to_have_value("4")
    press(thumb, 10)  # 4 -> 14 channels, pressed in a row
    expect(thumb).to_have_value("14")
    expect(page).to_have_url(re.compile(r"[?&]bt_channels=14(&|$)"))
    wait_idle(page)
    expect(thumb).to_have_value("14")  # and still there once every rerun has finished
    expect(page.locator('[data-testid="stTable"]').first.locator("tbody tr")).to_have_count(14)


def test_a_copied_home_link_reopens_with_its_scale(page, app_url):
    open_page(page, app_url)
    press(page.get_by_role("slider", name="Multiply every activation by"), 5)  # the live chart's range
    expect(page).to_have_url(re.compile(r"home_scale=1\.5"))
    fresh = reopen(page)
    assert fresh.session_state["home_scale"] == 1.5  # the live control's value, in its owner


def test_a_copied_link_carries_the_batch_made_on_batch_to_another_page(page, app_url):
    open_page(page, app_url, "batch")
    press(slider(page, "Batch size N"), 1)  # 256 -> 384
    expect(page.get_by_text("384 samples × 4 channels").first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/batch\?bt_n=384$"))  # Streamlit writes the bound control
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="Drag γ and β").click()
    expect(page.locator("h1").first).to_contain_text("Drag γ and β")
    live_gamma = page.get_by_role("slider", name="γ (scale)", exact=True)  # a live control: no rerun per press
    press(live_gamma, 3)
    expect(page).to_have_url(re.compile(r"batch\.n=384"))
    gamma = live_gamma.input_value()
    # Copy the link once it holds the last press (the rerun that writes it ends after the slider moved).
    expect(page).to_have_url(re.compile(rf"gamma=(?:[^&]*(?:,|%2C))?{re.escape(gamma)}(?:&|$)"))
    fresh = reopen(page)
    assert any("shape (384, 4)" in c.value for c in fresh.caption)
    assert fresh.session_state["gb_gamma"][1] == float(gamma)  # channel 1's γ, the live control's owner


def test_a_copied_steps_link_reopens_at_the_same_step(page, app_url):
    open_page(page, app_url, "steps")
    heading = page.locator("h3").filter(has_text="of 7:")
    for number in (2, 3):
        page.get_by_role("button", name="Next ▶").click()
        expect(heading).to_contain_text(f"Step {number} of 7")
    expect(page).to_have_url(re.compile(r"steps_step=3\.(\+|%20)Variance"))  # the step's label
    fresh = reopen(page)
    assert any(h.value.startswith("Step 3 of 7: Batch variance") for h in fresh.subheader)


def test_a_copied_learning_link_reopens_with_its_training(page, app_url):
    open_page(page, app_url, "learning")
    press(slider(page, "Epochs"), 2, "ArrowLeft")  # 30 -> 28, pressed in a row
    expect(page).to_have_url(re.compile(r"learn_epochs=28"))
    fresh = reopen(page)
    assert fresh.slider(key="learn_epochs").value == 28
    # The replay's live step control: 28 epochs of 32 batches.
    assert live_data(fresh, "learn_live")["controls"][0]["max"] == 28 * 1024 // 32


def test_a_copied_network_link_reopens_with_the_same_run(page, app_url):
    open_page(page, app_url, "network?net_sweep=false")
    page.locator('[data-testid="stRadio"]').filter(has_text="Activation").get_by_text("ReLU", exact=True).click()
    page.get_by_role("button", name="Train the three networks").click()
    expect(page).to_have_url(re.compile(r"net_activation=ReLU"), timeout=WAIT_MS)
    fresh = reopen(page)
    assert any(m.value.startswith("**Without BN** (ReLU, learning rate 3") for m in fresh.markdown)


# --- hostile links ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, name",
    [
        ("steps?steps_channel=%3Cimg%20src%3Dx%20onerror%3D%22document.body.dataset.pwned%3D1%22%3E", "steps_channel"),
        ("gamma-beta?gb_gamma=1e400&batch.n=%3Cscript%3Edocument.body.dataset.pwned%3D1%3C%2Fscript%3E", "gb_gamma"),
        ("batch?bt_seed=**bold**%20%5Bclick%5D(http%3A%2F%2Fevil)", "bt_seed"),
        ("batch?bt_n=%3Cscript%3Edocument.body.dataset.pwned%3D1%3C%2Fscript%3E", "bt_n"),
        ("learning?learn_lr=NaN", "learn_lr"),
    ],
)
def test_a_hostile_link_opens_the_defaults_with_a_notice_and_renders_nothing_from_it(page, app_url, path, name):
    open_page(page, app_url, path)
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="This link had settings that could not be used")
    expect(notice).to_be_visible()
    text = notice.inner_text()
    assert name in text.rsplit(": ", 1)[1].strip().removesuffix(".").split(", ")  # named, never repeated
    assert "<" not in text and "evil" not in text and "pwned" not in text
    assert page.evaluate("document.body.dataset.pwned") is None
    expect(page.locator('[data-testid="stMain"] img[src="x"]')).to_have_count(0)
    expect(page.locator('a[href="http://evil"]')).to_have_count(0)
    assert name + "=" not in address(page)  # the bad value is dropped from the address bar
    assert_no_exception(page)


# --- a lesson link hides controls --------------------------------------------------------------------


def test_a_lesson_link_hides_the_controls_it_names(page, app_url):
    open_page(page, app_url, "gamma-beta?hide=channel,target_gamma,nonlinearity&gb_open_target=true")
    expect(plotly_charts(page)).to_have_count(4, timeout=WAIT_MS)  # the practice's target, W and b's, the peaks' two
    expect(page.locator(".bnviz-live .js-plotly-plot")).to_have_count(2, timeout=WAIT_MS)  # γ, β; the nonlinearity
    wait_idle(page)
    # A hidden control is still drawn (its value applies), in a container that shows nothing and takes no room.
    expect(page.locator('[data-testid="stSelectbox"]').filter(has_text="Channel")).to_be_hidden()
    expect(page.locator('[data-testid="stSlider"]').filter(has_text="your γ")).to_be_hidden()
    expect(page.locator('[data-testid="stSlider"]').filter(has_text="your β")).to_be_visible()
    expect(page.locator('[data-testid="stRadio"]').filter(has_text="Nonlinearity")).to_be_hidden()
    for name in ("channel", "target_gamma", "nonlinearity"):
        assert page.locator(f".st-key-bnviz_hidden_{name}").bounding_box() is None, name
    shot(page, "links-hidden-controls")
    assert_no_exception(page)


def test_the_lesson_plans_link_opens_its_view_in_a_new_tab_whatever_the_teacher_moved_before(page, app_url):
    open_page(page, app_url, "network?net_steps=100")
    sweep = page.locator('[data-testid="stCheckbox"]').filter(has_text="Run the learning-rate sweep").locator("input")
    expect(sweep).to_be_checked(timeout=WAIT_MS)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text="For teachers").click()
    expect(page.locator("h1").first).to_contain_text("lesson", ignore_case=True)
    wait_idle(page)
    # The lesson's steps are tabs: the one whose view is /network.
    number = next(n for n, step in enumerate(lesson.PLAN, start=1) if step.title == "Why BN helps")
    after_run(page, page.get_by_role("tab", name=f"Step {number}").click)
    expect(page).to_have_url(re.compile(rf"/teach\?teach_tab=Step\+{number}$"))  # /teach remembers its step
    with page.context.expect_page() as opened:
        page.locator('[data-testid="stMain"]').get_by_role("link", name="Project this step").click()
    projected = opened.value
    expect(projected).to_have_url(re.compile(r"/network\?.*net_sweep=false.*classroom=1"), timeout=WAIT_MS)
    projected.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"] h1', timeout=WAIT_MS)
    expect(projected.locator("h1").first).to_contain_text("Why BN helps")
    expect(
        projected.locator('[data-testid="stCheckbox"]').filter(has_text="Run the learning-rate sweep").locator("input")
    ).not_to_be_checked(timeout=WAIT_MS)
    assert_no_exception(projected)


# --- the browser's history: one entry per page ------------------------------------------------------


def history_length(page) -> int:
    return page.evaluate("history.length")


def go_to(page, url_path: str) -> None:
    """Open the page at `url_path` from the sidebar, as a learner does."""
    title = next(p.title for p in PAGES if p.url_path == url_path)
    page.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).click()
    expect(page).to_have_url(re.compile(rf"/{url_path}(\?|$)"))
    wait_idle(page)


def test_moving_controls_adds_no_history_entry_and_one_back_goes_to_the_page_before(page, app_url):
    # Streamlit's client pushed an entry for each address a run wrote: after two drags of γ it took three
    # Backs to leave /gamma-beta, the first two landing on the same view again (issue 22).
    open_page(page, app_url, "batch")
    entries = history_length(page)
    channels = slider(page, "Channels C")  # a Streamlit slider bound to the address
    step_slider(channels, 3)  # 4 -> 7, one rerun each
    expect(page).to_have_url(re.compile(r"/batch\?bt_channels=7$"))
    go_to(page, "gamma-beta")
    live_gamma = page.get_by_role("slider", name="γ (scale)", exact=True)  # a live chart's control
    for _ in range(3):  # three moves, each written to the address once the hand rests
        live_gamma.press("ArrowRight")
        gamma = re.escape(live_gamma.input_value())
        expect(page).to_have_url(re.compile(rf"gamma=(?:[^&]*(?:,|%2C))?{gamma}(?:&|$)"), timeout=WAIT_MS)
        wait_idle(page)
    assert history_length(page) == entries + 1  # /batch's entry and /gamma-beta's, nothing per move
    page.go_back()
    expect(page).to_have_url(re.compile(r"/batch\?bt_channels=7$"))  # the page before, as it was left
    expect(page.locator("h1").first).to_contain_text("Make a batch")
    expect(channels).to_have_value("7")
    assert_no_exception(page)


def test_the_lessons_next_links_add_one_entry_per_page_and_each_back_goes_one_page_back(page, app_url):
    # In classroom mode a page could write its address twice on arrival (/gamma-beta): Back then did nothing.
    walk = PAGES[:5]  # from the start page to /learning, across /gamma-beta
    open_page(page, app_url, "?classroom=1")
    entries = history_length(page)
    for current in walk[1:]:
        after_run(page, page.get_by_role("link", name=f"Next: {current.title}").click)
        expect(page).to_have_url(re.compile(rf"/{current.url_path}\?classroom=1$"))
    assert history_length(page) == entries + len(walk) - 1
    for previous in reversed(walk[:-1]):
        after_run(page, page.go_back)
        expect(page).to_have_url(re.compile(rf"/{previous.url_path}\?classroom=1$"))
    assert_no_exception(page)


def test_next_on_steps_replaces_the_address_and_back_leaves_the_page(page, app_url):
    # Next ▶ moves the step control, bound to the address, from Python: a control's move, not a page.
    open_page(page, app_url)
    go_to(page, "steps")
    entries = history_length(page)
    heading = page.locator("h3").filter(has_text="of 7:")
    for number in (2, 3):
        page.get_by_role("button", name="Next ▶").click()
        expect(heading).to_contain_text(f"Step {number} of 7")
    expect(page).to_have_url(re.compile(r"steps_step=3\.(\+|%20)Variance"))
    wait_idle(page)
    assert history_length(page) == entries
    page.go_back()
    expect(page).to_have_url(re.compile(rf"^{re.escape(app_url)}/$"))
    expect(page.locator("h1").first).to_contain_text("Batch Normalization")


@pytest.mark.parametrize("link", ["?home_scale=2.50", "batch?bt_channels=99", "?junk=1", "?junk=1&foo=2"])
def test_back_from_a_link_the_page_corrected_leaves_the_page(page, app_url, link):
    # The first run corrects the link (a value written otherwise, out of range, unknown) before the
    # history script is in the page: Streamlit pushed the corrected address on top of the link as opened,
    # and Back went to that link, which the page corrected again: Back did nothing. Two unknown parameters
    # are two writes, two entries.
    open_page(page, app_url, "teach")  # the page the learner came from
    page.goto(f"{app_url}/{link}")
    page.wait_for_selector('[data-testid="stMain"]')
    wait_idle(page)
    expect(page).not_to_have_url(re.compile(re.escape(link) + "$"))  # corrected
    page.go_back()
    expect(page).to_have_url(re.compile(r"/teach$"))
    expect(page.locator("h1").first).to_contain_text("teach", ignore_case=True)
    assert_no_exception(page)
