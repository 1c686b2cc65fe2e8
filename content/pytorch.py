"""“Do it in PyTorch”: the lines of PyTorch that do what /steps and /gamma-beta show, with the learner's
batch and settings, and the numbers they print. Screen text built from settings: no streamlit here,
and no torch either (PyTorch is not a dependency of bnviz; the snippets are text).

PyTorch cannot draw the learner's batch again from its seed: it has its own random numbers. So a
snippet carries the exact NumPy recipe bnviz draws it with (bnviz.core.data.make_batch, written out
for the channel families the batch uses), or the values themselves for a small uploaded batch, and
hands the array to torch.from_numpy. The numbers a snippet prints are the core's, rounded as the page
rounds them: tests/content/test_pytorch_snippet.py checks them, bench/torch_snippets.py runs the snippets
where PyTorch is installed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bnviz.core.digits import CLASSES, INK, SIDE, SPLIT_SEED, TEST_SIZE
from bnviz.core.steps import Step, batch_norm_steps
from bnviz.experiments.cnn import (
    BN_MOMENTUM,
    CHANNELS,
    FEATURES,
    KERNEL,
    NORMS,
    POOLED,
    SGD_MOMENTUM,
    CNNSettings,
)
from bnviz.experiments.gamma_beta import Readout
from bnviz.experiments.stepper import (
    RESAMPLE_STREAM,
    normalized_moments,
    step_places,
    uses_running_statistics,
    worked_values,
)
from content.steps import element_label

MAX_WRITTEN = 64  # an uploaded batch of at most this many values is written into the snippet
NPY_FILE = "bnviz_batch.npy"  # what “Download the batch (.npy)” on /batch saves
DIGITS_FILE = "digits.csv.gz"  # the real network's snippet reads bnviz/data/digits.csv.gz under this name

# Draws of mean 0 and standard deviation 1 for each family (bnviz.core.data._standard), in order.
FAMILY_LINES = {
    "uniform": ["return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), size)"],
    "skewed": ["return (rng.gamma(2.0, 1.0, size) - 2.0) / np.sqrt(2.0)  # Gamma(2, 1): mean 2, variance 2"],
    "bimodal": [
        "side = np.where(rng.random(size) < 0.5, -0.9, 0.9)  # two bumps at ±0.9",
        "return side + np.sqrt(1.0 - 0.81) * rng.standard_normal(size)",
    ],
    "heavy-tailed": ["return rng.standard_t(3.0, size) / np.sqrt(3.0)  # Student t, 3 degrees of freedom: variance 3"],
}
SHOW = '''def show(values, spec):
    """The values as the page writes them ("1,600.0000" with spec ",.4f"; 0.00, never -0.00)."""
    texts = [format(v, spec) for v in values.reshape(-1).tolist()]
    return "  ".join(t.lstrip("-") if float(t.replace(",", "")) == 0 else t for t in texts)'''


@dataclass(frozen=True)
class Snippet:
    """A script for numpy and torch, and the lines it prints (the page's numbers, rounded as the page does).

    code: Python source; prints: the lines its print() calls write, computed by bnviz.
    """

    code: str
    prints: tuple[str, ...]

    @property
    def text(self) -> str:
        """The code, then what it prints as comments: what the page shows for the same settings."""
        printed = "\n".join(f"# {line}" for line in self.prints)
        return f"{self.code}\n# It prints the page's numbers:\n{printed}\n"


def _number(v) -> str:
    """A float as Python source that reads back the same float64 (never "np.float64(…)")."""
    return repr(float(v))


def _numbers(values, per_line: int = 4) -> str:
    """A list literal of the values (flattened); more than `per_line` go one line of `per_line` at a time."""
    texts = [_number(v) for v in np.ravel(values)]
    if len(texts) <= per_line:
        return "[" + ", ".join(texts) + "]"
    rows = [", ".join(texts[i : i + per_line]) for i in range(0, len(texts), per_line)]
    return "[\n" + "".join(f"    {row},\n" for row in rows) + "]"


_SNIPPET_SHOW: dict = {}
exec(SHOW, _SNIPPET_SHOW)  # the snippet's own show(), so that bnviz's lines are written by the same code


def _shown(values, spec: str) -> str:
    """What the snippet's show(values, spec) prints for bnviz's values."""
    return _SNIPPET_SHOW["show"](np.asarray(values, dtype=np.float64), spec)


def _is_drawn(batch) -> bool:
    """Whether make_batch drew this batch, so that its recipe can be written out: (N, C) or (N, C, H, W)."""
    return batch.specs is not None and batch.x.ndim in (2, 4)


# --------------------------------------------------------------------------- the batch, in NumPy


def _standard_function(families: list[str]) -> list[str]:
    """standard(family, rng, size), with a branch for each family the batch uses (normal and relu
    share the last line: relu is max(0, ·) of a normal, applied in draw)."""
    others = [f for f in FAMILY_LINES if f in families]
    normal = any(f in ("normal", "relu") for f in families)
    lines = [
        "def standard(family, rng, size):",
        '    """size draws of mean 0 and standard deviation 1 from the channel\'s family."""',
    ]
    for i, family in enumerate(others):
        body = FAMILY_LINES[family]
        if i == len(others) - 1 and not normal:  # the last family needs no test
            lines += [f"    {line}" for line in body]
        else:
            lines += [f'    if family == "{family}":'] + [f"        {line}" for line in body]
    if normal:
        lines.append("    return rng.standard_normal(size)  # normal, and relu before max(0, ·)")
    return lines + ["", ""]


