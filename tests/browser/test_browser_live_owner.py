"""One owner per live value, in Chromium: a value set by the hand, by a button or by the link stays the one
value the whole screen shows (slider, readouts, table, address) when classroom mode is switched, a side
section opens, the channel changes and comes back, or the learner leaves the page and returns.

Every live control walks the same path (test_every_way_of_setting_a_live_value_leaves_one_value_on_screen):
set by the link, by the hand, classroom mode on, by the hand again in classroom mode, the lesson's Previous
and Next (away and back), classroom mode off, away to another page and back by the sidebar, then by each
of its page's buttons; after each step the slider, its output,
the chart's readouts (computed in the browser), the page's text and tables that quote the value (computed
in Python) and the address show one value, the one the core gives."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from bnviz.experiments import gamma_beta
from bnviz.experiments.home import before_after
from bnviz.numbers import distance, fixed
from helpers.pw_helpers import after_run, assert_no_exception, open_page, press, wait_idle
from ui.state import default_batch

pytestmark = pytest.mark.browser
DRAWN = "(e) => Number(e.dataset.draws || 0) >= 1"


def live(page, index: int = 0):
    chart = page.locator(".bnviz-live").nth(index)
    page.wait_for_function(DRAWN, arg=chart.element_handle())
    return chart


def gamma_to_its_end(page):
    """/gamma-beta §1's γ slider moved by the hand to its end, γ = 30 on channel 1, and its value sent."""
    gamma = page.get_by_role("slider", name="γ (scale)", exact=True)
    press(gamma, 1, "End")
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=1(%2C|,)30(&|$)"))
    wait_idle(page)
    return gamma


def switch_classroom_mode(page) -> None:
    """The sidebar's switch (in classroom mode the sidebar starts collapsed: opened first)."""
    sidebar = page.get_by_test_id("stSidebar")
    if sidebar.get_attribute("data-collapsed") == "true":
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(sidebar).to_have_attribute("data-collapsed", "false")
    after_run(page, sidebar.get_by_text("Classroom mode", exact=True).click)


def test_recover_stays_when_a_section_opens_and_the_channel_goes_and_comes_back(page, app_url):
    open_page(page, app_url, "gamma-beta")
    chart = live(page)
    gamma_to_its_end(page)
    page.get_by_role("button", name="Recover the original").click()
    recovered = f"{gamma_beta.recovery(default_batch().x)[0][1]:.4f}"  # 10.2548
    expect(chart.locator("output").first).to_have_text(recovered)
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=[^&]*10\.2548"))
    wait_idle(page)
    page.get_by_text("A side question: does BN make a channel Gaussian?").click()  # a side section: a full rerun
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=[^&]*10\.2548"))  # not γ = 30 again
    expect(live(page).locator("output").first).to_have_text(recovered)
    for channel, in_link in (("0", r"[?&]gb_channel=0(&|$)"), ("1", r"^(?!.*gb_channel=)")):  # away and back
        page.get_by_role("combobox", name="Channel").click()
        page.keyboard.type(channel)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(in_link))
        wait_idle(page)
    expect(live(page).locator("output").first).to_have_text(recovered)
    expect(page).to_have_url(re.compile(r"[?&]gb_gamma=[^&]*10\.2548"))


# --- every live control, every way to set it ------------------------------------------------------

X = default_batch().x
C = 1  # /gamma-beta's channel


def gamma_beta_readouts(gamma: float, beta: float) -> dict[str, str]:
    """§1's readouts for channel C at (γ, β), from the core."""
    gammas, betas = [1.0] * 4, [0.0] * 4
    gammas[C], betas[C] = gamma, beta
    out = gamma_beta.output_readout(X, gammas, betas)[2]
    return {
        "mean": fixed(out.mean[C], 4),
        "std": fixed(out.std[C], 4),
        "largest": distance(out.max_abs_diff[C], gamma_beta.ROUNDING),
        "w1": distance(out.w1[C], gamma_beta.ROUNDING),
    }


