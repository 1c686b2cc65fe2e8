"""bnviz.numbers: one way to write a number on every screen."""

import math

import pytest

from bnviz.numbers import exact_places, fixed, latex, places, sig

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


# --- one rounding per column, per quantity ------------------------------------------------------------


def test_places_of_one_scale_are_the_decimals_of_three_significant_digits():
    assert [places([s]) for s in (10.0, 1.0, 0.05, 0.0025, 1e-9, 5000.0)] == [2, 2, 4, 5, 6, 2]


def test_places_of_a_column_keep_three_digits_of_its_largest_and_two_of_its_smallest():
    # /steps' batch variances: 1.02, 105.16, 0.042, 1661.58 -> 3 decimals (0.042, 1661.581), not 2 (0.04)
    assert places([1.024, 105.16, 0.042, 1661.58]) == 3
    # the channels' spreads of /steps' batch means: 1.01, 10.25, 0.205, 40.8 -> 2 (−3.01 beside 50.55)
    assert places([1.01, 10.25, 0.205, 40.8]) == 2
    assert places([0.5, 0.4]) == 3  # every scale under 1: the largest's three digits ask for more


def test_places_leave_out_zero_nan_and_infinite_scales_and_stay_between_two_and_six():
    assert places([0.0, math.nan, math.inf, 0.05]) == 4
    assert places([]) == places([0.0, math.nan]) == 2
    assert places([1e-12, 1.0]) == 6


def test_places_with_four_digits_keep_four_of_the_largest_and_three_of_the_smallest():
    # /learning's γ* and γ learned of four channels: 0.4879 … 0.4936, as the readouts' four digits write them
    assert places([0.4879, 0.4852, 0.4936], digits=4) == 4
    assert places([0.976, 9.78, 0.198, 39.7], digits=4) == 3


def test_exact_places_are_the_fewest_decimals_that_write_every_setting_exactly():
    assert exact_places([0.1, 0.99, 0.9]) == 2  # "0.10, 0.99, 0.90", not "0.1, 0.99, 0.9"
    assert exact_places([0.0, 1.0]) == 0  # labels: "0", "1"
    assert exact_places([1 / 3]) == 6  # at most six
    assert exact_places([math.nan, 0.25]) == 2
    assert exact_places([1 - 0.07]) == 2  # 0.9299999999999999 is the setting 0.93


def test_a_column_written_to_its_places_has_one_number_of_decimals_and_no_minus_zero():
    texts = [fixed(v, places([1.01, 10.25, 0.205, 40.8])) for v in (0.0019, 8.1875, -3.0084, 50.5452, -0.001)]
    assert texts == ["0.00", "8.19", "−3.01", "50.55", "0.00"]