def _draw_code(batch) -> list[str]:
    """The source of CHANNELS, standard() (if needed), waves() (conv) and draw(n, seed[, hw])."""
    specs, conv = batch.specs, batch.x.ndim == 4
    families = [s.dist for s in specs]
    lines = [
        "# Your batch, drawn as bnviz draws it: channel c is mean + std·z, with z from its own random",
        "# stream default_rng([seed, c]) (NumPy's: PyTorch could not draw the same numbers).",
        "CHANNELS = [  # (family, mean, std) of each channel",
        *[f'    ("{s.dist}", {_number(s.mean)}, {_number(s.std)}),' for s in specs],
        "]",
        "",
        "",
    ]
    plain = all(f in ("normal", "relu") for f in families)
    if not plain:
        lines += _standard_function(families)
    size_z = "rng.standard_normal({})" if plain else "standard(family, rng, {})"
    relu = "relu" in families
    if not conv:
        if relu:
            body = [
                f"        values = mean + std * {size_z.format('n')}",
                '        batch[:, c] = np.maximum(values, 0.0) if family == "relu" else values',
            ]
        else:
            body = [f"        batch[:, c] = mean + std * {size_z.format('n')}"]
        return lines + [
            "def draw(n, seed):",
            '    """n samples × C channels."""',
            "    batch = np.empty((n, len(CHANNELS)))",
            "    for c, (family, mean, std) in enumerate(CHANNELS):",
            "        rng = np.random.default_rng([seed, c])",
            *body,
            "    return batch",
            "",
            "",
        ]
    return lines + [
        "def waves(rng, n, hw):",
        '    """n smooth random fields of shape hw = (H, W): three low-frequency waves each."""',
        '    rows, cols = np.meshgrid(*[np.linspace(0.0, 1.0, s) for s in hw], indexing="ij")',
        "    field = np.zeros((n,) + hw)",
        "    for _ in range(3):",
        "        freq = rng.uniform(0.5, 2.5, (n, 2))",
        "        phase = rng.uniform(0, 2 * np.pi, n)",
        "        arg = freq[:, 0, None, None] * rows + freq[:, 1, None, None] * cols",
        "        field += np.sin(2 * np.pi * arg + phase[:, None, None])",
        "    return field",
        "",
        "",
        "def draw(n, seed, hw=None):",
        '    """n samples × C channels; with hw = (H, W), n images × C channels × H × W, each image\'s',
        '    values laid out along smooth waves so that they look like feature maps."""',
        "    pixels = hw[0] * hw[1] if hw else 1",
        "    batch = np.empty((n, len(CHANNELS)) + (hw or ()))",
        "    for c, (family, mean, std) in enumerate(CHANNELS):",
        "        rng = np.random.default_rng([seed, c])",
        f"        values = mean + std * {size_z.format('n * pixels')}",
        *(['        values = np.maximum(values, 0.0) if family == "relu" else values'] if relu else []),
        "        values = values.reshape(n, pixels)",
        "        if hw:  # the same values, each image's sorted into the order of its waves",
        "            order = np.argsort(waves(rng, n, hw).reshape(n, pixels), axis=1)",
        "            arranged = np.empty_like(values)",
        "            np.put_along_axis(arranged, order, np.sort(values, axis=1), axis=1)",
        "            values = arranged",
        "        batch[:, c] = values.reshape((n,) + (hw or ()))",
        "    return batch",
        "",
        "",
    ]


