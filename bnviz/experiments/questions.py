"""The experiments of the learners' questions (the /questions page): settings in, arrays out.

Each question's experiment is built on the one function that owns it elsewhere: the identity
and the nearly straight part of a sigmoid on bnviz.experiments.gamma_beta, the running
statistics on bnviz.experiments.stepper, the training of γ and β and the two modes on
bnviz.experiments.training, the norms on bnviz.core. What is left here is each question's own
data and the few numbers only a question asks for. The questions' text is in content/questions.py.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from bnviz.core.activations import sigmoid
from bnviz.core.batchnorm import BatchNorm, batch_norm_forward, batch_statistics, reduce_axes
from bnviz.core.data import ChannelSpec, make_batch, preset
from bnviz.core.norms import norm_statistics, normalize
from bnviz.core.validation import check_batch, per_channel_count
from bnviz.experiments import stepper
from bnviz.experiments.gamma_beta import linear_region, share_in_linear_region
from bnviz.experiments.training.data import sequential_experiment
from bnviz.experiments.training.loop import train
from bnviz.experiments.training.modes import both_modes
from bnviz.experiments.training.settings import TrainingSettings

# ---------------------------------------------------------------------------------------
# 1. Why γ and β: which part of a sigmoid the normalized values reach

# |y| < 1.42: the sigmoid stays within 5% of its range of its tangent 1/2 + y/4, the same
# "nearly linear" region as on /gamma-beta (gamma_beta.linear_region).
STRAIGHT = linear_region("sigmoid")[1]
FLAT = 4.0  # |y| > 4: the flat ends
FLAT_SLOPE = float(4.0 * sigmoid(FLAT) * (1.0 - sigmoid(FLAT)))  # 0.0707: the slope there, as a share of the slope at 0


class SigmoidUse(NamedTuple):
    y: np.ndarray  # γ·x̂ + β, shape of x
    straight: float  # share of values with |y| ≤ STRAIGHT (gamma_beta.share_in_linear_region)
    bend: float  # share in between
    flat: float  # share with |y| > FLAT


def sigmoid_use(x, gamma: float, beta: float) -> SigmoidUse:
    """Where y = BN(x) with the given γ, β (every channel) falls on a sigmoid.

    x: (N, C, ...). Returns y and the shares of its values in the sigmoid's nearly straight
    middle (|y| ≤ STRAIGHT), its bends, and its flat ends (|y| > 4); the shares sum to 1.
    """
    x = check_batch(x)
    bn = BatchNorm(x.shape[1])
    bn.gamma, bn.beta = gamma, beta
    y = bn(x)
    straight = share_in_linear_region(y, "sigmoid")
    flat = float(np.mean(np.abs(y) > FLAT))
    return SigmoidUse(y, straight, 1.0 - straight - flat, flat)


# ---------------------------------------------------------------------------------------
# 2. Do γ and β undo the normalization: no experiment of its own. The page runs
# gamma_beta.output_readout(x, *gamma_beta.toward_recovery(x, t)), the identity of /gamma-beta.


# ---------------------------------------------------------------------------------------
# 3. Do γ and β replace W and b: a layer z = w·x + b before BN, in every channel of the learner's
# batch. /gamma-beta asks the same of one unit z = w·u + b with two inputs (gamma_beta.linear_effects),
# where w also has a direction; here w is one number per layer, and each change is measured against
# the layer with w = 1, b = 0. Both run BN from bnviz.core.


class BiasAndScale(NamedTuple):
    z: np.ndarray  # w·x + b, BN's input
    y: np.ndarray  # BN(z)
    y_ref: np.ndarray  # BN(x): the same layer with w = 1, b = 0
    change: np.ndarray  # (C,) largest |BN(w·x + b) − BN(x)|
    change_b: np.ndarray  # (C,) the same for b alone: |BN(x + b) − BN(x)|
    change_w: np.ndarray  # (C,) the same for w alone: |BN(w·x) − BN(x)|
    z_mean: np.ndarray  # (C,) mean and standard deviation of BN's input
    z_std: np.ndarray
    y_mean: np.ndarray  # (C,) mean and standard deviation of BN's output
    y_std: np.ndarray


def bias_and_scale(x, w: float, b: float) -> BiasAndScale:
    """How much a weight w > 0 and a bias b before BN change BN's output (γ = 1, β = 0).

    x: (N, C, ...), the layer's input; the layer computes z = w·x + b in every channel.
    b cancels exactly in x − μ_B; w cancels in x̂ except through ε, which is added to the
    variance w²σ² and so matters only when w·σ comes near √ε ≈ 0.003.
    """
    if not (np.isfinite(w) and w > 0):
        raise ValueError(f"w must be a positive number here (a negative w also flips x̂); got {w}.")
    x = check_batch(x)
    axes = reduce_axes(x.ndim)

    def bn(v):
        return BatchNorm(x.shape[1])(v)

    def largest(a, ref):
        return np.max(np.abs(a - ref), axis=axes)

    z = w * x + b
    y, y_ref = bn(z), bn(x)
    return BiasAndScale(
        z,
        y,
        y_ref,
        largest(y, y_ref),
        largest(bn(x + b), y_ref),
        largest(bn(w * x), y_ref),
        z.mean(axis=axes),
        z.std(axis=axes),
        y.mean(axis=axes),
        y.std(axis=axes),
    )


# ---------------------------------------------------------------------------------------
# 4. Per channel, and the running statistics

CONV_PRESET = "channels on very different scales"
CONV_CHANNELS = 3
CONV_N = 8
CONV_SPATIAL = (4, 4)


def conv_specs() -> list[ChannelSpec]:
    return preset(CONV_PRESET, CONV_CHANNELS)


def conv_population() -> tuple[np.ndarray, np.ndarray]:
    """The true mean and variance (C,) of each channel's distribution (normal, so mean and std²)."""
    specs = conv_specs()
    return np.array([s.mean for s in specs]), np.array([s.std**2 for s in specs])


