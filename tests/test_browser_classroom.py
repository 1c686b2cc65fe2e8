"""Classroom mode in Chromium, page by page: large text, the controls that are not needed hidden
(drawn, so that their values apply, in a container that shows nothing),
and before each reveal a predict-first prompt that locks the action until the class has
predicted, then shows the prediction beside what happened."""

import pytest
from playwright.sync_api import expect
from pw_helpers import WAIT_MS, assert_large_text, assert_no_exception, open_page, tall_shot, wait_idle

pytestmark = pytest.mark.browser


def prompt(page):
    return page.locator('[data-testid="stRadio"]').filter(has_text="Your class's prediction")


def predict(page, choice: str) -> None:
    prompt(page).get_by_text(choice, exact=True).click()
    wait_idle(page)


def test_gamma_beta_asks_for_a_prediction_before_recovering_the_original(page, app_url):
    open_page(page, app_url, "gamma-beta?classroom=1")
    assert_large_text(page)
    expect(page.get_by_label("exact γ")).to_be_hidden()  # exact boxes are not for the class
    recover = page.get_by_role("button", name="Recover the original")
    expect(recover).to_be_disabled()
    expect(page.get_by_text("Predict first:")).to_be_visible()
    tall_shot(page, "classroom-gamma-beta-before")
    predict(page, "Something close to x, not exactly x")
    expect(recover).to_be_enabled()
    recover.click()
    told = page.get_by_text("Your class predicted: something close to x, not exactly x.")
    expect(told).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("Largest |y − x|").first).to_be_visible()
    tall_shot(page, "classroom-gamma-beta-after")
    assert_no_exception(page)


def test_steps_asks_for_a_prediction_before_eval_mode(page, app_url):
    open_page(page, app_url, "steps?classroom=1")
    switch = page.locator('[data-testid="stCheckbox"]').filter(has_text="Eval mode").locator("input")
    expect(switch).to_be_disabled()
    expect(page.get_by_label("momentum")).to_be_hidden()  # an optimizer detail, hidden
    predict(page, "Close, but not exactly")
    expect(switch).to_be_enabled()
    page.get_by_text("Eval mode (running statistics)").click()
    expect(page.get_by_text("Your class predicted: Close, but not exactly.").first).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("h3").filter(has_text="of 7:")).to_contain_text("Step 1 of 7: Running mean")
    tall_shot(page, "classroom-steps-after")
    assert_no_exception(page)


def test_learning_asks_for_predictions_before_the_trained_values_and_before_comparing_modes(page, app_url):
    open_page(page, app_url, "learning?classroom=1&learn_epochs=5")
    expect(page.get_by_label("Seed")).to_be_hidden()
    expect(page.get_by_text("Choose a prediction to unlock the action.")).to_have_count(2)  # where γ, β end; modes
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)
    predict(page, "to √(σ²+ε) and μ: they undo the normalization")
    expect(
        page.get_by_text("Your class predicted: to √(σ²+ε) and μ: they undo the normalization. What happened:")
    ).to_be_visible(timeout=WAIT_MS)
    expect(
        page.get_by_text("Here the network does learn to undo BN, because the loss asks for it.", exact=False)
    ).to_be_visible()
    caption = page.get_by_text("Your class predicted: very different.")
    expect(caption).to_have_count(0)
    predict(page, "very different")
    expect(caption).to_be_visible(timeout=WAIT_MS)
    assert_no_exception(page)


def test_network_asks_for_predictions_before_the_training_and_before_the_sweep(page, app_url):
    open_page(page, app_url, "network?classroom=1&net_steps=100")
    expect(page.get_by_label("Seed (data, weights and batches)")).to_be_hidden()
    expect(page.get_by_text("Choose a prediction to unlock the action.")).to_have_count(2)  # training, sweep
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_have_count(0)  # nothing revealed yet
    predict(page, "with BN")
    expect(page.get_by_text("Your class predicted: with BN. What happened:")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator('[data-testid="stPlotlyChart"]').first).to_be_visible()
    predict(page, "only the small ones")
    expect(page.get_by_text("Your class predicted: only the small ones. What happened:")).to_be_visible(timeout=WAIT_MS)
    tall_shot(page, "classroom-network-after")
    assert_no_exception(page)
