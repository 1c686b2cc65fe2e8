"""Run the “Do it in PyTorch” snippets of /steps, /gamma-beta and “In a real network” with real PyTorch, and
compare what they print with the numbers bnviz computes (the page's). A manual check, not part of the test
suite: bnviz does not depend on PyTorch, so the Python given here must have torch and numpy. The real
network's settings train bnviz's three CNNs first (about half a minute each).

    python3 -m venv /tmp/torchvenv && /tmp/torchvenv/bin/pip install torch numpy
    python3 bench/torch_snippets.py --python /tmp/torchvenv/bin/python

Each setting prints its name, then every line PyTorch printed beside bnviz's, and "same" or "DIFFERENT".
Exit status 1 if any line differs.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bnviz.core.data import ChannelSpec, make_batch, preset  # noqa: E402
from bnviz.core.digits import PATH as DIGITS_PATH  # noqa: E402
from bnviz.core.io import to_npy_bytes  # noqa: E402
from bnviz.core.steps import batch_norm_steps  # noqa: E402
from bnviz.experiments.cnn import CNNSettings, train  # noqa: E402
from bnviz.experiments.gamma_beta import output_readout, recovery  # noqa: E402
from bnviz.experiments.stepper import running_history  # noqa: E402
from content.pytorch import DIGITS_FILE, NPY_FILE, gamma_beta_snippet, real_network_snippet, steps_snippet  # noqa: E402
from ui.state import Batch, default_batch  # noqa: E402


def drawn(name: str, channels: int, n: int, spatial=None, seed: int = 0, specs=None) -> Batch:
    specs = tuple(specs or preset(name, channels))
    return Batch(make_batch(specs, n, spatial, seed), specs, seed, f"drawn: {name}, seed {seed}")


def steps(batch: Batch, channel: int, gamma: float, beta: float, momentum: float = 0.1, batches=None):
    if batches is None:
        return steps_snippet(batch, batch_norm_steps(batch.x, gamma, beta), channel, gamma, beta, momentum)
    h = running_history(batch.x, batch.specs, batch.seed, batches, momentum)
    shown = batch_norm_steps(batch.x, gamma, beta, mean=h.running_mean[batches], var=h.running_var[batches])
    return steps_snippet(batch, shown, channel, gamma, beta, momentum, batches)


def gamma_beta(batch: Batch, gamma, beta):
    return gamma_beta_snippet(batch, output_readout(batch.x, gamma, beta)[2])


def real_network(settings: CNNSettings):
    """The snippet of “In a real network”, with the test accuracies bnviz's own training of `settings` gives."""
    result = train(settings)
    return real_network_snippet(settings, {norm: arm.final_accuracy for norm, arm in result.arms.items()})


def settings() -> dict:
    default = default_batch()
    conv = drawn("every shape", 4, 32, (8, 8), seed=3)
    edited = drawn(
        "edited",
        3,
        64,
        seed=11,
        specs=(ChannelSpec("relu", -0.5, 2.0), ChannelSpec("bimodal", 5.0, 0.5), ChannelSpec("skewed", 0.0, 3.0)),
    )
    small = Batch(np.round(np.random.default_rng(5).normal(2.0, 3.0, (8, 3)), 3), None, 0, "upload: small.csv")
    example = Batch(np.load(ROOT / "examples" / "activations_conv.npy").astype(np.float64), None, 0, "upload: example")
    g_rec, b_rec = recovery(conv.x)
    return {
        "/steps, default (train, γ = 1, β = 0, channel 1)": (default, steps(default, 1, 1.0, 0.0)),
        "/steps, eval after 20 batches, momentum 0.05, γ = 1.5, β = −0.5": (
            default,
            steps(default, 1, 1.5, -0.5, 0.05, batches=20),
        ),
        "/steps, conv 32 × 4 × 8 × 8 (every shape, seed 3), eval after 30, momentum 0.2, γ = 0.05, β = 2, channel 2": (
            conv,
            steps(conv, 2, 0.05, 2.0, 0.2, batches=30),
        ),
        "/steps, edited relu/bimodal/skewed batch (seed 11), train, γ = −2, β = 3, channel 0": (
            edited,
            steps(edited, 0, -2.0, 3.0),
        ),
        "/steps, small upload 8 × 3 (written out), eval after 5, channel 2": (
            small,
            steps(small, 2, 1.0, 0.0, batches=5),
        ),
        "/steps, the example upload 16 × 4 × 8 × 8 (from .npy), eval after 10, momentum 0.5, channel 3": (
            example,
            steps(example, 3, 2.0, 1.0, 0.5, batches=10),
        ),
        "/gamma-beta, default (γ = 1, β = 0)": (default, gamma_beta(default, 1.0, 0.0)),
        "/gamma-beta, per-channel γ = (0.5, 2, 2.5, 3.3), β = (1, −2, 0, 4.5)": (
            default,
            gamma_beta(default, [0.5, 2.0, 2.5, 3.3], [1.0, -2.0, 0.0, 4.5]),
        ),
        "/gamma-beta, conv batch, Recover the original (γ = √(σ²_B + ε), β = μ_B)": (
            conv,
            gamma_beta(conv, g_rec, b_rec),
        ),
        "/gamma-beta, edited batch, γ = (0, 1, 2.5), β = (0.25, −1, 7)": (
            edited,
            gamma_beta(edited, [0.0, 1.0, 2.5], [0.25, -1.0, 7.0]),
        ),
        "In a real network, default settings": (None, real_network(CNNSettings())),
        "In a real network, lr 0.1, 2 epochs, batches of 32, seed 1": (
            None,
            real_network(CNNSettings(lr=0.1, epochs=2, batch_size=32, seed=1)),
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--python", required=True, help="a Python with torch and numpy installed")
    args = parser.parse_args()
    failed = 0
    for name, (batch, snippet) in settings().items():
        with tempfile.TemporaryDirectory() as folder:
            if batch is None:  # the real network's snippet reads the digits file beside it
                shutil.copyfile(DIGITS_PATH, Path(folder) / DIGITS_FILE)
            else:
                (Path(folder) / NPY_FILE).write_bytes(to_npy_bytes(batch.x))  # what /batch's download saves
            (Path(folder) / "snippet.py").write_text(snippet.code, encoding="utf-8")
            run = subprocess.run([args.python, "snippet.py"], cwd=folder, capture_output=True, text=True, check=False)
        printed = run.stdout.splitlines()
        same = printed == list(snippet.prints)
        failed += not same
        print(f"\n{name}: {'same' if same else 'DIFFERENT'}")
        for torch_line, bnviz_line in zip(printed, snippet.prints):
            print(f"  torch: {torch_line}")
            if torch_line != bnviz_line:
                print(f"  bnviz: {bnviz_line}")
        if run.returncode or len(printed) != len(snippet.prints):
            print(f"  exit {run.returncode}, {len(printed)} lines for {len(snippet.prints)}:\n{run.stderr[-2000:]}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
