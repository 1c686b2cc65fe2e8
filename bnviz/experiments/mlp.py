"""A small multilayer perceptron in NumPy, with and without BatchNorm, trained by SGD.

Each hidden layer is  z = h W (+ b)  ->  [BatchNorm]  ->  activation.  The network's `norm`
(one of NORMS) says what follows each hidden linear layer, before the activation:
- "none": nothing; the layer keeps its bias b;
- "bn": a bnviz.batchnorm.BatchNorm with its learned γ and β. The hidden biases b are
  dropped: the mean subtraction would remove them, and β takes their place;
- "bn_no_affine": the same BatchNorm with affine=False (PyTorch's name): γ = 1 and β = 0,
  fixed, never trained, and no bias either. Every unit's input to the activation then has
  mean 0 and variance 1 over the batch, whatever the weights learn.
The output layer is linear with a bias, one logit per point, trained with the binary
cross-entropy.

To train K networks of one shape at once (the learning-rate sweep), every parameter carries
a leading axis of K copies: W has shape (K, d_in, d_out), activations (K, N, d). The K copies
share one BatchNorm layer of K·d channels fed with the (N, K·d) matrix: BatchNorm's statistics
are per channel, so every copy still gets its own μ_B, σ²_B (and γ, β). The copies of a BN
network may differ in their norm too: a "bn_no_affine" copy is a "bn" copy whose γ and β stay
at 1 and 0, never trained, which gives the same γ·x̂ + β = x̂ as PyTorch's affine=False.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from bnviz.core.activations import activate, activate_backward
from bnviz.core.batchnorm import BatchNorm
from bnviz.core.datasets import DATASETS, make_dataset
from bnviz.core.validation import MAX_ABS, valid

ACTIVATIONS = ("tanh", "sigmoid", "ReLU")
NORMS = ("none", "bn", "bn_no_affine")  # what follows each hidden linear layer (see the module's docstring)
# PyTorch's torch.nn.init.calculate_gain: init scale 1 draws W ~ N(0, (gain / √fan_in)²),
# the standard initialisation for each activation (LeCun's for sigmoid, He's for ReLU).
GAIN = {"tanh": 5.0 / 3.0, "sigmoid": 1.0, "ReLU": np.sqrt(2.0)}
# The value range of each activation's histogram strip; ReLU outputs above 4 fall in the top bin.
HIST_RANGE = {"tanh": (-1.0, 1.0), "sigmoid": (0.0, 1.0), "ReLU": (0.0, 4.0)}
HIST_BINS = 24
RECORDS = 60  # snapshots and curve points per run, whatever the number of steps
GRID = 60  # decision boundary: GRID x GRID points
# Rows per matrix product when evaluating many points: 64 x 64 x 64 stays under OpenBLAS's
# threading threshold (m·n·k < 2^18), and its threads, on a busy machine, cost more than they save.
EVAL_CHUNK = 64


def saturated_share(h: np.ndarray, name: str) -> np.ndarray:
    """Share of saturated units per copy (in words: content.network.SATURATION).

    h: activations (K, N, d). tanh and sigmoid: the share of the K copies' N·d outputs that
    are saturated. ReLU: the share of the d units that are 0 for all N examples (dead).
    Returns (K,).
    """
    if name == "tanh":
        return np.mean(np.abs(h) > 0.97, axis=(1, 2))
    if name == "sigmoid":
        return np.mean((h <= 0.03) | (h >= 0.97), axis=(1, 2))
    return np.mean(np.all(h == 0.0, axis=1), axis=1)


def bce_with_logits(logits: np.ndarray, y: np.ndarray):
    """Binary cross-entropy of logits z (K, N) against labels y (N,) in {0, 1}, per copy.

    L = mean(max(z, 0) - z·y + log(1 + e^-|z|)) = mean(-y log p - (1 - y) log(1 - p)), p = σ(z),
    finite for any finite z. Returns loss (K,), dL/dz = (p - y) / N (K, N), accuracy (K,).
    """
    n = logits.shape[-1]
    loss = np.mean(np.maximum(logits, 0.0) - logits * y + np.log1p(np.exp(-np.abs(logits))), axis=-1)
    p = 0.5 * (1.0 + np.tanh(0.5 * logits))
    accuracy = np.mean((logits > 0) == (y == 1), axis=-1)
    return loss, (p - y) / n, accuracy


# --- the network -----------------------------------------------------------------------


def init_weights(
    depth: int, width: int, activation: str, init_scale: float, seed: int, n_in: int = 2
) -> list[np.ndarray]:
    """Initial weights of one network: depth hidden layers of `width` units and one output.

    W_l ~ N(0, (init_scale · gain / √fan_in)²), gain = GAIN[activation] for hidden layers
    and 1 for the output layer. Returns depth + 1 arrays: (n_in, width), (width, width)...,
    (width, 1). Biases start at 0 and are not returned.
    """
    rng = np.random.default_rng(seed)
    sizes = [n_in] + [width] * depth + [1]
    gains = [GAIN[activation]] * depth + [1.0]
    return [
        init_scale * gain / np.sqrt(fan_in) * rng.standard_normal((fan_in, fan_out))
        for fan_in, fan_out, gain in zip(sizes[:-1], sizes[1:], gains)
    ]


class MLP:
    """K copies of one MLP (linear -> [BN] -> activation per hidden layer, linear output)."""

    def __init__(self, weights: list[np.ndarray], activation: str, norm, copies: int = 1):
        """weights: from init_weights, shared by every copy; norm: one of NORMS, or one per copy (K of them:
        "bn" and "bn_no_affine" may share a network, "none" has one of its own); copies: K."""
        activate(activation, np.zeros(1))  # rejects an unknown name with its message
        norms = (norm,) * int(copies) if isinstance(norm, str) else tuple(norm)
        if bad := [n for n in norms if n not in NORMS]:
            raise ValueError(f"norm must be one of {', '.join(NORMS)}; got {bad[0]!r}.")
        if len(norms) != int(copies) or ("none" in norms and set(norms) != {"none"}):
            raise ValueError(f"one norm per copy, with or without BN in every copy; got {norms} for {copies} copies.")
        self.activation = activation
        self.norms = norms
        self.batch_norm = norms[0] != "none"
        self.learns = np.array([n == "bn" for n in norms])  # (K,): the copies whose γ and β are learned
        self.affine = bool(self.learns.any())  # γ and β exist, and are learned (in some copies)
        self.copies = int(copies)
        self.depth = len(weights) - 1
        self.W = [np.repeat(np.asarray(w, dtype=np.float64)[None], self.copies, axis=0) for w in weights]
        widths = [w.shape[1] for w in weights]
        # Hidden biases only without BN (BN's β, or nothing, is the bias there); the output keeps its bias.
        self.b = [
            None if self.batch_norm and l < self.depth else np.zeros((self.copies, d)) for l, d in enumerate(widths)
        ]
        self.bn = [BatchNorm(self.copies * d, affine=self.affine) for d in widths[:-1]] if self.batch_norm else []
        self.grads: dict[str, np.ndarray] = {}
        self.overflowed = np.zeros(self.copies, dtype=bool)

    def parameters(self) -> dict[str, np.ndarray]:
        """Every learned array by name, the arrays themselves (changing one changes the network).

        W1..W{depth}, W_out: (K, d_in, d_out); b1.., b_out: (K, d) without BN; with BN
        gamma1.., beta1..: (K·d,), copy k's channels at k·d ... (k + 1)·d - 1; with BN
        without γ and β, only the weights and b_out.
        """
        params = {}
        for l in range(self.depth + 1):
            name = str(l + 1) if l < self.depth else "_out"
            params["W" + name] = self.W[l]
            if self.b[l] is not None:
                params["b" + name] = self.b[l]
            if l < self.depth and self.affine:
                params["gamma" + name] = self.bn[l].gamma
                params["beta" + name] = self.bn[l].beta
        return params

    def train(self, mode: bool = True) -> MLP:
        for bn in self.bn:
            bn.train(mode)
        return self

    def eval(self) -> MLP:
        return self.train(False)

    # BatchNorm works on (N, C): the K copies' d units side by side are its K·d channels.
    def _bn_forward(self, l: int, z: np.ndarray) -> np.ndarray:
        k, n, d = z.shape
        # Checked here, once, for each copy: a copy whose z holds NaN, infinity or values beyond MAX_ABS (whose
        # squares overflow the variance) has diverged; its zeros keep them out of the others' BN layer, and
        # what reaches BatchNorm is a valid batch (float64, finite, within MAX_ABS) it need not check again.
        ok = np.abs(z).max(axis=(1, 2)) <= MAX_ABS  # NaN compares False
        if not ok.all():
            self.overflowed |= ~ok
            z = np.where(ok[:, None, None], z, 0.0)
        y = self.bn[l].forward(valid(z.transpose(1, 0, 2).reshape(n, k * d)))
        return y.reshape(n, k, d).transpose(1, 0, 2)

    def _bn_backward(self, l: int, dy: np.ndarray) -> np.ndarray:
        k, n, d = dy.shape
        dz = self.bn[l].backward(dy.transpose(1, 0, 2).reshape(n, k * d))
        return dz.reshape(n, k, d).transpose(1, 0, 2)

    def forward(self, x: np.ndarray) -> np.ndarray:
        """Logits (K, N) for points x (N, n_in); keeps every layer's output for backward.

        Hidden layer l: z = h W_l + b_l, or BN(h W_l) with BN (γ = 1, β = 0 without affine);
        h = activation(z).
        self.hidden holds the depth hidden outputs h, each (K, N, width).
        """
        self._input = x
        self.hidden = []
        h = x
        for l in range(self.depth):
            z = h @ self.W[l]  # (N, n_in) @ (K, n_in, d) broadcasts to (K, N, d)
            z = self._bn_forward(l, z) if self.batch_norm else z + self.b[l][:, None, :]
            h = activate(self.activation, z)
            self.hidden.append(h)
        return (h @ self.W[-1])[..., 0] + self.b[-1]

    def backward(self, dlogits: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of the loss for every parameter, named as in parameters(), from dL/dlogits (K, N)."""
        g = {}
        dout = dlogits[..., None]  # (K, N, 1)
        h = self.hidden[-1]
        g["W_out"] = h.transpose(0, 2, 1) @ dout
        g["b_out"] = dlogits.sum(axis=1, keepdims=True)
        dh = dout @ self.W[-1].transpose(0, 2, 1)
        for l in reversed(range(self.depth)):
            name = str(l + 1)
            dz = activate_backward(self.activation, dh, self.hidden[l])
            if self.batch_norm:
                dz = self._bn_backward(l, dz)
                if self.affine:  # without γ and β there is nothing to learn in BN itself
                    g["gamma" + name], g["beta" + name] = self.bn[l].grad_gamma, self.bn[l].grad_beta
            else:
                g["b" + name] = dz.sum(axis=1)
            h_prev = self.hidden[l - 1] if l else self._input
            g["W" + name] = np.swapaxes(h_prev, -1, -2) @ dz  # (K, d_in, N) or (n_in, N) @ (K, N, d)
            if l:
                dh = dz @ self.W[l].transpose(0, 2, 1)
        self.grads = g
        return g

    def loss(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Binary cross-entropy per copy (K,) on points x (N, n_in), labels y (N,)."""
        return bce_with_logits(self.forward(x), y)[0]

    def sgd_step(self, lr: np.ndarray) -> None:
        """p <- p - lr_k · dL/dp for every parameter of copy k; lr: (K,). A "bn_no_affine" copy's γ and β stay."""
        for name, p in self.parameters().items():
            grad = self.grads[name]
            if p.ndim == 1:  # γ, β: (K·d,), copy k's d channels in a row
                step = lr[:, None] * grad.reshape(self.copies, -1)
                step[~self.learns] = 0.0  # not lr 0: 0 · inf is NaN
                p -= step.reshape(-1)
            else:
                p -= lr.reshape((-1,) + (1,) * (p.ndim - 1)) * grad

    def freeze(self, copies: np.ndarray) -> None:
        """Set every parameter of the given copies (bool (K,)) to 0, so a diverged copy stays finite."""
        for p in self.parameters().values():
            if p.ndim == 1:
                p.reshape(self.copies, -1)[copies] = 0.0
            else:
                p[copies] = 0.0


# --- training --------------------------------------------------------------------------


@dataclass(frozen=True)
class NetworkSettings:
    """One experiment: the data, the network and how it is trained (every network alike).

    The defaults are the page's: a learning rate (3) at which the plain tanh network
    stalls while the BN network trains; the sweep shows every other rate.
    """

    dataset: str = "two moons"
    depth: int = 4
    width: int = 32
    activation: str = "tanh"
    lr: float = 3.0
    batch_size: int = 32
    init_scale: float = 1.0
    steps: int = 600
    seed: int = 0
    n_points: int = 512

    def __post_init__(self):
        if self.dataset not in DATASETS:
            raise ValueError(f"dataset must be one of {', '.join(DATASETS)}; got {self.dataset!r}.")
        if self.activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {', '.join(ACTIVATIONS)}; got {self.activation!r}.")
        for name, low, high in [("depth", 1, 12), ("width", 2, 512), ("steps", 1, 20000), ("n_points", 4, 100000)]:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high}; got {value!r}.")
        if not 2 <= self.batch_size <= self.n_points:
            raise ValueError(
                f"batch_size must be between 2 (BatchNorm needs two examples to compute a variance) "
                f"and the {self.n_points} points of the dataset; got {self.batch_size}."
            )
        for name in ("lr", "init_scale"):
            value = getattr(self, name)
            if not np.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a positive number; got {value}.")


