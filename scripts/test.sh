#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian's Chromium), check the format and the
# lint, and run every test on pytest-xdist workers, one per core and one more (the browser tests spend
# part of their time waiting for the served app; each worker serves its own app and runs its own
# Chromium), handed one test at a time so the long browser tests, collected first (tests/conftest.py),
# spread over every worker. Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not browser"`.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

if [ -z "${BNVIZ_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium package."
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
fi

ruff format --check .
ruff check .

python3 -m pytest -n "$(($(nproc) + 1))" --maxschedchunk 1 "$@"
