#!/usr/bin/env bash
# Install everything the tests need (Python packages, in .venv with Debian's own python3; Debian's
# Chromium, nginx and Node.js), check the format and the lint, run every test, and the numerical tests again
# at two lower numpy SIMD levels (see below). Extra arguments go to the run of every test, e.g.
# `bash scripts/test.sh -m "not browser"`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's own python3 refuses a global pip install (PEP 668, "externally-managed-environment"). With
# it, and outside any virtual environment, everything goes into .venv, made here once; Debian's venv
# needs the python3-venv package, installed like Chromium below. In a virtual environment, or with a
# Python that allows it (pyenv, a container's), the packages go where python3 is.
externally_managed() {
  python3 -c 'import os, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED"))
sys.exit(0 if managed and sys.prefix == sys.base_prefix else 1)'
}

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@"
}

if externally_managed; then
  if [ ! -x .venv/bin/python3 ]; then
    echo "python3 is Debian's, which installs no packages outside a virtual environment: making .venv."
    if ! python3 -m venv .venv; then
      rm -rf .venv
      apt_install python3-venv
      python3 -m venv .venv
    fi
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi

python3 -m pip install --quiet --disable-pip-version-check -r requirements-test.txt

if [ -z "${BNVIZ_CHROMIUM:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "Chromium is missing: installing Debian's chromium package."
  apt_install chromium
fi

# nginx, for the test of scripts/serve.sh (replicas behind nginx), installed like Chromium; Debian
# puts it in /usr/sbin, which is not on every user's PATH.
if [ -z "${BNVIZ_NGINX:-}" ] && ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "nginx is missing: installing Debian's nginx package."
  apt_install nginx
fi

# Node.js, for the tests of the live charts' JavaScript (tests/ui/test_live_js.py), installed like Chromium.
if ! command -v node >/dev/null 2>&1 && ! command -v nodejs >/dev/null 2>&1; then
  echo "Node.js is missing: installing Debian's nodejs package."
  apt_install nodejs
fi

ruff format --check .
ruff check .

# Every test at this machine's own numpy SIMD level (or the one NPY_DISABLE_CPU_FEATURES sets), on pytest-xdist
# workers, one per core (each worker serves its own app and runs its own Chromium; a third worker on two cores
# only added its own start-up), handed one test at a time so the long browser tests, collected first
# (tests/conftest.py), spread over every worker.
#
# Behind it, at the lowest priority (nice 19) and from the start, the numerical tests (the core, the experiments and the
# pages' claims: `-m numerical`) again as on a machine without AVX-512 and as on one with SSE only, one process
# each: a training's last digits change with numpy's SIMD kernels, and no test may depend on them. OpenBLAS runs
# on one thread at the first lower level and on two at the second, so that every test also meets both thread
# counts (OpenBLAS splits a product's sums by thread). numpy reads NPY_DISABLE_CPU_FEATURES and OpenBLAS its
# thread count once, when they load; tests/scripts/test_simd_level.py checks that both took. They take the time
# the browsers leave idle (a browser test waits on its page about a tenth of the time) and little more: at nice 10
# they also took about a tenth of the cores from the first run while it was busy, and the whole command took
# 5 min 27 s, against 5 min 10 s at nice 19 in the same session (a warm checkout); each prints its report at the end.
status=0
reports=$(mktemp -d)
levels=("X86_V4 AVX512_ICL AVX512_SPR:1" "X86_V3 X86_V4 AVX512_ICL AVX512_SPR:2")
pids=()
for i in "${!levels[@]}"; do
  level=${levels[$i]%:*} threads=${levels[$i]##*:}
  echo "The numerical tests again with NPY_DISABLE_CPU_FEATURES=\"$level\", OPENBLAS_NUM_THREADS=$threads:" >"$reports/$i"
  NPY_DISABLE_CPU_FEATURES="$level" OPENBLAS_NUM_THREADS="$threads" nice -n 19 python3 -m pytest -q -m numerical \
    -p no:cacheprovider --basetemp="$reports/tmp$i" >>"$reports/$i" 2>&1 &
  pids+=($!)
done
python3 -m pytest -n "$(nproc)" --maxschedchunk 1 "$@" || status=$?
for i in "${!pids[@]}"; do
  wait "${pids[$i]}" || status=$?
  cat "$reports/$i"
done
rm -rf "$reports"
exit "$status"
