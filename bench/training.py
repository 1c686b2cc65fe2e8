"""Speed of training γ and β (bnviz.experiments.training.train) at the page's default settings.

Time per 1,000 training steps (reconstruct, SGD, B = 32, 4 channels), beside a baseline
measured in the same run on the same mini-batch size: 1,000 bare BatchNorm forward + backward
calls. The ratio says what the training loop adds around BatchNorm (the loss, its gradient,
the optimizer, the record), whatever the machine. Also reported: the same 1,000 calls through
the functional batch_norm_forward/backward, which skip BatchNorm's input checks, so their
difference is what validation costs per step; a 2,016-step training (the page's "2,000
steps well under a second"); and both trainings of /gamma-beta's peaks section
(bnviz.experiments.peaks.run, 2 × 400 full-batch steps through a sigmoid and a next layer,
target under 0.5 s). Times are medians of --repeat runs, wall clock and CPU.
Writes bench/results/training.json.

    python3 bench/training.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bnviz.core.batchnorm import BatchNorm, batch_norm_backward, batch_norm_forward  # noqa: E402
from bnviz.core.data import preset  # noqa: E402
from bnviz.experiments import peaks  # noqa: E402
from bnviz.experiments.training.data import make_experiment  # noqa: E402
from bnviz.experiments.training.loop import train  # noqa: E402
from bnviz.experiments.training.settings import TrainingSettings  # noqa: E402

SPECS = preset("channels on very different scales", 4)  # the page's default batch


def median_times(fn, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of fn() over `repeat` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    default = TrainingSettings()
    steps_1000 = make_experiment(SPECS, None, default.replace(epochs=-(-1000 // default.steps_per_epoch)))
    steps_2000 = make_experiment(SPECS, None, default.replace(epochs=63))
    n1000 = len(steps_1000.batches)
    xb = steps_1000.x[steps_1000.batches[0]]
    dy = np.random.default_rng(0).standard_normal(xb.shape)
    bn = BatchNorm(xb.shape[1])
    gamma, beta = np.ones(xb.shape[1]), np.zeros(xb.shape[1])

    def bare_layer():
        for _ in range(1000):
            bn.forward(xb)
            bn.backward(dy)

    def bare_functional():
        for _ in range(1000):
            _, cache, _ = batch_norm_forward(xb, gamma, beta)
            batch_norm_backward(dy, cache)

    train(steps_1000)  # warm-up
    train_wall, train_cpu = median_times(lambda: train(steps_1000), args.repeat)
    base_wall, base_cpu = median_times(bare_layer, args.repeat)
    func_wall, func_cpu = median_times(bare_functional, args.repeat)
    two_wall, two_cpu = median_times(lambda: train(steps_2000), args.repeat)
    peaks_wall, peaks_cpu = median_times(peaks.run, args.repeat)
    per_1000 = 1000 / n1000
    result = {
        "settings": "reconstruct, SGD, lr 0.03, batch 32, 4 channels",
        "train_per_1000_steps_s": round(train_wall * per_1000, 4),
        "train_per_1000_steps_cpu_s": round(train_cpu * per_1000, 4),
        "baseline_1000_bn_forward_backward_s": round(base_wall, 4),
        "baseline_1000_bn_forward_backward_cpu_s": round(base_cpu, 4),
        "train_ratio_to_baseline": round(train_cpu * per_1000 / base_cpu, 2),
        "functional_1000_forward_backward_cpu_s": round(func_cpu, 4),
        "validation_share_of_bn_calls": round(1 - func_cpu / base_cpu, 2),
        "train_2016_steps_s": round(two_wall, 4),
        "train_2016_steps_cpu_s": round(two_cpu, 4),
        "peaks_both_trainings_s": round(peaks_wall, 4),
        "peaks_both_trainings_cpu_s": round(peaks_cpu, 4),
    }
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "training.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:42} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