def gamma_beta_text(page, gamma: float, beta: float, classroom: bool = False) -> None:
    """The caption under §1's controls quotes γ and β (Python's), and the exact boxes hold them (not shown
    in classroom mode)."""
    out = gamma_beta_readouts(gamma, beta)
    caption = page.get_by_text(re.compile(r"^The mean of y is β = "))
    expect(caption).to_contain_text(f"The mean of y is β = {fixed(beta, 4)}.")
    expect(caption).to_contain_text(f"= {fixed(gamma, 4)} × ")
    expect(caption).to_contain_text(f"= {out['std']}: γ")
    for label, value in (("exact γ", gamma), ("exact β", beta)):
        box = page.get_by_label(label)
        if classroom:
            expect(box).to_have_count(0)
        else:  # a new box whenever the value moves: the old one leaves once the run is over
            expect(box).to_have_count(1)
            expect(box).to_have_value(f"{value:.4f}")


def share_readout(gamma: float, beta: float) -> dict[str, str]:
    x_hat, _ = gamma_beta.standardized(gamma_beta.channel_values(X, C), 1.0, 0.0)
    return {"share": f"{fixed(100 * gamma_beta.share_in_linear_region(x_hat * gamma + beta, 'sigmoid'), 1)} %"}


def home_text(page, scale: float, other=None, classroom: bool = False) -> None:
    """The table's "before" std of channel 3, computed in Python."""
    expect(page.get_by_role("table").first).to_contain_text(f"{scale * X[:, 3].std():.3f}")


def home_after(gamma: float, beta: float) -> dict[str, str]:
    """The readouts of channel 0 after BN at (γ, β), from the core."""
    y = before_after(X, 1.0, gamma, beta).y[:, 0]
    return {"mean_after": fixed(y.mean(), 3), "std_after": fixed(y.std(), 3)}


def home_table(page, gamma: float, beta: float) -> None:
    """The table's channel 0 after BN, computed in Python."""
    y = before_after(X, 1.0, gamma, beta).y
    cells = page.get_by_role("table").first.locator("tbody tr").first.locator("td")
    expect(cells.nth(2)).to_have_text(fixed(y.mean(axis=0)[0], 3, "-"))  # a table's ASCII minus (fixed_cells)
    expect(cells.nth(3)).to_have_text(fixed(y.std(axis=0)[0], 3, "-"))


def learning_text(page, step: float, other=None, classroom: bool = False) -> None:
    """Python's "Step k up close" line quotes the step's γ, β and loss, as the browser's readouts show them."""
    line = page.locator("p", has_text=re.compile(rf"^Step {int(step)} up close"))
    chart = page.locator('.bnviz-live:has(input[name="learn_step"])')
    for name, label in (("gamma", "γ"), ("beta", "β"), ("loss", "loss")):
        readout = chart.locator(f"[data-name={name}]")
        expect(readout).not_to_be_empty()  # drawn: the browser has written it
        expect(line).to_contain_text(f"{label} = {readout.inner_text()}")


@dataclass(frozen=True)
class Live:
    """A live control: its page, range input, how the link sets it, and what the screen shows at a value."""

    page: str
    name: str
    link: str  # a query string setting it (and `linked`, the value it sets)
    linked: float
    decimals: int
    param: str  # the address's parameter
    index: int | None  # its item (a per-channel list), or None: the value itself
    default: float  # what its absence means
    # readouts(v, other) and text(page, v, other): `other` the page's other live value that a button also sets
    readouts: Callable[..., dict[str, str]] = lambda v, other=None: {}
    text: Callable[..., None] = lambda page, v, other=None, classroom=False: None
    buttons: tuple[tuple[str, float, float], ...] = ()  # (button, the value it sets, and the other value)
    title: str = ""  # the page's sidebar link
    predicts: bool = False  # in classroom mode, the class predicts before the chart is shown
    locked_at: float | None = None  # in classroom mode, the value it is locked at until the class predicts
    asks: bool = False  # in classroom mode, the page's text about it waits for the class's prediction
    elsewhere: str = "Make a batch"  # another page's sidebar link
    not_projected: tuple[str, ...] = ()  # readouts left out in classroom mode (they would not fit a projector)


# The address holds value v: parameter `name`, item `index` of its list (or the value itself), `fallback`
# when it is absent (a default value is left out of the link).
IN_LINK = """([name, index, fallback, v]) => {
  const held = new URLSearchParams(location.search).get(name);
  const items = held === null ? [] : held.split(',');
  const x = index === null ? (held === null ? fallback : parseFloat(held))
                           : (items.length > index ? parseFloat(items[index]) : fallback);
  return Math.abs(x - v) <= 5e-5 * Math.max(1, Math.abs(v));
}"""
LINK_MS = 10_000  # the address follows the value within a second of the run (bench/live.py): ten is ample
RECOVERED_GAMMA, RECOVERED_BETA = (float(a[C]) for a in gamma_beta.recovery(X))