def conv_batches(k: int, seed: int = 0) -> list[np.ndarray]:
    """k mini-batches (8, 3, 4, 4) from the same three channel distributions, one seed each."""
    return [make_batch(conv_specs(), CONV_N, CONV_SPATIAL, seed=seed + i) for i in range(k)]


class ChannelStats(NamedTuple):
    mu: np.ndarray  # (C,) per-channel batch mean
    var: np.ndarray  # (C,) per-channel biased batch variance
    count: int  # values pooled into each statistic: N·H·W
    overall_mean: float  # one mean over every value, for contrast


def channel_statistics(x) -> ChannelStats:
    """BN's statistics of a batch x (N, C, ...): one mean and variance per channel."""
    x = check_batch(x)
    mu, _, var = batch_statistics(x)
    return ChannelStats(mu, var, per_channel_count(x.shape), float(x.mean()))


# The running statistics of training batches: stepper.running_statistics(conv_batches(k), CONV_CHANNELS, momentum).


# ---------------------------------------------------------------------------------------
# 5. Where is the learning: μ_B jumps, γ and β move step by step

LEARN_SPEC = ChannelSpec("normal", 5.0, 2.0)
TARGET_MEAN, TARGET_STD = 1.0, 3.0  # what the loss asks of the layer's output
LEARN_STEPS, LEARN_RATE = 60, 0.05


class LearningRun(NamedTuple):
    batch_mean: np.ndarray  # (steps,) μ_B of each mini-batch
    batch_std: np.ndarray  # (steps,) σ_B of each mini-batch
    gamma: np.ndarray  # (steps + 1,) from the initial 1
    beta: np.ndarray  # (steps + 1,) from the initial 0
    loss: np.ndarray  # (steps,)

    @property
    def mean_jump(self) -> float:
        """Largest change of μ_B from one mini-batch to the next."""
        return float(np.max(np.abs(np.diff(self.batch_mean)))) if len(self.batch_mean) > 1 else 0.0

    @property
    def gamma_step(self) -> float:
        """Largest change of γ in one SGD step."""
        return float(np.max(np.abs(np.diff(self.gamma))))

    @property
    def beta_step(self) -> float:
        """Largest change of β in one SGD step."""
        return float(np.max(np.abs(np.diff(self.beta))))


