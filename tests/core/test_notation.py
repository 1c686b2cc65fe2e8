"""One notation and one rounding on every screen: μ_B and σ²_B never typed with an underscore, no
"-0.000", the terms a learner may not know said in plain words, one number shown one way.

Every page is run at its default settings (/questions with all seven questions open) and every
string it shows is read as the browser renders it (tests/shown.py): Markdown with KaTeX, plotly's
text, or plain text.
"""

import re

import numpy as np
import pytest

from bnviz.core.steps import batch_norm_steps
from bnviz.notation import MU_B, STD_B
from bnviz.numbers import fixed
from content.steps import worked_numbers
from helpers.apptest import figures, run_page
from helpers.shown import PAGES, outside_math, page_text, shown_text
from ui.state import default_batch

MINUS_ZERO = re.compile(r"[-−]0(\.0+)?(?![\d.])")  # "-0.000", "−0.00", "-0"; not "-0.05" nor "1e-05"


@pytest.mark.parametrize("page", PAGES)
def test_no_page_shows_a_typed_subscript_or_a_minus_zero(page):
    texts = page_text(page)
    assert len(texts) > 20  # the page was read
    for where, text, rendering in texts:
        typed = outside_math(text, rendering)
        assert "_B" not in typed and "_run" not in typed, (where, text)  # μ_B, σ²_B, mu_B, μ_run …
        if rendering in ("plotly", "plain"):
            assert "$" not in text, (where, text)  # KaTeX does not render there
        if rendering in ("markdown", "latex"):
            assert "<sub>" not in text, (where, text)  # nor plotly's subscript here
        assert not MINUS_ZERO.search(text), (where, text)


@pytest.mark.parametrize("page", PAGES)
def test_terms_a_learner_may_not_know_are_said_in_plain_words_where_they_appear(page):
    for where, text, _ in page_text(page):
        assert "W₁" not in text, (where, text)  # the 1-Wasserstein distance is the "histogram distance"
        if "kurtosis" in text:
            assert "tails" in text, (where, text)
        if "unbiased" in text:
            assert "m − 1" in text or "B − 1" in text, (where, text)


def test_the_batch_statistics_render_as_subscripts_in_every_renderer():
    learning = page_text("learning")
    assert ("bidi_component", "μ<sub>B</sub> =", "plain") in learning  # the live readout, drawn by ui/live/element.js
    assert any(how == "plotly" and "σ²<sub>B</sub> of the batch" in t for _, t, how in learning)
    assert any(how == "markdown" and r"$\mu_B$ and $\sigma_B^2$" in t for _, t, how in learning)


def test_gamma_beta_shows_the_channels_mu_and_sigma_with_the_readout_tables_rounding():
    at = run_page("gamma-beta")
    x = default_batch().x[:, 1]
    table = at.table[0].value
    mu, sigma = table[MU_B].iloc[1], table[STD_B].iloc[1]  # "8.1875", "10.2548"
    assert mu == fixed(x.mean(), 4) and sigma == fixed(x.std(), 4)
    (channel,) = [c.value for c in at.caption if c.value.startswith("Channel 1 of your batch")]
    assert channel.endswith(f"{MU_B} = {mu}, {STD_B} = {sigma}.")
    room = [c.value for c in at.caption if c.value.startswith("Ranges chosen")][0]
    assert f"= {fixed(np.sqrt(x.var() + 1e-5), 4)})" in room and f"{MU_B} = {mu})" in room


def test_steps_shows_a_channels_statistic_with_the_decimals_of_its_figure_and_worked_numbers():
    at = run_page("steps")
    (mark,) = [t["name"] for t in figures(at)[0]["data"] if t["name"].startswith("μ<sub>B</sub> = ")]
    shown = mark.removeprefix("μ<sub>B</sub> = ")  # "8.19", channel 1's batch mean
    assert at.code[1].value.endswith(f"= {shown}")  # the worked numbers' sum
    cells = shown_text(at)
    table = [t for w, t, _ in cells if w == "dataframe"]
    assert shown in table and fixed(default_batch().x[:, 1].mean(), 4) not in table  # not "8.1875" beside "8.19"


def test_eval_mode_names_the_running_statistics_as_pytorch_does_in_the_worked_numbers():
    x = default_batch().x
    steps = batch_norm_steps(x, 1.0, 0.0, mean=[0.0, 5.0, 0.0, 0.0], var=[1.0, 90.0, 1.0, 1.0])
    # σ² with the decimals of every channel's batch variance, 0.042 to 1661.581: three
    assert worked_numbers(x, steps, 4, 1, 1.0, 0.0).summary == "running_mean = 5.00, running_var = 90.000"


def test_the_home_table_never_shows_minus_zero_for_the_outputs_rounding_noise():
    at = run_page()
    cells = [t for w, t, _ in shown_text(at) if w == "table"][8:]  # after the 4 headers and 4 channels
    assert cells[2::4] == ["0.000"] * 4  # "mean after" of every channel