def drag_control(name: str, linked: float) -> Live:
    """/gamma-beta §1's γ or β (channel C, set to `linked` by the link); the pair's other value, which a
    button sets too, goes to the readouts and the text beside it."""
    gamma = name == "gamma"
    default, other_default = (1.0, 0.0) if gamma else (0.0, 1.0)
    recovered = (RECOVERED_GAMMA, RECOVERED_BETA) if gamma else (RECOVERED_BETA, RECOVERED_GAMMA)

    def pair(v: float, other: float) -> tuple[float, float]:  # (γ, β)
        return (v, other) if gamma else (other, v)

    return Live(
        "gamma-beta",
        name,
        f"gb_{name}={default:g},{linked:g}",
        linked,
        4,
        f"gb_{name}",
        C,
        default,
        readouts=lambda v, other=other_default: gamma_beta_readouts(*pair(v, other)),
        text=lambda page, v, other=other_default, classroom=False: gamma_beta_text(page, *pair(v, other), classroom),
        buttons=(("Recover the original", *recovered), ("Reset to γ = 1, β = 0", default, other_default)),
        title="Drag γ and β",
        not_projected=("w1",),  # the histogram distance: a detail the projected step leaves out
        asks=True,  # the caption that spells out y's mean and spread waits for "which γ and β give back x?"
    )


LIVE = {
    "home scale": Live(
        "",
        "home_scale",
        "home_scale=3",
        3.0,
        1,
        "home_scale",
        None,
        1.0,
        readouts=lambda v, other=None: {"std": ", ".join(f"{v * s:.3f}" for s in X.std(axis=0))},
        text=home_text,
        title="Start here",
        locked_at=1.0,  # ×4's prediction (content.home.SCALE_PREDICTION): any other scale would tell
    ),
    "home γ": Live(
        "",
        "home_gamma",
        "home_gamma=2.5",
        2.5,
        2,
        "home_gamma",
        None,
        1.0,
        readouts=lambda v, other=None: home_after(v, 0.0),
        text=lambda page, v, other=None, classroom=False: home_table(page, v, 0.0),
        title="Start here",
    ),
    "home β": Live(
        "",
        "home_beta",
        "home_beta=-1.5",
        -1.5,
        1,
        "home_beta",
        None,
        0.0,
        readouts=lambda v, other=None: home_after(1.0, v),
        text=lambda page, v, other=None, classroom=False: home_table(page, 1.0, v),
        title="Start here",
    ),
    "γ (scale)": drag_control("gamma", 2.5),
    "β (shift)": drag_control("beta", -3.0),
    "γ before the nonlinearity": Live(
        "gamma-beta",
        "gb_nl_gamma",
        "gb_nl_gamma=2.5",
        2.5,
        2,
        "gb_nl_gamma",
        None,
        1.0,
        readouts=lambda v, other=None: share_readout(v, 0.0),
        title="Drag γ and β",
    ),
    "β before the nonlinearity": Live(
        "gamma-beta",
        "gb_nl_beta",
        "gb_nl_beta=-1.5",
        -1.5,
        2,
        "gb_nl_beta",
        None,
        0.0,
        readouts=lambda v, other=None: share_readout(1.0, v),
        title="Drag γ and β",
    ),
    "learning step": Live(
        "learning",
        "learn_step",
        "learn_step=41",
        41.0,
        0,
        "learn_step",
        None,
        960.0,  # the whole training: its last step
        text=learning_text,
        title="Watch them learned",
        predicts=True,
    ),
}