@dataclass
class Run:
    """What one training run recorded, ready to plot (no NaN: a diverged run stops early).

    loss_step, loss, accuracy (R,): mini-batch loss and accuracy in training mode, averaged
    over windows of steps ending at loss_step. snapshot_step (S,): steps at which the rest
    was taken, on that step's mini-batch: hist_counts (depth, S, HIST_BINS) counts of the
    hidden outputs over hist_edges, each column summing to hist_total; saturation
    (depth, S) by saturated_share; grad_rms (depth + 1, S) root mean square of dL/dW per layer.
    final_loss, final_accuracy: on the whole dataset in eval mode (running statistics);
    None if the run diverged. boundary (GRID, GRID): P(class 1) on the grid grid_x × grid_y.
    gamma, beta (depth, width): the learned γ and β of a "bn" network (recorded runs only).
    """

    norm: str  # one of NORMS
    lr: float
    steps: int
    diverged_at: int | None = None  # the step (from 1) whose loss or weights were not finite
    loss_step: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    loss: np.ndarray = field(default_factory=lambda: np.zeros(0))
    accuracy: np.ndarray = field(default_factory=lambda: np.zeros(0))
    snapshot_step: np.ndarray = field(default_factory=lambda: np.zeros(0, int))
    hist_edges: np.ndarray | None = None
    hist_counts: np.ndarray | None = None
    hist_total: int = 0
    saturation: np.ndarray | None = None
    grad_rms: np.ndarray | None = None
    final_loss: float | None = None
    final_accuracy: float | None = None
    boundary: np.ndarray | None = None
    gamma: np.ndarray | None = None  # (depth, width), the BN network's γ after training
    beta: np.ndarray | None = None  # (depth, width), its β
    grid_x: np.ndarray | None = None
    grid_y: np.ndarray | None = None

    @property
    def batch_norm(self) -> bool:
        return self.norm != "none"

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def steps_done(self) -> int:
        return self.steps if self.diverged_at is None else self.diverged_at - 1


