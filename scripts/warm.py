"""Warm a served bnviz before the class arrives: open every page once, through a real Streamlit session.

    python3 scripts/warm.py http://127.0.0.1:8502 [http://127.0.0.1:8503 ...]

The first run of a page in a fresh process pays for its imports, its trainings (st.cache_data) and its
figures (st.cache_resource), which every later session then reads. This opens each page, in teaching order,
with its default settings, as a browser's first visit does: a websocket to the server's /_stcore/stream,
a rerun_script message naming the page, and every message back until the server says the run ended.
Servers are warmed side by side (each is its own process), each page one after the other; a line per page.
Exit status 1 if a page does not finish (its error is printed), or after `--timeout` seconds for one page.
No browser: what is warmed is the server's side (its caches); each browser still loads its own scripts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import websockets  # a dependency of Streamlit's own server (streamlit 1.67 installs it): nothing to add
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from content.registry import PAGES  # noqa: E402  (the repository's root, put on the path above)

ENDED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}


async def open_page(url: str, page: str, timeout: float) -> tuple[float, str | None]:
    """Run `page` (its URL path, "" for the start page) once in a new session of the server at `url`.
    Returns the seconds it took and the error the page showed, if any."""
    address = urlparse(url)
    start = time.perf_counter()
    async with websockets.connect(
        f"ws://{address.netloc}/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,  # a page's messages carry its figures, several MB in all
        open_timeout=timeout,
    ) as socket:
        rerun = BackMsg()
        rerun.rerun_script.page_name = page
        rerun.rerun_script.query_string = ""
        await socket.send(rerun.SerializeToString())
        error = None
        async with asyncio.timeout(timeout):
            async for frame in socket:
                message = ForwardMsg.FromString(frame)
                kind = message.WhichOneof("type")
                if kind == "delta" and message.delta.new_element.WhichOneof("type") == "exception":
                    error = error or message.delta.new_element.exception.message
                elif kind == "page_not_found":
                    return time.perf_counter() - start, f"no page {page!r}"
                elif kind == "script_finished" and message.script_finished in ENDED:
                    if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                        error = error or "the page did not compile"
                    return time.perf_counter() - start, error
    return time.perf_counter() - start, "the server closed the session before the page finished"


async def warm(url: str, timeout: float) -> bool:
    """Every page of the server at `url`, one after the other; a line each. Whether all finished cleanly."""
    clean = True
    for info in PAGES:
        try:
            seconds, error = await open_page(url, info.url_path, timeout)
        except (OSError, TimeoutError, websockets.WebSocketException) as failure:
            seconds, error = timeout, f"{type(failure).__name__}: {failure}"
        clean &= error is None
        print(f"warmed /{info.url_path} on {url} in {seconds:.1f} s" + (f": {error}" if error else ""), flush=True)
    return clean


async def main(urls: list[str], timeout: float) -> int:
    results = await asyncio.gather(*(warm(url, timeout) for url in urls))
    return 0 if all(results) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+", help="each server's address, http://host:port")
    parser.add_argument("--timeout", type=float, default=300, help="seconds one page may take (default 300)")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.urls, args.timeout)))
