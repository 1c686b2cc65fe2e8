"""Validate once, at the boundary: the rerun time of /gamma-beta and /steps when the learner's batch is trusted
(checked where it entered the app, a read-only bnviz.core.validation.ValidBatch) and when every experiment
checks it again (as before issue 25), in the same run.

    python3 bench/validation.py            # both pages at each size of bench/latency.py: about a minute
    python3 bench/validation.py --repeat 15

For each size (the default batch, the largest fully connected and convolutional ones the UI allows) and page,
bench/rerun.py's measure (AppTest, the page's slider moved one step, the whole script rerun) is taken in turns:
trusted, then "every entry checks" (each call of check_batch handed the batch as a plain array, so that it
scans its values again), --rounds times. Medians of the reruns of each; their ratio. Also: how many times a
rerun calls check_batch, and how many of those scan values. Writes bench/results/validation.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from latency import CASES, SIZES  # noqa: E402
from rerun import app_pages_without_pages_folder, open_page, page_files, session_batch, timed_reruns  # noqa: E402
from serving import RESULTS, ROOT  # noqa: E402

sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from bnviz.core import validation  # noqa: E402

# A Streamlit slider of each page that AppTest can move (/gamma-beta's γ and β are live controls, drawn in the
# browser): §3's γ after BN, and /steps' training batches in eval mode (latency.SIZES switches eval mode on).
SLIDERS = {"gamma-beta": "γ after BN", "steps": "Training batches seen before eval"}


@contextlib.contextmanager
def checks(every_entry: bool, counts: dict):
    """check_batch, wherever it was imported, counting its calls (and the ones that scan values); with
    every_entry, handing it a ValidBatch as a plain array, so that it scans the values again."""
    original = validation.check_batch

    def check_batch(x, *args, **kwargs):
        counts["calls"] += 1
        if isinstance(x, validation.ValidBatch) and every_entry:
            x = np.asarray(x)
        counts["scans"] += not (type(x) is validation.ValidBatch and not x.flags.writeable)
        return original(x, *args, **kwargs)

    holders = [m for m in list(sys.modules.values()) if getattr(m, "check_batch", None) is original]
    for module in holders:
        module.check_batch = check_batch
    try:
        yield
    finally:
        for module in holders:
            module.check_batch = original


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=6, help="timed reruns per turn")
    parser.add_argument("--rounds", type=int, default=3, help="turns of each way, alternating")
    args = parser.parse_args()
    app_pages_without_pages_folder()
    files = page_files()
    runs = []
    for size, (shape, state) in SIZES.items():
        batch = session_batch(shape)  # a ui.state.Batch: its x checked once, when it was made
        for case in (c for c in CASES if c.page in SLIDERS and size in c.sizes):
            print(f"/{case.page} at {size} ...", flush=True)
            times = {False: [], True: []}
            counts = {every: {"calls": 0, "scans": 0} for every in (False, True)}
            for _ in range(args.rounds):
                for every_entry in (False, True):
                    tally = {"calls": 0, "scans": 0}
                    with checks(every_entry, tally):
                        at = open_page(str(ROOT / "app.py"), files[case.page], batch, state, "")
                        tally.update(calls=0, scans=0)  # the reruns only, not the page's first run
                        times[every_entry] += timed_reruns(at, SLIDERS[case.page], args.repeat, case.submit)
                    counts[every_entry] = {k: v / args.repeat for k, v in tally.items()}
            trusted, every = (statistics.median(times[k]) for k in (False, True))
            runs.append(
                {
                    "page": "/" + case.page,
                    "size": size,
                    "trusted_ms": round(1000 * trusted, 1),
                    "every_entry_ms": round(1000 * every, 1),
                    "ratio": round(trusted / every, 3),
                    "check_calls_per_rerun": counts[False]["calls"],
                    "scans_per_rerun": {"trusted": counts[False]["scans"], "every_entry": counts[True]["scans"]},
                }
            )
    report = {
        "repeat": args.repeat,
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "time": time.strftime("%Y-%m-%d %H:%M:%S"),
        "load_average": os.getloadavg(),
        "runs": runs,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / "validation.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(
        "| page | batch | every entry checks | trusted | ratio | check_batch calls per rerun | of them scanning values |"
    )
    print("|---|---|---:|---:|---:|---:|---|")
    for r in runs:
        s = r["scans_per_rerun"]
        print(
            f"| {r['page']} | {r['size']} | {r['every_entry_ms']:.0f} ms | {r['trusted_ms']:.0f} ms | {r['ratio']:.2f}× "
            f"| {r['check_calls_per_rerun']:.0f} | {s['every_entry']:.0f} → {s['trusted']:.0f} |"
        )
    print(f"written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
