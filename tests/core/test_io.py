"""Reading and writing a batch: exact round trips, and every bad file refused with its reason.

Every bad file is a real file written into tmp_path, then read back as an upload would be.
"""

import io
import pickle
import zipfile

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from bnviz.core.io import (
    MAX_BYTES,
    MAX_VALUES,
    UploadError,
    csv_frame,
    default_array,
    load_activations,
    npz_arrays,
    to_csv_bytes,
    to_npy_bytes,
)

pytestmark = pytest.mark.numerical  # run again at lower SIMD levels (scripts/test.sh)


def load(path, **kwargs):
    """Open a file from disk as the page does with an upload: a binary stream and its name."""
    with open(path, "rb") as f:
        return load_activations(f, path.name, **kwargs)


def refused(path, **kwargs) -> str:
    with pytest.raises(UploadError) as err:
        load(path, **kwargs)
    return str(err.value)


# --- export and round trips -------------------------------------------------------------------


def test_fully_connected_csv_has_one_column_per_channel_and_one_line_per_sample():
    x = np.array([[1.5, -2.0], [3.0, 0.25], [0.0, 1e-7]])
    assert to_csv_bytes(x).decode() == "channel_0,channel_1\n1.5,-2.0\n3.0,0.25\n0.0,1e-07\n"


def test_conv_csv_has_one_line_per_pixel_with_its_sample_h_w_and_the_channel_values():
    x = np.arange(2 * 3 * 1 * 2, dtype=float).reshape(2, 3, 1, 2)  # N=2, C=3, H=1, W=2
    lines = to_csv_bytes(x).decode().splitlines()
    assert lines[0] == "sample,h,w,channel_0,channel_1,channel_2"
    assert len(lines) == 1 + 2 * 1 * 2
    # Line (n=1, h=0, w=1) holds x[1, :, 0, 1] = 7, 9, 11.
    assert lines[4] == "1,0,1,7.0,9.0,11.0"
    assert np.array_equal(csv_frame(x).iloc[3, 3:].to_numpy(), x[1, :, 0, 1])


def test_a_hand_written_conv_csv_in_any_line_order_is_read_into_n_c_h_w(tmp_path):
    path = tmp_path / "conv.csv"
    path.write_text("sample,h,w,channel_0,channel_1\n1,0,1,8,80\n0,0,0,1,10\n1,0,0,7,70\n0,0,1,2,20\n")
    x = load(path)
    assert x.shape == (2, 2, 1, 2)
    np.testing.assert_array_equal(x[:, 0, 0, :], [[1, 2], [7, 8]])
    np.testing.assert_array_equal(x[:, 1, 0, :], [[10, 20], [70, 80]])


@pytest.mark.parametrize("shape", [(5, 3), (4, 2, 3, 5)])
def test_export_then_upload_gives_back_the_exact_batch(tmp_path, shape):
    x = np.random.default_rng(1).normal(3.0, 7.0, size=shape) / 3  # values with long decimals
    for name, data in (("b.csv", to_csv_bytes(x)), ("b.npy", to_npy_bytes(x))):
        path = tmp_path / name
        path.write_bytes(data)
        back = load(path)
        assert back.dtype == np.float64 and back.shape == x.shape
        assert np.array_equal(back, x), name


@given(
    hnp.arrays(
        np.float64,
        st.one_of(
            hnp.array_shapes(min_dims=2, max_dims=2, min_side=2, max_side=6), st.tuples(*[st.integers(2, 3)] * 4)
        ),
        elements=st.floats(-1e150, 1e150, allow_nan=False, allow_infinity=False),  # the core's range
    )
)
def test_csv_and_npy_round_trips_are_exact_for_any_finite_batch(x):
    assert np.array_equal(load_activations(to_csv_bytes(x), "x.csv"), x)
    assert np.array_equal(load_activations(to_npy_bytes(x), "x.npy"), x)


def test_the_shipped_example_loads_as_a_conv_batch():
    x = load(ROOT / "examples" / "activations_conv.npy")
    assert x.shape == (16, 4, 8, 8) and x.dtype == np.float64
    assert (ROOT / "examples" / "activations_conv.npy").stat().st_size < 20_000


# --- accepted variations -------------------------------------------------------------------------


def test_float32_int_big_endian_and_fortran_npy_files_are_accepted_as_float64(tmp_path):
    values = np.arange(6).reshape(3, 2)
    for name, a in {
        "f32.npy": values.astype(np.float32),
        "int.npy": values.astype(np.int16),
        "be.npy": values.astype(">f8"),
        "fortran.npy": np.asfortranarray(values.astype(float)),
    }.items():
        np.save(tmp_path / name, a)
        x = load(tmp_path / name)
        assert x.dtype == np.float64 and np.array_equal(x, values), name


def test_a_csv_without_header_is_read_as_samples_by_channels(tmp_path):
    path = tmp_path / "plain.csv"
    np.savetxt(path, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], delimiter=",")
    np.testing.assert_array_equal(load(path), [[1, 2, 3], [4, 5, 6]])


