"""A small convolutional network on the 8 × 8 handwritten digits, trained three ways from the same weights.

Each of the three blocks is  conv 3 × 3  ->  [BatchNorm2d]  ->  ReLU  (->  2 × 2 max pooling after blocks 2
and 3), then a linear layer gives ten logits, trained with the softmax cross-entropy by SGD with momentum.
The network's `norm` (one of NORMS) says what follows each convolution, as in bnviz.experiments.mlp:
- "none": nothing; the convolution keeps its bias;
- "bn": the core's BatchNorm over the channels (PyTorch's BatchNorm2d), with its learned γ and β; the
  convolution has no bias (β takes its place, as `bias=False` does in PyTorch code);
- "bn_no_affine": the same BatchNorm with affine=False: γ = 1 and β = 0, fixed; no bias either.
The three start from the same weights and see the same mini-batches in the same order.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from bnviz.core.batchnorm import BatchNorm, batch_norm_forward
from bnviz.core.conv import (
    conv2d_backward,
    conv2d_forward,
    im2col,
    max_pool_backward,
    max_pool_forward,
    softmax_cross_entropy,
)
from bnviz.core.digits import CLASSES, SIDE, Digits, split
from bnviz.core.validation import MAX_ABS, valid

NORMS = ("none", "bn", "bn_no_affine")
CHANNELS = (8, 16, 32)  # the three blocks' channels
POOLED = (False, True, True)  # 2 × 2 max pooling after the block: 8 × 8 -> 8 × 8 -> 4 × 4 -> 2 × 2
SIDES = (SIDE, SIDE, SIDE // 2)  # each block's output is SIDES[l] × SIDES[l]
KERNEL = 3
ROWS = 128  # images per product of the linear layer: 128 × 128 × 10 < 2^18, OpenBLAS's threading threshold
FEATURES = CHANNELS[-1] * (SIDE // 4) ** 2  # what the linear layer reads: 32 channels × 2 × 2
SGD_MOMENTUM = 0.9  # torch.optim.SGD(momentum=0.9): v <- 0.9 v + g, p <- p - lr v
BN_MOMENTUM = 0.1  # PyTorch's default: running <- (1 - 0.1) running + 0.1 batch
# The histograms of each block's output (after the ReLU): HIST_BINS bins over [0, HIST_TOP); larger values
# fall in the top bin. NEAR_ZERO: an activation below it counts as "near zero" (ReLU's zeros among them).
HIST_TOP, HIST_BINS = 4.0, 40
NEAR_ZERO = 0.1
LRS = (0.01, 0.03, 0.1, 0.3, 1.0)
EPOCH_CHOICES = (2, 4, 6, 8, 12, 16)
BATCH_SIZES = (16, 32, 64, 128)
TRAIN_EVAL_BATCHES = (1, 2, 64)  # test-set batch sizes of the train-mode mistake
MOMENTA = (0.001, 0.01, 0.1, 0.5, 1.0)  # BatchNorm momentum choices of the running statistics' replay


class Diverged(ArithmeticError):
    """A training step met a value that is not finite, or too large for BatchNorm's variance."""


# --- the network ---------------------------------------------------------------------------------------


def init_weights(seed: int) -> dict[str, np.ndarray]:
    """The initial weights every arm starts from, He-normal (kaiming_normal_, ReLU's gain √2) for the
    convolutions and N(0, 1/fan_in) for the linear layer; biases start at 0 and are not returned.

    conv1 (8, 1, 3, 3), conv2 (16, 8, 3, 3), conv3 (32, 16, 3, 3), fc (10, 128).
    """
    rng = np.random.default_rng(seed)
    weights, c_in = {}, 1
    for l, c_out in enumerate(CHANNELS, start=1):
        fan_in = c_in * KERNEL * KERNEL
        weights[f"conv{l}"] = np.sqrt(2.0 / fan_in) * rng.standard_normal((c_out, c_in, KERNEL, KERNEL))
        c_in = c_out
    weights["fc"] = np.sqrt(1.0 / FEATURES) * rng.standard_normal((CLASSES, FEATURES))
    return weights


