"""bnviz.numbers: one way to write a number on every screen."""

import math

import pytest

from bnviz.numbers import latex, sig

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)


def test_sig_gives_four_significant_digits_and_never_a_negative_zero():
    assert sig(10.0249) == "10.02"
    assert sig(-1e-12, 3) == "-1e-12"
    assert sig(-0.0) == "0"
    assert sig(-0.00001, 1) == "-1e-05"


def test_sig_writes_any_for_the_gamma_of_a_constant_channel():
    assert sig(math.nan) == "any"


@pytest.mark.parametrize(
    ("value", "paren", "text"),
    [
        (1.5, False, "1.5"),
        (-2.0, True, "(-2)"),
        (1.234e-5, False, r"1.234 \times 10^{-5}"),
        (3e7, False, r"3 \times 10^{7}"),
    ],
)
def test_latex_writes_powers_of_ten_and_brackets_a_negative_operand(value, paren, text):
    assert latex(value, paren) == text
