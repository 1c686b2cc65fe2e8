"""One owner per live value, in Chromium: a value set by the hand, by a button or by the link stays the one
value the whole screen shows (slider, readouts, table, address) when classroom mode is switched, a side
section opens, the channel changes and comes back, or the learner leaves the page and returns.

Every live chart's controls walk the same path together (test_every_way_of_setting_a_live_value_leaves_one_value_on_screen):
set by the link, each by the hand, classroom mode on, each by the hand again in classroom mode, the lesson's
Previous and Next (away and back), classroom mode off, away to another page and back by the sidebar, then by
each of its page's buttons; after each step every control's slider and output, the chart's readouts (computed
in the browser), the page's text and tables that quote the values (computed in Python) and the address show
one value each, the one the core gives for all of them together."""

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


# --- every live chart, every way to set its controls ----------------------------------------------

X = default_batch().x
C = 1  # /gamma-beta's channel
State = dict[str, float]  # a chart's controls' values, by the control's name


def gamma_beta_readouts(state: State) -> dict[str, str]:
    """§1's readouts for channel C at its (γ, β), from the core."""
    gammas, betas = [1.0] * 4, [0.0] * 4
    gammas[C], betas[C] = state["gamma"], state["beta"]
    out = gamma_beta.output_readout(X, gammas, betas)[2]
    return {
        "mean": fixed(out.mean[C], 4),
        "std": fixed(out.std[C], 4),
        "largest": distance(out.max_abs_diff[C], gamma_beta.ROUNDING),
        "w1": distance(out.w1[C], gamma_beta.ROUNDING),
    }


def gamma_beta_text(page, state: State, classroom: bool = False) -> None:
    """The caption under §1's controls quotes γ and β (Python's), and the exact boxes hold them (not shown
    in classroom mode)."""
    gamma, beta = state["gamma"], state["beta"]
    out = gamma_beta_readouts(state)
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


def share_readout(state: State) -> dict[str, str]:
    """The share of channel C's values in the sigmoid's linear region after γ and β, from the core."""
    x_hat, _ = gamma_beta.standardized(gamma_beta.channel_values(X, C), 1.0, 0.0)
    y = x_hat * state["gb_nl_gamma"] + state["gb_nl_beta"]
    return {"share": f"{fixed(100 * gamma_beta.share_in_linear_region(y, 'sigmoid'), 1)} %"}


def home_readouts(state: State) -> dict[str, str]:
    """Before BN, every channel's std at the scale; after it, channel 0's mean and std at (γ, β): the core's."""
    scale = state["home_scale"]
    y = before_after(X, scale, state["home_gamma"], state["home_beta"]).y[:, 0]
    return {
        "std": ", ".join(f"{scale * s:.3f}" for s in X.std(axis=0)),
        "mean_after": fixed(y.mean(), 3),
        "std_after": fixed(y.std(), 3),
    }


def home_text(page, state: State, classroom: bool = False) -> None:
    """The table's "before" std of channel 3 and its channel 0 after BN, computed in Python."""
    table = page.get_by_role("table").first
    expect(table).to_contain_text(f"{state['home_scale'] * X[:, 3].std():.3f}")
    y = before_after(X, state["home_scale"], state["home_gamma"], state["home_beta"]).y
    cells = table.locator("tbody tr").first.locator("td")
    expect(cells.nth(2)).to_have_text(fixed(y.mean(axis=0)[0], 3, "-"))  # a table's ASCII minus (fixed_cells)
    expect(cells.nth(3)).to_have_text(fixed(y.std(axis=0)[0], 3, "-"))


def learning_text(page, state: State, classroom: bool = False) -> None:
    """Python's "Step k up close" line quotes the step's γ, β and loss, as the browser's readouts show them."""
    line = page.locator("p", has_text=re.compile(rf"^Step {int(state['learn_step'])} up close"))
    chart = page.locator('.bnviz-live:has(input[name="learn_step"])')
    for name, label in (("gamma", "γ"), ("beta", "β"), ("loss", "loss")):
        readout = chart.locator(f"[data-name={name}]")
        expect(readout).not_to_be_empty()  # drawn: the browser has written it
        expect(line).to_contain_text(f"{label} = {readout.inner_text()}")