def test_a_csv_written_by_pandas_with_its_index_and_numbered_header_is_read_without_them(tmp_path):
    import pandas as pd

    a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    pd.DataFrame(a).to_csv(tmp_path / "with_index.csv")  # header ",0,1", first column the index
    pd.DataFrame(a).to_csv(tmp_path / "no_index.csv", index=False)  # header "0,1"
    np.testing.assert_array_equal(load(tmp_path / "with_index.csv"), a)
    np.testing.assert_array_equal(load(tmp_path / "no_index.csv"), a)


def test_npz_lists_its_arrays_from_headers_and_loads_the_one_picked(tmp_path):
    path = tmp_path / "acts.npz"
    np.savez(path, labels=np.arange(4), fc=np.ones((4, 3)), conv=np.zeros((4, 2, 3, 3)))
    infos = npz_arrays(path.read_bytes())
    assert [(i.name, i.shape) for i in infos] == [("labels", (4,)), ("fc", (4, 3)), ("conv", (4, 2, 3, 3))]
    assert default_array(infos) == "fc"  # the first with an accepted shape, not the 1-D labels
    assert load(path).shape == (4, 3)
    assert load(path, array="conv").shape == (4, 2, 3, 3)
    assert "1-D" in refused(path, array="labels")
    assert "no array named 'weights'" in refused(path, array="weights")


def test_a_compressed_npz_is_read_too(tmp_path):
    path = tmp_path / "small.npz"
    np.savez_compressed(path, x=np.full((3, 2), 1.5))
    np.testing.assert_array_equal(load(path), np.full((3, 2), 1.5))


# --- every bad file, with what is wrong and what is expected ----------------------------------


def test_an_object_array_npy_is_refused_without_unpickling(tmp_path):
    path = tmp_path / "objects.npy"
    np.save(path, np.array([[1, "a"], [2, None]], dtype=object), allow_pickle=True)
    message = refused(path)
    assert "dtype object" in message and "never does it" in message and "np.save(" in message


def test_a_pickle_renamed_npy_is_refused_and_never_unpickled(tmp_path):
    class Boom:
        def __reduce__(self):  # unpickling this fails the test: it must never happen
            return (pytest.fail, ("the upload was unpickled",))

    path = tmp_path / "model.npy"
    path.write_bytes(pickle.dumps(Boom()))
    message = refused(path)
    assert "Python pickle" in message and "never opens" in message


def test_a_torch_save_zip_of_pickles_is_refused_as_npy_and_as_npz(tmp_path):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as z:  # the layout torch.save writes
        z.writestr("archive/data.pkl", pickle.dumps({"acts": [1.0, 2.0]}))
        z.writestr("archive/version", "3\n")
    (tmp_path / "acts.npy").write_bytes(data.getvalue())
    (tmp_path / "acts.npz").write_bytes(data.getvalue())
    assert "zip archive" in refused(tmp_path / "acts.npy")
    assert "holds no NumPy arrays" in refused(tmp_path / "acts.npz")


def test_an_npz_holding_an_object_array_is_refused(tmp_path):
    path = tmp_path / "objects.npz"
    np.savez(path, x=np.array([[1, "a"], [2, "b"]], dtype=object))
    assert "dtype object" in refused(path)


def test_text_in_a_csv_is_refused_with_its_line_and_column(tmp_path):
    path = tmp_path / "text.csv"
    path.write_text("channel_0,channel_1\n1,2\n3,four\n5,6\n")
    message = refused(path)
    assert "line 3, column 'channel_1'" in message and "'four', which is not a number" in message


def test_an_empty_cell_and_a_short_line_in_a_csv_are_refused(tmp_path):
    (tmp_path / "hole.csv").write_text("a,b\n1,\n3,4\n")
    (tmp_path / "short.csv").write_text("a,b\n1,2\n3\n")
    assert "line 2, column 'b', is empty" in refused(tmp_path / "hole.csv")
    assert "line 3, column 'b', is empty" in refused(tmp_path / "short.csv")


