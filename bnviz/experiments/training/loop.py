"""The training loop: γ and β of one BN layer trained over every mini-batch, everything recorded
(`History`), and one step replayed up close (`StepDetail`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.core.batchnorm import BatchNorm, batch_norm_forward
from bnviz.experiments.training.data import Experiment
from bnviz.experiments.training.losses import LOSSES, next_layer_loss
from bnviz.experiments.training.optimizers import make_optimizer
from bnviz.experiments.training.settings import EPS

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
