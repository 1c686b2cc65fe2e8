"""bnviz.core.validation: a batch is checked once, where it enters, and trusted after (issue 25)."""

import numpy as np
import pytest

from bnviz.core import validation
from bnviz.core.validation import ValidBatch, check_batch

pytestmark = pytest.mark.numerical


def test_a_checked_batch_is_a_read_only_valid_batch_and_the_callers_array_stays_writeable():
    x = np.arange(8.0).reshape(4, 2)
    checked = check_batch(x)
    assert type(checked) is ValidBatch and not checked.flags.writeable
    np.testing.assert_array_equal(checked, x)
    x[0, 0] = 5.0  # the caller's own array: still theirs to change
    with pytest.raises(ValueError, match="read-only"):
        checked[0, 0] = np.nan


def test_a_valid_batch_is_trusted_its_values_are_not_scanned_again(monkeypatch):
    checked = check_batch(np.ones((3, 2)))

    def scanned(*_):
        raise AssertionError("the values were scanned again")

    monkeypatch.setattr(validation, "_check_magnitude", scanned)
    assert check_batch(checked) is checked
    assert check_batch(checked[:, :1]).shape == (3, 1)  # a view of checked values: still trusted
    with pytest.raises(AssertionError, match="scanned again"):
        check_batch(np.ones((3, 2)))  # any other array is checked


def test_a_valid_batch_still_has_its_shape_checked():
    checked = check_batch(np.ones((3, 2)))
    with pytest.raises(ValueError, match="2 channels on axis 1 but the layer was built with num_features=4"):
        check_batch(checked, num_features=4)
    with pytest.raises(ValueError, match="must have shape"):
        check_batch(checked[:, 0])  # one channel's values: 1-D, not a batch


def test_what_is_computed_from_a_valid_batch_is_a_plain_array_checked_when_it_enters():
    checked = check_batch(np.ones((3, 2)))
    for derived in (checked * 2, checked - checked.mean(axis=0), np.exp(checked)):
        assert type(derived) is np.ndarray and derived.flags.writeable
    assert type(checked.mean()) is np.float64
    copy = checked.copy()  # a writeable copy may be changed: it is checked again
    copy[0, 0] = np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        check_batch(copy)


def test_the_apps_batch_is_checked_where_it_enters_so_no_page_ever_holds_a_batch_the_core_refuses():
    # Before issue 25 a batch with a NaN could sit in the session, and each page refused it with a message
    # (tests of /learning and /questions checked that). Now it cannot be made: /batch refuses the upload.
    from ui.state import Batch

    batch = Batch(np.ones((4, 2)), None, 0, "test")
    assert type(batch.x) is ValidBatch and not batch.x.flags.writeable
    with pytest.raises(ValueError, match="NaN or infinite"):
        Batch(np.array([[1.0, np.nan], [2.0, 3.0]]), None, 0, "an upload with a hole")