class CNN:
    """Three conv blocks (conv -> [BN] -> ReLU -> [pool]) and a linear head; one of NORMS after each conv."""

    def __init__(self, weights: dict[str, np.ndarray], norm: str):
        if norm not in NORMS:
            raise ValueError(f"norm must be one of {', '.join(NORMS)}; got {norm!r}.")
        self.norm = norm
        self.params: dict[str, np.ndarray] = {name: np.array(w, dtype=np.float64) for name, w in weights.items()}
        self.params["fc_bias"] = np.zeros(CLASSES)
        self.bn: list[BatchNorm] = []
        for l, c in enumerate(CHANNELS, start=1):
            if norm == "none":
                self.params[f"conv{l}_bias"] = np.zeros(c)
            else:
                self.bn.append(BatchNorm(c, momentum=BN_MOMENTUM, affine=norm == "bn"))
        self.grads: dict[str, np.ndarray] = {}

    @property
    def blocks(self) -> int:
        return len(CHANNELS)

    def learned(self) -> dict[str, np.ndarray]:
        """Every learned array by name, the arrays themselves: the weights, and γ_l, β_l of an affine BN."""
        learned = dict(self.params)
        if self.norm == "bn":
            for l, bn in enumerate(self.bn, start=1):
                learned[f"gamma{l}"], learned[f"beta{l}"] = bn.gamma, bn.beta
        return learned

    def train(self, mode: bool = True) -> CNN:
        for bn in self.bn:
            bn.train(mode)
        return self

    def eval(self) -> CNN:
        return self.train(False)

    def _normalize(self, l: int, z: np.ndarray, batch_stats_of: int | None) -> np.ndarray:
        """BN of block l (from 0). batch_stats_of=B: normalize each group of B images with its own batch
        statistics, changing nothing in the layer (the train-mode mistake at test time, not a training step)."""
        bn = self.bn[l]
        if batch_stats_of is None:
            # Checked here, once: a diverged no-BN arm never gets here, a diverged BN arm stops training.
            if not np.abs(z).max() <= MAX_ABS:  # NaN compares False
                raise Diverged(f"block {l + 1}'s convolution output is not finite")
            return bn.forward(valid(z))
        groups = [z[i : i + batch_stats_of] for i in range(0, len(z), batch_stats_of)]
        return np.concatenate([batch_norm_forward(g, bn.gamma, bn.beta, bn.eps)[0] for g in groups])

    def forward(
        self, x: np.ndarray, batch_stats_of: int | None = None, patches: np.ndarray | None = None
    ) -> np.ndarray:
        """Logits (N, 10) for images x (N, 1, 8, 8); keeps what backward needs, and self.outputs, each block's
        output after its ReLU (before pooling), (N, C_l, H_l, W_l). patches: im2col(x, 3), if known."""
        self._caches, self.outputs = [], []
        h = x
        for l in range(self.blocks):
            weight, bias = self.params[f"conv{l + 1}"], self.params.get(f"conv{l + 1}_bias")
            z, conv_cache = conv2d_forward(h, weight, bias, patches if l == 0 else None)
            if self.bn:
                z = self._normalize(l, z, batch_stats_of)
            h = np.maximum(z, 0.0)
            self.outputs.append(h)
            pool_cache = None
            if POOLED[l]:
                h, pool_cache = max_pool_forward(h)
            self._caches.append((conv_cache, pool_cache))
        self._features = h.reshape(len(x), -1)
        # At most ROWS images a product (OpenBLAS's threading threshold, as in bnviz.core.conv).
        logits = [f @ self.params["fc"].T for f in np.split(self._features, range(ROWS, len(x), ROWS))]
        return np.concatenate(logits) + self.params["fc_bias"]

    def backward(self, dlogits: np.ndarray) -> dict[str, np.ndarray]:
        """Gradients of the loss for every learned array (named as in learned()) from dL/dlogits (N, 10)."""
        g = {"fc": dlogits.T @ self._features, "fc_bias": dlogits.sum(axis=0)}
        dh = (dlogits @ self.params["fc"]).reshape(self.outputs[-1].shape[0], CHANNELS[-1], SIDE // 4, SIDE // 4)
        for l in reversed(range(self.blocks)):
            conv_cache, pool_cache = self._caches[l]
            if pool_cache is not None:
                dh = max_pool_backward(dh, pool_cache)
            dz = dh * (self.outputs[l] > 0)
            if self.bn:
                dz = self.bn[l].backward(dz)
                if self.norm == "bn":
                    g[f"gamma{l + 1}"], g[f"beta{l + 1}"] = self.bn[l].grad_gamma, self.bn[l].grad_beta
            dh, g[f"conv{l + 1}"], dbias = conv2d_backward(dz, conv_cache, input_grad=l > 0)
            if self.norm == "none":
                g[f"conv{l + 1}_bias"] = dbias
        self.grads = g
        return g

    def forget(self) -> CNN:
        """Drop what the last forward pass kept for backward (every layer's input, output and patches): a trained
        network kept in a cache, shared by every session, is its weights and statistics, not the last batch."""
        self._caches, self.outputs, self._features, self.grads = [], [], None, {}
        for bn in self.bn:
            bn._cache = None
        return self

    def logits(self, x: np.ndarray, batch_stats_of: int | None = None, patches=None) -> np.ndarray:
        """Logits (N, 10) for images x in eval mode (running statistics), or with batch_stats_of=B in train mode's
        way, each group of B images normalized by its own statistics. Changes nothing in the network and keeps
        nothing of the pass."""
        mode = [bn.training for bn in self.bn]
        self.eval()
        try:
            return self.forward(x, batch_stats_of, patches)
        finally:
            for bn, m in zip(self.bn, mode):
                bn.train(m)
            self.forget()

    def predict(self, x: np.ndarray, batch_stats_of: int | None = None) -> np.ndarray:
        """The digit each image of x (N, 1, 8, 8) is read as (N,), as logits() computes them."""
        return self.logits(x, batch_stats_of).argmax(axis=1)

    def accuracy(self, data: Digits, batch_stats_of: int | None = None, patches=None) -> tuple[float, float]:
        """Loss and accuracy on data, as logits() computes them."""
        loss, _, acc = softmax_cross_entropy(self.logits(data.x, batch_stats_of, patches), data.y)
        return loss, acc


class SGD:
    """torch.optim.SGD(params, lr, momentum=0.9): v <- momentum·v + g, p <- p - lr·v, in place."""

    def __init__(self, lr: float, momentum: float = SGD_MOMENTUM):
        self.lr, self.momentum = lr, momentum
        self.velocity: dict[str, np.ndarray] = {}

    def step(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        for name, g in grads.items():
            v = self.velocity[name] = self.momentum * self.velocity[name] + g if name in self.velocity else g.copy()
            params[name] -= self.lr * v


# --- training --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CNNSettings:
    """One experiment: how the three networks are trained (all alike). The defaults are the page's: a learning
    rate (0.3) at which the network without BN stops learning while both BN networks train."""

    lr: float = 0.3
    epochs: int = 4
    batch_size: int = 64
    seed: int = 0

    def __post_init__(self):
        if self.lr not in LRS:
            raise ValueError(f"lr must be one of {', '.join(map(str, LRS))}; got {self.lr!r}.")
        if self.epochs not in EPOCH_CHOICES:
            raise ValueError(f"epochs must be one of {', '.join(map(str, EPOCH_CHOICES))}; got {self.epochs!r}.")
        if self.batch_size not in BATCH_SIZES:
            raise ValueError(f"batch_size must be one of {', '.join(map(str, BATCH_SIZES))}; got {self.batch_size!r}.")
        if isinstance(self.seed, bool) or not isinstance(self.seed, (int, np.integer)) or not 0 <= self.seed < 2**31:
            raise ValueError(f"seed must be a whole number from 0 to {2**31 - 1}; got {self.seed!r}.")

    def steps_per_epoch(self, n_train: int) -> int:
        return n_train // self.batch_size


def batch_schedule(n: int, batch_size: int, epochs: int, seed: int) -> np.ndarray:
    """The images of every step, (epochs · (n // batch_size), batch_size): each epoch a fresh permutation cut
    into full batches, the rest dropped (DataLoader(shuffle=True, drop_last=True))."""
    rng = np.random.default_rng([seed, 1])
    per_epoch = n // batch_size
    return np.concatenate(
        [rng.permutation(n)[: per_epoch * batch_size].reshape(per_epoch, batch_size) for _ in range(epochs)]
    )


def histogram(h: np.ndarray) -> np.ndarray:
    """Counts of h's values in HIST_BINS bins over [0, HIST_TOP), values above in the top bin: (HIST_BINS,)."""
    bins = np.clip(h.reshape(-1) * (HIST_BINS / HIST_TOP), 0, HIST_BINS - 1).astype(np.int64)
    return np.bincount(bins, minlength=HIST_BINS)


@dataclass
class Arm:
    """What one network's training recorded; S steps, E epochs, L = 3 blocks.

    loss, accuracy (S,): each step's mini-batch loss and accuracy in training mode. test_loss,
    test_accuracy (E + 1,): on the test set in eval mode before training and after each epoch.
    hist (L, S, HIST_BINS): each step's histogram of each block's output; act_mean, act_std, near_zero (L, S):
    its mean, standard deviation and share below NEAR_ZERO; zeros (L, S): the share exactly 0. batch_mean, batch_var: per block (S, C_l), BN's
    batch statistics at each step (biased variance), from which running statistics for any momentum follow.
    net: the trained network, in eval mode (None if it diverged). diverged_at: the step (from 1) that failed.
    """

    norm: str
    loss: np.ndarray
    accuracy: np.ndarray
    test_loss: np.ndarray
    test_accuracy: np.ndarray
    hist: np.ndarray
    act_mean: np.ndarray
    act_std: np.ndarray
    near_zero: np.ndarray
    zeros: np.ndarray  # (L, S): the share of each block's outputs that are exactly 0 (ReLU's, no gradient back)
    batch_mean: list[np.ndarray] = field(default_factory=list)
    batch_var: list[np.ndarray] = field(default_factory=list)
    batch_count: tuple[int, ...] = ()  # values per channel in one step's batch, per block: batch size × H × W
    net: CNN | None = None
    diverged_at: int | None = None

    @property
    def steps_done(self) -> int:
        return len(self.loss)

    @property
    def final_accuracy(self) -> float | None:
        return None if self.diverged_at is not None else float(self.test_accuracy[-1])


@dataclass
class CNNResult:
    """The three arms trained on settings, by norm, and the step at which each epoch ended."""

    settings: CNNSettings
    arms: dict[str, Arm]
    epoch_steps: np.ndarray  # (E + 1,): 0, steps per epoch, 2 × that, ...

    def __getitem__(self, norm: str) -> Arm:
        return self.arms[norm]


def train_arm(norm: str, settings: CNNSettings, weights: dict, schedule: np.ndarray, progress=None) -> Arm:
    """One network trained on the schedule's mini-batches; progress, if given, gets the share done."""
    train, test = split()
    # The first convolution's patches of every image, cut once: each step takes its batch's rows.
    patches = im2col(train.x, KERNEL).reshape(len(train.y), SIDE * SIDE, KERNEL * KERNEL)
    test_patches = im2col(test.x, KERNEL)
    net = CNN(weights, norm).train()
    opt = SGD(settings.lr)
    steps, blocks = len(schedule), len(CHANNELS)
    loss, acc = np.full(steps, np.nan), np.full(steps, np.nan)
    hist = np.zeros((blocks, steps, HIST_BINS), dtype=np.int64)
    act_mean, act_std, near_zero, zeros = (np.zeros((blocks, steps)) for _ in range(4))
    batch_mean = [np.zeros((steps, c)) for c in CHANNELS] if net.bn else []
    batch_var = [np.zeros((steps, c)) for c in CHANNELS] if net.bn else []
    per_epoch = len(schedule) // settings.epochs
    test_loss, test_acc = [], []
    diverged_at = None
    # A diverging network's values overflow: caught below as Diverged, with no warning for the learner's log.
    with np.errstate(over="ignore", invalid="ignore"):
        first = net.accuracy(test, patches=test_patches)
        test_loss.append(first[0]), test_acc.append(first[1])
        for step, batch in enumerate(schedule):
            try:
                logits = net.forward(train.x[batch], patches=patches[batch].reshape(-1, KERNEL * KERNEL))
                loss[step], dlogits, acc[step] = softmax_cross_entropy(logits, train.y[batch])
                if not np.isfinite(loss[step]):
                    raise Diverged("the loss is not finite")
                opt.step(net.learned(), net.backward(dlogits))
            except Diverged:
                diverged_at = step + 1
                break
            for l, h in enumerate(net.outputs):
                hist[l, step] = histogram(h)
                act_mean[l, step], act_std[l, step] = h.mean(), h.std()
                near_zero[l, step] = np.count_nonzero(h < NEAR_ZERO) / h.size
                zeros[l, step] = np.count_nonzero(h == 0.0) / h.size
            for l, bn in enumerate(net.bn):
                batch_mean[l][step], batch_var[l][step] = bn.last_batch_mean, bn.last_batch_var
            if (step + 1) % per_epoch == 0:
                epoch_end = net.accuracy(test, patches=test_patches)
                test_loss.append(epoch_end[0]), test_acc.append(epoch_end[1])
            if progress is not None and (step + 1) % per_epoch == 0:
                progress((step + 1) / steps)
    done = steps if diverged_at is None else diverged_at - 1
    return Arm(
        norm,
        loss[:done],
        acc[:done],
        np.array(test_loss),
        np.array(test_acc),
        hist[:, :done],
        act_mean[:, :done],
        act_std[:, :done],
        near_zero[:, :done],
        zeros[:, :done],
        [m[:done] for m in batch_mean],
        [v[:done] for v in batch_var],
        tuple(settings.batch_size * side * side for side in SIDES) if net.bn else (),
        net.eval().forget() if diverged_at is None else None,
        diverged_at,
    )


def train(settings: CNNSettings, norms=NORMS, progress=None) -> CNNResult:
    """The networks of `norms` trained from the same initial weights on the same mini-batches.

    progress, if given, is called with the share of the whole done (after each arm's epochs)."""
    train_set, _ = split()
    schedule = batch_schedule(len(train_set.y), settings.batch_size, settings.epochs, settings.seed)
    weights = init_weights(settings.seed)
    arms = {}
    for i, norm in enumerate(norms):
        report = None if progress is None else (lambda share, i=i: progress((i + share) / len(norms)))
        arms[norm] = train_arm(norm, settings, weights, schedule, report)
    per_epoch = settings.steps_per_epoch(len(train_set.y))
    return CNNResult(settings, arms, per_epoch * np.arange(settings.epochs + 1))


# --- after training -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelFacts:
    """Block `block`'s channels (C,) in a trained BN network: γ, β, the running μ and σ = √(running var + ε),
    and the channels sorted by γ, largest first."""

    block: int
    gamma: np.ndarray
    beta: np.ndarray
    mu: np.ndarray
    sigma: np.ndarray

    @property
    def by_gamma(self) -> np.ndarray:
        return np.argsort(-self.gamma, kind="stable")

    def undone_up_to_scale(self, tolerance: float = 0.1) -> np.ndarray:
        """The channels whose γ·x̂ + β is the convolution's output x times a positive number, x·γ/σ: γ > 0 and
        β/γ within `tolerance` of μ/σ (both in units of x̂). A positive scale passes the ReLU and the pooling
        (ReLU(c·z) = c·ReLU(z)), and the next convolution's weights can take it up."""
        positive = self.gamma > 0
        ratio = np.where(positive, self.beta / np.where(positive, self.gamma, 1.0), np.inf)
        return np.flatnonzero(positive & (np.abs(ratio - self.mu / self.sigma) <= tolerance))

    def undone(self, tolerance: float = 0.1) -> np.ndarray:
        """The channels whose γ and β are within `tolerance` (relative to σ) of σ and μ: BN undone there."""
        return np.flatnonzero(
            (np.abs(self.gamma - self.sigma) <= tolerance * self.sigma)
            & (np.abs(self.beta - self.mu) <= tolerance * self.sigma)
        )


def channel_facts(net: CNN, block: int) -> ChannelFacts:
    """γ, β and running statistics of block `block` (from 1) of a trained "bn" network."""
    if net.norm != "bn":
        raise ValueError("only the network with BN and its γ and β has learned γ and β.")
    bn = net.bn[block - 1]
    return ChannelFacts(
        block, bn.gamma.copy(), bn.beta.copy(), bn.running_mean.copy(), np.sqrt(bn.running_var + bn.eps)
    )


def with_channel_reset(net: CNN, block: int, channel: int) -> CNN:
    """A copy of the trained "bn" network with channel `channel` of block `block` back to γ = 1, β = 0."""
    reset = copy.deepcopy(net)
    bn = reset.bn[block - 1]
    gamma, beta = bn.gamma.copy(), bn.beta.copy()
    gamma[channel], beta[channel] = 1.0, 0.0
    bn.gamma, bn.beta = gamma, beta
    return reset


def with_block_reset(net: CNN, block: int) -> CNN:
    """A copy of the trained "bn" network with every channel of block `block` (from 1) back to γ = 1, β = 0:
    γ_l and β_l of shape (C_l,) set to ones and zeros, every other weight and the running statistics kept."""
    reset = copy.deepcopy(net)
    bn = reset.bn[block - 1]
    bn.gamma, bn.beta = np.ones_like(bn.gamma), np.zeros_like(bn.beta)
    return reset


def train_eval_accuracies(net: CNN, batches=TRAIN_EVAL_BATCHES) -> dict:
    """Test accuracy in eval mode (running statistics; "eval") and in train mode's way at each batch size B
    (each group of B test images normalized by its own statistics)."""
    _, test = split()
    found = {"eval": net.accuracy(test)[1]}
    for b in batches:
        found[b] = net.accuracy(test, batch_stats_of=b)[1]
    return found


def changed_answers(net: CNN, batches=TRAIN_EVAL_BATCHES) -> dict[int, int]:
    """How many test images are read as another digit in train mode's way, per batch size, than in eval mode."""
    x = split().test.x
    in_eval = net.predict(x)
    return {b: int(np.count_nonzero(net.predict(x, batch_stats_of=b) != in_eval)) for b in batches}


def replay_running(arm: Arm, momentum: float) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The running mean and variance of every block, (S + 1, C_l) from the start values 0 and 1, as BatchNorm
    with this momentum would have kept them over the arm's training: running <- (1 - m) running + m batch,
    the variance unbiased (× count / (count - 1)). Running statistics never feed back into training, so the
    weights would be the same."""
    if not 0.0 < momentum <= 1.0:
        raise ValueError(f"momentum must be above 0 and at most 1; got {momentum}.")
    means, variances = [], []
    for mu, var, count in zip(arm.batch_mean, arm.batch_var, arm.batch_count):
        unbiased = var * (count / (count - 1))
        m_run, v_run = np.zeros((len(mu) + 1, mu.shape[1])), np.ones((len(mu) + 1, mu.shape[1]))
        for s in range(len(mu)):
            m_run[s + 1] = (1.0 - momentum) * m_run[s] + momentum * mu[s]
            v_run[s + 1] = (1.0 - momentum) * v_run[s] + momentum * unbiased[s]
        means.append(m_run)
        variances.append(v_run)
    return means, variances


def with_running(net: CNN, means: list[np.ndarray], variances: list[np.ndarray]) -> CNN:
    """A copy of the trained BN network whose running statistics are the given ones' last rows."""
    other = copy.deepcopy(net)
    for bn, mu, var in zip(other.bn, means, variances):
        bn.running_mean, bn.running_var = mu[-1].copy(), var[-1].copy()
    return other
