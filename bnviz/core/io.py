"""A batch of activations to and from files: .npy, .npz and .csv, read without ever unpickling.

Accepted shapes: (N, C) for a fully connected layer, (N, C, H, W) for a convolutional one,
with N ≥ 2 samples. Every rejected file raises UploadError with a message that says what is
wrong and what is expected, in words a learner can act on.

CSV layout (what `to_csv_bytes` writes and `load_activations` reads). One channel is always
one column, so a channel's batch statistics are the mean and variance of its column:
- fully connected (N, C): a header `channel_0,…,channel_{C-1}` and one row per sample;
  a file without a header (only numbers) is read the same way.
- convolutional (N, C, H, W): a header `sample,h,w,channel_0,…,channel_{C-1}` and one row
  per pixel of each image, N·H·W rows in any order; row (n, h, w) holds x[n, :, h, w].
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bnviz.core.validation import check_batch

# Chosen with the largest drawn batch (bnviz.experiments.batches): 128 × 16 × 16 × 16 = 2**19 values,
# whose CSV export (~11 MB) must come back through the upload. Streamlit's own cap is 20 MB.
MAX_MB = 16
MAX_BYTES = MAX_MB * 2**20
MAX_VALUES = 2**19
SUFFIXES = (".npy", ".npz", ".csv")
SHAPES = "(N, C) for a fully connected layer or (N, C, H, W) for a convolutional one"
SAVE_HINT = "np.save('activations.npy', acts.astype(np.float32))"
_NPY_MAGIC = b"\x93NUMPY"
_INDEX = ("sample", "h", "w")


class UploadError(ValueError):
    """A file bnviz will not load; the message says what is wrong and what is expected."""


@dataclass(frozen=True)
class ArrayInfo:
    """One array found in a file, known from its header before any value is read."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype

    @property
    def label(self) -> str:
        return f"{self.name}: shape {self.shape}, {self.dtype}"


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


# ---------------------------------------------------------------------------------------------
# Export


def to_npy_bytes(x) -> bytes:
    """The batch as a .npy file (float64, the exact values)."""
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(x, dtype=np.float64), allow_pickle=False)
    return buffer.getvalue()


def csv_frame(x) -> pd.DataFrame:
    """The batch in the CSV layout above: one column per channel, one row per sample (or pixel)."""
    x = np.asarray(x, dtype=np.float64)
    channels = [f"channel_{c}" for c in range(x.shape[1])]
    if x.ndim == 2:
        return pd.DataFrame(x, columns=channels)
    n, c, h, w = x.shape
    # Row order (sample, h, w) in C order; each row is one pixel's C channel values.
    index = np.indices((n, h, w)).reshape(3, -1).T
    values = x.transpose(0, 2, 3, 1).reshape(-1, c)
    frame = pd.DataFrame(index, columns=list(_INDEX))
    return pd.concat([frame, pd.DataFrame(values, columns=channels)], axis=1)


def to_csv_bytes(x) -> bytes:
    """The batch as CSV text (UTF-8); floats written in full, so reading them back is exact."""
    x = np.asarray(x)
    if x.ndim not in (2, 4):
        raise ValueError(f"Only batches of shape {SHAPES} can be written; got shape {x.shape}.")
    return csv_frame(x).to_csv(index=False).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Checks shared by every format, made on the shape and dtype before any value is read


def check_shape(shape: tuple[int, ...], what: str = "The array", max_values: int = MAX_VALUES) -> None:
    """Reject a shape bnviz cannot use, with the fix in the message."""
    shape = tuple(int(s) for s in shape)
    ndim = len(shape)
    if ndim == 2 or ndim == 4:
        pass
    elif ndim == 0:
        raise UploadError(f"{what} is a single number; expected a batch of shape {SHAPES}.")
    elif ndim == 1:
        raise UploadError(
            f"{what} is 1-D (shape {shape}); expected {SHAPES}. If these are {shape[0]} samples "
            "of one channel, save x.reshape(-1, 1)."
        )
    elif ndim == 3:
        raise UploadError(
            f"{what} is 3-D (shape {shape}); expected {SHAPES}. For a Conv1d output (N, C, L), "
            "save x[:, :, None, :], which has shape (N, C, 1, L)."
        )
    else:
        raise UploadError(f"{what} is {ndim}-D (shape {shape}); expected {SHAPES}.")
    if 0 in shape:
        raise UploadError(f"{what} is empty (shape {shape}); expected at least 2 samples and 1 channel.")
    if shape[0] == 1:
        raise UploadError(
            f"{what} holds one sample (shape {shape}). BatchNorm's statistics are taken over the "
            "batch, so it needs at least 2 samples on axis 0: save more than one input."
        )
    count = int(np.prod(shape, dtype=np.int64))
    if count > max_values:
        raise UploadError(
            f"{what} holds {count:,} values (shape {shape}); the limit is {max_values:,}, so that "
            "every page stays quick. Save fewer samples or channels, for example x[:32, :16]."
        )