def target(x):
    """What the loss asks for: the input given mean 1 and standard deviation 3 (the optimum γ ≈ 3, β ≈ 1)."""
    return TARGET_MEAN + TARGET_STD * (x - LEARN_SPEC.mean) / LEARN_SPEC.std


def learn_gamma_beta(batch_size: int, steps: int = LEARN_STEPS, lr: float = LEARN_RATE, seed: int = 0) -> LearningRun:
    """Plain SGD on γ and β of one BN channel, a fresh mini-batch of N(5, 2²) at every step.

    Step k draws its batch with seed + k; the loss L = mean((y − target(x))²) asks for mean 1,
    standard deviation 3. The training loop is train (∂L/∂γ = Σ ∂L/∂y · x̂,
    ∂L/∂β = Σ ∂L/∂y from BatchNorm.backward, γ ← γ − lr·∂L/∂γ, the same for β).
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1; got {steps}.")
    x = np.concatenate([make_batch([LEARN_SPEC], batch_size, seed=seed + step) for step in range(steps)])
    settings = TrainingSettings(task="target", optimizer="sgd", lr=lr, batch_size=batch_size, epochs=1, n_train=len(x))
    hist = train(sequential_experiment(x, target(x), settings))
    return LearningRun(
        hist.mu[:, 0],
        np.sqrt(hist.var[:, 0]),
        np.append(hist.gamma[:, 0], hist.final_gamma[0]),
        np.append(hist.beta[:, 0], hist.final_beta[0]),
        hist.loss[:, 0],
    )


# ---------------------------------------------------------------------------------------
# 6. Training vs evaluation: one sample, normalized by its batch or by the running statistics

EVAL_SPEC = ChannelSpec("normal", 5.0, 2.0)
WARMUP_BATCHES, WARMUP_SIZE = 100, 32


class TrainEval(NamedTuple):
    sample: float
    running_mean: float
    running_var: float
    eval_output: float  # BN(sample) in eval mode
    train_outputs: np.ndarray  # (n_batches,) BN(sample) in training mode, in different batches
    batch_means: np.ndarray  # (n_batches,) μ_B of those batches

    @property
    def train_range(self) -> tuple[float, float]:
        """The smallest and largest training-mode output of the sample over the batches."""
        return float(self.train_outputs.min()), float(self.train_outputs.max())


def warmup_batches(seed: int = 0) -> list[np.ndarray]:
    """The 100 training batches (32, 1) from N(5, 2²) that set the layer's running statistics."""
    return [make_batch([EVAL_SPEC], WARMUP_SIZE, seed=seed + i) for i in range(WARMUP_BATCHES)]


def train_vs_eval(sample: float, batch_size: int, n_batches: int = 20, seed: int = 0) -> TrainEval:
    """One value through a trained layer: in eval mode, and in training mode inside n_batches batches.

    The layer's running statistics come from the warm-up batches (stepper.running_statistics).
    Each training batch is the sample plus batch_size − 1 other values from the same
    distribution; both_modes normalizes them in eval mode, (sample − running_mean) /
    √(running_var + ε), and in training mode, with each batch's own μ_B and σ²_B.
    """
    if batch_size < 2:
        raise ValueError(f"A training batch needs at least 2 samples; got {batch_size}.")
    warm = stepper.running_statistics(warmup_batches(seed), 1)
    running_mean, running_var = warm.running_mean[-1], warm.running_var[-1]
    batches = [
        np.vstack([[[sample]], make_batch([EVAL_SPEC], batch_size - 1, seed=seed + WARMUP_BATCHES + j)])
        for j in range(n_batches)
    ]
    x = np.concatenate(batches)
    y_train, y_eval = both_modes(x, batch_size, [1.0], [0.0], running_mean, running_var)
    return TrainEval(
        float(sample),
        float(running_mean[0]),
        float(running_var[0]),
        float(y_eval[0, 0]),
        y_train[::batch_size, 0],
        np.array([float(b.mean()) for b in batches]),
    )


