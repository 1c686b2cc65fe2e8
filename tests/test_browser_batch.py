"""End to end on /batch: presets and controls redraw the charts, a new draw moves the statistics,
a conv batch shows heatmaps, uploads are loaded or refused with the batch kept."""

import re

import numpy as np
import pytest
from playwright.sync_api import expect
from pw_helpers import assert_no_exception, open_page, plotly_charts, press, shot, slider, wait_idle

from bnviz.core.data import PRESETS
from bnviz.experiments import batches

pytestmark = pytest.mark.browser

EXAMPLE = batches.__file__.replace("bnviz/experiments/batches.py", "examples/activations_conv.npy")


WAIT = 60_000  # ms; the machine may be busy, and plotly's code loads on first use


def expect_charts(page, count: int) -> None:
    """Wait until `count` plotly charts are drawn."""
    expect(plotly_charts(page)).to_have_count(count, timeout=WAIT)
    expect(page.locator('[data-testid="stPlotlyChart"] .main-svg').first).to_be_visible(timeout=WAIT)


def stats_rows(page) -> list[list[float]]:
    """The per-channel statistics table (the first st.table): mean, variance, std, min, max."""
    rows = page.locator('[data-testid="stTable"]').first.locator("tbody tr")
    return [[float(td) for td in rows.nth(i).locator("td").all_inner_texts()] for i in range(rows.count())]


def open_batch(page, app_url) -> None:
    """Open /batch and wait for its histograms and statistics table."""
    open_page(page, app_url, "batch")
    expect_charts(page, 1)
    expect(page.locator('[data-testid="stTable"]').first.locator("tbody tr").first).to_be_visible(timeout=WAIT)