def batch_code(batch) -> str:
    """NumPy source that makes `batch`, the learner's batch as a float64 array of its shape.

    batch: ui.state.Batch (x (N, C) or (N, C, H, W), specs, seed). A drawn batch is drawn again by
    draw(n, seed[, hw]), defined here, which equals bnviz.core.data.make_batch(specs, n, spatial, seed)
    value for value; an uploaded one is written out if it has at most MAX_WRITTEN values, else loaded
    from the .npy file /batch downloads.
    """
    x = batch.x
    shape = ", ".join(str(s) for s in x.shape)
    if _is_drawn(batch):
        hw = f", hw=({x.shape[2]}, {x.shape[3]})" if x.ndim == 4 else ""
        lines = _draw_code(batch) + [f"batch = draw({x.shape[0]}, seed={int(batch.seed)}{hw})  # ({shape})"]
    elif x.size <= MAX_WRITTEN:
        lines = [
            "# Your batch, value for value" + (" (one line per sample)." if x.ndim == 2 and x.shape[1] <= 6 else "."),
            f"batch = np.array({_numbers(x, x.shape[-1] if x.shape[-1] <= 6 else 4)}).reshape({shape})",
        ]
    else:
        lines = [
            f"# Your batch has {x.size:,} values, too many to write here. On “Make a batch”, “Download the",
            f"# batch (.npy)” saves the exact values bnviz uses: put {NPY_FILE} beside this script.",
        ]
        if x.ndim == 2:
            lines.append('# (Or the CSV: batch = np.loadtxt("bnviz_batch.csv", delimiter=",", skiprows=1, ndmin=2).)')
        lines.append(f'batch = np.load("{NPY_FILE}")  # ({shape})')
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the layer, in PyTorch


def _layer(x: np.ndarray, momentum: float | None = None) -> tuple[str, str]:
    """The BatchNorm layer for x's layout, and the dims one channel's statistics pool."""
    name = "BatchNorm2d" if x.ndim == 4 else "BatchNorm1d"
    dims = "0" if x.ndim == 2 else str((0,) + tuple(range(2, x.ndim)))
    args = f"{x.shape[1]}, eps=1e-5" + (f", momentum={_number(momentum)}" if momentum is not None else "")
    return f"bn = nn.{name}({args}, dtype=torch.float64)", dims


def _header(batch) -> list[str]:
    return ["import numpy as np", "import torch", "from torch import nn", "", batch_code(batch)]