def batch_schedule(n: int, batch_size: int, steps: int, seed) -> np.ndarray:
    """Indices of the mini-batch of every step, (steps, batch_size).

    Each epoch is a fresh permutation of the n points cut into n // batch_size full
    batches (the rest waits for the next epoch), so every batch has batch_size points.
    """
    rng = np.random.default_rng(seed)
    per_epoch = n // batch_size
    epochs = -(-steps // per_epoch)
    order = [rng.permutation(n)[: per_epoch * batch_size] for _ in range(epochs)]
    return np.concatenate(order).reshape(-1, batch_size)[:steps]


def window_ends(steps: int, count: int = RECORDS) -> np.ndarray:
    """The last step (from 1) of each of min(steps, count) windows of about equal length."""
    return np.unique(np.round(np.linspace(0, steps, min(steps, count) + 1)).astype(int))[1:]


def _window_means(values: np.ndarray, done: int) -> tuple[np.ndarray, np.ndarray]:
    """Means of values[:done] over window_ends(done); returns (ends, means)."""
    if done == 0:
        return np.zeros(0, int), np.zeros(0)
    ends = window_ends(done)
    starts = np.concatenate([[0], ends[:-1]])
    sums = np.add.reduceat(values[:done], starts)
    return ends, sums / (ends - starts)


def _rms(g: np.ndarray) -> np.ndarray:
    """Root mean square of each copy's entries, g (K, ...) -> (K,), without overflow in g²."""
    g = g.reshape(g.shape[0], -1)
    scale = np.max(np.abs(g), axis=1)
    safe = np.where(scale > 0, scale, 1.0)
    return scale * np.sqrt(np.mean((g / safe[:, None]) ** 2, axis=1))


def _histograms(h: np.ndarray, lo: float, hi: float, bins: int) -> np.ndarray:
    """Counts of h (K, N, d) in `bins` equal bins over [lo, hi], per copy (K, bins); outside values go to the end bins."""
    k = h.shape[0]
    index = np.clip(((h - lo) * (bins / (hi - lo))).astype(np.int64), 0, bins - 1)
    index += (np.arange(k) * bins)[:, None, None]
    return np.bincount(index.ravel(), minlength=k * bins).reshape(k, bins)


def _eval_forward(net: MLP, x: np.ndarray) -> np.ndarray:
    """Logits (K, N) of a network in eval mode, EVAL_CHUNK points at a time.

    Exact: with running statistics every point's output depends on that point alone.
    """
    return np.concatenate([net.forward(x[i : i + EVAL_CHUNK]) for i in range(0, len(x), EVAL_CHUNK)], axis=1)


def train_copies(
    X, y, weights, activation, norm, lrs, steps, batch_size, seed, record=True, progress=None
) -> list[Run]:
    """Train K = len(lrs) copies of one network from the same weights, copy k with lr lrs[k].

    Every copy sees the same mini-batches (batch_schedule with `seed`). A copy whose loss or
    weights stop being finite is stopped (its weights set to 0, its learning rate to 0) and
    reported as diverged at that step. record: also take the snapshots (activations,
    saturation, gradients) and the decision boundary. progress: called with the share done.
    norm: one of NORMS for every copy, or one per copy (see MLP). Returns one Run per learning rate.
    """
    lrs = np.asarray(lrs, dtype=np.float64)
    k = lrs.size
    net = MLP(weights, activation, norm, copies=k)
    schedule = batch_schedule(len(X), batch_size, steps, seed)
    snaps = window_ends(steps, RECORDS) if record else np.zeros(0, int)
    lo, hi = HIST_RANGE[activation]
    depth = net.depth
    losses = np.zeros((steps, k))
    accuracies = np.zeros((steps, k))
    hist = np.zeros((depth, len(snaps), k, HIST_BINS), dtype=np.int64)
    saturation = np.zeros((depth, len(snaps), k))
    grad_rms = np.zeros((depth + 1, len(snaps), k))
    diverged_at = np.zeros(k, dtype=np.int64)  # 0: still training
    lr = lrs.copy()
    snap = 0
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for step, idx in enumerate(schedule, start=1):
            xb, yb = X[idx], y[idx]
            logits = net.forward(xb)
            loss, dlogits, accuracy = bce_with_logits(logits, yb)
            bad = (~np.isfinite(loss) | net.overflowed) & (diverged_at == 0)
            if bad.any():
                diverged_at[bad] = step
                lr[bad] = 0.0
                net.freeze(bad)
                dlogits[bad] = 0.0
            losses[step - 1], accuracies[step - 1] = loss, accuracy
            grads = net.backward(dlogits)
            if snap < len(snaps) and step == snaps[snap]:
                for l, h in enumerate(net.hidden):
                    hist[l, snap] = _histograms(h, lo, hi, HIST_BINS)
                    saturation[l, snap] = saturated_share(h, activation)
                for l in range(depth + 1):
                    grad_rms[l, snap] = _rms(grads["W" + (str(l + 1) if l < depth else "_out")])
                snap += 1
            net.sgd_step(lr)
            if progress is not None and (step % max(steps // 10, 1) == 0 or step == steps):
                progress(step / steps)  # ten updates a run: each is a message to the browser
        # The last update can overflow too: check the weights once more.
        last = np.zeros(k, dtype=bool)
        for p in net.parameters().values():
            last |= ~np.isfinite(p.reshape(k, -1)).all(axis=1)
        last &= diverged_at == 0
        diverged_at[last] = steps + 1  # after the last step: every step's loss was finite
        net.freeze(last)
        net.eval()
        net.overflowed[:] = False
        final_loss, _, final_acc = bce_with_logits(_eval_forward(net, X), y)
        final_ok = np.isfinite(final_loss) & ~net.overflowed
        if record:
            grid_x, grid_y, points = decision_grid(X)
            boundary = 0.5 * (1.0 + np.tanh(0.5 * _eval_forward(net, points)))
            final_ok &= np.isfinite(boundary).all(axis=1) & ~net.overflowed
    runs = []
    for c in range(k):
        if diverged_at[c] == 0 and not final_ok[c]:
            # finite weights, but eval mode overflows (running statistics far from the batch's)
            diverged_at[c] = steps + 1
        d = int(diverged_at[c])
        done = min(d - 1, steps) if d else steps
        run = Run(norm=net.norms[c], lr=float(lrs[c]), steps=steps, diverged_at=d or None)
        run.loss_step, run.loss = _window_means(losses[:, c], done)
        run.accuracy = _window_means(accuracies[:, c], done)[1]
        if not d:
            run.final_loss, run.final_accuracy = float(final_loss[c]), float(final_acc[c])
        if record:
            # A step's gradients can overflow before its loss does: keep finite snapshots only.
            keep = (snaps <= done) & np.isfinite(grad_rms[:, :, c]).all(axis=0)
            run.snapshot_step = snaps[keep]
            run.hist_edges = np.linspace(lo, hi, HIST_BINS + 1)
            run.hist_counts = hist[:, keep, c]
            run.hist_total = batch_size * weights[0].shape[1]
            run.saturation = saturation[:, keep, c]
            run.grad_rms = grad_rms[:, keep, c]
            if not d:
                run.boundary = boundary[c].reshape(GRID, GRID)
                run.grid_x, run.grid_y = grid_x, grid_y
            if net.learns[c] and not d:
                run.gamma = np.stack([bn.gamma.reshape(k, -1)[c] for bn in net.bn])
                run.beta = np.stack([bn.beta.reshape(k, -1)[c] for bn in net.bn])
        runs.append(run)
    return runs


def decision_grid(X: np.ndarray, size: int = GRID):
    """A size x size grid covering the points X (N, 2) with a margin; returns xs, ys (size,) and points (size², 2), row by row (y then x)."""
    lo, hi = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    xs, ys = np.linspace(lo[0], hi[0], size), np.linspace(lo[1], hi[1], size)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.stack([gx.ravel(), gy.ravel()], axis=1)


def experiment_data(settings: NetworkSettings):
    """The dataset and the initial weights that every network of an experiment starts from."""
    X, y = make_dataset(settings.dataset, settings.n_points, seed=settings.seed)
    weights = init_weights(
        settings.depth, settings.width, settings.activation, settings.init_scale, seed=settings.seed + 1
    )
    return X, y, weights


def together(norms) -> list[tuple[str, ...]]:
    """The norms trained as copies of one network: the network without BN has one of its own, BN with
    and without γ and β share one (see MLP)."""
    groups = tuple(n for n in norms if n == "none"), tuple(n for n in norms if n != "none")
    return [group for group in groups if group]


def train_networks(settings: NetworkSettings, norms=NORMS, progress=None) -> list[Run]:
    """Train one network per norm (default: without BN, BN, BN without γ and β) from the same
    weights on the same batches (the two BN networks as copies of one, see MLP).

    Returns one Run per norm, in the order of norms. progress, if given, is called with the
    share of the work done.
    """
    X, y, weights = experiment_data(settings)
    runs = {}
    groups = together(norms)
    for i, group in enumerate(groups):
        report = None if progress is None else (lambda share, i=i: progress((i + share) / len(groups)))
        trained = train_copies(
            X,
            y,
            weights,
            settings.activation,
            group,
            [settings.lr] * len(group),
            settings.steps,
            settings.batch_size,
            seed=settings.seed + 2,
            progress=report,
        )
        runs |= {run.norm: run for run in trained}
    return [runs[norm] for norm in norms]


SWEEP_LRS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)  # about ×3 apart, round numbers


@dataclass
class Sweep:
    """Final loss against learning rate: lrs (L,), runs: for each norm, one Run per rate (no snapshots)."""

    lrs: np.ndarray
    runs: dict[str, list[Run]]

    def trained(self, norm: str, accuracy: float = 0.9) -> list[float]:
        """The learning rates at which the `norm` network reached `accuracy` on the whole dataset."""
        return [r.lr for r in self.runs[norm] if not r.diverged and r.final_accuracy >= accuracy]


def lr_sweep(settings: NetworkSettings, lrs=SWEEP_LRS, norms=NORMS, progress=None) -> Sweep:
    """Train every network of norms at every learning rate of lrs (settings.lr is not used).

    All rates train at once, as copies of one network (see MLP; the two BN networks in one), from the
    same weights and on the same batches as train_networks.
    """
    X, y, weights = experiment_data(settings)
    lrs = np.asarray(lrs, dtype=np.float64)
    runs = {}
    groups = together(norms)
    for i, group in enumerate(groups):
        report = None if progress is None else (lambda share, i=i: progress((i + share) / len(groups)))
        trained = train_copies(
            X,
            y,
            weights,
            settings.activation,
            [norm for norm in group for _ in lrs],
            np.tile(lrs, len(group)),
            settings.steps,
            settings.batch_size,
            seed=settings.seed + 2,
            record=False,
            progress=report,
        )
        runs |= {norm: trained[j * len(lrs) : (j + 1) * len(lrs)] for j, norm in enumerate(group)}
    return Sweep(lrs, {norm: runs[norm] for norm in norms})
