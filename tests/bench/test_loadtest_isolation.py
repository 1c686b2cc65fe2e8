"""bench/loadtest.py's isolation check: it passes when each session reads back its own values, and
fails only when a session sees a value another session set."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from loadtest import SCALE_RANGE, own_channels, own_scale, reads_back  # noqa: E402

STD_AT_1 = [1.0118, 10.2548, 0.2050, 40.7625]  # the home page's "std before" at ×1


def test_a_session_that_reads_back_its_own_scale_is_isolated():
    assert reads_back(2.3, STD_AT_1, [2.3 * s for s in STD_AT_1])


def test_a_session_shown_another_sessions_scale_is_not_isolated():
    assert not reads_back(2.3, STD_AT_1, [2.4 * s for s in STD_AT_1])


def test_one_channel_off_is_enough_to_fail():
    shown = [2.3 * s for s in STD_AT_1]
    shown[2] *= 1.01
    assert not reads_back(2.3, STD_AT_1, shown)


def test_the_values_shown_with_three_decimals_rounding_noise_still_pass():
    assert reads_back(0.7, STD_AT_1, [round(0.7 * s, 3) for s in STD_AT_1])


def test_a_missing_table_or_channel_fails():
    assert not reads_back(2.3, STD_AT_1, [])
    assert not reads_back(2.3, STD_AT_1, [2.3 * s for s in STD_AT_1[:3]])


def test_a_leak_where_every_session_sees_the_last_writer_fails_all_but_the_last():
    # A module global holding the last scale set: after the barrier every session is shown it.
    scales = [own_scale(i) for i in range(30)]
    last = scales[-1]
    verdicts = [reads_back(mine, STD_AT_1, [last * s for s in STD_AT_1]) for mine in scales]
    assert verdicts.count(False) == 29 and verdicts[-1]


def test_the_old_check_would_have_failed_a_session_that_had_moved_the_slider_before():
    # Issue 15: the reference was read after the session had moved the scale to ×1.1, so its own ×2.3
    # looked wrong. The reference is now the std at ×1, read by a fresh session.
    moved_reference = [1.1 * s for s in STD_AT_1]
    shown = [2.3 * s for s in STD_AT_1]
    assert not reads_back(2.3, moved_reference, shown)
    assert reads_back(2.3, STD_AT_1, shown)


@pytest.mark.parametrize("sessions", [30, 98])
def test_every_session_has_its_own_scale_on_the_controls_grid_and_not_the_default(sessions):
    lo, hi, step = SCALE_RANGE
    scales = [own_scale(i) for i in range(sessions)]
    assert len(set(scales)) == sessions
    assert all(lo <= s <= hi and abs(s / step - round(s / step)) < 1e-9 and s != 1.0 for s in scales)


def test_sixteen_sessions_in_a_row_make_sixteen_different_batches():
    assert sorted(own_channels(i) for i in range(16)) == list(range(1, 17))