def _training_batches(batch, batches: int) -> list[str]:
    """The loop that shows the layer the page's `batches` training batches
    (bnviz.experiments.stepper._mini_batches), in the same order."""
    x = batch.x
    n, seed = x.shape[0], int(batch.seed)
    loop = f"for i in range({batches}):"
    if _is_drawn(batch):
        if x.ndim == 2:
            return [
                f"{loop}  # the batches /batch would draw next: seeds {seed + 1}, {seed + 2}, …",
                f"    bn(torch.from_numpy(draw({n}, seed={seed + 1} + i)))",
            ]
        m = n * x.shape[2] * x.shape[3]
        return [
            f"# Each training batch: the N·H·W = {m:,} values of every channel, drawn with seeds {seed + 1}, {seed + 2}, …",
            f"# as {m:,} images of 1 × 1 pixel, as the page does (it is faster): BatchNorm2d pools exactly the",
            f"# values it pools in {n} images of {x.shape[2]} × {x.shape[3]}, so the running statistics are the same.",
            loop,
            f"    bn(torch.from_numpy(draw({m}, seed={seed + 1} + i))[:, :, None, None])",
        ]
    return [
        f"rng = np.random.default_rng([{seed}, {RESAMPLE_STREAM}])  # a batch given as data: resample its samples",
        loop,
        f"    bn(torch.from_numpy(batch[rng.integers(0, {n}, size={n})]))",
    ]


def steps_snippet(
    batch, steps: list[Step], channel: int, gamma: float, beta: float, momentum: float, batches=None, places=None
) -> Snippet:
    """PyTorch's BatchNorm on the learner's batch with /steps' settings, printing the page's numbers.

    batch: ui.state.Batch; gamma, beta: the page's γ and β, one value for every channel; momentum:
    PyTorch's (running = (1 − momentum)·running + momentum·batch statistic).
    steps: the steps the page shows (bnviz.core.steps.batch_norm_steps): with the batch's statistics
      (train mode, batches=None) or with the running ones after `batches` training batches (eval).
    places: the page's decimals of each quantity (bnviz.experiments.stepper.step_places of the batch's
      own steps; computed when not given).
    Prints, with the page's decimals: train mode, μ_B and σ²_B of every channel (the table “every
    channel”); eval mode, running_mean and running_var (the running table) and the mean and variance of
    x̂ in `channel`; both: y at the worked values of step 7 in `channel`.
    """
    x = batch.x
    eval_mode = batches is not None
    if eval_mode != uses_running_statistics(steps):
        raise ValueError("Give the running statistics' steps with batches=k (eval mode), the batch's without.")
    layer, dims = _layer(x, momentum)
    worked = worked_values(x, steps, 6, channel, gamma, beta)
    where = [f"[{', '.join(str(w[i]) for w in worked.where)}]" for i in range(x.ndim - 1)]
    at = ", ".join([where[0], str(channel)] + where[1:])
    p = places if places is not None else step_places(batch_norm_steps(x, gamma, beta), gamma)
    code = _header(batch) + [
        "x = torch.from_numpy(batch)  # float64, as on the page",
        layer,
        "with torch.no_grad():",
        f"    bn.weight.fill_({_number(gamma)})  # γ, the same in every channel",
        f"    bn.bias.fill_({_number(beta)})  # β",
    ]
    if not eval_mode:
        code += ["bn.train()  # training mode: normalize with this batch's own mean and (biased) variance", "y = bn(x)"]
    else:
        code += [
            f"bn.train()  # {batches} training batches move running_mean and running_var (from 0 and 1)",
            *_training_batches(batch, batches),
            "bn.eval()  # eval mode: normalize with running_mean and running_var instead",
            "y = bn(x)",
            "x_hat = nn.functional.batch_norm(x, bn.running_mean, bn.running_var, eps=bn.eps)  # before γ and β",
        ]
    code += ["", "", SHOW, "", ""]
    if not eval_mode:
        shown = [
            ("batch mean:", f"x.mean(dim={dims})", steps[0].array, f".{p['mean']}f"),
            ("batch variance:", f"x.var(dim={dims}, unbiased=False)", steps[2].array, f".{p['var']}f"),
        ]
    else:
        mean, var = normalized_moments(steps, channel)
        x_hat = f".{p['normalize']}f"
        shown = [
            ("running mean:", "bn.running_mean", steps[0].array, f".{p['mean']}f"),
            ("running variance:", "bn.running_var", steps[2].array, f".{p['var']}f"),
            (f"mean of x̂, channel {channel}:", f"x_hat[:, {channel}].mean()", mean, x_hat),
            (f"variance of x̂, channel {channel}:", f"x_hat[:, {channel}].var(unbiased=False)", var, x_hat),
        ]
    shown.append((f"y, channel {channel}:", f"y[{at}]", worked.y, f".{p['shift']}f"))
    code += [f'print("{label}", show({expression}, "{p}"))' for label, expression, _, p in shown]
    labels = ", ".join(element_label(w, channel) for w in worked.where)
    code.insert(-1, f"# Step 7's worked values: {labels}")
    return Snippet("\n".join(code) + "\n", tuple(f"{label} {_shown(v, p)}" for label, _, v, p in shown))


