"""Speed of the core: BatchNorm forward + backward on a (256, 64, 32, 32) batch.

Reported beside a baseline measured in the same run on the same array: one elementwise
NumPy pass (y = 2 * x), so the ratio says how many memory passes BN costs, whatever the
machine. Writes bench/results/core.json.

    python3 bench/core.py [--shape 256 64 32 32] [--repeat 5]
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

from bnviz import BatchNorm  # noqa: E402


def best_and_median(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", type=int, nargs="+", default=[256, 64, 32, 32])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    x = rng.standard_normal(tuple(args.shape)) * 3 + 1
    dy = rng.standard_normal(x.shape)
    bn = BatchNorm(x.shape[1])

    def fwd_bwd():
        bn(x)
        bn.backward(dy)

    fwd_bwd()  # warm-up
    base_best, base_median = best_and_median(lambda: 2.0 * x, args.repeat)
    fwd_best, fwd_median = best_and_median(lambda: bn(x), args.repeat)
    both_best, both_median = best_and_median(fwd_bwd, args.repeat)
    result = {
        "shape": list(x.shape),
        "baseline_elementwise_s": round(base_median, 4),
        "forward_s": round(fwd_median, 4),
        "forward_backward_s": round(both_median, 4),
        "forward_ratio_to_baseline": round(fwd_median / base_median, 1),
        "forward_backward_ratio_to_baseline": round(both_median / base_median, 1),
    }
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "core.json").write_text(json.dumps(result, indent=2))
    for key, value in result.items():
        print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
