"""γ and β trained by gradient descent while μ_B and σ²_B are recomputed for every mini-batch.

One BN layer (bnviz.batchnorm.BatchNorm, PyTorch's conventions) sees a training set of
activations cut into mini-batches, reshuffled every epoch. Its γ and β, one pair per
channel, are trained on one of three tasks; each channel's loss is the mean over its
mini-batch and the layer's loss is the sum over channels, so every channel learns on
its own:

- "reconstruct": L = mean((y - x)^2), the output should give back the input;
- "target":      L = mean((y - t)^2), t = target_mean + target_std * (x - μ) / σ;
- "classify":    L = mean(softplus(y) - label * y), the cross-entropy of sigmoid(y),
                 labels drawn with P(label = 1) = sigmoid(4 * ((x - μ) / σ - 0.5)).

μ and σ here are the training set's own mean and standard deviation per channel.

Two switches, off by default, change the network around the layer:
- affine=False: PyTorch's BatchNorm(affine=False), γ = 1 and β = 0 fixed, nothing of BN learned;
- head="sigmoid" (or "tanh", "ReLU"), squared-error tasks only: BN's output goes on through
  h = f(y) and a next layer out = w·h + b, one weight and one bias per channel, learned with
  γ and β from w = 1, b = 0; the loss is L = mean((out - t)^2) per channel.
The optimum γ*, β* is computed, never typed in: it minimizes the average loss over
every mini-batch the training sees (a quadratic for the first two tasks, solved in
closed form; convex for the classifier, solved by Newton's method).

Momentum of the running statistics is PyTorch's everywhere:
running = (1 - m) * running + m * batch, with the unbiased batch variance.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from bnviz.core.activations import NAMES, activate, activate_backward, sigmoid
from bnviz.core.batchnorm import BatchNorm, batch_norm_forward
from bnviz.core.data import make_batch

TASKS = ("reconstruct", "target", "classify")  # their names on screen: content.learning.TASK_NAMES
OPTIMIZERS = ("sgd", "momentum", "adam")  # content.learning.OPTIMIZER_NAMES
# A learning rate with which plain SGD settles within the default 30 epochs: small enough that
# γ and β move smoothly, except for the classifier, whose flat sigmoid tails give small gradients.
SUGGESTED_LR = {"reconstruct": 0.03, "target": 0.03, "classify": 0.3}
EPS = 1e-5  # BatchNorm's ε (PyTorch's default)
N_TRAIN = 1024  # activations per channel in the training set
N_HOLDOUT = 256  # values per channel in the held-out batch
MAX_STEPS = 20_000
HOLDOUT_SEED = 7919  # the held-out batch is drawn with seed + this, never from the training draw
# The classifier's labels: P(label = 1 | x) = sigmoid(SLOPE * (z - SHIFT)), z = (x - μ) / σ.
# A slope of 4 makes the labels almost certain two standard deviations from the boundary,
# which only a steep sigmoid (large γ) reproduces; the boundary at z = 0.5 needs β ≠ 0.
SLOPE = 4.0
SHIFT = 0.5
MOMENTUM_SGD = 0.9  # the velocity's decay in "SGD with momentum"
ADAM_BETAS = (0.9, 0.999)
ADAM_EPS = 1e-8


@dataclass(frozen=True)
class TrainingSettings:
    """Everything a training depends on; hashable, so a page can cache on it."""

    task: str = "reconstruct"
    optimizer: str = "sgd"
    lr: float = 0.03
    batch_size: int = 32
    epochs: int = 30
    momentum: float = 0.1  # BN's running-average momentum, PyTorch's convention
    gamma0: float = 1.0
    beta0: float = 0.0
    seed: int = 0
    target_mean: float = 2.0  # task "target" only
    target_std: float = 0.5  # task "target" only
    n_train: int = N_TRAIN
    affine: bool = True  # False: γ = 1 and β = 0 fixed (PyTorch's affine=False)
    head: str | None = None  # a nonlinearity and a learned next layer after BN (see the module's docstring)

    def replace(self, **changes) -> TrainingSettings:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return TrainingSettings(**values)

    @property
    def steps_per_epoch(self) -> int:
        return self.n_train // self.batch_size

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch


def check_settings(s: TrainingSettings) -> TrainingSettings:
    """Raise ValueError, in words a learner can act on, for a setting training cannot use."""
    if s.task not in TASKS:
        raise ValueError(f"task must be one of {', '.join(TASKS)}; got {s.task!r}.")
    if s.optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}; got {s.optimizer!r}.")
    if not (np.isfinite(s.lr) and s.lr > 0):
        raise ValueError(f"The learning rate must be a positive number; got {s.lr}.")
    if not 2 <= s.batch_size <= s.n_train:
        raise ValueError(
            f"The batch size must be between 2 and {s.n_train} (BN in training mode needs at least "
            f"2 values per channel); got {s.batch_size}."
        )
    if s.epochs < 1:
        raise ValueError(f"Train for at least 1 epoch; got {s.epochs}.")
    if s.steps > MAX_STEPS:
        raise ValueError(
            f"{s.epochs} epochs of {s.steps_per_epoch} mini-batches of {s.batch_size} is {s.steps:,} steps; "
            f"at most {MAX_STEPS:,} are allowed here. Choose fewer epochs or a larger batch."
        )
    if not 0.0 <= s.momentum <= 1.0:
        raise ValueError(f"BN momentum must be between 0 and 1 (PyTorch's convention); got {s.momentum}.")
    for name in ("gamma0", "beta0", "target_mean", "target_std"):
        if not np.isfinite(getattr(s, name)):
            raise ValueError(f"{name} must be a finite number; got {getattr(s, name)}.")
    if s.target_std < 0:
        raise ValueError(f"The target spread must be ≥ 0; got {s.target_std}.")
    if s.head is not None:
        if s.head not in NAMES:
            raise ValueError(f"head must be None or one of {', '.join(NAMES)}; got {s.head!r}.")
        if s.task == "classify":
            raise ValueError(
                "A next layer after BN is trained with the squared error: choose task reconstruct or target."
            )
    return s


# --- the data ----------------------------------------------------------------------------


def draw_activations(specs, x, n: int, seed: int) -> np.ndarray:
    """n activations per channel, shape (n, C), from the learner's batch.

    specs: the batch's ChannelSpecs: draw fresh values from each channel's distribution.
    None (an uploaded batch): resample the batch's own values, x of shape (N, C, ...),
    where one row is every channel's value at one (sample, position), as BN pools them.
    """
    if specs is not None:
        return make_batch(specs, n, seed=seed)
    x = np.asarray(x, dtype=np.float64)
    rows = np.moveaxis(x, 1, -1).reshape(-1, x.shape[1])
    rng = np.random.default_rng([seed, 1])
    return rows[rng.integers(0, len(rows), n)]


def standardize(x: np.ndarray, mu: np.ndarray, std: np.ndarray) -> np.ndarray:
    """(x - μ) / σ per channel; a constant channel (σ = 0) gives 0."""
    return np.divide(x - mu, std, out=np.zeros_like(x), where=std > 0)


def make_targets(task: str, x: np.ndarray, mu, std, s: TrainingSettings, rng: np.random.Generator) -> np.ndarray:
    """What the loss compares y with, shape of x (N, C): x itself, a rescaled x, or 0/1 labels."""
    if task == "reconstruct":
        return x.copy()
    z = standardize(x, mu, std)
    if task == "target":
        return s.target_mean + s.target_std * z
    return (rng.random(x.shape) < sigmoid(SLOPE * (z - SHIFT))).astype(np.float64)


def epoch_batches(n: int, batch_size: int, epochs: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices of every mini-batch, epoch after epoch: shape (epochs * (n // B), B).

    Each epoch is a fresh permutation of the n rows cut into n // B batches (the last,
    incomplete batch is dropped, so every batch has B values), so no two epochs see the
    same batches.
    """
    per_epoch = n // batch_size
    order = np.stack([rng.permutation(n)[: per_epoch * batch_size] for _ in range(epochs)])
    return order.reshape(epochs * per_epoch, batch_size)


