"""The tests' shared helpers, one module each (tests/README.md says which test uses what):

- `apptest`: pages run in Streamlit's AppTest (`run_page`, `open_link`), and what they show (figures, tables,
  live charts' data, /teach's links);
- `pw_helpers`: Chromium through Playwright (`open_page`, `after_run`: wait for the run a click starts,
  axe-core, the console, projector checks, screenshots);
- `shown`: every string a page shows, as its renderer draws it.

Fixtures (the served app, Chromium, a page per test) are in tests/conftest.py.
"""