def check_dtype(dtype: np.dtype, what: str = "The array") -> None:
    """Only real numbers (integers or floats) are activations."""
    if dtype.hasobject:
        raise UploadError(
            f"{what} holds Python objects (dtype object). Reading it would mean unpickling, which "
            f"could run code, so bnviz never does it. Save a numeric array: {SAVE_HINT}."
        )
    if dtype.kind == "b":
        raise UploadError(f"{what} holds booleans; expected real numbers (float32 or float64).")
    if dtype.kind == "c":
        raise UploadError(f"{what} holds complex numbers; expected real numbers (float32 or float64).")
    if dtype.kind in "SUa":
        raise UploadError(f"{what} holds text (dtype {dtype}); expected real numbers (float32 or float64).")
    if dtype.kind not in "iuf":
        raise UploadError(f"{what} has dtype {dtype}; expected real numbers (float32 or float64).")


def check_finite(x: np.ndarray, what: str = "The array") -> None:
    """NaN and infinity would make every statistic of their channel NaN; values so large that
    their squares overflow would make it infinite (the core's own check, bnviz.validation)."""
    finite = np.isfinite(x)
    if finite.all():
        try:
            check_batch(x, name=what)
        except (ValueError, TypeError) as err:
            raise UploadError(str(err)) from None
        return
    bad = int(x.size - np.count_nonzero(finite))
    first = tuple(int(i) for i in np.argwhere(~finite)[0])
    raise UploadError(
        f"{what} contains {bad:,} NaN or infinite value(s), the first at index {first} "
        f"({x[first]}). Every activation must be a finite number: replace them (np.nan_to_num) "
        "or save a batch without them."
    )


# ---------------------------------------------------------------------------------------------
# Reading


def _as_file(f):
    return io.BytesIO(f) if isinstance(f, (bytes, bytearray)) else f


def _check_size(f, what: str, max_bytes: int) -> None:
    """Reject an empty or too large file from its size, found by seeking to its end (nothing is read)."""
    f.seek(0, io.SEEK_END)
    size = f.tell()
    f.seek(0)
    if size == 0:
        raise UploadError(f"{what} is empty (0 bytes); expected a batch of shape {SHAPES}.")
    if size > max_bytes:
        raise UploadError(
            f"{what} is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}. Save fewer "
            "samples (for example acts[:64]) or as float32."
        )


def _npy_header(f, what: str) -> tuple[tuple[int, ...], np.dtype]:
    """Read the magic string and header of a .npy stream (not its data): shape and dtype."""
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            shape, _, dtype = np.lib.format._read_array_header(f, version)
    except (ValueError, SyntaxError, EOFError) as err:
        raise UploadError(f"{what} has a damaged .npy header ({err}). Save it again with {SAVE_HINT}.") from None
    return tuple(shape), dtype


def _read_npy(f, what: str, max_values: int) -> np.ndarray:
    """A .npy stream checked on its header first, then read with allow_pickle=False."""
    origin = f.tell()
    start = f.read(len(_NPY_MAGIC))
    if start != _NPY_MAGIC:
        if start[:1] == b"\x80":
            raise UploadError(
                f"{what} is a Python pickle, not a .npy array (torch.save and pickle.dump write "
                f"these). Unpickling can run code, so bnviz never opens one. Save with {SAVE_HINT}."
            )
        if start[:2] == b"PK":
            raise UploadError(
                f"{what} is a zip archive, not a .npy array (torch.save writes these, and so does "
                f"np.savez). Name an np.savez file .npz; for a tensor, save with {SAVE_HINT}."
            )
        raise UploadError(
            f"{what} is not a NumPy .npy file (it does not start with \\x93NUMPY). Save with {SAVE_HINT}."
        )
    f.seek(origin)
    shape, dtype = _npy_header(f, what)
    check_dtype(dtype, what)
    check_shape(shape, what, max_values)
    f.seek(origin)  # read_array reads the header again, then exactly the announced data
    try:
        x = np.lib.format.read_array(f, allow_pickle=False)
    except ValueError as err:
        raise UploadError(
            f"{what} ends early: its header announces shape {shape} ({dtype}), but the data is "
            f"shorter ({err}). The file was probably cut off; save it again."
        ) from None
    x = x.astype(np.float64)
    check_finite(x, what)
    return x