@dataclass(frozen=True)
class Control:
    """A live chart's range input: how the link sets it, and how the address holds it."""

    name: str
    link: str  # a query string setting it (to `linked`)
    linked: float
    decimals: int
    param: str  # the address's parameter
    index: int | None  # its item (a per-channel list), or None: the value itself
    default: float  # what its absence means
    locked_at: float | None = None  # in classroom mode, the value it is locked at until the class predicts


@dataclass(frozen=True)
class Chart:
    """A live chart: its page, its controls, and what the screen shows at their values (a State)."""

    page: str
    controls: tuple[Control, ...]
    readouts: Callable[[State], dict[str, str]] = lambda state: {}
    text: Callable[..., None] = lambda page, state, classroom=False: None
    buttons: tuple[tuple[str, State], ...] = ()  # (button, the values it sets)
    title: str = ""  # the page's sidebar link
    predicts: bool = False  # in classroom mode, the class predicts before the chart is shown
    asks: bool = False  # in classroom mode, the page's text about it waits for the class's prediction
    elsewhere: str = "Make a batch"  # another page's sidebar link
    not_projected: tuple[str, ...] = ()  # readouts left out in classroom mode (they would not fit a projector)

    @property
    def link(self) -> str:
        return "&".join(c.link for c in self.controls)

    def linked(self) -> State:
        return {c.name: c.linked for c in self.controls}


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


def channel_control(name: str, default: float, linked: float) -> Control:
    """/gamma-beta §1's γ or β: item C of its per-channel list in the address."""
    return Control(name, f"gb_{name}={default:g},{linked:g}", linked, 4, f"gb_{name}", C, default)


def value_control(name: str, linked: float, decimals: int, default: float, locked_at: float | None = None) -> Control:
    """A control whose parameter of the same name holds its value itself."""
    return Control(name, f"{name}={linked:g}", linked, decimals, name, None, default, locked_at)


CHARTS = {
    "home": Chart(
        "",
        (
            value_control("home_scale", 3.0, 1, 1.0, locked_at=1.0),  # ×4's prediction: any other scale would tell
            value_control("home_gamma", 2.5, 2, 1.0),
            value_control("home_beta", -1.5, 1, 0.0),
        ),
        readouts=home_readouts,
        text=home_text,
        title="Start here",
    ),
    "γ and β": Chart(
        "gamma-beta",
        (channel_control("gamma", 1.0, 2.5), channel_control("beta", 0.0, -3.0)),
        readouts=gamma_beta_readouts,
        text=gamma_beta_text,
        buttons=(
            ("Recover the original", {"gamma": RECOVERED_GAMMA, "beta": RECOVERED_BETA}),
            ("Reset to γ = 1, β = 0", {"gamma": 1.0, "beta": 0.0}),
        ),
        title="Drag γ and β",
        not_projected=("w1",),  # the histogram distance: a detail the projected step leaves out
        asks=True,  # the caption that spells out y's mean and spread waits for "which γ and β give back x?"
    ),
    "γ and β before the nonlinearity": Chart(
        "gamma-beta",
        (value_control("gb_nl_gamma", 2.5, 2, 1.0), value_control("gb_nl_beta", -1.5, 2, 0.0)),
        readouts=share_readout,
        title="Drag γ and β",
    ),
    "learning step": Chart(
        "learning",
        (value_control("learn_step", 41, 0, 960.0),),  # absent: the whole training, its last step
        text=learning_text,
        title="Watch them learned",
        predicts=True,
    ),
}


def agrees(page, chart: Chart, state: State, classroom: bool = False) -> None:
    """Every control's slider and output, the chart's readouts, the page's text and the address all show the
    values of `state`."""
    root = page.locator(f'.bnviz-live:has(input[name="{chart.controls[0].name}"])')
    page.wait_for_function(DRAWN, arg=root.element_handle())
    for control in chart.controls:
        slider = root.locator(f'input[name="{control.name}"]')
        # the range input's own value is on its step grid (a recovered γ is held exactly beside it, and shown)
        page.wait_for_function(
            "([e, v]) => Math.abs(parseFloat(e.value) - v) <= parseFloat(e.step) / 2 + 1e-9",
            arg=[slider.element_handle(), state[control.name]],
        )
        expect(slider.locator("xpath=following-sibling::output")).to_have_text(
            fixed(state[control.name], control.decimals)
        )
    for name, text in chart.readouts(state).items():
        if classroom and name in chart.not_projected:
            expect(root.locator(f"[data-name={name}]")).to_have_count(0)
        else:
            expect(root.locator(f"[data-name={name}]")).to_have_text(text)
    chart.text(page, state, classroom=classroom)
    for control in chart.controls:
        in_link = [control.param, control.index, control.default, state[control.name]]
        page.wait_for_function(IN_LINK, arg=in_link, timeout=LINK_MS)