def gamma_beta_snippet(batch, out: Readout) -> Snippet:
    """PyTorch's BatchNorm on the learner's batch with /gamma-beta's γ and β (one per channel), in
    training mode, printing the page's readout table: μ_B, σ_B, the mean and std of y (4 decimals).

    batch: ui.state.Batch; out: bnviz.experiments.gamma_beta.output_readout's Readout for it.
    """
    x = batch.x
    layer, dims = _layer(x)
    code = _header(batch) + [
        "x = torch.from_numpy(batch)  # float64, as on the page",
        "# momentum only moves the running statistics, which training mode does not use",
        layer,
        "# γ and β, one per channel",
        f"gamma = {_numbers(out.gamma)}",
        f"beta = {_numbers(out.beta)}",
        "with torch.no_grad():",
        "    bn.weight.copy_(torch.tensor(gamma, dtype=torch.float64))",
        "    bn.bias.copy_(torch.tensor(beta, dtype=torch.float64))",
        "bn.train()  # training mode: normalize with this batch's own μ_B and σ²_B",
        "y = bn(x)",
        "",
        "",
        SHOW,
        "",
        "",
    ]
    shown = [
        ("batch mean:", f"x.mean(dim={dims})", out.mu),
        ("batch std:", f"x.std(dim={dims}, unbiased=False)", np.sqrt(out.var)),
        ("mean of y:", f"y.mean(dim={dims})", out.mean),
        ("std of y:", f"y.std(dim={dims}, unbiased=False)", out.std),
    ]
    code += [f'print("{label}", show({expression}, ".4f"))' for label, expression, _ in shown]
    return Snippet("\n".join(code) + "\n", tuple(f"{label} {_shown(v, '.4f')}" for label, _, v in shown))


# --------------------------------------------------------------------------- the real network, in PyTorch

RESULT = '''def result(norm, right, total):
    """The line printed for one network: how many test images it gets right, or that it diverged."""
    if right is None:
        return f"{norm}: diverged (its loss stopped being finite)"
    return f"{norm}: {right} of {total} test images right ({right / total:.1%})"'''
_SNIPPET_RESULT: dict = {}
exec(RESULT, _SNIPPET_RESULT)  # the snippet's own result(), so that bnviz's lines are written by the same code


