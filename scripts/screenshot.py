"""Regenerate the README's screenshot, docs/home.png, from the current app.

    python3 scripts/screenshot.py                    # docs/home.png: the home page at its defaults
    python3 scripts/screenshot.py --out /tmp/home.png

Serves app.py on a free loopback port (tests/conftest.py's serve_app), opens it in Debian's Chromium
through Playwright (BNVIZ_CHROMIUM for another binary; Playwright's own browser download is never
used), waits until the script run has finished, the live chart is drawn and every font (KaTeX's too)
has loaded, and saves the 1400 × 1000 window. Needs the test requirements (requirements-test.txt).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import CHROMIUM_ARGS, chromium_path, serve_app  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from helpers.pw_helpers import WAIT_MS, next_frames, open_page  # noqa: E402

DRAWN = "() => Number(document.querySelector('.bnviz-live')?.dataset.draws || 0) >= 1"  # ui/live/element.js counts them


def screenshot(out: Path, width: int = 1400, height: int = 1000) -> Path:
    """Save the home page, as a learner first sees it, to `out`."""
    executable = chromium_path()
    if executable is None:
        sys.exit("No Chromium found: install Debian's chromium package or set BNVIZ_CHROMIUM.")
    with serve_app("screenshot-server.log") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            open_page(page, url)
            page.wait_for_function(DRAWN, timeout=WAIT_MS)
            page.wait_for_function("() => document.fonts.status === 'loaded'", timeout=WAIT_MS)
            next_frames(page)
            out.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(out))
        finally:
            browser.close()
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "home.png", help="where to save it")
    print(screenshot(parser.parse_args().out))
