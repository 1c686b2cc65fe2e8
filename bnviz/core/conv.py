"""The layers of a small convolutional network, in NumPy: each forward with its backward beside it.

Shapes follow PyTorch's: images and feature maps are (N, C, H, W); a convolution's weight is
(C_out, C_in, k, k) and its bias (C_out,); a linear layer's weight is (out, in), as nn.Linear's.
The convolution is PyTorch's nn.Conv2d(C_in, C_out, k, padding=k // 2): stride 1, zero padding,
cross-correlation (no kernel flip), the output as large as the input for an odd k.
"""

from __future__ import annotations

import numpy as np


def im2col(x: np.ndarray, k: int) -> np.ndarray:
    """Every k × k patch of x (N, C, H, W), zero-padded by k // 2, as one row: (N·H·W, C·k·k).

    Row n·H·W + i·W + j holds the patch centred on pixel (i, j) of image n, channel by channel,
    each channel's k·k values row by row: the order of weight.reshape(C_out, C·k·k)'s columns.
    """
    n, c, h, w = x.shape
    p = k // 2
    # Channels last, so that each of the k² copies below moves whole rows of C values (a strided 6-D view
    # of the patches, copied at once, took 2.5 times as long).
    padded = np.zeros((n, h + 2 * p, w + 2 * p, c))
    padded[:, p : p + h, p : p + w] = x.transpose(0, 2, 3, 1)
    cols = np.empty((n, h, w, c, k, k))
    for di in range(k):
        for dj in range(k):
            cols[..., di, dj] = padded[:, di : di + h, dj : dj + w]
    return cols.reshape(n * h * w, c * k * k)


def col2im(cols: np.ndarray, shape: tuple[int, int, int, int], k: int) -> np.ndarray:
    """The adjoint of im2col: every patch row of cols (N·H·W, C·k·k) added back where it came from.

    Returns (N, C, H, W): each pixel receives the sum over the patches that contain it.
    """
    n, c, h, w = shape
    p = k // 2
    patches = cols.reshape(n, h, w, c, k, k)
    padded = np.zeros((n, h + 2 * p, w + 2 * p, c))
    for di in range(k):  # patch offset (di, dj) of the pixel at (i, j) is padded pixel (i + di, j + dj)
        for dj in range(k):
            padded[:, di : di + h, dj : dj + w] += patches[..., di, dj]
    return padded[:, p : p + h, p : p + w].transpose(0, 3, 1, 2)


def conv2d_forward(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None, cols: np.ndarray | None = None):
    """y = weight ⋆ x + bias, padded to keep H × W (PyTorch's Conv2d(padding=k // 2)).

    x: (N, C_in, H, W); weight: (C_out, C_in, k, k), k odd; bias: (C_out,) or None; cols: im2col(x, k) if the
    caller has it already (the images of a training, the same at every epoch).
    Returns y (N, C_out, H, W) and the cache for conv2d_backward.
    """
    n, _, h, w = x.shape
    c_out, _, k, _ = weight.shape
    cols = im2col(x, k) if cols is None else cols
    # One product per image, (H·W, C_in·k·k) @ (C_in·k·k, C_out), not one for the whole batch: each stays under
    # OpenBLAS's threading threshold (m·n·k < 2^18), whose two threads, on a server busy with other sessions,
    # made a training ten times slower instead of faster (bench/cnn.py).
    y = np.matmul(cols.reshape(n, h * w, -1), weight.reshape(c_out, -1).T).reshape(-1, c_out)  # (N·H·W, C_out)
    if bias is not None:
        y += bias
    return y.reshape(n, h, w, c_out).transpose(0, 3, 1, 2), (cols, x.shape, weight)


def conv2d_backward(dy: np.ndarray, cache, input_grad: bool = True):
    """dL/dx (N, C_in, H, W), dL/dweight (C_out, C_in, k, k), dL/dbias (C_out,) from dL/dy (N, C_out, H, W).

    With Y = cols · Wᵀ: dW = dYᵀ · cols, dcols = dY · W, and dx = col2im(dcols); dx is None when
    input_grad is False (the first layer's input is the images, which learn nothing).
    """
    cols, shape, weight = cache
    c_out, _, k, _ = weight.shape
    n, _, h, w = shape
    dy_rows = dy.transpose(0, 2, 3, 1).reshape(n, h * w, c_out)  # each image's rows of y
    # Per image, as in the forward pass (OpenBLAS's threads): dW = Σ_n dY_nᵀ · cols_n.
    dweight = np.matmul(dy_rows.transpose(0, 2, 1), cols.reshape(n, h * w, -1)).sum(axis=0).reshape(weight.shape)
    dx = col2im(np.matmul(dy_rows, weight.reshape(c_out, -1)).reshape(n * h * w, -1), shape, k) if input_grad else None
    return dx, dweight, dy_rows.sum(axis=(0, 1))


def _corners(x: np.ndarray) -> list[np.ndarray]:
    """The four values of every 2 × 2 window of x (N, C, H, W), as four (N, C, H/2, W/2) views, row by row."""
    return [x[:, :, i::2, j::2] for i in (0, 1) for j in (0, 1)]


def max_pool_forward(x: np.ndarray):
    """2 × 2 max pooling with stride 2 (nn.MaxPool2d(2)): x (N, C, H, W), H and W even, to (N, C, H/2, W/2).

    Returns y and the cache: which of the four values won in each window (the first of equal ones, as
    PyTorch picks), where the gradient goes back.
    """
    a, b, c, d = _corners(x)
    y = np.maximum(np.maximum(a, b), np.maximum(c, d))
    # Four elementwise passes instead of a max over a last axis of four, which numpy reduces slowly.
    winner = np.where(a == y, 0, np.where(b == y, 1, np.where(c == y, 2, 3)))
    return y, (winner, x.shape)


def max_pool_backward(dy: np.ndarray, cache) -> np.ndarray:
    """dL/dx (N, C, H, W) from dL/dy (N, C, H/2, W/2): each window's gradient goes to its winner only."""
    winner, shape = cache
    dx = np.zeros(shape)
    for corner, view in enumerate(_corners(dx)):
        view[...] = np.where(winner == corner, dy, 0.0)
    return dx


def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray):
    """Mean cross-entropy of logits (N, K) against classes y (N,) (nn.CrossEntropyLoss), finite for finite logits.

    L = mean(logsumexp(z) − z_y). Returns the loss, dL/dlogits = (softmax(z) − onehot(y)) / N (N, K),
    and the share of rows whose largest logit is the right class.
    """
    n = len(y)
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    rows = np.arange(n)
    loss = float(np.mean(log_sum - shifted[rows, y]))
    dlogits = np.exp(shifted - log_sum[:, None])
    dlogits[rows, y] -= 1.0
    return loss, dlogits / n, float(np.mean(logits.argmax(axis=1) == y))
