"""`streamlit run` for the benchmarks: any main script, on a free loopback port, single-threaded BLAS.

The tests' helpers (tests/conftest.py: free_port, wait_healthy, SERVER_ENV with one BLAS
thread) serve app.py only; the benchmarks also serve bench/minimal_app.py and the seeded app,
so this module takes the script, its folder and extra environment, and reuses the rest.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

from conftest import SERVER_ENV, free_port, stop_server, streamlit_command, wait_healthy  # noqa: E402


@contextmanager
def serve(script: Path, cwd: Path = ROOT, env: dict | None = None, log_name: str = "server"):
    """Yield (url, process) of `streamlit run script`; the log is kept in bench/results/ on failure."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = RESULTS / f"{log_name}-{port}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            streamlit_command(script, port),
            cwd=cwd,
            env={**SERVER_ENV, **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        ok = False
        try:
            wait_healthy(url, proc)
            yield url, proc
            ok = True
        finally:
            stop_server(proc)
    if ok:
        log_path.unlink(missing_ok=True)
    else:
        print(f"server log kept in {log_path}", file=sys.stderr)


@contextmanager
def seeded_app(
    batch: str | None,
    state: dict | None = None,
    preset: str = "channels on very different scales",
    leak: bool = False,
):
    """Serve app.py with `batch` ("N,C" / "N,C,H,W", or None for the default) and `state` put in
    every new session first (bench/seeded_app.py, run from a folder linking to the app's files).
    leak: the app keeps the live charts' values in a module global, shared by every session."""
    import json

    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bnviz-bench-")))
        for name in ("pages", "sections", "ui", "bnviz", "content", "examples", "static", ".streamlit"):
            if (ROOT / name).exists():
                (folder / name).symlink_to(ROOT / name)
        (folder / "seeded_app.py").symlink_to(ROOT / "bench" / "seeded_app.py")
        env = {
            "BNVIZ_BENCH_APP": str(ROOT / "app.py"),
            "BNVIZ_BENCH_PRESET": preset,
            "BNVIZ_BENCH_STATE": json.dumps(state or {}),
        }
        if batch:
            env["BNVIZ_BENCH_BATCH"] = batch
        if leak:
            env["BNVIZ_BENCH_LEAK"] = "1"
        yield stack.enter_context(serve(folder / "seeded_app.py", folder, env, log_name="app"))