# ---------------------------------------------------------------------------------------
# 7. A batch of one: BatchNorm's error, x̂ = 0, and what works instead

SMALL_PRESET = "channels on very different scales"
SMALL_CHANNELS = 4


def small_batch(n: int, seed: int = 0) -> np.ndarray:
    """A fully connected batch (n, 4), the same first rows whatever n."""
    return make_batch(preset(SMALL_PRESET, SMALL_CHANNELS), n, seed=seed)


class SmallBatchResult(NamedTuple):
    x: np.ndarray  # (n, 4)
    x_hat: np.ndarray | None  # BN's output in training (γ = 1, β = 0); None when refused
    error: str | None  # BatchNorm's message when it refuses the batch


def train_small_batch(n: int, seed: int = 0) -> SmallBatchResult:
    """BatchNorm(4) in training on a batch of n samples: its output, or its ValueError's message."""
    x = small_batch(n, seed)
    try:
        return SmallBatchResult(x, BatchNorm(SMALL_CHANNELS)(x), None)
    except ValueError as error:
        return SmallBatchResult(x, None, str(error))


class OneValue(NamedTuple):
    mu: np.ndarray  # (C,) = the sample itself
    var: np.ndarray  # (C,) = 0
    x_hat: np.ndarray  # (1, C) = 0


def one_value_statistics(x) -> OneValue:
    """What the BN formula itself gives for one sample x (1, C): μ_B = x, σ²_B = 0, x̂ = 0.

    Calls the functional forward pass, which does not refuse the batch, to show why the layer does.
    """
    x = check_batch(x)
    c = x.shape[1]
    x_hat, _, (mu, var) = batch_norm_forward(x, np.ones(c), np.zeros(c))
    return OneValue(mu, var, x_hat)


def eval_mode_output(x, seed: int = 0) -> np.ndarray:
    """BN in eval mode on x (n, 4) after 50 training batches of 32: the running statistics work for n = 1."""
    warm = stepper.running_statistics(
        (small_batch(WARMUP_SIZE, seed=seed + 1000 + i) for i in range(50)), SMALL_CHANNELS
    )
    x = check_batch(x, SMALL_CHANNELS)
    ones, zeros = np.ones(SMALL_CHANNELS), np.zeros(SMALL_CHANNELS)
    return batch_norm_forward(x, ones, zeros, mean=warm.running_mean[-1], var=warm.running_var[-1])[0]


GN_PRESET = "ReLU outputs"
GN_CHANNELS, GN_GROUPS, GN_BATCH, GN_SPATIAL = 4, 2, 8, (4, 4)


class GroupNormDemo(NamedTuple):
    groups: int
    mu: np.ndarray  # (1, G) the sample's mean per group
    var: np.ndarray  # (1, G)
    gn_alone: np.ndarray  # (1, C, H, W) GroupNorm of the image on its own
    gn_diff: float  # largest |GN(image alone) − GN(image inside a batch of 8)|
    bn_diff: float  # the same for BatchNorm in training mode


def group_norm_demo(seed: int = 0) -> GroupNormDemo:
    """One image (1, 4, 4, 4) normalized alone and inside a batch of 8, by GroupNorm and by BN.

    GroupNorm pools each group of C/G channels of one sample over its positions, so the
    image's output does not depend on the rest of the batch; BN's does.
    """
    batch = make_batch(preset(GN_PRESET, GN_CHANNELS), GN_BATCH, GN_SPATIAL, seed=seed)
    image = batch[:1]
    mu, var = norm_statistics(image, "group", GN_GROUPS)
    alone = normalize(image, "group", GN_GROUPS)
    in_batch = normalize(batch, "group", GN_GROUPS)[:1]
    bn_alone = BatchNorm(GN_CHANNELS)(image)  # one image still has 16 values per channel
    bn_in_batch = BatchNorm(GN_CHANNELS)(batch)[:1]
    return GroupNormDemo(
        GN_GROUPS,
        mu,
        var,
        alone,
        float(np.max(np.abs(alone - in_batch))),
        float(np.max(np.abs(bn_alone - bn_in_batch))),
    )
