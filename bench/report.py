"""The performance tables of docs/performance.md (issue 8), as Markdown, from the latest files in bench/results/.

    python3 bench/report.py

Reads latency.json (bench/latency.py --all), rerun.json (bench/rerun.py), loadtest.json,
core.json and training.json; prints what is there and says which files are missing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def load(name: str) -> dict | None:
    path = RESULTS / name
    if not path.exists():
        print(f"(no {name}: run its benchmark)", file=sys.stderr)
        return None
    return json.loads(path.read_text())


def latency_table(lat: dict, rerun: dict | None) -> str:
    reruns = {(r["path"], r["size"]): r for r in (rerun or {}).get("runs", [])}
    rows = [
        "| page (slider) | size | browser ms | minimal ms | ratio (target) | no-browser ms (ratio) "
        "| page's main thread ms | AppTest ms (ratio) | KB per press |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in lat["runs"]:
        size = "default" if r["size"] == "default" else r["size"].replace(",", "×")
        verdict = "met" if r["ratio_met"] else "**missed**"
        server = r.get("server_only")
        server_text = f"{server['median_ms']:.0f} ({r['server_only_ratio']:.1f}×)" if server else "—"
        at = reruns.get((r["path"], r["size"]))
        at_text = f"{at['median_ms']:.0f} ({at['ratio']:.0f}×)" if at else "—"
        busy = r["page"].get("median_main_thread_ms", {}).get("TaskDuration")
        kb = f"{r['page']['median_bytes'] / 1000:.0f}" + ("" if r["bytes_met"] else " **(> 150)**")
        rows.append(
            f"| {r['path']} ({r['slider'].split(' (')[0]}) | {size} | {r['page']['median_ms']:.0f} | "
            f"{r['minimal']['median_ms']:.0f} | {r['ratio']:.1f}× (≤ {r['ratio_target']}×, {verdict}) | {server_text} | "
            f"{'—' if busy is None else f'{busy:.0f}'} | {at_text} | {kb} |"
        )
    return "\n".join(rows)


def main() -> None:
    lat, rerun = load("latency.json"), load("rerun.json")
    if lat:
        print(
            f"latency.json: {lat['time']}, {lat['presses']} presses after {lat['warmup']}, "
            f"load average {lat['load_average_start'][0]:.1f} → {lat['load_average_end'][0]:.1f}, {lat['wall_s']} s"
        )
        if rerun:
            minimal = sorted(r["minimal_median_ms"] for r in rerun["runs"])
            print(f"rerun.json: {rerun['time']}, minimal AppTest rerun {minimal[0]:.1f}–{minimal[-1]:.1f} ms")
        print()
        print(latency_table(lat, rerun))
    load_test = load("loadtest.json")
    if load_test:
        print()
        print(json.dumps(load_test, indent=1))
    for name in ("core.json", "training.json"):
        data = load(name)
        if data:
            print()
            print(name, json.dumps(data))


if __name__ == "__main__":
    main()
