"""End to end on /batch, what only a browser shows: key presses on the batch-size slider, a download
uploaded again through the file input, a value typed into the data grid, the batch kept across the
navigation. The statistics of each preset, draw and upload are checked in AppTest (test_page_batch.py)."""

import re

import pytest
from playwright.sync_api import expect

from bnviz.experiments import batches
from helpers.pw_helpers import (
    SCREENSHOTS,
    after_run,
    assert_no_exception,
    next_frames,
    open_page,
    plotly_charts,
    press,
    shot,
    slider,
    wait_idle,
)

pytestmark = pytest.mark.browser

EXAMPLE = batches.__file__.replace("bnviz/experiments/batches.py", "examples/activations_conv.npy")


WAIT = 60_000  # ms; the machine may be busy, and plotly's code loads on first use


def expect_charts(page, count: int) -> None:
    """Wait until `count` plotly charts are drawn."""
    expect(plotly_charts(page)).to_have_count(count, timeout=WAIT)
    expect(page.locator(".bnviz-chart .main-svg").first).to_be_visible(timeout=WAIT)


def stats_rows(page) -> list[list[float]]:
    """The per-channel statistics table (the first st.table): mean, variance, std, min, max."""
    rows = page.locator('[data-testid="stTable"]').first.locator("tbody tr")
    # Drawn whole: a rerun may have cleared it, or be filling it in, a moment ago.
    page.wait_for_function(
        "() => { const t = document.querySelector('[data-testid=stTable] tbody');"
        " return !!t && t.rows.length > 0 && [...t.rows].every((r) => r.querySelectorAll('td').length === 5"
        " && [...r.querySelectorAll('td')].every((c) => c.innerText.trim() !== '')); }",
        timeout=WAIT,
    )
    return [[float(td) for td in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]


def open_batch(page, app_url) -> None:
    """Open /batch and wait for its histograms and statistics table."""
    open_page(page, app_url, "batch")
    expect_charts(page, 1)
    expect(page.locator('[data-testid="stTable"]').first.locator("tbody tr").first).to_be_visible(timeout=WAIT)


def full_shot(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside the app, so make the window tall (with
    BNVIZ_SCREENSHOTS=1)."""
    if not SCREENSHOTS:
        return
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(height + 50, 1000), 6000)})
    next_frames(page)  # plotly has laid the charts out at the new size
    shot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})


def choose(page, label: str, option: str) -> None:
    """Pick an option of the st.selectbox labelled `label`."""
    page.get_by_role("combobox", name=label).click()
    after_run(page, page.get_by_role("option", name=option, exact=True).click)


def choose_kind(page, kind: str) -> None:
    """Pick the layer kind (its shape is the option's caption)."""
    page.locator('[data-testid="stRadio"]').filter(has_text="Layer kind").get_by_text(kind, exact=True).click()


def table_changes(page, before: list[list[float]]) -> list[list[float]]:
    """Wait until the statistics table shows other numbers than `before`, and return them."""
    page.wait_for_function(
        """(before) => {
          const t = document.querySelector('[data-testid=stTable] tbody');
          if (!t || t.rows.length === 0) return false;
          const now = [...t.rows].map((r) => [...r.querySelectorAll('td')].map((c) => parseFloat(c.innerText)));
          return now.length !== before.length || now.some((row, i) => row.some((v, j) => v !== before[i][j]));
        }""",
        arg=before,
        timeout=WAIT,
    )
    wait_idle(page)
    return stats_rows(page)


def success_text(page) -> str:
    return page.locator('[data-testid="stAlert"]').filter(has_text="The batch every page now uses").inner_text()


def test_the_batch_size_slider_redraws_the_batch(page, app_url):
    open_batch(page, app_url)
    before = stats_rows(page)
    thumb = slider(page, "Batch size N")
    press(thumb, 3, "ArrowLeft")  # 256 -> 192 -> 128 -> 96
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="96 samples × 4 channels")).to_be_visible(
        timeout=WAIT
    )
    expect(page).to_have_url(re.compile(r"/batch\?bt_n=96$"))  # the link to this batch
    after = table_changes(page, before)
    assert after[3][0] != before[3][0]
    assert_no_exception(page)


def test_download_as_csv_then_upload_gives_back_the_same_batch(page, app_url, tmp_path):
    open_batch(page, app_url)
    choose_kind(page, "convolutional")
    # The convolutional batch's run has drawn its own section (the charts' count alone can be the old run's).
    expect(page.get_by_text(re.compile(r"^In a convolutional layer, channel"))).to_be_visible(timeout=WAIT)
    wait_idle(page)
    page.wait_for_function("() => document.querySelectorAll('.bnviz-chart').length === 2")
    drawn = stats_rows(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the batch (CSV)").click()
    path = tmp_path / "batch.csv"
    info.value.save_as(path)
    assert path.read_text().startswith("sample,h,w,channel_0,channel_1,channel_2,channel_3\n")
    page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    expect(page.get_by_text("Loaded batch.csv")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    assert "upload: batch.csv" in success_text(page)
    assert stats_rows(page) == drawn


def test_a_negative_spread_typed_in_the_table_gives_a_message_not_a_crash(page, app_url):
    open_batch(page, app_url)
    # The channels' table, by its key (bt_editor_<version>, a new version after each preset), not its position.
    grid = page.locator('[class*="st-key-bt_editor_"] [data-testid="data-grid-canvas"]')
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # Click channel 0's first cell (rows are 35 px under a 35 px header), move with the keyboard
    # to the spread of channel 1 and open its editor: it must hold channel 1's spread, 10.
    page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)
    for key in ["ArrowRight"] * 3 + ["ArrowDown", "Enter"]:
        next_frames(page)  # the grid handles one key per frame
        page.keyboard.press(key)
    cell = page.locator("input:focus")
    expect(cell).to_have_value("10", timeout=WAIT)
    cell.fill("-2")
    cell.press("Enter")
    error = page.locator('[data-testid="stAlert"]').filter(has_text="a spread must be ≥ 0")
    expect(error).to_be_visible(timeout=WAIT)
    expect(error).to_contain_text("Channel 1")
    wait_idle(page)
    assert_no_exception(page)
    assert stats_rows(page)[1][2] == pytest.approx(10, rel=0.15)  # channel 1 kept its spread 10
    full_shot(page, "batch-refused-edit")


def test_the_batch_and_its_settings_survive_a_visit_to_another_page(page, app_url):
    open_batch(page, app_url)
    page.get_by_role("button", name="Draw another batch").click()
    expect(page.get_by_label("Seed", exact=True)).to_have_value("1", timeout=WAIT)
    wait_idle(page)
    drawn = stats_rows(page)
    after_run(page, page.locator('[data-testid="stSidebarNav"] a[href$="/steps"]').click)
    after_run(page, page.locator('[data-testid="stSidebarNav"] a[href$="/batch"]').click)
    expect(page.get_by_label("Seed", exact=True)).to_have_value("1", timeout=WAIT)
    rows = page.locator('[data-testid="stTable"]').first.locator("tbody tr")
    expect(rows).to_have_count(len(drawn), timeout=WAIT)  # the table is drawn after the seed box
    assert stats_rows(page) == drawn
