"""Numbers as a learner reads them: one helper for every number on a page, in a table or a figure.

- fixed(v, places): a fixed number of decimals, a true minus sign (−), never "−0.000";
- fixed_cells(places): fixed() for a table's Styler.format, with an ASCII minus;
- sig(v, digits): significant digits (4 by default), never "-0", "any" for a NaN (γ* of a constant channel);
- decimals(scale): the decimals that show about three significant digits of a quantity of that size;
- operand(v, places): fixed(), with a negative number in parentheses after an operator, "3.10 − (−2.05)";
- eps_text(eps): ε as a learner writes it, 1e-5, 0.001, 0;
- percent(share): a share in prose, 0.9 -> "90 %" (a bound of a claim, not a measured accuracy);
- latex(v, paren): sig() for a LaTeX formula, 1.2 \\times 10^{-5} rather than 1.2e-05.
"""

from __future__ import annotations

import math

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
    """Decimals that show about three significant digits of a quantity of this size (2 to 6)."""
    scale = abs(float(scale))
    if not math.isfinite(scale) or scale == 0:
        return 2
    return int(min(max(2 - math.floor(math.log10(scale)), 2), 6))


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
