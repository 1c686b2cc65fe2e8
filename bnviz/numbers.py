"""Numbers as a learner reads them: one helper for every number on a page, in a table or a figure.

- fixed(v, places): a fixed number of decimals, a true minus sign (−), never "−0.000";
- fixed_cells(places): fixed() for a table's Styler.format, with an ASCII minus;
- sig(v, digits): significant digits (4 by default), never "-0", "any" for a NaN (γ* of a constant channel);
- decimals(scale): the decimals that show about three significant digits of a quantity of that size;
- places(scales, digits): one number of decimals for a table's column, or for every mention of one quantity,
  chosen from all its values: what a page writes with fixed() and fixed_cells() (one rounding per quantity);
- exact_places(values): the fewest decimals that write settings exactly (0.1, 0.99 -> 2);
- operand(v, places): fixed(), with a negative number in parentheses after an operator, "3.10 − (−2.05)";
- eps_text(eps): ε as a learner writes it, 1e-5, 0.001, 0;
- percent(share): a share in prose, 0.9 -> "90 %" (a bound of a claim, not a measured accuracy);
- latex(v, paren): sig() for a LaTeX formula, 1.2 \\times 10^{-5} rather than 1.2e-05.
"""

from __future__ import annotations

import math

import numpy as np

MINUS = "−"  # U+2212, the minus sign of printed maths


def fixed(value: float, places: int, minus: str = MINUS) -> str:
    """A number with `places` decimals and a true minus sign (−); no "−0.00" for a value that rounds to zero.
    minus="-": the ASCII minus, for a number a learner may copy into code (the metrics, their tables)."""
    text = f"{float(value):.{places}f}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text.replace("-", minus)


def sig(value: float, digits: int = 4) -> str:
    """A number with `digits` significant digits ("1.235", "1.2e+06"); "any" for NaN; no "-0"."""
    value = float(value)
    if math.isnan(value):
        return "any"
    text = f"{value:.{digits}g}"
    if float(text) == 0:
        text = text.lstrip("-")
    return text


def decimals(scale: float) -> int:
    """Decimals that show about three significant digits of a quantity of this size (2 to 6): places([scale])."""
    return places([scale])


def _places_for(scale: float, digits: int) -> int:
    """Decimals that show `digits` significant digits of a number of this size (any sign, maybe negative)."""
    return digits - 1 - math.floor(math.log10(scale))


def places(scales, digits: int = 3) -> int:
    """One number of decimals for every value of a table's column, or every mention of one quantity on a
    page, chosen from all of them: `digits` significant digits of the largest scale and `digits - 1` of the
    smallest, between 2 and 6 decimals. Scales of 0, NaN or ±∞ count for nothing.

    scales: the size each value is read against, any shape: its own size (a variance, a loss), or the spread
    it is told apart in (a channel's mean against the channel's standard deviation: a mean near 0 then asks
    for no more digits than its spread). [1.02, 105.2, 0.042, 1661.6] -> 3: 0.042 and 1661.582.
    """
    sizes = [abs(float(s)) for s in np.ravel(np.asarray(scales, dtype=float))]
    sizes = [s for s in sizes if math.isfinite(s) and s > 0]
    if not sizes:
        return 2
    wanted = max(_places_for(max(sizes), digits), _places_for(min(sizes), digits - 1))
    return int(min(max(wanted, 2), 6))


def exact_places(values, most: int = 6) -> int:
    """The fewest decimals (0 to `most`) that write every value exactly, NaN aside, float64's last bits
    aside (1 − 0.07 is 0.9299999999999999): for settings a learner chose or typed, which have no digits to
    round (momenta 0.1, 0.99, 0.9 -> 2: "0.10", "0.99", "0.90")."""
    finite = [float(v) for v in np.ravel(np.asarray(values, dtype=float)) if math.isfinite(v)]
    for p in range(most + 1):
        if all(math.isclose(round(v, p), v, rel_tol=1e-12, abs_tol=1e-12) for v in finite):
            return p
    return most


def operand(value: float, places: int) -> str:
    """A number as an operand: negative ones in parentheses, "3.10 − (−2.05)"."""
    text = fixed(value, places)
    return f"({text})" if text.startswith(MINUS) else text


def eps_text(eps: float) -> str:
    """ε as a learner writes it: 1e-5, 0.001, 0."""
    if eps == 0:
        return "0"
    if eps < 1e-3:
        mantissa, exponent = f"{eps:.0e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    return f"{eps:g}"


def latex(value: float, paren: bool = False) -> str:
    """A number for LaTeX, 4 significant digits, powers of ten written out; a negative one in
    parentheses if `paren` (after an operator: 1 - 0.1 × (-2))."""
    text = sig(value).replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return f"({text})" if paren and value < 0 else text


def fixed_cells(places: int, minus: str = "-"):
    """fixed() as pandas' Styler.format takes it: a table's numbers with `places` decimals, never "-0.000".
    The ASCII minus by default: a table's numbers may be copied into code."""
    return lambda value: fixed(value, places, minus)


def percent(share: float) -> str:
    """A share as prose writes it: 0.9 -> "90 %", with a no-break space so that "%" never starts a line."""
    return f"{100 * share:g}\u00a0%"


def distance(value: float, bound: float) -> str:
    """A distance that may be float64's rounding: sig(value, 3), or "below 1e-9" under `bound`. Below it,
    its digits depend on the order of the sums, which NumPy and the browser do not share: one screen
    would show two values of one zero (ui/live/maths.js distance, the same)."""
    return f"below {eps_text(bound)}" if abs(float(value)) < bound else sig(value, 3)
