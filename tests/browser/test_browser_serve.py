"""A class served by scripts/serve.sh: two replicas behind nginx, each browser kept on one of them.

A Streamlit session is a websocket to one replica, and its uploads and downloads are separate HTTP
requests that only that replica can answer. nginx hashes every request on the cookie
bnviz_replica, which the browser's first response sets; its access log names the replica
(`upstream=`) and the cookie each request carried, and so tells where each request went. Before the
launcher prints its URL, every page has run once on each replica (scripts/warm.py, its warm.log).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import CONTEXT_OPTIONS, ROOT, _missing, free_port
from playwright.sync_api import expect

from content.registry import PAGES
from helpers.pw_helpers import WAIT_MS, open_page, press, slider, wait_idle

pytestmark = pytest.mark.browser

EXAMPLE = ROOT / "examples" / "activations_conv.npy"  # 16 images × 4 channels × 8 × 8
COOKIE = "bnviz_replica"
LINE = re.compile(
    r'"(?P<method>\S+) (?P<path>\S+) [^"]*" (?P<status>\d+) \d+ '
    r"cookie=(?P<cookie>\S+) key=(?P<key>\S+) upstream=(?P<upstream>\S+)"
)


def nginx_path() -> str | None:
    return os.environ.get("BNVIZ_NGINX") or shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


@contextlib.contextmanager
def served(options: tuple[str, ...], run_dir: Path):
    """Run scripts/serve.sh with these options (`-n 2`, or `-s`) on a free loopback port; yield (url, its
    Streamlit processes' ports, the launcher's process, the lines it printed) once it prints its URL; stop
    it with SIGTERM, as Ctrl-C would."""
    port = free_port()
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "serve.sh"), *options, "-p", str(port), "-a", "127.0.0.1", "-d", str(run_dir)],
        env={**os.environ, "BNVIZ_PYTHON": sys.executable},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: killed whole if the launcher itself hangs
    )
    try:
        said = []
        for line in proc.stdout:  # the launcher prints the URL once every replica is healthy, or exits
            said.append(line)
            if line.startswith("Open http"):
                break
        else:
            pytest.fail("scripts/serve.sh stopped before serving:\n" + "".join(said))
        ports = [int(p) for p in re.search(r"on ports? ([\d ]+)[,;]", "".join(said)).group(1).split()]
        yield f"http://127.0.0.1:{port}", ports, proc, said
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()


def requests(run_dir: Path) -> list[dict]:
    """nginx's access log so far, one dict per request: method, path, status, cookie, key, upstream."""
    return [m.groupdict() for m in LINE.finditer((run_dir / "access.log").read_text())]


def wait_for_request(run_dir: Path, launcher: subprocess.Popen, **fields) -> dict:
    """The first logged request with these fields. nginx logs a websocket when it closes, a moment
    after the browser has closed it; wait for it."""

    def matching(log):
        return [r for r in log if all(r[k] == v for k, v in fields.items())]

    return matching(wait_for_log(run_dir, launcher, matching))[0]


