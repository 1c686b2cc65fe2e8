"""Shared fixtures: the app served by `streamlit run` on a free port, and Chromium through Playwright.

Browser tests are marked `browser`. They need Debian's Chromium (/usr/bin/chromium, or
BNVIZ_CHROMIUM); with CI=true a missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


try:  # hypothesis: no per-example deadline (CI machines vary), more examples when asked
    from hypothesis import settings

    settings.register_profile("default", deadline=None)
    settings.register_profile("thorough", deadline=None, max_examples=500)
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
except ImportError:  # pragma: no cover
    pass


def pytest_report_header(config):
    """The numpy SIMD level and OpenBLAS threads of this run: scripts/test.sh runs the numerical tests at several."""
    import numpy as np
    from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__  # as numpy.show_runtime() reads them

    used = [f for f in __cpu_dispatch__ if __cpu_features__[f]] or ["none beyond the baseline"]
    return (
        f"numpy {np.__version__}, SIMD extensions in use: {', '.join(used)} "
        f"(NPY_DISABLE_CPU_FEATURES={os.environ.get('NPY_DISABLE_CPU_FEATURES', '')!r}, "
        f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')})"
    )


def pytest_collection_modifyitems(config, items):
    """Browser tests first (a stable sort keeps their order otherwise): they are the long ones, so under
    pytest-xdist they start while every worker is free and the short tests fill the end of the run."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


@pytest.fixture(autouse=True, scope="session")
def _installed_components_scanned_once():
    """Scan the installed packages for Streamlit components once per test process, not per AppTest run.

    Every AppTest run calls ComponentManager.discover_and_register_components, which reads the metadata
    of every installed distribution (about 0.8 s here, most of a cached page's run). The real server
    does this once, at start-up; the installed packages do not change during a test session.
    """
    from streamlit.components.v2 import manifest_scanner

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(
            manifest_scanner, "scan_component_manifests", functools.cache(manifest_scanner.scan_component_manifests)
        )
        yield


@pytest.fixture(autouse=True)
def _app_uses_navigation_not_the_pages_folder(monkeypatch):
    """Make every AppTest run go through app.py, as the real server does.

    Streamlit's AppTest resets PagesManager.uses_pages_directory before each run and the
    PagesManager then sets it to True because a pages/ folder exists, so every run after the
    first executes the page file directly (legacy multipage mode) and skips app.py (see
    streamlit/streamlit#9446 and PR #14217, which reset the flag but not this derivation).
    The real server clears the flag for good once st.navigation runs; so do we.
    """
    from streamlit.runtime.pages_manager import PagesManager

    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


def chromium_path() -> str | None:
    return os.environ.get("BNVIZ_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.25)  # poll again in a quarter second, unless streamlit exits
    raise RuntimeError(f"streamlit did not answer at {url} within {timeout} s")


# One BLAS thread for the served app: on a 2-core machine the browser needs the other core, and
# the app's arrays are small enough that threads only add contention.
SERVER_ENV = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by serve_app (or bench/serving.py): politely, then for sure."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def streamlit_command(script: Path, port: int) -> list[str]:
    """`streamlit run script` headless on a loopback port, without usage statistics or file watching
    (the tests' and the benchmarks' servers: bench/serving.py)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]


@contextlib.contextmanager
def serve_app(log_name: str):
    """Run `streamlit run app.py` headless on a free loopback port; yield its URL, then stop it."""
    port = free_port()
    (ROOT / "artifacts").mkdir(exist_ok=True)
    with open(ROOT / "artifacts" / log_name, "w") as log:
        proc = subprocess.Popen(
            streamlit_command(ROOT / "app.py", port),
            cwd=ROOT,
            env=SERVER_ENV,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(url, proc)
            yield url
        finally:
            stop_server(proc)


@pytest.fixture(scope="session")
def app_url():
    """The app served for the whole test session of this worker: under pytest-xdist each worker
    (a process of its own) starts its own server on its own free port. Tests share nothing else
    with it: each opens a new browser context, so a new Streamlit session."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with serve_app(f"streamlit-test-{worker}.log") as url:
        yield url


def _missing(message: str):
    """Outside CI a missing browser skips the browser tests; in CI it fails them."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + " (CI=true: browser tests may not be skipped)")
    pytest.skip(message)


# Every browser context the tests open: the tests' viewport, and reduced motion, which spares Chromium
# Streamlit's skeleton shimmer and transitions (nothing the tests assert, and a learner's own setting).
CONTEXT_OPTIONS = {"viewport": {"width": 1400, "height": 1000}, "reduced_motion": "reduce"}


@pytest.fixture(scope="session")
def _playwright():
    """Playwright, started once per worker process for every Chromium it launches."""
    if chromium_path() is None:
        _missing("Chromium not found: install Debian's package with `apt-get install chromium`.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("The playwright package is missing: pip install -r requirements-test.txt.")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(_playwright):
    """A Chromium for the tests that open a browser context of their own ("another browser"), with
    CONTEXT_OPTIONS."""
    b = _playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
    yield b
    b.close()


@pytest.fixture(scope="session")
def browser_context(_playwright, tmp_path_factory):
    """One browser context per worker process, with a profile on disk: its pages share the HTTP cache and
    V8's code cache, so Streamlit's bundle and plotly.js are downloaded once and compiled from the cache
    afterwards (an in-memory context keeps no code cache: a page load there costs a third more CPU)."""
    context = _playwright.chromium.launch_persistent_context(
        tmp_path_factory.mktemp("chromium-profile"),
        executable_path=chromium_path(),
        headless=True,
        args=CHROMIUM_ARGS,
        **CONTEXT_OPTIONS,
    )
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    """A new tab per test: a new websocket, so a new Streamlit session; nothing of the app is shared
    (its state lives in the server's session, and the URL; the sidebar's state, which Streamlit keeps in
    the browser, is cleared). Tests that open a copied link "in another
    browser" make a context of their own."""
    pg = browser_context.new_page()
    pg.set_default_timeout(60_000)
    from helpers.pw_helpers import watch_runs  # here: pw_helpers imports this module

    watch_runs(pg)  # for pw_helpers.after_run
    # Streamlit keeps a sidebar the learner collapsed or opened in localStorage (stSidebarCollapsed-…), which
    # the worker's profile keeps for the next test: each test starts from the sidebar the app sets.
    pg.add_init_script(
        "for (const k of Object.keys(localStorage)) if (k.startsWith('stSidebarCollapsed')) localStorage.removeItem(k);"
    )
    yield pg
    pg.close()