def by_hand(page, chart: Chart, state: State, key: str, times: int = 1) -> None:
    """Keys pressed on each control's slider in turn; `state` takes the values they reach (read from the
    slider), once each is in the address."""
    for control in chart.controls:
        slider = page.locator(f'.bnviz-live input[name="{control.name}"]')
        press(slider, times, key)
        state[control.name] = value = float(slider.input_value())
        page.wait_for_function(IN_LINK, arg=[control.param, control.index, control.default, value], timeout=LINK_MS)
        wait_idle(page)


@pytest.mark.parametrize("chart", CHARTS.values(), ids=CHARTS.keys())
def test_every_way_of_setting_a_live_value_leaves_one_value_on_screen(page, app_url, chart):
    open_page(page, app_url, f"{chart.page}?{chart.link}")
    state = chart.linked()
    agrees(page, chart, state)  # by the link
    by_hand(page, chart, state, "End")  # by the hand
    agrees(page, chart, state)
    switch_classroom_mode(page)  # on
    locked = [c for c in chart.controls if c.locked_at is not None]
    if locked:  # the hand's value gives way to the lock, until the class predicts
        state.update({c.name: c.locked_at for c in locked})
        agrees(page, chart, state, classroom=True)
        for control in locked:
            expect(page.locator(f'.bnviz-live input[name="{control.name}"]')).to_be_disabled()
    if chart.predicts or chart.asks or locked:
        prediction = page.locator('[data-testid="stRadio"]').filter(has_text="Your class's prediction")
        after_run(page, prediction.locator("label").nth(1).click)  # its first choice (label 0: the question)
    agrees(page, chart, state, classroom=True)
    by_hand(page, chart, state, "ArrowLeft", 2)  # by the hand, in classroom mode
    agrees(page, chart, state, classroom=True)
    # The lesson's links: to the page before and back (the start page: to the next one and back).
    here = page.evaluate("location.pathname")
    away, back = ("Next", "Previous") if chart.page == "" else ("Previous", "Next")
    after_run(page, page.get_by_role("link", name=re.compile(f"^{away}: ")).click)
    page.wait_for_function("(here) => location.pathname !== here", arg=here)
    after_run(page, page.get_by_role("link", name=re.compile(f"^{back}: ")).click)
    page.wait_for_function("(here) => location.pathname === here", arg=here)
    agrees(page, chart, state, classroom=True)
    switch_classroom_mode(page)  # off
    agrees(page, chart, state)
    sidebar = page.get_by_test_id("stSidebar")
    after_run(page, sidebar.get_by_role("link", name=chart.elsewhere).click)  # away
    after_run(page, sidebar.get_by_role("link", name=chart.title).click)  # and back
    agrees(page, chart, state)
    for button, values in chart.buttons:  # by a button
        page.get_by_role("button", name=button).click()
        state.update(values)
        agrees(page, chart, state)
    assert_no_exception(page)


@pytest.mark.parametrize("chart", [c for c in CHARTS.values() if c.predicts], ids=lambda c: c.controls[0].name)
def test_a_link_opened_in_classroom_mode_keeps_its_value_through_the_prediction(page, app_url, chart):
    # A chart hidden until the class has predicted is drawn only after the arrival: it read no link then,
    # and the page dropped its parameter from the address (/learning?learn_step=41&classroom=1 opened step 1).
    open_page(page, app_url, f"{chart.page}?{chart.link}&classroom=1")
    expect(page.locator(f'.bnviz-live:has(input[name="{chart.controls[0].name}"])')).to_have_count(0)  # not before
    for control in chart.controls:
        page.wait_for_function(IN_LINK, arg=[control.param, control.index, control.default, control.linked])
    prediction = page.locator('[data-testid="stRadio"]').filter(has_text="Your class's prediction")
    after_run(page, prediction.locator("label").nth(1).click)
    agrees(page, chart, chart.linked(), classroom=True)
    assert_no_exception(page)