def full_shot(page, name: str) -> None:
    """A screenshot of the whole page: Streamlit scrolls inside the app, so make the window tall."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": min(max(height + 50, 1000), 6000)})
    page.wait_for_timeout(600)  # let plotly lay the charts out at the new size
    shot(page, name)
    page.set_viewport_size({"width": 1400, "height": 1000})


def choose(page, label: str, option: str) -> None:
    """Pick an option of the st.selectbox labelled `label`."""
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def choose_kind(page, kind: str) -> None:
    """Pick the layer kind (its shape is the option's caption)."""
    page.locator('[data-testid="stRadio"]').filter(has_text="Layer kind").get_by_text(kind, exact=True).click()


def table_changes(page, before: list[list[float]]) -> list[list[float]]:
    """Wait until the statistics table shows other numbers than `before`, and return them."""
    for _ in range(60):
        wait_idle(page)
        rows = stats_rows(page)
        if rows and rows != before:
            return rows
        page.wait_for_timeout(500)
    raise AssertionError(f"the statistics table did not change from {before}")


def success_text(page) -> str:
    return page.locator('[data-testid="stAlert"]').filter(has_text="The batch every page now uses").inner_text()


def test_batch_page_shows_histograms_and_statistics_of_the_default_batch(page, app_url):
    open_batch(page, app_url)
    expect(page.locator("h1").first).to_have_text("Make a batch")
    rows = stats_rows(page)
    assert len(rows) == 4
    assert rows[3][0] == pytest.approx(50, abs=5)  # "very different scales": channel 3 near 50
    assert "256 samples × 4 channels" in success_text(page)
    assert_no_exception(page)
    full_shot(page, "batch-fc-default")


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


def test_every_preset_redraws_the_charts_and_the_table(page, app_url):
    open_batch(page, app_url)
    seen, current = {}, "channels on very different scales"
    for name in PRESETS:
        if name != current:
            before, drawn = stats_rows(page), plotly_charts(page).first.inner_text()
            choose(page, "Preset", name)
            table_changes(page, before)
            # The histograms follow: their axis labels change with the channels' scales.
            expect(plotly_charts(page).first).not_to_have_text(drawn, timeout=WAIT)
            current = name
        seen[name] = stats_rows(page)
        expect_charts(page, 1)
        assert_no_exception(page)
        full_shot(page, "batch-fc-" + re.sub(r"\W+", "-", name))
    np.testing.assert_allclose([r[0] for r in seen["all standard normal"]], 0, atol=0.3)
    assert seen["one dead channel with zero variance"][1][1:3] == [0.0, 0.0]  # variance and std
    assert min(r[3] for r in seen["ReLU outputs"]) == 0.0  # ReLU outputs are never negative


def test_draw_another_batch_moves_the_statistics(page, app_url):
    open_batch(page, app_url)
    before = stats_rows(page)
    page.get_by_role("button", name="Draw another batch").click()
    expect(page.get_by_label("Seed", exact=True)).to_have_value("1", timeout=WAIT)
    moves = page.locator('[data-testid="stTable"]').nth(1).locator("tbody tr")
    expect(moves).to_have_count(4, timeout=WAIT)  # drawn below the statistics: the run has passed them
    after = table_changes(page, before)
    for c in range(4):
        cells = [float(t) for t in moves.nth(c).locator("td").all_inner_texts()]
        context = f"channel {c}: before {before[c]}, after {after[c]}, moves row {cells}"
        assert cells[0] == pytest.approx(before[c][0], abs=1e-3), context  # mean, previous draw
        assert cells[1] == pytest.approx(after[c][0], abs=1e-3), context  # mean, this draw
        assert cells[2] == pytest.approx(after[c][0] - before[c][0], rel=5e-3, abs=2e-3), context  # 3 digits
        assert after[c][0] != before[c][0]
    expect_charts(page, 2)  # the histograms and the draws figure
    page.get_by_role("button", name="Draw another batch").click()
    expect(page.get_by_label("Seed", exact=True)).to_have_value("2", timeout=WAIT)
    expect(page.get_by_text("From draw 2 (seed 1) to draw 3 (seed 2)")).to_be_visible(timeout=WAIT)
    wait_idle(page)
    assert_no_exception(page)
    full_shot(page, "batch-fc-after-two-draws")


def test_conv_batch_shows_one_channel_as_heatmaps_for_every_preset(page, app_url):
    open_batch(page, app_url)
    before = stats_rows(page)
    choose_kind(page, "convolutional")
    table_changes(page, before)
    expect_charts(page, 2)  # histograms and heatmaps
    expect(plotly_charts(page).filter(has_text="Channel 0 in the first 4 images")).to_contain_text(
        "sample 3", timeout=WAIT
    )
    assert "128 samples × 4 channels × 8 × 8 pixels" in success_text(page)  # N clamped to 128
    current = "channels on very different scales"
    for name in PRESETS:
        if name != current:
            before = stats_rows(page)
            choose(page, "Preset", name)
            table_changes(page, before)
            current = name
        assert_no_exception(page)
        full_shot(page, "batch-conv-" + re.sub(r"\W+", "-", name))


def test_uploads_a_good_file_then_refuses_a_bad_one_and_keeps_the_batch(page, app_url, tmp_path):
    open_batch(page, app_url)
    uploader = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    before = stats_rows(page)
    uploader.set_input_files(EXAMPLE)
    expect(page.get_by_text("Loaded activations_conv.npy")).to_be_visible(timeout=WAIT)
    uploaded = table_changes(page, before)
    x = np.load(EXAMPLE).astype(np.float64)
    np.testing.assert_allclose([r[0] for r in uploaded], x.mean(axis=(0, 2, 3)), atol=1e-3)
    assert "16 samples × 4 channels × 8 × 8 pixels" in success_text(page)
    full_shot(page, "batch-after-upload")

    bad = tmp_path / "with_nan.npy"
    np.save(bad, np.array([[1.0, np.nan], [2.0, 3.0]]))
    uploader.set_input_files(str(bad))
    error = page.locator('[data-testid="stAlert"]').filter(has_text="NaN or infinite")
    expect(error).to_be_visible(timeout=WAIT)
    expect(error).to_contain_text("Your batch is unchanged: 16 samples × 4 channels × 8 × 8 pixels")
    wait_idle(page)
    assert stats_rows(page) == uploaded
    assert "upload: activations_conv.npy" in success_text(page)
    assert_no_exception(page)
    full_shot(page, "batch-after-rejected-upload")

    text = tmp_path / "words.csv"
    text.write_text("a,b\n1,2\n3,three\n")
    uploader.set_input_files(str(text))
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="'three', which is not a number")).to_be_visible(
        timeout=WAIT
    )
    assert stats_rows(page) == uploaded


def test_download_as_csv_then_upload_gives_back_the_same_batch(page, app_url, tmp_path):
    open_batch(page, app_url)
    choose_kind(page, "convolutional")
    wait_idle(page)
    page.wait_for_function("() => document.querySelectorAll('[data-testid=stPlotlyChart]').length === 2")
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
    grid = page.locator('[data-testid="data-grid-canvas"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # Click channel 0's first cell (rows are 35 px under a 35 px header), move with the keyboard
    # to the spread of channel 1 and open its editor: it must hold channel 1's spread, 10.
    page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)
    for key in ["ArrowRight"] * 3 + ["ArrowDown", "Enter"]:
        page.wait_for_timeout(200)  # the grid handles one key per frame
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
    page.locator('[data-testid="stSidebarNav"] a[href$="/steps"]').click()
    wait_idle(page)
    page.locator('[data-testid="stSidebarNav"] a[href$="/batch"]').click()
    wait_idle(page)
    expect(page.get_by_label("Seed", exact=True)).to_have_value("1", timeout=WAIT)
    assert stats_rows(page) == drawn