def npz_arrays(f, name: str = "The .npz file", max_bytes: int = MAX_BYTES) -> list[ArrayInfo]:
    """The arrays of an .npz archive, from their headers only (no value is read).

    f: binary file-like object or bytes; its size is checked before it is read.
    """
    f = _as_file(f)
    _check_size(f, name, max_bytes)
    return _npz_infos(f.read(), name)


def _npz_infos(data: bytes, what: str) -> list[ArrayInfo]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise UploadError(
            f"{what} is not a valid .npz archive (it is not a zip file). Save with np.savez('activations.npz', x=acts)."
        ) from None
    infos = []
    try:
        with archive:
            for member in archive.infolist():
                if not member.filename.endswith(".npy"):
                    continue  # torch.save's data.pkl and the like: never opened
                name = member.filename[: -len(".npy")]
                with archive.open(member) as f:
                    if f.read(len(_NPY_MAGIC)) != _NPY_MAGIC:
                        continue
                with archive.open(member) as f:
                    shape, dtype = _npy_header(f, f"Array '{name}' of {what}")
                infos.append(ArrayInfo(name, shape, dtype))
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        raise UploadError(f"{what} is damaged ({err}); save it again with np.savez.") from None
    if not infos:
        raise UploadError(
            f"{what} holds no NumPy arrays (a file written by torch.save is a zip of "
            "pickles, which bnviz never opens). Save with np.savez('activations.npz', x=acts.numpy())."
        )
    return infos


def usable(info: ArrayInfo) -> bool:
    """True if the array's shape and dtype pass the checks made before reading."""
    try:
        check_dtype(info.dtype)
        check_shape(info.shape)
    except UploadError:
        return False
    return True


def default_array(infos: list[ArrayInfo]) -> str:
    """The array to load when none is picked: the first with an accepted shape and dtype, else
    the first (whose message then says what is wrong)."""
    return next((info.name for info in infos if usable(info)), infos[0].name)


def _read_npz(data: bytes, what: str, array: str | None, max_values: int) -> np.ndarray:
    infos = _npz_infos(data, what)
    names = [info.name for info in infos]
    array = default_array(infos) if array is None else array
    if array not in names:
        raise UploadError(f"{what} has no array named '{array}'; it holds {', '.join(names)}.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(array + ".npy") as f:
            return _read_npy(f, f"Array '{array}' of {what}", max_values)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        raise UploadError(f"{what} is damaged ({err}); save it again with np.savez.") from None


def _parser_detail(err: Exception) -> str:
    """pandas' tokenizer message without its prefix: 'Expected 2 fields in line 3, saw 3'."""
    return str(err).strip().split("C error: ")[-1]


def _cell_problem(cells: pd.DataFrame, numbers: pd.DataFrame, first_line: int) -> str | None:
    """The first cell that is empty or not a number, described by line and column."""
    bad = numbers.isna() & ~cells.apply(lambda col: col.str.strip().str.lower().isin(["nan", "-nan", "+nan"]))
    if not bad.values.any():
        return None
    row, col = np.argwhere(bad.values)[0]
    text = cells.iat[row, col].strip()
    where = f"line {first_line + row}, column '{cells.columns[col]}',"
    if not text:
        return f"{where} is empty; every sample needs a value in every column."
    shown = text if len(text) <= 30 else text[:27] + "..."
    return f"{where} holds '{shown}', which is not a number. Below the header every cell must be a number (with . for decimals)."


def _read_csv(data: bytes, what: str, max_values: int) -> np.ndarray:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError(
            f"{what} is not text (it is not UTF-8): it may be a binary file renamed. "
            "Save numbers separated by commas, one sample per line, or use a .npy file."
        ) from None
    if not text.strip():
        raise UploadError(f"{what} holds no values (only blank lines); expected a header and one line per sample.")
    try:
        # Lines starting with # are comments (np.savetxt writes its header that way).
        cells = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, comment="#")
    except pd.errors.EmptyDataError:
        raise UploadError(
            f"{what} holds no values (only blank or comment lines); expected a header and one line per sample."
        ) from None
    except pd.errors.ParserError as err:
        raise UploadError(
            f"{what} has lines of different lengths ({_parser_detail(err)}). Every line needs one value per column."
        ) from None
    cells = cells.fillna("")  # a short line leaves its last cells missing: report them as empty
    numbers = cells.apply(lambda col: pd.to_numeric(col.str.strip(), errors="coerce"))
    first = numbers.iloc[0]
    # pandas writes the header 0,1,2,… for a DataFrame made from a bare array.
    has_header = first.isna().any() or (len(cells) > 1 and np.array_equal(first.to_numpy(), np.arange(len(first))))
    first_line = 1
    if has_header:
        names = [str(v).strip() for v in cells.iloc[0]]
        cells, numbers, first_line = cells.iloc[1:], numbers.iloc[1:], 2
        cells.columns = numbers.columns = names
        if names and names[0] in ("", "Unnamed: 0"):  # pandas' DataFrame.to_csv writes its index here
            cells, numbers = cells.iloc[:, 1:], numbers.iloc[:, 1:]
    else:
        cells.columns = numbers.columns = [f"channel_{c}" for c in range(cells.shape[1])]
    if len(cells) == 0:
        raise UploadError(f"{what} has a header but no samples; expected one line per sample below it.")
    problem = _cell_problem(cells, numbers, first_line)
    if problem:
        raise UploadError(f"{what}: {problem}")
    lowered = [str(c).lower() for c in numbers.columns]
    present = [name for name in _INDEX if name in lowered]
    if len(present) == len(_INDEX):
        return _conv_from_columns(numbers, lowered, what, max_values)
    if present:
        raise UploadError(
            f"{what} has the column(s) {', '.join(present)} but not all of sample, h, w. "
            "A convolutional batch needs all three (one line per pixel); a fully connected one none."
        )
    x = numbers.to_numpy(dtype=np.float64)
    check_shape(x.shape, what, max_values)
    check_finite(x, what)
    return x