def cnn_numpy_code(settings: CNNSettings, digits: str = DIGITS_FILE) -> str:
    """The NumPy part of real_network_snippet: the settings, then the digits read from the file `digits` and
    split, the initial weights and the mini-batches, value for value those of bnviz.core.digits.split(),
    bnviz.experiments.cnn.init_weights(settings.seed) and batch_schedule(...) (as a list of index arrays).

    Defines x_train (N, 1, 8, 8), y_train (N,), x_test, y_test, conv_weights (one (C_out, C_in, k, k) array
    per block), fc_weight (10, 128) and batches; needs only `np`.
    """
    s = settings
    lines = [
        f"LR, EPOCHS, BATCH_SIZE, SEED = {_number(s.lr)}, {s.epochs}, {s.batch_size}, {s.seed}  # the page's settings",
        f"CHANNELS, KERNEL = {CHANNELS}, {KERNEL}  # the three blocks' channels; {KERNEL} × {KERNEL} convolutions",
        f"POOLED = {POOLED}  # 2 × 2 max pooling after blocks 2 and 3",
        "",
        "# The digits: bnviz's copy of scikit-learn's file (bnviz/data/digits.csv.gz; sklearn.datasets.load_digits()",
        f"# gives the same images). Each row is {SIDE * SIDE} pixels, row by row, ink from 0 to {INK}, then the digit.",
        f'DIGITS = "{digits}"',
        'rows = np.loadtxt(DIGITS, delimiter=",", dtype=np.int64)',
        f"x, y = (rows[:, :-1] / {INK}).reshape(-1, 1, {SIDE}, {SIDE}), rows[:, -1]",
        f"# bnviz's fixed split: one permutation drawn from seed {SPLIT_SEED}; its first {TEST_SIZE} images are the test set.",
        f"order = np.random.default_rng({SPLIT_SEED}).permutation(len(y))",
        f"x_test, y_test = x[order[:{TEST_SIZE}]], y[order[:{TEST_SIZE}]]",
        f"x_train, y_train = x[order[{TEST_SIZE}:]], y[order[{TEST_SIZE}:]]",
        "",
        "# The initial weights, drawn by NumPy as bnviz draws them (PyTorch's random numbers are not NumPy's), the",
        "# same for the three networks: He-normal (gain √2, for ReLU) for the convolutions, N(0, 1/fan_in) for the",
        "# linear layer; every bias starts at 0.",
        "rng = np.random.default_rng(SEED)",
        "conv_weights, c_in = [], 1",
        "for c_out in CHANNELS:",
        "    fan_in = c_in * KERNEL * KERNEL",
        "    conv_weights.append(np.sqrt(2.0 / fan_in) * rng.standard_normal((c_out, c_in, KERNEL, KERNEL)))",
        "    c_in = c_out",
        f"fc_weight = np.sqrt(1.0 / {FEATURES}) * rng.standard_normal(({CLASSES}, {FEATURES}))",
        "",
        "# The mini-batches, the same for the three networks: each epoch a fresh permutation of the training images",
        "# cut into whole batches, the rest dropped (DataLoader(shuffle=True, drop_last=True), with NumPy's numbers).",
        "rng = np.random.default_rng([SEED, 1])",
        "per_epoch = len(y_train) // BATCH_SIZE",
        "batches = []",
        "for epoch in range(EPOCHS):",
        "    order = rng.permutation(len(y_train))",
        "    batches += list(order[: per_epoch * BATCH_SIZE].reshape(per_epoch, BATCH_SIZE))",
    ]
    return "\n".join(lines) + "\n"