@dataclass(frozen=True)
class Experiment:
    """A training set, its targets, its mini-batches, and a held-out batch.

    x, t: (n_train, C) activations and targets (or labels).
    mu, std: (C,) the training set's own mean and standard deviation per channel.
    batches: (steps, B) row indices of each step's mini-batch.
    holdout_x, holdout_t: (N_HOLDOUT, C), drawn apart from the training set.
    """

    settings: TrainingSettings
    x: np.ndarray
    t: np.ndarray
    mu: np.ndarray
    std: np.ndarray
    batches: np.ndarray
    holdout_x: np.ndarray
    holdout_t: np.ndarray

    @property
    def channels(self) -> int:
        return self.x.shape[1]

    @property
    def epoch_starts(self) -> np.ndarray:
        """The 0-based step at which each epoch begins."""
        return np.arange(self.settings.epochs) * self.settings.steps_per_epoch


def make_experiment(specs, x, settings: TrainingSettings) -> Experiment:
    """The training set of `settings` drawn from the learner's batch (specs, or x resampled)."""
    s = check_settings(settings)
    train_x = draw_activations(specs, x, s.n_train, s.seed)
    holdout_x = draw_activations(specs, x, N_HOLDOUT, s.seed + HOLDOUT_SEED)
    mu, std = train_x.mean(axis=0), train_x.std(axis=0)
    rng = np.random.default_rng([s.seed, 2])
    t = make_targets(s.task, train_x, mu, std, s, rng)
    holdout_t = make_targets(s.task, holdout_x, mu, std, s, rng)
    batches = epoch_batches(s.n_train, s.batch_size, s.epochs, rng)
    return Experiment(s, train_x, t, mu, std, batches, holdout_x, holdout_t)