def _conv_from_columns(numbers: pd.DataFrame, lowered: list[str], what: str, max_values: int) -> np.ndarray:
    """(N, C, H, W) from the long layout: columns sample, h, w and one column per channel."""
    position = {name: lowered.index(name) for name in _INDEX}
    channels = [k for k, name in enumerate(lowered) if name not in _INDEX]
    if not channels:
        raise UploadError(f"{what} has columns sample, h, w but no channel column; add one column per channel.")
    index = numbers.iloc[:, [position[name] for name in _INDEX]].to_numpy(dtype=np.float64)
    if not np.isfinite(index).all() or (index < 0).any() or (index != np.round(index)).any():
        raise UploadError(f"In {what}, the columns sample, h and w must hold whole numbers ≥ 0 (0, 1, 2, …).")
    index = index.astype(np.int64)
    n, h, w = (int(index[:, k].max()) + 1 for k in range(3))
    shape = (n, len(channels), h, w)
    if len(index) != n * h * w or len(np.unique(index, axis=0)) != len(index):
        raise UploadError(
            f"In {what} (a convolutional batch), every (sample, h, w) must appear exactly once: samples "
            f"0–{n - 1}, h 0–{h - 1} and w 0–{w - 1} make {n * h * w:,} rows, but the file has "
            f"{len(index):,} rows{' with repeats' if len(np.unique(index, axis=0)) != len(index) else ''}."
        )
    check_shape(shape, what, max_values)
    x = np.empty(shape)
    values = numbers.iloc[:, channels].to_numpy(dtype=np.float64)
    x[index[:, 0], :, index[:, 1], index[:, 2]] = values
    check_finite(x, what)
    return x


def load_activations(
    f, name: str, array: str | None = None, max_bytes: int = MAX_BYTES, max_values: int = MAX_VALUES
) -> np.ndarray:
    """Read a batch of activations from an uploaded file, or raise UploadError.

    f: binary file-like object (an upload, open(path, 'rb'), io.BytesIO) or bytes.
    name: the file's name; its suffix (.npy, .npz, .csv) picks the reader.
    array: for .npz, the array to load (default: the first with an accepted shape).
    Returns float64 x of shape (N, C) or (N, C, H, W) with N ≥ 2, all values finite.
    The size is checked before the file is read, the shape and dtype of .npy/.npz data
    before its values are read, and nothing is ever unpickled.
    """
    f = _as_file(f)
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in SUFFIXES:
        raise UploadError(f"'{name}' is not a .npy, .npz or .csv file; save the activations in one of these formats.")
    _check_size(f, f"'{name}'", max_bytes)
    if suffix == ".npy":
        return _read_npy(f, f"'{name}'", max_values)
    data = f.read()
    if suffix == ".npz":
        return _read_npz(data, f"'{name}'", array, max_values)
    return _read_csv(data, f"'{name}'", max_values)
