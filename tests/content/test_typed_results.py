"""No page states a result typed by hand: every number a page's text gives about an experiment comes from
the run it shows (formatted into the sentence as the page draws), or the sentence claims a bound that
holds on every machine ("over 90 %", checked by tests/content/test_claims.py and the experiments' tests).

A result looks like a result: a percentage, a number in scientific notation, or a number after a word that
reports one ("loss", "accuracy", "reaches", "ends at", "about", "≈"). It is typed when it stands, words
and number, in the source's own string literals (content/, pages/, ui/, app.py, the figure builders),
where a formatted result never does, and no bound word ("over", "under", "below",
"within", "at least", …) stands before it. A setting typed in the text (learning rate 0.3, the peak at 9)
is no result and passes; the few definitions that read like one are listed in DEFINITIONS.
"""

from __future__ import annotations

import ast
import functools
import re

import pytest
from conftest import ROOT

from content.questions import QUESTIONS
from helpers.shown import PAGES, page_text

NUMBER = r"−?\d+(?:\.\d+)?(?:e[-+−]?\d+)?"
RESULT = re.compile(
    rf"(?:\b(?:loss|accuracy|reach(?:es|ed)?|ends? (?:at|near)|settles? (?:at|near)|falls? to|about|approximately)"
    rf"|≈)\s*\(?{NUMBER}(?:\s?%)?"
    rf"|{NUMBER}\s?%"
    rf"|\b\d+(?:\.\d+)?e[-+−]?\d+\b"
)
BOUND = re.compile(
    r"(?:\b(?:over|under|above|below|within|than|least|most|up to|beyond)|[<>≤≥]|(?:ε|\\epsilon\$)\s*=?\s*\(?)\s*$",
)
# Sentences whose number reads like a result but is a definition, each with why.
DEFINITIONS = (
    "always answers 50 %",  # a network that always answers 50 %: guessing, the dotted line of the sweep
    "answers 50 % for every point",  # … as "Things to try" says it
    "where it is 50 %",  # the decision boundary: where P(class 1) is 50 %
    "reaching 90 % accuracy",  # what the sweep counts as "trained" (LrSweep.trained)
    "100 % ×",  # the closeness score's formula on /gamma-beta
    "100 % when they coincide",  # … and its two ends
    "0 % when values",
    "variance ≈ 1",  # x̂'s variance: σ²/(σ² + ε), 1 up to ε by construction
    "spread of x̂, ≈ 1",
    "spread ≈ 1",
    "exactly: loss 0",  # the needed γ and β make the next layer's input x − 5 exactly, by algebra
    "symmetric about 0",  # tanh(−z) = −tanh(z)
)
SOURCES = ("app.py", "pages", "sections", "content", "ui", "bnviz/figures")


@functools.cache
def source_literals() -> tuple[str, ...]:
    """Every string literal of the code that writes what a page says (f-strings: their literal parts only)."""
    files = [ROOT / "app.py"] + [f for d in SOURCES[1:] for f in sorted((ROOT / d).rglob("*.py"))]
    found = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.append(node.value)
    return tuple(found)


def typed_results(text: str, literals: tuple[str, ...]) -> list[str]:
    """The results in `text` typed by hand: each as the text shows it ("37.8", "50 %", "about 1e-15")."""
    text = re.sub(r"\s+", " ", re.sub(r"%\{[^}]*\}", " ", text))  # not plotly's "%{y:.0%}" placeholders
    found = []
    for m in RESULT.finditer(text):
        if BOUND.search(text[: m.start()]):
            continue  # "over 90 %", "below 1e-12", "ε = 1e-5": a bound or a setting
        if any(d in text[max(0, m.start() - 40) : m.end() + 40] for d in DEFINITIONS):
            continue
        phrase = m.group(0).strip()
        if any(phrase in literal for literal in literals):
            found.append(phrase)
    return found


# Four lines of /network's "Things to try" as they stood before the results became bounds (8cf2857): the
# scan must find every result typed into them.
OLD_THINGS_TO_TRY = """
- **Learning rate 0.3**: all three train. Without BN and BN with γ, β reach 100 %, BN without
  γ, β about 98 %. At small rates BN brings no advantage here.
- **Circles**, **tanh**, learning rate 0.3: here γ and β matter. Without BN (final loss 0.000987)
  and BN with γ, β (0.0124) reach 100 %; BN without γ, β stays near guessing (final loss 0.684,
  56 %).
- **Learning rate 10**: now BN with γ, β fails (final loss 37.8, 50 %): its γ and β grow into
  the hundreds and hold almost every tanh in saturation. BN without γ, β still reaches 96 %.
"""


def test_the_scan_finds_every_result_typed_into_the_old_things_to_try():
    found = typed_results(OLD_THINGS_TO_TRY, (OLD_THINGS_TO_TRY,))
    assert found == [
        "reach 100 %",
        "about 98 %",
        "loss 0.000987",
        "reach 100 %",
        "loss 0.684",
        "56 %",
        "loss 37.8",
        "50 %",
        "reaches 96 %",
    ]


def test_the_scan_lets_settings_bounds_definitions_and_formatted_results_pass():
    literals = ("learning rate 0.3, the peak at 9", "over 90 %", "ε = 1e-5", "final loss ", "always answers 50 %")
    text = (
        "Learning rate 0.3, the peak at 9: BN without γ, β stays over 90 % and below 1e-12; ε = 1e-5 keeps it "
        "safe; γ = 1, β = 0 to start; final loss 0.425 (a network that always answers 50 % has 0.69)."
    )
    assert typed_results(text, literals) == []
    assert typed_results("the distance falls to about 1e-15", ("about 1e-15",)) == ["about 1e-15"]
    assert typed_results("γ ends near 9.777", ("γ ends near 9.777",)) == ["ends near 9.777"]


@pytest.mark.parametrize("page", PAGES)
def test_no_page_states_a_result_typed_by_hand(page):
    texts = page_text(page)
    typed = [(where, found, text) for where, text, _ in texts for found in typed_results(text, source_literals())]
    assert typed == []


def test_no_self_check_answer_states_a_result_typed_by_hand():
    for q in QUESTIONS:
        for choice in q.check.choices:
            text = q.check.feedback(choice.text)[1]
            assert typed_results(text, source_literals()) == [], (q.number, choice.text, text)