def test_a_csv_line_with_too_many_values_is_refused(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a,b\n1,2\n3,4,5\n")
    assert "Expected 2 fields in line 3, saw 3" in refused(path)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_infinity_is_refused_in_npy_and_csv_with_where_it_is(tmp_path, bad):
    a = np.array([[1.0, 2.0], [3.0, bad], [5.0, 6.0]])
    np.save(tmp_path / "bad.npy", a)
    (tmp_path / "bad.csv").write_text(f"a,b\n1,2\n3,{bad}\n5,6\n")
    for name in ("bad.npy", "bad.csv"):
        message = refused(tmp_path / name)
        assert "1 NaN or infinite value(s), the first at index (1, 1)" in message, name


def test_values_whose_squares_overflow_are_refused_as_the_core_would(tmp_path):
    np.save(tmp_path / "huge_values.npy", np.array([[1.0, 2.0], [3.0, 1e200]]))
    message = refused(tmp_path / "huge_values.npy")
    assert "as large as 1e+200" in message and "overflow" in message


def test_one_sample_is_refused_for_both_layer_kinds(tmp_path):
    np.save(tmp_path / "one_fc.npy", np.ones((1, 4)))
    np.save(tmp_path / "one_conv.npy", np.ones((1, 4, 3, 3)))
    (tmp_path / "one.csv").write_text("a,b\n1,2\n")
    for name in ("one_fc.npy", "one_conv.npy", "one.csv"):
        assert "holds one sample" in refused(tmp_path / name) and "at least 2 samples" in refused(tmp_path / name)


@pytest.mark.parametrize(
    "shape, says",
    [((), "single number"), ((7,), "x.reshape(-1, 1)"), ((3, 2, 5), "x[:, :, None, :]"), ((2, 2, 2, 2, 2), "5-D")],
)
def test_a_wrong_number_of_dimensions_is_refused_with_the_fix(tmp_path, shape, says):
    np.save(tmp_path / "bad.npy", np.zeros(shape))
    message = refused(tmp_path / "bad.npy")
    assert says in message and "(N, C, H, W)" in message


def test_empty_files_and_empty_arrays_are_refused(tmp_path):
    (tmp_path / "empty.npy").write_bytes(b"")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "blank.csv").write_text("\n\n  \n")
    (tmp_path / "header.csv").write_text("channel_0,channel_1\n")
    np.save(tmp_path / "zero.npy", np.zeros((0, 3)))
    assert "is empty (0 bytes)" in refused(tmp_path / "empty.npy")
    assert "is empty (0 bytes)" in refused(tmp_path / "empty.csv")
    assert "holds no values" in refused(tmp_path / "blank.csv")
    assert "has a header but no samples" in refused(tmp_path / "header.csv")
    assert "is empty (shape (0, 3))" in refused(tmp_path / "zero.npy")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "big.npy"
    np.save(path, np.zeros((MAX_BYTES // 8 + 1024, 1)))  # a real file just over 16 MB

    class Unreadable(io.FileIO):
        def read(self, *args):
            raise AssertionError("the file was read before its size was checked")

    with Unreadable(path) as f, pytest.raises(UploadError, match=r"is 16\.0 MB; the limit is 16\.0 MB"):
        load_activations(f, path.name)


def test_too_many_values_are_refused_from_the_header_before_the_data_is_read(tmp_path):
    # A header announcing 2**20 × 16 values followed by no data: the size of the file is small,
    # so only the header check can refuse it (a short-data error would mean it read on).
    path = tmp_path / "huge.npy"
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": (2**20, 16)})
    path.write_bytes(buffer.getvalue())  # the magic string and the header, no data
    message = refused(path)
    assert "16,777,216 values" in message and f"{MAX_VALUES:,}" in message


def test_a_truncated_npy_says_it_ends_early(tmp_path):
    path = tmp_path / "cut.npy"
    path.write_bytes(to_npy_bytes(np.ones((4, 3)))[:-8])
    assert "ends early" in refused(path)


def test_booleans_complex_and_text_arrays_are_refused(tmp_path):
    np.save(tmp_path / "bool.npy", np.ones((3, 2), dtype=bool))
    np.save(tmp_path / "complex.npy", np.ones((3, 2), dtype=complex))
    np.save(tmp_path / "text.npy", np.array([["a", "b"], ["c", "d"]]))
    assert "booleans" in refused(tmp_path / "bool.npy")
    assert "complex numbers" in refused(tmp_path / "complex.npy")
    assert "holds text" in refused(tmp_path / "text.npy")


def test_a_binary_file_named_csv_and_an_unknown_suffix_are_refused(tmp_path):
    (tmp_path / "binary.csv").write_bytes(b"\x93NUMPY\x01\x00\xff\xfe")
    (tmp_path / "acts.txt").write_text("1,2\n3,4\n")
    assert "is not text" in refused(tmp_path / "binary.csv")
    assert "not a .npy, .npz or .csv file" in refused(tmp_path / "acts.txt")


def test_a_conv_csv_with_a_missing_pixel_or_a_repeated_one_is_refused(tmp_path):
    (tmp_path / "missing.csv").write_text("sample,h,w,c\n0,0,0,1\n1,0,0,2\n1,0,1,3\n")
    (tmp_path / "repeated.csv").write_text("sample,h,w,c\n0,0,0,1\n0,0,0,2\n1,0,1,3\n1,0,0,4\n")
    (tmp_path / "partial.csv").write_text("sample,c\n0,1\n1,2\n")
    (tmp_path / "fraction.csv").write_text("sample,h,w,c\n0,0,0.5,1\n1,0,0,2\n")
    assert "make 4 rows, but the file has 3 rows" in refused(tmp_path / "missing.csv")
    assert "with repeats" in refused(tmp_path / "repeated.csv")
    assert "not all of sample, h, w" in refused(tmp_path / "partial.csv")
    assert "whole numbers" in refused(tmp_path / "fraction.csv")


def test_a_damaged_npz_is_refused(tmp_path):
    path = tmp_path / "damaged.npz"
    np.savez_compressed(path, x=np.random.default_rng(0).normal(size=(50, 4)))
    data = bytearray(path.read_bytes())
    data[200:260] = bytes(60)  # zero part of the compressed stream
    path.write_bytes(bytes(data))
    message = refused(path)
    assert "damaged" in message or "header" in message