def sequential_experiment(x, t, settings: TrainingSettings) -> Experiment:
    """An Experiment whose mini-batches are x cut in order, a fresh set of values at every step.

    x, t: (steps * B, C) activations and targets, B = settings.batch_size; one epoch
    (settings.epochs = 1, settings.n_train = steps * B), no reshuffle, no held-out batch.
    mu, std: the values' own mean and standard deviation per channel.
    """
    s = check_settings(settings)
    x, t = np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64)
    if s.epochs != 1 or len(x) != s.n_train or len(x) % s.batch_size:
        raise ValueError(
            f"A sequential experiment is one epoch over steps · batch_size values; got {len(x)} values, "
            f"batch size {s.batch_size}, n_train {s.n_train}, {s.epochs} epochs."
        )
    batches = np.arange(len(x)).reshape(-1, s.batch_size)
    none = np.empty((0, x.shape[1]))
    return Experiment(s, x, t, x.mean(axis=0), x.std(axis=0), batches, none, none)


def full_batch_experiment(x, t, settings: TrainingSettings) -> Experiment:
    """An Experiment whose every step sees all of x, (n, C), with targets t (n, C): full-batch training.

    settings: batch_size = n_train = n, so an epoch is one step and `epochs` is the number of steps.
    mu, std: the values' own mean and standard deviation per channel; no held-out batch.
    """
    s = check_settings(settings)
    x, t = np.asarray(x, dtype=np.float64), np.asarray(t, dtype=np.float64)
    if not len(x) == s.n_train == s.batch_size:
        raise ValueError(
            f"A full-batch experiment has batch_size = n_train = the number of values; got {len(x)} values, "
            f"batch size {s.batch_size}, n_train {s.n_train}."
        )
    batches = np.tile(np.arange(len(x)), (s.epochs, 1))
    none = np.empty((0, x.shape[1]))
    return Experiment(s, x, t, x.mean(axis=0), x.std(axis=0), batches, none, none)


# --- the losses: L per channel and dL/dy -----------------------------------------------------