def _torch_code() -> list[str]:
    """The network, its training and its test, in PyTorch, on what cnn_numpy_code defines."""
    side = SIDE // 4  # what two 2 × 2 poolings leave of the image's side
    return [
        "torch.set_default_dtype(torch.float64)  # bnviz computes in float64: the two runs agree to rounding",
        "",
        "",
        "class Net(nn.Module):",
        '    """Three blocks conv -> [BatchNorm2d] -> ReLU [-> max pool], then a linear layer to the ten digits.',
        "",
        '    norm: "none" (the convolutions keep their bias), "bn" (BatchNorm2d; its β takes the bias\'s place)',
        '    or "bn_no_affine" (BatchNorm2d without γ and β: they stay 1 and 0)."""',
        "",
        "    def __init__(self, norm):",
        "        super().__init__()",
        "        layers, c_in = [], 1",
        "        for c_out, pooled in zip(CHANNELS, POOLED):",
        '            layers.append(nn.Conv2d(c_in, c_out, KERNEL, padding=KERNEL // 2, bias=(norm == "none")))',
        "            if norm != \"none\":  # momentum: PyTorch's default, and bnviz's",
        f'                layers.append(nn.BatchNorm2d(c_out, momentum={_number(BN_MOMENTUM)}, affine=(norm == "bn")))',
        "            layers.append(nn.ReLU())",
        "            if pooled:",
        "                layers.append(nn.MaxPool2d(2))",
        "            c_in = c_out",
        f"        self.layers = nn.Sequential(*layers, nn.Flatten(), nn.Linear({FEATURES}, {CLASSES}))  # "
        f"{CHANNELS[-1]} × {side} × {side} -> {CLASSES}",
        "",
        "    def forward(self, x):",
        "        return self.layers(x)",
        "",
        "",
        "def train(norm):",
        '    """Net(norm) trained from bnviz\'s weights on the mini-batches: how many test images it gets right,',
        '    or None if its loss stopped being finite (bnviz stops there too)."""',
        "    net = Net(norm)",
        "    with torch.no_grad():  # bnviz's initial weights instead of PyTorch's; biases 0",
        "        convs = [m for m in net.layers if isinstance(m, nn.Conv2d)]",
        "        for conv, w in zip(convs, conv_weights):",
        "            conv.weight.copy_(torch.from_numpy(w))",
        "            if conv.bias is not None:",
        "                conv.bias.zero_()",
        "        net.layers[-1].weight.copy_(torch.from_numpy(fc_weight))",
        "        net.layers[-1].bias.zero_()",
        f"    optimizer = torch.optim.SGD(net.parameters(), lr=LR, momentum={_number(SGD_MOMENTUM)})",
        "    loss_fn = nn.CrossEntropyLoss()",
        "    net.train()  # BatchNorm normalizes with each batch's statistics, and updates its running ones",
        "    for batch in batches:",
        "        loss = loss_fn(net(torch.from_numpy(x_train[batch])), torch.from_numpy(y_train[batch]))",
        "        if not torch.isfinite(loss):",
        "            return None",
        "        optimizer.zero_grad()",
        "        loss.backward()",
        "        optimizer.step()",
        "    net.eval()  # BatchNorm normalizes with its running statistics: a test image's output is its own",
        "    with torch.no_grad():",
        "        guesses = net(torch.from_numpy(x_test)).argmax(dim=1)",
        "    return int((guesses == torch.from_numpy(y_test)).sum())",
        "",
        "",
        RESULT,
        "",
        "",
        "for norm in (" + ", ".join(f'"{norm}"' for norm in NORMS) + "):",
        "    print(result(norm, train(norm), len(y_test)))",
    ]


def real_network_snippet(settings: CNNSettings, accuracies: dict[str, float | None]) -> Snippet:
    """PyTorch code that trains the three networks of bnviz.experiments.cnn.train(settings) and prints their
    test accuracies, which are bnviz's to rounding (same data, split, weights, batches; float64).

    accuracies: each norm's Arm.final_accuracy from that training (None if it diverged): what the
    snippet prints, written as the count of test images right.
    """
    code = ["import numpy as np", "import torch", "from torch import nn", "", cnn_numpy_code(settings)]
    code += _torch_code()
    rights = {norm: None if accuracies[norm] is None else round(accuracies[norm] * TEST_SIZE) for norm in NORMS}
    prints = tuple(_SNIPPET_RESULT["result"](norm, rights[norm], TEST_SIZE) for norm in NORMS)
    return Snippet("\n".join(code) + "\n", prints)


def real_network_intro() -> str:
    """What the expander of “In a real network” says above the code."""
    return (
        "bnviz does not need PyTorch. Where it is installed (`pip install torch numpy`), these lines train the "
        "page's three networks with your settings and print their test accuracies, the page's numbers. NumPy "
        "reads the digits, splits them, and draws the initial weights and the mini-batches exactly as bnviz "
        "does (PyTorch's random numbers are not NumPy's); put bnviz's `bnviz/data/digits.csv.gz` beside the "
        "script, or set `DIGITS` to where it is."
    )


def intro(batch) -> str:
    """What the expander says above the code."""
    if _is_drawn(batch):
        source = (
            "PyTorch cannot draw your batch again from its seed (its random numbers are not NumPy's), so NumPy "
            "draws it exactly as bnviz does and `torch.from_numpy` hands it over."
        )
    elif batch.x.size <= MAX_WRITTEN:
        source = "Your batch is written out value for value."
    else:
        source = f"Your batch is read from `{NPY_FILE}`, which *Make a batch* downloads."
    return (
        "bnviz does not need PyTorch. Where it is installed (`pip install torch numpy`), these lines do what "
        f"this page does, with your settings, and print the page's numbers. {source}"
    )