def wait_for_log(run_dir: Path, launcher: subprocess.Popen, complete) -> list[dict]:
    """nginx's access log once complete(log) holds (while the launcher runs), up to 30 s."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        log = requests(run_dir)
        if complete(log):
            return log
        with contextlib.suppress(subprocess.TimeoutExpired):
            launcher.wait(timeout=0.1)  # look again in a tenth of a second, unless the launcher exits
        assert launcher.poll() is None, "scripts/serve.sh stopped"
    pytest.fail(f"nginx's log never held every request: {requests(run_dir)}")


def new_cookie(url: str) -> str:
    """The cookie nginx sets on a request that carries none."""
    with urllib.request.urlopen(url + "/_stcore/health") as r:
        (cookie,) = [
            m.group(1) for h in r.headers.get_all("Set-Cookie") for m in [re.match(rf"{COOKIE}=(\w+);", h)] if m
        ]
        return cookie


def warmed(run_dir: Path) -> list[tuple[str, str]]:
    """(page, port) of every page scripts/warm.py ran before the launcher printed its URL (its warm.log)."""
    return re.findall(
        r"^warmed /(\S*) on http://127\.0\.0\.1:(\d+) in [\d.]+ s$", (run_dir / "warm.log").read_text(), re.M
    )


def refused(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_each_browser_stays_on_one_of_two_replicas_behind_nginx_with_its_upload_and_download(browser, tmp_path):
    if nginx_path() is None:
        _missing("nginx not found: install Debian's package with `apt-get install nginx` (serve.sh does).")
    with served(("-n", "2"), tmp_path) as (url, ports, launcher, said):
        # Ready before class: every page ran once on each replica (scripts/warm.py) before the URL was printed.
        assert sorted(warmed(tmp_path)) == sorted((info.url_path, str(p)) for info in PAGES for p in ports)
        assert [line.startswith("Warmed every page on each replica") for line in said].index(True) < len(said) - 1
        assert not any(
            r["path"] in {f"/{info.url_path}" for info in PAGES} for r in requests(tmp_path)
        )  # not via nginx
        # A request without the cookie is given one, and goes to the replica where that cookie then sends
        # every later request; fresh cookies (not the one loopback address) spread over both replicas.
        cookies = [new_cookie(url) for _ in range(24)]
        for cookie in cookies:
            req = urllib.request.Request(url + "/_stcore/health", headers={"Cookie": f"{COOKIE}={cookie}"})
            urllib.request.urlopen(req).close()
        # nginx writes a request's log line once its answer is sent: wait for all 48.
        log = wait_for_log(tmp_path, launcher, lambda log: sum(r["key"] in cookies for r in log) == 2 * len(cookies))
        replica_of = {r["key"]: r["upstream"] for r in log if r["cookie"] == "-" and r["key"] in cookies}
        assert {r["key"]: r["upstream"] for r in log if r["cookie"] in cookies} == replica_of
        assert sorted(set(replica_of.values())) == [f"127.0.0.1:{p}" for p in ports]

        # A browser: /batch, a slider that reruns the page, an upload, a download, then /steps.
        context = browser.new_context(**CONTEXT_OPTIONS)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        open_page(page, url, "batch")
        press(slider(page, "Batch size N"), 3, "ArrowLeft")  # 256 -> 192 -> 128 -> 96
        the_batch = page.locator('[data-testid="stAlert"]').filter(has_text="The batch every page now uses")
        expect(the_batch).to_contain_text("96 samples × 4 channels")
        wait_idle(page)
        page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(EXAMPLE))
        expect(the_batch).to_contain_text("(upload: activations_conv.npy)")
        wait_idle(page)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the batch (CSV)").click()
        csv = Path(download.value.path()).read_text().splitlines()
        assert len(csv) == 1 + 16 * 8 * 8  # a header, then one row per sample and pixel: the upload
        # The uploaded batch, which no link carries, is still this session's on the next page.
        page.locator('[data-testid="stSidebarNav"] a[href$="/steps"]').click()
        expect(page.get_by_text("Your batch: upload: activations_conv.npy, shape (16, 4, 8, 8)")).to_be_visible()
        (mine,) = [c["value"] for c in context.cookies() if c["name"] == COOKIE]
        context.close()

        stream = wait_for_request(tmp_path, launcher, path="/_stcore/stream", status="101", cookie=mine)
        session = [r for r in requests(tmp_path) if r["key"] == mine]
        assert session[0]["cookie"] == "-" and session[0]["path"] == "/batch"  # the first request set it
        assert [r["path"] for r in session if r["path"] == "/_stcore/stream"] == ["/_stcore/stream"]  # one websocket
        assert any(r["method"] == "PUT" and r["path"].startswith("/_stcore/upload_file/") for r in session)
        assert any(r["path"].startswith("/media/") and r["path"].endswith(".csv") for r in session)  # the download
        assert {r["upstream"] for r in session} == {stream["upstream"]}

        # Another browser, whose cookie leads to the other replica, has its session there.
        other = next(c for c, replica in replica_of.items() if replica != stream["upstream"])
        context = browser.new_context(**CONTEXT_OPTIONS)
        context.add_cookies([{"name": COOKIE, "value": other, "url": url}])
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        open_page(page, url)
        expect(page.get_by_role("heading", name="Batch Normalization, and why γ and β exist")).to_be_visible()
        context.close()
        theirs = wait_for_request(tmp_path, launcher, path="/_stcore/stream", status="101", cookie=other)
        assert theirs["upstream"] == replica_of[other] != stream["upstream"]

    # SIGTERM, as Ctrl-C, ran the launcher's trap, which stopped nginx and both replicas.
    assert launcher.returncode == 128 + signal.SIGTERM
    assert all(refused(p) for p in [int(url.rsplit(":", 1)[1]), *ports])


def test_one_learner_gets_streamlit_alone_with_every_page_run_once_before_the_url(browser, tmp_path):
    with served(("-s",), tmp_path) as (url, ports, _, said):
        assert ports == [int(url.rsplit(":", 1)[1])]  # Streamlit itself on the public port: no nginx
        assert not (tmp_path / "nginx.conf").exists()
        assert sorted(warmed(tmp_path)) == sorted((info.url_path, str(ports[0])) for info in PAGES)
        assert said[-3].startswith("Warmed every page") and said[-1].startswith(f"Open {url}")
        page = browser.new_page()
        open_page(page, url)
        expect(page.locator("h1").first).to_contain_text("Batch Normalization")
        page.close()
