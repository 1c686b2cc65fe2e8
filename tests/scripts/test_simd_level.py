"""The numpy SIMD level and the OpenBLAS threads a run asks for are the ones it runs with.

scripts/test.sh runs the numerical tests again with NPY_DISABLE_CPU_FEATURES and OPENBLAS_NUM_THREADS set
(both read once, when numpy loads): this checks, with numpy.show_runtime() (which reads the BLAS through
threadpoolctl), that every extension the run switched off is off and that OpenBLAS has the threads asked
for, so a green run "with AVX2 only" really ran numpy's AVX2 kernels and not the machine's AVX-512 ones.
"""

import ast
import os
import re

import numpy as np
import pytest

pytestmark = pytest.mark.numerical


def runtime(capsys) -> str:
    np.show_runtime()
    return capsys.readouterr().out


def listed(shown: str, key: str) -> set[str]:
    """The names show_runtime printed under `key` ("found", "not_found"), as a set."""
    return set(ast.literal_eval(re.search(rf"'{key}': (\[[^\]]*\])", shown).group(1)))


def test_every_simd_extension_the_run_switched_off_is_off(capsys):
    disabled = set(os.environ.get("NPY_DISABLE_CPU_FEATURES", "").replace(",", " ").split())
    shown = runtime(capsys)
    found, not_found = listed(shown, "found"), listed(shown, "not_found")
    assert found | not_found  # show_runtime listed numpy's dispatched extensions
    assert not disabled & found, (disabled, found)
    assert disabled & (found | not_found) <= not_found


def test_openblas_runs_the_threads_the_run_asked_for(capsys):
    asked = os.environ.get("OPENBLAS_NUM_THREADS")
    threads = {int(n) for n in re.findall(r"'num_threads': (\d+)", runtime(capsys))}
    assert threads  # show_runtime found numpy's BLAS (with threadpoolctl installed)
    if asked is not None:
        assert threads == {int(asked)}
