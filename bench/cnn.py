"""Speed of the "In a real network" page: the three trainings of the small CNN at default settings.

The issue's target: the three trainings (without BN, BN, BN without γ and β: cnn.train(CNNSettings()))
take at most 10 s together on the 2-core machine. Timed beside a baseline measured in the same run, so
the ratio holds on any machine (and on a busy one): the bare NumPy matrix products of the same sizes
that the three trainings make, nothing else. Per step and arm, for each conv block l the im2col
products (forward cols · Wᵀ, dW = dYᵀ · cols, and dcols = dY · W but in block 1, whose input is the
images) and the linear layer's three (forward, dW, dh), at the mini-batch's rows; and for each of the
test-set evaluations (before training and after each epoch) the forward products at the test set's
rows. The sizes come from bnviz.experiments.cnn's constants and the digits' split, the steps from the
trainings timed (an arm that diverges stops early).

Both are timed twice: with one BLAS thread, as every replica of scripts/serve.sh and the benchmarks'
servers run (the load test's), and with the BLAS's own threads, as `scripts/serve.sh -s` (the README's
start command) and a plain `streamlit run app.py` run. Medians of --repeat rounds (a training, then
its baseline), wall clock and CPU. Also what a session pays for the shared result: st.cache_data keeps it
pickled and unpickles it for every session that reads it (its size, and the median time of pickle.loads).
Needs threadpoolctl (requirements-test.txt). Writes bench/results/cnn.json.

    python3 bench/cnn.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bnviz.core.digits import CLASSES, split  # noqa: E402
from bnviz.experiments import cnn  # noqa: E402
from bnviz.experiments.cnn import CHANNELS, FEATURES, KERNEL, ROWS, SIDES, CNNSettings  # noqa: E402

TARGET_S = 10.0  # the issue's: the three trainings at default settings, on the 2-core machine


def timed(fn) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one call of fn()."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


class Products:
    """The operands of one pass of the network at `rows` images, shaped as bnviz.core.conv multiplies them (one
    product per image, each under OpenBLAS's threading threshold): per conv block l, its patches cols
    (rows, H_l·W_l, C_in·k²), weight (C_out, C_in·k²) and output gradient dY (rows, H_l·W_l, C_out); the linear
    layer's features (rows, FEATURES), weight (CLASSES, FEATURES) and dlogits (rows, CLASSES), at most cnn.ROWS
    rows a product."""

    def __init__(self, rows: int, rng: np.random.Generator):
        self.conv = []
        images = split().test.x.shape[1]  # the images' channels: block 1's input
        for c_in, c_out, side in zip((images, *CHANNELS[:-1]), CHANNELS, SIDES):
            pixels, patch = side * side, c_in * KERNEL * KERNEL
            self.conv.append(
                (
                    rng.standard_normal((rows, pixels, patch)),
                    rng.standard_normal((c_out, patch)),
                    rng.standard_normal((rows, pixels, c_out)),
                )
            )
        self.features = np.split(rng.standard_normal((rows, FEATURES)), range(ROWS, rows, ROWS))
        self.fc = rng.standard_normal((CLASSES, FEATURES))
        self.dlogits = rng.standard_normal((rows, CLASSES))

    def forward(self) -> None:
        for cols, weight, _ in self.conv:
            np.matmul(cols, weight.T)
        for features in self.features:
            features @ self.fc.T

    def step(self) -> None:
        """Forward and backward of one training step, as CNN.forward and CNN.backward multiply."""
        self.forward()
        self.dlogits.T @ self.features[0], self.dlogits @ self.fc
        for l, (cols, weight, dy) in enumerate(self.conv):
            np.matmul(dy.transpose(0, 2, 1), cols).sum(axis=0)  # dW
            if l > 0:  # block 1's input is the images: no gradient for it
                np.matmul(dy, weight)  # dcols


def bare_matmuls(settings: CNNSettings, steps: list[int], evaluations: list[int]) -> None:
    """The matrix products of the trainings: steps[a] training steps and evaluations[a] test-set
    evaluations for each arm a, nothing else."""
    rng = np.random.default_rng(0)
    batch, test = Products(settings.batch_size, rng), Products(len(split().test.y), rng)
    for arm_steps, arm_evaluations in zip(steps, evaluations):
        for _ in range(arm_steps):
            batch.step()
        for _ in range(arm_evaluations):
            test.forward()


def measure(settings: CNNSettings, trained: cnn.CNNResult, repeat: int) -> dict:
    """Medians of `repeat` runs of the three trainings and of their bare products, one after the other in
    each round, so that both see the same load on a shared machine."""
    steps = [arm.steps_done for arm in trained.arms.values()]
    evaluations = [len(arm.test_accuracy) for arm in trained.arms.values()]
    cnn.train(settings)  # warm-up (first allocations, at this thread count)
    runs, bases = [], []
    for _ in range(repeat):
        runs.append(timed(lambda: cnn.train(settings)))
        bases.append(timed(lambda: bare_matmuls(settings, steps, evaluations)))
    (wall, cpu), (base_wall, base_cpu) = ([statistics.median(t) for t in zip(*r)] for r in (runs, bases))
    total = sum(steps)
    return {
        "three_trainings_s": round(wall, 3),
        "three_trainings_range_s": [round(min(t[0] for t in runs), 2), round(max(t[0] for t in runs), 2)],
        "three_trainings_cpu_s": round(cpu, 3),
        "baseline_bare_matmuls_s": round(base_wall, 4),
        "baseline_bare_matmuls_cpu_s": round(base_cpu, 4),
        "ratio_to_baseline": round(wall / base_wall, 1),
        "cpu_ratio_to_baseline": round(cpu / base_cpu, 1),
        "per_step_ms": round(1000 * wall / total, 2),
        "baseline_per_step_ms": round(1000 * base_wall / total, 3),
        "target_met": wall <= TARGET_S,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = CNNSettings()
    with threadpool_limits(limits=1, user_api="blas"):
        trainings = cnn.train(settings)  # the steps each arm trained (one that diverges stops early)
    own_threads = max((pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"), default=None)
    result = {
        "load_average_1min": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
        "settings": {k: getattr(settings, k) for k in ("lr", "epochs", "batch_size", "seed")},
        "steps_per_arm": {norm: arm.steps_done for norm, arm in trainings.arms.items()},
        "target_s": TARGET_S,
    }
    stored = pickle.dumps(trainings)
    result["cached_result_mb"] = round(len(stored) / 1e6, 1)
    result["cache_hit_unpickle_s"] = round(
        statistics.median(timed(lambda: pickle.loads(stored))[0] for _ in range(5)), 3
    )
    with threadpool_limits(limits=1, user_api="blas"):
        result["one_blas_thread"] = measure(settings, trainings, args.repeat)
    result[f"blas_own_threads_{own_threads}"] = measure(settings, trainings, args.repeat)
    result["load_average_1min_after"] = round(os.getloadavg()[0], 2)
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "cnn.json").write_text(json.dumps(result, indent=2))
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
