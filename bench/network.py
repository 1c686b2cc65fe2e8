"""Speed of the "Why BN helps" page: one training run of each of the three networks, the sweep, the figures.

Each time is reported as wall-clock and CPU seconds, beside baselines measured in the same
run, so the ratios hold on any machine (and on a busy one):
- the matmuls alone: the 3 · depth + 3 bare NumPy matrix products of the same sizes that
  one training step needs (forward, dW, dh), repeated for every step: the floor for any
  NumPy implementation that is not fused;
- the plain network's run, as the baseline of the BN networks' runs (with and without γ, β), each
  trained alone; "three" is the page's training of all three (train_networks: the two BN networks as
  copies of one), beside "three_alone", the sum of the three alone.
Writes bench/results/network.json.

    python3 bench/network.py [--repeat 3] [--depth 4 --width 32 --batch-size 32 --steps 600]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bnviz.experiments.mlp import (  # noqa: E402
    NORMS,
    NetworkSettings,
    experiment_data,
    lr_sweep,
    train_copies,
    train_networks,
)
from bnviz.figures.network import (  # noqa: E402
    activation_strips,
    boundary_figure,
    curves_figure,
    gamma_beta_figure,
    gradient_figure,
    saturation_figure,
    sweep_figure,
)


def timed(fn, repeat: int):
    """Median wall-clock and CPU seconds of fn() over `repeat` calls, and its last result.

    On a shared machine the wall clock also counts the time other processes hold the CPU;
    the process's CPU time does not, so it is the better estimate for a quiet machine.
    """
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def bare_matmuls(s: NetworkSettings) -> None:
    """The matrix products of s.steps training steps of the plain network, nothing else."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((s.batch_size, 2))
    h = rng.standard_normal((s.batch_size, s.width))
    w_in = rng.standard_normal((2, s.width))
    w = rng.standard_normal((s.width, s.width))
    w_out = rng.standard_normal((s.width, 1))
    d_out = rng.standard_normal((s.batch_size, 1))
    for _ in range(s.steps):
        x @ w_in, x.T @ h  # first layer: forward, dW
        for _ in range(s.depth - 1):
            h @ w, h.T @ h, h @ w.T  # forward, dW, dh
        h @ w_out, h.T @ d_out, d_out @ w_out.T


def measure(s: NetworkSettings, repeat: int) -> dict:
    X, y, weights = experiment_data(s)

    def run(norm: str):
        return train_copies(X, y, weights, s.activation, norm, [s.lr], s.steps, s.batch_size, seed=s.seed + 2)[0]

    run("none")  # warm-up (imports, first allocations)
    base_wall, base_cpu, _ = timed(lambda: bare_matmuls(s), repeat)
    wall, cpu, runs = {}, {}, {}
    for norm in NORMS:
        wall[norm], cpu[norm], runs[norm] = timed(lambda norm=norm: run(norm), repeat)
    three_wall, three_cpu, _ = timed(lambda: train_networks(s), repeat)
    sweep_wall, sweep_cpu, sw = timed(lambda: lr_sweep(s), 1)
    three = list(runs.values())
    figures = [
        curves_figure(three),
        boundary_figure(three, X, y),
        activation_strips(three, s.activation),
        saturation_figure(three, s.activation),
        gradient_figure(three),
        gamma_beta_figure(runs["bn"]),
        sweep_figure(sw, s.lr),
    ]
    fig_wall, fig_cpu, _ = timed(lambda: [f.to_json() for f in figures], repeat)
    return {
        "settings": {
            k: getattr(s, k) for k in ("dataset", "activation", "depth", "width", "batch_size", "steps", "lr")
        },
        "wall_s": {
            "baseline_bare_matmuls": round(base_wall, 4),
            "plain_run": round(wall["none"], 3),
            "bn_run": round(wall["bn"], 3),
            "bn_no_affine_run": round(wall["bn_no_affine"], 3),
            "three_alone": round(sum(wall.values()), 3),
            "three": round(three_wall, 3),
            f"sweep_{len(NORMS) * len(sw.lrs)}_runs": round(sweep_wall, 3),
            "figures_to_json": round(fig_wall, 3),
        },
        "cpu_s": {
            "baseline_bare_matmuls": round(base_cpu, 4),
            "plain_run": round(cpu["none"], 3),
            "bn_run": round(cpu["bn"], 3),
            "bn_no_affine_run": round(cpu["bn_no_affine"], 3),
            "three_alone": round(sum(cpu.values()), 3),
            "three": round(three_cpu, 3),
            f"sweep_{len(NORMS) * len(sw.lrs)}_runs": round(sweep_cpu, 3),
        },
        "plain_cpu_ratio_to_matmuls": round(cpu["none"] / base_cpu, 1),
        "bn_cpu_ratio_to_plain": round(cpu["bn"] / cpu["none"], 2),
        "three_cpu_ratio_to_three_alone": round(three_cpu / sum(cpu.values()), 2),
        "sweep_cpu_ratio_to_three": round(sweep_cpu / three_cpu, 2),
        "figure_json_kb": [round(len(f.to_json()) / 1000, 1) for f in figures],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--depth", type=int, default=NetworkSettings.depth)
    parser.add_argument("--width", type=int, default=NetworkSettings.width)
    parser.add_argument("--batch-size", type=int, default=NetworkSettings.batch_size)
    parser.add_argument("--steps", type=int, default=NetworkSettings.steps)
    parser.add_argument("--activation", default=NetworkSettings.activation)
    parser.add_argument("--largest", action="store_true", help="also time the largest settings the page offers")
    args = parser.parse_args()
    default = NetworkSettings(
        depth=args.depth, width=args.width, batch_size=args.batch_size, steps=args.steps, activation=args.activation
    )
    result = {
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "default": measure(default, args.repeat),
    }
    if args.largest:
        largest = NetworkSettings(depth=6, width=64, batch_size=64, steps=1000, activation=args.activation)
        result["largest"] = measure(largest, 1)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "network.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