def squared_error(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """L = mean_i (y_i - t_i)^2 per channel: (B, C) -> (C,)."""
    return np.sum((y - t) ** 2, axis=0) / len(y)


def squared_error_grad(y: np.ndarray, t: np.ndarray) -> np.ndarray:
    """dL/dy_i = 2 (y_i - t_i) / B, shape of y."""
    return 2.0 * (y - t) / len(y)


def cross_entropy(y: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """L = mean_i [softplus(y_i) - label_i * y_i] per channel, the cross-entropy of p = sigmoid(y)."""
    return np.sum(np.logaddexp(0.0, y) - labels * y, axis=0) / len(y)


def cross_entropy_grad(y: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """dL/dy_i = (sigmoid(y_i) - label_i) / B, shape of y."""
    return (sigmoid(y) - labels) / len(y)


LOSSES = {
    "reconstruct": (squared_error, squared_error_grad),
    "target": (squared_error, squared_error_grad),
    "classify": (cross_entropy, cross_entropy_grad),
}


def next_layer(name: str, y: np.ndarray, w: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """h = f(y) and out = w·h + b per channel: y (B, C), w and b (C,); returns h and out, both (B, C)."""
    h = activate(name, y)
    return h, w * h + b


def next_layer_loss(name: str, y: np.ndarray, t: np.ndarray, w: np.ndarray, b: np.ndarray):
    """L = mean((w·f(y) + b - t)^2) per channel, and its gradients, forward and backward side by side.

    y, t: (B, C); w, b: (C,). Returns L (C,), dL/dy (B, C), dL/dw = Σ dL/dout · h (C,)
    and dL/db = Σ dL/dout (C,), with dL/dout = 2 (out - t) / B and dL/dy = f'(y) · w · dL/dout.
    """
    h, out = next_layer(name, y, w, b)
    dout = squared_error_grad(out, t)
    dy = activate_backward(name, dout * w, h)
    return squared_error(out, t), dy, np.sum(dout * h, axis=0), np.sum(dout, axis=0)


# --- the optimizers: each returns d, and the update is p <- p - lr * d ------------------------


class SGD:
    """d = g."""

    def direction(self, g: np.ndarray) -> np.ndarray:
        return g.copy()


class Momentum:
    """v <- 0.9 v + g; d = v (PyTorch's SGD with momentum, no dampening)."""

    def __init__(self, mu: float = MOMENTUM_SGD):
        self.mu = mu
        self.v = None

    def direction(self, g: np.ndarray) -> np.ndarray:
        self.v = g.copy() if self.v is None else self.mu * self.v + g
        return self.v


class Adam:
    """m <- β1 m + (1 - β1) g; v <- β2 v + (1 - β2) g²; d = m̂ / (√v̂ + ε), m̂ and v̂ bias-corrected."""

    def __init__(self, betas=ADAM_BETAS, eps: float = ADAM_EPS):
        self.b1, self.b2 = betas
        self.eps = eps
        self.m = self.v = 0.0
        self.t = 0

    def direction(self, g: np.ndarray) -> np.ndarray:
        self.t += 1
        self.m = self.b1 * self.m + (1 - self.b1) * g
        self.v = self.b2 * self.v + (1 - self.b2) * g * g
        m_hat = self.m / (1 - self.b1**self.t)
        v_hat = self.v / (1 - self.b2**self.t)
        return m_hat / (np.sqrt(v_hat) + self.eps)


def make_optimizer(name: str):
    return {"sgd": SGD, "momentum": Momentum, "adam": Adam}[name]()


# --- the training loop -----------------------------------------------------------------------

RECORDED = (
    "loss",  # L of this step's mini-batch, per channel
    "gamma",  # γ used in this step's forward pass (before the update)
    "beta",
    "mu",  # μ_B of this step's mini-batch: computed, not learned
    "var",  # σ²_B (biased) of this step's mini-batch
    "running_mean",  # after this step's update
    "running_var",
    "grad_gamma",  # ∂L/∂γ = Σ_i ∂L/∂y_i · x̂_i
    "grad_beta",  # ∂L/∂β = Σ_i ∂L/∂y_i
    "dir_gamma",  # d of the optimizer: γ <- γ - lr · d (d = ∂L/∂γ for plain SGD)
    "dir_beta",
)


@dataclass(frozen=True)
class History:
    """What happened at every step; each array in RECORDED has shape (steps, C).

    final_gamma, final_beta, running_mean, running_var: (C,), the layer after training.
    diverged_at: the 0-based step whose update left the finite range, or None; the
    arrays then stop at that step.
    """

    loss: np.ndarray
    gamma: np.ndarray
    beta: np.ndarray
    mu: np.ndarray
    var: np.ndarray
    running_mean: np.ndarray
    running_var: np.ndarray
    grad_gamma: np.ndarray
    grad_beta: np.ndarray
    dir_gamma: np.ndarray
    dir_beta: np.ndarray
    final_gamma: np.ndarray
    final_beta: np.ndarray
    final_running_mean: np.ndarray
    final_running_var: np.ndarray
    diverged_at: int | None = None
    next_w: np.ndarray | None = None  # with a head: the next layer's w and b used at each step, (steps, C)
    next_b: np.ndarray | None = None
    final_next_w: np.ndarray | None = None  # and after training, (C,)
    final_next_b: np.ndarray | None = None

    @property
    def steps(self) -> int:
        return len(self.loss)

    def gamma_after(self, step: int) -> np.ndarray:
        """γ after the update of 0-based `step`."""
        return self.gamma[step + 1] if step + 1 < self.steps else self.final_gamma

    def beta_after(self, step: int) -> np.ndarray:
        return self.beta[step + 1] if step + 1 < self.steps else self.final_beta


def train(exp: Experiment, on_progress=None) -> History:
    """Train γ and β of one BatchNorm layer over every mini-batch of exp, in order.

    Each step: y = bn.forward(x_B) (μ_B, σ²_B computed, running statistics updated),
    dy = dL/dy, bn.backward(dy) (grad_gamma, grad_beta), then γ, β <- γ, β - lr · d
    with d from the optimizer. Stops early if an update leaves the finite range (diverged).
    With settings.head, dy comes back through the next layer, whose w and b take the same step;
    with affine=False, γ = 1 and β = 0 stay (their gradient is not used).
    on_progress: called now and then with the fraction done (0..1), e.g. a progress bar.
    """
    s = exp.settings
    c = exp.channels
    loss_fn, grad_fn = LOSSES[s.task]
    bn = BatchNorm(c, eps=EPS, momentum=s.momentum, affine=s.affine)
    if s.affine:
        bn.gamma, bn.beta = s.gamma0, s.beta0
    opt = make_optimizer(s.optimizer)
    # Gather every mini-batch at once: the loop below only does what must be sequential.
    xs, ts = exp.x[exp.batches], exp.t[exp.batches]
    steps = len(xs)
    recorded = RECORDED + (("next_w", "next_b") if s.head else ())
    rec = {name: np.empty((steps, c)) for name in recorded}
    # A scale well beyond anything the tasks ask for: past it, the update has diverged.
    limit = 1e6 * max(1.0, float(np.max(np.abs(exp.x))), abs(s.gamma0), abs(s.beta0), abs(s.target_mean))
    every = max(1, steps // 25)
    # The layer's own γ and β arrays, updated in place as torch's optimizers update a
    # parameter (p.add_(d, alpha=-lr)): validated once above, not again at every step.
    gamma, beta = bn.gamma, bn.beta
    # Every learned number in one array the optimizer moves: γ, β, and the next layer's w, b.
    params = np.stack([gamma, beta] + ([np.ones(c), np.zeros(c)] if s.head else []))
    grads = np.zeros_like(params)  # γ's and β's rows stay 0 with affine=False: they do not move
    diverged_at = None
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(steps):
            rec["gamma"][k], rec["beta"][k] = gamma, beta
            y = bn.forward(xs[k])
            if s.head:
                rec["next_w"][k], rec["next_b"][k] = params[2], params[3]
                loss, dy, grads[2], grads[3] = next_layer_loss(s.head, y, ts[k], params[2], params[3])
            else:
                loss, dy = loss_fn(y, ts[k]), grad_fn(y, ts[k])
            bn.backward(dy)
            grad_gamma, grad_beta = (bn.grad_gamma, bn.grad_beta) if s.affine else (np.zeros(c), np.zeros(c))
            if s.affine:
                grads[0], grads[1] = grad_gamma, grad_beta
            d = opt.direction(grads)
            rec["loss"][k] = loss
            rec["mu"][k], rec["var"][k] = bn.last_batch_mean, bn.last_batch_var
            rec["running_mean"][k], rec["running_var"][k] = bn.running_mean, bn.running_var
            rec["grad_gamma"][k], rec["grad_beta"][k] = grad_gamma, grad_beta
            rec["dir_gamma"][k], rec["dir_beta"][k] = d[:2]
            params = params - s.lr * d
            if not np.all(np.abs(params) < limit):  # also catches NaN
                diverged_at = k
                rec = {name: a[: k + 1] for name, a in rec.items()}
                learned = ("gamma", "beta", "next_w", "next_b") if s.head else ("gamma", "beta")
                params = np.stack([rec[name][k] for name in learned])  # the last finite values
                break
            if s.affine:
                gamma[:], beta[:] = params[:2]
            if on_progress is not None and k % every == 0:
                on_progress(k / steps)
    if on_progress is not None:
        on_progress(1.0)
    return History(
        **rec,
        final_gamma=params[0],
        final_beta=params[1],
        final_running_mean=bn.running_mean.copy(),
        final_running_var=bn.running_var.copy(),
        diverged_at=diverged_at,
        final_next_w=params[2] if s.head else None,
        final_next_b=params[3] if s.head else None,
    )


def last_epoch_mean(exp: Experiment, hist: History, name: str = "gamma") -> np.ndarray:
    """The mean of a recorded quantity over the last epoch, (C,): where SGD hovers at the end."""
    start = max(0, hist.steps - exp.settings.steps_per_epoch)
    return getattr(hist, name)[start:].mean(axis=0)


# --- the optimum and the landscape -----------------------------------------------------------


def batch_x_hat(exp: Experiment, eps: float = EPS) -> np.ndarray:
    """x̂ of every value of every mini-batch, shape (steps, B, C), as BN computes it in training."""
    xs = exp.x[exp.batches]
    mu = xs.mean(axis=1, keepdims=True)
    var = ((xs - mu) ** 2).mean(axis=1, keepdims=True)
    return (xs - mu) / np.sqrt(var + eps)


@dataclass(frozen=True)
class Landscape:
    """The average loss over every mini-batch of the training, as a function of (γ, β), per channel.

    Squared error: J = γ² a + 2γβ b + β² - 2γ c - 2β d + e with a = mean x̂², b = mean x̂,
    c = mean x̂ t, d = mean t, e = mean t² (exact).
    Cross-entropy: J = mean softplus(γ x̂ + β) - γ c - β d, the softplus term summed over
    1,024 bins of x̂ at each bin's mean (error well below 1e-3 of the loss).
    Each field is (C,) (or (C, bins) for centres and weights).
    """

    kind: str  # "squared" or "cross_entropy"
    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    d: np.ndarray
    e: np.ndarray
    centres: np.ndarray | None = None
    weights: np.ndarray | None = None

    def loss(self, channel: int, gamma, beta) -> np.ndarray:
        """J(γ, β) for one channel; gamma and beta broadcast against each other."""
        g, b_ = np.asarray(gamma, dtype=float), np.asarray(beta, dtype=float)
        k = channel
        if self.kind == "squared":
            return (
                g * g * self.a[k]
                + 2 * g * b_ * self.b[k]
                + b_ * b_
                - 2 * g * self.c[k]
                - 2 * b_ * self.d[k]
                + self.e[k]
            )
        y = g[..., None] * self.centres[k] + b_[..., None]
        return np.logaddexp(0.0, y) @ self.weights[k] - g * self.c[k] - b_ * self.d[k]

    def grid(self, channel: int, gammas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        """J on a grid: shape (len(betas), len(gammas)), rows follow β, columns γ."""
        gg, bb = np.meshgrid(gammas, betas)
        return self.loss(channel, gg, bb)


def landscape(exp: Experiment, bins: int = 1024) -> Landscape:
    """The average loss J(γ, β) of every channel over every mini-batch of exp."""
    x_hat = batch_x_hat(exp).reshape(-1, exp.channels)
    t = exp.t[exp.batches].reshape(-1, exp.channels)
    a, b = np.mean(x_hat**2, axis=0), np.mean(x_hat, axis=0)
    c, d, e = np.mean(x_hat * t, axis=0), np.mean(t, axis=0), np.mean(t * t, axis=0)
    if exp.settings.task != "classify":
        return Landscape("squared", a, b, c, d, e)
    centres = np.empty((exp.channels, bins))
    weights = np.zeros((exp.channels, bins))
    for k in range(exp.channels):
        v = x_hat[:, k]
        lo, hi = v.min(), v.max()
        idx = (
            np.zeros(len(v), dtype=int) if hi == lo else np.minimum(((v - lo) / (hi - lo) * bins).astype(int), bins - 1)
        )
        counts = np.bincount(idx, minlength=bins)
        sums = np.bincount(idx, weights=v, minlength=bins)
        centres[k] = np.divide(sums, counts, out=np.full(bins, lo), where=counts > 0)
        weights[k] = counts / len(v)
    return Landscape("cross_entropy", a, b, c, d, e, centres, weights)


def optimum(exp: Experiment) -> tuple[np.ndarray, np.ndarray]:
    """γ*, β* (C,) minimizing the average loss over every mini-batch the training sees.

    Squared error (reconstruct, target): solve [[a, b], [b, 1]] [γ, β] = [c, d] (see
    Landscape). For "reconstruct" this gives β* = μ and γ* = Σ_B σ²_B/√(σ²_B+ε) / Σ_B σ²_B/(σ²_B+ε),
    a weighted mean of the batch standard deviations: close to √(σ² + ε) for large batches,
    smaller for small ones (a batch of 2 of a normal channel gives σ/√π).
    Cross-entropy: Newton's method on the exact average (convex in γ, β).
    A constant channel has x̂ = 0: γ has no effect there and γ* is NaN.
    """
    x_hat = batch_x_hat(exp).reshape(-1, exp.channels)
    t = exp.t[exp.batches].reshape(-1, exp.channels)
    a, b = np.mean(x_hat**2, axis=0), np.mean(x_hat, axis=0)
    c, d = np.mean(x_hat * t, axis=0), np.mean(t, axis=0)
    flat = a < 1e-12  # x̂ is 0 in every batch: a constant channel
    if exp.settings.task != "classify":
        det = np.where(flat, 1.0, a - b * b)
        gamma = np.where(flat, np.nan, (c - b * d) / det)
        beta = np.where(flat, d, (a * d - b * c) / det)
        return gamma, beta
    gamma = np.empty(exp.channels)
    beta = np.empty(exp.channels)
    for k in range(exp.channels):
        gamma[k], beta[k] = _newton_cross_entropy(x_hat[:, k], t[:, k], flat[k])
    return gamma, beta


def _newton_cross_entropy(x_hat: np.ndarray, labels: np.ndarray, flat: bool, iters: int = 100):
    """Minimize mean softplus(γ x̂ + β) - label (γ x̂ + β) by Newton's method with backtracking."""

    def loss(p):
        y = p[0] * x_hat + p[1]
        return np.mean(np.logaddexp(0.0, y) - labels * y)

    p = np.array([0.0 if flat else 1.0, 0.0])
    for _ in range(iters):
        y = p[0] * x_hat + p[1]
        r = sigmoid(y) - labels
        w = np.maximum(sigmoid(y) * sigmoid(-y), 1e-12)
        grad = np.array([np.mean(r * x_hat), np.mean(r)])
        hess = np.array([[np.mean(w * x_hat**2), np.mean(w * x_hat)], [np.mean(w * x_hat), np.mean(w)]])
        if flat:  # only β matters
            grad[0], hess[0, 1], hess[1, 0], hess[0, 0] = 0.0, 0.0, 0.0, 1.0
        step = np.linalg.solve(hess, grad)
        f0, size = loss(p), 1.0
        while loss(p - size * step) > f0 + 1e-12 and size > 1e-6:
            size *= 0.5
        p = p - size * step
        if np.max(np.abs(size * step)) < 1e-12:
            break
    return (np.nan if flat else p[0]), p[1]


def reference(exp: Experiment) -> tuple[np.ndarray, np.ndarray]:
    """(γ, β) the task would want if every batch had the training set's own μ and σ, (C,) each.

    reconstruct: √(σ² + ε) and μ (undo the normalization exactly); target: target_std and
    target_mean; classify: SLOPE and -SLOPE·SHIFT (the labels' own sigmoid).
    The optimum differs from these by how much mini-batch statistics differ from μ, σ.
    """
    s = exp.settings
    ones = np.ones(exp.channels)
    if s.task == "reconstruct":
        return np.sqrt(exp.std**2 + EPS), exp.mu.copy()
    if s.task == "target":
        return s.target_std * ones, s.target_mean * ones
    return SLOPE * ones, -SLOPE * SHIFT * ones


# --- one step up close, and training vs eval mode ---------------------------------------------


@dataclass(frozen=True)
class StepDetail:
    """One step of training for one channel, replayed from the record (nothing retrained).

    x, x_hat, y, t, dy: (B,) the mini-batch, its normalized values, BN's output, the
    targets (or labels) and dL/dy. mu, var: its batch statistics. The rest are numbers:
    grad_gamma = Σ dy·x̂, grad_beta = Σ dy, and the update γ_next = γ - lr · dir_gamma.
    """

    step: int
    x: np.ndarray
    x_hat: np.ndarray
    y: np.ndarray
    t: np.ndarray
    dy: np.ndarray
    mu: float
    var: float
    loss: float
    gamma: float
    beta: float
    grad_gamma: float
    grad_beta: float
    dir_gamma: float
    dir_beta: float
    lr: float
    gamma_next: float
    beta_next: float

    @property
    def dy_x_hat(self) -> np.ndarray:
        """∂L/∂y_i · x̂_i, (B,): the terms whose sum is grad_gamma."""
        return self.dy * self.x_hat


def step_detail(exp: Experiment, hist: History, step: int, channel: int) -> StepDetail:
    """Replay 0-based `step` for `channel` from the recorded γ and β."""
    if not 0 <= step < hist.steps:
        raise ValueError(f"step must be between 0 and {hist.steps - 1}; got {step}.")
    idx = exp.batches[step]
    x, t = exp.x[idx], exp.t[idx]
    y, cache, (mu, var) = batch_norm_forward(x, hist.gamma[step], hist.beta[step], EPS)
    dy = LOSSES[exp.settings.task][1](y, t)
    k = channel
    return StepDetail(
        step=step,
        x=x[:, k],
        x_hat=cache.x_hat[:, k],
        y=y[:, k],
        t=t[:, k],
        dy=dy[:, k],
        mu=float(mu[k]),
        var=float(var[k]),
        loss=float(hist.loss[step, k]),
        gamma=float(hist.gamma[step, k]),
        beta=float(hist.beta[step, k]),
        grad_gamma=float(np.sum(dy[:, k] * cache.x_hat[:, k])),
        grad_beta=float(np.sum(dy[:, k])),
        dir_gamma=float(hist.dir_gamma[step, k]),
        dir_beta=float(hist.dir_beta[step, k]),
        lr=exp.settings.lr,
        gamma_next=float(hist.gamma_after(step)[k]),
        beta_next=float(hist.beta_after(step)[k]),
    )


@dataclass(frozen=True)
class TrainEval:
    """The held-out batch through the trained layer in both modes.

    x, t: (N_HOLDOUT, C) held-out values and targets. y_train: training mode, the values
    cut into mini-batches of the training's size, each normalized by its own μ_B, σ²_B.
    y_eval: eval mode, every value normalized by running_mean and running_var.
    loss_train, loss_eval: (C,) the task's loss of each.
    """

    batch_size: int
    x: np.ndarray
    t: np.ndarray
    y_train: np.ndarray
    y_eval: np.ndarray
    loss_train: np.ndarray
    loss_eval: np.ndarray
    running_mean: np.ndarray
    running_var: np.ndarray

    @property
    def holdout_mean(self) -> np.ndarray:
        return self.x.mean(axis=0)

    @property
    def holdout_var(self) -> np.ndarray:
        """Unbiased, as running_var estimates it."""
        return self.x.var(axis=0, ddof=1)

    @property
    def gap(self) -> np.ndarray:
        """Mean |y_train - y_eval| per channel (C,): how differently the two modes treat one value."""
        return np.mean(np.abs(self.y_train - self.y_eval), axis=0)

    @property
    def relative_gap(self) -> np.ndarray:
        """gap divided by the spread (std) of the eval-mode output, (C,); NaN for a constant output."""
        spread = self.y_eval.std(axis=0)
        return np.divide(self.gap, spread, out=np.full_like(spread, np.nan), where=spread > 0)


def both_modes(x, batch_size: int, gamma, beta, running_mean, running_var, eps: float = EPS):
    """x through one BN layer in eval mode and in training mode; returns y_train, y_eval (shape of x).

    x: (n * B, C), B = batch_size; gamma, beta, running_mean, running_var: (C,).
    y_eval: every value normalized by running_mean and running_var. y_train: x cut in order
    into n mini-batches of B values, each normalized by its own μ_B and σ²_B.
    """
    x = np.asarray(x, dtype=np.float64)
    bn = BatchNorm(x.shape[1], eps=eps)
    bn.gamma, bn.beta = gamma, beta
    bn.running_mean = np.array(running_mean, dtype=np.float64)
    bn.running_var = np.array(running_var, dtype=np.float64)
    y_eval = bn.eval()(x)
    # After eval: a forward pass in training mode also updates the running statistics.
    bn.train()
    y_train = np.concatenate([bn(chunk) for chunk in np.split(x, len(x) // batch_size)])
    return y_train, y_eval


def train_vs_eval(exp: Experiment, hist: History) -> TrainEval:
    """Pass exp's held-out batch through the trained layer in training mode and in eval mode."""
    s = exp.settings
    x = exp.holdout_x
    usable = len(x) // s.batch_size * s.batch_size
    x, t = x[:usable], exp.holdout_t[:usable]
    y_train, y_eval = both_modes(
        x, s.batch_size, hist.final_gamma, hist.final_beta, hist.final_running_mean, hist.final_running_var
    )
    loss_fn = LOSSES[s.task][0]
    return TrainEval(
        s.batch_size,
        x,
        t,
        y_train,
        y_eval,
        loss_fn(y_train, t),
        loss_fn(y_eval, t),
        hist.final_running_mean,
        hist.final_running_var,
    )


# --- running averages: three conventions for the same thing ---------------------------------

# Each convention's default momentum. PyTorch's m weighs the new batch statistic,
# Keras' and cs231n's the old running value (their update rules: content.learning).
CONVENTIONS = {"PyTorch": 0.1, "Keras": 0.99, "cs231n": 0.9}


def convention_value(pytorch_momentum: float, name: str) -> float:
    """The same running average written in another convention: Keras and cs231n weigh the old value."""
    return pytorch_momentum if name == "PyTorch" else 1.0 - pytorch_momentum


def ideal_output(exp: Experiment, x: np.ndarray) -> np.ndarray:
    """What the task wants BN to output for values x (N, C), using the training set's μ, σ.

    reconstruct: x itself; target: target_mean + target_std·(x - μ)/σ; classify: the logit
    SLOPE·((x - μ)/σ - SHIFT) that the labels were drawn with.
    """
    s = exp.settings
    if s.task == "reconstruct":
        return np.array(x, dtype=np.float64)
    z = standardize(np.asarray(x, dtype=np.float64), exp.mu, exp.std)
    if s.task == "target":
        return s.target_mean + s.target_std * z
    return SLOPE * (z - SHIFT)


def nice_step(span: float, parts: int = 100) -> float:
    """A round step (1, 2 or 5 times a power of ten) close to span / parts."""
    raw = max(span / parts, 1e-12)
    power = 10.0 ** np.floor(np.log10(raw))
    return float(min((m * power for m in (1, 2, 5, 10)), key=lambda v: abs(np.log(v / raw))))


def landscape_box(gammas, betas, pad: float = 0.2) -> tuple[float, float, float, float]:
    """(γ_lo, γ_hi, β_lo, β_hi): a range with round ends around every point given, padded,
    at least 1 wide (so a path that barely moves still shows the bowl around it)."""
    out = []
    for values in (gammas, betas):
        v = np.asarray(values, dtype=float)
        v = v[np.isfinite(v)]
        lo, hi = float(v.min()), float(v.max())
        span = max(hi - lo, 1.0, 0.1 * max(abs(lo), abs(hi)))
        centre = 0.5 * (lo + hi)
        lo, hi = min(lo, centre - span / 2), max(hi, centre + span / 2)
        step = nice_step((hi - lo) * (1 + 2 * pad), 10)
        out += [
            round(float(np.floor((lo - pad * span) / step) * step), 10),
            round(float(np.ceil((hi + pad * span) / step) * step), 10),
        ]
    return tuple(out)


# --- what the page compares and maps, as numbers ------------------------------------------------

COMPARE_STEPS = 2000  # enough for γ, β and the running statistics to settle at any batch size


def compare_settings(s: TrainingSettings, batch_size: int, steps: int) -> TrainingSettings:
    """The same training with another batch size, for about `steps` steps (at most COMPARE_STEPS):
    a batch of 2 and one of 64 then get about as many updates."""
    per_epoch = s.n_train // batch_size
    return s.replace(batch_size=batch_size, epochs=max(1, -(-min(steps, COMPARE_STEPS) // per_epoch)))


def settled(exp: Experiment, hist: History, gamma_star, beta_star, channel: int, tol: float = 0.05) -> bool:
    """Whether γ and β (their mean over the last epoch) are within tol of γ*, β* on `channel`,
    measured against the channel's own scale (the largest of 1, |γ*|, |β*| and σ)."""
    k = channel
    g_end, b_end = last_epoch_mean(exp, hist, "gamma")[k], last_epoch_mean(exp, hist, "beta")[k]
    scale = max(1.0, abs(gamma_star[k]), abs(beta_star[k]), exp.std[k])
    return max(abs(g_end - gamma_star[k]), abs(b_end - beta_star[k])) <= tol * scale


def last_epoch_range(exp: Experiment, hist: History, name: str = "loss") -> tuple[np.ndarray, np.ndarray]:
    """The least and the largest value of a recorded quantity over the last epoch, (C,) each."""
    start = max(0, hist.steps - exp.settings.steps_per_epoch)
    values = getattr(hist, name)[start:]
    return values.min(axis=0), values.max(axis=0)


def settled_but_noisy(exp: Experiment, hist: History, gamma_star, beta_star, channel: int, ratio: float = 10.0) -> bool:
    """Whether γ and β have settled on `channel` (settled) while the loss of one batch still varies: over the
    last epoch the loss's range, against its mean, is at least `ratio` times γ's range against |γ| and β's
    range against |γ| (the spread of the output it shifts)."""
    if not settled(exp, hist, gamma_star, beta_star, channel):
        return False
    k = channel
    spread = {name: np.subtract(*last_epoch_range(exp, hist, name)[::-1])[k] for name in ("loss", "gamma", "beta")}
    loss, gamma = last_epoch_mean(exp, hist, "loss")[k], abs(last_epoch_mean(exp, hist, "gamma")[k])
    if not (loss > 0 and gamma > 0):
        return False
    return bool(spread["loss"] / loss >= ratio * max(spread["gamma"], spread["beta"]) / gamma)


def landscape_view(hist: History, channel: int, gamma_star: float, beta_star: float):
    """The (γ, β) box the map shows for `channel`, around the optimizer's path and the optimum,
    and the start of the learner's path: the optimizer's start, kept inside the box."""
    k = channel
    box = landscape_box(
        np.append(hist.gamma[:, k], [gamma_star, hist.final_gamma[k]]),
        np.append(hist.beta[:, k], [beta_star, hist.final_beta[k]]),
    )
    start = (float(np.clip(hist.gamma[0, k], box[0], box[1])), float(np.clip(hist.beta[0, k], box[2], box[3])))
    return box, start


def optimizer_path(hist: History, channel: int) -> tuple[np.ndarray, np.ndarray]:
    """γ and β of `channel` at every step, and after the last update: (steps + 1,) each."""
    return np.append(hist.gamma[:, channel], hist.final_gamma[channel]), np.append(
        hist.beta[:, channel], hist.final_beta[channel]
    )