def agrees(page, control: Live, value: float, *other: float, classroom: bool = False) -> None:
    """The slider, its output, the chart's readouts, the page's text and the address all show `value`
    (and the readouts and text the `other` value a button set too)."""
    chart = page.locator(f'.bnviz-live:has(input[name="{control.name}"])')
    page.wait_for_function(DRAWN, arg=chart.element_handle())
    slider = chart.locator(f'input[name="{control.name}"]')
    # the range input's own value is on its step grid (a recovered γ is held exactly beside it, and shown)
    page.wait_for_function(
        "([e, v]) => Math.abs(parseFloat(e.value) - v) <= parseFloat(e.step) / 2 + 1e-9",
        arg=[slider.element_handle(), value],
    )
    expect(slider.locator("xpath=following-sibling::output")).to_have_text(fixed(value, control.decimals))
    for name, text in control.readouts(value, *other).items():
        if classroom and name in control.not_projected:
            expect(chart.locator(f"[data-name={name}]")).to_have_count(0)
        else:
            expect(chart.locator(f"[data-name={name}]")).to_have_text(text)
    control.text(page, value, *other, classroom=classroom)
    page.wait_for_function(IN_LINK, arg=[control.param, control.index, control.default, value], timeout=LINK_MS)


def by_hand(page, control: Live, key: str, times: int = 1) -> float:
    """Keys pressed on the slider; the value they reach (read from the slider), once it is in the address."""
    slider = page.locator(f'.bnviz-live input[name="{control.name}"]')
    press(slider, times, key)
    value = float(slider.input_value())
    page.wait_for_function(IN_LINK, arg=[control.param, control.index, control.default, value], timeout=LINK_MS)
    wait_idle(page)
    return value


@pytest.mark.parametrize("control", LIVE.values(), ids=LIVE.keys())
def test_every_way_of_setting_a_live_value_leaves_one_value_on_screen(page, app_url, control):
    open_page(page, app_url, f"{control.page}?{control.link}")
    agrees(page, control, control.linked)  # by the link
    value = by_hand(page, control, "End")  # by the hand
    agrees(page, control, value)
    switch_classroom_mode(page)  # on
    if control.locked_at is not None:  # the hand's value gives way to the lock, until the class predicts
        value = control.locked_at
        agrees(page, control, value, classroom=True)
        expect(page.locator(f'.bnviz-live input[name="{control.name}"]')).to_be_disabled()
    if control.predicts or control.asks or control.locked_at is not None:
        prediction = page.locator('[data-testid="stRadio"]').filter(has_text="Your class's prediction")
        after_run(page, prediction.locator("label").nth(1).click)  # its first choice (label 0: the question)
    agrees(page, control, value, classroom=True)
    value = by_hand(page, control, "ArrowLeft", 2)  # by the hand, in classroom mode
    agrees(page, control, value, classroom=True)
    # The lesson's links: to the page before and back (the start page: to the next one and back).
    here = page.evaluate("location.pathname")
    away, back = ("Next", "Previous") if control.page == "" else ("Previous", "Next")
    after_run(page, page.get_by_role("link", name=re.compile(f"^{away}: ")).click)
    page.wait_for_function("(here) => location.pathname !== here", arg=here)
    after_run(page, page.get_by_role("link", name=re.compile(f"^{back}: ")).click)
    page.wait_for_function("(here) => location.pathname === here", arg=here)
    agrees(page, control, value, classroom=True)
    switch_classroom_mode(page)  # off
    agrees(page, control, value)
    sidebar = page.get_by_test_id("stSidebar")
    after_run(page, sidebar.get_by_role("link", name=control.elsewhere).click)  # away
    after_run(page, sidebar.get_by_role("link", name=control.title).click)  # and back
    agrees(page, control, value)
    for button, value, other in control.buttons:  # by a button
        page.get_by_role("button", name=button).click()
        agrees(page, control, value, other)
    assert_no_exception(page)


@pytest.mark.parametrize("control", [c for c in LIVE.values() if c.predicts], ids=lambda c: c.name)
def test_a_link_opened_in_classroom_mode_keeps_its_value_through_the_prediction(page, app_url, control):
    # A chart hidden until the class has predicted is drawn only after the arrival: it read no link then,
    # and the page dropped its parameter from the address (/learning?learn_step=41&classroom=1 opened step 1).
    open_page(page, app_url, f"{control.page}?{control.link}&classroom=1")
    expect(page.locator(f'.bnviz-live:has(input[name="{control.name}"])')).to_have_count(0)  # not before
    page.wait_for_function(IN_LINK, arg=[control.param, control.index, control.default, control.linked])
    prediction = page.locator('[data-testid="stRadio"]').filter(has_text="Your class's prediction")
    after_run(page, prediction.locator("label").nth(1).click)
    agrees(page, control, control.linked, classroom=True)
    assert_no_exception(page)
